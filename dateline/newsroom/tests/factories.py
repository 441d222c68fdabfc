from __future__ import annotations

from django.contrib.auth import get_user_model

from dateline.newsroom.roles import Role, role_group


def staff(role: Role | None, username: str | None = None):
    User = get_user_model()
    name = username or f"{role.value if role else 'norole'}-user"
    user = User.objects.create_user(name, password="a-long-password-1", is_staff=True)
    if role is not None:
        user.groups.add(role_group(role))
    return user
