"""The sidebar: one entry per Quipu resource, shown once its app is installed."""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from quipu_portal.connections.scope import connection_reverse


@dataclass(frozen=True)
class NavEntry:
    label: str | Promise
    url_name: str
    section: str | Promise
    # A page of one client (under /c/<connection_id>/), or a page of the whole account.
    per_client: bool = True


NAVIGATION = (
    NavEntry(_("Book entries"), "book_entries:list", _("Documents")),
    NavEntry(_("Invoices"), "invoices:list", _("Documents")),
    NavEntry(_("Simplified invoices"), "simplified_invoices:list", _("Documents")),
    NavEntry(_("Additional income"), "additional_income:list", _("Documents")),
    NavEntry(_("Tickets"), "tickets:list", _("Documents")),
    NavEntry(_("Paysheets"), "paysheets:list", _("Documents")),
    NavEntry(_("Contacts"), "contacts:list", _("Contacts and categories")),
    NavEntry(_("Numbering series"), "numbering_series:list", _("Contacts and categories")),
    NavEntry(_("Accounting categories"), "accounting_categories:list", _("Contacts and categories")),
    NavEntry(_("Accounting subcategories"), "accounting_subcategories:list", _("Contacts and categories")),
    NavEntry(_("Analytic categories"), "analytic_categories:list", _("Contacts and categories")),
    NavEntry(_("Quarter close"), "quarter_review:worklist", _("Work")),
    NavEntry(_("Background jobs"), "jobs:list", _("Work")),
    NavEntry(_("Change log"), "audit:list", _("Work"), per_client=False),
    NavEntry(_("PDF downloads"), "pdfs:bundles", _("Work")),
    NavEntry(_("Tax previews"), "tax_previews:list", _("Work")),
    NavEntry(_("Quipu connections"), "connections:list", _("Settings"), per_client=False),
)


def navigation_sections(current_path: str, *, connection=None) -> list[dict]:
    """The sidebar; a client's pages for ``connection`` (left out while the user has none)."""
    sections: dict[str, dict] = {}
    for entry in NAVIGATION:
        try:
            if entry.per_client:
                url = connection_reverse(entry.url_name, connection=connection) if connection else None
            else:
                url = reverse(entry.url_name)
        except NoReverseMatch:
            continue
        if url is None:
            continue
        section = sections.setdefault(str(entry.section), {"title": entry.section, "entries": []})
        section["entries"].append({"label": entry.label, "url": url, "current": current_path.startswith(url)})
    return list(sections.values())
