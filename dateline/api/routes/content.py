"""The content API: visible stories and what labels them, read-only and open to anyone.

Every answer is kept by the page cache under the tags of what it shows (api/selectors.py),
expires when the pages do (the next scheduled story, the page lifetime), and carries an
ETag; If-None-Match gets a 304."""

import datetime as dt

from django.http import HttpRequest
from ninja import Path, Query, Schema
from pydantic import Field, field_validator

from dateline.api import cursor as cursors
from dateline.api import schemas, selectors
from dateline.api.responses import error, public_json
from dateline.api.router import GuardedRouter
from dateline.news.selectors import front_page
from dateline.syndication import dates, ninjs_out

STORY_ID = Path(..., ge=1, le=2**62, description="The story's id.")
router = GuardedRouter(tags=["content"])

NOT_FOUND = {404: schemas.Error, 422: schemas.Error}
BAD = {400: schemas.Error, 404: schemas.Error, 422: schemas.Error}


def _shape(schema, document) -> bytes:
    # Each answer passes through its schema, so what we send is what the schema says;
    # pydantic's serializer writes the JSON (a third of the time of json.dumps of a dict).
    return schema.model_validate(document).model_dump_json().encode()


class StoryFilters(Schema):
    section: str | None = Field(None, description="A section's slug.", max_length=100)
    tag: str | None = Field(None, description="A tag's slug.", max_length=100)
    topic: str | None = Field(
        None, description="A topic as `<kind>/<slug>`, e.g. `place/harbour`.", max_length=230
    )
    author: str | None = Field(None, description="An author's slug.", max_length=200)
    since: dt.datetime | None = Field(
        None, description="Published at or after this time (with its offset)."
    )
    until: dt.datetime | None = Field(
        None, description="Published before this time (with its offset)."
    )
    q: str | None = Field(
        None,
        description=(
            "Search words: only stories whose text holds them all (any form of a word: "
            '`ferries` finds "ferry"), still newest first. "A quoted phrase", `-word` to '
            "leave out, `or` between alternatives. Without a word to look for, no stories."
        ),
        max_length=200,
    )
    cursor: str | None = Field(
        None, description="`next_cursor` of the page before.", max_length=200
    )
    limit: int = Field(selectors.PAGE_SIZE, ge=1, le=selectors.PAGE_SIZE_MAX)

    @field_validator("since", "until")
    @classmethod
    def _with_offset(cls, value):
        if value is not None and value.tzinfo is None:
            raise ValueError("a time needs its offset, e.g. 2026-07-01T09:00:00+01:00")
        return value


@router.get(
    "/stories",
    response={200: schemas.StoryPage, **BAD},
    operation_id="stories_list",
    summary="Visible stories, newest first",
)
def stories_list(request: HttpRequest, filters: Query[StoryFilters]):
    """One page of visible stories, newest first. Follow `next_cursor` for the next page;
    filters combine (a story in all of them). With `q` the answer is `no-store`."""
    try:
        page = selectors.story_list(**filters.dict())
    except cursors.BadCursor as exc:
        return error(400, str(exc))
    except selectors.NotFound as exc:
        return error(404, str(exc))
    zone = page.site.publication.zone
    document = {
        "items": [schemas.teaser(a, zone) for a in page.stories],
        "next_cursor": page.next_cursor,
    }
    return public_json(
        request,
        _shape(schemas.StoryPage, document),
        deps=page.deps,
        expires_at=page.site.expires_at,
        # A search's answer is not kept: which stories match depends on every story's text.
        keep=filters.q is None,
    )


def _story(request: HttpRequest, found: selectors.StoryDetail | None):
    if found is None:
        return error(404, "No visible story here.")
    story, zone = found.story, found.site.publication.zone
    article = story.article
    ninjs = ninjs_out.story_document(story, found.site.publication)
    updated = dates.modified(article, zone)
    published = dates.published(article, zone)
    document = {
        **schemas.teaser(article, zone),
        "lead_picture": schemas.picture(story.pictures.get(article.lead_picture_id or 0)),
        "standfirst": article.standfirst,
        "source_credit": article.source_credit,
        "language": article.language or found.site.publication.language,
        "located": article.located,
        "updated_at": updated if updated > published else None,
        "version": article.version,
        "word_count": article.body_words,
        "authors": [schemas.label(a) for a in story.authors],
        "tags": [schemas.label(t) for t in story.tags],
        "topics": [schemas.label(t) for t in story.topics],
        "body_html": ninjs["bodies"][0]["value"],
        "ninjs": ninjs,
    }
    return public_json(
        request, _shape(schemas.Story, document), deps=found.deps, expires_at=found.site.expires_at
    )


