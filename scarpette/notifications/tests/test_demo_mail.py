"""The demo's mail viewer: only in demo mode; each user reads only her own mail."""

from __future__ import annotations

import re

import pytest
from django.db import transaction
from django.urls import reverse

from scarpette.notifications.services import notify

URL = "/posta-demo/"
LINK = "http://127.0.0.1:8000/percorsi/"


def test_its_url_is_the_demo_mail_page():
    assert reverse("notifications:demo_mail") == URL


def test_it_does_not_exist_outside_the_demo(client, personas, settings):
    settings.IS_DEMO = False
    client.force_login(personas.operator_a)
    assert client.get(URL).status_code == 404


@pytest.fixture
def demo(settings):
    settings.IS_DEMO = True


def test_it_lists_the_sent_mail_newest_first_in_the_demo(demo, client, personas):
    with transaction.atomic():
        notify(
            key="a",
            to="casella-inps@demo.invalid",
            template="new_transmission",
            context={"link": LINK + "1/"},
        )
    with transaction.atomic():
        notify(
            key="b",
            to="ref.a@example.org",
            template="deadline_reminder",
            context={"link": LINK + "2/"},
        )
    client.force_login(personas.admin)
    response = client.get(URL)
    assert response.status_code == 200
    content = response.content.decode()
    assert "<caption>" in content and '<th scope="col">' in content
    assert content.index("Promemoria") < content.index("Nuova segnalazione")
    assert "casella-inps@demo.invalid" in content and "ref.a@example.org" in content
    assert f'href="{LINK}2/"' in content  # the link can be followed from the page
    assert "In coda" in content
    assert re.search(r"<title>\s*Posta inviata \(demo\)", content)


def test_it_says_so_when_nothing_was_sent(demo, client, personas):
    client.force_login(personas.tavolo_member)
    assert "Nessuna e-mail inviata finora." in client.get(URL).content.decode()


def test_it_sends_anonymous_to_login_and_refuses_posts(demo, client, personas):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    client.force_login(personas.operator_a)
    assert client.post(URL).status_code == 405


def test_each_user_sees_only_her_own_mail(demo, client, personas, settings):
    for key, to in [
        ("inps", settings.INPS_MAILBOX),
        ("ref", personas.referent_a.email),
        ("op", personas.operator_b.email),
    ]:
        with transaction.atomic():
            notify(key=key, to=to, template="inps_reply", context={"link": LINK + key + "/"})

    def recipients(persona):
        client.force_login(persona)
        content = client.get(URL).content.decode()
        return {
            to
            for to in (settings.INPS_MAILBOX, "ref.a@example.org", "op.b@example.org")
            if to in content
        }

    assert recipients(personas.referent_a) == {"ref.a@example.org"}
    assert recipients(personas.operator_b) == {"op.b@example.org"}
    assert recipients(personas.inps_specialist) == {settings.INPS_MAILBOX}
    assert recipients(personas.operator_a) == set()
    assert recipients(personas.admin) == {
        settings.INPS_MAILBOX,
        "ref.a@example.org",
        "op.b@example.org",
    }
