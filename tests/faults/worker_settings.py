"""Settings of the django-q2 cluster the fault suite starts: the suite's own test database and keys,
and short leases and retries so that a killed worker's work is picked up again within seconds."""

import os

from quipu_portal.settings.test import *  # noqa: F403
from quipu_portal.settings.test import DATABASES, Q_CLUSTER

QUIPU_ENCRYPTION_KEYS = os.environ["FAULTS_ENCRYPTION_KEYS"].split(",")
MEDIA_ROOT = os.environ["FAULTS_MEDIA_ROOT"]
DATABASES["default"]["NAME"] = os.environ["FAULTS_DATABASE_NAME"]
# The same queue as the test process that enqueues the tasks.
Q_CLUSTER = {**Q_CLUSTER, "name": os.environ["FAULTS_CLUSTER_NAME"], "timeout": 15, "retry": 20, "poll": 0.2}
QUIPU_JOB_LEASE_SECONDS = 8
QUIPU_JOB_CHUNK_SECONDS = 4
QUIPU_JOB_CHUNK_SIZE = int(os.environ.get("FAULTS_JOB_CHUNK_SIZE", "8"))
