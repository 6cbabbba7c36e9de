from django.utils.translation import gettext_lazy as _

from quipu_portal.resource_admin import registry


class AnalyticCategoriesConfig(registry.ResourceAppConfig):
    name = "quipu_portal.analytic_categories"
    label = "analytic_categories"
    verbose_name = _("Analytic categories")
    admin_class = "quipu_portal.analytic_categories.resource.AnalyticCategoryAdmin"
