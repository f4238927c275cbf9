"""Production mode, checked in a fresh interpreter because settings are read
once at start-up."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

SECRET = "x" * 20 + "Yz0-9_abcdefghijklmnopqrstuvwxyz0123456789"


def run_commonroom(
    *args: str, env: dict[str, str], tmp_path: Path
) -> subprocess.CompletedProcess[str]:
    skip = ("DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", "COMMONROOM_")
    base = {k: v for k, v in os.environ.items() if not k.startswith(skip)}
    base.update({"COMMONROOM_DATA_DIR": str(tmp_path)})
    base.update(env)
    return subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "commonroom.cli", *args],
        env=base,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


PRODUCTION = {
    "COMMONROOM_ENV": "production",
    "SECRET_KEY": SECRET,
    "ALLOWED_HOSTS": "commonroom.example.org",
    "EMAIL_HOST": "smtp.example.org",
    "COMMONROOM_JITSI_APP_SECRET": "j" * 20 + "0123456789abcdefghijklmnop",
    "COMMONROOM_AUDIT_KEY": "a" * 16 + "0123456789abcdefghijklmnop",
}


def test_production_without_a_secret_is_a_clear_startup_error(tmp_path: Path) -> None:
    env = dict(PRODUCTION)
    env["SECRET_KEY"] = ""
    result = run_commonroom("check", env=env, tmp_path=tmp_path)
    assert result.returncode != 0
    assert "SECRET_KEY (or SECRET_KEY_FILE) must be set" in result.stderr


def test_secret_can_come_from_a_file(tmp_path: Path) -> None:
    secret_file = tmp_path / "secret"
    secret_file.write_text(SECRET)
    env = dict(PRODUCTION)
    env.pop("SECRET_KEY")
    env["SECRET_KEY_FILE"] = str(secret_file)
    result = run_commonroom(
        "check", "--deploy", "--fail-level", "WARNING", env=env, tmp_path=tmp_path
    )
    assert result.returncode == 0, result.stderr


def test_check_deploy_reports_nothing_in_production(tmp_path: Path) -> None:
    result = run_commonroom(
        "check", "--deploy", "--fail-level", "DEBUG", env=PRODUCTION, tmp_path=tmp_path
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_malformed_setting_names_the_variable(tmp_path: Path) -> None:
    result = run_commonroom(
        "check", env={"COMMONROOM_IDLE_MINUTES_STAFF": "soon"}, tmp_path=tmp_path
    )
    assert result.returncode != 0
    assert "COMMONROOM_IDLE_MINUTES_STAFF must be a whole number" in result.stderr


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("SESSION_COOKIE_SECURE", "True"),
        ("CSRF_COOKIE_SECURE", "True"),
        ("SECURE_HSTS_SECONDS", "31536000"),
        ("SECURE_SSL_REDIRECT", "True"),
        ("SESSION_COOKIE_NAME", "__Host-commonroom_session"),
    ],
)
def test_production_turns_on_secure_transport(tmp_path: Path, name: str, expected: str) -> None:
    result = run_commonroom(
        "shell",
        "-c",
        f"from django.conf import settings; print(settings.{name})",
        env=PRODUCTION,
        tmp_path=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == expected


def test_production_without_a_jitsi_secret_is_a_clear_startup_error(tmp_path: Path) -> None:
    env = dict(PRODUCTION)
    env.pop("COMMONROOM_JITSI_APP_SECRET")
    result = run_commonroom("check", env=env, tmp_path=tmp_path)
    assert result.returncode != 0
    assert "COMMONROOM_JITSI_APP_SECRET must be set" in result.stderr


def test_production_without_an_audit_key_is_a_clear_startup_error(tmp_path: Path) -> None:
    env = dict(PRODUCTION)
    env.pop("COMMONROOM_AUDIT_KEY")
    result = run_commonroom("check", env=env, tmp_path=tmp_path)
    assert result.returncode != 0
    assert "COMMONROOM_AUDIT_KEY (or COMMONROOM_AUDIT_KEY_FILE) must be set" in result.stderr


def test_development_keeps_the_audit_key_in_a_file_beside_the_data(tmp_path: Path) -> None:
    result = run_commonroom("check", env={}, tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert len((tmp_path / "audit_key").read_text()) >= 32
