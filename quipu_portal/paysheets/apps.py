from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaysheetsConfig(AppConfig):
    name = "quipu_portal.paysheets"
    label = "paysheets"
    verbose_name = _("Paysheets")
