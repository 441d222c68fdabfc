"""Web page import: `dateline import page URL|FILE…`.

The article is found by trafilatura (the best-scoring open extractor on the public
article-extraction benchmarks: 0.960 F1 on the 181 pages in ../shared/corpora, measured
there), not by heuristics of ours. What trafilatura does not give we read from the page's
own metadata: the publication time with its offset (`article:published_time`, JSON-LD,
`<time datetime>`; trafilatura keeps only the date), and the lead picture's caption and
credit from its `<figure>`. Newsroom boilerplate that sometimes survives extraction
("ALSO READ", "Previous Story", "Latest from…", "Don't Miss", share bars) is dropped.

The canonical URL (`<link rel=canonical>`, else `og:url`, else the address fetched) is the
story's source id, so importing the same page again updates it in place.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

import trafilatura
from django.db import transaction
from lxml import html as lxml_html

from dateline.ingest.fetch import FetchError, fetch_url, read_location
from dateline.ingest.pipeline import CREATED, FAILED, UNCHANGED, UPDATED, ItemResult, Report
from dateline.ingest.sources.wordpress_body import split_credit
from dateline.news import services as news
from dateline.news.models import Article, Status
from dateline.newsroom.actions.intake import KEEP, article_receive
from dateline.newsroom.actors import importer_actor
from dateline.pictures.services import PictureRejected, picture_create_or_update

SOURCE = "page"
IMPORTER = importer_actor("web page")
_BOILERPLATE = re.compile(
    r"^\s*(also read|read also|read more|related( stories| articles)?|previous story|"
    r"next story|latest from\b|don'?t miss|more from\b|share( this)?( on| article| story)?\b|"
    r"follow us\b|subscribe to\b|sign up for\b|advertisement\s*$|go to top|back to top)",
    re.I,
)
_BLOCK = re.compile(r"<(p|h[1-6]|li|blockquote)\b[^>]*>(.*?)</\1>", re.S | re.I)
_TAGS = re.compile(r"<[^>]+>")


class PageError(ValueError):
    pass


@dataclass
class Extracted:
    url: str
    headline: str
    standfirst: str = ""
    authors: list[str] = field(default_factory=list)
    published: dt.datetime | None = None
    body: str = ""
    language: str = ""
    picture_url: str = ""
    picture_caption: str = ""
    picture_credit: str = ""
    picture_alt: str = ""

    @property
    def text(self) -> str:
        return _TAGS.sub(" ", self.body)


def _meta(tree, *names: str) -> str:
    for name in names:
        for attr in ("property", "name", "itemprop"):
            found = tree.xpath(f'//meta[@{attr}="{name}"]/@content')
            if found and found[0].strip():
                return found[0].strip()
    return ""


def _datetime(value: str) -> dt.datetime | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        from dateline.news.models import Publication

        parsed = parsed.replace(tzinfo=Publication.load().zone)
    return parsed


def _json_ld(tree) -> list[dict]:
    found = []
    for script in tree.xpath('//script[@type="application/ld+json"]/text()'):
        try:
            data = json.loads(script)
        except ValueError:
            continue
        stack = data if isinstance(data, list) else [data]
        while stack:
            item = stack.pop()
            if isinstance(item, dict):
                found.append(item)
                stack.extend(v for v in item.get("@graph", []) if isinstance(v, dict))
    return found


def _drop_boilerplate(body: str) -> str:
    def keep(match: re.Match) -> str:
        text = _TAGS.sub("", match.group(2))
        return "" if _BOILERPLATE.match(text) else match.group(0)

    return _BLOCK.sub(keep, body)


def _lead_figure(tree, image_url: str, base: str) -> tuple[str, str, str]:
    """Caption, credit and alt text of the lead picture, from its <figure> on the page."""
    name = Path(urllib.parse.urlsplit(image_url).path).name if image_url else ""
    for figure in tree.xpath("//figure[.//img]"):
        img = figure.xpath(".//img")[0]
        src = urllib.parse.urljoin(base, img.get("src") or img.get("data-src") or "")
        if name and Path(urllib.parse.urlsplit(src).path).name != name:
            continue
        caption = " ".join(" ".join(figure.xpath(".//figcaption//text()")).split())
        text, credit = split_credit(caption)
        credit_el = figure.xpath('.//*[contains(@class, "credit")]//text()')
        if credit_el:
            credit_text = " ".join(" ".join(credit_el).split())
            credit = re.sub(
                r"^(pic(ture)?s? credits?|photo|credit)s?:?\s*", "", credit_text, flags=re.I
            )
            text = caption.replace(credit_text, "").strip()
        return text, credit, img.get("alt") or ""
    return "", "", ""


def extract(html_text: str, *, url: str = "") -> Extracted:
    if not html_text.strip():
        raise PageError("the page is empty")
    tree = lxml_html.fromstring(html_text)
    canonical = (
        (tree.xpath('//link[@rel="canonical"]/@href') or [""])[0].strip()
        or _meta(tree, "og:url")
        or url
    )
    canonical = urllib.parse.urljoin(url, canonical) if url else canonical
    document = trafilatura.bare_extraction(
        html_text, url=canonical or None, with_metadata=True, favor_precision=True
    )
    body = trafilatura.extract(
        html_text,
        url=canonical or None,
        output_format="html",
        include_links=True,
        include_images=False,
        include_tables=False,
        include_comments=False,
        favor_precision=True,
    )
    if document is None or not body:
        raise PageError("no article found on the page")
    body = re.sub(r"^\s*<html>\s*<body>|</body>\s*</html>\s*$", "", body.strip())
    body = _drop_boilerplate(body)
    ld = _json_ld(tree)
    published = (
        _datetime(_meta(tree, "article:published_time", "datePublished", "pubdate"))
        or next(
            (_datetime(str(i.get("datePublished", ""))) for i in ld if i.get("datePublished")), None
        )
        or _datetime((tree.xpath("//time/@datetime") or [""])[0])
        or _datetime(document.date or "")
    )
    headline = (document.title or _meta(tree, "og:title") or "").strip()
    if not headline:
        raise PageError("the page has no headline")
    # The standfirst is the page's own summary, if it is not just the first paragraph.
    standfirst = (
        _meta(tree, "og:description", "description") or document.description or ""
    ).strip()
    opening = _BLOCK.search(body)
    first = _TAGS.sub("", opening.group(0)).strip() if opening else ""
    if standfirst and first.startswith(standfirst.rstrip(".… ")[:80]):
        standfirst = ""
    # The headline and the standfirst have their own places; the body starts after them.
    body = re.sub(r"<h1\b[^>]*>.*?</h1>", "", body, flags=re.S | re.I)
    for repeated in {headline, standfirst} - {""}:
        body = _BLOCK.sub(
            lambda m, r=repeated: (
                "" if " ".join(_TAGS.sub("", m.group(2)).split()) == r else m.group(0)
            ),
            body,
        )
    authors = [a.strip() for a in re.split(r";|,|\band\b", document.author or "") if a.strip()]
    picture = document.image or _meta(tree, "og:image")
    # Relative addresses resolve against where the page was fetched from, if it was.
    base = url or canonical
    caption, credit, alt = _lead_figure(tree, picture, base)
    return Extracted(
        url=canonical,
        headline=headline,
        standfirst=standfirst,
        authors=authors[:5],
        published=published,
        body=body,
        language=(document.language or (tree.get("lang") or ""))[:20],
        picture_url=urllib.parse.urljoin(base, picture) if picture else "",
        picture_caption=caption,
        picture_credit=credit or _meta(tree, "og:image:credit", "twitter:image:credit"),
        picture_alt=alt,
    )


def import_page(source: str) -> ItemResult:
    try:
        data, fetched_from = read_location(source, accept="text/html,application/xhtml+xml")
        html_text = data.decode("utf-8", "replace")
        page = extract(html_text, url=fetched_from)
    except (FetchError, PageError, ValueError) as exc:
        return ItemResult(FAILED, source, str(exc))
    source_id = page.url or f"file:{Path(source).resolve()}"
    fingerprint = hashlib.sha256(html_text.encode("utf-8", "replace")).hexdigest()
    existing = Article.objects.filter(source=SOURCE, source_id=source_id[:500]).first()
    if existing and existing.source_version == fingerprint:
        return ItemResult(UNCHANGED, source_id, existing.get_absolute_url())
    notes: list[str] = []
    picture = None
    if page.picture_url:
        try:
            data = fetch_url(page.picture_url)
            picture, _ = picture_create_or_update(
                data=data,
                filename=Path(urllib.parse.urlsplit(page.picture_url).path).name or "lead.jpg",
                caption=page.picture_caption[:500],
                credit=page.picture_credit[:200],
                alt_text=page.picture_alt[:300],
                source=SOURCE,
                source_id=page.picture_url[:500],
            )
        except (FetchError, PictureRejected) as exc:
            notes.append(f"picture skipped: {exc}")
    with transaction.atomic():
        article = existing or Article(source=SOURCE, source_id=source_id[:500])
        article.headline = page.headline[:300]
        article.standfirst = page.standfirst
        article.body = page.body
        article.language = page.language
        article.lead_picture = picture or (article.lead_picture if existing else None)
        article.source_version = fingerprint
        # An imported page lands as a draft for the desk, with its original time kept.
        article.published_at = page.published
        if not article.slug:
            article.slug = news.article_free_slug(page.headline)
        received = article_receive(
            article=article,
            by=IMPORTER,
            want=KEEP,
            authors=[news.author_get_or_create(name=a) for a in page.authors],
        )
        notes.extend(received.notes)
    if page.published:
        notes.append(f"first published {page.published.isoformat()}")
    else:
        notes.append("no publication time found")
    outcome = UPDATED if existing else CREATED
    state = "live" if article.status == Status.PUBLISHED else "draft"
    return ItemResult(outcome, source_id, f"{state} /story/{article.slug}/", notes)


def import_pages(sources: list[str], *, report: Report | None = None) -> Report:
    report = report or Report()
    for source in sources:
        report.add(import_page(str(source)))
    return report
