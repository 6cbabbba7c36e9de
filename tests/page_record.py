"""Records every HTML page the Django test client receives, to compare a refactor's output.

Set ``QUIPU_RECORD_PAGES`` to a folder and run the suite: each HTML response is written there,
one file per test and request, with what changes from run to run (tokens, nonces, record ids,
times) replaced by placeholders. Record before and after a change, then ``diff -r`` the folders.
"""

import os
import re
from pathlib import Path

import pytest

RECORD_DIR = os.environ.get("QUIPU_RECORD_PAGES")

ID_SPACE = 10_000_000
VOLATILE = [
    (
        re.compile(r'(name="(?:csrfmiddlewaretoken|once_token|_loaded|[a-z_]*token)"[^>]*value=")[^"]*'),
        r"\1…",
    ),
    (
        re.compile(r'(value=")[^"]*("[^>]*name="(?:csrfmiddlewaretoken|once_token|_loaded|[a-z_]*token)")'),
        r"\1…\2",
    ),
    (re.compile(r'"X-CSRFToken": "[^"]*"'), '"X-CSRFToken": "…"'),
    (re.compile(r'nonce="[^"]*"'), 'nonce="…"'),
    (re.compile(r"\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}[^\"<\s]*"), "TIMESTAMP"),
    (re.compile(r"\b\d{1,2}:\d{2}(:\d{2})?\b"), "HH:MM"),
    (re.compile(r"/media/[^\"'<\s]*"), "/media/…"),
    (re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"), "UUID"),
    (re.compile(r"\b[A-Za-z0-9_\-]{20,}:[A-Za-z0-9_\-:]{10,}"), "SIGNED"),
]
RECORD_ID = re.compile(r"\b(\d{1,3})(\d{7})\b")


def normalise(html: str) -> str:
    for pattern, replacement in VOLATILE:
        html = pattern.sub(replacement, html)
    return RECORD_ID.sub(lambda match: f"ID{int(match.group(2))}", html)


@pytest.fixture(autouse=True)
def record_pages(request, monkeypatch):
    if not RECORD_DIR:
        yield
        return
    from django.test import Client

    folder = Path(RECORD_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid)[:180]
    original = Client.request
    count = {"n": 0}

    def recording(self, **request_args):
        response = original(self, **request_args)
        if "text/html" in response.get("Content-Type", "") and not getattr(response, "streaming", False):
            count["n"] += 1
            method = request_args.get("REQUEST_METHOD", "GET")
            path = re.sub(r"/c/\d+/", "/c/N/", request_args.get("PATH_INFO", ""))
            header = f"<!-- {method} {path} {response.status_code} -->\n"
            text = header + response.content.decode("utf-8", "replace")
            (folder / f"{name}__{count['n']:02d}.html").write_text(normalise(text))
        return response

    monkeypatch.setattr(Client, "request", recording)
    yield


# Comparing two recordings: what differs from run to run by itself is set aside as well (record ids
# and connection numbers, white space between tags, "a second ago"); a page that moved within its
# test (the URL walkers) counts as the same when its test recorded it anywhere.
ALSO_VOLATILE = [
    (re.compile(r"/(c|connections)/\d+/"), r"/\1/N/"),
    (re.compile(r"/admin/r/\d+/\d+/|%2Fadmin%2Fr%2F\d+%2F\d+"), "ADMIN-SHORTCUT"),
    (
        re.compile(r'(id="connection-switcher".*?</select>)', re.S),
        lambda m: re.sub(r'value="\d+"', "N", m[1]),
    ),
    (re.compile(r"Calculated at HH:MM, [^.<]*\."), "Calculated at HH:MM, AGO."),
    (re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:HH:MM[.\d]*(\+HH:MM)?"), "TIMESTAMP"),
    (re.compile(r">\s+<"), "><"),
    (re.compile(r"\s+"), " "),
]


def comparable(html: str) -> str:
    for pattern, replacement in ALSO_VOLATILE:
        html = pattern.sub(replacement, html)
    return html


def compare(before: Path, after: Path) -> tuple[list[str], list[str]]:
    """The pages of ``after`` that differ from ``before``, and those ``before`` has no page for."""
    differ, new = [], []
    for page in sorted(after.iterdir()):
        test = page.name.rsplit("__", 1)[0]
        seen = {comparable(other.read_text()) for other in before.glob(f"{test}__*.html")}
        if not seen:
            new.append(page.name)
        elif comparable(page.read_text()) not in seen:
            differ.append(page.name)
    return differ, new


if __name__ == "__main__":
    import sys

    differ, new = compare(Path(sys.argv[1]), Path(sys.argv[2]))
    print("\n".join([*(f"differs: {name}" for name in differ), *(f"new: {name}" for name in new)]))
    print(f"{len(differ)} pages differ, {len(new)} are new", file=sys.stderr)
