"""One process of the shared-budget test: a background worker or a person's page views.

Run as ``python -m tests.quipu.hammer_process ROLE`` with the settings in the environment. It prints
``READY`` once Django is set up, waits until the file HAMMER_GO_FILE holds the start time, works
until HAMMER_SECONDS after it, and prints one JSON line with what it did.
Not a test module itself: tests/quipu/test_shared_budget.py starts it.
"""

import json
import os
import sys
import time
from pathlib import Path


def wait_for_start(go_file: Path) -> float:
    while not go_file.exists() or not go_file.read_text().strip():
        time.sleep(0.02)
    start_at = float(go_file.read_text())
    time.sleep(max(0.0, start_at - time.time()))
    return start_at


def main(role: str) -> None:
    import django

    django.setup()
    from django.db import connections

    # The parent's test database (pytest-django gives it another name than the settings do).
    connections["default"].settings_dict["NAME"] = os.environ["HAMMER_DB_NAME"]

    from quipu_portal.quipu.client import Priority, QuipuClient
    from quipu_portal.quipu.config import QuipuCredentials, RateLimit
    from quipu_portal.quipu.errors import QuipuError

    credentials = QuipuCredentials(
        os.environ["HAMMER_BASE_URL"], os.environ["HAMMER_APP_ID"], os.environ["HAMMER_SECRET"]
    )
    page_view_every = float(os.environ.get("HAMMER_PAGE_VIEW_EVERY", "2"))
    priority = Priority.BACKGROUND if role == "worker" else Priority.INTERACTIVE
    rate_limit = RateLimit.parse(os.environ["HAMMER_RATE"])  # the real limit, whatever the settings say
    calls, waits, done_at, errors = 0, [], [], []
    with QuipuClient(credentials, priority=priority, rate_limit=rate_limit) as client:
        connections["default"].ensure_connection()
        print("READY", flush=True)
        stop_at = wait_for_start(Path(os.environ["HAMMER_GO_FILE"])) + float(os.environ["HAMMER_SECONDS"])
        while time.time() < stop_at:
            began = time.time()
            try:
                client.list("contacts", page_size=1)
                calls += 1
                waits.append(round(client.last_wait_seconds, 3))
                done_at.append(time.time())
            except QuipuError as error:
                errors.append(f"{type(error).__name__}: {error}")
            if role == "web":  # a person: one page view every few seconds
                time.sleep(max(0.0, began + page_view_every - time.time()))
    result = {
        "role": role,
        "calls": calls,
        "waits": waits,
        "done_at": done_at,  # when each call returned
        "errors": errors,
        "ended_at": time.time(),
    }
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main(sys.argv[1])
