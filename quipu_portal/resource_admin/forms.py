"""Document and item forms with Quipu's rules, and the category pickers they use."""

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils.formats import get_format
from django.utils.translation import gettext_lazy as _

from quipu_portal.core.display import money
from quipu_portal.resource_admin.pickers import attach_pickers

PAYMENT_METHOD_CHOICES = [
    ("", _("Not set")),
    ("cash", _("Cash")),
    ("bank_transfer", _("Bank transfer")),
    ("bank_card", _("Card")),
    ("direct_debit", _("Direct debit")),
    ("paypal", _("PayPal")),
    ("check", _("Cheque")),
    ("factoring", _("Factoring")),
]
DOCUMENT_KIND_CHOICES = [("income", _("Income")), ("expenses", _("Expenses"))]
ITEM_KIND_CHOICES = [
    ("", _("Default")),
    ("current", _("Current")),
    ("assets", _("Asset")),
    ("reimbursement", _("Reimbursement")),
]
CREDIT_NOTE_REASON_CHOICES = [
    ("", _("Not set")),
    ("R1", _("R1 · Return of goods or correction of VAT")),
    ("R2", _("R2 · Unpaid invoice, bad debt")),
    ("R3", _("R3 · Customer bankruptcy or insolvency")),
    ("R4", _("R4 · Correction of invoice details")),
    ("R5", _("R5 · Correction of calculation errors")),
    ("R6", _("R6 · Correction of description errors")),
    ("R7", _("R7 · Change of payment method or terms")),
    ("R8", _("R8 · Correction of product or service identification")),
]
# Verifactu's codes for an income document whose lines are all VAT-exempt; Quipu names the codes only.
VERIFACTU_FIELDS = ("exempt_reason", "collection_type", "canary_island_special_zone")
EXEMPT_REASON_CHOICES = [("", _("Not set")), ("R1", "R1"), ("R2", "R2"), ("R3", "R3")]
COLLECTION_TYPE_CHOICES = [
    ("", _("Not set")),
    *((code, code) for code in ("R1", "R2", "R3", "R4")),
    ("none", _("None")),
]
CANARY_ZONE_CHOICES = [
    ("", _("Not set")),
    *((code, code) for code in ("r1", "r2", "r3")),
    ("none", _("None")),
]

# Attributes openapi.yaml lists in its writable schemas only: Quipu may not send them back, so a blank
# one means "as it is", never "clear it".
WRITE_ONLY_FIELDS = ("target_country", *VERIFACTU_FIELDS)

# Fields that are relationships in the API; every other form field is an attribute.
RELATIONSHIP_FIELDS = (
    "contact",
    "accounting_category",
    "accounting_subcategory",
    "numeration",
    "analytic_categories",
)


class DecimalInput(forms.TextInput):
    """Shows a number with the language's decimal mark and no grouping ("1500,5" in Spanish): what
    FlexibleDecimalField reads back as the same number."""

    def format_value(self, value):
        if isinstance(value, Decimal | float):
            return str(value).replace(".", get_format("DECIMAL_SEPARATOR"))
        return super().format_value(value)


class FlexibleDecimalField(forms.DecimalField):
    """Accepts "1.234,56", "1234,56" and "1234.56": accountants type both separators."""

    widget = DecimalInput

    def to_python(self, value):
        if isinstance(value, str):
            text = value.strip().replace("\u00a0", "").replace(" ", "").replace("€", "").replace("%", "")
            if "," in text and "." in text:
                decimal_mark = "," if text.rfind(",") > text.rfind(".") else "."
                thousands = "." if decimal_mark == "," else ","
                text = text.replace(thousands, "").replace(decimal_mark, ".")
            else:
                text = text.replace(",", ".")
            value = text
        return super().to_python(value)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.pop("step", None)
        attrs["inputmode"] = "decimal"
        return attrs


