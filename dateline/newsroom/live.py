"""The live desk (/newsroom/live/<story id>/): post entries to a live story, edit, pin and
delete them, start and end its coverage. Works without JavaScript; several editors use it
at once (each post is its own transaction: newsroom/actions/live.py). Access by
policy.POLICY; the actions check the role again."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from dateline.live.models import LiveCoverage, LiveEntry
from dateline.news.models import Article, Status
from dateline.newsroom.actions import live as actions
from dateline.newsroom.actions.base import ActionRefused
from dateline.pictures.models import Picture


def _number(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _picture(source) -> Picture | None:
    ident = _number(source.get("picture"))
    if ident is None:
        return None
    picture = Picture.objects.filter(pk=ident).first()
    if picture is None:
        raise ActionRefused(f"There is no picture {ident} in the library.")
    return picture


def _post(request: HttpRequest, article: Article) -> str:
    """Does what the form asked; the message for the person."""
    source = request.POST
    op = source.get("op", "")
    by = request.user
    if op == "start":
        actions.live_start(article=article, by=by)
        return "Live coverage started."
    if op == "end":
        actions.live_end(article=article, by=by)
        return "Live coverage ended."
    if op == "add":
        entry = actions.live_entry_add(
            article=article,
            by=by,
            text=source.get("text", ""),
            title=source.get("title", ""),
            key_event=bool(source.get("key_event")),
            pinned=bool(source.get("pinned")),
            picture=_picture(source),
            embed_url=source.get("embed", ""),
        )
        return f"Posted entry {entry.pk}."
    entry = LiveEntry.objects.filter(pk=_number(source.get("entry")), article=article).first()
    if entry is None:
        raise ActionRefused("No such entry on this story.")
    if op == "edit":
        actions.live_entry_edit(
            entry=entry,
            by=by,
            text=source.get("text", ""),
            title=source.get("title", ""),
            key_event=bool(source.get("key_event")),
            picture=_picture(source),
            embed_url=source.get("embed", ""),
        )
        return f"Entry {entry.pk} saved."
    if op == "delete":
        actions.live_entry_delete(entry=entry, by=by)
        return f"Entry {entry.pk} deleted."
    if op in ("pin", "unpin"):
        actions.live_entry_pin(entry=entry, by=by, pinned=op == "pin")
        return f"Entry {entry.pk} {'pinned' if op == 'pin' else 'unpinned'}."
    raise ActionRefused(f"Unknown operation {op!r}.")


def live_desk(request: HttpRequest, article_id: int) -> HttpResponse:
    article = get_object_or_404(Article.objects.exclude(status=Status.PLACEHOLDER), pk=article_id)
    if request.method == "POST":
        try:
            done = _post(request, article)
        except ActionRefused as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, done)
        return redirect("newsroom:live", article_id=article.pk)
    coverage = LiveCoverage.objects.filter(pk=article.pk).first()
    entries = list(article.live_entries.order_by("-posted_at", "-pk"))
    return render(
        request,
        "newsroom/live.html",
        {"article": article, "coverage": coverage, "entries": entries},
    )
