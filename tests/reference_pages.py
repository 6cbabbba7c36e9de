"""Helpers shared by the reference-data page tests (contacts, categories, numbering series)."""

import re

ROW_ID = re.compile(r'<tr data-testid="row" data-id="([^"]+)"')


def row_ids(response) -> list[str]:
    assert response.status_code == 200, response.content.decode()[:1000]
    return ROW_ID.findall(response.content.decode())


def field_errors(response, name: str) -> str:
    """The error text shown under one form field ("" when it has none)."""
    match = re.search(rf'id="id_{name}_error" role="alert">(.*?)</div>', response.content.decode(), re.S)
    return match.group(1) if match else ""


def created_id(response) -> str:
    assert response.status_code == 302, response.content.decode()[:2000]
    return response["Location"].rstrip("/").split("/")[-1]
