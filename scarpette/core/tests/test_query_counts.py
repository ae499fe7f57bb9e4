"""Every page's query count is constant in the size of the data: a page read with a few rows
around it and with many more makes the same number of queries (no query per row).

For each GET page of the URL × role matrix, the first role that may see it is asked once, then
the data grows — more percorsi in her centre, each questionnaire completed, transmitted to the
INPS office, with a consultation, an application, notes and consents, and more of the same on
the page's own percorso — and the page is asked again.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from scarpette.applications.services import application_start
from scarpette.cases.services import case_add_note, case_open, consent_record
from scarpette.core.tests.test_permission_matrix import MATRIX, ROLES, _kwargs
from scarpette.questionnaire.services import session_complete, session_start
from scarpette.referrals.services import consultation_ask, transmission_send

# The roles tried in turn: the first that gets the page (200) is the one measured.
ORDER = ["operator_a", "referent_a", "inps_specialist", "admin", "tavolo_member"]
PAGES = sorted(
    name
    for name, (method, _key, answers) in MATRIX.items()
    if method == "get" and any(answers.get(role) == 200 for role in ORDER)
)


def screened_and_sent(personas, case) -> None:
    session = session_start(actor=personas.operator_a, case=case, mode="assisted", language="it")
    session_complete(actor=personas.operator_a, session=session)
    for purpose in ("transmission", "consultation"):
        consent_record(actor=personas.operator_a, case=case, purpose=purpose)
    transmission_send(actor=personas.referent_a, case=case, office=personas.inps_office)
    consultation_ask(
        actor=personas.operator_a,
        case=case,
        office=personas.inps_office,
        measures=["naspi"],
        text="Una domanda.",
    )
    application_start(actor=personas.operator_a, case=case, measure="naspi")
    case_add_note(actor=personas.operator_a, case=case, text="Colloquio.")


def grow(personas, case, count: int) -> None:
    for _ in range(count):
        screened_and_sent(personas, case_open(actor=personas.operator_a))
    for _ in range(count):
        case_add_note(actor=personas.operator_a, case=case, text="Altro colloquio.")


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("name", PAGES)
def test_the_query_count_does_not_grow_with_the_data(name, personas, client):
    _method, key, answers = MATRIX[name]
    case = case_open(actor=personas.operator_a)
    screened_and_sent(personas, case)
    url = reverse(name, kwargs=_kwargs(key, personas, case))
    role = next(role for role in ORDER if answers.get(role) == 200)
    client.force_login(personas.all()[role])
    queries(client, url)  # warm: per-process caches (catalogue, form definition) fill once
    few = queries(client, url)
    grow(personas, case, 4)
    many = queries(client, url)
    assert many == few, f"{name} as {role}: {few} queries, then {many} with more rows"


def test_the_pages_measured_cover_every_role_kind():
    assert len(PAGES) > 20
    assert set(ORDER) <= set(ROLES)


def queued_work(personas) -> None:
    """One more of everything the work queues show, on a fresh percorso of centre A."""
    from datetime import timedelta

    from django.utils import timezone

    from scarpette.applications.models import Deadline
    from scarpette.referrals.models import Consultation, Transmission
    from scarpette.referrals.services import consultation_reply, transmission_request_info

    case = case_open(actor=personas.operator_a)
    screened_and_sent(personas, case)
    transmission = Transmission.objects.get(case=case)
    transmission_request_info(
        actor=personas.inps_specialist, transmission=transmission, text="Altro?"
    )
    consultation_reply(
        actor=personas.inps_specialist,
        consultation=Consultation.objects.get(case=case),
        text="Risposta.",
    )
    Deadline.objects.update_or_create(
        case=case,
        measure="naspi",
        kind="apply_by",
        defaults={"due_on": timezone.localdate() + timedelta(days=2)},
    )
    waiting = case_open(actor=personas.operator_a)
    session_start(actor=personas.operator_a, case=waiting, mode="assisted", language="it")
    session_start(actor=personas.operator_a, case=waiting, mode="self", language="it")
    fresh = case_open(actor=personas.operator_a)
    screened_and_sent(personas, fresh)
    session = session_start(actor=personas.operator_a, case=fresh, mode="assisted", language="it")
    session_complete(actor=personas.operator_a, session=session)  # a result not yet transmitted


@pytest.mark.parametrize("role", ["operator_a", "referent_a", "inps_specialist"])
def test_the_dashboards_work_queues_make_a_constant_number_of_queries(role, personas, client):
    """Each role's dashboard (work queues, inbox by status) as its queues grow."""
    queued_work(personas)
    url = reverse("core:dashboard")
    client.force_login(personas.all()[role])
    queries(client, url)
    few = queries(client, url)
    for _ in range(3):
        queued_work(personas)
    many = queries(client, url)
    assert many == few, f"dashboard as {role}: {few} queries, then {many} with more rows"


@pytest.mark.parametrize(
    ("name", "role", "params"),
    [
        (
            "cases:case_list",
            "operator_a",
            {"questionario": "completed", "inps": "info_requested", "scadenza": "7"},
        ),
        ("cases:case_list", "operator_a", {"inps": "none", "questionario": "in_progress"}),
        (
            "referrals:inbox",
            "inps_specialist",
            {"stato": "info_requested", "assegnate": "mine", "misura": "naspi", "ordine": "status"},
        ),
        (
            "referrals:inps_consultations",
            "inps_specialist",
            {"stato": "answered", "assegnate": "mine", "misura": "naspi", "ordine": "newest"},
        ),
    ],
)
def test_the_filtered_lists_make_a_constant_number_of_queries(name, role, params, personas, client):
    """The percorsi list and the INPS lists with their filters on, as the matching rows grow."""
    from urllib.parse import urlencode

    def rows() -> int:
        html = client.get(url).content.decode()
        return (
            html.split("<tbody>")[1].split("</tbody>")[0].count("<tr>") if "<tbody>" in html else 0
        )

    queued_work(personas)
    url = reverse(name) + "?" + urlencode(params)
    client.force_login(personas.all()[role])
    queries(client, url)
    few = queries(client, url)
    before = rows()
    for _ in range(3):
        queued_work(personas)
    many = queries(client, url)
    assert rows() > before > 0, f"{name}: the filters match the queued work"
    assert many == few, f"{name} as {role}: {few} queries, then {many} with more rows"
