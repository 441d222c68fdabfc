"""Newsroom screens. Access is decided by policy.POLICY (see urls.py); the actions decide
what each role may do to a story."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from dateline.news.models import Article, Publication, Status
from dateline.newsroom.actions.workflow import ACTIONS, ActionRefused
from dateline.newsroom.ordering import list_edited
from dateline.newsroom.preflight import preflight


def _number(value, default: int | None = None) -> int | None:
    """A whole number from a form or query string; anything else counts as missing."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _article(source) -> Article:
    # A missing or malformed id is a 404 like any unknown story, never a server error.
    return get_object_or_404(Article, pk=_number(source.get("article"), 0))


def queue(request: HttpRequest) -> HttpResponse:
    """The story list (newsroom.desk): filters, saved views (Needs me, Today), search,
    keyset pages, and on each story only the actions its state and your role allow."""
    from django.http import Http404

    from dateline.news.models import Author, Section
    from dateline.newsroom.desk import DeskFilters, desk_page
    from dateline.newsroom.offer import DeskState

    filters = DeskFilters.from_query(request.GET)
    page = desk_page(
        request.user,
        filters,
        older=request.GET.get("older", ""),
        newer=request.GET.get("newer", ""),
        at=request.GET.get("at", ""),
    )
    if page is None:
        raise Http404("No such page of the list.")
    offset = page.now.astimezone(page.zone).strftime("%z")
    titles = {"needs-me": "Needs me", "today": "Today"}
    return render(
        request,
        "newsroom/queue.html",
        {
            "page": page,
            "filters": filters,
            "title": titles.get(filters.view, "Stories"),
            "nav": filters.view or "stories",
            "states": [(s.value, s.label) for s in DeskState],
            "sections": Section.objects.only("pk", "name").order_by("name"),
            "authors": Author.objects.only("pk", "name").order_by("name"),
            "zone_label": f"{page.zone.key}, UTC{offset[:3]}:{offset[3:]}",
            "here": request.get_full_path(),
        },
    )


def _back(request: HttpRequest) -> HttpResponse:
    """Back to the screen the action was posted from (the list with its filters, the
    writing screen), when that is a newsroom address; else the list."""
    from django.utils.http import url_has_allowed_host_and_scheme

    target = request.POST.get("next", "")
    if target.startswith("/newsroom/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}
    ):
        return redirect(target)
    return redirect("newsroom:queue")


# What each action is called in the message that says it was done.
DONE = {
    "submit": "Submitted for review",
    "approve": "Approved",
    "return": "Sent back",
    "publish": "Published",
    "schedule": "Scheduled",
    "unpublish": "Unpublished",
    "correct": "Corrected",
}


def action(request: HttpRequest) -> HttpResponse:
    article = _article(request.POST)
    name = request.POST.get("action", "")
    function = ACTIONS.get(name)
    if function is None:
        messages.error(request, f"Unknown action {name!r}.")
        return _back(request)
    kwargs = {}
    note = request.POST.get("note", "").strip()
    if name in ("approve", "publish", "schedule", "correct"):
        # What the editor read: the screen's buttons carry the version it showed.
        kwargs["expected_version"] = _number(request.POST.get("version"))
    if name in ("return", "unpublish", "correct"):
        kwargs["note"] = note
    if name in ("unpublish", "correct") and not note:
        # Readers (a correction) or the audit log (an unpublish) are told why.
        messages.error(request, "Say why: the reason is needed.")
        return _back(request)
    if name == "correct":
        kwargs["kind"] = request.POST.get("kind", "")
    if name == "schedule":
        raw = request.POST.get("at", "")
        try:
            local = dt.datetime.fromisoformat(raw)
        except ValueError:
            messages.error(request, f"{raw!r} is not a date and time (YYYY-MM-DDTHH:MM).")
            return _back(request)
        if local.tzinfo is None:
            local = local.replace(tzinfo=ZoneInfo(Publication.load().time_zone))
        kwargs["at"] = local
    try:
        function(article=article, by=request.user, **kwargs)
    except ActionRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"{DONE[name]}: {article.headline}")
        if name in ("publish", "schedule"):
            for finding in preflight(article):
                messages.warning(request, finding.message)
    return _back(request)


