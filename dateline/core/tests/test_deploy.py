"""HTTPS behind a TLS proxy (settings/production.py): an https DATELINE_SITE_URL and
DATELINE_TRUSTED_PROXY turn on everything `dateline check --deploy` asks for."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
DATELINE = str(Path(sys.executable).with_name("dateline"))


def _run(tmp_path, *args: str, **variables: str) -> subprocess.CompletedProcess:
    if not shutil.which(DATELINE):
        pytest.fail(f"{DATELINE} is not installed: run `pip install -e .` (make test does)")
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("DATELINE_") and key != "DATABASE_URL"
    }
    env |= {
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DATELINE_VAR_DIR": str(tmp_path / "var"),
        "DATELINE_ALLOWED_HOSTS": "news.example.com",
        **variables,
    }
    return subprocess.run(
        args, env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False
    )


def _settings(tmp_path, **variables: str) -> dict:
    names = [
        "SECURE_PROXY_SSL_HEADER",
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "CSRF_TRUSTED_ORIGINS",
    ]
    code = (
        "import django, json; django.setup(); from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n) for n in {names!r}}}))"
    )
    done = _run(tmp_path, sys.executable, "-c", code, **variables)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_an_https_site_behind_a_trusted_proxy_passes_check_deploy(tmp_path):
    done = _run(
        tmp_path,
        DATELINE,
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DATELINE_SITE_URL="https://news.example.com",
        DATELINE_TRUSTED_PROXY="1",
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues" in done.stdout + done.stderr


def test_without_the_proxy_setting_check_deploy_says_what_is_missing(tmp_path):
    done = _run(
        tmp_path,
        DATELINE,
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DATELINE_SITE_URL="https://news.example.com",
    )
    output = done.stdout + done.stderr
    assert done.returncode != 0
    # Django cannot tell HTTPS requests from plain ones, so HSTS and the redirect stay off.
    assert "security.W004" in output and "security.W008" in output
    # Cookies are secure from the https address alone.
    assert "security.W012" not in output and "security.W016" not in output


def test_the_settings_each_variable_turns_on(tmp_path):
    behind = _settings(
        tmp_path,
        DATELINE_SITE_URL="https://news.example.com/edition",
        DATELINE_TRUSTED_PROXY="1",
    )
    assert behind == {
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": False,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "CSRF_TRUSTED_ORIGINS": ["https://news.example.com"],  # an origin: no path
    }
    chosen = _settings(
        tmp_path,
        DATELINE_SITE_URL="https://news.example.com",
        DATELINE_TRUSTED_PROXY="1",
        DATELINE_SSL_REDIRECT="0",
        DATELINE_HSTS_SECONDS="3600",
        DATELINE_HSTS_INCLUDE_SUBDOMAINS="1",
    )
    assert chosen["SECURE_SSL_REDIRECT"] is False
    assert chosen["SECURE_HSTS_SECONDS"] == 3600 and chosen["SECURE_HSTS_INCLUDE_SUBDOMAINS"]
    # A trusted proxy in front of a plain-HTTP site changes nothing: there is no HTTPS.
    plain = _settings(
        tmp_path, DATELINE_SITE_URL="http://news.example.com", DATELINE_TRUSTED_PROXY="1"
    )
    assert plain["SECURE_PROXY_SSL_HEADER"] is None and not plain["SECURE_SSL_REDIRECT"]
    assert plain["SECURE_HSTS_SECONDS"] == 0 and not plain["SESSION_COOKIE_SECURE"]
