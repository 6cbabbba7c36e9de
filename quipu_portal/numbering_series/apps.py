from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NumberingSeriesConfig(AppConfig):
    name = "quipu_portal.numbering_series"
    label = "numbering_series"
    verbose_name = _("Numbering series")
