from django.urls import path

from scarpette.accounts import views

app_name = "accounts"

urlpatterns = [
    path("centro/operatrici/", views.centre_staff, name="centre_staff"),
    path("account/<uuid:public_id>/attivo/", views.account_toggle_active, name="account_active"),
    path("amministrazione/account/", views.account_list, name="account_list"),
    path("amministrazione/account/nuovo/", views.account_create, name="account_create"),
    path(
        "amministrazione/account/<uuid:public_id>/ruolo/", views.account_role, name="account_role"
    ),
    path("amministrazione/enti/", views.organisation_list, name="organisation_list"),
    path("amministrazione/enti/nuovo/", views.organisation_edit, name="organisation_create"),
    path(
        "amministrazione/enti/<uuid:public_id>/", views.organisation_edit, name="organisation_edit"
    ),
]
