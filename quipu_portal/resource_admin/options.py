"""DocumentAdmin: what a document app declares; the generic views do the rest."""

from dataclasses import dataclass

from django.urls import path
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from quipu_portal.quipu.resources import BOOK_ENTRY_SORTS
from quipu_portal.resource_admin import columns as cols
from quipu_portal.resource_admin import services, views
from quipu_portal.resource_admin.access import counterpart_name
from quipu_portal.resource_admin.base import BaseResourceAdmin
from quipu_portal.resource_admin.display import DOCUMENT_MONEY_FIELDS
from quipu_portal.resource_admin.extensions import LENT_VIEWS
from quipu_portal.resource_admin.filters import ALL_FILTERS
from quipu_portal.resource_admin.forms import VERIFACTU_FIELDS

# Attributes Quipu computes or fills in itself: shown on the page, never sent back.
DOCUMENT_READ_ONLY = (
    "payment_status",
    "stage",
    *DOCUMENT_MONEY_FIELDS,
    "last_sent_at",
)
COUNTERPARTY_FIELDS = ("name", "tax_id", "address", "zip_code", "town", "country_code", "phone")

# How a document is filed: the last fields of every editable document's form.
DOCUMENT_FILING_FIELDS = (
    "accounting_category",
    "accounting_subcategory",
    "numeration",
    "analytic_categories",
    "tags",
    "notes",
)
# A counterparty given by name alone: the issuer of an expense, the recipient of an income.
NAMED_COUNTERPARTY_FIELDS = {"issuing_name": "expenses", "recipient_name": "income"}
# Verifactu covers the documents a company issues; a destination country is a sale's.
VERIFACTU_KIND_FIELDS = dict.fromkeys(VERIFACTU_FIELDS, "income")
SALE_KIND_FIELDS = {"target_country": "income"}


def document_form_fields(
    *counterparty: str, due_dates: bool = False, sale: tuple[str, ...] = (), verifactu: bool = False
) -> tuple[str, ...]:
    """A document form in page order: kind, number, dates and payment, the counterparty and the
    ``sale``'s own fields (a destination country), Verifactu's codes, the filing."""
    dates = ("issue_date", "due_dates") if due_dates else ("issue_date",)
    codes = VERIFACTU_FIELDS if verifactu else ()
    return (
        "kind",
        "number",
        *dates,
        "paid_at",
        "payment_method",
        *counterparty,
        *sale,
        *codes,
        *DOCUMENT_FILING_FIELDS,
    )


@dataclass(frozen=True)
class RowAction:
    """A link offered on each row and on the detail page, e.g. "Issue a credit note"."""

    label: str | Promise
    url_name: str
    css: str = "button-secondary"


@dataclass(frozen=True)
class BulkButton:
    """A button in the list's bulk bar that posts the selection to another app's view (e.g. PDF bundles).

    ``url_name`` is reversed with the list's namespace as its one argument. The view receives ``ids``
    (ticked rows), ``select_across`` ("1": every document matching the filter), ``query`` (the list's
    query string) and ``namespace``.
    """

    label: str | Promise
    url_name: str


