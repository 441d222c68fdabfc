"""Signing in, through the real login form (admin's, which the newsroom sends people to):
ten wrong passwords lock that username out from that address for a while, with a page
that says so; the right password does not get in meanwhile; an admin unlocks at once."""

from __future__ import annotations

import io

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command

from dateline.newsroom.roles import Role
from dateline.newsroom.tests.factories import staff

PASSWORD = "a-long-password-1"  # what newsroom.tests.factories.staff gives everyone
STRANGER = "203.0.113.9"


def _sign_in(client, username, password, *, address=STRANGER, next_path="/admin/"):
    return client.post(
        f"/admin/login/?next={next_path}",
        {"username": username, "password": password, "next": next_path},
        REMOTE_ADDR=address,
    )


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def _lock_out(client, username, *, address=STRANGER, next_path="/admin/"):
    responses = [
        _sign_in(client, username, f"wrong-{n}", address=address, next_path=next_path)
        for n in range(10)
    ]
    assert all(r.status_code == 200 for r in responses[:9])  # the form, with its error
    return responses[-1]


@pytest.mark.django_db
def test_ten_wrong_passwords_lock_that_username_and_address_out_with_a_clear_message(client):
    writer = staff(Role.WRITER, "maya")
    locked = _lock_out(client, "maya")
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "Signing in is locked" in page
    assert "10 wrong passwords in a row for <strong>maya</strong>" in page
    assert "locked for 15 minutes" in page and "ask an admin to unlock" in page
    # The right password, during the lockout: refused, and not signed in.
    response = _sign_in(client, "maya", PASSWORD)
    assert response.status_code == 429 and not _signed_in(client)
    assert client.get("/admin/").status_code == 302
    # The lockout answers one person at one address: no cache may keep it.
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert writer.pk


@pytest.mark.django_db
def test_the_newsroom_sign_in_is_the_same_form_and_is_locked_the_same_way(client):
    staff(Role.EDITOR, "ed")
    to_login = client.get("/newsroom/")
    assert to_login.status_code == 302 and to_login["Location"].startswith("/admin/login/")
    locked = _lock_out(client, "ed", next_path="/newsroom/")
    assert locked.status_code == 429
    response = _sign_in(client, "ed", PASSWORD, next_path="/newsroom/")
    assert response.status_code == 429 and not _signed_in(client)
    assert client.get("/newsroom/").status_code == 302


@pytest.mark.django_db
def test_the_lock_holds_only_that_username_from_that_address(client):
    staff(Role.WRITER, "maya")
    staff(Role.WRITER, "tom")
    _lock_out(client, "maya")
    # Maya from her own desk, and Tom from the stranger's address, still sign in.
    assert _sign_in(client, "maya", PASSWORD, address="198.51.100.20").status_code == 302
    assert _signed_in(client)
    client.logout()
    assert _sign_in(client, "tom", PASSWORD).status_code == 302
    assert _signed_in(client)


@pytest.mark.django_db
def test_a_good_sign_in_clears_the_count(client):
    staff(Role.WRITER, "maya")
    for n in range(9):
        _sign_in(client, "maya", f"wrong-{n}")
    assert _sign_in(client, "maya", PASSWORD).status_code == 302
    client.logout()
    for n in range(9):
        _sign_in(client, "maya", f"wrong-again-{n}")
    assert _sign_in(client, "maya", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_an_admin_unlocks_a_locked_out_member_of_staff_in_admin(client):
    staff(Role.WRITER, "maya")
    admin_user = staff(Role.ADMIN, "chief")
    admin_user.is_superuser = True
    admin_user.save()
    _lock_out(client, "maya")
    attempt = AccessAttempt.objects.get(username="maya")
    client.force_login(admin_user)
    listing = client.get("/admin/axes/accessattempt/").content.decode()
    assert "maya" in listing
    response = client.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    client.logout()
    assert _sign_in(client, "maya", PASSWORD).status_code == 302
    assert _signed_in(client)


@pytest.mark.django_db
def test_an_admin_unlocks_a_locked_out_member_of_staff_from_the_command_line(client):
    staff(Role.WRITER, "maya")
    _lock_out(client, "maya")
    call_command("axes_reset_username", "maya", stdout=io.StringIO())
    assert _sign_in(client, "maya", PASSWORD).status_code == 302
    assert _signed_in(client)


@pytest.mark.django_db
def test_the_page_cache_never_serves_a_lockout(client):
    from django.core import signals
    from django.db import close_old_connections

    from dateline.pagecache.tests.client import Counting, get
    from dateline.pagecache.wsgi import PageCacheApp

    staff(Role.WRITER, "maya")
    _lock_out(client, "maya")
    django = Counting()
    cached = PageCacheApp(django)
    # As Django's test client does: a request's end must not close the test's connection.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        pages = [get(cached, "/admin/login/", REMOTE_ADDR=STRANGER) for _ in range(2)]
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)
    assert django.calls == 2  # neither kept: the sign-in page is private
    for status, _, body in pages:
        assert status.startswith("200") and 'name="password"' in body


@pytest.mark.django_db
def test_behind_the_trusted_proxy_the_lock_holds_the_address_the_proxy_vouches_for(
    client, settings
):
    """Every request reaches us from the proxy's address; the client's is the last entry
    of X-Forwarded-For. What a client writes before it is ignored, so forging the header
    neither escapes the lock nor locks someone else out."""
    settings.DATELINE_TRUSTED_PROXY = True
    proxy = "10.0.0.2"
    staff(Role.WRITER, "maya")
    for n in range(10):
        client.post(
            "/admin/login/",
            {"username": "maya", "password": f"wrong-{n}"},
            REMOTE_ADDR=proxy,
            # A forged first entry, different each time: only the proxy's last one counts.
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, {STRANGER}",
        )
    locked = client.post(
        "/admin/login/",
        {"username": "maya", "password": PASSWORD},
        REMOTE_ADDR=proxy,
        HTTP_X_FORWARDED_FOR=STRANGER,
    )
    assert locked.status_code == 429
    elsewhere = client.post(
        "/admin/login/?next=/admin/",
        {"username": "maya", "password": PASSWORD, "next": "/admin/"},
        REMOTE_ADDR=proxy,
        HTTP_X_FORWARDED_FOR="198.51.100.20",
    )
    assert elsewhere.status_code == 302 and _signed_in(client)
