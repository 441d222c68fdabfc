from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from dateline.newsroom.roles import Role, roles_of


@pytest.mark.django_db
def test_staff_add_creates_a_member_with_one_role_and_no_password():
    out = io.StringIO()
    call_command("staff", "add", "maya", "--role", "writer", stdout=out)
    user = get_user_model().objects.get(username="maya")
    assert user.is_staff and not user.has_usable_password()
    assert roles_of(user) == {Role.WRITER}
    assert "dateline changepassword maya" in out.getvalue()
    call_command("staff", "add", "maya", "--role", "editor", stdout=io.StringIO())
    user = get_user_model().objects.get(username="maya")
    assert roles_of(user) == {Role.EDITOR}
    assert user.has_perm("news.change_article") and user.has_perm("news.change_section")
