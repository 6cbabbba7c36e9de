"""Settings of the processes ``manage.py benchmark`` starts: the embedded stack in a temporary folder.

Everything else comes from the local settings. The rate margin (the pause added to each window so
that clock jitter never causes a 429) is read from the environment because its right size depends
on the window: 0.15 s suits Quipu's 5-second window, a raised 1-second limit needs a smaller one.
"""

import os

from quipu_portal.settings.local import *  # noqa: F403

QUIPU_RATE_MARGIN_SECONDS = float(os.environ.get("QUIPU_RATE_MARGIN_SECONDS", "0.15"))

# Its own task queue: on a Redis database a portal also uses, the benchmark's cluster takes only its own tasks.
Q_CLUSTER = {**Q_CLUSTER, "name": "quipu_benchmark"}  # noqa: F405
