from django.urls import path

from scarpette.applications import views

app_name = "applications"

urlpatterns = [
    path("percorsi/<uuid:case_id>/domande/", views.application_list, name="application_list"),
    path("domande/<uuid:public_id>/", views.application_detail, name="application_detail"),
]
