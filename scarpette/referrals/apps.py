from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "scarpette.referrals"
    label = "referrals"

    def ready(self):
        from scarpette.cases.services import CONSENT_WITHDRAWAL_HOOKS
        from scarpette.referrals.services import withdraw_on_consent_withdrawal

        if withdraw_on_consent_withdrawal not in CONSENT_WITHDRAWAL_HOOKS:
            CONSENT_WITHDRAWAL_HOOKS.append(withdraw_on_consent_withdrawal)
