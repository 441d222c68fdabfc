"""Every write of static pages and the footer menu, each one named function.

Like news.services, what changes readers' view is refused outside the newsroom's door
(`news.services._require_door`): saving a published page, publishing, unpublishing,
deleting one, and setting the footer menu. A draft may be saved by anyone's code (an
importer's draft, the desk's autosave), since no reader sees it. Each write reads the state
before and after (`page_state`, `footer_state`), hands them to news.touches and invalidates
the tags it computed, after commit (pagecache.invalidate)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.core.exceptions import ValidationError
from django.db import transaction

from dateline.core import bulk, clock
from dateline.core.text import unique_slug
from dateline.news import touches
from dateline.news.services import _require_door
from dateline.pagecache import invalidate
from dateline.pages.models import (
    FooterLink,
    Page,
    PageRedirect,
    PageRevision,
    PageStatus,
    slug_refusal,
)

TEXT_FIELDS = ("title", "description", "body")


class PageConflict(Exception):
    """Someone saved the page after this edit began; saving now would lose their work."""

    def __init__(self, page: Page, expected_version: int):
        self.page = page
        who = page.modified_by.get_username() if page.modified_by_id else "someone"
        super().__init__(
            f"{who} saved this page (version {page.version}) after you opened version "
            f"{expected_version}. Your changes were not saved; reload and save again."
        )


def page_state(pk: int | None) -> touches.PageState | None:
    if pk is None:
        return None
    row = (
        Page.objects.filter(pk=pk)
        .values("status", *touches.PAGE_SHOWN_FIELDS, "footer_link__pk")
        .first()
    )
    if row is None:
        return None
    return touches.PageState(
        pk=pk,
        published=row["status"] == PageStatus.PUBLISHED,
        fields={name: row[name] for name in touches.PAGE_SHOWN_FIELDS},
        in_footer=row["footer_link__pk"] is not None,
    )


def footer_state() -> tuple[int, ...]:
    return tuple(
        FooterLink.objects.filter(page__status=PageStatus.PUBLISHED)
        .order_by("position", "pk")
        .values_list("page_id", flat=True)
    )


def page_free_slug(base: str, *, exclude_pk: int | None = None) -> str:
    slug = unique_slug(base, max_length=90)
    if slug_refusal(slug):
        slug = f"{slug}-page"
    taken = set(
        Page.objects.filter(slug__startswith=slug)
        .exclude(pk=exclude_pk)
        .values_list("slug", flat=True)
    )
    candidate, n = slug, 2
    while candidate in taken:
        candidate, n = f"{slug}-{n}", n + 1
    return candidate


@transaction.atomic
def page_save(*, page: Page, by=None, expected_version: int | None = None) -> Page:
    """Save `page` as it is in memory (title, address, description, body; its status is
    changed only by `_page_set_status`). Refused with PageConflict when it was saved since
    `expected_version`; a new revision is kept when its text changed."""
    if not page.slug:
        page.slug = page_free_slug(page.title, exclude_pk=page.pk)
    refusal = slug_refusal(page.slug)
    if refusal:
        raise ValidationError({"slug": refusal})
    before = None
    stored = None
    if page.pk:
        stored = Page.objects.select_for_update().filter(pk=page.pk).first()
        before = page_state(page.pk)
    if (before is not None and before.published) or page.status == PageStatus.PUBLISHED:
        _require_door("Saving a published page")
    if stored is not None:
        page.status = stored.status  # never changed by a save
        if expected_version is not None and stored.version != expected_version:
            raise PageConflict(stored, expected_version)
        page.version = stored.version + 1
        changed = any(getattr(stored, n) != getattr(page, n) for n in TEXT_FIELDS)
    else:
        page.version = 1
        changed = True
    person = by if getattr(by, "pk", None) else None
    if person is not None:
        page.modified_by = person
        if page.created_by_id is None:
            page.created_by = person
    page.full_clean(exclude=["created_by", "modified_by"], validate_unique=True)
    page.save()
    if changed:
        page.refresh_from_db(fields=["body"])  # as sanitised
        PageRevision.objects.create(
            page=page,
            version=page.version,
            title=page.title,
            description=page.description,
            body=page.body,
            saved_by=person,
        )
    invalidate(touches.page_touches(before, page_state(page.pk)))
    return page


@transaction.atomic
def _page_set_status(*, page: Page, status: str) -> Page:
    """Publish or unpublish: private to dateline.newsroom.actions."""
    _require_door("Publishing or unpublishing a page")
    footer_before = footer_state()
    before = page_state(page.pk)
    Page.objects.select_for_update().filter(pk=page.pk).first()
    fields = {"status": status, "updated_at": clock.now()}
    if status == PageStatus.PUBLISHED and page.published_at is None:
        fields["published_at"] = clock.now()
    Page.objects.filter(pk=page.pk).update(**fields)
    for name, value in fields.items():
        setattr(page, name, value)
    invalidate(
        touches.page_touches(before, page_state(page.pk))
        | touches.footer_touches(footer_before, footer_state())
    )
    return page


@transaction.atomic
def _page_delete(*, page: Page) -> None:
    """Private to dateline.newsroom.actions."""
    _require_door("Deleting a page")
    footer_before = footer_state()
    before = page_state(page.pk)
    Page.objects.filter(pk=page.pk).delete()
    invalidate(
        touches.page_touches(before, None) | touches.footer_touches(footer_before, footer_state())
    )


@transaction.atomic
def _footer_set(*, pages: Sequence[Page]) -> tuple[int, ...]:
    """The footer menu as `pages`, in that order. Private to dateline.newsroom.actions."""
    _require_door("Setting the footer menu")
    before = footer_state()
    FooterLink.objects.all().delete()
    seen: set[int] = set()
    rows = []
    for page in pages:
        if page.pk not in seen:
            seen.add(page.pk)
            rows.append(FooterLink(page=page, position=len(rows)))
    FooterLink.objects.bulk_create(rows)
    after = footer_state()
    invalidate(touches.footer_touches(before, after))
    return after


@transaction.atomic
def page_redirects_point(*, page: Page, old_paths: Iterable[str], source: str = "") -> None:
    """Make each of `old_paths` answer 301 to `page` (a migrated site's permalinks)."""
    own = page.get_absolute_url()
    wanted = {p[:1000]: page for p in old_paths if p and p != own}
    if bulk.paths_point(PageRedirect, "page", wanted, source=source):
        invalidate({"redirects"})
