"""The README's demo command brings up a page where the printed login works."""

import os
import re
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.slow
def test_demo_command_serves_the_dashboard_with_the_printed_login(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "Q_BROKER", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(PORT=str(free_port()), SANDBOX_PORT=str(free_port()), QUIPU_DATA_DIR=str(tmp_path))
    demo = subprocess.Popen(
        ["bin/demo"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        output = ""
        deadline = time.monotonic() + 120
        while "Press Ctrl-C" not in output and time.monotonic() < deadline:
            line = demo.stdout.readline()
            if not line and demo.poll() is not None:
                break
            output += line
        threading.Thread(target=demo.stdout.read, daemon=True).start()
        url = re.search(r"running at (http://\S+)", output).group(1)
        username, password = re.search(r"Sign in as:\s+(\S+)\s+/\s+(\S+)", output).groups()

        browser = requests.Session()
        login_page = browser.get(f"{url}login/", timeout=10)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login_page.text).group(1)
        dashboard = browser.post(
            f"{url}login/",
            data={"username": username, "password": password, "csrfmiddlewaretoken": token},
            headers={"Referer": f"{url}login/"},
            timeout=10,
        )
        assert dashboard.status_code == 200
        assert "Talleres Ebro S.L." in dashboard.text
        assert 'lang="es"' in dashboard.text
    finally:
        # Ctrl-C in a terminal reaches the whole process group.
        os.killpg(demo.pid, signal.SIGINT)
        try:
            demo.wait(timeout=45)
        except subprocess.TimeoutExpired:
            os.killpg(demo.pid, signal.SIGKILL)
            raise
    assert demo.returncode is not None
    # Nothing it started is left running (a worker of the cluster included).
    for _ in range(10):
        leftovers = subprocess.run(
            ["pgrep", "-g", str(demo.pid)], capture_output=True, text=True
        ).stdout.split()
        if not leftovers:
            break
        time.sleep(0.5)
    assert leftovers == []
