from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AdditionalIncomeConfig(AppConfig):
    name = "quipu_portal.additional_income"
    label = "additional_income"
    verbose_name = _("Additional income")
