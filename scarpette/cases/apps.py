from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "scarpette.cases"
    label = "cases"
