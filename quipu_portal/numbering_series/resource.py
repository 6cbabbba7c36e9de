from django.utils.translation import gettext as _gettext
from django.utils.translation import gettext_lazy as _

from quipu_portal.numbering_series.forms import (
    APPLICABLE_TO_LABELS,
    APPLIES_TO_LABELS,
    NumberingSeriesFilterForm,
    NumberingSeriesForm,
)
from quipu_portal.resource_admin import pickers
from quipu_portal.resource_admin.access import attr
from quipu_portal.resource_admin.columns import Column
from quipu_portal.resource_admin.reference import RecordLink, ReferenceAdmin


def yes_no(name):
    return lambda record, _names: _gettext("Yes") if attr(record, name) else _gettext("No")


def in_use(record, _names) -> str:
    return _gettext("In use") if attr(record, "deletable") is False else ""


def validity(record, _names) -> str:
    return "not_valid" if attr(record, "is_valid") is False else ""


class NumberingSeriesAdmin(ReferenceAdmin):
    resource = "numbering_series"
    verbose_name = _("numbering series")
    verbose_name_plural = _("numbering series")
    picker_options = staticmethod(pickers.series_options)
    label_attribute = "prefix"
    has_detail = False
    columns = (
        RecordLink("prefix", _("Prefix"), page="edit"),
        Column(
            "applicable_to",
            _("Used for"),
            lambda r, n: APPLICABLE_TO_LABELS.get(attr(r, "applicable_to"), ""),
        ),
        Column("applies_to", _("Numbers"), lambda r, n: APPLIES_TO_LABELS.get(attr(r, "applies_to"), "")),
        Column("amending", _("For credit notes"), yes_no("amending")),
        Column("default", _("Default"), yes_no("default")),
        Column("deletable", _("Documents"), in_use),
        Column(
            "is_valid",
            _("Validity"),
            validity,
            kind="badge",
            badges={"not_valid": (_("Not valid"), "badge-warn")},
        ),
    )
    filter_form = NumberingSeriesFilterForm
    form_class = NumberingSeriesForm
    delete_refusal_help = _(
        "Quipu keeps a numbering series once documents are numbered with it, so their numbers stay valid. "
        "For a new year, create a new series and make it the default instead."
    )
    empty_text = _("There are no numbering series yet.")
