from django.apps import AppConfig


class QuestionnaireConfig(AppConfig):
    name = "scarpette.questionnaire"
    label = "questionnaire"

    def ready(self) -> None:
        from scarpette.cases import contributions
        from scarpette.questionnaire import panels
        from scarpette.questionnaire.services import questionnaire_anonymise_case
        from scarpette.questionnaire.subject_access import questionnaire_subject_access

        panels.register()  # its panels on the composed pages (core.panels)
        contributions.register(
            contributions.Contributor(
                key="questionnaire",
                order=10,
                anonymise=questionnaire_anonymise_case,
                subject_access=questionnaire_subject_access,
            )
        )
