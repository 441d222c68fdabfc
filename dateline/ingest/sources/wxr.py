"""WordPress migration: `dateline import wxr FILE [--uploads DIR]`.

Two streaming passes over the export, so memory stays flat whatever its size:

1. **Scan**: the whole file is parsed once before anything is written. A file that is not
   well-formed XML (or declares entities) is refused with its line number and the database
   is left as it was. The scan keeps only small maps: authors, categories, attachments and
   each post's old addresses (for rewriting links between migrated stories).
2. **Import**: each post is saved in its own transaction, keyed on (site, WordPress post
   id). A second run changes nothing (`unchanged`); a run killed at any point and started
   again finishes the job with no duplicates, because every item is either wholly saved or
   not at all and saving is idempotent.

Posts keep their status (publish → published, future → scheduled at its time, draft and
pending → draft, private → draft, out of public view); pages and other post types are
reported `skipped`. Every old permalink, and `?p=ID`, answers 301 to the new address
(news.Redirect).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import re
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from lxml import etree

from dateline.core import clock
from dateline.core.text import html_to_text
from dateline.ingest import xml
from dateline.ingest.fetch import FetchError, fetch_url
from dateline.ingest.pipeline import (
    CREATED,
    FAILED,
    SKIPPED,
    UNCHANGED,
    UPDATED,
    ItemResult,
    Report,
)
from dateline.ingest.sources import wordpress_body
from dateline.news import services as news
from dateline.news.body import picture_placeholder
from dateline.news.models import Article, Section, Status
from dateline.newsroom.actions.intake import DRAFT, PUBLISH, article_receive
from dateline.newsroom.actors import importer_actor
from dateline.pictures.services import PictureRejected, picture_create_or_update

CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
DC_NS = "http://purl.org/dc/elements/1.1/"
_WP_NS = re.compile(rb'xmlns:wp\s*=\s*["\'](https?://wordpress\.org/export/[0-9.]+/)["\']')
_EXCERPT_NS = re.compile(
    rb'xmlns:excerpt\s*=\s*["\'](https?://wordpress\.org/export/[0-9.]+/excerpt/)["\']'
)
# The site's address precedes the first item, so it is read from the head of the file.
_SITE = re.compile(rb"<wp:base_site_url>\s*(?:<!\[CDATA\[)?\s*([^<\]\s]+)")
_CHANNEL_LINK = re.compile(rb"<channel>.*?<link>\s*([^<\s]+)\s*</link>", re.S)
_ZERO_DATE = "0000-00-00 00:00:00"

STATUS_MAP = {
    "publish": Status.PUBLISHED,
    "future": Status.PUBLISHED,  # with its future time: scheduled
    "draft": Status.DRAFT,
    "pending": Status.DRAFT,
    "private": Status.DRAFT,
    "auto-draft": None,
    "inherit": None,
    "trash": None,
}


class WXRError(ValueError):
    """The file as a whole cannot be imported; nothing was written."""


@dataclass
class Attachment:
    post_id: str
    url: str
    file: str = ""
    title: str = ""
    caption: str = ""
    alt: str = ""


@dataclass
class Scan:
    wp: str
    excerpt: str
    site: str = ""
    host: str = ""
    authors: dict[str, str] = field(default_factory=dict)  # login → display name
    categories: dict[str, tuple[str, str]] = field(default_factory=dict)  # slug → name, parent
    attachments: dict[str, Attachment] = field(default_factory=dict)  # post id → attachment
    attachment_by_url: dict[str, str] = field(default_factory=dict)  # url → post id
    post_by_path: dict[str, str] = field(default_factory=dict)  # old path → post id
    post_titles: dict[str, str] = field(default_factory=dict)  # post id → title (posts only)
    items: int = 0

    @property
    def source(self) -> str:
        return f"wxr:{self.host or 'site'}"[:40]


def _text(element, tag: str) -> str:
    child = element.find(tag)
    return (child.text or "") if child is not None else ""


def _path_of(url: str, site: str) -> str | None:
    """The path (and query) of a URL on the old site, or None for another site."""
    try:
        parts = urllib.parse.urlsplit(url.strip())
        site_parts = urllib.parse.urlsplit(site)
    except ValueError:
        return None
    if parts.netloc and site_parts.netloc and parts.netloc.lower() != site_parts.netloc.lower():
        return None
    if not parts.netloc and not parts.path.startswith("/"):
        return None
    path = urllib.parse.unquote(parts.path or "/")
    return path + (f"?{parts.query}" if parts.query else "")


def _head(path: Path) -> tuple[str, str, str]:
    """The export's WordPress namespaces (1.0, 1.1 or 1.2, http or https) and site address."""
    with path.open("rb") as fh:
        head = fh.read(64 * 1024)
    xml.check_head(head)
    wp = _WP_NS.search(head)
    excerpt = _EXCERPT_NS.search(head)
    wp_ns = wp.group(1).decode() if wp else "http://wordpress.org/export/1.2/"
    excerpt_ns = excerpt.group(1).decode() if excerpt else wp_ns + "excerpt/"
    site = _SITE.search(head) or _CHANNEL_LINK.search(head)
    return wp_ns, excerpt_ns, site.group(1).decode("utf-8", "replace") if site else ""


