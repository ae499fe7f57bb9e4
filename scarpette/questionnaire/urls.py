from django.urls import path

from scarpette.questionnaire import views

app_name = "questionnaire"

urlpatterns = [
    # Staff (operator-assisted mode, results, hand-over)
    path("percorsi/<uuid:case_id>/questionario/", views.session_start, name="session_start"),
    path("questionario/<uuid:public_id>/", views.session_page, name="session_page"),
    path("questionario/<uuid:public_id>/risultato/", views.session_result, name="session_result"),
    path("questionario/<uuid:public_id>/ricalcola/", views.session_rerun, name="session_rerun"),
    path("questionario/<uuid:public_id>/tablet/", views.session_tablet_code, name="tablet_code"),
    path("questionario/<uuid:public_id>/riepilogo/", views.summary_page, name="summary_page"),
    path(
        "questionario/<uuid:public_id>/riepilogo/anteprima/",
        views.summary_preview,
        name="summary_preview",
    ),
    path("questionario/<uuid:public_id>/riepilogo.pdf", views.summary_pdf, name="summary_pdf"),
    path("questionario/riconsegna/", views.handback, name="handback"),
    # Administrators: form versions
    path("amministrazione/questionario/", views.form_versions, name="form_versions"),
    path(
        "amministrazione/questionario/<uuid:public_id>/xlsx/",
        views.form_version_download,
        name="form_version_download",
    ),
    path(
        "amministrazione/questionario/<uuid:public_id>/pubblica/",
        views.form_version_publish,
        name="form_version_publish",
    ),
    path(
        "amministrazione/questionario/<uuid:public_id>/anteprima/",
        views.form_version_preview,
        name="form_version_preview",
    ),
    path(
        "amministrazione/questionario/<uuid:public_id>/differenze/",
        views.form_version_diff,
        name="form_version_diff",
    ),
    # The woman on the centre tablet: one address, no login, no history
    path("t/", views.tablet, name="tablet"),
    path("t/pausa/", views.tablet_pause, name="tablet_pause"),
    path("t/uscita/", views.tablet_exit, name="tablet_exit"),
]
