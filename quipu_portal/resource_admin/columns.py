"""A list column knows its label, how to read a record, how to sort and how to show a cell."""

import datetime
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from django.urls import NoReverseMatch
from django.utils import formats
from django.utils.dateparse import parse_date
from django.utils.functional import Promise
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from quipu_portal.connections.scope import connection_reverse
from quipu_portal.core import display
from quipu_portal.resource_admin.access import (
    DOCUMENT_NAMESPACES,
    Names,
    attr,
    counterpart_name,
    document_number,
    document_type,
    rel_id,
)
from quipu_portal.resource_admin.registry import REGISTRY

# Status value -> (label, badge class)
PAYMENT_BADGES = {
    "paid": (_("Paid"), "badge-ok"),
    "unpaid": (_("Unpaid"), "badge-warn"),
    "partially_paid": (_("Partially paid"), "badge-warn"),
    "due": (_("Overdue"), "badge-bad"),
    "pending": (_("Pending"), "badge-muted"),
}
KIND_BADGES = {"income": (_("Income"), "badge-ok"), "expenses": (_("Expenses"), "badge-muted")}


class DocumentTypeLabels(Mapping):
    """A book entry's type (resource or list type) -> what one such document is called, as the
    document declarations say (`document_label`). Read when asked: the registry fills as apps get ready."""

    def _labels(self) -> dict:
        labels = {}
        for admin in REGISTRY.values():
            label = getattr(admin, "document_label", "")
            if label:
                labels[admin.resource] = labels[admin.namespace] = label
        return labels

    def __getitem__(self, key):
        return self._labels()[key]

    def __iter__(self):
        return iter(self._labels())

    def __len__(self) -> int:
        return len(self._labels())


TYPE_LABELS = DocumentTypeLabels()


def as_date(value) -> datetime.date | None:
    if isinstance(value, datetime.date):
        return value
    return parse_date(str(value)) if value else None


def detail_url(record, namespace: str | None = None) -> str:
    """The record's page in the app of its own type (a book entry links to its invoice, ticket...)."""
    for candidate in (DOCUMENT_NAMESPACES.get(document_type(record)), namespace):
        if candidate:
            try:
                return connection_reverse(f"{candidate}:detail", args=[record.id])
            except NoReverseMatch:
                continue
    return ""


@dataclass(frozen=True)
class Column:
    name: str
    label: str | Promise
    accessor: Callable | str | None = None
    sort_key: str | None = None
    kind: str = "text"  # text, money, date, badge, link
    badges: dict = field(default_factory=dict)

    @property
    def is_number(self) -> bool:
        return self.kind == "money"

    def value(self, record, names: Names):
        if callable(self.accessor):
            return self.accessor(record, names)
        return attr(record, self.accessor or self.name)

    def render(self, record, names: Names, namespace: str | None = None):
        value = self.value(record, names)
        if self.kind == "money":
            return display.money(value)
        if self.kind == "date":
            day = as_date(value)
            return formats.date_format(day, "SHORT_DATE_FORMAT") if day else ""
        if self.kind == "badge":
            if not value:
                return ""
            label, css = self.badges.get(value, (value, "badge-muted"))
            return format_html('<span class="badge {}">{}</span>', css, label)
        if self.kind == "link":
            url = detail_url(record, namespace)
            text = value or _("(no number)")
            return format_html('<a href="{}">{}</a>', url, text) if url else text
        return "" if value is None else value


# The columns every document list shares.
NUMBER = Column("number", _("Number"), lambda r, n: document_number(r), sort_key="number", kind="link")
ISSUE_DATE = Column("issue_date", _("Date"), sort_key="issue_date", kind="date")
TYPE = Column("type", _("Type"), lambda r, n: TYPE_LABELS.get(document_type(r), document_type(r)))
KIND = Column("kind", _("Kind"), kind="badge", badges=KIND_BADGES)
COUNTERPART = Column(
    "counterpart", _("Contact"), lambda r, n: counterpart_name(r), sort_key="counterpart_name"
)
CATEGORY = Column(
    "accounting_category", _("Category"), lambda r, n: n.category(rel_id(r, "accounting_category"))
)
PAYMENT_STATUS = Column("payment_status", _("Payment"), kind="badge", badges=PAYMENT_BADGES)
NET = Column(
    "total_amount_without_taxes", _("Before taxes"), sort_key="total_amount_without_taxes", kind="money"
)
TOTAL = Column("total_amount", _("Total"), sort_key="total_amount", kind="money")
DOCUMENT_COLUMNS = (NUMBER, ISSUE_DATE, KIND, COUNTERPART, CATEGORY, PAYMENT_STATUS, NET, TOTAL)
