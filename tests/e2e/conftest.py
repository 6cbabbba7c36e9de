import shutil
from pathlib import Path

import pytest

from tests.jobs.cluster import kill_cluster, print_log_tail, start_cluster, wait_until_running

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": True,
        "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    }


@pytest.fixture
def signed_in_page(page, live_server, client, user):
    """A browser page signed in as ``user`` through a session cookie."""
    client.force_login(user)
    cookie = client.cookies["sessionid"]
    page.context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server.url}])
    page.set_default_timeout(15_000)
    return page


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath).replace("\\", "/"):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture
def page_on_account(signed_in_page, connection, settings):
    """Signed in with a connection to a fresh sandbox account, at the suite sandbox's raised limit."""
    settings.QUIPU_RATE_LIMIT = "1000/5s"
    return signed_in_page


@pytest.fixture
def cluster(live_server, tmp_path):
    """A django-q2 cluster on the test database, up before the test goes on, killed at the end."""
    log = Path(tmp_path) / "qcluster.log"
    process = start_cluster(log)
    wait_until_running(log)
    yield process
    kill_cluster(process)
    print_log_tail(log)


@pytest.fixture
def cluster_later(live_server, tmp_path):
    """Starts a cluster when the test calls it (to see a job wait for one first); killed at the end."""
    started = []

    def start():
        started.append(start_cluster(Path(tmp_path) / "qcluster.log"))

    yield start
    for process in started:
        kill_cluster(process)
    if started:
        print_log_tail(Path(tmp_path) / "qcluster.log")
