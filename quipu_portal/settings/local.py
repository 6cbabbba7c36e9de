"""The embedded stack for a laptop and the demo: no variables needed."""

import os

from cryptography.fernet import Fernet
from django.core.management.utils import get_random_secret_key

from .base import *  # noqa: F403
from .base import DATA_DIR, env_bool

DEBUG = env_bool("DEBUG", False)
# The benchmark command runs from a checkout (laptop, CI), never on a production server.
INSTALLED_APPS = [*INSTALLED_APPS, "quipu_portal.benchmarks"]  # noqa: F405
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _local_secret(name: str, make) -> str:
    """A value generated once and kept in the data folder, so restarts keep sessions and secrets."""
    path = DATA_DIR / name
    if not path.exists():
        path.write_text(make())
        path.chmod(0o600)
    return path.read_text().strip()


def _fernet_key() -> str:
    return Fernet.generate_key().decode()


SECRET_KEY = os.environ.get("SECRET_KEY") or _local_secret("secret_key", get_random_secret_key)
QUIPU_ENCRYPTION_KEYS = [
    key for key in os.environ.get("QUIPU_ENCRYPTION_KEYS", "").split(",") if key.strip()
] or [_local_secret("encryption_key", _fernet_key)]
# The sandbox speaks plain http on loopback only.
QUIPU_ALLOW_INSECURE_LOOPBACK = True
QUIPU_ALLOWED_BASE_URLS = [*QUIPU_ALLOWED_BASE_URLS, *SANDBOX_BASE_URLS]  # noqa: F405
