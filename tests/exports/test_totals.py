"""Totals of a whole filtered list: base, VAT, equivalence surcharge, withholding and total, for every
document matching the filter (not only the page), with how fresh they are."""

import datetime
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.core.cache import cache
from django.utils import timezone

from quipu_portal.connections.scope import connection_reverse
from quipu_portal.core.services import user_language_set
from quipu_portal.exports import services
from quipu_portal.exports.kinds import LIST_TOTALS
from quipu_portal.jobs.models import Job, JobStatus
from quipu_portal.quipu.records import ItemInput, RecordInput
from quipu_portal.resource_admin.registry import REGISTRY
from quipu_portal.resource_admin.selection import selection_from_query
from tests.pdfs.test_bundles import run_job

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}


def add_invoice(quipu, *, kind, contact, number, lines):
    return quipu.create(
        "invoices",
        RecordInput(
            attributes={"kind": kind, "issue_date": datetime.date(2019, 5, 14), "number": number},
            relationships={"contact": contact.id},
            items=[ItemInput(attributes=line) for line in lines],
        ),
    )


def line(amount, vat="21", retention="0", surcharge=False):
    return {
        "concept": "Servicio",
        "quantity": Decimal("1"),
        "unitary_amount": Decimal(amount),
        "vat_percent": Decimal(vat),
        "retention_percent": Decimal(retention),
        "equivalence_surcharge": surcharge,
    }


def listed_sums(quipu, filters) -> dict:
    """What the sandbox lists for the filter, summed by kind in the test (every page)."""
    sums = {}
    for record in quipu.iterate("book_entries", filters=filters, page_size=100):
        row = sums.setdefault(record.kind, dict.fromkeys(("count", "base", "vat", "withholding", "total"), 0))
        row["count"] += 1
        row["base"] += record.total_amount_without_taxes
        row["vat"] += record.vat_amount
        row["withholding"] += record.retention_amount
        row["total"] += record.total_amount
    return sums


def euros(amount) -> str:
    """An amount as an English page shows it."""
    amount = Decimal(amount)
    return f"{'-' if amount < 0 else ''}€{abs(amount):,.2f}"


class _TotalsRows(HTMLParser):
    """The cells of each row of the totals table, as text."""

    def __init__(self):
        super().__init__()
        self.rows, self.cell, self.in_row = [], None, False

    def handle_starttag(self, tag, attrs):
        if tag == "tr" and ("data-testid", "totals-row") in attrs:
            self.rows.append([])
            self.in_row = True
        elif tag in ("th", "td") and self.in_row:
            self.cell = ""

    def handle_data(self, data):
        if self.cell is not None:
            self.cell += data

    def handle_endtag(self, tag):
        if tag in ("th", "td") and self.cell is not None:
            self.rows[-1].append(" ".join(self.cell.split()))
            self.cell = None
        elif tag == "tr":
            self.in_row = False


def totals_cells(html: str) -> list[list[str]]:
    reader = _TotalsRows()
    reader.feed(html)
    return reader.rows


def test_a_filter_on_one_page_shows_its_totals_at_once(portal, quipu):
    customer = next(c for c in quipu.iterate("contacts", page_size=20) if c.is_client)
    supplier = next(c for c in quipu.iterate("contacts", page_size=20) if c.is_supplier)
    # A shop under the equivalence surcharge regime: 100 € at 21 % carries 5.20 € of surcharge.
    add_invoice(quipu, kind="income", contact=customer, number="T-1", lines=[line("100.00", surcharge=True)])
    # A professional's invoice with 15 % withholding.
    add_invoice(quipu, kind="income", contact=customer, number="T-2", lines=[line("200.00", retention="15")])
    add_invoice(quipu, kind="expenses", contact=supplier, number="T-3", lines=[line("50.00", vat="10")])
    expected = listed_sums(quipu, {"type": "invoices", "period": "2019"})
    assert expected["income"]["count"] == 2 and expected["expenses"]["count"] == 1

    response = portal.get(connection_reverse("invoices:list"), {"period": "year", "year": "2019"})

    html = response.content.decode()
    income = expected["income"]
    assert totals_cells(html) == [
        [
            "Income",
            "2",
            euros(income["base"]),
            euros(income["vat"]),
            euros("5.20"),
            euros(income["withholding"]),
            euros(income["total"]),
        ],
        [
            "Expenses",
            "1",
            euros(expected["expenses"]["base"]),
            euros(expected["expenses"]["vat"]),
            euros("0"),
            euros(expected["expenses"]["withholding"]),
            euros(expected["expenses"]["total"]),
        ],
    ]
    assert income["base"] == Decimal("300.00") and income["withholding"] == Decimal("30.00")
    assert "Calculated at " in html and "now" in html
    assert not Job.objects.filter(kind=LIST_TOTALS).exists()


def test_a_spanish_user_reads_the_totals_in_spanish(portal, accountant, quipu):
    customer = next(c for c in quipu.iterate("contacts", page_size=20) if c.is_client)
    add_invoice(quipu, kind="income", contact=customer, number="T-9", lines=[line("1000.00")])
    user_language_set(user=accountant, language="es")

    html = portal.get(
        connection_reverse("invoices:list"), {"period": "year", "year": "2019"}
    ).content.decode()

    assert totals_cells(html) == [
        ["Ingresos", "1", "1.000,00 €", "210,00 €", "0,00 €", "0,00 €", "1.210,00 €"]
    ]
    assert "Calculados a las" in html


