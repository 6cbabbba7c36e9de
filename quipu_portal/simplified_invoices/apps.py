from django.utils.translation import gettext_lazy as _

from quipu_portal.resource_admin import registry


class SimplifiedInvoicesConfig(registry.ResourceAppConfig):
    name = "quipu_portal.simplified_invoices"
    label = "simplified_invoices"
    verbose_name = _("Simplified invoices")
    admin_class = "quipu_portal.simplified_invoices.resource.SimplifiedInvoiceAdmin"
