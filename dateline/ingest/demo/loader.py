"""Load the demo site through the same services every other writer uses.

Safe to run again: stories are keyed by (source="demo", source_id="demo:<slug>") and
pictures by ("demo", "demo-picture:<n>"), so a second run finds everything in place and
writes nothing. A story that already exists keeps its publication time and status, so a
story an editor has unpublished stays unpublished.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction

from dateline.core import clock
from dateline.ingest.demo.pictures import draw_picture
from dateline.ingest.demo.spec import Story, blocks
from dateline.ingest.demo.stories import DONT_MISS, LEAD, SECTIONS, STORIES
from dateline.news import body as body_format
from dateline.news import services
from dateline.news.models import Article, Collection, Publication, Section
from dateline.newsroom.actions.intake import PUBLISH, article_receive
from dateline.newsroom.actions.workflow import front_curate
from dateline.newsroom.actors import importer_actor
from dateline.pictures.models import Picture
from dateline.pictures.services import picture_create_or_update

SOURCE = "demo"
PUBLICATION = {
    "name": "The Harbour Courier",
    "tagline": "News from Kelbridge and the Kell estuary",
    "language": "en",
    "time_zone": "Europe/London",
}
PICTURE_CREDITS = {"Sport": "Courier Sport Pictures", "Science": "Courier Graphics"}
DEFAULT_PICTURE_CREDIT = "Courier Photo Desk"
# Local hours in which the desk publishes; a demo with stories at 3am looks wrong.
DAY_STARTS, DAY_ENDS = 7, 22


@dataclass
class LoadResult:
    sections: int
    stories: int
    stories_created: int
    stories_updated: int
    pictures: int
    pictures_changed: int


@dataclass
class _Pictures:
    lead: Picture | None = None
    inset: Picture | None = None


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


def _store_pictures(stories: list[Story]) -> tuple[dict[str, _Pictures], int]:
    found: dict[str, _Pictures] = {}
    changed_count, number = 0, 0
    for story in stories:
        pictures = found.setdefault(story.slug, _Pictures())
        for role, caption in (("lead", story.caption), ("inset", story.inset)):
            if not caption:
                continue
            number += 1
            data, description = draw_picture(number)
            picture, changed = picture_create_or_update(
                data=data,
                filename=f"demo-{number:02d}-{story.slug}"[:80] + ".jpg",
                caption=caption,
                credit=PICTURE_CREDITS.get(story.section, DEFAULT_PICTURE_CREDIT),
                alt_text=f"Abstract illustration: {description}.",
                source=SOURCE,
                source_id=f"demo-picture:{number}",
            )
            setattr(pictures, role, picture)
            changed_count += changed
    return found, changed_count


def _body(story: Story, pictures: _Pictures, related_ids: list[int]) -> str:
    parts = blocks(story.body)
    if related_ids:
        # ALSO READ sits before the closing paragraph, where a reader pauses.
        parts[-1:-1] = [body_format.also_read_placeholder(pk) for pk in related_ids]
    if pictures.inset is not None:
        parts.insert(2, body_format.picture_placeholder(pictures.inset.pk))
    return body_format.sanitize("\n".join(parts))


def _fields(article: Article) -> tuple:
    return (
        article.headline,
        article.standfirst,
        article.source_credit,
        article.body,
        article.section_id,
        article.lead_picture_id,
        article.language,
        article.located,
    )


def _relations(article: Article) -> tuple[frozenset[int], ...]:
    return tuple(
        frozenset(manager.values_list("pk", flat=True))
        for manager in (article.authors, article.tags, article.topics)
    )


def _set_collection(key: str, articles: list[Article]) -> None:
    collection = Collection.objects.filter(key=key).first()
    current = list(collection.items.values_list("article_id", flat=True)) if collection else None
    if current != [a.pk for a in articles]:
        front_curate(key=key, articles=articles, by=DEMO)


DEMO = importer_actor("demo")


@transaction.atomic
def load(
    *, now: dt.datetime | None = None, log: Callable[[str], None] = lambda _: None
) -> LoadResult:
    """Create or refresh the demo site. One transaction, so a failure leaves no half-site
    (picture files written before the failure stay on disk, unreferenced)."""
    now = now or clock.now()
    publication = Publication.load()
    if any(getattr(publication, k) != v for k, v in PUBLICATION.items()):
        services.publication_update(publication=publication, **PUBLICATION)
    sections: dict[str, Section] = {
        name: services.section_get_or_create(name=name) for name in SECTIONS
    }
    log(f"{len(sections)} sections")

    pictures, pictures_changed = _store_pictures(STORIES)
    picture_count = sum((p.lead is not None) + (p.inset is not None) for p in pictures.values())
    log(f"{picture_count} pictures ({pictures_changed} new or changed)")

    existing = {
        a.source_id: a for a in Article.objects.filter(source=SOURCE, source_id__startswith="demo:")
    }
    times = publication_times(now, len(STORIES), publication.zone)
    by_slug: dict[str, Article] = {}
    known = {a.source_id.removeprefix("demo:"): a.pk for a in existing.values()}
    created = updated = 0
    unresolved: list[Story] = []

    def write(story: Story, article: Article, at: dt.datetime | None = None) -> bool:
        """Make `article` say what `story` says; False when it already did."""
        related = [known[slug] for slug in story.also_read if slug in known]
        if len(related) < len(story.also_read):
            unresolved.append(story)
        authors = [services.author_get_or_create(name=n) for n in story.authors]
        tags = [services.tag_get_or_create(name=n) for n in story.tags]
        topics = [services.topic_get_or_create(kind=k, name=n) for k, n in story.topics]
        before = (_fields(article), _relations(article)) if article.pk else None
        article.headline = story.headline
        article.standfirst = story.standfirst
        article.source_credit = story.credit
        article.section = sections[story.section]
        article.lead_picture = pictures[story.slug].lead
        article.language = PUBLICATION["language"]
        article.located = story.located
        article.body = _body(story, pictures[story.slug], related)
        wanted = tuple(frozenset(x.pk for x in xs) for xs in (authors, tags, topics))
        if before == (_fields(article), wanted):
            return False
        article_receive(
            article=article,
            by=DEMO,
            want=PUBLISH,
            published_at=at,
            authors=authors,
            tags=tags,
            topics=topics,
        )
        known[story.slug] = article.pk
        return True

    for story, at in zip(STORIES, times, strict=True):
        article = existing.get(story.source_id)
        if article is None:
            article = Article(source=SOURCE, source_id=story.source_id)
            if not Article.objects.filter(slug=story.slug).exists():
                article.slug = story.slug
            write(story, article, at)
            created += 1
        elif write(story, article):
            updated += 1
        by_slug[story.slug] = article

    # Stories that link to ones created after them in the loop above.
    for story in list(unresolved):
        write(story, by_slug[story.slug])

    _set_collection("lead", [by_slug[LEAD]])
    _set_collection("dont-miss", [by_slug[s] for s in DONT_MISS])

    return LoadResult(
        sections=len(sections),
        stories=len(by_slug),
        stories_created=created,
        stories_updated=updated,
        pictures=picture_count,
        pictures_changed=pictures_changed,
    )
