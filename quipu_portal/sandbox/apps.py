from django.apps import AppConfig


class SandboxConfig(AppConfig):
    name = "quipu_portal.sandbox"
    label = "sandbox"
    verbose_name = "Quipu sandbox"
