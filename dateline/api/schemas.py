"""The API's documents. Field names are part of the contract: add, never rename or remove
within v1. Every time carries its offset (the publication's time zone, to the second)."""

import datetime as dt
from typing import Any, Literal

from ninja import Field, Schema

from dateline.news.models import Article, Author, Section, Tag, Topic
from dateline.pictures.models import Picture
from dateline.syndication import dates
from dateline.syndication.identity import absolute
from dateline.syndication.renditions import rendition


class Error(Schema):
    detail: str


class Label(Schema):
    id: int
    slug: str
    name: str
    url: str = Field(description="The label's page on the site.")


class TopicLabel(Label):
    kind: Literal["person", "organisation", "place", "event", "subject"] | str


class PictureOut(Schema):
    id: int
    url: str = Field(description="A 16:9 JPEG rendition, cropped around the focal point.")
    width: int
    height: int
    alt_text: str
    caption: str
    credit: str


class StoryTeaser(Schema):
    id: int
    slug: str
    url: str = Field(description="The story's page on the site.")
    headline: str
    teaser: str
    published_at: dt.datetime
    section: Label | None
    lead_picture: PictureOut | None


class StoryPage(Schema):
    items: list[StoryTeaser]
    next_cursor: str | None = Field(
        description="Pass as `cursor` for the next page; null on the last page."
    )


class Story(StoryTeaser):
    standfirst: str
    source_credit: str
    language: str
    located: str
    updated_at: dt.datetime | None = Field(
        description="When the story last changed after it was published; null if never."
    )
    version: int
    word_count: int
    authors: list[Label]
    tags: list[Label]
    topics: list[TopicLabel]
    body_html: str = Field(description="The body as sanitised HTML, links absolute.")
    ninjs: dict[str, Any] = Field(description="The story as an IPTC ninjs 2.2 document.")


class CuratedList(Schema):
    key: str
    items: list[StoryTeaser]


class LabelPage(Schema):
    items: list[Label]
    next_cursor: str | None


class TopicPage(Schema):
    items: list[TopicLabel]
    next_cursor: str | None


def label(obj: Section | Author | Tag | Topic | None) -> dict | None:
    if obj is None:
        return None
    out = {
        "id": obj.pk,
        "slug": obj.slug,
        "name": obj.name,
        "url": absolute(obj.get_absolute_url()),
    }
    if isinstance(obj, Topic):
        out["kind"] = obj.kind
    return out


def picture(obj: Picture | None) -> dict | None:
    if obj is None:
        return None
    r = rendition(obj, "16x9")
    return {
        "id": obj.pk,
        "url": r.url,
        "width": r.width,
        "height": r.height,
        "alt_text": obj.alt_text,
        "caption": obj.caption,
        "credit": obj.credit,
    }


def teaser(article: Article, zone) -> dict:
    return {
        "id": article.pk,
        "slug": article.slug,
        "url": absolute(article.get_absolute_url()),
        "headline": article.headline,
        "teaser": article.teaser(300),
        "published_at": dates.published(article, zone),
        "section": label(article.section) if article.section_id else None,
        "lead_picture": picture(article.lead_picture) if article.lead_picture_id else None,
    }
