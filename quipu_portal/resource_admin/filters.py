"""The list filters in plain words, and how each becomes a Quipu query parameter."""

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from quipu_portal.resource_admin.pickers import attach_pickers

KIND_CHOICES = [("", _("Income and expenses")), ("income", _("Income")), ("expenses", _("Expenses"))]
PAYMENT_STATUS_CHOICES = [
    ("", _("Any payment status")),
    ("paid", _("Paid")),
    ("unpaid", _("Unpaid")),
    ("due", _("Overdue")),
    ("pending", _("Pending")),
]
TYPE_CHOICES = [
    ("", _("Every type")),
    ("invoices", _("Invoices")),
    ("simplified_invoices", _("Simplified invoices")),
    ("additional_income", _("Additional income")),
    ("tickets", _("Tickets")),
    ("paysheets", _("Paysheets")),
]
PERIOD_CHOICES = [
    ("", _("Any date")),
    ("year", _("Year")),
    ("quarter", _("Quarter")),
    ("month", _("Month")),
    ("range", _("Custom range")),
]
QUARTER_CHOICES = [
    ("1", _("Q1 (Jan–Mar)")),
    ("2", _("Q2 (Apr–Jun)")),
    ("3", _("Q3 (Jul–Sep)")),
    ("4", _("Q4 (Oct–Dec)")),
]
MONTH_CHOICES = [
    ("1", _("January")),
    ("2", _("February")),
    ("3", _("March")),
    ("4", _("April")),
    ("5", _("May")),
    ("6", _("June")),
    ("7", _("July")),
    ("8", _("August")),
    ("9", _("September")),
    ("10", _("October")),
    ("11", _("November")),
    ("12", _("December")),
]
FIELD_QUERY_CHOICES = [
    ("", _("In any field")),
    ("contact", _("Contact")),
    ("concept", _("Concept")),
    ("number", _("Number")),
    ("label", _("Tag")),
    ("user", _("User name")),
]
PER_PAGE_CHOICES = [("20", "20"), ("50", "50"), ("100", "100")]

# Every filter a document list can offer; a DocumentAdmin picks the ones its API resource accepts.
ALL_FILTERS = ("period", "kind", "payment_status", "contact", "type", "q", "field_query")


def _year_choices():
    this_year = datetime.date.today().year
    return [(str(year), str(year)) for year in range(this_year, this_year - 10, -1)]


