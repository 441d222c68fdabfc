"""WordPress migration: `dateline import wxr FILE [--uploads DIR]`.

Two streaming passes over the export, so memory stays flat whatever its size:

1. **Scan**: the whole file is parsed once before anything is written. A file that is not
   well-formed XML (or declares entities) is refused with its line number and the database
   is left as it was. The scan keeps only small maps: authors, categories, attachments and
   each post's old addresses (for rewriting links between migrated stories).
2. **Import**: posts are saved a batch at a time (`ingest.apply.stories_apply`: the new
   ones in one transaction, in a number of queries that does not grow with the batch),
   keyed on (site, WordPress post id). A second run changes nothing (`unchanged`); a run
   killed at any point and started again finishes the job with no duplicates, because a
   batch is either wholly saved or not at all and saving is idempotent.

Posts keep their status (publish → published, future → scheduled at its time, draft and
pending → draft, private → draft, out of public view). Pages (`post_type=page`) become
static pages (dateline.pages) at `/<their slug>/`, published or draft as they were, through
the newsroom's `page_receive` (keyed on the same site and post id, so re-runs are
`unchanged` too); their bodies go through the same conversion, without pictures (left out
with a note). Other post types are reported `skipped`. Every old permalink, and `?p=ID`
(`?page_id=ID` for a page), answers 301 to the new address (news.Redirect,
pages.PageRedirect).
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

from lxml import etree

from dateline.core import clock
from dateline.core.ahead import ahead
from dateline.core.text import html_to_text
from dateline.ingest import xml
from dateline.ingest.apply import BATCH, Applied, Run, stories_apply
from dateline.ingest.incoming import (
    DRAFT,
    PUBLISH,
    IncomingPicture,
    IncomingSection,
    IncomingStory,
    link_ref,
    picture_ref,
)
from dateline.ingest.pipeline import FAILED, SKIPPED, UNCHANGED, ItemResult, Report
from dateline.ingest.sources import wordpress_body
from dateline.news.embeds import EmbedRefused, embed_parse, embed_placeholder
from dateline.news.models import Status
from dateline.newsroom.actors import importer_actor

CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
DC_NS = "http://purl.org/dc/elements/1.1/"
_WP_NS = re.compile(rb'xmlns:wp\s*=\s*["\'](https?://wordpress\.org/export/[0-9.]+/)["\']')
_EXCERPT_NS = re.compile(
    rb'xmlns:excerpt\s*=\s*["\'](https?://wordpress\.org/export/[0-9.]+/excerpt/)["\']'
)
# The site's address precedes the first item, so it is read from the head of the file.
_SITE = re.compile(rb"<wp:base_site_url>\s*(?:<!\[CDATA\[)?\s*([^<\]\s]+)")
_BLOG = re.compile(rb"<wp:base_blog_url>\s*(?:<!\[CDATA\[)?\s*([^<\]\s]+)")
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


@dataclass
class IncomingPage:
    """A WordPress page, parsed: applied by `newsroom.actions.pages.page_receive`."""

    source_id: str
    version: str
    title: str
    slug: str
    body: str
    publish: bool
    wp_status: str
    old_paths: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


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
    # A multisite export's blog address (wp:base_blog_url), where its permalinks live when
    # base_site_url is the network's.
    blog: str = ""
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
    with path.open("rb") as fh:
        blog = _BLOG.search(fh.read(64 * 1024))
    found.blog = blog.group(1).decode("utf-8", "replace") if blog else ""
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


def _local(value: str, zone) -> dt.datetime | None:
    naive = _gmt(value)
    if naive is None:
        return None
    return naive.replace(tzinfo=zone)


class Parser:
    """Each post of the export as an incoming story, from the scan's maps: its pictures (an
    attachment by id, read from `--uploads` first, else from its address), its links to
    other posts of the export, its section with the category's parents, and its old
    addresses."""

    def __init__(self, found: Scan, *, uploads: Path | None):
        from dateline.news.models import Publication

        self.scan = found
        self.uploads = uploads
        self.W = f"{{{found.wp}}}"
        # The site's zone, for a post with only a local time: read now, once, so parsing
        # needs no database (it may run in a process of its own, core.ahead).
        self.zone = Publication.load().zone

    def item(self, item) -> IncomingStory | ItemResult:
        W = self.W
        post_id = _text(item, f"{W}post_id").strip()
        kind = _text(item, f"{W}post_type").strip() or "post"
        wp_status = _text(item, f"{W}status").strip() or "publish"
        if not post_id:
            return ItemResult(FAILED, "-", "item without wp:post_id")
        if kind == "page":
            return self.page(item, post_id, wp_status)
        if kind != "post":
            return ItemResult(SKIPPED, post_id, f"{kind} is not a story")
        status = STATUS_MAP.get(wp_status, Status.DRAFT)
        if status is None:
            return ItemResult(SKIPPED, post_id, f"status {wp_status}")
        fingerprint = hashlib.sha256(etree.tostring(item) + str(self.uploads).encode())
        story = IncomingStory(
            source=self.scan.source,
            source_id=post_id,
            headline="",
            version=fingerprint.hexdigest()[:64],
            want=PUBLISH if status == Status.PUBLISHED else DRAFT,
            source_state=wp_status,
        )
        story.headline = html_to_text(_text(item, "title"))[:300]
        if not story.headline:
            story.headline = f"Untitled WordPress post {post_id}"
            story.notes.append("no title")
        converted = wordpress_body.convert(
            _text(item, f"{{{CONTENT_NS}}}encoded"),
            picture_ref=lambda image: self._placed(story, image),
            article_ref=lambda url: self._link(story, url),
            embed_ref=_embed,
        )
        story.body = converted.html
        story.notes.extend(n for n in converted.notes if not n.startswith("picture "))
        thumb = _meta(item, W).get("_thumbnail_id", "").strip()
        if thumb:
            attachment = self.scan.attachments.get(thumb)
            if attachment is None:
                story.notes.append(f"featured image {thumb} not in the export")
            else:
                story.lead_picture = self._picture(
                    wordpress_body.Image(src=attachment.url, attachment_id=thumb)
                )
        story.standfirst = html_to_text(_text(item, f"{{{self.scan.excerpt}}}encoded"))
        if status == Status.PUBLISHED:
            story.published_at = self._published(item)
        if wp_status == "private":
            story.notes.append("private: kept out of public view")
        if wp_status == "future" and (story.published_at or clock.now()) <= clock.now():
            story.notes.append("scheduled time has passed: published")
        story.slug = urllib.parse.unquote(_text(item, f"{W}post_name").strip())
        categories = [
            c.get("nicename") or c.text or ""
            for c in item.findall("category")
            if c.get("domain") == "category"
        ]
        categories = [c for c in categories if c and c != "uncategorized"]
        # The most specific category (one with a parent) is the story's section.
        categories.sort(key=lambda slug: not self.scan.categories.get(slug, ("", ""))[1])
        if categories:
            story.section = self._section(categories[0])
        story.tags = [
            html.unescape(c.text or c.get("nicename") or "")[:100]
            for c in item.findall("category")
            if c.get("domain") == "post_tag" and (c.text or c.get("nicename"))
        ]
        login = _text(item, f"{{{DC_NS}}}creator").strip()
        if login:
            story.authors = [self.scan.authors.get(login, login)]
        story.old_paths = self._old_paths(item, post_id)
        return story

    def page(self, item, post_id: str, wp_status: str) -> IncomingPage | ItemResult:
        status = STATUS_MAP.get(wp_status, Status.DRAFT)
        if status is None:
            return ItemResult(SKIPPED, post_id, f"page with status {wp_status}")
        W = self.W
        fingerprint = hashlib.sha256(etree.tostring(item))
        converted = wordpress_body.convert(
            _text(item, f"{{{CONTENT_NS}}}encoded"),
            picture_ref=lambda image: None,
            article_ref=lambda url: None,
            embed_ref=_embed,
        )
        title = html_to_text(_text(item, "title"))[:200]
        page = IncomingPage(
            source_id=post_id,
            version=fingerprint.hexdigest()[:64],
            title=title or f"Untitled WordPress page {post_id}",
            slug=urllib.parse.unquote(_text(item, f"{W}post_name").strip())[:90],
            body=converted.html,
            # A private or future page is kept as a draft: a page has no publication time.
            publish=wp_status == "publish",
            wp_status=wp_status,
        )
        if not title:
            page.notes.append("no title")
        pictures = sum(n.startswith("picture ") for n in converted.notes)
        if pictures:
            page.notes.append(f"{pictures} picture(s) left out")
        page.notes.extend(n for n in converted.notes if not n.startswith("picture "))
        olds = {f"/?page_id={post_id}", f"/?p={post_id}"}
        for url in (_text(item, "link"), _text(item, "guid")):
            for site in {self.scan.site, self.scan.blog} - {""}:
                old = _path_of(url, site) if url.strip() else None
                if old and old not in ("/", ""):
                    olds.add(old)
                    if old.startswith("//"):  # a doubled slash, as some permalinks have
                        olds.add("/" + old.lstrip("/"))
        page.old_paths = sorted(olds)
        return page

    def _published(self, item) -> dt.datetime | None:
        W = self.W
        published = _gmt(_text(item, f"{W}post_date_gmt")) or _local(
            _text(item, f"{W}post_date"), self.zone
        )
        if published is None and _text(item, "pubDate").strip():
            from email.utils import parsedate_to_datetime

            try:
                published = parsedate_to_datetime(_text(item, "pubDate").strip())
            except (TypeError, ValueError):
                published = None
        return published

    def _picture(self, image: wordpress_body.Image) -> IncomingPicture | None:
        """An image of the post as a picture of the record: the export's attachment when it
        has one (by id, or by address), with its caption and credit unless the post gives
        its own; read from the uploads folder (the original, not WordPress's resized copy)
        before its address."""
        attachment = self.scan.attachments.get(
            image.attachment_id or ""
        ) or self.scan.attachments.get(self.scan.attachment_by_url.get(image.src, ""))
        url = attachment.url if attachment else image.src
        if not url:
            return None
        if self.scan.site and url.startswith("/"):
            url = urllib.parse.urljoin(self.scan.site, url)
        caption, credit = image.caption, image.credit
        if attachment and not (caption or credit):
            caption, credit = wordpress_body.split_credit(attachment.caption)
        name = Path(urllib.parse.urlsplit(url).path).name
        picture = IncomingPicture(
            key=f"attachment:{attachment.post_id if attachment else url}"[:500],
            filename=name or "picture.jpg",
            caption=caption[:500],
            credit=credit[:200],
            alt=(image.alt or (attachment.alt if attachment else ""))[:300],
            url=url,
            label=Path(url).name,
        )
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
            picture.files = tuple(self.uploads / c for c in candidates)
            picture.folder = self.uploads
        return picture

    def _placed(self, story: IncomingStory, image: wordpress_body.Image) -> str | None:
        picture = self._picture(image)
        if picture is None:
            return None
        if all(p.key != picture.key for p in story.pictures):
            story.pictures.append(picture)
        return picture_ref(picture.key)

    def _link(self, story: IncomingStory, url: str) -> str | None:
        old = _path_of(url, self.scan.site) if self.scan.site else None
        target = self.scan.post_by_path.get(old or "") if old else None
        if target is None and old:
            target = self.scan.post_by_path.get(old.rstrip("/") + "/")
        if target is None or target == story.source_id:
            return None  # another site, or a link to itself: left as it is
        story.links[target] = self.scan.post_titles.get(target) or f"WordPress post {target}"
        return link_ref(target)

    def _section(self, slug: str, seen: frozenset[str] = frozenset()) -> IncomingSection:
        name, parent_slug = self.scan.categories.get(slug, (slug, ""))
        parent = None
        if parent_slug and parent_slug != slug and parent_slug not in seen:
            parent = self._section(parent_slug, seen | {slug})
        return IncomingSection(name, source_id=f"{self.scan.source}:{slug}", parent=parent)

    def _old_paths(self, item, post_id: str) -> list[str]:
        olds = {f"/?p={post_id}"}
        for url in (_text(item, "link"), _text(item, "guid")):
            for site in {self.scan.site, self.scan.blog} - {""}:
                old = _path_of(url, site) if url.strip() else None
                if old and old not in ("/", ""):
                    olds.add(old)
        return sorted(olds)


def _embed(url: str) -> str | None:
    try:
        return embed_placeholder(embed_parse(url))
    except EmbedRefused:
        return None


def _describe(applied: Applied, wp_status: str) -> str:
    """A live post's address (and its time, when scheduled); otherwise its WordPress
    status."""
    article = applied.article
    if applied.outcome == UNCHANGED:
        return article.get_absolute_url()
    if article.status != Status.PUBLISHED:
        return wp_status
    detail = article.get_absolute_url()
    if article.published_at > clock.now():
        detail = f"{detail} (scheduled {article.published_at.isoformat()})"
    return detail


def _page_apply(page: IncomingPage, source: str, actor) -> ItemResult:
    """One page, in its own transaction (the action's); a failure is its line alone."""
    from dateline.newsroom.actions.base import ActionRefused
    from dateline.newsroom.actions.pages import page_receive

    try:
        received = page_receive(
            source=source,
            source_id=page.source_id,
            version=page.version,
            title=page.title,
            slug=page.slug,
            body=page.body,
            publish=page.publish,
            old_paths=page.old_paths,
            by=actor,
        )
    except (ActionRefused, ValueError) as exc:
        return ItemResult(FAILED, page.source_id, f"page: {exc}"[:300])
    if received.outcome == SKIPPED:
        return ItemResult(SKIPPED, page.source_id, "page edited at the desk since: kept as it is")
    live = received.page.is_published
    detail = received.page.get_absolute_url() if live else f"page, {page.wp_status}"
    if received.outcome != UNCHANGED and page.notes:
        detail = f"{detail} ({'; '.join(page.notes)})"
    return ItemResult(received.outcome, page.source_id, detail)


def import_wxr(
    path: Path,
    *,
    uploads: Path | None = None,
    report: Report | None = None,
    progress: Callable[[int, int, float], None] | None = None,
    read_ahead: bool | None = None,
) -> Report:
    """Import pass: the posts parsed (ahead, in a second process, unless `read_ahead` is
    False: core.ahead) and applied a batch at a time, as they are read."""
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
    parser = Parser(found, uploads=Path(uploads) if uploads else None)
    actor = importer_actor("WordPress")
    run = Run()
    started = time.monotonic()
    done = 0
    # Posts are applied BATCH at a time (ingest.apply.stories_apply); each result is
    # reported once its batch is in, so a result line always means "saved".
    pending: list[IncomingStory | ItemResult] = []

    def flush() -> None:
        nonlocal done
        stories = [p for p in pending if isinstance(p, IncomingStory)]
        outcomes = iter(stories_apply(stories, actor=actor, run=run, errors=(Exception,)))
        for parsed in pending:
            if isinstance(parsed, ItemResult):
                result = parsed
            elif isinstance(parsed, IncomingPage):
                result = _page_apply(parsed, found.source, actor)
            else:
                outcome = next(outcomes)
                if isinstance(outcome, BaseException):
                    detail = f"{type(outcome).__name__}: {outcome}"[:300]
                    result = ItemResult(FAILED, parsed.source_id, detail)
                else:
                    result = outcome.result(_describe(outcome, parsed.source_state))
            report.add(result)
            done += 1
            if progress is not None:
                progress(done, found.items, time.monotonic() - started)
        pending.clear()

    def parsed_items():
        for count, item in enumerate(xml.iterparse(path, tag="item"), start=1):
            try:
                yield parser.item(item)
            except Exception as exc:  # one bad item is reported; the rest go on
                post_id = _text(item, f"{parser.W}post_id").strip() or f"item-{count}"
                yield ItemResult(FAILED, post_id, f"{type(exc).__name__}: {exc}"[:300])

    stories = 0
    # The next posts are parsed in a second process while this one writes (core.ahead).
    for parsed in ahead(parsed_items, use=read_ahead):
        pending.append(parsed)
        stories += isinstance(parsed, IncomingStory)
        if stories >= BATCH:
            flush()
            stories = 0
    flush()
    return report
