from django.urls import path

from scarpette.referrals import views

app_name = "referrals"

urlpatterns = [
    # Centre side
    path("percorsi/<uuid:case_id>/inps/", views.case_inps, name="case_inps"),
    path("percorsi/<uuid:case_id>/inps/trasmetti/", views.transmit, name="transmit"),
    path("trasmissioni/<uuid:public_id>/risposta/", views.answer_info, name="answer_info"),
    path(
        "percorsi/<uuid:case_id>/consulenze/", views.case_consultations, name="case_consultations"
    ),
    # Both sides: the consultation thread
    path("consulenze/<uuid:public_id>/", views.consultation_detail, name="consultation_detail"),
    # INPS side
    path("inps/casella/", views.inbox, name="inbox"),
    path("inps/casella/<uuid:public_id>/", views.inbox_detail, name="inbox_detail"),
    path("inps/casella/<uuid:public_id>/<slug:step>/", views.inbox_step, name="inbox_step"),
    path("inps/consulenze/", views.inps_consultations, name="inps_consultations"),
]
