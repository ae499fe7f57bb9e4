"""Field encryption: AES-GCM with key ids, column binding, rotation, and the HMAC index."""

from __future__ import annotations

import base64

import pytest
from django.core.management import call_command
from django.db import connection

from scarpette.cases.models import CaseIdentity
from scarpette.cases.services import case_open, case_update_identity
from scarpette.core import crypto


def test_it_round_trips_and_names_its_key():
    token = crypto.encrypt("Zelda Segreta", context="t.c")
    assert token.startswith(f"v1:{crypto.current_kid()}:")
    assert "Zelda" not in token
    assert crypto.decrypt(token, context="t.c") == "Zelda Segreta"


def test_same_plaintext_gives_different_ciphertexts():
    assert crypto.encrypt("x", context="a") != crypto.encrypt("x", context="a")


def test_a_value_moved_to_another_column_does_not_decrypt():
    token = crypto.encrypt("secret", context="cases.caseidentity.full_name")
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(token, context="cases.caseidentity.phone")


def test_tampered_ciphertext_is_refused():
    token = crypto.encrypt("secret", context="a")
    prefix, kid, body = token.split(":")
    raw = bytearray(base64.b64decode(body))
    raw[-1] ^= 1
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(f"{prefix}:{kid}:{base64.b64encode(bytes(raw)).decode()}", context="a")


def test_unknown_key_id_is_refused():
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt("v1:nokey:AAAA", context="a")


def test_blind_index_normalises_and_is_keyed(settings):
    a = crypto.blind_index(" rssmra80a41f205b ", context="tc")
    assert a == crypto.blind_index("RSSMRA80A41F205B", context="tc")
    assert a != crypto.blind_index("RSSMRA80A41F205B", context="other")
    settings.FIELD_HMAC_KEY = b"k" * 32
    assert a != crypto.blind_index("RSSMRA80A41F205B", context="tc")


def test_rotation_reencrypts_with_the_new_key(personas, settings, capsys):
    case = case_open(actor=personas.operator_a)
    case_update_identity(
        actor=personas.operator_a,
        case=case,
        data={"full_name": "Zelda Segreta", "phone": "3331234567"},
    )
    old_keys = dict(settings.FIELD_ENCRYPTION_KEYS)
    settings.FIELD_ENCRYPTION_KEYS = {"k2": b"2" * 32, **old_keys}
    call_command("rotate_keys")
    assert "re-encrypted" in capsys.readouterr().out
    with connection.cursor() as cursor:
        cursor.execute("SELECT full_name, phone FROM cases_caseidentity")
        name_token, phone_token = cursor.fetchone()
    assert crypto.key_id_of(name_token) == "k2" and crypto.key_id_of(phone_token) == "k2"
    # The old key can now be retired: values still decrypt with the new key alone.
    settings.FIELD_ENCRYPTION_KEYS = {"k2": b"2" * 32}
    assert CaseIdentity.objects.get(case=case).full_name == "Zelda Segreta"


def test_mfa_secrets_are_stored_encrypted(personas):
    from allauth.mfa.models import Authenticator

    stored = Authenticator.objects.get(user=personas.operator_a, type="totp").data["secret"]
    assert stored.startswith("v1:")


def test_bulk_inserts_of_encrypted_rows_use_values_not_arrays(personas):
    # PostgreSQL: Django would send UNNEST(arrays), which psycopg quotes element by element in
    # Python (several times slower for kilobytes of ciphertext). The field's placeholder keeps
    # bulk inserts on VALUES; on every database the rows still round-trip.
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from scarpette.cases.services import case_open
    from scarpette.questionnaire.models import ScreeningRun

    case = case_open(actor=personas.operator_a)
    runs = [
        ScreeningRun(
            case=case,
            as_of=timezone.localdate(),
            rules_version="r1",
            facts_json=f'{{"n": {n}}}',
            results_json="[]",
        )
        for n in range(3)
    ]
    with CaptureQueriesContext(connection) as queries:
        ScreeningRun.objects.bulk_create(runs)
    inserts = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("INSERT")]
    assert inserts and all("UNNEST" not in sql.upper() for sql in inserts)
    stored = ScreeningRun.objects.filter(case=case).order_by("id")
    assert [run.facts for run in stored] == [{"n": 0}, {"n": 1}, {"n": 2}]
