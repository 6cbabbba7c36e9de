from django.utils.translation import gettext_lazy as _

from quipu_portal.resource_admin import registry


class AdditionalIncomeConfig(registry.ResourceAppConfig):
    name = "quipu_portal.additional_income"
    label = "additional_income"
    verbose_name = _("Additional income")
    admin_class = "quipu_portal.additional_income.resource.AdditionalIncomeAdmin"
