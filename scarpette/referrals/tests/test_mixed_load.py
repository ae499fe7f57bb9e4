"""Several centres and INPS at once on PostgreSQL: zero deadlocks, zero errors.

Each worker is a signed-in user with her own test client (and so her own database connection),
doing what she does all day through the real pages: the operators of two centres answer
questionnaire pages and write notes on their own percorsi, the referents transmit and read, the
INPS specialist works her inbox. Before the lock-order fix the questionnaire alone deadlocked
(`FOR UPDATE` with `select_related` locked the one published form version shared by every
session, then waited for the audit chain head).
"""

from __future__ import annotations

import threading
import time
from html.parser import HTMLParser

import pytest
from django.db import connections
from django.test import Client
from django.urls import reverse

from scarpette.accounts.permissions import Role
from scarpette.accounts.testing import make_user
from scarpette.cases.services import case_open, consent_record
from scarpette.questionnaire.services import session_complete, session_start
from scarpette.referrals.models import Transmission
from scarpette.referrals.services import transmission_send

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.postgres_only(reason="row locks need PostgreSQL"),
]

ROUNDS = 12  # rounds per user; 8 users → 528 requests


class _Forms(HTMLParser):
    """The hidden inputs of each POST form of a page, by the form's action."""

    def __init__(self):
        super().__init__()
        self.forms: dict[str, dict[str, list[str]]] = {}
        self._current: dict[str, list[str]] | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self._current = self.forms.setdefault(attrs.get("action") or "", {})
        elif tag == "input" and self._current is not None and attrs.get("type") == "hidden":
            name = attrs.get("name")
            if name and name != "csrfmiddlewaretoken":
                self._current.setdefault(name, []).append(attrs.get("value") or "")

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None


def hidden_fields(client: Client, page: str, action: str) -> dict[str, list[str]]:
    """What the page's form for `action` carries hidden (idempotency keys, versions, page
    index): the test posts as the browser would."""
    response = client.get(page)
    assert response.status_code == 200, (page, response.status_code)
    parser = _Forms()
    parser.feed(response.content.decode())
    return parser.forms.get(action, {})


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def world(personas):
    referent_b = make_user("ref.b@example.org", "Bice Referente", Role.REFERENTE, personas.centre_b)
    operator_a2 = make_user("op.a2@example.org", "Anna Seconda", Role.OPERATRICE, personas.centre_a)
    operator_b2 = make_user(
        "op.b2@example.org", "Bruna Seconda", Role.OPERATRICE, personas.centre_b
    )
    specialist2 = make_user(
        "inps2@example.org", "Iris Consulente", Role.CONSULENTE_INPS, personas.inps_office
    )
    transmitted = []
    for operator, referent in (
        (personas.operator_a, personas.referent_a),
        (personas.operator_b, referent_b),
    ):
        case = case_open(actor=operator)
        session = session_start(actor=operator, case=case, mode="assisted", language="it")
        session_complete(actor=operator, session=session)
        consent_record(actor=referent, case=case, purpose="transmission")
        transmitted.append(
            transmission_send(actor=referent, case=case, office=personas.inps_office)
        )
    return {
        "operators": [personas.operator_a, operator_a2, personas.operator_b, operator_b2],
        "referents": [personas.referent_a, referent_b],
        "specialists": [personas.inps_specialist, specialist2],
        "transmissions": transmitted,
    }


def operator_day(user, counts):
    """New percorsi one after the other: a questionnaire started on each (a new session refers
    to the shared form version), pages answered, a note written."""
    client = login(user)
    for round_no in range(ROUNDS):
        case = case_open(actor=user)
        start = reverse("questionnaire:session_start", kwargs={"case_id": case.public_id})
        fields = hidden_fields(client, start, "")
        fields.update({"mode": "assisted", "language": "it"})
        response = client.post(start, fields)
        counts.extend([200, response.status_code])
        page_url = response["Location"]
        for age in (30, 31):
            fields = hidden_fields(client, page_url, "")
            fields.update({"action": "save", "age": str(age + round_no), "citizenship": "IT"})
            counts.extend([200, client.post(page_url, fields).status_code])
        note_url = reverse("cases:case_note", kwargs={"public_id": case.public_id})
        fields = hidden_fields(
            client, reverse("cases:case_detail", args=[case.public_id]), note_url
        )
        fields["text"] = f"Promemoria {round_no}"
        counts.extend([200, client.post(note_url, fields).status_code])


def referent_day(user, counts):
    """The referent reads her centre's list and percorsi, and the access log."""
    client = login(user)
    for _ in range(ROUNDS):
        counts.append(client.get(reverse("cases:case_list")).status_code)
        counts.append(client.get(reverse("cases:centre_access_log")).status_code)


def specialist_day(user, transmissions, counts):
    """The INPS specialist opens each item of her inbox, takes it and acknowledges it."""
    client = login(user)
    for round_no in range(ROUNDS):
        for transmission in transmissions:
            detail = reverse("referrals:inbox_detail", kwargs={"public_id": transmission.public_id})
            step = "prendi" if round_no % 2 == 0 else "ricevuta"
            action = reverse(
                "referrals:inbox_step", kwargs={"public_id": transmission.public_id, "step": step}
            )
            fields = hidden_fields(client, detail, action)
            counts.append(200)
            counts.append(client.post(action, fields).status_code)


def test_centres_and_inps_at_once_never_deadlock(world):
    jobs = [(operator_day, (user,)) for user in world["operators"]]
    jobs += [(referent_day, (user,)) for user in world["referents"]]
    jobs += [(specialist_day, (user, world["transmissions"])) for user in world["specialists"]]
    barrier = threading.Barrier(len(jobs))
    counts: list[int] = []
    errors: list[str] = []

    def run(job, args):
        try:
            barrier.wait()
            job(*args, counts)
        except Exception as exc:  # noqa: BLE001 (every failure is reported below)
            errors.append(f"{job.__name__}: {type(exc).__name__}: {exc}")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=job) for job in jobs]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    elapsed = time.monotonic() - started
    print(f"\nmixed load: {len(counts)} requests by {len(jobs)} users in {elapsed:.1f} s")
    assert errors == []
    assert all(status < 500 for status in counts)
    assert all(status in (200, 302) for status in counts), sorted(set(counts))
    # 4 operators × 8 per round + 2 referents × 2 + 2 specialists × 2 items × 2
    assert len(counts) == 4 * 8 * ROUNDS + 2 * 2 * ROUNDS + 2 * 2 * 2 * ROUNDS
    assert Transmission.objects.filter(status=Transmission.Status.ACKNOWLEDGED).count() == 2