def scan(path: Path) -> Scan:
    try:
        wp, excerpt, site = _head(path)
    except xml.XMLRefused as exc:
        raise WXRError(str(exc)) from None
    found = Scan(wp=wp, excerpt=excerpt, site=site)
    W = f"{{{wp}}}"
    # Only elements that are children of the channel: iterparse frees each one it yields.
    tags = ("item", f"{W}author", f"{W}category", f"{W}term")
    try:
        for element in xml.iterparse(path, tag=tags):
            if element.tag == f"{W}author":
                login = _text(element, f"{W}author_login").strip()
                name = _text(element, f"{W}author_display_name").strip() or login
                if login:
                    found.authors[login] = name
            elif element.tag == f"{W}category":
                slug = _text(element, f"{W}category_nicename").strip()
                name = html.unescape(_text(element, f"{W}cat_name").strip())
                if slug:
                    found.categories[slug] = (name or slug, _text(element, f"{W}category_parent"))
            elif element.tag == f"{W}term":
                if _text(element, f"{W}term_taxonomy").strip() == "category":
                    slug = _text(element, f"{W}term_slug").strip()
                    name = html.unescape(_text(element, f"{W}term_name").strip())
                    if slug:
                        found.categories[slug] = (name or slug, _text(element, f"{W}term_parent"))
            elif element.tag == "item":
                found.items += 1
                _scan_item(element, found, W)
    except xml.XMLRefused as exc:
        raise WXRError(str(exc)) from None
    found.host = urllib.parse.urlsplit(found.site).netloc.lower() if found.site else ""
    for post_id, attachment in found.attachments.items():
        found.attachment_by_url[attachment.url] = post_id
    return found


def _scan_item(item, found: Scan, W: str) -> None:
    post_id = _text(item, f"{W}post_id").strip()
    kind = _text(item, f"{W}post_type").strip()
    if not post_id:
        return
    if kind == "attachment":
        meta = _meta(item, W)
        found.attachments[post_id] = Attachment(
            post_id=post_id,
            url=_text(item, f"{W}attachment_url").strip() or _text(item, "guid").strip(),
            file=meta.get("_wp_attached_file", ""),
            title=html.unescape(_text(item, "title")).strip(),
            caption=html_to_text(_text(item, f"{{{found.excerpt}}}encoded")),
            alt=meta.get("_wp_attachment_image_alt", ""),
        )
    elif kind == "post":
        found.post_titles[post_id] = html.unescape(_text(item, "title")).strip()
        for url in (_text(item, "link"), _text(item, "guid")):
            if url.strip() and found.site:
                old = _path_of(url, found.site)
                if old:
                    found.post_by_path[old] = post_id
        found.post_by_path[f"/?p={post_id}"] = post_id


def _meta(item, W: str) -> dict[str, str]:
    return {
        _text(m, f"{W}meta_key"): _text(m, f"{W}meta_value") for m in item.findall(f"{W}postmeta")
    }


def _gmt(value: str) -> dt.datetime | None:
    value = (value or "").strip()
    if not value or value == _ZERO_DATE:
        return None
    try:
        return dt.datetime.strptime(value, "%Y-%m-%d %H:%M:%S").replace(tzinfo=dt.UTC)
    except ValueError:
        return None


def _local(value: str) -> dt.datetime | None:
    naive = _gmt(value)
    if naive is None:
        return None
    from dateline.news.models import Publication

    return naive.replace(tzinfo=Publication.load().zone)


