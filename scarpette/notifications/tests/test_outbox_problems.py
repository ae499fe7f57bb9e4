"""The administrator's page of failed and late e-mails, its re-queue actions and the dashboard count."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.template.defaultfilters import date as date_filter
from django.urls import reverse
from django.utils import timezone, translation

from scarpette.audit.models import AuditEvent
from scarpette.notifications.models import OutboxMessage

pytestmark = pytest.mark.django_db

PAGE = reverse("notifications:outbox_problems")
ALL = reverse("notifications:outbox_failed_requeue")


def _message(key: str, status: str, *, minutes_ago: int = 0, **fields) -> OutboxMessage:
    queued = timezone.now() - timedelta(minutes=minutes_ago)
    return OutboxMessage.objects.create(
        key=key,
        template="inps_reply",
        recipient=fields.pop("recipient", "chiara.referente@demo.invalid"),
        subject="Novità sulla piattaforma",
        body="C'è una novità: http://127.0.0.1:8000/x/\n",
        status=status,
        queued_at=queued,
        next_attempt_at=queued + timedelta(hours=1),
        **fields,
    )


def _one(key: str) -> str:
    return reverse(
        "notifications:outbox_message_requeue",
        kwargs={"public_id": OutboxMessage.objects.get(key=key).public_id},
    )


@pytest.fixture
def problems(db):
    failed = _message(
        "f", "failed", minutes_ago=3000, attempts=52, last_error="SMTPServerDisconnected"
    )
    late = _message("l", "queued", minutes_ago=40, attempts=3, last_error="ConnectionRefusedError")
    _message("fresh", "queued", minutes_ago=2)  # just queued: neither failed nor late
    _message("ok", "sent", minutes_ago=3000, sent_at=timezone.now())
    return failed, late


def test_the_administrator_sees_failed_and_late_mail_in_words_without_addresses_or_text(
    client, personas, problems
):
    client.force_login(personas.admin)
    response = client.get(PAGE)
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("c***@demo.invalid") == 2  # the failed and the late one, masked
    assert "chiara.referente" not in page
    assert "Novità sulla piattaforma" not in page and "127.0.0.1:8000/x/" not in page
    assert "Risposta di INPS al centro" in page and "inps_reply" not in page
    assert "Non riuscito" in page and "In ritardo" in page
    assert "SMTPServerDisconnected" in page and "ConnectionRefusedError" in page
    assert ">52<" in page
    # Italian dates, and one re-queue button: only the failed message can be re-queued.
    with translation.override("it"):
        assert date_filter(timezone.localtime(problems[1].queued_at), "j F Y H:i") in page
    assert page.count("Rimetti in coda</button>") == 1
    assert "Rimetti in coda tutte le non riuscite" in page


def test_the_page_says_when_nothing_is_wrong(client, personas):
    _message("ok", "sent", sent_at=timezone.now())
    client.force_login(personas.admin)
    page = client.get(PAGE).content.decode()
    assert "la posta esce regolarmente" in page
    assert "Rimetti in coda" not in page


@pytest.mark.parametrize("role", ["operator_a", "referent_a", "inps_specialist", "tavolo_member"])
def test_other_roles_are_refused(client, personas, problems, role):
    client.force_login(personas.all()[role])
    assert client.get(PAGE).status_code == 403
    assert client.post(_one("f")).status_code == 403
    assert client.post(ALL).status_code == 403
    assert OutboxMessage.objects.get(key="f").status == "failed"
    assert not AuditEvent.objects.filter(action__startswith="notifications.").exists()


def test_anonymous_is_sent_to_login(client, problems):
    response = client.get(PAGE)
    assert response.status_code == 302 and response.url.startswith(reverse("account_login"))


def test_requeue_is_post_only(client, personas, problems):
    client.force_login(personas.admin)
    assert client.get(_one("f")).status_code == 405
    assert client.get(ALL).status_code == 405
    assert client.post(PAGE).status_code == 405


def test_requeue_one_puts_it_back_with_a_fresh_period_audited_and_idempotent(
    client, personas, problems, django_capture_on_commit_callbacks
):
    client.force_login(personas.admin)
    url = _one("f")
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(url, follow=True)
    assert "di nuovo in coda" in response.content.decode()
    assert len(callbacks) == 1  # its delivery is enqueued after commit
    message = OutboxMessage.objects.get(key="f")
    assert (message.status, message.attempts) == ("queued", 0)
    assert timezone.now() - message.queued_at < timedelta(minutes=1)
    event = AuditEvent.objects.get(action="notifications.message.requeued")
    assert event.object_id == str(message.public_id)
    assert event.actor_id == personas.admin.pk and event.detail == {"attempts": 52}

    again = client.post(url, follow=True)
    assert "non era più tra quelle non riuscite" in again.content.decode()
    assert AuditEvent.objects.filter(action="notifications.message.requeued").count() == 1


def test_requeue_of_an_unknown_message_is_404(client, personas):
    client.force_login(personas.admin)
    url = reverse(
        "notifications:outbox_message_requeue",
        kwargs={"public_id": "00000000-0000-4000-8000-000000000000"},
    )
    assert client.post(url).status_code == 404


def test_requeue_all_failed_is_audited_once_with_the_count(client, personas, problems):
    _message("f2", "failed", minutes_ago=3000, recipient="other@demo.invalid")
    client.force_login(personas.admin)
    response = client.post(ALL, follow=True)
    assert "2 e-mail sono di nuovo in coda." in response.content.decode()
    assert not OutboxMessage.objects.filter(status="failed").exists()
    assert OutboxMessage.objects.get(key="l").attempts == 3  # a late one is left as it is
    event = AuditEvent.objects.get(action="notifications.outbox.requeued")
    assert event.detail == {"count": 2} and event.actor_id == personas.admin.pk

    again = client.post(ALL, follow=True)
    assert "Nessuna e-mail non riuscita da rimettere in coda." in again.content.decode()
    assert AuditEvent.objects.filter(action="notifications.outbox.requeued").count() == 1


def test_the_administrator_dashboard_counts_failed_and_late_mail(client, personas, problems):
    client.force_login(personas.admin)
    page = client.get(reverse("core:dashboard")).content.decode()
    assert "e-mail non riuscite o in ritardo" in page
    assert '<span class="figure">2</span>' in page
    assert PAGE in page
    client.force_login(personas.operator_a)
    assert (
        "e-mail non riuscite o in ritardo"
        not in client.get(reverse("core:dashboard")).content.decode()
    )
