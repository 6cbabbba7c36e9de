"""One process of the shared-budget test: a background worker or a person's page views.

Run as ``python -m tests.quipu.hammer_process ROLE`` with the settings in the environment; prints one
JSON line with what it did. Not a test module itself (tests/quipu/test_shared_budget.py starts it).
"""

import json
import os
import sys
import time


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
    start_at = float(os.environ["HAMMER_START_AT"])
    stop_at = start_at + float(os.environ["HAMMER_SECONDS"])
    page_view_every = float(os.environ.get("HAMMER_PAGE_VIEW_EVERY", "2"))
    priority = Priority.BACKGROUND if role == "worker" else Priority.INTERACTIVE
    calls, waits, errors = 0, [], []
    with QuipuClient(
        credentials, priority=priority, rate_limit=RateLimit.parse(os.environ["HAMMER_RATE"])
    ) as client:
        time.sleep(max(0.0, start_at - time.time()))
        while time.time() < stop_at:
            began = time.time()
            try:
                client.list("contacts", page_size=1)
                calls += 1
                waits.append(round(client.last_wait_seconds, 3))
            except QuipuError as error:
                errors.append(f"{type(error).__name__}: {error}")
            if role == "web":  # a person: one page view every few seconds
                time.sleep(max(0.0, began + page_view_every - time.time()))
    print(json.dumps({"role": role, "calls": calls, "waits": waits, "errors": errors}))


if __name__ == "__main__":
    main(sys.argv[1])