def test_a_paysheet_list_sums_its_pay_figures(portal, quipu):
    paysheets = list(quipu.iterate("book_entries", filters={"type": "paysheets"}))
    assert 0 < len(paysheets) <= 20

    html = portal.get(connection_reverse("paysheets:list")).content.decode()

    def summed(name):
        return euros(sum((getattr(p, name) for p in paysheets), Decimal(0)))

    assert "Equivalence surcharge" not in html.split('data-testid="list-totals"')[1].split("</section>")[0]
    assert totals_cells(html) == [
        [
            "Expenses",
            str(len(paysheets)),
            summed("gross_pay"),
            summed("employee_ss_amount"),
            summed("employee_retention"),
            summed("company_ss_amount"),
            summed("net_pay"),
            summed("total_amount"),
        ]
    ]


class TestALongList:
    """The demo workshop's invoices: several hundred, more than a page view may read."""

    @pytest.fixture
    def quipu_account(self, sandbox):
        return sandbox.create_account("Talleres Ebro S.L.", seed="demo")

    def test_its_totals_are_read_in_the_background_with_progress_then_shown_from_the_cache(
        self, portal, quipu, django_capture_on_commit_callbacks
    ):
        expected = listed_sums(quipu, {"type": "invoices"})
        count = sum(row["count"] for row in expected.values())
        assert count > 2 * 100

        page = portal.get(connection_reverse("invoices:list")).content.decode()
        assert f"Calculate the totals of the {count} documents" in page
        assert 'data-testid="totals-row"' not in page

        url = connection_reverse("exports:totals-calculate", args=["invoices"])
        with django_capture_on_commit_callbacks() as callbacks:
            response = portal.post(url, {"query": "sort=-issue_date"}, headers=HX)
        assert len(callbacks) == 1
        job = Job.objects.get(kind=LIST_TOTALS)
        assert job.status == JobStatus.PREPARING
        progress = response.content.decode()
        assert f"Reading {count} documents from Quipu for the totals… 100 read." in progress
        assert 'hx-trigger="every 2s"' in progress and "<html" not in progress

        # The page polls the region while the job reads; the list shows the progress too.
        polled = portal.get(
            connection_reverse("exports:totals", args=["invoices"]) + "?sort=-issue_date", headers=HX
        )
        assert polled.status_code == 200 and "for the totals… 100 read." in polled.content.decode()

        assert run_job(job.pk) == JobStatus.FINISHED

        polled = portal.get(
            connection_reverse("exports:totals", args=["invoices"]) + "?sort=-issue_date", headers=HX
        )
        assert polled.status_code == 286  # polling stops: the totals are there
        shown = portal.get(connection_reverse("invoices:list")).content.decode()
        assert totals_cells(shown) == [
            [label, str(row["count"])]
            + [euros(row[name]) for name in ("base", "vat")]
            + [euros(0)]
            + [euros(row[name]) for name in ("withholding", "total")]
            for label, row in (("Income", expected["income"]), ("Expenses", expected["expenses"]))
        ]
        assert "Calculated at" in shown and 'data-testid="totals-recalculate"' in shown
        assert portal.get(connection_reverse("jobs:detail", args=[job.pk])).status_code == 200

        # Reopened a few minutes later, the list still answers from the totals it keeps, and says how old.
        selection = selection_from_query(admin=REGISTRY["invoices"], query="", ids=None)
        key = services._totals_key(connection=job.connection, selection=selection)
        computed_at = timezone.now() - datetime.timedelta(minutes=3, seconds=5)
        cache.set(key, {**cache.get(key), "computed_at": computed_at.isoformat()})
        later = portal.get(connection_reverse("invoices:list")).content.decode()
        assert totals_cells(later) == totals_cells(shown)
        local = timezone.localtime(computed_at).strftime("%H:%M")
        assert f"Calculated at {local}, 3\xa0minutes ago." in later
        # The totals belong to their filter: another one has its own.
        other = portal.get(connection_reverse("invoices:list"), {"kind": "income"}).content.decode()
        assert 'data-testid="totals-row"' not in other


def test_the_book_entries_list_adds_paysheets_without_inventing_a_surcharge(portal, quipu):
    """A paysheet's total is its cost, not base + VAT − withholding: its withholding is no surcharge."""
    expected = listed_sums(quipu, {})
    assert 20 < sum(row["count"] for row in expected.values()) <= 100
    assert any(r.retention_amount for r in quipu.iterate("book_entries", filters={"type": "paysheets"}))

    html = portal.get(connection_reverse("book_entries:list"), {"per_page": "100"}).content.decode()

    expenses = expected["expenses"]
    assert totals_cells(html)[1] == [
        "Expenses",
        str(expenses["count"]),
        euros(expenses["base"]),
        euros(expenses["vat"]),
        euros(0),
        euros(expenses["withholding"]),
        euros(expenses["total"]),
    ]


class TestStoppingALongRead:
    @pytest.fixture
    def quipu_account(self, sandbox):
        return sandbox.create_account("Talleres Ebro S.L.", seed="demo")

    def test_the_reading_can_be_stopped_and_the_totals_offered_again(
        self, portal, django_capture_on_commit_callbacks
    ):
        url = connection_reverse("exports:totals-calculate", args=["invoices"])
        with django_capture_on_commit_callbacks():
            started = portal.post(url, {"query": "kind=income"}, headers=HX).content.decode()
        assert 'data-testid="totals-cancel"' in started

        stopped = portal.post(
            connection_reverse("exports:totals-cancel", args=["invoices"]),
            {"query": "kind=income"},
            headers=HX,
        )

        assert not Job.objects.filter(kind=LIST_TOTALS).exists()
        assert stopped.status_code == 286 and 'data-testid="totals-calculate"' in stopped.content.decode()
        listed = portal.get(connection_reverse("invoices:list"), {"kind": "income"}).content.decode()
        assert 'data-testid="totals-calculate"' in listed and "for the totals…" not in listed
