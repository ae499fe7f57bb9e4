from django.urls import path

from scarpette.notifications import views

app_name = "notifications"

urlpatterns = [
    path("posta-demo/", views.demo_mail, name="demo_mail"),
    path("notifiche/", views.outbox_problems, name="outbox_problems"),
    path(
        "notifiche/rimetti-in-coda/",
        views.outbox_failed_requeue,
        name="outbox_failed_requeue",
    ),
    path(
        "notifiche/<uuid:public_id>/rimetti-in-coda/",
        views.outbox_message_requeue,
        name="outbox_message_requeue",
    ),
]
