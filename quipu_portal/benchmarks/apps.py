from django.apps import AppConfig


class BenchmarksConfig(AppConfig):
    """The ``benchmark`` command and its scenarios; no models, no pages."""

    name = "quipu_portal.benchmarks"
    label = "benchmarks"
