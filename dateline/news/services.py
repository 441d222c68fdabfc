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
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

from django.db import connection, transaction

from dateline.core import bulk, clock
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
    picture_ids, article_ids = body_format.references(article.body)
    article.body_pictures.set(picture_ids)
    article.related_articles.set(article_ids - {article.pk})
    if picture_ids or article_ids:
        words = _words_as_read(
            article,
            pictures={p.pk: p for p in article.body_pictures.all()},
            articles={a.pk: a for a in Article.objects.filter(pk__in=article_ids)},
        )
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


def _words_as_read(article: Article, *, pictures: dict, articles: dict) -> int:
    """The body's words as the reader sees them: captions and ALSO READ lines included."""
    from dateline.news.rendering import picture_figure

    html = body_format.render(
        article.body,
        pictures=pictures,
        articles=articles,
        picture_html=picture_figure,
        article_url=lambda a: "",
    )
    return word_count(html_to_text(html))


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
    revision: bool = True,
) -> Article:
    """Create or update a story with its relations; the single path for content writes.

    Each save whose text differs from the last revision keeps a revision. `revision=False`
    (a story's first text from an import) keeps none: the stored row is its first version,
    copied into a revision only when a later save changes the text, so a million imported
    stories do not carry a million copies of bodies nobody changed.

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
    keeps_revisions = article.status != Status.PLACEHOLDER
    last = None
    first_text = None
    if keeps_revisions and article.pk:
        last = (
            article.revisions.filter(pending=False)
            .only("headline", "standfirst", "body", "version")
            .first()
        )
        if last is None and stored is not None and stored[1] != Status.PLACEHOLDER:
            # Imported without a revision: the stored text is its first version.
            first_text = (
                Article.objects.filter(pk=article.pk)
                .values_list("headline", "standfirst", "body", "version")
                .first()
            )
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
    if keeps_revisions and (revision or last is not None or first_text is not None):
        text = (article.headline, article.standfirst, article.body)
        if first_text is not None:
            if first_text[:3] != text:
                headline, standfirst, body, version = first_text
                Revision.objects.create(
                    article=article,
                    version=version,
                    headline=headline,
                    standfirst=standfirst,
                    body=body,
                )
            last = Revision(headline=first_text[0], standfirst=first_text[1], body=first_text[2])
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


@dataclass
class NewStory:
    """A story `articles_create` makes: its row (not saved yet) and its relations."""

    article: Article
    authors: Sequence[Author] = ()
    tags: Sequence[Tag] = ()
    topics: Sequence[Topic] = ()
    # The body once every story of the batch has its id: a story may link to another of
    # the same batch (an export's post to the one before). Called after the insert.
    body_after: Callable[[], str] | None = None


@transaction.atomic
def articles_create(*, stories: Sequence[NewStory]) -> list[Article]:
    """Create many new stories at once (an import's batch), each as `article_save` would
    create it, in a number of statements that does not grow with the batch: free
    addresses found in one query, the rows inserted in one, their relations and derived
    references in one each, and the pages they reach invalidated once. Published or
    scheduled ones only through the door (newsroom.actions.intake.articles_receive_new).
    No revision is kept: the stored row is each story's first version (`article_save`)."""
    articles = [story.article for story in stories]
    if not articles:
        return []
    if any(a.pk is not None for a in articles):
        raise ValueError("articles_create makes new stories only.")
    if any(a.status == Status.PUBLISHED for a in articles):
        _require_door("Publishing stories")
    _free_slugs(articles)
    # Where the ids can be had before the rows (PostgreSQL's sequence), a body that links
    # to a story of the same batch is made before the insert: one write of each row, not
    # an insert and then an UPDATE of every such body (and its triggers' work).
    ids_first = bulk.ids_take(Article, articles)
    later = []
    for story in stories:
        if story.body_after is None:
            story.article.derive()
        elif ids_first:
            story.article.body = story.body_after()
            story.article.derive()
        else:
            # Its body is made below, once the batch has ids: nothing to derive yet.
            story.article.body = story.article.teaser_source = ""
            later.append(story)
    references = None
    if ids_first:
        # The words as read (captions, ALSO READ lines) known before the insert too: the
        # rows go in with them, not followed by an UPDATE of every story whose count they
        # move (each story of a ninjs export linking to the one before).
        references = _references_read(articles)
        _words_as_read_many(articles, references, [])
    bulk.rows_insert(Article, articles)
    through = Article.authors.through, Article.tags.through, Article.topics.through
    for model, name, attr in zip(
        through, ("author_id", "tag_id", "topic_id"), ("authors", "tags", "topics"), strict=True
    ):
        bulk.pairs_insert(
            model,
            ("article_id", name),
            [
                (story.article.pk, pk)
                for story in stories
                for pk in dict.fromkeys(label.pk for label in getattr(story, attr))
            ],
        )
    changed = []
    for story in later:
        story.article.body = story.body_after()
        story.article.derive()
        changed.append(story.article)
    if references is None:
        references = _references_read(articles)
        _words_as_read_many(articles, references, changed)
    _references_insert(references)
    if changed:
        _bodies_write(changed)
    # What `_story_changed` keeps for one story, for the batch: the archive blocks' rows
    # the sitemap index reads. (The label links' publication time follows by trigger.)
    tags: set[str] = set()
    for state in touches.story_states([a.pk for a in articles]).values():
        tags |= touches.story_touches(None, state)
    blocks = {block_of(a.pk) for a in articles if touches.sitemap_stories(a.pk) in tags}
    if blocks:
        archive.refresh(blocks, now=clock.now())
    invalidate(tags)
    return articles


def _bodies_write(articles: Sequence[Article]) -> None:
    """The bodies made once the batch had ids, in one statement: the rows joined to a list
    of values (bulk_update's CASE over a batch costs more to build than the writes, and a
    statement per story costs the database a statement's work, triggers included, each)."""
    rows = ", ".join(["(%s, %s, %s, %s)"] * len(articles))
    params = [v for a in articles for v in (a.pk, a.body, a.body_words, a.teaser_source)]
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH v (id, body, body_words, teaser_source) AS (VALUES {rows}) "
            "UPDATE news_article SET body = v.body, body_words = v.body_words, "
            "teaser_source = v.teaser_source FROM v WHERE news_article.id = v.id",
            params,
        )


