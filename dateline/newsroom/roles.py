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
    system_roles = getattr(user, "roles", None)
    if isinstance(system_roles, frozenset):  # a newsroom.actors.SystemActor
        return system_roles
    cached = getattr(user, "_dateline_roles", None)
    if cached is None:
        names = set(user.groups.values_list("name", flat=True))
        cached = frozenset(r for r in Role if r.value in names)
        if user.is_superuser:
            cached = cached | {Role.ADMIN}
        user._dateline_roles = cached
    return cached


# The admin permissions each role needs (migration 0002 gives the groups these too).
_VIEW = ["view_section", "view_author", "view_tag", "view_topic", "view_collection"]
_WRITE = [
    "add_article",
    "change_article",
    "view_article",
    "add_picture",
    "change_picture",
    "view_picture",
    "add_tag",
    "add_topic",
]
_EDIT = _WRITE + [
    "delete_article",
    "add_section",
    "change_section",
    "add_author",
    "change_author",
    "change_tag",
    "change_topic",
    "add_collection",
    "change_collection",
    "add_collectionitem",
    "change_collectionitem",
    "delete_collectionitem",
    "view_collectionitem",
    "view_auditentry",
]
ROLE_PERMISSIONS = {
    Role.WRITER: _VIEW + _WRITE,
    Role.EDITOR: _VIEW + _EDIT,
    Role.ADMIN: _VIEW + _EDIT + ["change_publication", "view_publication"],
    Role.WIRE: _VIEW + ["view_article", "view_picture"],
}


def role_group(role: Role):
    """The group of `role`, with its permissions (restored if the group was emptied)."""
    from django.contrib.auth.models import Group, Permission

    group, _ = Group.objects.get_or_create(name=role.value)
    if not group.permissions.exists():
        group.permissions.set(
            Permission.objects.filter(
                codename__in=ROLE_PERMISSIONS[role],
                content_type__app_label__in=["news", "pictures", "newsroom"],
            )
        )
    return group
