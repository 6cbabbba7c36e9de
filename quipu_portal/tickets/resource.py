from django.utils.translation import gettext_lazy as _

from quipu_portal.bulk_categories.actions import CHANGE_CATEGORIES
from quipu_portal.resource_admin.options import NAMED_COUNTERPARTY_FIELDS, DocumentAdmin, document_form_fields


class TicketAdmin(DocumentAdmin):
    resource = "tickets"
    verbose_name = _("ticket")
    verbose_name_plural = _("tickets")
    document_label = _("Ticket")
    bulk_buttons = (CHANGE_CATEGORIES,)
    notice = _(
        "Quipu has deprecated tickets. They stay browsable and editable here, but record new documents "
        "as simplified invoices (sales receipts) or additional income instead."
    )
    form_fields = document_form_fields("issuing_name", "recipient_name", "contact")
    kind_fields = NAMED_COUNTERPARTY_FIELDS
    # Only invoice, simplified invoice and additional income lines take their own categories.
    item_categories = False
    has_attachments = False
    has_pdf = False
    credit_notes = True