def revisions(request: HttpRequest) -> HttpResponse:
    """Compare two revisions of a story (?article=ID&a=V&b=V) and restore one (POST)."""
    from dateline.newsroom.actions.revisions import article_restore, revision_diff

    source = request.POST if request.method == "POST" else request.GET
    article = _article(source)
    history = list(article.revisions.select_related("saved_by"))
    by_version = {r.version: r for r in history}
    if request.method == "POST" and "propose" in source:
        from dateline.newsroom.actions.workflow import article_propose

        try:
            article_propose(
                article=article,
                by=request.user,
                headline=source.get("headline", ""),
                standfirst=source.get("standfirst", ""),
                body=source.get("body", ""),
                expected_version=_number(source.get("version"), article.version),
            )
        except ActionRefused as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "Your change is waiting for review; the live story stays up.")
        return redirect(f"{request.path}?article={article.pk}")
    if request.method == "POST":
        revision = by_version.get(_number(source.get("restore")))
        if revision is None:
            messages.error(request, "No such revision.")
        else:
            try:
                article_restore(
                    article=article,
                    revision=revision,
                    by=request.user,
                    expected_version=_number(source.get("version"), article.version),
                )
            except ActionRefused as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, f"Restored version {revision.version}.")
        return redirect(f"{request.path}?article={article.pk}")
    newest = history[0] if history else None
    older = history[1] if len(history) > 1 else newest
    a = by_version.get(_number(source.get("a")), older)
    b = by_version.get(_number(source.get("b")), newest)
    diff = revision_diff(a, b) if a and b else []
    return render(
        request,
        "newsroom/revisions.html",
        {
            "article": article,
            "history": history,
            "a": a,
            "b": b,
            "diff": diff,
        },
    )


def autosave(request: HttpRequest) -> HttpResponse:
    """POST: keep what the edit screen holds now. GET: what was kept, to offer it back."""
    from django.http import JsonResponse

    from dateline.core import clock
    from dateline.news.body import BodyRefused, sanitize
    from dateline.newsroom.models import Autosave

    source = request.POST if request.method == "POST" else request.GET
    article = _article(source)
    if request.method == "POST":
        try:
            body = sanitize(source.get("body", ""))
        except BodyRefused as exc:
            return JsonResponse({"error": f"This text cannot be saved: {exc}."}, status=400)
        saved, _ = Autosave.objects.update_or_create(
            article=article,
            user=request.user,
            defaults={
                "headline": source.get("headline", "")[:300],
                "standfirst": source.get("standfirst", ""),
                "body": body,
                "saved_at": clock.now(),
            },
        )
        return JsonResponse({"saved_at": saved.saved_at.isoformat()})
    saved = Autosave.objects.filter(article=article, user=request.user).first()
    if saved is None or saved.saved_at <= article.modified_at:
        return JsonResponse({"autosave": None})
    return JsonResponse(
        {
            "autosave": {
                "headline": saved.headline,
                "standfirst": saved.standfirst,
                "body": saved.body,
                "saved_at": saved.saved_at.isoformat(),
            }
        }
    )


def _results(rows: list[dict]) -> HttpResponse:
    from django.http import JsonResponse

    return JsonResponse({"results": rows})


