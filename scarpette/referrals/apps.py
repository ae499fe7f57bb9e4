from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "scarpette.referrals"
    label = "referrals"

    def ready(self) -> None:
        from scarpette.cases import contributions
        from scarpette.referrals import panels
        from scarpette.referrals.services import (
            referrals_anonymise_case,
            withdraw_on_consent_withdrawal,
        )
        from scarpette.referrals.subject_access import referrals_subject_access

        panels.register()  # its panels on the composed pages (core.panels)
        contributions.register(
            contributions.Contributor(
                key="referrals",
                order=20,
                on_consent_withdrawn=withdraw_on_consent_withdrawal,
                anonymise=referrals_anonymise_case,
                subject_access=referrals_subject_access,
            )
        )
