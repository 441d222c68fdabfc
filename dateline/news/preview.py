"""Previews: a story exactly as readers will see it, before it is live.

A preview address carries a signed token (django.core.signing, the site's secret key) naming
the story and the version it was made for, and the time it was made: it expires after
`PREVIEW_SECONDS`, and a token that was guessed, altered or made for an older version of
the story is refused. The page is the public article template rendered fresh on every
request: never kept by the page cache or any cache in front (`private, no-store`), and
never indexed (`X-Robots-Tag` and the page's own robots meta)."""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

SALT = "dateline.news.preview"


def preview_seconds() -> int:
    """How long a preview address works (DATELINE_PREVIEW_SECONDS, a day by default)."""
    return int(settings.DATELINE_PREVIEW_SECONDS)


def preview_token(*, article_id: int, version: int) -> str:
    return signing.dumps({"a": int(article_id), "v": int(version)}, salt=SALT)


def preview_url(article) -> str:
    token = preview_token(article_id=article.pk, version=article.version)
    return reverse("news:preview", kwargs={"token": token})


class PreviewRefused(Exception):
    """The token is not one we made, has expired, or names an older version."""


def preview_read(token: str) -> tuple[int, int]:
    """(story id, version) from a token we made less than `preview_seconds()` ago."""
    try:
        data = signing.loads(token, salt=SALT, max_age=preview_seconds())
    except signing.SignatureExpired:
        raise PreviewRefused("This preview has expired: make a new one from the story.") from None
    except signing.BadSignature:
        raise PreviewRefused("This is not a preview address.") from None
    if not isinstance(data, dict) or not isinstance(data.get("a"), int):
        raise PreviewRefused("This is not a preview address.")
    if not isinstance(data.get("v"), int):
        raise PreviewRefused("This is not a preview address.")
    return data["a"], data["v"]


def _never_kept(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@require_safe
def preview(request: HttpRequest, token: str) -> HttpResponse:
    from dateline.news import selectors
    from dateline.news.models import Article

    try:
        article_id, version = preview_read(token)
    except PreviewRefused as exc:
        return _refused(request, str(exc), 404)
    current = Article.objects.filter(pk=article_id).values_list("version", flat=True).first()
    if current is None:
        return _refused(request, "The story is gone.", 404)
    if current != version:
        # The story changed since this address was made: what it would show is not what
        # the person who sent it read. The desk makes a new one for the new version.
        return _refused(
            request,
            "This preview is of an older version: open the story and make a new preview.",
            410,
        )
    page = selectors.article_page(preview_id=article_id)
    if page is None:
        return _refused(request, "The story is gone.", 404)
    response = render(
        request, "news/article.html", {"page": page, "site": page.site, "preview": True}
    )
    return _never_kept(response)


def _refused(request: HttpRequest, message: str, status: int) -> HttpResponse:
    from dateline.news import selectors

    response = render(
        request,
        "news/404.html",
        {"site": selectors.site_context(), "path": request.path, "message": message},
        status=status,
    )
    return _never_kept(response)
