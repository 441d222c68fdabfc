"""The newsletters desk, /newsroom/newsletters/ (editors): today's briefing as assembled
from the front page, edited and sent (or left to go at the set time); breaking news sent
from a live story; a subscriber's data exported or deleted on request, or marked bounced.
Mounted among the newsroom's routes by config/urls.py and guarded by its policy; every
change goes through actions.py, which checks the role again and audits."""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from dateline.news.models import Article, Publication
from dateline.newsletters import actions, lists, sending
from dateline.newsletters.models import Mailing, MailingStatus
from dateline.newsroom.actions.base import ActionRefused
from dateline.newsroom.policy import route


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _draft_op(request: HttpRequest, mailing: Mailing, op: str) -> str:
    ids = [i["id"] for i in mailing.items]
    story = _int(request.POST.get("article"))
    if op == "edit":
        ids = [i for i in (_int(x) for x in request.POST.getlist("story")) if i is not None]
    elif op == "remove" and story in ids:
        ids.remove(story)
    elif op in ("up", "down") and story in ids:
        i = ids.index(story)
        j = i - 1 if op == "up" else i + 1
        if 0 <= j < len(ids):
            ids[i], ids[j] = ids[j], ids[i]
    elif op == "add" and story is not None and story not in ids:
        ids.append(story)
    actions.mailing_edit(
        mailing=mailing,
        by=request.user,
        subject=request.POST.get("subject", mailing.subject),
        intro=request.POST.get("intro", mailing.intro),
        story_ids=ids,
    )
    return "Briefing saved."


def _post(request: HttpRequest) -> HttpResponse:
    op = request.POST.get("op", "")
    email = request.POST.get("email", "")
    try:
        if op == "assemble":
            actions.briefing_assemble(by=request.user)
            messages.success(request, "Briefing assembled from the front page.")
        elif op in ("edit", "remove", "up", "down", "add", "send"):
            mailing = Mailing.objects.filter(pk=_int(request.POST.get("mailing")) or 0).first()
            if mailing is None:
                messages.error(request, "No such newsletter.")
            elif op == "send":
                n = actions.mailing_send(mailing=mailing, by=request.user)
                messages.success(request, f"Sending to {n} subscribers.")
            else:
                messages.success(request, _draft_op(request, mailing, op))
        elif op == "breaking":
            story = Article.objects.filter(pk=_int(request.POST.get("article")) or 0).first()
            if story is None:
                messages.error(request, "No such story.")
            else:
                mailing = actions.breaking_send(
                    article=story, by=request.user, subject=request.POST.get("subject", "")
                )
                messages.success(request, f"Breaking news sending: {mailing.subject}")
        elif op == "export":
            data = actions.subscriber_export(email=email, by=request.user)
            if data is None:
                messages.error(request, "No subscriber has that address.")
            else:
                response = HttpResponse(
                    json.dumps(data, indent=2, ensure_ascii=False),
                    content_type="application/json; charset=utf-8",
                )
                response["Content-Disposition"] = 'attachment; filename="subscriber.json"'
                return response
        elif op == "erase":
            if actions.subscriber_erase(email=email, by=request.user):
                messages.success(request, "The subscriber's address and records are deleted.")
            else:
                messages.error(request, "No subscriber has that address.")
        elif op == "bounce":
            if actions.subscriber_bounce(email=email, by=request.user, note="marked at the desk"):
                messages.success(request, "Marked as bounced: nothing more goes to it.")
            else:
                messages.error(request, "No subscriber has that address.")
    except ActionRefused as exc:
        messages.error(request, str(exc))
    return redirect("newsroom:newsletters")


def newsletters(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        return _post(request)
    publication = Publication.load()
    today = actions.local_today(publication)
    briefing = Mailing.objects.filter(list_key=lists.BRIEFING, edition=today).first()
    stories = []
    if briefing is not None:
        found = Article.objects.filter(pk__in=[i["id"] for i in briefing.items]).in_bulk()
        stories = [(found[i["id"]], i.get("group", "")) for i in briefing.items if i["id"] in found]
    chosen = Article.objects.published().filter(pk=_int(request.GET.get("article")) or 0).first()
    recent = list(Article.objects.published().newest_first().only("pk", "headline")[:15])
    mailings = list(Mailing.objects.all()[:20])
    return render(
        request,
        "newsletters/desk.html",
        {
            "briefing": briefing,
            "draft": briefing is not None and briefing.status == MailingStatus.DRAFT,
            "stories": stories,
            "send_at": settings.DATELINE_BRIEFING_AT,
            "zone": publication.time_zone,
            "chosen": chosen,
            "recent": recent,
            "lists": [(x, sending.subscribers_of(x.key)) for x in lists.all_lists()],
            "mailings": [(m, sending.counts(m)) for m in mailings],
        },
    )


urlpatterns = [route("newsletters/", newsletters, "newsletters")]
