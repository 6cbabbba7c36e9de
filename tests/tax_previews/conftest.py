import pytest

from quipu_portal.connections.scope import connection_scope
from quipu_portal.connections.services import connection_create
from quipu_portal.tax_previews.models import TaxPreview
from quipu_portal.tax_previews.services import tax_preview_start
from tests.helpers import read_to_end, run_to_end


@pytest.fixture
def quarter_account(sandbox):
    """The sandbox's quarter-close documents alone (Q1 and Q3 2026), for figures worked out by hand."""
    return sandbox.create_account("Marta Gil Serrano", seed="quarter")


@pytest.fixture
def quarter_connection(accountant, sandbox, quarter_account):
    connection = connection_create(
        owner=accountant,
        name=quarter_account["name"],
        base_url=sandbox.base_url,
        app_id=quarter_account["app_id"],
        app_secret=quarter_account["app_secret"],
    )
    with connection_scope(connection):
        yield connection


def run_preview(preview: TaxPreview) -> TaxPreview:
    """Run the preview's job in this process, as the cluster would: read, then compute."""
    job = read_to_end(preview.job)
    run_to_end(job)
    preview.refresh_from_db()
    assert preview.computed_at is not None, preview.job.message
    return preview


@pytest.fixture
def q3_preview(accountant, quarter_connection):
    preview = tax_preview_start(owner=accountant, connection=quarter_connection, year=2026, quarter=3)
    return run_preview(preview)
