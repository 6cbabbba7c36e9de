"""Several processes share one credential pair at Quipu's real limit (5 requests in any 5 seconds)."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from .conftest import account_stats

REPO_ROOT = Path(__file__).resolve().parents[2]
SECONDS = 30
WORKERS = 3
LIMIT, WINDOW = 5, 5.0
PAGE_VIEW_EVERY = 6.0  # a person clicking through pages while the jobs run


@pytest.mark.slow
@pytest.mark.timeout(120)
def test_workers_and_page_views_share_the_real_limit_without_a_single_429(
    sandbox, quipu_account, credentials, transactional_db
):
    app_id = quipu_account["app_id"]
    sandbox.set_rate(LIMIT, WINDOW, app_id=app_id)
    before = account_stats(sandbox, app_id)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "quipu_portal.settings.test",
        "HAMMER_RATE": f"{LIMIT}/{WINDOW:g}s",  # the real limit, whatever the test settings say
        "HAMMER_DB_NAME": str(connection.settings_dict["NAME"]),
        "HAMMER_BASE_URL": sandbox.base_url,
        "HAMMER_APP_ID": app_id,
        "HAMMER_SECRET": quipu_account["app_secret"],
        "HAMMER_START_AT": str(time.time() + 2),
        "HAMMER_SECONDS": str(SECONDS),
        "HAMMER_PAGE_VIEW_EVERY": str(PAGE_VIEW_EVERY),
        "LOG_LEVEL": os.environ.get("HAMMER_LOG_LEVEL", "WARNING"),
    }
    roles = ["worker"] * WORKERS + ["web"]
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.quipu.hammer_process", role],
            cwd=REPO_ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for role in roles
    ]
    reports = []
    for process in processes:
        out, err = process.communicate(timeout=SECONDS + 60)
        assert process.returncode == 0, err[-3000:]
        reports.append(json.loads(out.strip().splitlines()[-1]))
        if os.environ.get("HAMMER_LOG_LEVEL"):
            Path(f"/tmp/hammer-{len(reports)}.log").write_text(err)

    after = account_stats(sandbox, app_id)
    served = (after["requests"] - after["over_limit"]) - (before["requests"] - before["over_limit"])
    throughput = served / SECONDS
    web = next(r for r in reports if r["role"] == "web")
    one_slot = WINDOW / LIMIT
    print(
        f"\nserved {served} in {SECONDS} s = {throughput:.2f} req/s ({throughput / (LIMIT / WINDOW):.0%} of the limit); "
        f"over limit {after['over_limit']}; page views {web['calls']}, waits {web['waits']}; "
        f"worker calls {[r['calls'] for r in reports if r['role'] == 'worker']}"
    )
    assert all(not r["errors"] for r in reports), [r["errors"] for r in reports]
    assert after["over_limit"] == 0
    assert throughput >= 0.9 * LIMIT / WINDOW
    assert all(r["calls"] > 0 for r in reports)
    # A page view made while the workers are busy waits at most one rate slot (plus the safety margin).
    assert web["calls"] >= SECONDS // PAGE_VIEW_EVERY
    assert max(web["waits"]) <= one_slot + 0.2
