"""Production settings as `dateline` loads them, each in its own process: with an https site
address behind a trusted proxy `check --deploy` finds nothing to say (HSTS, the redirect to
HTTPS and secure cookies are on), and a load balancer's plain-HTTP /healthz is answered,
not redirected."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

_UNSET = ("DATABASE_URL", "CACHE_URL", "DJANGO_SETTINGS_MODULE", "DATELINE_MEDIA_URL")


def _env(tmp_path, **settings) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _UNSET}
    env.update(
        DATELINE_VAR_DIR=str(tmp_path / "var"),
        DATELINE_ALLOWED_HOSTS="news.example.com",
        DATELINE_SITE_URL="https://news.example.com",
        DATELINE_SECRET_KEY="a-long-secret-key-" + "x" * 50,
        **settings,
    )
    return env


def _check(env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "dateline.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_passes_for_an_https_site_behind_a_trusted_proxy(tmp_path):
    done = _check(_env(tmp_path, DATELINE_TRUSTED_PROXY="1"))
    assert done.returncode == 0, done.stderr
    assert "no issues" in done.stdout


def test_check_deploy_names_the_setting_an_https_site_without_the_proxy_lacks(tmp_path):
    done = _check(_env(tmp_path))
    assert done.returncode != 0
    assert "dateline.W001" in done.stderr and "DATELINE_TRUSTED_PROXY=1" in done.stderr


@pytest.mark.parametrize(
    "setting,expected",
    [
        ("SECURE_SSL_REDIRECT", "True"),
        ("SECURE_HSTS_SECONDS", "31536000"),
        ("SESSION_COOKIE_SECURE", "True"),
        ("CSRF_COOKIE_SECURE", "True"),
    ],
)
def test_an_https_site_behind_a_trusted_proxy_has_the_protection_on(tmp_path, setting, expected):
    done = subprocess.run(
        [sys.executable, "-m", "dateline.cli", "shell", "-c",
         f"from django.conf import settings; print(settings.{setting})"],
        env=_env(tmp_path, DATELINE_TRUSTED_PROXY="1"),
        capture_output=True,
        text=True,
        timeout=120,
    )  # fmt: skip
    assert done.stdout.split()[-1:] == [expected], done.stderr


HEALTH_OVER_HTTP = """
from django.test import Client
client = Client(HTTP_HOST="news.example.com")
print(client.get("/healthz").status_code, client.get("/robots.txt").status_code)
"""


def test_a_plain_http_health_check_is_answered_where_pages_redirect_to_https(tmp_path):
    env = _env(tmp_path, DATELINE_TRUSTED_PROXY="1")
    migrate = subprocess.run(
        [sys.executable, "-m", "dateline.cli", "migrate", "--noinput", "-v0"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert migrate.returncode == 0, migrate.stderr
    done = subprocess.run(
        [sys.executable, "-m", "dateline.cli", "shell", "-c", HEALTH_OVER_HTTP],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.stdout.split()[-2:] == ["200", "301"], done.stderr
