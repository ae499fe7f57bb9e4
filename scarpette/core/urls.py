from django.urls import path

from scarpette.core import views

app_name = "core"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("salute/", views.health, name="health"),
]
