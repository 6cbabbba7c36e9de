from django import forms
from django.utils.translation import gettext_lazy as _

from quipu_portal.audit.services import AuditFilters

RESOURCE_CHOICES = [
    ("", _("Any document type")),
    ("invoices", _("Invoices")),
    ("simplified_invoices", _("Simplified invoices")),
    ("additional_incomes", _("Additional income")),
    ("tickets", _("Tickets")),
    ("paysheets", _("Paysheets")),
    ("contacts", _("Contacts")),
    ("numbering_series", _("Numbering series")),
    ("accounting_subcategories", _("Accounting subcategories")),
    ("analytic_categories", _("Analytic categories")),
]


def _date_input():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AuditFilterForm(forms.Form):
    date_from = forms.DateField(label=_("From"), required=False, widget=_date_input())
    date_to = forms.DateField(label=_("To"), required=False, widget=_date_input())
    resource = forms.ChoiceField(label=_("Document type"), choices=RESOURCE_CHOICES, required=False)
    document = forms.CharField(label=_("Document"), required=False, max_length=100)
    connection = forms.TypedChoiceField(label=_("Connection"), coerce=int, required=False, empty_value=None)
    job = forms.IntegerField(label=_("Job"), required=False, min_value=1)

    def __init__(self, *args, connections=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["connection"].choices = [("", _("Any connection"))] + [
            (c.pk, c.name) for c in connections
        ]

    def filters(self) -> AuditFilters:
        if not self.is_valid():
            return AuditFilters()
        data = self.cleaned_data
        return AuditFilters(
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            resource=data.get("resource") or "",
            document=data.get("document") or "",
            connection_id=data.get("connection"),
            job_id=data.get("job"),
        )
