from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "scarpette.core"
    label = "core"
