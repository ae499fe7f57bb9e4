"""Production refuses to start without its keys or in demo shape; `check --deploy` is clean."""

from __future__ import annotations

import base64
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
KEY = base64.b64encode(b"k" * 32).decode()
PRODUCTION = {
    "SCARPETTE_ENV": "production",
    "SECRET_KEY": "p" * 30 + "q" * 30 + "production-secret",
    "FIELD_ENCRYPTION_KEYS": f"k1:{KEY}",
    "FIELD_HMAC_KEY": KEY,
    "ALLOWED_HOSTS": "scarpette.example.org",
    "DATABASE_URL": "sqlite:////tmp/scarpette-check.sqlite3",
}


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SCARPETTE", "DJANGO"))}
    clean.pop("DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    "missing", ["SECRET_KEY", "FIELD_ENCRYPTION_KEYS", "FIELD_HMAC_KEY", "ALLOWED_HOSTS"]
)
def test_production_refuses_to_start_without(missing):
    env = {k: v for k, v in PRODUCTION.items() if k != missing}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert missing in result.stderr


def test_production_refuses_debug():
    result = manage("check", env={**PRODUCTION, "DJANGO_DEBUG": "1"})
    assert result.returncode != 0 and "DJANGO_DEBUG" in result.stderr


def test_demo_refuses_to_face_a_network(tmp_path):
    env = {
        "SCARPETTE_ENV": "demo",
        "ALLOWED_HOSTS": "scarpette.example.org",
        "SCARPETTE_VAR_DIR": str(tmp_path),
    }
    result = manage("check", env=env)
    assert result.returncode != 0 and "demo mode" in result.stderr


def test_demo_data_is_refused_in_production():
    result = manage("load_demo", env=PRODUCTION)
    assert result.returncode != 0 and "refused in production" in result.stderr


def test_secrets_can_come_from_files(tmp_path):
    secret_file = tmp_path / "secret"
    secret_file.write_text(PRODUCTION["SECRET_KEY"])
    env = {k: v for k, v in PRODUCTION.items() if k != "SECRET_KEY"}
    result = manage("check", env={**env, "SECRET_KEY_FILE": str(secret_file)})
    assert result.returncode == 0, result.stderr


def test_production_refuses_an_address_that_names_the_service():
    result = manage("check", env={**PRODUCTION, "SITE_URL": "https://scarpette.example.org"})
    assert result.returncode != 0 and "SITE_URL" in result.stderr


def _tasks_backend(env: dict[str, str]) -> subprocess.CompletedProcess:
    code = "from django.conf import settings; print(settings.TASKS['default']['BACKEND'])"
    return manage("shell", "-c", code, env=env)


@pytest.mark.parametrize(
    ("mode", "value", "expected"),
    [
        ("production", None, "django_tasks_db.DatabaseBackend"),
        ("demo", None, "django_tasks.backends.immediate.ImmediateBackend"),
        ("demo", "database", "django_tasks_db.DatabaseBackend"),
        ("test", "immediate", "django_tasks.backends.immediate.ImmediateBackend"),
        ("test", "Database", "django_tasks_db.DatabaseBackend"),
    ],
)
def test_the_task_backend_is_chosen_by_tasks_backend(tmp_path, mode, value, expected):
    env = PRODUCTION if mode == "production" else {"SCARPETTE_ENV": mode}
    env = {**env, "SCARPETTE_VAR_DIR": str(tmp_path)}
    if value is not None:
        env["TASKS_BACKEND"] = value
    result = _tasks_backend(env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == expected


def test_an_unknown_task_backend_stops_start_up():
    result = _tasks_backend({**PRODUCTION, "TASKS_BACKEND": "celery"})
    assert result.returncode != 0 and "TASKS_BACKEND" in result.stderr