def _date_input():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class DocumentFilterForm(forms.Form):
    """Bound to request.GET; every field optional, so a bookmark with any subset works."""

    period = forms.ChoiceField(label=_("Kind of period"), choices=PERIOD_CHOICES, required=False)
    year = forms.TypedChoiceField(label=_("Year"), choices=_year_choices, coerce=int, required=False)
    quarter = forms.TypedChoiceField(label=_("Quarter"), choices=QUARTER_CHOICES, coerce=int, required=False)
    month = forms.TypedChoiceField(label=_("Month"), choices=MONTH_CHOICES, coerce=int, required=False)
    date_from = forms.DateField(label=_("From"), required=False, widget=_date_input())
    date_to = forms.DateField(label=_("To"), required=False, widget=_date_input())
    kind = forms.ChoiceField(label=_("Kind"), choices=KIND_CHOICES, required=False)
    payment_status = forms.ChoiceField(
        label=_("Payment status"), choices=PAYMENT_STATUS_CHOICES, required=False
    )
    contact = forms.ChoiceField(label=_("Contact"), choices=[("", _("Any contact"))], required=False)
    type = forms.ChoiceField(label=_("Type"), choices=TYPE_CHOICES, required=False)
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    field = forms.ChoiceField(label=_("Search in"), choices=FIELD_QUERY_CHOICES, required=False)
    term = forms.CharField(label=_("Containing"), required=False, max_length=200)

    def __init__(self, *args, filters=ALL_FILTERS, contact_choices=(), **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.enabled = tuple(filters)
        groups = {
            "period": ("period", "year", "quarter", "month", "date_from", "date_to"),
            "field_query": ("field", "term"),
        }
        keep = {name for group in self.enabled for name in groups.get(group, (group,))}
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]
        if "contact" in self.fields:
            self.fields["contact"].choices = [("", _("Any contact")), *contact_choices]
            attach_pickers(self)  # search-as-you-type contact filter (pickers.py, issue 7)

    def clean_contact(self) -> str:
        # Before the contact names are read, any value is offered as a choice: Quipu takes only ids.
        contact = self.cleaned_data.get("contact") or ""
        if contact and not (contact.isascii() and contact.isdigit() and len(contact) <= 18):
            raise forms.ValidationError(_("Choose a contact from the list."))
        return contact

    def clean(self):
        data = super().clean()
        period = data.get("period")
        if period in ("year", "quarter", "month") and not data.get("year"):
            self.add_error("year", _("Choose a year."))
        if period == "quarter" and not data.get("quarter"):
            self.add_error("quarter", _("Choose a quarter."))
        if period == "month" and not data.get("month"):
            self.add_error("month", _("Choose a month."))
        if period == "range":
            start, end = data.get("date_from"), data.get("date_to")
            if not start or not end:
                self.add_error("date_to" if start else "date_from", _("A custom range needs both dates."))
            elif end < start:
                self.add_error("date_to", _("The end date is before the start date."))
            elif (end - start).days >= 365:
                self.add_error("date_to", _("Quipu accepts ranges shorter than one year."))
        if data.get("field") and data.get("q") and not data.get("term"):
            # One search box: a chosen field searches only there, "any field" is Quipu's free search.
            data["term"], data["q"] = data["q"], ""
        if data.get("term") and not data.get("field"):
            data["field"] = "concept"
        return data

    def api_filters(self) -> dict:
        """The `filter[...]` parameters for Quipu, from the cleaned data."""
        data = self.cleaned_data
        filters: dict = {}
        period = data.get("period")
        if period == "year" and data.get("year"):
            filters["period"] = f"{data['year']}"
        elif period == "quarter" and data.get("year") and data.get("quarter"):
            filters["period"] = f"{data['year']}-Q{data['quarter']}"
        elif period == "month" and data.get("year") and data.get("month"):
            filters["period"] = f"{data['year']}-{data['month']:02d}"
        elif period == "range" and data.get("date_from") and data.get("date_to"):
            filters["period"] = {"from": data["date_from"].isoformat(), "to": data["date_to"].isoformat()}
        for name in ("kind", "payment_status", "type", "q"):
            if data.get(name):
                filters[name] = data[name]
        if data.get("contact"):
            filters["contact_id"] = data["contact"]
        if data.get("field") and data.get("term"):
            filters["field_query"] = {"field": data["field"], "term": data["term"]}
        return filters

    def active_count(self) -> int:
        return len(self.api_filters()) if self.is_bound and self.is_valid() else 0


# Sorting -------------------------------------------------------------------------------------------


def parse_sort(text: str | None, allowed: tuple[str, ...]) -> list[str]:
    """ "-total_amount,issue_date" -> ["-total_amount", "issue_date"], dropping unknown criteria."""
    criteria: list[str] = []
    for part in (text or "").split(","):
        part = part.strip()
        if part.lstrip("-") in allowed and part.lstrip("-") not in [c.lstrip("-") for c in criteria]:
            criteria.append(part)
    return criteria


def sort_toggled(criteria: list[str], key: str) -> list[str]:
    """Clicking a header: it becomes the first criterion; clicking it again reverses it. Others stay."""
    rest = [c for c in criteria if c.lstrip("-") != key]
    if criteria and criteria[0].lstrip("-") == key:
        return [key if criteria[0].startswith("-") else f"-{key}", *rest]
    return [key, *rest]


def sort_without(criteria: list[str], key: str) -> list[str]:
    return [c for c in criteria if c.lstrip("-") != key]
