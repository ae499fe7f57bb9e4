from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "scarpette.accounts"
    label = "accounts"

    def ready(self) -> None:
        from scarpette.accounts import panels

        panels.register()  # its panels on the composed pages (core.panels)

        from scarpette.accounts import signals  # noqa: F401  (login events go to the audit log)
