"""Every marker pyproject.toml declares is put on some test (--strict-markers checks the converse:
a marker used but not declared fails the run)."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def declared_markers() -> set[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    lines = config["tool"]["pytest"]["ini_options"]["markers"]
    return {line.split(":", 1)[0].split("(", 1)[0].strip() for line in lines}


def test_every_declared_marker_is_used():
    sources = "\n".join(
        path.read_text(encoding="utf-8") for path in (ROOT / "scarpette").rglob("test_*.py")
    )
    declared = declared_markers()
    assert declared, "pyproject.toml declares no marker: this test reads the wrong table"
    unused = {name for name in declared if f"pytest.mark.{name}" not in sources}
    assert unused == set(), "declared in pyproject.toml but put on no test"
