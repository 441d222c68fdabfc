"""A small newsroom for syndication tests: the publication in London time, a story first
published at 00:30 on a summer night (23:30 UTC the day before) with two authors, topics,
tags, a lead picture and a body picture with credits, an ALSO READ link, and a later
substantive update."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.core.files.base import ContentFile
from PIL import Image

from dateline.news import body as body_format
from dateline.news import services
from dateline.news.models import Article, Publication, Section
from dateline.news.tests import factories
from dateline.pictures.models import Picture
from dateline.pictures.services import picture_create_or_update

LONDON = ZoneInfo("Europe/London")
# 00:30 British Summer Time on 1 July 2026 is 23:30 UTC on 30 June.
PUBLISHED = dt.datetime(2026, 7, 1, 0, 30, tzinfo=LONDON)
UPDATED = dt.datetime(2026, 7, 1, 9, 15, 42, tzinfo=LONDON)
NOW = dt.datetime(2026, 7, 1, 12, 0, tzinfo=LONDON)


def jpeg(width: int = 2000, height: int = 1400, colour=(40, 90, 140)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, "JPEG", quality=70)
    return buffer.getvalue()


def picture(caption: str, credit: str, colour=(40, 90, 140)) -> Picture:
    made, _ = picture_create_or_update(
        data=jpeg(colour=colour),
        filename=f"{caption[:20]}.jpg",
        caption=caption,
        credit=credit,
        alt_text=f"Photograph: {caption}",
    )
    return made


@dataclass
class World:
    publication: Publication
    section: Section
    story: Article
    linked: Article
    lead: Picture
    inline: Picture


def build(*, headline: str = "Harbour wall gives way in the night storm") -> World:
    publication = Publication.load()
    publication.name = "The Harbour Courier"
    publication.language = "en-GB"
    publication.time_zone = "Europe/London"
    publication.logo.save("logo.png", ContentFile(_png()), save=False)
    services.publication_update(publication=publication)
    section = factories.section("Harbour")
    linked = factories.article(
        headline="Sea defences were due for repair in May",
        section_obj=section,
        published_at=PUBLISHED - dt.timedelta(days=3),
    )
    lead = picture("The breach at first light", "ANI")
    inline = picture("Volunteers fill sandbags", "Courier Photo Desk", colour=(150, 60, 30))
    story = Article(
        headline=headline,
        standfirst="Residents of Eastquay woke to water in their streets",
        source_credit="reports Courier Staff",
        body=(
            "<p>The old harbour wall gave way shortly after midnight.</p>"
            "<h2>Water in the streets</h2>"
            '<p>Crews worked until dawn. <a href="/section/harbour/">More harbour news</a>.</p>'
            + body_format.picture_placeholder(inline.pk)
            + "<p>The council will meet on Friday.</p>"
            + body_format.also_read_placeholder(linked.pk)
        ),
        section=section,
        lead_picture=lead,
        located="Kelbridge",
    )
    authors = [
        services.author_get_or_create(name="Maya Okafor"),
        services.author_get_or_create(name="Tom Reyes"),
    ]
    topics = [
        services.topic_get_or_create(kind="place", name="Eastquay"),
        services.topic_get_or_create(kind="organisation", name="Kelbridge City Council"),
        services.topic_get_or_create(kind="person", name="Sunita Vale"),
    ]
    tags = [services.tag_get_or_create(name="Storms")]
    services.article_save(article=story, authors=authors, topics=topics, tags=tags)
    factories.publish(story, PUBLISHED)
    story.updated_at = UPDATED
    factories.save(story)
    return World(publication, section, story, linked, lead, inline)


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (600, 60), (10, 20, 30)).save(buffer, "PNG")
    return buffer.getvalue()
