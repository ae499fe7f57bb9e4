from django.apps import AppConfig
from django.db.models.signals import post_migrate


class QuestionnaireConfig(AppConfig):
    name = "scarpette.questionnaire"
    label = "questionnaire"

    def ready(self) -> None:
        from scarpette.cases import contributions
        from scarpette.questionnaire import panels
        from scarpette.questionnaire.services import questionnaire_anonymise_case
        from scarpette.questionnaire.subject_access import questionnaire_subject_access

        panels.register()  # its panels on the composed pages (core.panels)
        post_migrate.connect(_import_bundled_form, sender=self)
        contributions.register(
            contributions.Contributor(
                key="questionnaire",
                order=10,
                anonymise=questionnaire_anonymise_case,
                subject_access=questionnaire_subject_access,
            )
        )


def _import_bundled_form(sender, using="default", **kwargs) -> None:
    """After `migrate`: the repository's questionnaire is in the database before any page asks
    for it (a deploy that brings a new form version publishes it here)."""
    from scarpette.questionnaire.services import form_import_bundled

    if using == "default":
        form_import_bundled(audit=False)
