"""The demo's newsroom (newsroom/demo_staff.py): `dateline demo` makes a writer, an editor
and an admin and prints their sign-in once; nothing else ever makes them."""

from __future__ import annotations

import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from dateline.newsroom.roles import Role, roles_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media_in_tmp_path(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _demo(*args) -> str:
    out = io.StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue()


def test_the_demo_prints_three_sign_ins_once_and_each_one_works():
    User = get_user_model()
    assert not User.objects.exists()  # migrations make nobody: production has no demo staff
    printed = _demo("--if-empty")
    found = re.findall(r"^\s+(writer|editor|admin)\s+(demo-\w+)\s+(\S+)$", printed, re.M)
    assert [(role, name) for role, name, _ in found] == [
        ("writer", "demo-writer"),
        ("editor", "demo-editor"),
        ("admin", "demo-admin"),
    ]
    for role, name, password in found:
        user = User.objects.get(username=name)
        assert roles_of(user) >= {Role(role)} and user.is_staff
        assert user.password != password and user.check_password(password)
        assert len(password) >= 16
        client = Client()
        response = client.post(
            "/admin/login/?next=/newsroom/", {"username": name, "password": password}
        )
        assert response.status_code == 302 and response["Location"] == "/newsroom/"
        assert client.get("/newsroom/").status_code == 200
    assert len({p for _, _, p in found}) == 3
    # Run again: nobody new, no password printed or changed.
    hashes = dict(User.objects.values_list("username", "password"))
    again = _demo()
    assert "demo-writer" not in again and not re.search(r"^\s+writer\s", again, re.M)
    assert dict(User.objects.values_list("username", "password")) == hashes
    assert "demo-writer" not in _demo("--if-empty")
