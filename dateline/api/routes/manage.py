"""The management API: a person's token does what that person may do at the desk, through
the same newsroom actions (newsroom/actions/), so the audit names the token's owner and
every role and state check holds. Never cached; never answers a session."""

import datetime as dt

from django.db import transaction
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import File, Form, Path, Schema
from ninja import Status as Answer
from ninja.files import UploadedFile
from pydantic import Field, field_validator

from dateline.api.router import GuardedRouter
from dateline.api.schemas import Error
from dateline.api.tokens import TokenAuth
from dateline.news import services as news
from dateline.news.body import BodyRefused
from dateline.news.models import Article, Correction, Section, Status
from dateline.newsroom.actions import workflow as actions
from dateline.newsroom.actions.base import ActionRefused
from dateline.newsroom.models import Workflow, WorkflowState
from dateline.newsroom.roles import roles_of
from dateline.pictures.models import Picture
from dateline.pictures.services import PictureRejected, picture_save, picture_upload_prepare

STORY_ID = Path(..., ge=1, le=2**62, description="The story's id.")
router = GuardedRouter(tags=["management"], auth=TokenAuth())

REFUSALS = {
    400: Error,
    401: Error,
    403: Error,
    404: Error,
    409: Error,
    422: Error,
    429: Error,
}


class Me(Schema):
    username: str
    roles: list[str]
    token_name: str
    token_prefix: str


@router.get("/me", response={200: Me, **REFUSALS}, operation_id="me", summary="Who the token is")
def me(request: HttpRequest):
    token = request.auth
    return {
        "username": token.user.get_username(),
        "roles": sorted(r.value for r in roles_of(token.user)),
        "token_name": token.name,
        "token_prefix": token.prefix,
    }


class Draft(Schema):
    id: int
    slug: str
    headline: str
    standfirst: str
    body: str
    section: str | None = Field(description="The section's slug.")
    tags: list[str]
    authors: list[str]
    status: str = Field(description="draft, published (live or scheduled) or withdrawn.")
    workflow: str = Field(description="draft, in_review or approved.")
    published_at: dt.datetime | None
    version: int = Field(description="Send it back with a change: a later save is refused.")


def _draft(article: Article) -> dict:
    article = (
        Article.objects.select_related("section")
        .prefetch_related("tags", "authors")
        .get(pk=article.pk)
    )
    state = Workflow.objects.filter(article=article).values_list("state", flat=True).first()
    return {
        "id": article.pk,
        "slug": article.slug,
        "headline": article.headline,
        "standfirst": article.standfirst,
        "body": article.body,
        "section": article.section.slug if article.section else None,
        "tags": [t.name for t in article.tags.all()],
        "authors": [a.name for a in article.authors.all()],
        "status": article.status,
        "workflow": state or WorkflowState.DRAFT,
        "published_at": article.published_at,
        "version": article.version,
    }


