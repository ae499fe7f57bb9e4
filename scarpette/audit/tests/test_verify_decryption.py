"""verify_decryption: proves a (restored) database is readable with the keys at hand."""

from __future__ import annotations

import base64
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from scarpette.audit.models import AuditEvent
from scarpette.cases.services import case_open, case_update_identity


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("verify_decryption", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def identity(personas):
    case = case_open(actor=personas.operator_a)
    case_update_identity(
        actor=personas.operator_a,
        case=case,
        data={"full_name": "Zelda Segreta", "tax_code": "RSSMRA80A41F205B"},
    )
    return case


def test_it_decrypts_every_value_and_prints_counts_only(identity):
    out, _ = run("--require", "cases.caseidentity")
    assert "cases.caseidentity: 1 rows, 2 values decrypted" in out
    assert "every encrypted value decrypts" in out
    assert "Zelda" not in out and "RSSMRA" not in out
    event = AuditEvent.objects.get(action="core.encryption.verified")
    assert event.outcome == "ok" and event.detail["failures"] == 0


def test_it_fails_with_keys_that_are_not_the_data_keys(identity, settings):
    other = base64.b64encode(b"o" * 32).decode()
    settings.FIELD_ENCRYPTION_KEYS = {"k1": base64.b64decode(other)}
    with pytest.raises(CommandError, match="2 encrypted values do not decrypt"):
        run()
    assert AuditEvent.objects.get(action="core.encryption.verified").outcome == "failed"


def test_it_fails_when_a_required_model_is_empty(db):
    with pytest.raises(CommandError):
        run("--require", "cases.caseidentity")
