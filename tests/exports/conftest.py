"""A signed-in accountant with an active connection to a fresh sandbox account (the `small` seed)."""

import pytest


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "files"
    return settings.MEDIA_ROOT
