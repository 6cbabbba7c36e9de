from django.utils.translation import gettext_lazy as _

from quipu_portal.accounting_subcategories.forms import (
    AccountingSubcategoryFilterForm,
    AccountingSubcategoryForm,
)
from quipu_portal.resource_admin import pickers
from quipu_portal.resource_admin.access import rel_id
from quipu_portal.resource_admin.columns import Column
from quipu_portal.resource_admin.reference import RecordLink, ReferenceAdmin


def account(record, refdata) -> str:
    return refdata.account_code(rel_id(record, "accounting_category"), record.id) or ""


def category(record, refdata) -> str:
    found = refdata.accounting_category(rel_id(record, "accounting_category"))
    return pickers.category_label(found) if found else ""


class AccountingSubcategoryAdmin(ReferenceAdmin):
    resource = "accounting_subcategories"
    verbose_name = _("accounting subcategory")
    verbose_name_plural = _("accounting subcategories")
    picker_options = staticmethod(pickers.subcategory_options)
    has_detail = False
    columns = (
        Column("account", _("Account"), account),
        RecordLink("name", _("Name"), page="edit"),
        Column("suffix", _("Suffix")),
        Column("accounting_category", _("Category"), category),
    )
    filter_form = AccountingSubcategoryFilterForm
    form_class = AccountingSubcategoryForm
    delete_refusal_help = _(
        "Quipu keeps a subcategory while documents are booked to it. Move those documents to another "
        "subcategory first."
    )
    empty_text = _("There are no subcategories yet.")
