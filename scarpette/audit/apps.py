from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "scarpette.audit"
    label = "audit"
