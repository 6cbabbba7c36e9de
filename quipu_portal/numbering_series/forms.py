from django import forms
from django.utils.translation import gettext_lazy as _

from quipu_portal.resource_admin.access import attr
from quipu_portal.resource_admin.reference import ReferenceFilterForm, ReferenceForm

APPLICABLE_TO_CHOICES = [
    ("invoices", _("Invoices")),
    ("simplified_invoices", _("Simplified invoices")),
    ("tickets", _("Tickets")),
    ("additional_incomes", _("Additional income")),
    ("paysheets", _("Paysheets")),
]
APPLICABLE_TO_LABELS = dict(APPLICABLE_TO_CHOICES) | {"budgets": _("Budgets")}
YES_NO_CHOICES = [("", _("Either")), ("true", _("Yes")), ("false", _("No"))]
APPLIES_TO_CHOICES = [
    ("new_documents", _("New documents")),
    ("existing_documents", _("Documents already in Quipu")),
]
APPLIES_TO_LABELS = dict(APPLIES_TO_CHOICES)


class NumberingSeriesFilterForm(ReferenceFilterForm):
    prefix = forms.CharField(
        label=_("Prefix"),
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"type": "search", "data-live-search": ""}),
        help_text=_("Any part of it."),
    )
    applicable_to = forms.ChoiceField(
        label=_("Used for"),
        choices=[("", _("Every kind of document")), *APPLICABLE_TO_CHOICES, ("budgets", _("Budgets"))],
        required=False,
    )
    amending = forms.ChoiceField(label=_("For credit notes"), choices=YES_NO_CHOICES, required=False)
    applies_to = forms.ChoiceField(
        label=_("Numbers"),
        choices=[("", _("New and existing documents")), *APPLIES_TO_CHOICES],
        required=False,
    )


class NumberingSeriesForm(ReferenceForm):
    prefix = forms.CharField(
        label=_("Prefix"),
        max_length=30,
        help_text=_("Put before each number, e.g. F2027-. It must be unique and cannot be changed later."),
    )
    applicable_to = forms.ChoiceField(label=_("Used for"), choices=APPLICABLE_TO_CHOICES)
    amending = forms.BooleanField(
        label=_("For credit notes"), required=False, help_text=_("Numbers amending documents (credit notes).")
    )
    applies_to = forms.ChoiceField(
        label=_("Numbers"),
        choices=APPLIES_TO_CHOICES,
        initial="new_documents",
        required=False,  # the select always sends one; a post without it keeps the series' own
        help_text=_(
            "New documents: Quipu numbers the documents you create from now on. Documents already in "
            "Quipu: the series is for numbering documents you recorded earlier, e.g. a past year's."
        ),
    )
    default = forms.BooleanField(
        label=_("Default series"),
        required=False,
        help_text=_(
            "Offered first when creating a document of this kind; the previous default stops being one."
        ),
    )
    create_only_fields = ("prefix",)

    def clean_applies_to(self):
        return self.cleaned_data["applies_to"] or attr(self.record, "applies_to") or "new_documents"
