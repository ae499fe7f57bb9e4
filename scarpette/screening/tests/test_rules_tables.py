"""Rule tests as data: each YAML table in tables/ lists profiles and the result expected for one
measure (OpenFisca-style). No database: the engine is pure Python.

Table format (see tables/reddito_liberta.yaml):

    measure: <measure id>
    base: {facts shared by the rows}          # dates may be written unquoted
    rows:
      - name: what the row shows
        as_of: 2025-06-01                     # optional (else base's as_of)
        set: {facts to add or change}         # optional
        unset: [facts to remove]              # optional
        replace: true                         # optional: ignore base, use `set` only
        expect:
          status: eligible | not_eligible | undetermined
          missing: [facts]                    # optional, compared as a set
          amount: {monthly, months, total} | null   # optional
          reasons_contain: [text]             # optional, substrings of some reason
          caveats_contain: [text]             # optional, substrings of some caveat
          caveats_lack: [text]                # optional, substrings no caveat may hold
          legal_basis_contains: [text]        # optional, substrings of every reason's basis
          channel_contains: text              # optional
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from scarpette.screening.engine import screen
from scarpette.screening.facts import MEASURE_IDS

TABLES = Path(__file__).parent / "tables"
MINIMUM_ROWS = {
    "reddito_liberta": 12,
    "congedo_violenza": 12,
    "assegno_inclusione": 12,
    "supporto_formazione_lavoro": 12,
    "assegno_unico": 12,
    "naspi": 12,
}


def _jsonable(value: Any) -> Any:
    """YAML reads unquoted dates as dates; profiles carry ISO strings, as in the contract."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return value


def _load_tables() -> dict[str, dict]:
    tables = {}
    for path in sorted(TABLES.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        tables[data["measure"]] = data
    return tables


TABLE_DATA = _load_tables()


def _rows() -> list[Any]:
    params = []
    for measure, table in TABLE_DATA.items():
        for index, row in enumerate(table["rows"]):
            params.append(pytest.param(measure, table, row, id=f"{measure}-{index}-{row['name']}"))
    return params


def _profile(table: dict, row: dict) -> dict:
    profile = {} if row.get("replace") else dict(table.get("base") or {})
    profile.update(row.get("set") or {})
    for name in row.get("unset") or ():
        profile.pop(name, None)
    if "as_of" in row:
        profile["as_of"] = row["as_of"]
    return _jsonable(profile)


@pytest.mark.parametrize(("measure", "table", "row"), _rows())
def test_rule_table_row(measure: str, table: dict, row: dict) -> None:
    output = screen(_profile(table, row))
    result = next(r for r in output["results"] if r["measure"] == measure)
    expect = row["expect"]
    context = f"{row['name']}: {result}"

    assert result["status"] == expect["status"], context
    if "missing" in expect:
        assert set(result["missing"]) == set(expect["missing"]), context
    if "amount" in expect:
        assert result["amount"] == expect["amount"], context
    for text in expect.get("reasons_contain", ()):
        assert any(text in r["text"] for r in result["reasons"]), f"{text!r} not in {context}"
    for text in expect.get("caveats_contain", ()):
        assert any(text in c for c in result["caveats"]), f"{text!r} not in {context}"
    for text in expect.get("caveats_lack", ()):
        assert not any(text in c for c in result["caveats"]), f"{text!r} in {context}"
    for text in expect.get("legal_basis_contains", ()):
        assert result["reasons"], context
        assert all(text in r["legal_basis"] for r in result["reasons"]), f"{text!r}: {context}"
    if "channel_contains" in expect:
        assert expect["channel_contains"] in result["channel"], context

    # The contract's invariants hold on every row.
    if result["status"] != "undetermined":
        assert result["missing"] == [], context
    if result["status"] == "not_eligible":
        assert result["amount"] is None, context
    assert all(r["text"] and "legal_basis" in r for r in result["reasons"]), context


def test_every_measure_has_a_table_with_enough_rows() -> None:
    assert set(TABLE_DATA) == set(MEASURE_IDS)
    for measure, table in TABLE_DATA.items():
        assert len(table["rows"]) >= MINIMUM_ROWS.get(measure, 4), measure


def test_every_table_row_covers_each_status_somewhere() -> None:
    for measure, table in TABLE_DATA.items():
        statuses = {row["expect"]["status"] for row in table["rows"]}
        assert statuses == {"eligible", "not_eligible", "undetermined"}, measure
