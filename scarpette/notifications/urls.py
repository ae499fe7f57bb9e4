from django.urls import path

from scarpette.notifications import views

app_name = "notifications"

urlpatterns = [
    path("posta-demo/", views.demo_mail, name="demo_mail"),
]
