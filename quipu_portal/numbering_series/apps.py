from django.utils.translation import gettext_lazy as _

from quipu_portal.resource_admin import registry


class NumberingSeriesConfig(registry.ResourceAppConfig):
    name = "quipu_portal.numbering_series"
    label = "numbering_series"
    verbose_name = _("Numbering series")
    admin_class = "quipu_portal.numbering_series.resource.NumberingSeriesAdmin"
