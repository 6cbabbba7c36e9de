"""Search-as-you-type pickers for contacts, categories, subcategories and numbering series.

A picker is a plain <select> (it works without JavaScript, with every option the form was built with)
preceded by a search box. Typing asks the resource's `picker` URL for the matching <option>s (htmx) and
puts them in the select; the chosen value is always kept. Reference data comes from the connection's
cache; contacts are searched with Quipu's `filter[q]`.
"""

from django import forms
from django.urls import NoReverseMatch
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from quipu_portal.connections.scope import connection_reverse
from quipu_portal.quipu.contact_names import contact_names
from quipu_portal.quipu.refdata import reference_data
from quipu_portal.resource_admin.access import rel_id

SEARCH_PARAM = "picker_q"
MAX_OPTIONS = 50
# Worded so they never contain a field's own label ("Contact"), which stays the select's label.
SEARCH_LABELS = {
    "contacts": gettext_lazy("Search by name, tax ID or email"),
    "accounting_categories": gettext_lazy("Search by name or account number"),
    "accounting_subcategories": gettext_lazy("Search by name or account number"),
    "numbering_series": gettext_lazy("Search by prefix"),
}
# The search box belongs to no form: Enter in it submits nothing, and its text is never posted.
DETACHED_FORM = "picker-no-form"


