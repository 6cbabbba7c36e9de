from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SimplifiedInvoicesConfig(AppConfig):
    name = "quipu_portal.simplified_invoices"
    label = "simplified_invoices"
    verbose_name = _("Simplified invoices")
