"""Properties of the engine and the command line, checked on generated profiles (hypothesis).

1. Information monotonicity: turning one known fact into unknown can only move a result towards
   "undetermined" — never from eligible to not eligible or back. This is what makes Kleene logic
   safe: a missing answer can never deny or grant a measure by itself.
2. The contract's invariants hold on every generated profile.
3. The command line never crashes: any JSON gives exit 0 with results, or exit 2 with one line.
"""

from __future__ import annotations

import io
import json
from datetime import date

import pytest
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scarpette.screening.engine import screen
from scarpette.screening.facts import CHILD_FIELDS, FACTS, MEASURE_IDS

# Values near the thresholds the rules compare against, so both sides get exercised.
_MONEY = st.one_of(
    st.sampled_from(
        [
            0,
            1500,
            2000,
            5000,
            6000,
            6500,
            7475,
            9360,
            10140,
            10140.01,
            15000,
            17468,
            20382.9,
            25000.99,
            30000,
            40000,
            46583,
            60000,
        ]
    ),
    st.floats(min_value=0, max_value=80000, allow_nan=False, allow_infinity=False),
)
_DATES = st.dates(min_value=date(2019, 1, 1), max_value=date(2027, 12, 31)).map(date.isoformat)
_UNKNOWN = st.sampled_from([None, "unknown", "declined"])


def _value_strategy(name: str, spec) -> st.SearchStrategy:
    kind = spec.kind
    if kind == "boolean":
        return st.booleans()
    if kind == "date":
        return _DATES
    if kind == "enum":
        return st.sampled_from(spec.choices)
    if kind == "integer":
        top = int(spec.maximum) if spec.maximum is not None else 200
        if name in ("congedo_days_used",):
            return st.sampled_from([0, 10, 89, 90, 120])
        if name == "contribution_weeks_last_4y":
            return st.sampled_from([0, 1, 12, 13, 52, 208])
        return st.integers(min_value=int(spec.minimum or 0), max_value=min(top, 100))
    if kind == "number":
        if name == "years_resident_in_italy":
            return st.sampled_from([0, 1.5, 2, 4.9, 5, 10, 30])
        return _MONEY
    if kind == "measures":
        return st.lists(st.sampled_from(MEASURE_IDS), max_size=3, unique=True)
    if kind == "children":
        child = st.fixed_dictionaries(
            {},
            optional={
                key: _value_strategy(key, child_spec)
                if key != "age"
                else st.integers(min_value=0, max_value=25)
                for key, child_spec in CHILD_FIELDS.items()
            },
        )
        return st.lists(child, max_size=4)
    raise AssertionError(kind)


PROFILES = st.fixed_dictionaries(
    {"as_of": _DATES},
    optional={
        name: st.one_of(_value_strategy(name, spec), _UNKNOWN)
        for name, spec in FACTS.items()
        if name != "as_of"
    },
)


def _known_paths(profile: dict) -> list[tuple]:
    """Every known fact, and every known field of every child, as a path to forget."""
    paths: list[tuple] = []
    for name, value in profile.items():
        if name == "as_of" or value in (None, "unknown", "declined"):
            continue
        paths.append((name,))
        if name == "children":
            for index, child in enumerate(value):
                paths.extend((name, index, key) for key in child)
    return paths


def _forget(profile: dict, path: tuple, marker) -> dict:
    copy = json.loads(json.dumps(profile))
    if len(path) == 1:
        if marker is None:
            del copy[path[0]]
        else:
            copy[path[0]] = marker
    else:
        copy[path[0]][path[1]][path[2]] = marker
    return copy


_FLIPS = {("eligible", "not_eligible"), ("not_eligible", "eligible")}


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(profile=PROFILES, data=st.data())
def test_forgetting_a_fact_never_flips_eligible_and_not_eligible(profile, data) -> None:
    paths = _known_paths(profile)
    if not paths:
        return
    path = data.draw(st.sampled_from(paths), label="forgotten fact")
    marker = data.draw(st.sampled_from([None, "unknown", "declined"]), label="marker")
    before = screen(profile)["results"]
    after = screen(_forget(profile, path, marker))["results"]
    for old, new in zip(before, after, strict=True):
        assert (old["status"], new["status"]) not in _FLIPS, (path, old, new)


@settings(max_examples=300, deadline=None)
@given(profile=PROFILES)
def test_every_result_keeps_the_contract(profile) -> None:
    output = screen(profile)
    assert output["as_of"] == profile["as_of"]
    results = output["results"]
    assert [r["measure"] for r in results] == list(MEASURE_IDS)
    for result in results:
        assert set(result) == {
            "measure",
            "status",
            "reasons",
            "missing",
            "documents",
            "applies",
            "channel",
            "amount",
            "caveats",
        }
        assert result["status"] in ("eligible", "not_eligible", "undetermined")
        assert result["reasons"], result
        if result["status"] != "undetermined":
            assert result["missing"] == []
        assert set(result["missing"]) <= set(FACTS)
        assert len(result["missing"]) == len(set(result["missing"]))
        if result["status"] == "not_eligible":
            assert result["amount"] is None
        if result["amount"] is not None:
            assert set(result["amount"]) == {"monthly", "months", "total"}
    json.dumps(output, ensure_ascii=False)  # always serialisable


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
_FACT_NAMES = st.sampled_from(sorted(FACTS))
_ANY_PROFILE = st.one_of(
    PROFILES,
    st.dictionaries(_FACT_NAMES, _JSON, max_size=6),
    st.dictionaries(st.one_of(_FACT_NAMES, st.text(max_size=10)), _JSON, max_size=4),
    _JSON,
)


def _run_cli(text: str, *args: str) -> tuple[int, str, str]:
    import sys

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


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(payload=st.one_of(_ANY_PROFILE, st.lists(_ANY_PROFILE, max_size=3)))
def test_the_command_never_crashes(payload) -> None:
    code, out, err = _run_cli(json.dumps(payload))
    assert code in (0, 2)
    if code == 0:
        parsed = json.loads(out)
        assert isinstance(parsed, list if isinstance(payload, list) else dict)
        assert err == ""
    else:
        assert out == ""
        assert err.strip() and "\n" not in err.strip()
        assert "Traceback" not in err


@settings(max_examples=100, deadline=None)
@given(text=st.text(max_size=40))
def test_the_command_never_crashes_on_arbitrary_text(text) -> None:
    code, _out, err = _run_cli(text)
    assert code in (0, 2)
    if code == 2:
        assert "\n" not in err.strip() and "Traceback" not in err


@pytest.mark.parametrize("as_of", ["2026-13-01", "yesterday", ""])
def test_a_bad_as_of_option_exits_2(as_of) -> None:
    code, out, err = _run_cli("{}", "--as-of", as_of)
    assert code == 2 and out == "" and "as_of" in err
