from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "scarpette.cases"
    label = "cases"

    def ready(self) -> None:
        from scarpette.cases import panels

        panels.register()  # its panels on the composed pages (core.panels)