class PickerSelect(forms.Select):
    """A select with a search box that narrows its options as you type.

    `source` is the URL namespace of the resource searched (its `picker` URL answers); `depends_on`
    names a sibling field whose value the search also sends (a subcategory follows its category);
    `params` are fixed query parameters (the document kind, whose categories come first).
    """

    def __init__(
        self, *args, source: str, depends_on: str | None = None, params: dict | None = None, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.source, self.depends_on, self.params = source, depends_on, dict(params or {})

    def __deepcopy__(self, memo):
        copy = super().__deepcopy__(memo)
        copy.params = dict(self.params)
        return copy

    def url(self, name: str) -> str | None:
        try:
            base = connection_reverse(f"{self.source}:picker")
        except NoReverseMatch:
            return None
        blank = next((str(label) for value, label in self.choices if value in ("", None)), "")
        query = {"field": name, "blank": blank, **self.params}
        if self.depends_on:
            query["depends"] = self._sibling(name, self.depends_on)
        return f"{base}?{urlencode(query)}"

    @staticmethod
    def _sibling(name: str, other: str) -> str:
        """The HTML name of a field of the same form (and the same formset row)."""
        prefix = name.rsplit("-", 1)[0] + "-" if "-" in name else ""
        return prefix + other

    def _sibling_id(self, name: str, select_id: str) -> str:
        if not select_id.endswith(name):
            return ""
        return select_id[: -len(name)] + self._sibling(name, self.depends_on)

    def render(self, name, value, attrs=None, renderer=None):
        select = super().render(name, value, attrs, renderer)
        url = self.url(name)
        select_id = (attrs or {}).get("id") or self.attrs.get("id")
        if not url or not select_id:
            return select
        search_id = f"{select_id}_search"
        include, sync = f"#{select_id}", "this:replace"
        sibling_id = self._sibling_id(name, select_id) if self.depends_on else ""
        if sibling_id:
            include += f", #{sibling_id}"
            # Wait for the options the sibling is loading (a new category's subcategories) to arrive first.
            sync = f"#{sibling_id}:queue last"
        search = format_html(
            '<label class="picker-label" for="{}">{}</label>'
            '<input type="search" id="{}" name="{}" form="{}" class="picker-search" autocomplete="off" '
            'placeholder="{}" aria-controls="{}" '
            'hx-get="{}" hx-trigger="input changed delay:250ms, search" hx-target="#{}" hx-swap="innerHTML" '
            'hx-include="{}" hx-sync="{}">',
            search_id,
            SEARCH_LABELS.get(self.source, _("Search")),
            search_id,
            SEARCH_PARAM,
            DETACHED_FORM,
            _("Type to search…"),
            select_id,
            url,
            select_id,
            include,
            sync,
        )
        return format_html('<div class="picker">{}{}</div>', search, select)


def attach_pickers(form, *, kind: str | None = None) -> None:
    """Give a form's contact, category, subcategory and numbering-series selects a search box.

    Fields keep their choices (and so their validation); only the widget changes. Nothing happens for
    a source whose app is not installed.
    """
    wanted = {
        "contact": ("contacts", None, {}),
        "accounting_category": ("accounting_categories", None, {"kind": kind} if kind else {}),
        "accounting_subcategory": ("accounting_subcategories", "accounting_category", {}),
        "numeration": ("numbering_series", None, {}),
    }
    for name, (source, depends_on, params) in wanted.items():
        field = form.fields.get(name)
        if (
            field is None
            or isinstance(field.widget, PickerSelect)
            or not isinstance(field, forms.ChoiceField)
        ):
            continue
        if depends_on and depends_on not in form.fields:
            depends_on = None
        field.widget = PickerSelect(
            attrs=field.widget.attrs,
            choices=field.choices,
            source=source,
            depends_on=depends_on,
            params=params,
        )


# Searching ----------------------------------------------------------------------------------------


def _matches(term: str, *texts) -> bool:
    return not term or any(term in str(text or "").lower() for text in texts)


def category_label(category) -> str:
    return f"{category.prefix} · {category.name}" if category.prefix else str(category.name or category.id)


def subcategory_label(subcategory, refdata) -> str:
    category_id = rel_id(subcategory, "accounting_category")
    code = refdata.account_code(category_id, subcategory.id) if category_id else None
    return f"{code} · {subcategory.name}" if code else str(subcategory.name or subcategory.id)


def category_options(*, client, connection, term: str, params) -> list[tuple[str, str]]:
    """Categories matching by name or account number; those of the document's kind first."""
    kind = params.get("kind")
    found = [
        category
        for category in reference_data(client).accounting_categories
        if _matches(term, category.name, category.prefix)
    ]
    found.sort(key=lambda category: bool(kind) and category.kind != kind)
    return [(category.id, category_label(category)) for category in found]


def subcategory_options(*, client, connection, term: str, params) -> list[tuple[str, str]]:
    refdata = reference_data(client)
    category = params.get("category")
    subcategories = refdata.subcategories_of(category) if category else refdata.accounting_subcategories
    return [
        (sub.id, subcategory_label(sub, refdata))
        for sub in subcategories
        if _matches(term, sub.name, sub.suffix, subcategory_label(sub, refdata))
    ]


def series_options(*, client, connection, term: str, params) -> list[tuple[str, str]]:
    applicable_to = params.get("applicable_to")
    return [
        (series.id, series.prefix or series.id)
        for series in reference_data(client).numbering_series
        if (not applicable_to or series.applicable_to == applicable_to) and _matches(term, series.prefix)
    ]


def contact_options(*, client, connection, term: str, params) -> list[tuple[str, str]]:
    if not term:
        return list(contact_names(client=client, connection=connection))
    page = client.list("contacts", filters={"q": term}, sort=["name"], page_size=MAX_OPTIONS)
    return [(contact.id, contact.name or contact.id) for contact in page.records]


def options_html(*, options, selected: str, selected_label: str | None, blank: str, note: str = "") -> str:
    """The <option>s for the select: blank first, the current choice kept, then the matches."""
    rows = list(options[:MAX_OPTIONS])
    if selected and selected not in {value for value, _label in rows}:
        rows.insert(0, (selected, selected_label or selected))
    parts = [format_html('<option value=""{}>{}</option>', "" if selected else " selected", blank or "—")]
    parts.append(
        format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            ((value, " selected" if value == selected else "", label) for value, label in rows),
        )
    )
    if not note and not options:
        note = _("Nothing matches that search")
    elif not note and len(options) > MAX_OPTIONS:
        note = _("%(count)d more: keep typing to narrow the list") % {"count": len(options) - MAX_OPTIONS}
    if note:
        parts.append(format_html('<option value="" disabled>{}</option>', note))
    return "".join(str(part) for part in parts)
