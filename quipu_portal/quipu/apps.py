from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QuipuConfig(AppConfig):
    name = "quipu_portal.quipu"
    label = "quipu"
    verbose_name = _("Quipu API client")
