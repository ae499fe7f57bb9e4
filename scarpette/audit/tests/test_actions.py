"""One audit vocabulary: every action is registered with its words, and an unknown one fails."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from scarpette.audit import actions
from scarpette.audit.models import AuditEvent
from scarpette.audit.services import audit_log

ROOT = Path(__file__).resolve().parents[2]
# A dotted "app.entity.verb" literal in product code (idempotency scopes excluded).
LITERAL_ACTION = re.compile(
    r'(?<!scope=)"((?:accounts|cases|questionnaire|screening|referrals|applications|'
    r'notifications|audit|core)\.[a-z_]+\.[a-z_]+)"'
)
# Dotted literals that are not audit actions: the HMAC indexes' purposes, an idempotency scope.
NOT_ACTIONS = {"cases.identity.tax_code", "cases.identity.surname", "cases.note.add"}


def test_an_unknown_action_is_an_error_and_writes_nothing(personas):
    before = AuditEvent.objects.count()
    with pytest.raises(actions.UnknownAuditAction):
        audit_log(actor=personas.operator_a, action="cases.case.veiwed")
    assert AuditEvent.objects.count() == before


def test_in_production_an_unknown_action_is_still_written(personas, settings, caplog):
    # An event is never lost: it is written and reported.
    settings.AUDIT_ACTIONS_STRICT = False
    event = audit_log(actor=personas.operator_a, action="cases.case.veiwed")
    assert AuditEvent.objects.filter(pk=event.pk).exists()
    assert "cases.case.veiwed" in caplog.text
    assert event.action_label == "Altra operazione"


def test_every_action_written_in_the_code_is_registered_with_words():
    known = actions.known()
    written = set()
    for path in ROOT.rglob("*.py"):
        if {"tests", "migrations"} & set(path.parts) or path.name == "audit_actions.py":
            continue
        written |= set(LITERAL_ACTION.findall(path.read_text()))
    assert written, "the scan found no action: the pattern is wrong"
    assert sorted(written - set(known) - NOT_ACTIONS) == []
    for action in written - NOT_ACTIONS:
        words = str(known[action])
        assert words and "." not in words and "_" not in words, action


def test_every_step_of_a_transmission_has_its_words():
    from scarpette.referrals.models import TransmissionEvent

    for kind in TransmissionEvent.Kind.values:
        assert f"referrals.transmission.{kind}" in actions.known()


def test_registering_an_action_twice_with_other_words_is_refused():
    with pytest.raises(ValueError):
        actions.register({"cases.case.viewed": "Altro"})
