"""Reads of live coverage for public pages: the part live adds to a live story's article
page, the fragment that open pages poll, and the live feed. Query counts pinned in
tests/test_live_pages.py."""

from __future__ import annotations

import datetime as dt
import functools
import time
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from csp.constants import SELF
from django.conf import settings
from markupsafe import Markup

from dateline.core import clock
from dateline.live.models import LiveCoverage, LiveEntry
from dateline.news import body as body_format
from dateline.news.models import Article, Publication
from dateline.news.rendering import picture_figure
from dateline.pagecache.memo import memoized
from dateline.pictures.models import Picture

# How often an open page asks for new entries: an entry reaches readers within two
# seconds of its posting (one poll and one render), and each poll is a cache hit.
POLL_MILLISECONDS = 1000


@dataclass
class Live:
    """A story's live coverage as its pages show it."""

    article: Article
    coverage: LiveCoverage
    # Newest first, by (posted_at, id); the pinned entry stays in place here too.
    entries: list[LiveEntry]
    zone: ZoneInfo
    pictures: dict[int, Picture] = field(default_factory=dict)
    deps: set[str] = field(default_factory=set)
    interval: int = POLL_MILLISECONDS

    @property
    def pinned(self) -> LiveEntry | None:
        return next((e for e in self.entries if e.pinned), None)

    @property
    def stream(self) -> list[LiveEntry]:
        """The entries below the pinned one, which is shown once, on top."""
        return [e for e in self.entries if not e.pinned]

    @property
    def key_events(self) -> list[LiveEntry]:
        return [e for e in self.entries if e.key_event]

    @property
    def after(self) -> int:
        """The newest entry's id: open pages ask for what came after it."""
        return max((e.pk for e in self.entries), default=0)

    @property
    def updated_at(self) -> dt.datetime:
        times = [self.coverage.started_at, *(e.edited_at or e.posted_at for e in self.entries)]
        if self.coverage.ended_at:
            times.append(self.coverage.ended_at)
        return max(times)

    def fragment_url(self) -> str:
        return f"{self.article.get_absolute_url()}live.json"

    def local(self, when: dt.datetime) -> dt.datetime:
        return when.astimezone(self.zone)

    def body_html(self, entry: LiveEntry) -> Markup:
        return body_format.render(
            entry.body,
            pictures=self.pictures,
            articles={},
            picture_html=picture_figure,
            article_url=lambda a: a.get_absolute_url(),
        )

    def entry_html(self, entry: LiveEntry) -> Markup:
        return entry_macro()(entry, self)


@functools.cache
def entry_macro():
    """live/_entry.html's macro: one entry's markup, the same on the page and in the
    fragment an open page adds to itself."""
    from django.template import engines

    return engines["jinja2"].env.get_template("live/_entry.html").module.entry


def _covered() -> dict[int, bool]:
    """Every story with coverage, and whether it is live now (not ended)."""
    return {
        pk: ended_at is None
        for pk, ended_at in LiveCoverage.objects.values_list("article_id", "ended_at")
    }


def covered(site) -> dict[int, bool]:
    # Under `live`, which news.touches bumps when a story's coverage starts or ends.
    return memoized("live-stories", ("live",), _covered, expires_at=site.expires_at)


def live_labels(site) -> dict[int, str]:
    """ "Live" on the teasers of a story covered live now (news.selectors.teaser_label): a
    word, not a colour, so that every reader gets it."""
    return {pk: "Live" for pk, now in covered(site).items() if now}


def _read(article: Article, zone: ZoneInfo, *, after: int = 0) -> Live | None:
    """The coverage (one query), its entries (one) and their pictures (one, when any
    entry shows one)."""
    coverage = LiveCoverage.objects.filter(pk=article.pk).first()
    if coverage is None:
        return None
    entries = list(
        LiveEntry.objects.filter(article_id=article.pk, pk__gt=after).order_by("-posted_at", "-pk")
    )
    picture_ids: set[int] = set()
    for entry in entries:
        picture_ids |= body_format.references(entry.body)[0]
    pictures = {p.pk: p for p in Picture.objects.filter(pk__in=picture_ids)} if picture_ids else {}
    live = Live(article, coverage, entries, zone, pictures)
    live.deps = {f"live:{article.pk}", *(f"picture:{pk}" for pk in picture_ids)}
    return live


def live_part(page) -> None:
    """Live coverage on its story's page (news.selectors.article_part). Every article page
    depends on its story's `live:<id>`, so coverage starting shows at once; which stories
    are live is memoised, so a page of a story that is not costs no query."""
    article = page.article
    page.deps.add(f"live:{article.pk}")
    if article.pk not in covered(page.site):
        return
    live = _read(article, page.site.publication.zone)
    if live is None:
        return
    page.extras["live"] = live
    page.parts.append("live/_coverage.html")
    page.deps.update(live.deps)
    if live.coverage.is_live:
        # Its one script (live/static/live/live.js) asks this site for new entries.
        page.csp = {"script-src": [SELF], "connect-src": [SELF]}


@dataclass
class Fragment:
    live: Live
    deps: set[str]
    expires_at: float


def _visible(slug: str, now: dt.datetime) -> Article | None:
    return Article.objects.published(now).filter(slug=slug).only("id", "slug", "headline").first()


def live_fragment(*, slug: str, after: int = 0) -> Fragment | None:
    """What an open page of a live story lacks: the entries after `after` (all of them
    for 0), with what tells it to reload the rest (the coverage's revision, its end)."""
    article = _visible(slug, clock.now())
    if article is None:
        return None
    live = _read(article, _publication().zone, after=after)
    if live is None:
        return None
    # Its times are local times: the zone is all it shows of the settings.
    deps = live.deps | {f"article:{article.pk}:link", "settings:time-zone"}
    return Fragment(live, deps, time.time() + settings.DATELINE_PAGE_CACHE_SECONDS)


def _publication() -> Publication:
    lifetime = time.time() + settings.DATELINE_PAGE_CACHE_SECONDS
    return memoized("publication", ("settings",), Publication.load, expires_at=lifetime)


def live_feed(*, slug: str, limit: int = 50) -> Fragment | None:
    """A live story's newest entries for its feeds."""
    found = live_fragment(slug=slug)
    if found is not None:
        # It shows what the fragment shows (the headline too, under `:link`).
        found.live.entries = found.live.entries[:limit]
    return found
