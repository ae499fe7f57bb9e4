from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "scarpette.notifications"
    label = "notifications"

    def ready(self) -> None:
        from scarpette.notifications import panels

        panels.register()  # its panels on the composed pages (core.panels)
