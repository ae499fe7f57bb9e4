from django.urls import path

from scarpette.core import views

app_name = "core"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("sessione/rinnova/", views.session_renew, name="session_renew"),
    path("salute/", views.health, name="health"),
    path("accessibilita/", views.accessibility, name="accessibility"),
    path("privacy/", views.privacy, name="privacy"),
    path("note-legali/", views.legal, name="legal"),
]
