from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticCategoriesConfig(AppConfig):
    name = "quipu_portal.analytic_categories"
    label = "analytic_categories"
    verbose_name = _("Analytic categories")
