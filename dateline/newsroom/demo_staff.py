"""The demo site's newsroom: a writer, an editor and an admin, so that a newcomer signs in
and tries the desk at once (as Wagtail's bakerydemo does). Made only by `dateline demo`,
never by migrations or any production path; each gets a random password, printed once."""

from __future__ import annotations

import secrets

from django.contrib.auth import get_user_model
from django.db import transaction

from dateline.newsroom.roles import Role, role_group

DEMO_STAFF = (
    ("demo-writer", Role.WRITER),
    ("demo-editor", Role.EDITOR),
    ("demo-admin", Role.ADMIN),
)


@transaction.atomic
def demo_staff_create() -> list[tuple[str, str, str]]:
    """Make the demo's three people if none of them exists yet: (username, role, password)
    for each one made. A second run makes nobody and changes no password."""
    User = get_user_model()
    names = [name for name, _ in DEMO_STAFF]
    if User.objects.filter(username__in=names).exists():
        return []
    made = []
    for name, role in DEMO_STAFF:
        password = secrets.token_urlsafe(12)
        user = User(username=name, is_staff=True, is_superuser=role == Role.ADMIN)
        user.set_password(password)
        user.save()
        user.groups.set([role_group(role)])
        made.append((name, role.value, password))
    return made
