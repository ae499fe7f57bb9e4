"""The percorsi list shows, per row, the questionnaire's state, the state at INPS and the next
legal deadline in words, with filters on them that keep across pages; a bad filter value is
named and ignored; only her centre's percorsi are listed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format

from scarpette.applications.models import Deadline
from scarpette.applications.services import application_start
from scarpette.cases.services import case_open, consent_record
from scarpette.questionnaire.services import session_complete, session_start
from scarpette.referrals.models import Transmission
from scarpette.referrals.services import transmission_request_info, transmission_send


def completed(personas, case):
    session = session_start(actor=personas.operator_a, case=case, mode="assisted", language="it")
    session_complete(actor=personas.operator_a, session=session)


def deadline(case, days: int, measure: str = "naspi"):
    Deadline.objects.update_or_create(
        case=case,
        measure=measure,
        kind="apply_by",
        defaults={"due_on": timezone.localdate() + timedelta(days=days)},
    )


def row_of(html: str, code: str) -> str:
    return html.split(code, 1)[1].split("</tr>", 1)[0]


@pytest.fixture
def world(personas):
    """Four percorsi of centre A in four situations, and one of centre B."""
    fresh = case_open(actor=personas.operator_a)
    started = case_open(actor=personas.operator_a)
    session_start(actor=personas.operator_a, case=started, mode="assisted", language="it")
    sent = case_open(actor=personas.operator_a)
    completed(personas, sent)
    consent_record(actor=personas.operator_a, case=sent, purpose="transmission")
    transmission = transmission_send(
        actor=personas.referent_a, case=sent, office=personas.inps_office
    )
    transmission_request_info(
        actor=personas.inps_specialist, transmission=transmission, text="Altro?"
    )
    late = case_open(actor=personas.operator_a)
    completed(personas, late)
    Deadline.objects.filter(case__in=[sent, late]).delete()  # only the deadlines set below
    deadline(sent, 5)
    deadline(late, -2)
    deadline(late, 20, measure="assegno_unico")
    other = case_open(actor=personas.operator_b)
    deadline(other, 3)
    return {"fresh": fresh, "started": started, "sent": sent, "late": late, "other": other}


def test_each_row_says_questionnaire_inps_and_next_deadline(personas, client, world):
    client.force_login(personas.operator_a)

    html = client.get(reverse("cases:case_list")).content.decode()

    fresh, started = row_of(html, world["fresh"].code), row_of(html, world["started"].code)
    sent, late = row_of(html, world["sent"].code), row_of(html, world["late"].code)
    assert "Non iniziato" in fresh and "Non trasmesso" in fresh
    assert "In corso" in started
    assert "Completato" in sent and "Richieste informazioni" in sent
    soon = date_format(timezone.localdate() + timedelta(days=5), "j F Y")
    assert f"NASpI (indennità di disoccupazione): scade tra 5 giorni ({soon})" in sent
    assert "scaduta da 2 giorni" in late  # the soonest not met, although another comes later
    assert world["other"].code not in html  # another centre's percorso is never listed


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"questionario": "not_started"}, {"fresh"}),
        ({"questionario": "in_progress"}, {"started"}),
        ({"questionario": "completed"}, {"sent", "late"}),
        ({"inps": "none"}, {"fresh", "started", "late"}),
        ({"inps": "info_requested"}, {"sent"}),
        ({"scadenza": "7"}, {"sent"}),
        ({"scadenza": "30"}, {"sent"}),
        ({"scadenza": "past"}, {"late"}),
        ({"questionario": "completed", "inps": "none"}, {"late"}),
    ],
)
def test_the_filters_keep_the_matching_percorsi(personas, client, world, params, expected):
    client.force_login(personas.operator_a)

    html = client.get(reverse("cases:case_list"), params).content.decode()

    assert {name for name, case in world.items() if case.code in html} == expected


@pytest.mark.parametrize(
    "params", [{"inps": "nope"}, {"scadenza": "\x00"}, {"questionario": "x" * 500}]
)
def test_a_bad_filter_value_is_named_and_ignored(personas, client, world, params):
    client.force_login(personas.operator_a)

    response = client.get(reverse("cases:case_list"), params)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Valore non valido: il filtro non è stato applicato." in html
    assert all(world[name].code in html for name in ("fresh", "started", "sent", "late"))


def test_pagination_keeps_the_filters(personas, client, settings):
    settings.CASES_PAGE_SIZE = 2
    for _ in range(3):
        case_open(actor=personas.operator_a)
    client.force_login(personas.operator_a)

    html = client.get(reverse("cases:case_list"), {"questionario": "not_started"}).content.decode()

    assert "Pagina 1 di 2" in html
    assert "?questionario=not_started&amp;page=2" in html


def test_the_filters_apply_to_a_lookup_by_surname_too(personas, client, world):
    from scarpette.cases.services import case_update_identity

    for name in ("fresh", "late"):
        case_update_identity(actor=personas.operator_a, case=world[name], data={"surname": "Rossi"})
    client.force_login(personas.operator_a)

    html = client.get(
        reverse("cases:case_list"), {"kind": "surname", "q": "Rossi", "scadenza": "past"}
    ).content.decode()

    assert world["late"].code in html and world["fresh"].code not in html


def test_a_filed_application_meets_its_deadline(personas, client, world):
    from scarpette.applications.models import Application

    application_start(actor=personas.operator_a, case=world["sent"], measure="naspi")
    Application.objects.filter(case=world["sent"]).update(status="submitted")
    client.force_login(personas.operator_a)

    html = client.get(reverse("cases:case_list"), {"scadenza": "7"}).content.decode()

    assert world["sent"].code not in html
    assert Transmission.objects.filter(case=world["sent"]).exists()