@router.get(
    "/stories/{int:story_id}",
    response={200: schemas.Story, **NOT_FOUND},
    operation_id="story_by_id",
    summary="One visible story by id",
)
def story_by_id(request: HttpRequest, story_id: int = STORY_ID):
    if story_id < 1 or story_id > 2**62:
        return error(404, "No visible story here.")
    return _story(request, selectors.story_detail(pk=story_id))


@router.get(
    "/stories/slug/{slug}",
    response={200: schemas.Story, **NOT_FOUND},
    operation_id="story_by_slug",
    summary="One visible story by its address",
)
def story_by_slug(request: HttpRequest, slug: str):
    return _story(request, selectors.story_detail(slug=slug[:200]))


class LabelQuery(Schema):
    cursor: int | None = Field(
        None, ge=0, le=2**62, description="`next_cursor` of the page before."
    )
    limit: int = Field(selectors.PAGE_SIZE_MAX, ge=1, le=selectors.PAGE_SIZE_MAX)


def _labels(request: HttpRequest, kind: str, query: LabelQuery, schema):
    found = selectors.label_list(kind=kind, after=query.cursor, limit=query.limit)
    document = {
        "items": [schemas.label(x) for x in found.labels],
        "next_cursor": found.next_cursor,
    }
    return public_json(request, _shape(schema, document), deps=found.deps, expires_at=None)


@router.get(
    "/sections",
    response={200: schemas.LabelPage, 422: schemas.Error},
    operation_id="sections_list",
    summary="Every section, by id",
)
def sections_list(request: HttpRequest, query: Query[LabelQuery]):
    return _labels(request, "section", query, schemas.LabelPage)


@router.get(
    "/authors",
    response={200: schemas.LabelPage, 422: schemas.Error},
    operation_id="authors_list",
    summary="Every author",
)
def authors_list(request: HttpRequest, query: Query[LabelQuery]):
    return _labels(request, "author", query, schemas.LabelPage)


@router.get(
    "/tags",
    response={200: schemas.LabelPage, 422: schemas.Error},
    operation_id="tags_list",
    summary="Every tag",
)
def tags_list(request: HttpRequest, query: Query[LabelQuery]):
    return _labels(request, "tag", query, schemas.LabelPage)


@router.get(
    "/topics",
    response={200: schemas.TopicPage, 422: schemas.Error},
    operation_id="topics_list",
    summary="Every topic",
)
def topics_list(request: HttpRequest, query: Query[LabelQuery]):
    return _labels(request, "topic", query, schemas.TopicPage)


@router.get(
    "/lists/{key}",
    response={200: schemas.CuratedList, **NOT_FOUND},
    operation_id="curated_list",
    summary="A curated list: lead, top or dont-miss",
)
def curated_list(request: HttpRequest, key: str):
    if key not in selectors.LISTS:
        return error(404, f"Lists are {', '.join(selectors.LISTS)}.")
    found = selectors.curated_list(key=key)
    zone = found.site.publication.zone
    document = {"key": key, "items": [schemas.teaser(a, zone) for a in found.stories]}
    return public_json(
        request,
        _shape(schemas.CuratedList, document),
        deps=found.deps,
        expires_at=found.site.expires_at,
    )


class FrontBlock(Schema):
    section: schemas.Label
    items: list[schemas.StoryTeaser]


class FrontOut(Schema):
    lead: schemas.StoryTeaser | None
    top: list[schemas.StoryTeaser]
    sections: list[FrontBlock]
    latest: list[schemas.StoryTeaser]
    dont_miss: list[schemas.StoryTeaser]


@router.get(
    "/front",
    response={200: FrontOut, 422: schemas.Error},
    operation_id="front",
    summary="The front page",
)
def front(request: HttpRequest):
    """The front page as the site shows it: the lead, top stories, each section's block,
    the latest and Don't Miss; no story twice."""
    page = front_page()
    zone = page.site.publication.zone

    def teasers(articles):
        return [schemas.teaser(a, zone) for a in articles]

    document = {
        "lead": schemas.teaser(page.lead, zone) if page.lead else None,
        "top": teasers(page.top),
        "sections": [
            {"section": schemas.label(s), "items": teasers(items)} for s, items in page.blocks
        ],
        "latest": teasers(page.latest),
        "dont_miss": teasers(page.dont_miss),
    }
    shown = [page.lead, *page.top, *page.latest, *page.dont_miss]
    shown += [a for _, items in page.blocks for a in items]
    deps = page.deps | selectors.teaser_deps([a for a in shown if a is not None])
    return public_json(
        request, _shape(FrontOut, document), deps=deps, expires_at=page.site.expires_at
    )