def pictures(request: HttpRequest) -> HttpResponse:
    """The body editor's picture chooser: ?q= searches the library (caption, credit, alt
    text; the last word as it is typed), ?id= fetches one."""
    from dateline.pictures.models import Picture
    from dateline.search.query import parse
    from dateline.search.selectors import search_pictures

    ident = _number(request.GET.get("id"))
    if ident is not None:
        found = list(Picture.objects.filter(pk=ident))
    elif query := request.GET.get("q", "").strip():
        found = search_pictures(parse(query, prefix=True), limit=20)
    else:
        found = list(Picture.objects.order_by("-pk")[:20])
    return _results(
        [
            {
                "id": p.pk,
                "caption": p.caption,
                "credit": p.credit,
                "alt": p.alt_text,
                "thumb": p.rendition_url(320) if p.width else "",
            }
            for p in found
        ]
    )


def stories(request: HttpRequest) -> HttpResponse:
    """The ALSO READ chooser: ?q= searches every story the desk has (drafts and scheduled
    too; best match, recent first; the last word as it is typed), ?id= fetches one."""
    found = Article.objects.exclude(status=Status.PLACEHOLDER).select_related("section")
    ident = _number(request.GET.get("id"))
    if ident is not None:
        stories = list(found.filter(pk=ident))
    elif query := request.GET.get("q", "").strip():
        stories = _search(query)
    else:
        stories = list(found.order_by("-published_at", "-pk")[:20])
    return _results(
        [
            {
                "id": a.pk,
                "headline": a.headline,
                "section": a.section.name if a.section else "",
                "status": a.get_status_display(),
            }
            for a in stories
        ]
    )


def _search(query: str, **filters) -> list[Article]:
    """Stories the newsroom may pick, found by the search index (as typed: the last word
    matches as a prefix)."""
    from dateline.search.query import parse
    from dateline.search.selectors import Filters, Visibility, search_stories

    results = search_stories(
        parse(query, prefix=True),
        visibility=Visibility.NEWSROOM,
        filters=Filters(**filters),
        limit=20,
        suggest=False,
    )
    return [h.article for h in results.hits]


def embed(request: HttpRequest) -> HttpResponse:
    """Checks an address for the embed tool: the provider and canonical URL, or why not.
    A refusal is an answer to the question asked, not a failed request: 200 either way."""
    from django.http import JsonResponse

    from dateline.news.embeds import EmbedRefused, embed_parse

    try:
        found = embed_parse(request.GET.get("url", ""))
    except EmbedRefused as exc:
        return JsonResponse({"ok": False, "error": str(exc)})
    return JsonResponse({"ok": True, "provider": found.provider.key, "url": found.url})


def front(request: HttpRequest) -> HttpResponse:
    """Front-page curation: the pinned lead, top stories and Don't Miss, in order; pin a
    story found by headline, move it, unpin it. Works without JavaScript."""
    from dateline.news.models import Collection
    from dateline.news.selectors import front_page
    from dateline.newsroom.actions.workflow import CURATED_LISTS, front_curate

    def pinned(key: str) -> list[Article]:
        collection = Collection.objects.filter(key=key).first()
        if collection is None:
            return []
        return [
            item.article
            for item in collection.items.select_related("article__section").order_by("position")
        ]

    if request.method == "POST":
        key = request.POST.get("list", "")
        op = request.POST.get("op", "")
        story = _article(request.POST)
        stories = list_edited(pinned(key) if key in CURATED_LISTS else [], story, op)
        try:
            front_curate(key=key, articles=stories, by=request.user)
        except ActionRefused as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"Front page updated: {story.headline}")
        return redirect("newsroom:front")

    query = request.GET.get("q", "").strip()
    found = []
    if query:
        # Published stories only, live or scheduled: a draft cannot be pinned.
        found = _search(query, status=Status.PUBLISHED)
    page = front_page()
    titles = {"lead": "Lead story", "top": "Top stories", "dont-miss": "Don't Miss"}
    return render(
        request,
        "newsroom/front.html",
        {
            "lists": [(key, titles[key], pinned(key)) for key in CURATED_LISTS],
            "titles": titles,
            "query": query,
            "found": found,
            "now_showing": page,
        },
    )
