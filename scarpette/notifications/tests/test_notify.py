"""notify(): written in the caller's transaction, delivered after commit by the task worker, once."""

from __future__ import annotations

import pytest
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from scarpette.notifications import services
from scarpette.notifications.models import OutboxMessage
from scarpette.notifications.services import FORBIDDEN_FRAGMENTS, notify

pytestmark = pytest.mark.django_db

LINK = "http://127.0.0.1:8000/inps/casella/4f1c2a7e-0000-4000-8000-000000000001/"
MAILBOX = "casella-inps@demo.invalid"


def test_it_delivers_one_neutral_message_after_commit_by_the_task_worker(
    smtp_server, run_worker, django_capture_on_commit_callbacks, settings
):
    settings.INPS_MAILBOX = MAILBOX
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        notify(
            key="transmission:abc:sent",
            to=settings.INPS_MAILBOX,
            template="new_transmission",
            context={"link": LINK},
        )
        # Nothing is enqueued before the commit.
        assert DBTaskResult.objects.count() == 0
    assert len(callbacks) == 1
    # After commit the delivery is a task waiting for a worker: nothing has been sent yet.
    task = DBTaskResult.objects.get()
    assert task.task_path == "scarpette.notifications.tasks.deliver"
    assert smtp_server.envelopes == []

    run_worker()

    assert len(smtp_server.envelopes) == 1
    envelope = smtp_server.envelopes[0]
    assert envelope.rcpt_tos == [MAILBOX]
    mail = smtp_server.messages[0]
    assert mail["To"] == MAILBOX
    assert mail["Subject"] == "Nuova segnalazione"
    body = mail.get_content()
    assert "È arrivata una nuova segnalazione nella casella della sede." in body
    assert LINK in body
    message = OutboxMessage.objects.get()
    assert message.status == OutboxMessage.Status.SENT
    assert message.sent_at is not None
    assert message.attempts == 1
    task.refresh_from_db()
    assert task.status == "SUCCESSFUL"


def test_it_sends_nothing_and_keeps_nothing_when_the_transaction_rolls_back(
    smtp_server, run_worker, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError, match="business failure"),
        transaction.atomic(),
    ):
        notify(key="k:1", to=MAILBOX, template="new_transmission", context={"link": LINK})
        raise RuntimeError("business failure")
    assert callbacks == []
    run_worker()
    assert OutboxMessage.objects.count() == 0
    assert DBTaskResult.objects.count() == 0
    assert smtp_server.envelopes == []


def test_it_creates_and_sends_one_message_for_a_repeated_key(
    smtp_server, run_worker, django_capture_on_commit_callbacks
):
    # A double click: two transactions announcing the same event.
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            first = notify(key="k:2", to=MAILBOX, template="inps_reply", context={"link": LINK})
        with transaction.atomic():
            again = notify(key="k:2", to=MAILBOX, template="inps_reply", context={"link": LINK})
    assert [m.pk for m in again] == [m.pk for m in first]
    assert OutboxMessage.objects.count() == 1
    assert len(callbacks) == 1
    run_worker()
    assert len(smtp_server.envelopes) == 1


def test_it_sends_one_message_per_recipient(
    smtp_server, run_worker, django_capture_on_commit_callbacks
):
    recipients = ["ref.a@example.org", "ref.b@example.org", "ref.a@EXAMPLE.org"]
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        messages = notify(key="k:3", to=recipients, template="inps_reply", context={"link": LINK})
    assert sorted(m.recipient for m in messages) == ["ref.a@example.org", "ref.b@example.org"]
    run_worker()
    assert sorted(e.rcpt_tos[0] for e in smtp_server.envelopes) == [
        "ref.a@example.org",
        "ref.b@example.org",
    ]
    for envelope, mail in zip(smtp_server.envelopes, smtp_server.messages, strict=True):
        assert len(envelope.rcpt_tos) == 1
        assert mail["To"] == envelope.rcpt_tos[0]
        assert mail["Cc"] is None and mail["Bcc"] is None
        other = ({"ref.a@example.org", "ref.b@example.org"} - set(envelope.rcpt_tos)).pop()
        assert other not in envelope.content.decode()


@pytest.mark.parametrize("fragment", FORBIDDEN_FRAGMENTS)
def test_it_refuses_a_text_with_a_forbidden_word(fragment, db, monkeypatch):
    word = fragment.upper()
    monkeypatch.setattr(
        services, "render_to_string", lambda name, context: f"Avviso {word}ZA {context['link']}"
    )
    with pytest.raises(ValueError, match="forbidden word"), transaction.atomic():
        notify(key="k:4", to=MAILBOX, template="new_transmission", context={"link": LINK})
    assert OutboxMessage.objects.count() == 0


def test_it_refuses_a_forbidden_word_in_the_link(db):
    with pytest.raises(ValueError, match="forbidden word"), transaction.atomic():
        notify(
            key="k:5",
            to=MAILBOX,
            template="new_transmission",
            context={"link": "https://scarpette-rosse.example.org/x/"},
        )
    assert OutboxMessage.objects.count() == 0


@pytest.mark.parametrize(
    "context",
    [
        {"link": LINK, "name": "Zelda Segreta"},  # anything but a link could carry a name
        {"link": "/relative/"},
        {"link": "javascript:alert(1)"},
        {},
    ],
)
def test_it_refuses_a_context_other_than_an_absolute_link(context, db):
    with pytest.raises(ValueError), transaction.atomic():
        notify(key="k:6", to=MAILBOX, template="new_transmission", context=context)
    assert OutboxMessage.objects.count() == 0


def test_it_refuses_an_unknown_template_or_a_bad_address(db):
    with pytest.raises(ValueError, match="unknown"), transaction.atomic():
        notify(key="k:7", to=MAILBOX, template="welcome", context={"link": LINK})
    with pytest.raises(ValueError, match="recipient"), transaction.atomic():
        notify(key="k:7", to="not an address", template="inps_reply", context={"link": LINK})
    with pytest.raises(ValueError, match="recipient"), transaction.atomic():
        notify(
            key="k:7",
            to=["ok@example.org", "a@b.c\nBcc: x@example.org"],
            template="inps_reply",
            context={"link": LINK},
        )
    assert OutboxMessage.objects.count() == 0


def test_it_must_be_called_inside_the_callers_transaction(transactional_db):
    with pytest.raises(RuntimeError, match="inside the caller's transaction"):
        notify(key="k:8", to=MAILBOX, template="inps_reply", context={"link": LINK})
    assert OutboxMessage.objects.count() == 0
