from django.conf import settings
from django.urls import include, path
from django.views.i18n import set_language

from scarpette.core import views as core_views
from scarpette.core.access import public

urlpatterns = [
    path(
        "accounts/logout/",
        public("signing out needs no permission")(core_views.ClearingLogoutView.as_view()),
        name="account_logout",
    ),
    path("accounts/", include("allauth.urls")),
    path(
        "lingua/",
        public("the login page offers the language too")(set_language),
        name="set_language",
    ),
    path("percorsi/", include("scarpette.cases.urls")),
    path("misure/", include("scarpette.screening.urls")),
    path("", include("scarpette.questionnaire.urls")),
    path("", include("scarpette.referrals.urls")),
    path("", include("scarpette.applications.urls")),
    path("", include("scarpette.notifications.urls")),
    path("", include("scarpette.accounts.urls")),
    path("", include("scarpette.core.urls")),
]

if settings.BENCHMARK_BARE_VIEW:
    # The load benchmark's reference: only in its URL table when BENCHMARK_BARE_VIEW is set.
    urlpatterns.insert(
        0, path("banco-di-prova/vuota/", core_views.benchmark_bare, name="benchmark_bare")
    )

handler400 = "scarpette.core.views.error_400"
handler403 = "scarpette.core.views.error_403"
handler404 = "scarpette.core.views.error_404"
handler500 = "scarpette.core.views.error_500"
# allauth's rate limits answer through this handler when it exists (else a bare English page).
handler429 = "scarpette.core.views.error_429"