def _date_input():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class DatesListField(forms.CharField):
    """Due dates: one or more dates separated by commas or spaces, stored as ISO strings."""

    def to_python(self, value):
        text = super().to_python(value)
        parts = [part for part in re.split(r"[\s,;]+", text or "") if part]
        dates = []
        for part in parts:
            day = forms.DateField().clean(part)
            dates.append(day.isoformat())
        return dates

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return ", ".join(str(item) for item in value)
        return value


class TreeSelectMultiple(forms.SelectMultiple):
    """A multiple select whose options carry `disabled` for tree roots."""

    def __init__(self, *args, disabled_values=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.disabled_values = set(disabled_values)

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        if str(value) in self.disabled_values:
            option["attrs"]["disabled"] = True
        return option


@dataclass
class Choices:
    """Everything a document form offers to pick from, already resolved to names."""

    contacts: list = field(default_factory=list)  # [(id, name)]
    categories: list = field(default_factory=list)  # [(id, name, kind)]
    subcategories: list = field(default_factory=list)  # [(id, name, category_id)]
    analytic: list = field(default_factory=list)  # [(id, name, parent_id)]
    series: list = field(default_factory=list)  # [(id, name)]

    def category_choices(self, kind: str | None = None):
        """Every category, grouped by kind, the document's own kind first."""
        groups: dict[str, list] = {}
        labels = {"income": _("Income"), "expenses": _("Expenses")}
        for category_id, name, category_kind in self.categories:
            groups.setdefault(category_kind or "", []).append((category_id, name))
        order = sorted(
            groups, key=lambda group_kind: (group_kind != kind, group_kind not in labels, group_kind)
        )
        choices: list = [("", _("No category"))]
        for group_kind in order:
            choices.append((labels.get(group_kind, group_kind or _("Other")), groups[group_kind]))
        return choices

    def subcategory_choices(self, category_id: str | None):
        choices: list = [("", _("No subcategory"))]
        if category_id:
            return choices + [
                (sub_id, name) for sub_id, name, parent in self.subcategories if parent == category_id
            ]
        names = {category_id: name for category_id, name, _kind in self.categories}
        groups: dict[str, list] = {}
        for sub_id, name, parent in self.subcategories:
            groups.setdefault(names.get(parent, parent or ""), []).append((sub_id, name))
        return choices + list(groups.items())

    def subcategory_parent(self, subcategory_id: str) -> str | None:
        return next((parent for sub_id, _n, parent in self.subcategories if sub_id == subcategory_id), None)

    def analytic_tree(self):
        """(choices indented by depth, ids of the roots) — roots cannot be chosen."""
        children: dict = {}
        for analytic_id, name, parent in self.analytic:
            children.setdefault(parent or None, []).append((analytic_id, name))
        choices, roots = [], {analytic_id for analytic_id, _n, parent in self.analytic if not parent}

        def walk(parent, depth):
            for analytic_id, name in sorted(children.get(parent, []), key=lambda pair: str(pair[1])):
                choices.append((analytic_id, "\u2003" * depth + str(name)))
                walk(analytic_id, depth + 1)

        walk(None, 0)
        return choices, roots


def _offer_current_code(form_field: forms.ChoiceField, code) -> None:
    """A code Quipu holds that the list lacks stays on offer: a save that did not touch it keeps it."""
    if code and code not in {key for key, _label in form_field.choices}:
        form_field.choices = [*form_field.choices, (code, code)]


class DocumentForm(forms.Form):
    """Every field a Quipu document can carry; a resource declares which ones its form shows."""

    kind = forms.ChoiceField(label=_("Kind"), choices=DOCUMENT_KIND_CHOICES)
    number = forms.CharField(
        label=_("Number"),
        required=False,
        max_length=50,
        help_text=_("Leave it blank on income documents and Quipu will number them."),
    )
    issue_date = forms.DateField(label=_("Issue date"), widget=_date_input())
    due_dates = DatesListField(
        label=_("Due dates"),
        required=False,
        help_text=_("One or more dates, separated by commas."),
    )
    paid_at = forms.DateField(label=_("Paid on"), required=False, widget=_date_input())
    payment_method = forms.ChoiceField(
        label=_("Payment method"), choices=PAYMENT_METHOD_CHOICES, required=False
    )
    issuing_name = forms.CharField(label=_("Issuer name"), required=False, max_length=200)
    recipient_name = forms.CharField(label=_("Recipient name"), required=False, max_length=200)
    net_pay = FlexibleDecimalField(label=_("Net pay"), required=False, max_digits=14, decimal_places=2)
    employee_ss_amount = FlexibleDecimalField(
        label=_("Employee social security"), required=False, max_digits=14, decimal_places=2
    )
    employee_retention = FlexibleDecimalField(
        label=_("Employee withholding"), required=False, max_digits=14, decimal_places=2
    )
    company_ss_amount = FlexibleDecimalField(
        label=_("Company social security"), required=False, max_digits=14, decimal_places=2
    )
    contact = forms.ChoiceField(label=_("Contact"), required=False)
    accounting_category = forms.ChoiceField(label=_("Accounting category"), required=False)
    accounting_subcategory = forms.ChoiceField(label=_("Accounting subcategory"), required=False)
    numeration = forms.ChoiceField(
        label=_("Numbering series"), required=False, help_text=_("Only for income documents.")
    )
    analytic_categories = forms.MultipleChoiceField(
        label=_("Analytic categories"),
        required=False,
        help_text=_("Top-level groups cannot be chosen; pick one of their entries."),
    )
    credit_note_reason = forms.ChoiceField(
        label=_("Reason for the amendment"), choices=CREDIT_NOTE_REASON_CHOICES, required=False
    )
    target_country = forms.CharField(
        label=_("Destination country"),
        required=False,
        max_length=2,
        help_text=_(
            "Two-letter code such as fr. Quipu does not show it back: leave it blank to keep its value."
        ),
    )
    exempt_reason = forms.ChoiceField(
        label=_("VAT exemption reason"),
        choices=EXEMPT_REASON_CHOICES,
        required=False,
        help_text=_("Verifactu: needed when every line is VAT-exempt and the customer is not in Spain."),
    )
    collection_type = forms.ChoiceField(
        label=_("Collection type"),
        choices=COLLECTION_TYPE_CHOICES,
        required=False,
        help_text=_("Verifactu: needed when every line is VAT-exempt."),
    )
    canary_island_special_zone = forms.ChoiceField(
        label=_("Canary Islands special zone"),
        choices=CANARY_ZONE_CHOICES,
        required=False,
        help_text=_(
            "Verifactu: needed when every line is VAT-exempt and the company is in the Canary Islands."
        ),
    )
    tags = forms.CharField(
        label=_("Tags"), required=False, max_length=500, help_text=_("Separated by commas.")
    )
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(
        self, *args, fields=(), required=(), choices: Choices | None = None, subcategories_url=None, **kwargs
    ):
        super().__init__(*args, **kwargs)
        for name in list(self.fields):
            if name not in fields:
                del self.fields[name]
        self.order_fields(fields)
        for name in required:
            if name in self.fields:
                self.fields[name].required = True
        self.choices = choices or Choices()
        kind = self._current("kind")
        if "contact" in self.fields:
            self.fields["contact"].choices = [("", _("Choose a contact")), *self.choices.contacts]
        if "accounting_category" in self.fields:
            self.fields["accounting_category"].choices = self.choices.category_choices(kind)
        if "accounting_subcategory" in self.fields:
            category = self._current("accounting_category")
            self.fields["accounting_subcategory"].choices = self.choices.subcategory_choices(category)
            if subcategories_url and "accounting_category" in self.fields:
                follow_category(self, subcategories_url)
        if "numeration" in self.fields:
            self.fields["numeration"].choices = [("", _("Default series")), *self.choices.series]
        if "analytic_categories" in self.fields:
            tree, roots = self.choices.analytic_tree()
            self.fields["analytic_categories"].choices = tree
            self.fields["analytic_categories"].widget = TreeSelectMultiple(
                choices=tree, disabled_values=roots
            )
        for name in VERIFACTU_FIELDS:
            if name in self.fields:
                _offer_current_code(self.fields[name], self.initial.get(name))
        attach_pickers(self, kind=kind)  # search-as-you-type selects (pickers.py, issue 7)

    def clean_target_country(self):
        code = self.cleaned_data["target_country"].strip().lower()
        if code and not re.fullmatch(r"[a-z]{2}", code):
            raise ValidationError(
                _("“%(code)s” is not a two-letter country code such as es or pt."), params={"code": code}
            )
        return code

    def _current(self, name):
        if self.is_bound:
            return self.data.get(self.add_prefix(name)) or None
        return self.initial.get(name) or None

    def clean(self):
        data = super().clean()
        category, subcategory = data.get("accounting_category"), data.get("accounting_subcategory")
        if subcategory and self.choices.subcategory_parent(subcategory) not in (None, category):
            self.add_error("accounting_subcategory", _("This subcategory belongs to another category."))
        _tree, roots = self.choices.analytic_tree() if "analytic_categories" in self.fields else ([], set())
        if roots.intersection(data.get("analytic_categories") or []):
            self.add_error("analytic_categories", _("Top-level analytic categories cannot be chosen."))
        return data

    def api_attributes(self) -> dict:
        data = self.cleaned_data
        attributes = {}
        for name in self.fields:
            if name in RELATIONSHIP_FIELDS:
                continue
            value = data.get(name)
            if hasattr(value, "isoformat"):
                value = value.isoformat()
            elif isinstance(value, Decimal):
                value = str(value)
            elif value == "":
                value = None
            if value is None and name in WRITE_ONLY_FIELDS:
                continue
            attributes[name] = value
        return attributes

    def api_relationships(self) -> dict:
        data = self.cleaned_data
        relationships = {}
        for name in RELATIONSHIP_FIELDS:
            if name in self.fields:
                value = data.get(name)
                relationships[name] = list(value or []) if name == "analytic_categories" else (value or None)
        return relationships


def follow_category(form, url: str) -> None:
    """With htmx, choosing a category reloads the subcategory options for it."""
    form.fields["accounting_category"].widget.attrs.update(
        {
            "hx-get": url,
            "hx-include": "this",
            "hx-target": "#" + form.auto_id % form.add_prefix("accounting_subcategory"),
            "hx-swap": "innerHTML",
            "hx-trigger": "change",
        }
    )


def _percent_field(label) -> FlexibleDecimalField:
    return FlexibleDecimalField(
        label=label, required=False, min_value=0, max_value=100, max_digits=7, decimal_places=3
    )


class ItemForm(forms.Form):
    """One line of a document. `id` ties it to the existing item so Quipu updates rather than replaces."""

    id = forms.CharField(required=False, widget=forms.HiddenInput)
    concept = forms.CharField(label=_("Concept"), max_length=250)
    description = forms.CharField(label=_("Description"), required=False, max_length=1000)
    quantity = FlexibleDecimalField(label=_("Quantity"), required=False, max_digits=14, decimal_places=4)
    unitary_amount = FlexibleDecimalField(
        label=_("Unit price"), required=False, max_digits=14, decimal_places=4
    )
    discount_percent = _percent_field(_("Discount %"))
    vat_percent = _percent_field(_("VAT %"))
    retention_percent = _percent_field(_("Withholding %"))
    kind = forms.ChoiceField(label=_("Line kind"), choices=ITEM_KIND_CHOICES, required=False)
    equivalence_surcharge = forms.BooleanField(label=_("Equivalence surcharge"), required=False)
    deductible_vat_percent = _percent_field(_("VAT deductible %"))
    deductible_expense_percent = _percent_field(_("Expense deductible %"))
    accounting_category = forms.ChoiceField(label=_("Category"), required=False)
    accounting_subcategory = forms.ChoiceField(label=_("Subcategory"), required=False)

    def __init__(
        self,
        *args,
        choices: Choices | None = None,
        with_categories=True,
        document_kind=None,
        subcategories_url=None,
        line=None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.choices = choices or Choices()
        for name, form_field in self.fields.items():
            if line is not None and name not in ("id",):
                label = _("Position") if name == "ORDER" else form_field.label
                form_field.widget.attrs["aria-label"] = _("%(field)s, line %(line)s") % {
                    "field": label,
                    "line": line,
                }
        if document_kind != "expenses":
            del self.fields["deductible_vat_percent"]
            del self.fields["deductible_expense_percent"]
        if not with_categories:
            del self.fields["accounting_category"]
            del self.fields["accounting_subcategory"]
            return
        self.fields["accounting_category"].choices = self.choices.category_choices(document_kind)
        category = (
            self.data.get(self.add_prefix("accounting_category"))
            if self.is_bound
            else self.initial.get("accounting_category")
        )
        self.fields["accounting_subcategory"].choices = self.choices.subcategory_choices(category or None)
        if subcategories_url:
            follow_category(self, subcategories_url)
        attach_pickers(self, kind=document_kind)  # search-as-you-type selects (pickers.py, issue 7)

    def clean(self):
        data = super().clean()
        subcategory = data.get("accounting_subcategory")
        if subcategory and self.choices.subcategory_parent(subcategory) not in (
            None,
            data.get("accounting_category"),
        ):
            self.add_error("accounting_subcategory", _("This subcategory belongs to another category."))
        return data

    def api_attributes(self) -> dict:
        attributes = {}
        for name in (
            "concept",
            "description",
            "quantity",
            "unitary_amount",
            "discount_percent",
            "vat_percent",
            "retention_percent",
            "kind",
            "equivalence_surcharge",
            "deductible_vat_percent",
            "deductible_expense_percent",
        ):
            if name not in self.fields or self._kept_unless_changed(name):
                continue
            value = self.cleaned_data.get(name)
            if name == "kind" and not value and not self.cleaned_data.get("id"):
                value = "current"  # Quipu's documented default, which Verifactu wants said
            if isinstance(value, Decimal):
                value = format(value.normalize(), "f") if value == value.to_integral() else str(value)
            if value in ("", None) and name != "concept":
                continue
            attributes[name] = value
        return attributes

    def _kept_unless_changed(self, name: str) -> bool:
        """A line's surcharge may not come back from Quipu (openapi.yaml does not list it among an
        item's attributes): an existing line sends it only when the user changed it."""
        return (
            name == "equivalence_surcharge"
            and bool(self.cleaned_data.get("id"))
            and name not in self.changed_data
        )

    def api_relationships(self) -> dict:
        if "accounting_category" not in self.fields:
            return {}
        return {
            "accounting_category": self.cleaned_data.get("accounting_category") or None,
            "accounting_subcategory": self.cleaned_data.get("accounting_subcategory") or None,
        }

    @property
    def preview_total_display(self) -> str:
        if not self.is_bound or self.errors or not self.has_changed() and not self.initial:
            return ""
        total = self.preview_total()
        return money(total) if total is not None else ""

    def preview_total(self) -> Decimal | None:
        """The line total as Quipu will compute it, for the preview under the table."""
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        try:
            quantity = data.get("quantity") if data.get("quantity") is not None else Decimal(1)
            base = quantity * (data.get("unitary_amount") or Decimal(0))
            base -= base * (data.get("discount_percent") or Decimal(0)) / 100
            vat = base * (data.get("vat_percent") or Decimal(0)) / 100
            retention = base * (data.get("retention_percent") or Decimal(0)) / 100
            return (base + vat - retention).quantize(Decimal("0.01"))
        except (InvalidOperation, TypeError):
            return None


class BaseItemFormSet(forms.BaseFormSet):
    def __init__(
        self, *args, choices=None, with_categories=True, document_kind=None, subcategories_url=None, **kwargs
    ):
        self.choices, self.with_categories, self.document_kind = choices, with_categories, document_kind
        self.subcategories_url = subcategories_url
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {
            "choices": self.choices,
            "with_categories": self.with_categories,
            "document_kind": self.document_kind,
            "subcategories_url": self.subcategories_url,
            "line": None if index is None else index + 1,
        }

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if index is not None:
            line = {"line": index + 1}
            form.fields["ORDER"].widget.attrs.update(
                {"aria-label": _("Position, line %(line)s") % line, "class": "order-input", "data-order": ""}
            )
            form.fields["DELETE"].widget.attrs["aria-label"] = _("Remove line %(line)s") % line

    def ordered_forms_to_send(self) -> list:
        """The rows Quipu should keep, in the order the user set; empty extra rows are left out."""
        rows = [form for form in self.forms if form.has_changed() or form.initial]
        rows = [form for form in rows if not self._should_delete_form(form)]
        return sorted(
            rows,
            key=lambda form: (form.cleaned_data.get("ORDER") is None, form.cleaned_data.get("ORDER") or 0),
        )

    def clean(self):
        if any(self.errors):
            return
        if not self.ordered_forms_to_send():
            raise ValidationError(_("A document needs at least one line."))


ItemFormSet = forms.formset_factory(
    ItemForm, formset=BaseItemFormSet, extra=0, can_delete=True, can_order=True
)


def blank_item_formset(formset_class, data, prefix="items"):
    """The same POST data with one more empty row, for the "Add a line" button."""
    data = data.copy()
    key = f"{prefix}-TOTAL_FORMS"
    data[key] = str(int(data.get(key) or 0) + 1)
    return data


class CreditNoteForm(forms.Form):
    """A refund of a document: all of it, or only the lines typed below."""

    mode = forms.ChoiceField(
        label=_("Refund"),
        choices=[("full", _("The whole document")), ("partial", _("Only the lines below"))],
        widget=forms.RadioSelect,
    )
    issue_date = forms.DateField(label=_("Issue date"), widget=_date_input())
    credit_note_reason = forms.ChoiceField(
        label=_("Reason for the amendment"), choices=CREDIT_NOTE_REASON_CHOICES, required=False
    )


ATTACHMENT_MAX_BYTES = 5 * 1024 * 1024


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("File"), help_text=_("A PDF or an image, up to 5 MB."))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > ATTACHMENT_MAX_BYTES:
            raise ValidationError(_("The file is larger than 5 MB."))
        if attachment_content_type(upload) is None:
            raise ValidationError(_("Only PDF files and JPEG, PNG, GIF or WebP images can be attached."))
        return upload


# What a file really is, read from its first bytes; the name and the browser's claim are not trusted.
ATTACHMENT_SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)


def attachment_content_type(upload) -> str | None:
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return next((kind for signature, kind in ATTACHMENT_SIGNATURES if head.startswith(signature)), None)


class BulkSelectionForm(forms.Form):
    """What a list's bulk bar posts: the ticked rows, or every document matching the list's filter."""

    ids = forms.MultipleChoiceField(required=False)
    select_across = forms.BooleanField(required=False)
    query = forms.CharField(required=False, max_length=2000)

    def __init__(self, data=None, **kwargs):
        super().__init__(data, **kwargs)
        if data is not None:
            # The ids are matched against the list as Quipu shows it when the selection is read.
            self.fields["ids"].choices = [(value, value) for value in data.getlist("ids")]

    def clean(self):
        data = super().clean()
        if not data.get("select_across") and not data.get("ids"):
            raise ValidationError(_("Tick at least one document first."))
        return data

    def selected_ids(self) -> list[str] | None:
        """The ticked ids, or None for every document matching the filter."""
        if self.cleaned_data["select_across"]:
            return None
        return list(dict.fromkeys(self.cleaned_data["ids"]))
