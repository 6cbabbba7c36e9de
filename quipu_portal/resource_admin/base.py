"""BaseResourceAdmin: what every resource declaration has, documents (`options.DocumentAdmin`) and
reference data (`reference.ReferenceAdmin`) alike: names, a list, what can be done, the delete page."""

from django.urls import path
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from quipu_portal.resource_admin import columns as cols
from quipu_portal.resource_admin.views.delete import resource_delete


class BaseResourceAdmin:
    # Which API resource, and the URL namespace of its pages (the resource's name unless declared).
    resource: str = ""
    namespace: str = ""
    verbose_name: str | Promise = ""
    verbose_name_plural: str | Promise = ""

    # The list: its columns and the sorts Quipu offers for it.
    columns: tuple[cols.Column, ...] = ()
    sorts: tuple[str, ...] = ()
    default_sort: tuple[str, ...] = ()
    # Buttons in the list's bulk bar that post the selection to another app (see options.BulkButton).
    bulk_buttons: tuple = ()

    # What can be done.
    has_detail: bool = True
    can_create: bool = True
    can_edit: bool = True
    can_delete: bool = True

    # How the detail page names an attribute, and which attributes are amounts of money.
    field_labels: dict = {}
    money_fields: tuple[str, ...] = ()

    # A sentence shown on every page of the resource (tickets are deprecated by Quipu).
    notice: str | Promise | None = None
    # What the delete page says once Quipu has deleted the record.
    deleted_message: str | Promise = _("%(name)s deleted.")
    # Where the generic templates are, behind the resource's own `<namespace>/<page>.html`.
    template_dir: str = "resource_admin"

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if not cls.namespace:
            cls.namespace = cls.resource

    @property
    def list_resource(self) -> str:
        return self.resource

    @property
    def create_links(self) -> list[dict]:
        """The "New …" buttons on the list."""
        return [{"label": _("New %(name)s") % {"name": self.verbose_name}, "query": ""}]

    @property
    def has_bulk(self) -> bool:
        return bool(self.bulk_buttons)

    @property
    def read_only(self) -> bool:
        return not (self.can_create or self.can_edit or self.can_delete)

    def template_names(self, page: str) -> list[str]:
        """The resource's own template if it has one, else the generic one."""
        return [f"{self.namespace}/{page}.html", f"{self.template_dir}/{page}.html"]

    # Records: how the shared pages (delete) read, name, delete and explain them.
    def record_get(self, *, client, record_id: str):
        raise NotImplementedError

    def record_label(self, record) -> str:
        raise NotImplementedError

    def record_delete(self, *, client, record, user, connection) -> None:
        raise NotImplementedError

    def refusal_explanation(self, record) -> str:
        """Why Quipu may have refused to delete this record, in plain words."""
        return ""

    def delete_details(self, record) -> dict:
        """More for the delete page, besides the record's label."""
        return {}

    # Views: a resource may replace one (escape hatch).
    def list_view(self, request):
        raise NotImplementedError

    def detail_view(self, request, pk):
        raise NotImplementedError

    def create_view(self, request):
        raise NotImplementedError

    def edit_view(self, request, pk):
        raise NotImplementedError

    def delete_view(self, request, pk):
        return resource_delete(request, pk, admin=self)

    def record_urls(self) -> list:
        """Create, detail, edit and delete, as far as the declaration allows them."""
        urls = []
        if self.can_create:
            urls.append(path("new/", self.create_view, name="create"))
        if self.has_detail:
            urls.append(path("<str:pk>/", self.detail_view, name="detail"))
        if self.can_edit:
            urls.append(path("<str:pk>/edit/", self.edit_view, name="edit"))
        if self.can_delete:
            urls.append(path("<str:pk>/delete/", self.delete_view, name="delete"))
        return urls

    def get_urls(self) -> list:
        return [path("", self.list_view, name="list"), *self.record_urls()]

    @property
    def urls(self) -> list:
        return self.get_urls()
