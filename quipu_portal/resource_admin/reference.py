"""ReferenceAdmin: the declaration for contacts, categories and numbering series.

The same idea as the document `DocumentAdmin` (columns, sorts, filters, a form, what can be done), for
resources without items: the list reads the resource's own endpoint with its own filters, the form sends
attributes and relationships, and every write drops the connection's reference-data cache.
"""

from dataclasses import dataclass

from django import forms
from django.urls import NoReverseMatch, path
from django.utils.functional import Promise
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from quipu_portal.connections.scope import connection_reverse
from quipu_portal.quipu.records import RecordInput
from quipu_portal.resource_admin import columns as cols
from quipu_portal.resource_admin import reference_services, reference_views
from quipu_portal.resource_admin.access import attr, rel_id
from quipu_portal.resource_admin.base import BaseResourceAdmin
from quipu_portal.resource_admin.views.pickers import picker_view


@dataclass(frozen=True)
class RecordLink(cols.Column):
    """The record's name as a link to its own page (`page`: "detail", or "edit" where there is none)."""

    page: str = "detail"

    def render(self, record, names, namespace=None):
        text = self.value(record, names) or record.id
        try:
            url = connection_reverse(f"{namespace}:{self.page}", args=[record.id])
        except NoReverseMatch:
            return text
        return format_html('<a href="{}">{}</a>', url, text)


@dataclass(frozen=True)
class RelatedDocuments:
    """A panel on the detail page: the book entries that point at the record (`filter[<filter_name>]`)."""

    label: str | Promise
    filter_name: str
    # The document list's own filter that shows all of them, for the "see all" link.
    list_url_name: str = "book_entries:list"
    list_param: str = "contact"
    page_size: int = 10


class ReferenceFilterForm(forms.Form):
    """A list filter form whose fields are Quipu's `filter[...]` names (or mapped by `api_names`)."""

    api_names: dict[str, str] = {}

    def __init__(self, *args, refdata=None, **kwargs):
        self.refdata = refdata
        super().__init__(*args, **kwargs)

    def api_filters(self) -> dict:
        filters = {}
        for name, value in self.cleaned_data.items():
            if value not in (None, "", [], ()):
                filters[self.api_names.get(name, name)] = value
        return filters


class ReferenceForm(forms.Form):
    """A create/edit form: every field is an attribute unless listed in `relationship_fields`.

    `create_only_fields` can be set when creating and are shown disabled afterwards (Quipu refuses a
    change). Subclasses fill choices from `self.refdata` (the cached reference data) in `setup()`.
    """

    relationship_fields: tuple[str, ...] = ()
    create_only_fields: tuple[str, ...] = ()
    # Optional grouping on the page: (title, help text or "", field names).
    layout: tuple = ()

    def __init__(self, *args, refdata=None, record=None, **kwargs):
        self.refdata, self.record = refdata, record
        super().__init__(*args, **kwargs)
        self.setup()
        if record is not None:
            for name in self.create_only_fields:
                if name in self.fields:
                    self.fields[name].disabled = True
                    self.fields[name].help_text = _("Quipu does not allow changing this once created.")

    def setup(self) -> None:
        """Fill choices that depend on the account's reference data."""

    @property
    def sections(self) -> list[dict]:
        return [
            {
                "title": title,
                "help": help_text,
                "fields": [self[name] for name in names if name in self.fields],
            }
            for title, help_text, names in self.layout
        ]

    @classmethod
    def initial_from(cls, record) -> dict:
        initial = {}
        for name in cls.base_fields:
            if name in cls.relationship_fields:
                initial[name] = rel_id(record, name) or ""
            else:
                value = attr(record, name)
                initial[name] = "" if value is None else value
        return initial

    def not_sent_by_quipu(self, name: str) -> bool:
        """When editing: Quipu's record lacks this value, so the form could only show a blank."""
        if self.record is None:
            return False
        sent = getattr(
            self.record, "raw_relationships" if name in self.relationship_fields else "raw_attributes"
        )
        return name not in (sent or {})

    def api_input(self) -> RecordInput:
        attributes, relationships = {}, {}
        for name, field in self.fields.items():
            if field.disabled:
                continue
            if self.not_sent_by_quipu(name) and name not in self.changed_data:
                continue  # writing the blank back would erase what Quipu keeps but did not send
            value = self.cleaned_data.get(name)
            if name in self.relationship_fields:
                relationships[name] = value or None
            elif isinstance(field, forms.BooleanField):
                attributes[name] = bool(value)
            else:
                attributes[name] = None if value == "" else value
        return RecordInput(attributes=attributes, relationships=relationships)


class ReferenceAdmin(BaseResourceAdmin):
    """Declare `resource`, `namespace`, names, `columns`, `sorts`, `filter_form`, `form_class`."""

    filter_form: type[ReferenceFilterForm] | None = None
    form_class: type[ReferenceForm] | None = None
    template_dir = "resource_admin/reference"

    # The list: a paginated table, or (for a small hierarchy) every record as a tree.
    tree_list: bool = False
    tree_root_badge: str | Promise = ""
    tree_child_badge: str | Promise = ""
    # What a record is called on its pages, and the attributes its detail page shows (in order).
    label_attribute: str = "name"
    detail_fields: tuple[str, ...] = ()
    # How a detail field reads, where its value needs the reference data: {name: fn(record, refdata)}.
    detail_values: dict = {}
    related_documents: RelatedDocuments | None = None
    # Why Quipu may refuse a delete (shown with Quipu's own words when it does).
    delete_refusal_help: str | Promise = ""
    empty_text: str | Promise = _("Nothing here yet.")
    # The search behind the records' picker (a `pickers` function, as a staticmethod), if pickable.
    picker_options = None

    def record_label(self, record) -> str:
        return str(attr(record, self.label_attribute) or record.id)

    def record_get(self, *, client, record_id: str):
        return reference_services.reference_record_get(client=client, admin=self, record_id=record_id)

    def record_delete(self, *, client, record, user, connection) -> None:
        reference_services.reference_record_delete(
            client=client, connection=connection, user=user, admin=self, record=record
        )

    def refusal_explanation(self, record) -> str:
        return str(self.delete_refusal_help)

    def delete_details(self, record) -> dict:
        # Quipu says beforehand when it will refuse (`deletable`), where the resource has it.
        return {"not_deletable": attr(record, "deletable") is False}

    def detail_extra(self, *, request, client, record) -> dict:
        """More context for the resource's own detail template (escape hatch)."""
        return {}

    def picker_search(self, *, client, connection, term: str, params: dict) -> list[tuple[str, str]]:
        """(id, label) of the records matching a search, for pickers; empty when not pickable."""
        if self.picker_options is None:
            return []
        return self.picker_options(client=client, connection=connection, term=term, params=params)

    @property
    def has_picker(self) -> bool:
        return self.picker_options is not None

    # Views ------------------------------------------------------------------------------------------

    def list_view(self, request):
        if self.tree_list:
            return reference_views.reference_tree(request, admin=self)
        return reference_views.reference_list(request, admin=self)

    def detail_view(self, request, pk):
        return reference_views.reference_detail(request, pk, admin=self)

    def create_view(self, request):
        return reference_views.reference_form(request, None, admin=self)

    def edit_view(self, request, pk):
        return reference_views.reference_form(request, pk, admin=self)

    def picker_view(self, request):
        return picker_view(request, admin=self)

    def get_urls(self) -> list:
        urls = [path("", self.list_view, name="list")]
        if self.has_picker:
            urls.append(path("picker/", self.picker_view, name="picker"))
        return urls + self.record_urls()
