import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "quipu_portal.settings.production",
    "SECRET_KEY": "x7#kq0v!m2p9w$z4r8t1y6u3i5o0a@s2d4f6g8h1j3k5l7z9x1c3v5b7n9m0q2w4e6r8t",
    "ALLOWED_HOSTS": "portal.example.com",
    "QUIPU_ENCRYPTION_KEYS": "Zm9vYmFyYmF6cXV4cXV1eGZvb2JhcmJhenF1eHF1dXg=",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/quipu_portal",
}


def run_manage(*args, env):
    # DJANGO_ALLOW_ASYNC_UNSAFE is a test-only switch that check --deploy rightly refuses.
    ignored = {*PRODUCTION_ENV, "DJANGO_ALLOW_ASYNC_UNSAFE"}
    full_env = {key: value for key, value in os.environ.items() if key not in ignored}
    full_env.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_under_production_settings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_its_secrets():
    for missing in ("SECRET_KEY", "QUIPU_ENCRYPTION_KEYS"):
        env = {key: value for key, value in PRODUCTION_ENV.items() if key != missing}
        env[missing] = ""
        result = run_manage("check", env=env)
        assert result.returncode != 0
        assert missing in result.stderr


def test_production_leaves_the_benchmarks_out():
    code = "from django.conf import settings; print(','.join(settings.INSTALLED_APPS))"
    result = run_manage("shell", "-c", code, env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    apps = result.stdout.strip().split(",")
    assert "quipu_portal.dashboard" in apps
    assert "quipu_portal.benchmarks" not in apps
    result = run_manage("help", "benchmark", env=PRODUCTION_ENV)
    assert result.returncode != 0