class _RunCache(dict):
    """Rows looked up or made during a run (pictures, sections, tags, authors), so each is
    fetched once. A row made inside a post's transaction is gone if that transaction rolls
    back, so what was added while it was open is forgotten with it (`forget_unsettled`);
    otherwise a later post would refer to a row that no longer exists."""

    def __init__(self) -> None:
        super().__init__()
        self._unsettled: list = []

    def __setitem__(self, key, value) -> None:
        if key not in self:
            self._unsettled.append(key)
        super().__setitem__(key, value)

    def settle(self) -> None:
        self._unsettled.clear()

    def forget_unsettled(self) -> None:
        for key in self._unsettled:
            self.pop(key, None)
        self._unsettled.clear()


class Importer:
    def __init__(
        self,
        found: Scan,
        *,
        uploads: Path | None,
        report: Report,
        progress: Callable[[int, int, float], None] | None = None,
    ):
        self.scan = found
        self.uploads = uploads
        self.report = report
        self.progress = progress
        self.W = f"{{{found.wp}}}"
        self.actor = importer_actor("WordPress")
        self.pictures: dict[str, int | None] = _RunCache()
        self.picture_notes: dict[str, str] = {}
        self.sections: dict[str, Section] = _RunCache()
        # A run meets the same few authors and tags thousands of times: one lookup each.
        self.authors: dict[str, object] = _RunCache()
        self.tags: dict[str, object] = _RunCache()

    # Pictures ----------------------------------------------------------------------------
    def _picture_bytes(self, url: str, attachment: Attachment | None) -> bytes:
        if self.uploads is not None:
            candidates = []
            if attachment and attachment.file:
                candidates.append(attachment.file)
            marker = "/wp-content/uploads/"
            if marker in url:
                relative = urllib.parse.unquote(url.split(marker, 1)[1].split("?")[0])
                candidates.append(relative)
                # WordPress's resized copies (photo-300x200.jpg): the original is better.
                candidates.append(re.sub(r"-\d+x\d+(\.\w+)$", r"\1", relative))
            root = self.uploads.resolve()
            for relative in candidates:
                path = (root / relative).resolve()
                if root in path.parents and path.is_file():
                    return path.read_bytes()
        if not url.startswith(("http://", "https://")):
            raise FetchError(f"{url[:80]} is not in --uploads and not a web address")
        return fetch_url(url)

    def picture(self, image: wordpress_body.Image) -> int | None:
        attachment = self.scan.attachments.get(
            image.attachment_id or ""
        ) or self.scan.attachments.get(self.scan.attachment_by_url.get(image.src, ""))
        url = attachment.url if attachment else image.src
        if not url:
            return None
        if self.scan.site and url.startswith("/"):
            url = urllib.parse.urljoin(self.scan.site, url)
        key = attachment.post_id if attachment else url
        if key in self.pictures:
            return self.pictures[key]
        caption, credit = image.caption, image.credit
        if attachment and not (caption or credit):
            caption, credit = wordpress_body.split_credit(attachment.caption)
        try:
            data = self._picture_bytes(url, attachment)
            picture, _ = picture_create_or_update(
                data=data,
                filename=Path(urllib.parse.urlsplit(url).path).name or "picture.jpg",
                caption=caption[:500],
                credit=credit[:200],
                alt_text=(image.alt or (attachment.alt if attachment else ""))[:300],
                source=self.scan.source,
                source_id=f"attachment:{key}"[:500],
            )
        except (FetchError, PictureRejected, OSError) as exc:
            self.pictures[key] = None
            self.picture_notes[key] = f"picture {Path(url).name} skipped: {exc}"
            return None
        self.pictures[key] = picture.pk
        return picture.pk

    # Stories -----------------------------------------------------------------------------
    def _target(self, post_id: str) -> Article:
        existing = Article.objects.filter(source=self.scan.source, source_id=post_id).first()
        if existing is not None:
            return existing
        placeholder = Article(
            headline=self.scan.post_titles.get(post_id) or f"WordPress post {post_id}",
            status=Status.PLACEHOLDER,
            source=self.scan.source,
            source_id=post_id,
        )
        return news.article_save(article=placeholder)

    def _tag(self, name: str):
        if name not in self.tags:
            self.tags[name] = news.tag_get_or_create(name=name)
        return self.tags[name]

    def _author(self, name: str):
        if name not in self.authors:
            self.authors[name] = news.author_get_or_create(name=name)
        return self.authors[name]

    def _section(self, slug: str) -> Section | None:
        if slug in self.sections:
            return self.sections[slug]
        name, parent_slug = self.scan.categories.get(slug, (slug, ""))
        parent = self._section(parent_slug) if parent_slug and parent_slug != slug else None
        section = news.section_get_or_create(name=name, source_id=f"{self.scan.source}:{slug}")
        if parent is not None and section.parent_id != parent.pk:
            section.parent = parent
            section.save(update_fields=["parent"])
        self.sections[slug] = section
        return section

    def run(self, path: Path) -> None:
        started = time.monotonic()
        done = 0
        for item in xml.iterparse(path, tag="item"):
            done += 1
            try:
                result = self.item(item)
            except Exception as exc:  # one bad item is reported; the rest go on
                post_id = _text(item, f"{self.W}post_id").strip() or f"item-{done}"
                result = ItemResult(FAILED, post_id, f"{type(exc).__name__}: {exc}"[:300])
            if result is not None:
                self.report.add(result)
            if self.progress is not None:
                self.progress(done, self.scan.items, time.monotonic() - started)

    def item(self, item) -> ItemResult | None:
        W = self.W
        post_id = _text(item, f"{W}post_id").strip()
        kind = _text(item, f"{W}post_type").strip() or "post"
        wp_status = _text(item, f"{W}status").strip() or "publish"
        if not post_id:
            return ItemResult(FAILED, "-", "item without wp:post_id")
        if kind == "page":
            return ItemResult(SKIPPED, post_id, "page: static pages are not imported")
        if kind != "post":
            return ItemResult(SKIPPED, post_id, f"{kind} is not a story")
        status = STATUS_MAP.get(wp_status, Status.DRAFT)
        if status is None:
            return ItemResult(SKIPPED, post_id, f"status {wp_status}")
        fingerprint = hashlib.sha256(etree.tostring(item) + str(self.uploads).encode()).hexdigest()[
            :64
        ]
        existing = Article.objects.filter(source=self.scan.source, source_id=post_id).first()
        if (
            existing
            and existing.status != Status.PLACEHOLDER
            and existing.source_version == fingerprint
        ):
            return ItemResult(UNCHANGED, post_id, existing.get_absolute_url())
        caches = (self.pictures, self.sections, self.tags, self.authors)
        try:
            with transaction.atomic():
                result = self._save(item, post_id, wp_status, status, existing, fingerprint)
        except Exception:
            for cache in caches:
                cache.forget_unsettled()
            raise
        for cache in caches:
            cache.settle()
        return result

    def _save(self, item, post_id, wp_status, status, existing, fingerprint) -> ItemResult:
        W = self.W
        notes: list[str] = []
        # A story another post linked to before it was imported exists as a placeholder.
        new = existing is None or existing.status == Status.PLACEHOLDER

        def picture_ref(image: wordpress_body.Image) -> str | None:
            pk = self.picture(image)
            key = image.attachment_id or image.src
            if pk is None:
                note = self.picture_notes.get(key) or self.picture_notes.get(
                    self.scan.attachment_by_url.get(image.src, "")
                )
                if note and note not in notes:
                    notes.append(note)
                return ""  # the story imports without it; the note says so
            return picture_placeholder(pk)

        def article_ref(url: str) -> int | None:
            old = _path_of(url, self.scan.site) if self.scan.site else None
            target = self.scan.post_by_path.get(old or "") if old else None
            if target is None and old:
                target = self.scan.post_by_path.get(old.rstrip("/") + "/")
            if target is None or target == post_id:
                return None  # another site, or a link to itself: left as it is
            return self._target(target).pk

        def embed_ref(url: str) -> str | None:
            from dateline.news.embeds import EmbedRefused, embed_parse, embed_placeholder

            try:
                return embed_placeholder(embed_parse(url))
            except EmbedRefused:
                return None

        headline = html_to_text(_text(item, "title"))
        if not headline:
            headline = f"Untitled WordPress post {post_id}"
            notes.append("no title")
        converted = wordpress_body.convert(
            _text(item, f"{{{CONTENT_NS}}}encoded"),
            picture_ref=picture_ref,
            article_ref=article_ref,
            embed_ref=embed_ref,
        )
        notes.extend(n for n in converted.notes if not n.startswith("picture "))
        meta = _meta(item, W)
        lead = None
        thumb = meta.get("_thumbnail_id", "").strip()
        if thumb:
            attachment = self.scan.attachments.get(thumb)
            lead_pk = self.picture(
                wordpress_body.Image(src=attachment.url if attachment else "", attachment_id=thumb)
            )
            if lead_pk is None:
                note = self.picture_notes.get(thumb) or f"featured image {thumb} not in the export"
                notes.append(note)
            lead = lead_pk

        published = _gmt(_text(item, f"{W}post_date_gmt")) or _local(_text(item, f"{W}post_date"))
        if published is None and _text(item, "pubDate").strip():
            from email.utils import parsedate_to_datetime

            try:
                published = parsedate_to_datetime(_text(item, "pubDate").strip())
            except (TypeError, ValueError):
                published = None
        article = existing or Article(source=self.scan.source, source_id=post_id)
        previous_section_id = article.section_id
        article.headline = headline[:300]
        article.standfirst = html_to_text(_text(item, f"{{{self.scan.excerpt}}}encoded"))
        article.body = converted.html
        when = (published or clock.now()) if status == Status.PUBLISHED else None
        if wp_status == "private":
            notes.append("private: kept out of public view")
        if wp_status == "future" and when and when <= clock.now():
            notes.append("scheduled time has passed: published")
        if not article.slug or new:
            wanted = urllib.parse.unquote(_text(item, f"{W}post_name").strip()) or headline
            article.slug = news.article_free_slug(wanted, exclude_pk=article.pk)
        article.lead_picture_id = lead
        article.source_version = fingerprint
        categories = [
            c.get("nicename") or c.text or ""
            for c in item.findall("category")
            if c.get("domain") == "category"
        ]
        categories = [c for c in categories if c and c != "uncategorized"]
        # The most specific category (one with a parent) is the story's section.
        categories.sort(key=lambda slug: not self.scan.categories.get(slug, ("", ""))[1])
        article.section = self._section(categories[0]) if categories else None
        tags = [
            self._tag(html.unescape(c.text or c.get("nicename") or "")[:100])
            for c in item.findall("category")
            if c.get("domain") == "post_tag" and (c.text or c.get("nicename"))
        ]
        login = _text(item, f"{{{DC_NS}}}creator").strip()
        authors = [self._author(self.scan.authors.get(login, login))] if login else []
        received = article_receive(
            article=article,
            by=self.actor,
            want=PUBLISH if status == Status.PUBLISHED else DRAFT,
            published_at=when,
            authors=authors,
            tags=tags,
            previous_section_id=previous_section_id,
        )
        notes.extend(received.notes)
        self._redirects(item, article, post_id)
        outcome = CREATED if new else UPDATED
        live = article.status == Status.PUBLISHED
        detail = article.get_absolute_url() if live else f"{wp_status}"
        if live and article.published_at > clock.now():
            detail = f"{detail} (scheduled {article.published_at.isoformat()})"
        return ItemResult(outcome, post_id, detail, notes)

    def _redirects(self, item, article: Article, post_id: str) -> None:
        olds = {f"/?p={post_id}"}
        for url in (_text(item, "link"), _text(item, "guid")):
            old = _path_of(url, self.scan.site) if url.strip() and self.scan.site else None
            if old and old not in ("/", ""):
                olds.add(old)
        news.redirects_point(article=article, old_paths=olds, source=self.scan.source)


def import_wxr(
    path: Path,
    *,
    uploads: Path | None = None,
    report: Report | None = None,
    progress: Callable[[int, int, float], None] | None = None,
) -> Report:
    report = report or Report()
    path = Path(path)
    if not path.is_file():
        report.add(ItemResult(FAILED, str(path), "no such file"))
        return report
    if uploads is not None and not Path(uploads).is_dir():
        report.add(ItemResult(FAILED, str(path), f"--uploads {uploads} is not a folder"))
        return report
    try:
        found = scan(path)
    except WXRError as exc:
        report.add(ItemResult(FAILED, str(path), f"{exc}; nothing was imported"))
        return report
    Importer(
        found, uploads=Path(uploads) if uploads else None, report=report, progress=progress
    ).run(path)
    return report
