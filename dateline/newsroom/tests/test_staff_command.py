from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.management import call_command

from dateline.newsroom.roles import Role, role_group, roles_of


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


@pytest.mark.django_db
def test_demoting_an_admin_to_writer_takes_away_superuser_and_every_other_role():
    call_command("staff", "add", "sam", "--role", "admin", stdout=io.StringIO())
    sam = get_user_model().objects.get(username="sam")
    assert sam.is_superuser
    sam.groups.add(role_group(Role.EDITOR))  # a second role, given in admin
    sam.user_permissions.add(Permission.objects.get(codename="delete_article"))
    call_command("staff", "add", "sam", "--role", "writer", stdout=io.StringIO())
    sam = get_user_model().objects.get(username="sam")
    assert not sam.is_superuser
    assert roles_of(sam) == {Role.WRITER}
    assert not sam.has_perm("news.delete_article")
    assert not sam.has_perm("auth.change_user")


@pytest.mark.django_db
def test_a_superuser_made_by_createsuperuser_is_demoted_by_a_role():
    get_user_model().objects.create_superuser("root", password="a-long-password-1")
    out = io.StringIO()
    call_command("staff", "add", "root", "--role", "editor", stdout=out)
    root = get_user_model().objects.get(username="root")
    assert not root.is_superuser and roles_of(root) == {Role.EDITOR}
    assert "no longer a superuser" in out.getvalue()
