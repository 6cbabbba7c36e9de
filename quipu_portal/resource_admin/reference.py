"""ReferenceAdmin: the declaration for contacts, categories and numbering series.

The same idea as the document `ResourceAdmin` (columns, sorts, filters, a form, what can be done), for
resources without items: the list reads the resource's own endpoint with its own filters, the form sends
attributes and relationships, and every write drops the connection's reference-data cache.
"""

from dataclasses import dataclass
from importlib import import_module

from django import forms
from django.conf import settings
from django.core import checks
from django.urls import NoReverseMatch, path
from django.utils.functional import Promise
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from quipu_portal.connections.scope import connection_reverse
from quipu_portal.quipu.records import RecordInput
from quipu_portal.quipu.resources import RESOURCES
from quipu_portal.resource_admin import columns as cols
from quipu_portal.resource_admin.access import attr, rel_id
from quipu_portal.resource_admin.options import ResourceAdmin
from quipu_portal.resource_admin.registry import REGISTRY


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


class ReferenceAdmin(ResourceAdmin):
    """Declare `resource`, `namespace`, names, `columns`, `sorts`, `filter_form`, `form_class`."""

    columns = ()
    sorts: tuple[str, ...] = ()
    default_sort: tuple[str, ...] = ()
    list_filters: tuple[str, ...] = ()
    filter_form: type[ReferenceFilterForm] | None = None
    form_class: type[ReferenceForm] | None = None
    form_fields = ()
    required_fields = ()
    readonly_fields: tuple[str, ...] = ()
    relations = ()
    has_items = False
    item_categories = False
    has_attachments = False
    bulk_actions = ()
    create_kinds = ()

    # The list: a paginated table, or (for a small hierarchy) every record as a tree.
    tree_list: bool = False
    tree_root_badge: str | Promise = ""
    tree_child_badge: str | Promise = ""
    # What a record is called on its pages, and the attributes its detail page shows (in order).
    label_attribute: str = "name"
    detail_fields: tuple[str, ...] = ()
    field_labels: dict = {}
    # How a detail field reads, where its value needs the reference data: {name: fn(record, refdata)}.
    detail_values: dict = {}
    money_fields: tuple[str, ...] = ()
    related_documents: RelatedDocuments | None = None
    # Why Quipu may refuse a delete (shown with Quipu's own words when it does).
    delete_refusal_help: str | Promise = ""
    empty_text: str | Promise = _("Nothing here yet.")

    @property
    def list_resource(self) -> str:
        return self.resource

    @property
    def create_links(self) -> list[dict]:
        return [{"label": _("New %(name)s") % {"name": self.verbose_name}, "query": ""}]

    def record_label(self, record) -> str:
        return str(attr(record, self.label_attribute) or record.id)

    def record_get(self, *, client, record_id: str):
        from quipu_portal.resource_admin import reference_services

        return reference_services.reference_record_get(client=client, admin=self, record_id=record_id)

    def record_delete(self, *, client, record, user, connection) -> None:
        from quipu_portal.resource_admin import reference_services

        reference_services.reference_record_delete(
            client=client, connection=connection, admin=self, record_id=record.id
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
        return []

    @property
    def has_picker(self) -> bool:
        return type(self).picker_search is not ReferenceAdmin.picker_search

    def template_names(self, page: str) -> list[str]:
        return [f"{self.namespace}/{page}.html", f"resource_admin/reference/{page}.html"]

    # Views ------------------------------------------------------------------------------------------

    def list_view(self, request):
        from quipu_portal.resource_admin import reference_views

        if self.tree_list:
            return reference_views.reference_tree(request, admin=self)
        return reference_views.reference_list(request, admin=self)

    def detail_view(self, request, pk):
        from quipu_portal.resource_admin import reference_views

        return reference_views.reference_detail(request, pk, admin=self)

    def create_view(self, request):
        from quipu_portal.resource_admin import reference_views

        return reference_views.reference_form(request, None, admin=self)

    def edit_view(self, request, pk):
        from quipu_portal.resource_admin import reference_views

        return reference_views.reference_form(request, pk, admin=self)

    def picker_view(self, request):
        from quipu_portal.resource_admin.pickers import picker_view

        return picker_view(request, admin=self)

    def get_urls(self) -> list:
        urls = [path("", self.list_view, name="list")]
        if self.has_picker:
            urls.append(path("picker/", self.picker_view, name="picker"))
        if self.can_create:
            urls.append(path("new/", self.create_view, name="create"))
        if self.has_detail:
            urls.append(path("<str:pk>/", self.detail_view, name="detail"))
        if self.can_edit:
            urls.append(path("<str:pk>/edit/", self.edit_view, name="edit"))
        if self.can_delete:
            urls.append(path("<str:pk>/delete/", self.delete_view, name="delete"))
        return urls


def reference_admin_problems(admin: ReferenceAdmin) -> list[str]:
    spec = RESOURCES.get(admin.resource)
    if spec is None:
        return [f"resource {admin.resource!r} is not in quipu.resources.RESOURCES"]
    problems = []
    if admin.filter_form is not None:
        for name in admin.filter_form.base_fields:
            api_name = admin.filter_form.api_names.get(name, name)
            if api_name not in spec.filters:
                problems.append(f"filter {api_name!r} is not offered by /{spec.path}")
    if admin.form_class is not None:
        writable = set(spec.writable) | set(spec.writable_relationships)
        for name in admin.form_class.base_fields:
            if name not in writable:
                problems.append(f"form field {name!r} is not writable on /{spec.path}")
    elif admin.can_create or admin.can_edit:
        problems.append("can_create/can_edit need a form_class")
    return problems


@checks.register()
def check_reference_admins(app_configs=None, **kwargs):
    import_module(settings.ROOT_URLCONF)  # the apps' urls.py register their admins
    errors = []
    for admin in list(REGISTRY.values()):
        if isinstance(admin, ReferenceAdmin):
            for problem in reference_admin_problems(admin):
                errors.append(checks.Error(problem, obj=type(admin).__qualname__, id="resource_admin.E101"))
    return errors