def _free_slugs(articles: Sequence[Article]) -> None:
    """Give each story an address no other story has (its own wish, else one made from its
    headline), with one query for the whole batch; only a taken one costs more."""
    wanted = [unique_slug(a.slug or a.headline) for a in articles]
    taken = set(Article.objects.filter(slug__in=set(wanted)).values_list("slug", flat=True))
    for article, slug in zip(articles, wanted, strict=True):
        candidate, n = slug, 2
        while candidate in taken or (n > 2 and Article.objects.filter(slug=candidate).exists()):
            candidate = f"{slug[:190]}-{n}"
            n += 1
        article.slug = candidate
        taken.add(candidate)


def _references_read(articles: Sequence[Article]) -> tuple[dict, dict, dict]:
    """`article_sync_references` for a batch of new stories, its reading: each story's
    references (by id), and the pictures and stories they name, in a query each."""
    from dateline.pictures.models import Picture

    found = {a.pk: body_format.references(a.body) for a in articles}
    picture_ids = set().union(*(p for p, _ in found.values()))
    article_ids = set().union(*(r for _, r in found.values()))
    pictures = Picture.objects.in_bulk(picture_ids) if picture_ids else {}
    # A link to a story of the same batch (an export's post to the one before) needs no
    # query: the row is in hand.
    in_hand = {a.pk: a for a in articles}
    linked = {pk: in_hand[pk] for pk in article_ids if pk in in_hand}
    if article_ids - linked.keys():
        linked |= Article.objects.in_bulk(article_ids - linked.keys())
    return found, pictures, linked


def _references_insert(references: tuple[dict, dict, dict]) -> None:
    """The batch's body_pictures and related_articles, in one insert each."""
    found, pictures, linked = references
    bulk.pairs_insert(
        Article.body_pictures.through,
        ("article_id", "picture_id"),
        [(pk, pid) for pk, (pids, _) in found.items() for pid in pids if pid in pictures],
    )
    bulk.pairs_insert(
        Article.related_articles.through,
        ("from_article_id", "to_article_id"),
        [
            (pk, aid)
            for pk, (_, aids) in found.items()
            for aid in aids
            if aid in linked and aid != pk
        ],
    )


def _words_as_read_many(
    articles: Sequence[Article], references: tuple[dict, dict, dict], changed: list[Article]
) -> None:
    """Each story's words as read; a story whose count moves joins `changed`."""
    found, pictures, linked = references
    seen = {a.pk for a in changed}
    for article in articles:
        pids, aids = found[article.pk]
        if not (pids or aids):
            continue
        words = _words_as_read(
            article,
            pictures={pk: pictures[pk] for pk in pids if pk in pictures},
            articles={pk: linked[pk] for pk in aids if pk in linked},
        )
        if words != article.body_words:
            article.body_words = words
            if article.pk not in seen:
                changed.append(article)
                seen.add(article.pk)


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
    author, created = Author.objects.get_or_create(slug=slug, defaults={"name": name.strip()})
    if created:
        invalidate({"labels:author"})  # a label is shown only on stories, and in the API's list
    return author


def tag_get_or_create(*, name: str) -> Tag:
    slug = unique_slug(name, max_length=100)
    tag, created = Tag.objects.get_or_create(slug=slug, defaults={"name": name.strip()})
    if created:
        invalidate({"labels:tag"})
    return tag


def topic_get_or_create(*, kind: str, name: str) -> Topic:
    slug = unique_slug(name)
    topic, created = Topic.objects.get_or_create(
        kind=kind, slug=slug, defaults={"name": name.strip()}
    )
    if created:
        invalidate({"labels:topic"})
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
def redirects_point_many(
    *, pointed: Sequence[tuple[Article, Iterable[str]]], source: str = ""
) -> None:
    """`redirects_point` for a batch of stories, in two statements; a path named twice
    points at the later story, as two calls in turn would leave it."""
    wanted: dict[str, Article] = {}
    for article, old_paths in pointed:
        for path in old_paths:
            wanted[path[:1000]] = article
    if bulk.paths_point(Redirect, "article", wanted, source=source):
        invalidate({"redirects"})


def redirects_point(*, article: Article, old_paths: Iterable[str], source: str = "") -> None:
    """Make each of `old_paths` (a migrated site's permalinks) answer 301 to `article`,
    whatever it pointed at before: the batch's way, for one story."""
    redirects_point_many(pointed=[(article, old_paths)], source=source)
