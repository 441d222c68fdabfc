"""Changes to a library picture. A picture is a reference, never a copy (docs/architecture.md):
its caption, credit, alt text, file and focal point show at once on every story that uses
it. On a live story that is a change to what readers see, so it is checked and audited
like a correction: a writer may change a picture only while no live story they did not
write shows it, and every change to a picture on a live story leaves an audit entry on
each of those stories, naming who made it and which fields."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import Q, QuerySet

from dateline.news.models import Article, Status
from dateline.newsroom.actions.base import EDITORS, ActionRefused, _audit, _require
from dateline.newsroom.actors import is_person
from dateline.newsroom.roles import Role, roles_of
from dateline.pictures.models import Picture
from dateline.pictures.services import picture_save

# What readers see of a picture: its file and the crop around the focal point, and the
# words under it or read out for it.
SHOWN_FIELDS = ("file", "caption", "credit", "alt_text", "focal_x", "focal_y")


def live_stories_showing(picture: Picture) -> QuerySet[Article]:
    """Published and scheduled stories that show `picture`, as lead or in the body."""
    return (
        Article.objects.filter(Q(lead_picture=picture) | Q(body_pictures=picture))
        .filter(status=Status.PUBLISHED)
        .distinct()
        .order_by("pk")
    )


def picture_refusal(*, picture: Picture, by) -> str:
    """Why `by` may not change `picture` now, or "" when they may."""
    if not roles_of(by) & {Role.WRITER, *EDITORS}:
        return "Only a writer or an editor can change a picture."
    if picture.pk is None or roles_of(by) & EDITORS:
        return ""
    mine = getattr(by, "pk", None) if is_person(by) else None
    others = live_stories_showing(picture).exclude(created_by_id=mine)
    headlines = list(others.values_list("headline", flat=True)[:3])
    if not headlines:
        return ""
    return (
        "This picture is on live stories you did not write ("
        + "; ".join(headlines)
        + "): ask an editor to change it, or upload a new picture for your story."
    )


@transaction.atomic
def picture_edit(*, picture: Picture, by, changed: Iterable[str]) -> Picture:
    """Save a picture as an edit screen changed it (admin's picture form, whose focal-point
    picker sets the focal fields). `changed` names the fields the person changed."""
    _require(by, {Role.WRITER, *EDITORS}, "change a picture")
    live: list[Article] = []
    if picture.pk is not None:
        # The row lock serialises two edits of one picture; the stories are read under it.
        Picture.objects.select_for_update().filter(pk=picture.pk).exists()
        if refusal := picture_refusal(picture=picture, by=by):
            raise ActionRefused(refusal)
        live = list(live_stories_showing(picture))
    picture_save(picture=picture)
    shown = sorted(set(changed) & set(SHOWN_FIELDS))
    for story in live if shown else ():
        _audit(by, "picture_edit", story, picture=picture.pk, fields=shown)
    return picture
