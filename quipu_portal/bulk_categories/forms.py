from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from quipu_portal.bulk_categories.changes import (
    ANALYTIC_ADD,
    ANALYTIC_KEEP,
    ANALYTIC_REMOVE,
    ANALYTIC_REPLACE,
    SCOPE_BOTH,
    SCOPE_DOCUMENT,
    SCOPE_ITEMS,
    CategoryChange,
)
from quipu_portal.connections.scope import connection_reverse
from quipu_portal.quipu.records import account_code
from quipu_portal.quipu.refdata import ReferenceData

KIND_LABELS = {"income": _("Income categories"), "expenses": _("Expense categories")}


class SelectionForm(forms.Form):
    """Which documents: the ticked rows of a list, or every document matching its filter."""

    namespace = forms.CharField(widget=forms.HiddenInput, max_length=60)
    ids = forms.MultipleChoiceField(required=False, widget=forms.MultipleHiddenInput)
    select_all = forms.BooleanField(required=False, widget=forms.HiddenInput)
    query = forms.CharField(required=False, widget=forms.HiddenInput, max_length=2000)

    def __init__(self, data=None, **kwargs):
        if data is not None and data.get("select_across") and not data.get("select_all"):
            data = data.copy()
            data["select_all"] = "1"
        super().__init__(data, **kwargs)
        if data is not None:
            # Ids are checked against the listing when the preview reads it; any string may arrive here.
            self.fields["ids"].choices = [(value, value) for value in data.getlist("ids")]

    def clean(self):
        data = super().clean()
        if not data.get("select_all") and not data.get("ids"):
            raise ValidationError(
                _("Tick at least one document, or select all documents matching the filter.")
            )
        return data

    def selected_ids(self) -> list[str] | None:
        return None if self.cleaned_data.get("select_all") else list(self.cleaned_data["ids"])


class BulkCategoriesForm(SelectionForm):
    scope = forms.ChoiceField(
        label=_("Where to set the accounting category"),
        choices=[
            (SCOPE_DOCUMENT, _("On the document")),
            (SCOPE_ITEMS, _("On every line")),
            (SCOPE_BOTH, _("On the document and on every line")),
        ],
        initial=SCOPE_DOCUMENT,
        widget=forms.RadioSelect,
        help_text=_(
            "Only invoice, simplified invoice and additional income lines take their own categories: "
            "tickets and paysheets change at document level only. Quipu sets the category of paysheets "
            "itself; only their subcategory changes."
        ),
    )
    category = forms.ChoiceField(label=_("Accounting category"), required=False)
    subcategory = forms.ChoiceField(
        label=_("Subcategory"),
        required=False,
        help_text=_("Leave it empty to clear the subcategory."),
    )
    analytic_action = forms.ChoiceField(
        label=_("Analytic categories"),
        choices=[
            (ANALYTIC_KEEP, _("Leave as they are")),
            (ANALYTIC_ADD, _("Add these")),
            (ANALYTIC_REMOVE, _("Remove these")),
            (ANALYTIC_REPLACE, _("Replace all with these")),
        ],
        initial=ANALYTIC_KEEP,
    )
    analytic = forms.MultipleChoiceField(
        label=_("Analytic categories (cost centres)"),
        required=False,
        help_text=_("Top-level groups cannot be assigned to documents, so they are not offered."),
    )

    def __init__(self, data=None, *, refdata: ReferenceData, kind: str | None = None, **kwargs):
        super().__init__(data, **kwargs)
        self.refdata = refdata
        self.fields["category"].choices = self._category_choices(kind)
        # The subcategory picker follows the category, so only valid pairs can be chosen.
        self.fields["category"].widget.attrs.update(
            {
                "hx-get": connection_reverse("jobs:bulk_categories_subcategories"),
                "hx-target": "#id_subcategory",
                "hx-trigger": "change",
                "hx-include": "this",
            }
        )
        chosen = (data.get("category") if data is not None else None) or None
        self.fields["subcategory"].choices = self.subcategory_choices(chosen)
        self.fields["analytic"].choices = self._analytic_choices()
        if not refdata.analytic_categories_available:
            del self.fields["analytic"]
            del self.fields["analytic_action"]

    def _category_choices(self, kind: str | None):
        groups: dict[str, list] = {}
        for category in self.refdata.accounting_categories:
            if category.active is False or category.kind not in KIND_LABELS:
                continue
            if kind and category.kind != kind:
                continue
            label = f"{category.prefix or ''} {category.name or ''}".strip()
            groups.setdefault(category.kind, []).append((category.id, label))
        choices: list = [("", _("Leave unchanged"))]
        for group_kind in ("expenses", "income"):
            if groups.get(group_kind):
                choices.append(
                    (KIND_LABELS[group_kind], sorted(groups[group_kind], key=lambda pair: pair[1]))
                )
        return choices

    def subcategory_choices(self, category_id: str | None):
        choices: list = [("", _("No subcategory"))]
        if not category_id:
            return choices
        category = self.refdata.accounting_category(category_id)
        for sub in self.refdata.subcategories_of(category_id):
            code = account_code(category, sub) if category else ""
            choices.append((sub.id, f"{code} {sub.name or ''}".strip()))
        return choices

    def _analytic_choices(self):
        by_id = {category.id: category for category in self.refdata.analytic_categories}
        choices = []
        for category in self.refdata.analytic_categories:
            if category.is_root:
                continue
            parent = by_id.get(category.parent.id) if category.parent else None
            name = f"{parent.name} › {category.name}" if parent else str(category.name)
            choices.append((category.id, name))
        return sorted(choices, key=lambda pair: pair[1])

    def clean(self):
        data = super().clean()
        category, subcategory = data.get("category") or None, data.get("subcategory") or None
        if subcategory and not category:
            self.add_error("subcategory", _("Choose the accounting category this subcategory belongs to."))
        action = data.get("analytic_action", ANALYTIC_KEEP)
        analytic = data.get("analytic") or []
        if action in (ANALYTIC_ADD, ANALYTIC_REMOVE) and not analytic:
            self.add_error("analytic", _("Choose the analytic categories to add or remove."))
        if not category and action == ANALYTIC_KEEP:
            raise ValidationError(_("Choose a category to set, or analytic categories to change."))
        return data

    def change(self) -> CategoryChange:
        data = self.cleaned_data
        category_id = data.get("category") or None
        category = self.refdata.accounting_category(category_id) if category_id else None
        return CategoryChange(
            scope=data["scope"],
            category_id=category_id,
            category_kind=category.kind if category else None,
            subcategory_id=(data.get("subcategory") or None) if category_id else None,
            analytic_action=data.get("analytic_action", ANALYTIC_KEEP),
            analytic_ids=tuple(sorted(data.get("analytic") or ())),
        )
