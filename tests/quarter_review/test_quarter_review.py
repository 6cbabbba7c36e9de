"""The pre-close review: a scan of a client's quarter, its findings, the worklist and the one-click fix."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from quipu_portal.bulk_categories.kinds import BULK_CATEGORIES, UNDO
from quipu_portal.connections.scope import connection_reverse
from quipu_portal.connections.services import connection_create
from quipu_portal.jobs.models import Job, JobStatus
from quipu_portal.jobs.services import job_run_chunk
from quipu_portal.quarter_review.findings import (
    nif_problem,
    numbering_gaps,
    supplier_categories,
    taxpayer_kind,
)
from quipu_portal.quarter_review.kinds import QUARTER_SCAN
from quipu_portal.quarter_review.models import QuarterReview
from quipu_portal.quarter_review.periods import quarter_to_file, upcoming_deadlines
from quipu_portal.quarter_review.services import quarter_scan_start
from quipu_portal.quipu.records import RecordInput
from tests.helpers import form_data, htmx, read_to_end, run_to_end
from tests.quarter_review.conftest import QUARTER, YEAR, line

pytestmark = pytest.mark.django_db

WORKLIST_URL = f"/quarter-review/?year={YEAR}&quarter={QUARTER}"


def review_url() -> str:
    return connection_reverse("quarter_review_client:review", query={"year": YEAR, "quarter": QUARTER})


def scan(connection) -> Job:
    job = quarter_scan_start(owner=connection.owner, connection=connection, year=YEAR, quarter=QUARTER)
    read_to_end(job)
    return run_to_end(job)


def by_code(findings, code):
    return [finding for finding in findings if finding["code"] == code]


def ids(finding):
    return [document["id"] for document in finding["documents"]]


def test_a_scan_finds_what_the_quarter_needs_before_closing(connection, quarter):
    job = scan(connection)

    assert job.status == JobStatus.FINISHED
    review = QuarterReview.objects.get(connection=connection, year=YEAR, quarter=QUARTER)
    q = quarter.ids
    # Ten documents are dated in the quarter; the one of July is not read.
    assert review.documents == 10
    assert review.scanned_at is not None
    findings = review.findings
    assert [f["code"] for f in findings] == [
        "uncategorised",
        "supplier_categories",
        "ticket_vat",
        "no_attachment",
        "numbering_gap",
        "missing_nif",
        "missing_nif",
    ]
    # E4 has no category, nor have its lines.
    assert ids(by_code(findings, "uncategorised")[0]) == [q["E4"]]
    assert review.uncategorised == 1
    # Suministros Ebro: E1 and E2 on 629, E3 on 628; 629 is the majority, E3 is to move.
    supplier = by_code(findings, "supplier_categories")[0]
    assert supplier["supplier"] == "Suministros Ebro S.L."
    assert supplier["majority"]["id"] == quarter.categories["629"]
    assert [(c["id"], c["count"]) for c in supplier["categories"]] == [
        (quarter.categories["629"], 2),
        (quarter.categories["628"], 1),
    ]
    assert ids(supplier) == [q["E3"]]
    assert supplier["query"] == (
        f"period=quarter&year=2026&quarter=2&kind=expenses&contact={quarter.contacts['Suministros Ebro S.L.']}"
    )
    # T1 deducts 21 % of 10.00; T2 has no VAT.
    ticket = by_code(findings, "ticket_vat")[0]
    assert ids(ticket) == [q["T1"]]
    assert float(ticket["documents"][0]["vat"]) == 2.10
    # Every expense but E1 (which has a PDF attached), in date order.
    assert ids(by_code(findings, "no_attachment")[0]) == [q["E4"], q["E2"], q["T1"], q["T2"], q["E3"]]
    # F-1, F-2, F-5, F-6: F-3 and F-4 are missing, between I2 and I3.
    gap = by_code(findings, "numbering_gap")[0]
    assert gap["series"] == "F"
    assert gap["missing"] == ["F-3", "F-4"]
    assert ids(gap) == [q["I2"], q["I3"]]
    # A Spanish customer without NIF, and a German one with an exempt supply and no EU VAT number; the
    # American customer (0 %, no id) needs neither.
    nif = {f["counterpart"]: (f["reason"], ids(f)) for f in by_code(findings, "missing_nif")}
    assert nif == {
        "Berlin Autos GmbH": ("intra_eu", [q["I3"]]),
        "Talleres Sin NIF": ("spanish", [q["I2"]]),
    }


def test_the_verifactu_checklist_reads_the_quarters_income_documents(connection, quarter):
    scan(connection)
    review = QuarterReview.objects.get(connection=connection)
    checklist = {item["code"]: item for item in review.verifactu}
    # The sandbox's owner is an S.L. (NIF B…): corporate tax, 1 January 2027.
    assert checklist["deadline"]["taxpayer"] == "company"
    assert checklist["deadline"]["date"] == "2027-01-01"
    assert (checklist["series"]["state"], checklist["series"]["count"]) == ("ok", 0)
    assert (checklist["gaps"]["state"], checklist["gaps"]["count"]) == ("todo", 1)
    assert (checklist["customer_ids"]["state"], checklist["customer_ids"]["count"]) == ("todo", 2)
    # I3 and I4: 0 % to customers abroad without an exemption reason.
    assert (checklist["exempt_reasons"]["state"], checklist["exempt_reasons"]["count"]) == ("todo", 2)
    assert checklist["legacy_tickets"]["state"] == "ok"
    # No invoice of the sandbox shows a submission to AEAT; the QR cannot be read through the API.
    assert checklist["aeat"]["state"] == "check"
    assert checklist["qr"]["state"] == "check"


def test_the_review_page_links_each_finding_to_its_documents_and_lists(portal, connection, quarter):
    scan(connection)
    response = portal.get(review_url())
    assert response.status_code == 200
    page = response.content.decode()
    q = quarter.ids
    c = f"/c/{connection.pk}"
    assert f'href="{c}/invoices/{q["E4"]}/"' in page
    assert f'href="{c}/simplified-invoices/{q["T1"]}/"' in page
    supplier = quarter.contacts["Suministros Ebro S.L."]
    assert (
        f'href="{c}/book-entries/?period=quarter&amp;year=2026&amp;quarter=2&amp;kind=expenses&amp;contact={supplier}"'
        in page
    )
    assert (
        f'href="{c}/invoices/?period=quarter&amp;year=2026&amp;quarter=2&amp;kind=income&amp;sort=number'
        in page
    )
    assert "F-3, F-4" in page
    assert "Not computed" in page
    # The filtered list a finding opens shows exactly the supplier's three documents of the quarter.
    listing = portal.get(
        f"{c}/book-entries/?period=quarter&year=2026&quarter=2&kind=expenses&contact={supplier}"
    )
    assert listing.content.decode().count('data-testid="row"') == 3


def test_the_one_click_fix_previews_the_majority_category_then_changes_and_undoes(
    portal, connection, quarter, quipu
):
    scan(connection)
    page = portal.get(review_url())
    data = form_data(page, f"fix-{quarter.contacts['Suministros Ebro S.L.']}")
    assert data.getlist("ids") == [quarter.ids["E3"]]
    assert data["category"] == quarter.categories["629"]

    preview = portal.post(connection_reverse("jobs:bulk_categories"), data)
    assert preview.status_code == 302, preview.content.decode()[:3000]
    job = Job.objects.get(kind=BULK_CATEGORIES)
    assert preview["Location"] == connection_reverse("jobs:bulk_categories_preview", args=[job.pk])
    assert job.status == JobStatus.DRAFT
    assert job.items.filter(state="pending").count() == 1

    portal.post(connection_reverse("jobs:bulk_categories_preview", args=[job.pk]), {"action": "confirm"})
    assert run_to_end(job).status == JobStatus.FINISHED
    changed = quipu.retrieve("invoices", quarter.ids["E3"], include=["items"])
    assert changed.accounting_category.id == quarter.categories["629"]
    assert [item.accounting_category.id for item in changed.items] == [quarter.categories["629"]]

    undo = portal.post(connection_reverse("jobs:undo", args=[job.pk]))
    assert undo.status_code == 302
    run_to_end(Job.objects.get(kind=UNDO))
    restored = quipu.retrieve("invoices", quarter.ids["E3"])
    assert restored.accounting_category.id == quarter.categories["628"]


def test_scan_all_starts_one_job_per_client_and_the_worklist_polls_until_they_end(
    portal, accountant, connection, sandbox, quarter, django_capture_on_commit_callbacks
):
    second_account = sandbox.create_account("Segunda S.L.", seed="empty")
    second = connection_create(
        owner=accountant,
        name="Segunda S.L.",
        base_url=sandbox.base_url,
        app_id=second_account["app_id"],
        app_secret=second_account["app_secret"],
    )
    response = portal.get(WORKLIST_URL)
    assert response.status_code == 200
    assert response.content.decode().count('data-testid="worklist-row"') == 2
    assert "Not scanned yet" in response.content.decode()

    with django_capture_on_commit_callbacks() as callbacks:
        response = portal.post(reverse("quarter_review:scan"), {"year": YEAR, "quarter": QUARTER})
    assert response.status_code == 302
    jobs = list(Job.objects.filter(kind=QUARTER_SCAN).order_by("connection__name"))
    assert [job.connection for job in jobs] == [connection, second]
    assert len(callbacks) == 2  # one task per client, enqueued once the jobs are stored

    # Scanning again while they read starts nothing new.
    portal.post(reverse("quarter_review:scan"), {"year": YEAR, "quarter": QUARTER})
    assert Job.objects.filter(kind=QUARTER_SCAN).count() == 2

    polling = portal.get(WORKLIST_URL, headers=htmx())
    assert polling.status_code == 200
    assert "<html" not in polling.content.decode()
    assert 'hx-trigger="every 2s"' in polling.content.decode()

    for job in jobs:
        read_to_end(job)
        run_to_end(job)
    done = portal.get(WORKLIST_URL, headers=htmx())
    assert done.status_code == 286
    rows = done.content.decode()
    assert 'data-testid="documents">10<' in rows
    assert 'data-testid="documents">0<' in rows
    assert 'data-testid="findings">7<' in rows
    assert "Not computed" in rows


def test_a_quarter_never_scanned_offers_a_scan_and_the_scan_job_has_its_own_page(portal, connection, quarter):
    page = portal.get(review_url()).content.decode()
    assert "Not scanned yet" in page
    assert 'data-testid="scan-one"' in page
    assert 'data-testid="finding"' not in page

    with_scan = portal.post(
        reverse("quarter_review:scan"), {"year": YEAR, "quarter": QUARTER, "connection": connection.pk}
    )
    assert with_scan["Location"] == review_url()
    job = Job.objects.get(kind=QUARTER_SCAN)
    # While it reads, the review polls; the job page sends the user to the worklist of the quarter.
    polling = portal.get(review_url(), headers=htmx())
    assert polling.status_code == 200
    assert 'hx-trigger="every 2s"' in polling.content.decode()
    assert portal.get(connection_reverse("jobs:detail", args=[job.pk]))["Location"] == WORKLIST_URL
    read_to_end(job)
    run_to_end(job)
    assert portal.get(review_url(), headers=htmx()).status_code == 286
    detail = portal.get(connection_reverse("jobs:detail", args=[job.pk]))
    assert detail.status_code == 200
    assert detail.content.decode().count('data-testid="job-item"') == 10
    assert (
        "Quarter review: Revisión S.L., Q2 2026"
        in portal.get(connection_reverse("jobs:list")).content.decode()
    )


def test_another_users_client_cannot_be_scanned_and_their_reviews_stay_hidden(
    client, other_user, connection, quarter
):
    job = scan(connection)
    client.force_login(other_user)
    response = client.post(
        reverse("quarter_review:scan"), {"year": YEAR, "quarter": QUARTER, "connection": connection.pk}
    )
    assert response.status_code == 404
    assert client.get(connection_reverse("jobs:detail", args=[job.pk])).status_code == 404
    worklist = client.get(WORKLIST_URL).content.decode()
    assert connection.name not in worklist
    assert Job.objects.filter(kind=QUARTER_SCAN).count() == 1


def test_a_failed_reading_is_shown_and_can_be_scanned_again(portal, connection, quarter, sandbox):
    sandbox.set_faults(p500=1.0, app_id=connection.app_id)
    try:
        job = quarter_scan_start(owner=connection.owner, connection=connection, year=YEAR, quarter=QUARTER)
        read_to_end(job)
    finally:
        sandbox.clear_faults(app_id=connection.app_id)
    job.refresh_from_db()
    assert job.status == JobStatus.PREPARATION_FAILED
    page = portal.get(review_url()).content.decode()
    assert "The last scan failed" in page
    again = quarter_scan_start(owner=connection.owner, connection=connection, year=YEAR, quarter=QUARTER)
    assert again.pk != job.pk


def test_each_task_reads_one_page_so_the_workers_take_turns_between_clients(connection, quipu):
    for n in range(101):  # two listing pages of 100
        quipu.create(
            "simplified_invoices",
            RecordInput(
                attributes={
                    "kind": "expenses",
                    "issue_date": datetime.date(2026, 5, 1),
                    "issuing_name": f"Taxi {n}",
                },
                items=[line("Trayecto", "10.00", "10")],
            ),
        )
    job = quarter_scan_start(owner=connection.owner, connection=connection, year=YEAR, quarter=QUARTER)

    assert job_run_chunk(job_id=job.pk) == "more"
    job.refresh_from_db()
    assert (job.status, job.total) == (JobStatus.PREPARING, 100)
    assert job_run_chunk(job_id=job.pk) == "more"
    job.refresh_from_db()
    assert (job.status, job.total) == (JobStatus.PENDING, 101)
    assert job_run_chunk(job_id=job.pk) == "finished"
    review = QuarterReview.objects.get(connection=connection)
    assert review.documents == 101
    # No ticket has a category or an attachment, and each deducts 10 % of 10.00.
    assert [(f["code"], len(f["documents"])) for f in review.findings] == [
        ("uncategorised", 101),
        ("ticket_vat", 101),
        ("no_attachment", 101),
    ]


# Pure rules ------------------------------------------------------------------------------------------


def test_filing_deadlines_come_in_order_and_the_next_one_is_the_quarter_to_close():
    deadlines = upcoming_deadlines(datetime.date(2026, 12, 3))
    assert [(d.year, d.quarter, d.day) for d in deadlines] == [
        (2026, 4, datetime.date(2027, 1, 30)),
        (2027, 1, datetime.date(2027, 4, 20)),
        (2027, 2, datetime.date(2027, 7, 20)),
        (2027, 3, datetime.date(2027, 10, 20)),
    ]
    assert quarter_to_file(datetime.date(2026, 7, 20)) == (2026, 2)
    assert quarter_to_file(datetime.date(2026, 7, 21)) == (2026, 3)


@pytest.mark.parametrize(
    ("resource", "kind", "tax_id", "country", "zero_vat", "expected"),
    [
        ("invoices", "income", "", "es", False, "spanish"),
        ("invoices", "expenses", "", "", False, "spanish"),
        ("invoices", "income", "B12345678", "es", False, None),
        ("simplified_invoices", "income", "", "es", False, None),
        ("invoices", "income", "", "fr", True, "intra_eu"),
        ("invoices", "income", "", "fr", False, None),
        ("invoices", "income", "", "us", True, None),
    ],
)
def test_which_invoices_need_the_counterparts_tax_id(resource, kind, tax_id, country, zero_vat, expected):
    fact = {"resource": resource, "kind": kind, "tax_id": tax_id, "country": country, "zero_vat": zero_vat}
    assert nif_problem(fact) == expected


@pytest.mark.parametrize(
    ("tax_id", "kind"),
    [
        ("B50000001", "company"),
        ("A28000000", "company"),
        ("12345678Z", "person"),
        ("X1234567L", "person"),
        ("E50000000", "attribution"),
        ("", "unknown"),
    ],
)
def test_the_owners_nif_tells_the_verifactu_date(tax_id, kind):
    assert taxpayer_kind(tax_id) == kind


def _fact(document_id: str, category: str, kind: str, **extra) -> dict:
    fact = {
        "id": document_id,
        "resource": "invoices",
        "kind": "expenses",
        "label": f"Invoice {document_id}",
        "contact": "7",
        "counterpart": "Concesionario S.A.",
        "category": category,
        "subcategory": None,
        "booked_category": category,
        "booked_label": f"{category} name",
        "booked_kind": kind,
    }
    fact.update(extra)
    return fact


def test_a_majority_that_is_not_an_expense_category_is_named_but_not_offered_as_the_fix():
    assets = [_fact("1", "218", "assets"), _fact("2", "218", "assets"), _fact("3", "629", "expenses")]
    expenses = [_fact("1", "629", "expenses"), _fact("2", "629", "expenses"), _fact("3", "218", "assets")]
    tie = [_fact("1", "629", "expenses"), _fact("2", "628", "expenses")]

    (finding,) = supplier_categories(assets, year=YEAR, quarter=QUARTER)
    assert (finding["majority"]["id"], finding["majority"]["fixable"]) == ("218", False)
    (finding,) = supplier_categories(expenses, year=YEAR, quarter=QUARTER)
    assert (finding["majority"]["id"], finding["majority"]["fixable"], ids(finding)) == ("629", True, ["3"])
    (finding,) = supplier_categories(tie, year=YEAR, quarter=QUARTER)
    assert finding["majority"] is None
    assert ids(finding) == ["1", "2"]


def test_numbering_gaps_keep_the_series_padding_and_credit_notes_count_apart():
    def invoice(document_id, number, series="9"):
        return {
            "id": document_id,
            "resource": "invoices",
            "kind": "income",
            "label": number,
            "number": number,
            "series": series,
            "series_label": "",
        }

    facts = [
        invoice("1", "2026/A-001"),
        invoice("2", "2026/A-004"),
        invoice("3", "2026/A-005"),
        invoice("4", "R-1", series="10"),
        invoice("5", "R-2", series="10"),
    ]
    (gap,) = numbering_gaps(facts, year=YEAR, quarter=QUARTER)
    assert gap["missing"] == ["2026/A-002", "2026/A-003"]
    assert gap["missing_count"] == 2
    assert ids(gap) == ["1", "2"]
    assert gap["query"].endswith("&field=number&term=2026%2FA-")


def test_the_worklist_and_the_review_show_the_303_result_of_the_latest_tax_preview(
    portal, accountant, connection
):
    from django.utils import timezone

    from quipu_portal.tax_previews.models import TaxPreview

    assert "Not computed" in portal.get(WORKLIST_URL).content.decode()
    TaxPreview.objects.create(
        owner=accountant,
        connection=connection,
        year=YEAR,
        quarter=QUARTER,
        result_303=Decimal("1234.56"),
        computed_at=timezone.now(),
    )

    for url in (WORKLIST_URL, review_url()):
        page = portal.get(url).content.decode()
        assert "€1,234.56" in page and "Not computed" not in page
