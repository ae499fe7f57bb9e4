from django.urls import path

from scarpette.cases import consent_views, views

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="case_list"),
    path("nuovo/", views.case_open, name="case_open"),
    path("accessi/", views.centre_access_log, name="centre_access_log"),
    path("accessi/esporta.csv", views.centre_access_log_csv, name="centre_access_log_csv"),
    path("accesso-di-emergenza/", views.break_glass, name="break_glass"),
    path("<uuid:public_id>/", views.case_detail, name="case_detail"),
    path("<uuid:public_id>/mostra-identita/", views.case_reveal, name="case_reveal"),
    path("<uuid:public_id>/identita/", views.case_identity, name="case_identity"),
    path("<uuid:public_id>/stato/", views.case_status, name="case_status"),
    path("<uuid:public_id>/operatrici/", views.case_assign, name="case_assign"),
    path("<uuid:public_id>/note/", views.case_note, name="case_note"),
    path("informativa/<str:version>/", consent_views.notice_page, name="notice"),
    path("<uuid:public_id>/consensi/registra/", consent_views.consent_give, name="consent_give"),
    path(
        "<uuid:public_id>/consensi/revoca/",
        consent_views.consent_withdraw,
        name="consent_withdraw",
    ),
    path("<uuid:public_id>/consensi/modulo/", consent_views.consent_form, name="consent_form"),
    path("<uuid:public_id>/accessi/", views.case_access_log, name="case_access_log"),
    path("<uuid:public_id>/dati-della-persona/", views.subject_access, name="subject_access"),
]
