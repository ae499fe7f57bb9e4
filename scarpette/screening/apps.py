from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    """Measures catalogue and rules engine: pure Python and YAML, no models."""

    name = "scarpette.screening"
    label = "screening"
    verbose_name = "Screening"

    def ready(self) -> None:
        from scarpette.screening import panels

        panels.register()  # its panels on the composed pages (core.panels)
