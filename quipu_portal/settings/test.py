"""Settings for the test suite: the embedded stack, or PostgreSQL and Redis when their URLs are set."""

import os

from .base import *  # noqa: F403
from .base import DATA_DIR, DATABASES, SQLITE_OPTIONS, STATIC_ROOT, env_list

# The benchmark command runs from a checkout (laptop, CI), never on a production server.
INSTALLED_APPS = [*INSTALLED_APPS, "quipu_portal.benchmarks"]  # noqa: F405
SECRET_KEY = "test-only-secret-key-that-is-long-enough-for-django-checks-0123456789"
# One fixed key for every process of a test run (workers and clusters started by the tests
# decrypt what the test process stored); never used outside the tests.
QUIPU_ENCRYPTION_KEYS = env_list("QUIPU_ENCRYPTION_KEYS") or ["H0RTxFd5z_V9OGiVYv1X6rfN_ZAgWtk8p5ah4bEosAI="]
QUIPU_ALLOW_INSECURE_LOOPBACK = True
QUIPU_ALLOWED_BASE_URLS = [*QUIPU_ALLOWED_BASE_URLS, *SANDBOX_BASE_URLS]  # noqa: F405
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
AXES_ENABLED = True
AXES_FAILURE_LIMIT = 5

if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    # A file, not memory: the live server, the sandbox-facing workers and other
    # processes in the job tests must see the same database.
    DATABASES["default"]["OPTIONS"] = SQLITE_OPTIONS
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test_quipu_portal.sqlite3")}

# The suite's sandbox runs with a raised limit so tests stay fast; the pacing
# tests set the real 5 per 5 s on both sides.
QUIPU_RATE_LIMIT = "1000/5s"

# One django-q queue and one cache key prefix per pytest-xdist worker: a cluster started by one worker's
# job tests never takes the tasks of another, and a test emptying its cache leaves the other worker's
# alone (they share Redis when REDIS_URL is set).
TEST_WORKER_NAME = f"quipu_portal_test_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
Q_CLUSTER = {**Q_CLUSTER, "name": TEST_WORKER_NAME}  # noqa: F405
if "KEY_PREFIX" in CACHES["default"]:  # noqa: F405
    CACHES["default"]["KEY_PREFIX"] = TEST_WORKER_NAME  # noqa: F405

WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
