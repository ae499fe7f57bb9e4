"""A percorso with something in every place that holds her data (retention, subject access)."""

from __future__ import annotations

import datetime as dt

import pytest

from scarpette.applications.services import application_start, application_update
from scarpette.cases.services import case_add_note, case_open, case_update_identity, consent_record
from scarpette.questionnaire.services import session_complete, session_start
from scarpette.referrals.services import (
    consultation_ask,
    transmission_request_info,
    transmission_send,
)

# Values that must disappear with anonymisation (and appear in her export).
NAME = "Zelda Segreta"
SURNAME = "Segreta"
TAX_CODE = "RSSMRA80A41F205B"
NOTE = "Colloquio fissato con la legale"
QUESTION = "Quali documenti servono per la signora?"
INFO_REQUEST = "Serve la data della separazione"
CONSULTATION_TEXT = "Può chiedere il reddito di libertà?"
PROTOCOL = "INPS-2026-777"


@pytest.fixture
def full_case(personas):
    operator, referent = personas.operator_a, personas.referent_a
    case = case_open(actor=operator, opened_on=dt.date(2024, 1, 10))
    case_update_identity(
        actor=operator,
        case=case,
        data={
            "full_name": NAME,
            "surname": SURNAME,
            "tax_code": TAX_CODE,
            "phone": "+39 333 1234567",
        },
    )
    case_add_note(actor=operator, case=case, text=NOTE)
    for purpose in ("transmission", "consultation", "statistics"):
        consent_record(actor=operator, case=case, purpose=purpose)
    session = session_start(actor=operator, case=case, mode="assisted", language="it")
    session.answers = {
        "citizenship": "IT",
        "has_isee": "yes",
        "isee_known": "dont_know",
        "needs": ["money"],
    }
    session.save(update_fields=["answers_json"])
    session_complete(actor=operator, session=session)
    sent = transmission_send(
        actor=referent, case=case, office=personas.inps_office, question=QUESTION
    )
    transmission_request_info(actor=personas.inps_specialist, transmission=sent, text=INFO_REQUEST)
    consultation_ask(
        actor=operator,
        case=case,
        office=personas.inps_office,
        measures=["naspi"],
        text=CONSULTATION_TEXT,
    )
    application = application_start(actor=operator, case=case, measure="naspi")
    application_update(
        actor=operator,
        application=application,
        data={
            "status": "submitted",
            "submitted_on": "2024-02-01",
            "channel": "Patronato di zona",
            "protocol_number": PROTOCOL,
        },
    )
    return case
