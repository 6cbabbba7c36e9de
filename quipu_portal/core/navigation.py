"""The sidebar: one entry per Quipu resource, shown once its app is installed."""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class NavEntry:
    label: str | Promise
    url_name: str
    section: str | Promise


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
    NavEntry(_("Change log"), "audit:list", _("Work")),
    NavEntry(_("PDF downloads"), "pdfs:bundles", _("Work")),
    NavEntry(_("Quipu connections"), "connections:list", _("Settings")),
)


def navigation_sections(current_path: str) -> list[dict]:
    sections: dict[str, dict] = {}
    for entry in NAVIGATION:
        try:
            url = reverse(entry.url_name)
        except NoReverseMatch:
            continue
        section = sections.setdefault(str(entry.section), {"title": entry.section, "entries": []})
        section["entries"].append({"label": entry.label, "url": url, "current": current_path.startswith(url)})
    return list(sections.values())
