from django.apps import AppConfig


class ApplicationsConfig(AppConfig):
    name = "scarpette.applications"
    label = "applications"
