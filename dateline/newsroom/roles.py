"""Newsroom roles. A role is a Django group of the same name; superusers are admins."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    WRITER = "writer"
    EDITOR = "editor"
    ADMIN = "admin"
    WIRE = "wire"


def roles_of(user) -> frozenset[Role]:
    if user is None or not user.is_authenticated or not user.is_active:
        return frozenset()
    cached = getattr(user, "_dateline_roles", None)
    if cached is None:
        names = set(user.groups.values_list("name", flat=True))
        cached = frozenset(r for r in Role if r.value in names)
        if user.is_superuser:
            cached = cached | {Role.ADMIN}
        user._dateline_roles = cached
    return cached
