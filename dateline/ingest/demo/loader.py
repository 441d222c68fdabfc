"""Load the demo site through the ninjs parser and `story_apply`, like any import.

Safe to run again: stories are keyed by (source "demo", their ninjs uri "demo:<slug>") and
pictures by ("demo", "demo-picture:<n>"), and a story whose file has not changed is
`unchanged`, so a second run writes nothing. The files carry the dates they were written
with; the demo is dated back from now instead (`publication_times`), once: a story already
loaded keeps its time, and one an editor took down stays down.
"""

from __future__ import annotations

import datetime as dt
import random
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from dateline.core import clock
from dateline.ingest.apply import Run, story_apply
from dateline.ingest.incoming import IncomingSection, IncomingStory
from dateline.ingest.pipeline import CREATED, UPDATED
from dateline.ingest.sources import ninjs
from dateline.news import services
from dateline.news.models import Article, Collection, Publication, Status
from dateline.newsroom.actions.workflow import front_curate
from dateline.newsroom.actors import importer_actor

DATA = Path(__file__).resolve().parent / "harbour-courier"
SOURCE = "demo"
DEMO = importer_actor("demo")
# Local hours in which the desk publishes; a demo with stories at 3am looks wrong.
DAY_STARTS, DAY_ENDS = 7, 22


class DemoDataError(ValueError):
    """The demo's own files do not read (a broken checkout or package)."""


@dataclass
class LoadResult:
    sections: int
    stories: int
    stories_created: int
    stories_updated: int
    pictures: int
    pictures_changed: int


def publication_times(now: dt.datetime, count: int, zone) -> list[dt.datetime]:
    """`count` moments before `now`, newest first, a few hours apart and in daytime."""
    rng = random.Random("dateline-demo-times")
    times: list[dt.datetime] = []
    at = now - dt.timedelta(minutes=20)
    for _ in range(count):
        local = at.astimezone(zone)
        if not DAY_STARTS <= local.hour < DAY_ENDS:
            # Night: go back to the previous evening's last slot.
            evening = local.replace(hour=DAY_ENDS - 1, minute=rng.randrange(0, 50))
            if local.hour >= DAY_ENDS:
                at = evening
            else:
                at = evening - dt.timedelta(days=1)
        at = at.replace(second=0, microsecond=0)
        times.append(at)
        at = at - dt.timedelta(minutes=rng.randrange(90, 300))
    return times


def manifest() -> dict:
    return tomllib.loads((DATA / "manifest.toml").read_text(encoding="utf-8"))


def stories() -> dict[str, IncomingStory]:
    """Every demo story as the ninjs parser reads it, by source id."""
    found: dict[str, IncomingStory] = {}
    for path in sorted((DATA / "stories").glob("*.json")):
        for parsed in ninjs.read_file(path, source=SOURCE):
            if not isinstance(parsed, IncomingStory):
                raise DemoDataError(f"{path.name}: {getattr(parsed, 'detail', parsed)}")
            found[parsed.source_id] = parsed
    return found


def _set_collection(key: str, articles: list[Article]) -> None:
    collection = Collection.objects.filter(key=key).first()
    current = list(collection.items.values_list("article_id", flat=True)) if collection else None
    if current != [a.pk for a in articles]:
        front_curate(key=key, articles=articles, by=DEMO)


def _live(article: Article, entries: list[dict], now: dt.datetime) -> None:
    """Cover the story live with the manifest's entries, once: coverage that exists (the
    desk may have posted, edited or ended it since) is left as it is."""
    from dateline.live.models import LiveCoverage
    from dateline.newsroom.actions.live import live_entry_add, live_start

    if LiveCoverage.objects.filter(pk=article.pk).exists():
        return
    article.refresh_from_db()
    start = min(article.published_at, now)
    live_start(article=article, by=DEMO, at=start)
    for entry in entries:
        at = min(start + dt.timedelta(minutes=entry["minutes"]), now)
        live_entry_add(
            article=article,
            by=DEMO,
            text=entry["text"],
            title=entry.get("title", ""),
            key_event=entry.get("key_event", False),
            pinned=entry.get("pinned", False),
            at=at,
        )


