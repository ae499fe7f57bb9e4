"""The `screen` command exactly as shared/design/facts.md describes it."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command

from scarpette.screening.engine import RULES_VERSION
from scarpette.screening.facts import MEASURE_IDS

ROOT = Path(__file__).resolve().parents[3]

PROFILE = {
    "as_of": "2025-06-01",
    "citizenship": "IT",
    "resident_in_italy": True,
    "followed_by_cav": True,
    "followed_by_social_services": True,
    "urgent_need_attested": True,
    "received_rdl": False,
}


def run(text: str, *args: str) -> tuple[int, str, str]:
    """Run the command in this process with `text` on stdin."""
    stdout, stderr = io.StringIO(), io.StringIO()
    old_stdin = sys.stdin
    sys.stdin = io.StringIO(text)
    try:
        call_command("screen", "-", *args, stdout=stdout, stderr=stderr)
        code = 0
    except SystemExit as exc:
        code = exc.code
    finally:
        sys.stdin = old_stdin
    return code, stdout.getvalue(), stderr.getvalue()


def test_it_screens_one_profile_from_a_file(tmp_path) -> None:
    path = tmp_path / "profile.json"
    path.write_text(json.dumps(PROFILE), encoding="utf-8")
    stdout = io.StringIO()
    call_command("screen", str(path), stdout=stdout)
    output = json.loads(stdout.getvalue())
    assert output["as_of"] == "2025-06-01"
    assert output["rules_version"] == RULES_VERSION
    assert [r["measure"] for r in output["results"]] == list(MEASURE_IDS)
    rdl = output["results"][0]
    assert rdl["status"] == "eligible"
    assert rdl["amount"] == {"monthly": 500.0, "months": 12, "total": 6000.0}


def test_it_screens_a_list_from_stdin() -> None:
    code, out, err = run(json.dumps([PROFILE, {"as_of": "2025-03-01"}]))
    assert code == 0 and err == ""
    output = json.loads(out)
    assert isinstance(output, list) and len(output) == 2
    assert output[1]["results"][0]["status"] == "undetermined"


def test_as_of_option_overrides_the_profile() -> None:
    code, out, _ = run(json.dumps(PROFILE), "--as-of", "2025-03-04")
    output = json.loads(out)
    assert code == 0 and output["as_of"] == "2025-03-04"
    assert output["results"][0]["amount"]["monthly"] == 400.0


def test_without_as_of_it_uses_today() -> None:
    profile = {k: v for k, v in PROFILE.items() if k != "as_of"}
    code, out, _ = run(json.dumps(profile))
    assert code == 0 and json.loads(out)["as_of"] == date.today().isoformat()


def test_output_keeps_italian_letters() -> None:
    _, out, _ = run(json.dumps(PROFILE))
    texts = [
        reason["text"] for result in json.loads(out)["results"] for reason in result["reasons"]
    ]
    accented = [text for text in texts if any(ord(letter) > 127 for letter in text)]
    assert accented, "the profile should produce reasons with accented letters"
    # Each text is printed as she reads it, not as \\u escapes.
    for text in accented:
        assert json.dumps(text, ensure_ascii=False) in out
    assert "\\u00" not in out


@pytest.mark.parametrize(
    ("payload", "fact"),
    [
        ('{"age": 34', "JSON"),
        ('{"age": "thirty"}', "age"),
        ('{"age": true}', "age"),
        ('{"resident_in_italy": "yes"}', "resident_in_italy"),
        ('{"isee": -5}', "isee"),
        ('{"as_of": "01/03/2026"}', "as_of"),
        ('{"citizenship": "FR"}', "citizenship"),
        ('{"permit": "tourist"}', "permit"),
        ('{"employment": "retired"}', "employment"),
        ('{"current_benefits": ["rdc"]}', "current_benefits"),
        ('{"children": [{"age": "two"}]}', "children[0].age"),
        ('{"children": [{"shoe_size": 30}]}', "children[0].shoe_size"),
        ('{"children": {"age": 3}}', "children"),
        ('{"favourite_colour": "red"}', "favourite_colour"),
        ('[{"age": 30}, {"agee": 30}]', "agee"),
        ('"a string"', "profile"),
    ],
)
def test_bad_input_exits_2_with_one_line_naming_the_fact(payload: str, fact: str) -> None:
    code, out, err = run(payload)
    assert code == 2
    assert out == ""
    line = err.strip()
    assert fact in line
    assert "\n" not in line
    assert "Traceback" not in err


def test_a_missing_file_exits_2(tmp_path) -> None:
    stderr = io.StringIO()
    with pytest.raises(SystemExit) as exc:
        call_command("screen", str(tmp_path / "nope.json"), stderr=stderr)
    assert exc.value.code == 2
    assert "not found" in stderr.getvalue()


def _manage(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
    env = dict(os.environ)
    return subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, "manage.py", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
        check=False,
    )


def test_the_real_command_line_prints_json() -> None:
    done = _manage("screen", "-", "--as-of", "2026-03-01", stdin=json.dumps(PROFILE))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["as_of"] == "2026-03-01"


def test_the_real_command_line_fails_without_traceback() -> None:
    done = _manage("screen", "-", stdin='{"citizenship": "Italian"}')
    assert done.returncode == 2
    assert "citizenship" in done.stderr
    assert "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
