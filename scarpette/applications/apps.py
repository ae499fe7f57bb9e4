from django.apps import AppConfig


class ApplicationsConfig(AppConfig):
    name = "scarpette.applications"
    label = "applications"

    def ready(self) -> None:
        from scarpette.applications import panels
        from scarpette.applications.services import (
            applications_anonymise_case,
            deadlines_on_screening_saved,
        )
        from scarpette.applications.subject_access import applications_subject_access
        from scarpette.cases import contributions
        from scarpette.questionnaire.signals import screening_saved

        # The legal deadlines follow each new screening run, in its transaction.
        screening_saved.connect(deadlines_on_screening_saved, dispatch_uid="applications.deadlines")
        panels.register()  # its panels on the composed pages (core.panels)
        contributions.register(
            contributions.Contributor(
                key="applications",
                order=30,
                anonymise=applications_anonymise_case,
                subject_access=applications_subject_access,
            )
        )
