from django.urls import path

from scarpette.core import views

app_name = "core"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
]
