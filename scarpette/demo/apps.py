from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Synthetic demo data only (never real people). Depends on every domain app."""

    name = "scarpette.demo"
    label = "demo"
