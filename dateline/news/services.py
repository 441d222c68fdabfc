"""Every write to news content goes through one of these functions, whoever calls it
(admin, import, CLI, demo, later the newsroom and API). Each one invalidates exactly the
pages that show what it changed, after the transaction commits: it reads the state of what
it changes before and after, and `news.touches` says which pages that reaches.

What readers see changes only through the newsroom's actions (`dateline.newsroom.actions`):
they check the actor's role, run preflight and write the audit entry, and then open the
door (`_through_door`) for the writes below. A save that would publish, unpublish,
reschedule, withdraw, delete or edit a live story outside the door is refused with
`DoorRequired`; `newsroom/tests/test_one_door.py` fails if any module but the actions
uses the door or the private visibility functions.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
from collections.abc import Iterable, Iterator, Sequence

from django.db import transaction

from dateline.core import clock
from dateline.core.text import html_to_text, unique_slug, word_count
from dateline.news import archive, touches
from dateline.news import body as body_format
from dateline.news.models import (
    Article,
    Author,
    Collection,
    CollectionItem,
    Correction,
    Publication,
    Redirect,
    Revision,
    Section,
    Status,
    Tag,
    Topic,
)
from dateline.news.models.archive import block_of
from dateline.pagecache import invalidate


class CurationError(ValueError):
    pass


class DoorRequired(PermissionError):
    """A change to what readers see was attempted outside the newsroom's actions."""


_door: contextvars.ContextVar[bool] = contextvars.ContextVar("dateline_door", default=False)


@contextlib.contextmanager
def _through_door() -> Iterator[None]:
    """Private to dateline.newsroom.actions: the writes inside may change what readers see."""
    token = _door.set(True)
    try:
        yield
    finally:
        _door.reset(token)


def _require_door(what: str) -> None:
    if not _door.get():
        raise DoorRequired(
            f"{what} changes what readers see: it goes through the newsroom's actions "
            "(dateline.newsroom.actions), which check the role and write the audit log."
        )


class SlugTaken(ValueError):
    pass


class EditConflict(Exception):
    """Someone saved the story after this edit began; saving now would lose their work."""

    def __init__(self, article: Article, expected_version: int):
        self.article = article
        self.expected_version = expected_version
        who = article.modified_by.get_username() if article.modified_by else "someone"
        when = article.modified_at.strftime("%H:%M:%S") if article.modified_at else "just now"
        super().__init__(
            f"{who} saved this story at {when} (version {article.version}) after you opened "
            f"version {expected_version}. Your changes were not saved; compare and save again."
        )


def article_dependency_tags(article: Article) -> set[str]:
    """Cache tags of every page that shows or lists `article` now (none unless it is
    visible or scheduled)."""
    return touches.story_touches(None, touches.story_state(article.pk))


def article_free_slug(base: str, *, exclude_pk: int | None = None) -> str:
    """A slug made from `base` that no other story uses (suffixed -2, -3… when taken)."""
    slug = unique_slug(base)
    candidate, n = slug, 2
    while Article.objects.filter(slug=candidate).exclude(pk=exclude_pk).exists():
        candidate = f"{slug[:190]}-{n}"
        n += 1
    return candidate


def article_sync_references(*, article: Article) -> None:
    """Keep body_pictures / related_articles equal to the references in the stored body,
    and count words as the reader sees them (captions and ALSO READ lines included)."""
    from dateline.news.rendering import picture_figure

    picture_ids, article_ids = body_format.references(article.body)
    article.body_pictures.set(picture_ids)
    article.related_articles.set(article_ids - {article.pk})
    if picture_ids or article_ids:
        html = body_format.render(
            article.body,
            pictures={p.pk: p for p in article.body_pictures.all()},
            articles={a.pk: a for a in Article.objects.filter(pk__in=article_ids)},
            picture_html=picture_figure,
            article_url=lambda a: "",
        )
        words = word_count(html_to_text(html))
        if words != article.body_words:
            article.body_words = words
            Article.objects.filter(pk=article.pk).update(body_words=words)


def _story_changed(before: touches.StoryState | None, pk: int, *, deleted: bool = False) -> None:
    """After a story's change, in its transaction: its archive block's row when its
    sitemap file changed (read by the sitemap index), then the pages it reached. (Its
    labels' link rows follow it by trigger, news.labelled.)"""
    after = None if deleted else touches.story_state(pk)
    tags = touches.story_touches(before, after)
    if touches.sitemap_stories(pk) in tags:
        block = block_of(pk)
        listed = after is not None and (after.visible or after.scheduled)
        was_listed = before is not None and (before.visible or before.scheduled)
        moved = (
            was_listed
            and listed
            and (
                before.published_at != after.published_at
                or (before.fields["updated"] or before.published_at)
                > (after.fields["updated"] or after.published_at)
            )
        )
        if not listed or moved:
            # Out of view or back in time: the block's lastmod may go down.
            archive.refresh([block], now=clock.now())
        elif after.visible:
            archive.record(block, lastmod=after.fields["updated"] or after.published_at)
        else:
            archive.record(block, due=after.published_at)
    invalidate(tags)


