from django.utils.translation import gettext_lazy as _

from quipu_portal.accounting_categories.forms import KIND_LABELS, AccountingCategoryFilterForm
from quipu_portal.quipu.refdata import reference_data
from quipu_portal.resource_admin import pickers
from quipu_portal.resource_admin.access import attr
from quipu_portal.resource_admin.columns import Column
from quipu_portal.resource_admin.reference import RecordLink, ReferenceAdmin


def subcategory_names(record, refdata) -> str:
    return ", ".join(sub.name or sub.id for sub in refdata.subcategories_of(record.id))


class AccountingCategoryAdmin(ReferenceAdmin):
    """Quipu's chart of accounts: read only; subcategories are added in their own app."""

    resource = "accounting_categories"
    verbose_name = _("accounting category")
    verbose_name_plural = _("accounting categories")
    picker_options = staticmethod(pickers.category_options)
    can_create = can_edit = can_delete = False
    columns = (
        Column("prefix", _("Account")),
        RecordLink("name", _("Name")),
        Column("kind", _("Kind"), lambda r, n: KIND_LABELS.get(attr(r, "kind"), attr(r, "kind") or "")),
        Column("subcategories", _("Subcategories"), subcategory_names),
    )
    filter_form = AccountingCategoryFilterForm
    detail_fields = ("prefix", "kind", "active", "accounting_digits_number")
    field_labels = {
        "prefix": _("Account"),
        "kind": _("Kind"),
        "active": _("Active"),
        "accounting_digits_number": _("Digits of a full account"),
    }
    empty_text = _("Quipu sent no accounting categories.")

    def record_label(self, record) -> str:
        return pickers.category_label(record)

    def detail_extra(self, *, request, client, record) -> dict:
        refdata = reference_data(client)
        return {
            "kind_label": KIND_LABELS.get(attr(record, "kind"), ""),
            "subcategories": [
                {"record": sub, "code": refdata.account_code(record.id, sub.id)}
                for sub in sorted(refdata.subcategories_of(record.id), key=lambda s: str(s.suffix or ""))
            ],
        }