@transaction.atomic
def load(
    *, now: dt.datetime | None = None, log: Callable[[str], None] = lambda _: None
) -> LoadResult:
    """Create or refresh the demo site. One transaction, so a failure leaves no half-site
    (picture files written before the failure stay on disk, unreferenced)."""
    now = now or clock.now()
    wanted = manifest()
    publication = Publication.load()
    settings = wanted["publication"]
    if any(getattr(publication, k) != v for k, v in settings.items()):
        services.publication_update(publication=publication, **settings)
    run = Run()
    # Made first, in the manifest's order: their order in the navigation.
    for name in wanted["sections"]:
        run.section(IncomingSection(name))
    log(f"{len(wanted['sections'])} sections")

    by_id = stories()
    order = wanted["stories"]
    if set(order) != set(by_id):
        raise DemoDataError(f"manifest and files differ: {sorted(set(order) ^ set(by_id))}")
    loaded = set(
        Article.objects.filter(source=SOURCE)
        .exclude(status=Status.PLACEHOLDER)
        .values_list("source_id", flat=True)
    )
    counts = {CREATED: 0, UPDATED: 0}
    articles: dict[str, Article] = {}
    times = publication_times(now, len(order), publication.zone)
    for source_id, at in zip(order, times, strict=True):
        story = by_id[source_id]
        story.published_at = at if source_id not in loaded else None
        story.updated_at = None
        applied = story_apply(story, actor=DEMO, run=run)
        counts[applied.outcome] = counts.get(applied.outcome, 0) + 1
        articles[source_id] = applied.article
    pictures = {p.key for s in by_id.values() for p in (s.lead_picture, *s.pictures) if p}
    log(f"{len(pictures)} pictures ({run.pictures_changed} new or changed)")

    for key, picks in wanted["front"].items():
        _set_collection(key, [articles[source_id] for source_id in picks])
    pages_created = load_pages()
    log(f"{pages_created} pages new")
    if "live" in wanted:
        _live(articles[wanted["live"]["story"]], wanted["live"]["entries"], now)

    return LoadResult(
        sections=len(wanted["sections"]),
        stories=len(articles),
        stories_created=counts[CREATED],
        stories_updated=counts[UPDATED],
        pictures=len(pictures),
        pictures_changed=run.pictures_changed,
    )


def load_pages() -> int:
    """The demo's static pages (pages.toml) through the newsroom's `page_receive`, keyed by
    slug: unchanged when loaded before; and its footer menu, set only on a site whose
    footer is empty (an editor's menu is theirs). Returns how many pages were new."""
    import hashlib

    from dateline.newsroom.actions.pages import footer_set, page_receive
    from dateline.pages.models import FooterLink, Page

    try:
        wanted = tomllib.loads((DATA / "pages.toml").read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise DemoDataError(f"pages.toml: {exc}") from None
    created = 0
    for entry in wanted["pages"]:
        body = entry["body"].strip()
        text = f"{entry['title']}\n{entry.get('description', '')}\n{body}"
        version = hashlib.sha256(text.encode()).hexdigest()[:64]
        received = page_receive(
            source=SOURCE,
            source_id=f"demo-page:{entry['slug']}",
            version=version,
            title=entry["title"],
            slug=entry["slug"],
            body=body,
            description=entry.get("description", ""),
            publish=True,
            by=DEMO,
        )
        created += received.outcome == CREATED
    if not FooterLink.objects.exists():
        by_slug = {p.slug: p for p in Page.objects.filter(source=SOURCE)}
        footer_set(pages=[by_slug[s] for s in wanted["footer"] if s in by_slug], by=DEMO)
    return created
