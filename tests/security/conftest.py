"""Two accountants on two different Quipu sandbox accounts: the owner (Ana) and an intruder (Bruno).

Ana's data is what the URL fillers point at; Bruno, signed in with his own active connection, must
never see it. Document and attachment ids of Ana's sandbox account are looked up once per module.
"""

from dataclasses import dataclass, field

import pytest
from django.test import Client
from django.urls import reverse

from quipu_portal.connections.scope import connection_scope
from quipu_portal.connections.services import client_for, connection_create
from quipu_portal.core.services import user_language_set
from quipu_portal.resource_admin.registry import REGISTRY

# A small PDF, accepted as an attachment everywhere.
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(scope="module")
def sandbox_accounts(sandbox):
    owner = sandbox.create_account("Ana Asesores S.L.", seed="small")
    intruder = sandbox.create_account("Bruno Gestión S.L.", seed="small")
    return {"owner": owner, "intruder": intruder, "lookups": {}}


@dataclass
class World:
    owner: object
    intruder: object
    owner_connection: object
    intruder_connection: object
    # The owner's second client (another company): its URLs must not reach the first client's rows.
    owner_other_connection: object
    lookups: dict = field(default_factory=dict)
    _bundle: object = None
    _job: object = None
    _export: object = None
    _tax_preview: object = None

    def quipu(self):
        return client_for(self.owner_connection)

    def document_id(self, namespace: str) -> str:
        """The id of one of the owner's documents that the namespace's pages show."""
        reverse("core:home")  # the resource apps register themselves when the URLs load
        admin = REGISTRY.get(namespace)
        if admin is None:
            pytest.fail(
                f"No filler knows what 'pk' means in the namespace {namespace!r}: add one to FILLERS in "
                f"tests/security/urlwalk.py (keyed '{namespace}.pk') returning the owner's object."
            )
        key = ("document", namespace)
        if key not in self.lookups:
            list_type = getattr(admin, "list_type", None)  # reference admins list their own resource
            filters = {"type": list_type} if list_type else None
            page = self.quipu().list(admin.list_resource, filters=filters, page_size=1)
            assert page.records, f"the small seed has nothing for {namespace}"
            self.lookups[key] = str(page.records[0].id)
        return self.lookups[key]

    def attachment_id(self, namespace: str) -> str:
        key = ("attachment", namespace)
        if key not in self.lookups:
            attachment = self.quipu().upload_attachment(
                book_entry_id=self.document_id(namespace),
                filename="receipt.pdf",
                content=PDF_BYTES,
                content_type="application/pdf",
            )
            self.lookups[key] = str(attachment.id)
        return self.lookups[key]

    def bundle(self):
        if self._bundle is None:
            from quipu_portal.pdfs.models import Bundle

            self._bundle = Bundle.objects.create(
                owner=self.owner, connection=self.owner_connection, title="Ana's invoices"
            )
        return self._bundle

    def export(self):
        if self._export is None:
            from quipu_portal.exports.models import Export

            self._export = Export.objects.create(
                owner=self.owner, connection=self.owner_connection, namespace="invoices", title="Ana's list"
            )
        return self._export

    def tax_preview(self):
        """A computed tax preview of the owner (no documents: its boxes are all zero)."""
        if self._tax_preview is None:
            from django.utils import timezone

            from quipu_portal.tax_previews.models import TaxPreview

            self._tax_preview = TaxPreview.objects.create(
                owner=self.owner,
                connection=self.owner_connection,
                year=2025,
                quarter=1,
                computed_at=timezone.now(),
            )
        return self._tax_preview

    def job(self):
        if self._job is None:
            from quipu_portal.bulk_categories.kinds import BULK_CATEGORIES
            from quipu_portal.jobs.models import Job, JobStatus

            self._job = Job.objects.create(
                owner=self.owner,
                connection=self.owner_connection,
                kind=BULK_CATEGORIES,
                status=JobStatus.FINISHED,
                title="Ana's job",
            )
        return self._job


@pytest.fixture
def world(db, sandbox, sandbox_accounts, user, other_user):
    user_language_set(user=user, language="en")
    user_language_set(user=other_user, language="en")
    connections = {}
    for role, person in (("owner", user), ("intruder", other_user)):
        account = sandbox_accounts[role]
        connections[role] = connection_create(
            owner=person,
            name=account["name"],
            base_url=sandbox.base_url,
            app_id=account["app_id"],
            app_secret=account["app_secret"],
        )
    # URLs built without naming a client are the owner's (/c/<owner's connection>/…).
    with connection_scope(connections["owner"]):
        yield World(
            owner=user,
            intruder=other_user,
            owner_connection=connections["owner"],
            intruder_connection=connections["intruder"],
            owner_other_connection=connection_create(
                owner=user,
                name="Ana's other client",
                base_url=sandbox.base_url,
                app_id=sandbox_accounts["intruder"]["app_id"],
                app_secret=sandbox_accounts["intruder"]["app_secret"],
            ),
            lookups=sandbox_accounts["lookups"],
        )


@pytest.fixture
def owner_browser(world):
    browser = Client()
    browser.force_login(world.owner)
    return browser


@pytest.fixture
def intruder_browser(world):
    browser = Client()
    browser.force_login(world.intruder)
    return browser
