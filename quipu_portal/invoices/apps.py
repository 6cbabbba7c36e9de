from django.utils.translation import gettext_lazy as _

from quipu_portal.resource_admin import registry


class InvoicesConfig(registry.ResourceAppConfig):
    name = "quipu_portal.invoices"
    label = "invoices"
    verbose_name = _("Invoices")
    admin_class = "quipu_portal.invoices.resource.InvoiceAdmin"