class DocumentAdmin(BaseResourceAdmin):
    """A document resource (invoices, tickets, paysheets…): listed through /book_entries, with lines,
    attachments, a PDF, credit notes and bulk actions, each switched off where the resource lacks it."""

    # Lists go through /book_entries with filter[type]: filters and sorts are documented there by every source.
    list_resource: str = "book_entries"
    # Their filter[type]: the namespace unless declared; None lists every type.
    list_type: str | None = ""
    # What one document is called on its pages ("Invoice F-1") and in a list of every type.
    document_label: str | Promise = ""
    columns: tuple[cols.Column, ...] = cols.DOCUMENT_COLUMNS
    list_filters: tuple[str, ...] = tuple(name for name in ALL_FILTERS if name != "type")
    # Every document list sorts as /book_entries does.
    sorts: tuple[str, ...] = BOOK_ENTRY_SORTS
    default_sort: tuple[str, ...] = ("-issue_date",)
    money_fields: tuple[str, ...] = DOCUMENT_MONEY_FIELDS

    # Forms: which fields, which of them are required, which attributes are only ever shown.
    form_fields: tuple[str, ...] = ()
    # Fields writable for one kind only (READ ONLY for the other, so never sent for it).
    kind_fields: dict[str, str] = {}
    required_fields: tuple[str, ...] = ("kind", "issue_date")
    readonly_fields: tuple[str, ...] = DOCUMENT_READ_ONLY
    create_initial: dict = {}
    has_items: bool = True
    item_categories: bool = True
    relations: tuple[str, ...] = ("contact", "accounting_category", "accounting_subcategory", "numeration")

    # What can be done besides create, edit and delete.
    has_attachments: bool = True
    # Quipu serves PDFs of income invoices and simplified invoices only.
    has_pdf: bool = True
    row_actions: tuple[RowAction, ...] = ()
    bulk_actions: tuple[str, ...] = ("delete",)
    # Credit notes (amending documents) from a document's page. The relationship a credit note sets,
    # and the one listing them on the original, follow Quipu's naming: amended_invoice, amending_invoices.
    credit_notes: bool = False
    amended_relation: str | None = None
    amending_relation: str | None = None
    # The "New …" buttons on the list: one per kind the resource can be created with.
    create_kinds: tuple[str, ...] = ("income", "expenses")

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.list_type == "":
            cls.list_type = cls.namespace
        if cls.credit_notes and not cls.amended_relation:
            cls.amended_relation = f"amended_{cls.resource.removesuffix('s')}"
            cls.amending_relation = f"amending_{cls.resource}"

    def record_get(self, *, client, record_id: str):
        return services.document_get(client=client, admin=self, document_id=record_id)

    def record_label(self, record) -> str:
        return services.document_label(admin=self, record=record)

    def record_delete(self, *, client, record, user, connection) -> None:
        services.document_delete(
            client=client, admin=self, document_id=record.id, record=record, user=user, connection=connection
        )

    def refusal_explanation(self, record) -> str:
        return services.document_refusal_explanation(record)

    def delete_details(self, record) -> dict:
        """What identifies the document besides its label."""
        return {"counterpart": counterpart_name(record)}

    def list_view(self, request):
        return views.resource_list(request, admin=self)

    def detail_view(self, request, pk):
        return views.resource_detail(request, pk, admin=self)

    def create_view(self, request):
        return views.resource_create(request, admin=self)

    def edit_view(self, request, pk):
        return views.resource_edit(request, pk, admin=self)

    def amend_view(self, request, pk):
        return views.resource_amend(request, pk, admin=self)

    def bulk_view(self, request):
        return LENT_VIEWS["bulk"](request, admin=self)

    def bulk_delete_view(self, request, job_id):
        return LENT_VIEWS["bulk-delete"](request, job_id, admin=self)

    def subcategories_view(self, request):
        return views.subcategory_options(request, admin=self)

    def attachments_view(self, request, pk):
        return views.attachment_upload(request, pk, admin=self)

    def attachment_delete_view(self, request, pk, attachment_id):
        return views.attachment_delete(request, pk, attachment_id, admin=self)

    def attachment_file_view(self, request, pk, attachment_id):
        return views.attachment_file(request, pk, attachment_id, admin=self)

    @property
    def create_links(self) -> list[dict]:
        labels = {"income": _("New income"), "expenses": _("New expense")}
        if not self.create_kinds:
            return [{"label": _("New"), "query": ""}]
        return [{"label": labels[kind], "query": f"?kind={kind}"} for kind in self.create_kinds]

    def fields_for(self, kind: str | None) -> tuple[str, ...]:
        return tuple(
            name
            for name in self.form_fields
            if name not in self.kind_fields or self.kind_fields[name] == kind
        )

    @property
    def has_bulk(self) -> bool:
        return bool(self.bulk_buttons) or (self.can_delete and "delete" in self.bulk_actions)

    def get_urls(self) -> list:
        urls = super().get_urls()
        if self.can_create or self.can_edit or self.amended_relation:
            urls.append(path("subcategories/options/", self.subcategories_view, name="subcategories"))
        if self.can_delete and LENT_VIEWS:
            urls.append(path("bulk/", self.bulk_view, name="bulk"))
            urls.append(path("bulk/<int:job_id>/", self.bulk_delete_view, name="bulk-delete"))
        if self.amended_relation:
            urls.append(path("<str:pk>/amend/", self.amend_view, name="amend"))
        if self.has_attachments:
            urls.append(path("<str:pk>/attachments/", self.attachments_view, name="attachments"))
            urls.append(
                path(
                    "<str:pk>/attachments/<str:attachment_id>/",
                    self.attachment_file_view,
                    name="attachment-file",
                )
            )
            urls.append(
                path(
                    "<str:pk>/attachments/<str:attachment_id>/delete/",
                    self.attachment_delete_view,
                    name="attachment-delete",
                )
            )
        # Fixed paths before the <pk> catch-alls.
        return sorted(urls, key=lambda pattern: "<" in str(pattern.pattern))
