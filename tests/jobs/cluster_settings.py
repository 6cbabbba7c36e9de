"""Settings for the ``manage.py qcluster`` the kill tests start: the test settings on the test run's
live database, with short leases and small chunks so a kill and a resume fit in seconds."""

import os

from quipu_portal.settings.test import *  # noqa: F403
from quipu_portal.settings.test import DATABASES, Q_CLUSTER, QUIPU_RATE_LIMIT

DATABASES["default"]["NAME"] = os.environ["QUIPU_TEST_DB_NAME"]
DATABASES["default"].pop("TEST", None)
# The test process's keys, so the cluster can read the connection's app secret.
QUIPU_ENCRYPTION_KEYS = os.environ["QUIPU_TEST_ENCRYPTION_KEYS"].split(",")
# A test of several clusters ("machines") may give each fewer workers, and all of them a tighter limit.
WORKERS = int(os.environ.get("QUIPU_TEST_CLUSTER_WORKERS", "2"))
Q_CLUSTER = {**Q_CLUSTER, "timeout": 20, "retry": 30, "poll": 0.2, "workers": WORKERS, "queue_limit": WORKERS}
QUIPU_RATE_LIMIT = os.environ.get("QUIPU_TEST_CLUSTER_RATE", QUIPU_RATE_LIMIT)
QUIPU_JOB_LEASE_SECONDS = 3
QUIPU_JOB_CHUNK_SIZE = 5
QUIPU_JOB_CHUNK_SECONDS = 5
