from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "scarpette.referrals"
    label = "referrals"
