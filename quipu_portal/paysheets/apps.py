from django.utils.translation import gettext_lazy as _

from quipu_portal.resource_admin import registry


class PaysheetsConfig(registry.ResourceAppConfig):
    name = "quipu_portal.paysheets"
    label = "paysheets"
    verbose_name = _("Paysheets")
    admin_class = "quipu_portal.paysheets.resource.PaysheetAdmin"