@transaction.atomic
def article_save(
    *,
    article: Article,
    authors: Sequence[Author] | None = None,
    tags: Sequence[Tag] | None = None,
    topics: Sequence[Topic] | None = None,
    previous_section_id: int | None = None,
    expected_version: int | None = None,
    by=None,
) -> Article:
    """Create or update a story with its relations; the single path for content writes.

    With `expected_version`, the save succeeds only if nobody saved since that version.
    The check is one conditional UPDATE, so of two concurrent saves from the same version
    exactly one wins: the row lock (PostgreSQL) or the write lock (SQLite) makes the
    second re-read the version the first wrote."""
    if not article.slug:
        article.slug = article_free_slug(article.headline, exclude_pk=article.pk)
    elif Article.objects.filter(slug=article.slug).exclude(pk=article.pk).exists():
        raise SlugTaken(f"Another story already uses the address /story/{article.slug}/.")
    # Read before anything is written: the old section, labels and lists are what the
    # pages that must forget the story show. (`previous_section_id` is no longer needed:
    # the stored row says it.)
    before = touches.story_state(article.pk, lock=True)
    # The stored version and status come with that read (one query fewer per save: the
    # import pipeline's statements per story are pinned).
    stored = (before.version, before.status) if before is not None else None
    # Published covers scheduled too: its text is what goes live at its second.
    if article.status == Status.PUBLISHED or (stored and stored[1] == Status.PUBLISHED):
        _require_door("Saving a published or scheduled story")
    if article.pk and expected_version is not None:
        claimed = Article.objects.filter(pk=article.pk, version=expected_version).update(
            version=expected_version + 1
        )
        if not claimed:
            raise EditConflict(
                Article.objects.select_related("modified_by").get(pk=article.pk),
                expected_version,
            )
        article.version = expected_version + 1
    elif stored is not None:
        article.version = stored[0] + 1
    if by is not None:
        article.modified_by = by
        if article.pk is None and article.created_by_id is None:
            article.created_by = by
    article.save()
    if authors is not None:
        article.authors.set(authors)
    if tags is not None:
        article.tags.set(tags)
    if topics is not None:
        article.topics.set(topics)
    article_sync_references(article=article)
    if article.status != Status.PLACEHOLDER:
        last = (
            article.revisions.filter(pending=False).only("headline", "standfirst", "body").first()
        )
        text = (article.headline, article.standfirst, article.body)
        if last is None or (last.headline, last.standfirst, last.body) != text:
            Revision.objects.create(
                article=article,
                version=article.version,
                headline=article.headline,
                standfirst=article.standfirst,
                body=article.body,
                saved_by=by,
            )
    _story_changed(before, article.pk)
    return article


@transaction.atomic
def article_relations_saved(*, article: Article, before: touches.StoryState | None) -> None:
    """After a form saved a story's many-to-many relations (authors, tags, topics) itself:
    bring the derived references up to date and refresh the pages that show the story.
    `before` is the story's state read before the form saved anything
    (`touches.story_state`), so the labels it lost are known."""
    article_sync_references(article=article)
    _story_changed(before, article.pk)


@transaction.atomic
def _article_set_visibility(
    *, article: Article, status: str, published_at: dt.datetime | None = None
) -> Article:
    """Private to dateline.newsroom.actions. Publish at `published_at` (a future time
    schedules it: visibility is decided at query time, so nothing has to run when that time
    comes), or take down (draft, withdrawn)."""
    _require_door("Publishing or unpublishing")
    if status == Status.PUBLISHED:
        if not article.headline.strip():
            raise ValueError("A story needs a headline before it is published.")
        article.published_at = published_at or clock.now()
    article.status = status
    return article_save(article=article)


@transaction.atomic
def _article_delete(*, article: Article) -> None:
    """Private to dateline.newsroom.actions: delete a story and refresh every page that
    showed it (computed before the rows go)."""
    _require_door("Deleting a story")
    # What it showed on is read first: once it is gone, nothing says which lists, labels
    # and pages held it.
    before = touches.story_state(article.pk, lock=True)
    pk = article.pk
    article.delete()
    _story_changed(before, pk, deleted=True)


@transaction.atomic
def article_correct(
    *,
    article: Article,
    kind: str,
    note: str = "",
    expected_version: int | None = None,
    by=None,
    authors: Sequence[Author] | None = None,
    tags: Sequence[Tag] | None = None,
    topics: Sequence[Topic] | None = None,
) -> Correction:
    """Save a change to a published story as a typed correction. Substantive kinds move the
    "Updated" time readers see; a typo fix does not."""
    if kind not in Correction.Kind.values:
        raise ValueError(f"Unknown kind of change {kind!r}.")
    if kind in Correction.SHOWN and not note.strip():
        raise ValueError("Say what was corrected: readers see this note.")
    now = clock.now()
    if kind in Correction.SUBSTANTIVE:
        article.updated_at = now
    article_save(
        article=article,
        expected_version=expected_version,
        by=by,
        authors=authors,
        tags=tags,
        topics=topics,
    )
    correction = Correction.objects.create(article=article, kind=kind, note=note.strip(), at=now)
    if kind in Correction.SHOWN:
        # Readers see it under the story and on the corrections page.
        invalidate({"corrections", f"article:{article.pk}"})
    return correction


