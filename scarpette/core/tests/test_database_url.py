"""DATABASE_URL as production reads it (dj-database-url plus our options), from any directory."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
SHOW = "import json; from django.conf import settings; print(json.dumps(settings.DATABASES['default'], default=str))"


def database_setting(url: str, *, cwd: Path) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SCARPETTE", "DJANGO"))}
    env = {
        **clean,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "SCARPETTE_ENV": "test",
        "SCARPETTE_VAR_DIR": str(cwd),
        "DATABASE_URL": url,
    }
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "shell", "-c", SHOW],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def read(url: str, cwd: Path) -> dict:
    result = database_setting(url, cwd=cwd)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_a_relative_sqlite_path_is_inside_the_project_whatever_the_directory(tmp_path):
    db = read("sqlite:///var/x.sqlite3", tmp_path)
    assert db["ENGINE"] == "django.db.backends.sqlite3"
    assert db["NAME"] == str(ROOT / "var" / "x.sqlite3")  # not the system's /var/x.sqlite3
    assert db["OPTIONS"] == {"timeout": 20, "transaction_mode": "IMMEDIATE"}


def test_an_absolute_sqlite_path_takes_four_slashes(tmp_path):
    assert read(f"sqlite:///{tmp_path}/x.sqlite3", tmp_path)["NAME"] == f"{tmp_path}/x.sqlite3"
    assert read("sqlite:////srv/data/x.sqlite3", tmp_path)["NAME"] == "/srv/data/x.sqlite3"


def test_a_postgres_url_keeps_its_options_and_our_connection_settings(tmp_path):
    db = read(
        "postgres://app:s%40cret@db.internal:6543/scarpette_prod?sslmode=require&connect_timeout=5",
        tmp_path,
    )
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["USER"], db["PASSWORD"], db["HOST"]) == ("app", "s@cret", "db.internal")
    assert (str(db["PORT"]), db["NAME"]) == ("6543", "scarpette_prod")
    assert db["OPTIONS"] == {"sslmode": "require", "connect_timeout": 5}
    assert (db["CONN_MAX_AGE"], db["CONN_HEALTH_CHECKS"]) == (60, True)


@pytest.mark.parametrize("url", ["mysql://u@h/db", "sqlite://", "sqlite:///:memory:"])
def test_other_databases_are_refused_at_start_up(url, tmp_path):
    result = database_setting(url, cwd=tmp_path)
    assert result.returncode != 0
    assert "DATABASE_URL" in result.stderr