class StoryIn(Schema):
    headline: str = Field(min_length=1, max_length=300)
    standfirst: str = Field("", max_length=5000)
    body: str = Field("", max_length=2_000_000)
    section: str | None = Field(None, max_length=100, description="A section's slug.")
    tags: list[str] | None = Field(None, max_length=50, description="Tag names.")
    authors: list[str] | None = Field(None, max_length=20, description="Author names.")

    @field_validator("headline")
    @classmethod
    def _headline(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("a headline is needed")
        return value


class StoryPatch(Schema):
    version: int = Field(ge=0, description="The version you read (Draft.version).")
    headline: str | None = Field(None, min_length=1, max_length=300)
    standfirst: str | None = Field(None, max_length=5000)
    body: str | None = Field(None, max_length=2_000_000)
    section: str | None = Field(None, max_length=100)
    tags: list[str] | None = Field(None, max_length=50)
    authors: list[str] | None = Field(None, max_length=20)


class Refused(Exception):
    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status


def _story(story_id: int) -> Article:
    return get_object_or_404(Article.objects.exclude(status=Status.PLACEHOLDER), pk=story_id)


def _apply(article: Article, data: dict) -> dict:
    """Set `data`'s fields on `article`; the relations, as the services take them."""
    for name in ("headline", "standfirst", "body"):
        if data.get(name) is not None:
            setattr(article, name, data[name])
    relations = {}
    if data.get("section") is not None:
        section = Section.objects.filter(slug=data["section"]).first()
        if section is None:
            raise Refused(422, f"No section {data['section']!r}.")
        article.section = section
    if data.get("tags") is not None:
        relations["tags"] = [news.tag_get_or_create(name=n) for n in data["tags"] if n.strip()]
    if data.get("authors") is not None:
        relations["authors"] = [
            news.author_get_or_create(name=n) for n in data["authors"] if n.strip()
        ]
    return relations


def _act(function, **kwargs):
    """Run a newsroom action; its refusal is the answer (409: the story's state or version
    does not allow it now)."""
    try:
        with transaction.atomic():
            return function(**kwargs)
    except ActionRefused as exc:
        raise Refused(409, str(exc)) from None
    except news.EditConflict as exc:
        raise Refused(409, str(exc)) from None
    except news.SlugTaken as exc:
        raise Refused(409, str(exc)) from None
    except BodyRefused as exc:
        raise Refused(422, f"This text cannot be saved: {exc}.") from None


@router.post(
    "/stories",
    response={201: Draft, **REFUSALS},
    operation_id="story_create",
    summary="Write a new draft",
)
def story_create(request: HttpRequest, payload: StoryIn):
    article = Article(status=Status.DRAFT)
    relations = _apply(article, payload.dict())
    _act(actions.article_edit, article=article, by=request.auth.user, **relations)
    return Answer(201, _draft(article))


@router.get(
    "/stories/{int:story_id}",
    response={200: Draft, **REFUSALS},
    operation_id="story_get_draft",
    summary="A story as the desk sees it",
)
def story_get_draft(request: HttpRequest, story_id: int = STORY_ID):
    return _draft(_story(story_id))


@router.patch(
    "/stories/{int:story_id}",
    response={200: Draft, **REFUSALS},
    operation_id="story_update",
    summary="Change a draft",
)
def story_update(request: HttpRequest, payload: StoryPatch, story_id: int = STORY_ID):
    """A draft changes as it is; a live story changes only by `correct` (editors)."""
    article = _story(story_id)
    if article.status == Status.PUBLISHED:
        raise Refused(409, "The story is published: correct it instead (POST …/correct).")
    relations = _apply(article, payload.dict())
    _act(
        actions.article_edit,
        article=article,
        by=request.auth.user,
        expected_version=payload.version,
        **relations,
    )
    return _draft(article)


class PictureOut(Schema):
    id: int
    width: int
    height: int
    caption: str
    credit: str
    alt_text: str
    placeholder: str = Field(description="Put it in a body with this figure.")


@router.post(
    "/pictures",
    response={201: PictureOut, **REFUSALS},
    operation_id="picture_upload",
    summary="Upload a picture to the library",
)
def picture_upload(
    request: HttpRequest,
    file: File[UploadedFile],
    caption: Form[str] = "",
    credit: Form[str] = "",
    alt_text: Form[str] = "",
):
    """The same checks as the desk's form: size before reading, format, pixels; where it
    was taken and the camera's details are removed."""
    try:
        prepared = picture_upload_prepare(file)
    except PictureRejected as exc:
        raise Refused(422, f"This file cannot be used: {exc}.") from None
    picture = Picture(
        file=prepared,
        caption=caption[:1000],
        credit=credit[:200],
        alt_text=alt_text[:500],
        metadata_cleaned=True,
    )
    with transaction.atomic():
        picture_save(picture=picture)
    return Answer(
        201,
        {
            "id": picture.pk,
            "width": picture.width,
            "height": picture.height,
            "caption": picture.caption,
            "credit": picture.credit,
            "alt_text": picture.alt_text,
            "placeholder": f'<figure data-picture="{picture.pk}"></figure>',
        },
    )


class VersionIn(Schema):
    version: int | None = Field(None, ge=0, description="The version you read, when given.")


class ScheduleIn(Schema):
    at: dt.datetime = Field(description="When it goes live, with its offset; in the future.")
    version: int | None = Field(None, ge=0)

    @field_validator("at")
    @classmethod
    def _offset(cls, value):
        if value.tzinfo is None:
            raise ValueError("a time needs its offset")
        return value


class NoteIn(Schema):
    note: str = Field("", max_length=1000)


class CorrectIn(Schema):
    version: int = Field(ge=0)
    kind: Correction.Kind = Field(description="typo, update, correction, clarification, retraction")
    note: str = Field("", max_length=2000, description="What readers are told (not for typos).")
    headline: str | None = Field(None, min_length=1, max_length=300)
    standfirst: str | None = Field(None, max_length=5000)
    body: str | None = Field(None, max_length=2_000_000)


def _action_route(path: str, operation_id: str, summary: str):
    return router.post(
        path, response={200: Draft, **REFUSALS}, operation_id=operation_id, summary=summary
    )


@_action_route("/stories/{int:story_id}/submit", "story_submit", "Send a draft for review")
def story_submit(request: HttpRequest, story_id: int = STORY_ID):
    article = _story(story_id)
    _act(actions.article_submit, article=article, by=request.auth.user)
    return _draft(article)


@_action_route("/stories/{int:story_id}/approve", "story_approve", "Approve a story in review")
def story_approve(request: HttpRequest, payload: VersionIn, story_id: int = STORY_ID):
    article = _story(story_id)
    _act(
        actions.article_approve,
        article=article,
        by=request.auth.user,
        expected_version=payload.version,
    )
    return _draft(article)


@_action_route("/stories/{int:story_id}/publish", "story_publish", "Publish now")
def story_publish(request: HttpRequest, payload: VersionIn, story_id: int = STORY_ID):
    article = _story(story_id)
    _act(
        actions.article_schedule,
        article=article,
        by=request.auth.user,
        expected_version=payload.version,
    )
    return _draft(article)


@_action_route("/stories/{int:story_id}/schedule", "story_schedule", "Publish at a later time")
def story_schedule(request: HttpRequest, payload: ScheduleIn, story_id: int = STORY_ID):
    article = _story(story_id)
    _act(
        actions.article_schedule,
        article=article,
        by=request.auth.user,
        at=payload.at,
        expected_version=payload.version,
    )
    return _draft(article)


@_action_route("/stories/{int:story_id}/unpublish", "story_unpublish", "Take a story down")
def story_unpublish(request: HttpRequest, payload: NoteIn, story_id: int = STORY_ID):
    article = _story(story_id)
    _act(actions.article_unpublish, article=article, by=request.auth.user, note=payload.note)
    return _draft(article)


@_action_route("/stories/{int:story_id}/correct", "story_correct", "Correct a live story")
def story_correct(request: HttpRequest, payload: CorrectIn, story_id: int = STORY_ID):
    article = _story(story_id)
    _apply(article, payload.dict())
    _act(
        actions.article_correct,
        article=article,
        by=request.auth.user,
        kind=payload.kind,
        note=payload.note,
        expected_version=payload.version,
    )
    return _draft(article)
