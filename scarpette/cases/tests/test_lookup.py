"""Finding a woman's percorso by exact tax code or surname: blind, scoped to her centre, audited."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.urls import reverse

from scarpette.audit.models import AuditEvent
from scarpette.cases.indexes import normalise_surname, surname_index, tax_code_index
from scarpette.cases.lookup import case_lookup
from scarpette.cases.models import Case, CaseIdentity
from scarpette.cases.selectors import case_list_for_user
from scarpette.cases.services import case_open, case_set_status, case_update_identity

TAX_CODE = "BNCLRA85C45H501Z"
OTHER_TAX_CODE = "DNGMRA90E50F839J"
SURNAME = "D'Angelo"


@pytest.fixture
def found(personas):
    """Centre A's percorso of Laura D'Angelo, and another of centre A without an identity."""
    case = case_open(actor=personas.operator_a)
    case_update_identity(
        actor=personas.operator_a,
        case=case,
        data={"full_name": "Laura D'Angelo", "surname": SURNAME, "tax_code": TAX_CODE},
    )
    case_open(actor=personas.operator_a)
    return case


def lookup_events():
    return AuditEvent.objects.filter(action="cases.lookup.searched")


# Normalisation ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "written",
    ["D'Angelo", "d angelo", "DANGELO", "d’Àngelo", "D-Angelo", " d'angelo ", "Dàngelo"],
)
def test_the_ways_of_writing_a_surname_are_one(written):
    assert normalise_surname(written) == "dangelo"
    assert surname_index(written) == surname_index("D'Angelo")


def test_different_surnames_have_different_indexes():
    assert surname_index("De Luca") != surname_index("Luca")
    assert surname_index("") == ""
    assert surname_index(" '- ") == ""


def test_the_tax_code_index_ignores_case_and_spaces():
    assert tax_code_index("bnclra 85c45 h501z") == tax_code_index(TAX_CODE) != ""


# The lookup ---------------------------------------------------------------------------------


@pytest.mark.parametrize("written", [TAX_CODE, "bnclra85c45h501z", " BNC LRA 85C45 H501Z "])
def test_she_is_found_by_her_tax_code_however_written(personas, found, written):
    assert list(case_lookup(actor=personas.operator_a, kind="tax_code", value=written)) == [found]


@pytest.mark.parametrize("written", ["D'Angelo", "d angelo", "DANGELO", "d’àngelo"])
def test_she_is_found_by_her_surname_however_written(personas, found, written):
    assert list(case_lookup(actor=personas.operator_a, kind="surname", value=written)) == [found]


@pytest.mark.parametrize(("kind", "value"), [("surname", "Angelo"), ("surname", "D'Ang")])
def test_a_part_of_the_surname_finds_nothing(personas, found, kind, value):
    assert list(case_lookup(actor=personas.operator_a, kind=kind, value=value)) == []


def test_a_tax_code_nobody_has_finds_nothing(personas, found):
    assert list(case_lookup(actor=personas.operator_a, kind="tax_code", value=OTHER_TAX_CODE)) == []


def test_another_centres_woman_is_never_found(personas, found):
    for kind, value in (("tax_code", TAX_CODE), ("surname", SURNAME)):
        assert list(case_lookup(actor=personas.operator_b, kind=kind, value=value)) == []
        assert list(case_list_for_user(user=personas.operator_b, query=value, kind=kind)) == []


def test_an_invalid_tax_code_is_refused_and_not_audited(personas, found):
    with pytest.raises(ValidationError):
        case_lookup(actor=personas.operator_a, kind="tax_code", value="BNCLRA85C45H501A")
    with pytest.raises(ValidationError):
        case_lookup(actor=personas.operator_a, kind="tax_code", value="BNCLRA")
    assert not lookup_events().exists()


@pytest.mark.parametrize("persona", ["inps_specialist", "tavolo_member", "admin"])
def test_roles_without_case_view_cannot_look_up(personas, found, persona):
    with pytest.raises(PermissionDenied):
        case_lookup(actor=getattr(personas, persona), kind="surname", value=SURNAME)


def test_the_list_filters_still_apply(personas, found):
    case_set_status(actor=personas.operator_a, case=found, status=Case.Status.SUSPENDED)
    by = {"actor": personas.operator_a, "kind": "surname", "value": SURNAME}
    assert list(case_lookup(**by, status="suspended")) == [found]
    assert list(case_lookup(**by, status="open")) == []
    assert list(case_lookup(**by, mine=True)) == [found]
    assert list(case_lookup(**{**by, "actor": personas.referent_a}, mine=True)) == []


def test_each_lookup_is_audited_without_the_searched_value(personas, found):
    case_lookup(actor=personas.operator_a, kind="tax_code", value=TAX_CODE.lower())
    case_lookup(actor=personas.operator_a, kind="surname", value="Nessuno")
    events = list(lookup_events().order_by("id"))
    assert [e.detail for e in events] == [
        {"kind": "tax_code", "results": 1},
        {"kind": "surname", "results": 0},
    ]
    for event in events:
        assert event.actor_id == personas.operator_a.pk
        assert event.organisation_id == personas.centre_a.pk
        assert event.object_type == "cases.lookup"
        stored = " ".join(
            str(v) for v in AuditEvent.objects.filter(pk=event.pk).values().get().values()
        )
        for secret in (TAX_CODE, TAX_CODE.lower(), "Nessuno", tax_code_index(TAX_CODE)):
            assert secret not in stored
    assert str(events[0].action_label) == "Ricerca di un percorso per codice fiscale o cognome"


# What is stored -----------------------------------------------------------------------------


def raw(identity: CaseIdentity, column: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM cases_caseidentity WHERE id = %s", [identity.pk])  # noqa: S608
        return cursor.fetchone()[0]


def test_the_surname_is_encrypted_and_only_its_hmac_is_indexed(found):
    identity = CaseIdentity.objects.get(case=found)
    assert identity.surname == SURNAME
    assert "Angelo" not in raw(identity, "surname")
    assert raw(identity, "surname_index") == surname_index(SURNAME)
    assert len(identity.surname_index) == 64 and "angelo" not in identity.surname_index


def test_clearing_the_surname_clears_its_index(personas, found):
    case_update_identity(actor=personas.operator_a, case=found, data={"surname": ""})
    identity = CaseIdentity.objects.get(case=found)
    assert identity.surname == "" and identity.surname_index == ""
    assert list(case_lookup(actor=personas.operator_a, kind="surname", value=SURNAME)) == []


def test_the_backfill_indexes_the_identities_stored_before(personas):
    migration = importlib.import_module("scarpette.cases.migrations.0006_backfill_identity_indexes")
    two_words, longer = case_open(actor=personas.operator_a), case_open(actor=personas.operator_a)
    case_update_identity(
        actor=personas.operator_a,
        case=two_words,
        data={"full_name": "Maria Rossi", "tax_code": TAX_CODE},
    )
    case_update_identity(
        actor=personas.operator_a, case=longer, data={"full_name": "Maria Grazia De Luca"}
    )
    # As they were before the surname existed: no surname, no surname index, no tax code index.
    CaseIdentity.objects.update(surname="", surname_index="", tax_code_index="")

    migration.backfill(apps, None)

    first = CaseIdentity.objects.get(case=two_words)
    assert (first.surname, first.surname_index) == ("Rossi", surname_index("Rossi"))
    assert first.tax_code_index == tax_code_index(TAX_CODE)
    second = CaseIdentity.objects.get(case=longer)
    assert (second.surname, second.surname_index) == ("", "")  # never guessed
    assert second.full_name == "Maria Grazia De Luca"
    assert list(case_lookup(actor=personas.operator_a, kind="surname", value="ROSSI")) == [
        two_words
    ]


# The page -----------------------------------------------------------------------------------


def list_url(**params) -> str:
    from urllib.parse import urlencode

    return reverse("cases:case_list") + "?" + urlencode(params)


@pytest.mark.parametrize(
    ("kind", "value"), [("tax_code", "bnclra85c45h501z"), ("surname", "d angelo")]
)
def test_the_operator_finds_her_on_the_list(personas, found, client, kind, value):
    client.force_login(personas.operator_a)
    response = client.get(list_url(kind=kind, q=value))
    assert response.status_code == 200
    page = response.content.decode()
    assert found.code in page
    assert "Angelo" not in page and "Laura" not in page  # codes and statuses only
    assert Case.objects.exclude(pk=found.pk).get().code not in page
    assert lookup_events().get().detail == {"kind": kind, "results": 1}


def test_an_invalid_tax_code_is_a_field_error(personas, found, client):
    client.force_login(personas.operator_a)
    response = client.get(list_url(kind="tax_code", q="BNCLRA85C45H501A"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Il codice fiscale non è valido: controlla le 16 lettere e cifre." in page
    assert found.code not in page
    assert not lookup_events().exists()


def test_nothing_found_is_an_empty_state(personas, found, client):
    client.force_login(personas.operator_a)
    page = client.get(list_url(kind="surname", q="Bianchi")).content.decode()
    assert "Nessun percorso del tuo centro ha questo dato." in page
    assert found.code not in page
    assert lookup_events().get().detail == {"kind": "surname", "results": 0}


def test_the_code_search_is_unchanged_and_not_a_lookup(personas, found, client):
    client.force_login(personas.operator_a)
    page = client.get(list_url(kind="code", q=found.code[:4].lower())).content.decode()
    assert found.code in page
    page = client.get(list_url(q=found.code)).content.decode()
    assert found.code in page
    assert not lookup_events().exists()


@pytest.mark.parametrize(
    ("persona", "status", "sees"),
    [
        ("operator_a", 200, True),
        ("referent_a", 200, True),
        ("operator_b", 200, False),
        ("inps_specialist", 403, False),
        ("sportello_officer", 403, False),
        ("tavolo_member", 403, False),
        ("admin", 403, False),
        ("anonymous", 302, False),
    ],
)
def test_the_lookup_page_per_role(personas, found, client, persona, status, sees):
    user = personas.all()[persona]
    if user is not None:
        client.force_login(user)
    response = client.get(list_url(kind="tax_code", q=TAX_CODE))
    assert response.status_code == status
    assert (found.code in response.content.decode()) is sees


def test_pages_of_results_keep_the_lookup(personas, client, settings):
    settings.CASES_PAGE_SIZE = 2
    for n in range(3):
        case = case_open(actor=personas.operator_a)
        case_update_identity(
            actor=personas.operator_a, case=case, data={"surname": "Rossi", "full_name": f"R {n}"}
        )
    client.force_login(personas.operator_a)
    page = client.get(list_url(kind="surname", q="rossi")).content.decode()
    assert "kind=surname&amp;q=rossi&amp;page=2" in page
    second = client.get(list_url(kind="surname", q="rossi", page=2)).content.decode()
    assert second.count('class="mono"') == 1
    assert [e.detail["results"] for e in lookup_events()] == [3, 3]


def test_the_identity_form_saves_the_surname(personas, client):
    case = case_open(actor=personas.operator_a)
    client.force_login(personas.operator_a)
    url = reverse("cases:case_identity", kwargs={"public_id": case.public_id})
    response = client.post(
        url, {"full_name": "Anna Maria Dell'Orto", "surname": "Dell'Orto", "version": "0"}
    )
    assert response.status_code == 302
    identity = CaseIdentity.objects.get(case=case)
    assert identity.surname_index == surname_index("DELLORTO")


def test_a_malformed_filter_is_ignored_as_before(personas, found, client):
    client.force_login(personas.operator_a)
    response = client.get(list_url(kind="surname", q=SURNAME, status="nonsense"))
    assert response.status_code == 200
    assert found.code in response.content.decode()
    page = client.get(list_url(kind="nonsense", q=found.code)).content.decode()
    assert found.code in page  # an unknown kind is the code search


def test_the_value_field_describes_itself_and_its_error(personas, client):
    client.force_login(personas.operator_a)
    page = client.get(list_url(kind="tax_code", q="NONVALIDO")).content.decode()
    field = page[page.index('<input type="text" name="q"') :].split(">", 1)[0]
    assert 'aria-invalid="true"' in field
    assert "id_q_helptext" in field and 'id="id_q_helptext"' in page