def section_get_or_create(*, name: str, source_id: str = "") -> Section:
    section = None
    if source_id:
        section = Section.objects.filter(source_id=source_id).first()
    if section is None:
        section = Section.objects.filter(name__iexact=name.strip()).first()
    if section is None:
        slug = unique_slug(name, max_length=100)
        position = Section.objects.count()
        section = Section.objects.create(
            name=name.strip(), slug=slug, position=position, source_id=source_id
        )
        invalidate(touches.label_touches(None, touches.label_state(Section, section.pk)))
    return section


def author_get_or_create(*, name: str) -> Author:
    slug = unique_slug(name)
    author, _ = Author.objects.get_or_create(slug=slug, defaults={"name": name.strip()})
    return author


def tag_get_or_create(*, name: str) -> Tag:
    slug = unique_slug(name, max_length=100)
    tag, _ = Tag.objects.get_or_create(slug=slug, defaults={"name": name.strip()})
    return tag


def topic_get_or_create(*, kind: str, name: str) -> Topic:
    slug = unique_slug(name)
    topic, _ = Topic.objects.get_or_create(kind=kind, slug=slug, defaults={"name": name.strip()})
    return topic


COLLECTION_TITLES = {"dont-miss": "Don't Miss", "lead": "Lead story", "top": "Top stories"}


@transaction.atomic
def collection_set(
    *, key: str, articles: Sequence[Article], title: str | None = None
) -> Collection:
    """Replace the stories of a curated list, in the given order (through the door:
    newsroom.actions.workflow.front_curate)."""
    _require_door("Curating a list")
    if len({a.pk for a in articles}) != len(articles):
        raise CurationError("A story can appear only once in a list.")
    collection, created = Collection.objects.get_or_create(
        key=key,
        defaults={"title": title or COLLECTION_TITLES.get(key, key.replace("-", " ").title())},
    )
    before = touches.collection_state(collection.pk) if not created else None
    if title and collection.title != title:
        collection.title = title
        collection.save(update_fields=["title"])
    CollectionItem.objects.filter(collection=collection).delete()
    CollectionItem.objects.bulk_create(
        CollectionItem(collection=collection, article=a, position=i) for i, a in enumerate(articles)
    )
    invalidate(touches.collection_touches(before, touches.collection_state(collection.pk)))
    return collection


@transaction.atomic
def publication_update(*, publication: Publication, **fields) -> Publication:
    """Change publication settings (`fields`, or what a form already set on the instance)."""
    before = touches.publication_state(publication.pk)
    for name, value in fields.items():
        setattr(publication, name, value)
    publication.full_clean()
    publication.save()
    invalidate(touches.publication_touches(before, touches.publication_state(publication.pk)))
    return publication


Label = Section | Author | Tag | Topic


@transaction.atomic
def label_save(*, label: Label) -> Label:
    """Save a section, author, tag or topic as a form changed it (name, address, place in
    navigation)."""
    before = touches.label_state(type(label), label.pk)
    label.save()
    invalidate(touches.label_touches(before, touches.label_state(type(label), label.pk)))
    return label


@transaction.atomic
def label_delete(*, label: Label) -> None:
    """Delete a section, author, tag or topic; its stories lose it."""
    before = touches.label_state(type(label), label.pk)
    label.delete()
    invalidate(touches.label_touches(before, None))


@transaction.atomic
def redirect_save(*, redirect: Redirect) -> Redirect:
    before = touches.redirect_state(redirect.pk)
    redirect.save()
    invalidate(touches.redirect_touches(before, touches.redirect_state(redirect.pk)))
    return redirect


@transaction.atomic
def redirect_delete(*, redirect: Redirect) -> None:
    before = touches.redirect_state(redirect.pk)
    redirect.delete()
    invalidate(touches.redirect_touches(before, None))


@transaction.atomic
def redirects_point(*, article: Article, old_paths: Iterable[str], source: str = "") -> None:
    """Make each of `old_paths` (a migrated site's permalinks) answer 301 to `article`,
    whatever it pointed at before; one statement for all of them."""
    paths = sorted({p[:1000] for p in old_paths})
    before = set(Redirect.objects.filter(old_path__in=paths).values_list("old_path", "article_id"))
    Redirect.objects.bulk_create(
        [Redirect(old_path=p, article=article, source=source) for p in paths],
        update_conflicts=True,
        unique_fields=["old_path"],
        update_fields=["article", "source"],
    )
    if before != {(p, article.pk) for p in paths}:
        invalidate({"redirects"})
