from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "scarpette.notifications"
    label = "notifications"
