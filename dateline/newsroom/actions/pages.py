"""Static pages and the footer menu through the one door: every change readers can see is
one of these actions, with its actor, the role check and an audit entry (`page_…`, the
page's id in the entry's detail, since an entry's `article` is a story).

Who may do what: writers draft pages (create them, change drafts); editors and admins
publish, unpublish, delete, change a published page and set the footer menu. Importers
(a WordPress page) act with their own roles, like their stories."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from dateline.news.services import _through_door
from dateline.newsroom.actions.base import EDITORS, ActionRefused, _audit, _require
from dateline.newsroom.actors import is_person
from dateline.newsroom.roles import Role
from dateline.pages import services
from dateline.pages.models import Page, PageRevision, PageStatus

WRITING = {Role.WRITER, *EDITORS}


def _page_audit(by, action: str, page: Page, **detail) -> None:
    _audit(by, action, None, page=page.pk, slug=page.slug, title=page.title, **detail)


def _refusal(exc: ValidationError) -> ActionRefused:
    messages = []
    for field, errors in getattr(exc, "message_dict", {"": exc.messages}).items():
        messages += [f"{field}: {e}" if field and field != "__all__" else e for e in errors]
    return ActionRefused("; ".join(messages) or "The page cannot be saved.")


@transaction.atomic
def page_save(
    *,
    page: Page,
    by,
    title: str,
    slug: str,
    description: str,
    body: str,
    expected_version: int | None = None,
) -> Page:
    """Create or change a page's text. A writer may write drafts; a published page is an
    editor's to change (readers see it at once)."""
    _require(by, WRITING, "write pages")
    live = (
        page.pk is not None
        and Page.objects.filter(pk=page.pk, status=PageStatus.PUBLISHED).exists()
    )
    if live:
        _require(by, EDITORS, "change a published page")
    created = page.pk is None
    page.title, page.slug, page.description, page.body = title, slug, description, body
    try:
        with _through_door():
            services.page_save(
                page=page, by=by if is_person(by) else None, expected_version=expected_version
            )
    except services.PageConflict as exc:
        raise ActionRefused(str(exc)) from None
    except ValidationError as exc:
        raise _refusal(exc) from None
    except ValueError as exc:  # news.body.BodyRefused: a body too deep to keep
        raise ActionRefused(f"This text cannot be saved: {exc}.") from None
    _page_audit(by, "page_create" if created else "page_save", page, version=page.version)
    return page


@transaction.atomic
def page_publish(*, page: Page, by) -> Page:
    _require(by, EDITORS, "publish a page")
    with _through_door():
        services._page_set_status(page=page, status=PageStatus.PUBLISHED)
    _page_audit(by, "page_publish", page)
    return page


@transaction.atomic
def page_unpublish(*, page: Page, by) -> Page:
    _require(by, EDITORS, "unpublish a page")
    with _through_door():
        services._page_set_status(page=page, status=PageStatus.DRAFT)
    _page_audit(by, "page_unpublish", page)
    return page


@transaction.atomic
def page_delete(*, page: Page, by) -> None:
    _require(by, EDITORS, "delete a page")
    _page_audit(by, "page_delete", page)
    with _through_door():
        services._page_delete(page=page)


@transaction.atomic
def page_restore(*, page: Page, revision: PageRevision, by) -> Page:
    """Bring back a revision's title, description and body as a new save."""
    if revision.page_id != page.pk:
        raise ActionRefused("That revision belongs to another page.")
    page = Page.objects.get(pk=page.pk)
    page_save(
        page=page,
        by=by,
        title=revision.title,
        slug=page.slug,
        description=revision.description,
        body=revision.body,
    )
    _page_audit(by, "page_restore", page, version=revision.version)
    return page


@transaction.atomic
def footer_set(*, pages: Sequence[Page], by) -> tuple[int, ...]:
    """The footer menu: these pages, in this order (drafts among them show once
    published)."""
    _require(by, EDITORS, "set the footer menu")
    with _through_door():
        shown = services._footer_set(pages=pages)
    _audit(by, "footer_set", None, pages=[p.pk for p in pages])
    return shown


@dataclass
class Received:
    page: Page
    outcome: str  # created | updated | unchanged | skipped (the desk edited it since)


@transaction.atomic
def page_receive(
    *,
    source: str,
    source_id: str,
    version: str,
    title: str,
    slug: str,
    body: str,
    publish: bool,
    old_paths: Iterable[str] = (),
    description: str | None = None,
    by,
) -> Received:
    """A page from outside (a WordPress page), keyed by (source, source id): a version it
        already has is unchanged; a new one is saved and, when the source has it published and
        the actor may publish, published. A page the desk unpublished stays down, and one a person
    edited keeps their text."""
    existing = Page.objects.select_for_update().filter(source=source, source_id=source_id).first()
    if existing is not None and existing.source_version == version:
        services.page_redirects_point(page=existing, old_paths=old_paths, source=source)
        return Received(existing, "unchanged")
    if existing is not None and existing.modified_by_id is not None:
        # Someone at the desk changed the page since it came in: their text stands.
        services.page_redirects_point(page=existing, old_paths=old_paths, source=source)
        return Received(existing, "skipped")
    page = existing or Page(source=source, source_id=source_id)
    if existing is None:
        taken = Page.objects.filter(slug=slug).exists() or services.slug_refusal(slug or "-")
        slug = services.page_free_slug(slug or title) if taken else slug
    else:
        slug = existing.slug
    was_live = existing is not None and existing.is_published
    page.source_version = version
    if was_live:
        _require(by, EDITORS, "change a published page")
    if description is not None:
        page.description = description
    page_save(page=page, by=by, title=title, slug=slug, description=page.description, body=body)
    if publish and existing is None:
        page_publish(page=page, by=by)
    services.page_redirects_point(page=page, old_paths=old_paths, source=source)
    return Received(page, "created" if existing is None else "updated")
