from django.urls import path

from scarpette.screening import views

app_name = "screening"

urlpatterns = [
    path("", views.measure_list, name="measure_list"),
    path("<slug:measure_id>/", views.measure_detail, name="measure_detail"),
]
