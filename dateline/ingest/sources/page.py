"""Web page import: `dateline import page URL|FILE…`.

The article is found by trafilatura (the best-scoring open extractor on the public
article-extraction benchmarks: 0.960 F1 on the 181 pages in ../shared/corpora, measured
there), not by heuristics of ours. What trafilatura does not give we read from the page's
own metadata: the publication time with its offset (`article:published_time`, JSON-LD,
`<time datetime>`; trafilatura keeps only the date), and the lead picture's caption and
credit from its `<figure>`.

Furniture is dropped in two places. By its place in the page: trafilatura already leaves out
`nav`, `aside`, `footer`, menus and link-dense lists. By what it is: some furniture sits
inside the story's own markup and survives ("ALSO READ: <headline>", "Previous Story",
"Latest from…", "Don't Miss", share bars), so a block whose *whole* text is such a label (or
a label followed only by links, network names or, for "also read", a headline), and the run
of bare links under such a label, are dropped. Never a block that merely starts with one of
those words: "Share prices fell…" is the story.

Relative addresses resolve as a browser would: against the address the page was fetched
from, or the file it was read from (its `<base href>` first). A page saved to disk finds its
picture beside it, read from that folder only. The canonical URL (`<link rel=canonical>`,
else `og:url`, else the address fetched) stays the story's source id, so importing the same
page again, from the web or from disk, updates it in place.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html as html_lib
import json
import re
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import trafilatura
from lxml import html as lxml_html

from dateline.ingest.apply import ITEM_ERRORS, Run, story_apply
from dateline.ingest.fetch import FetchError, read_location
from dateline.ingest.incoming import KEEP, IncomingPicture, IncomingStory
from dateline.ingest.pipeline import FAILED, UNCHANGED, ItemResult, Report
from dateline.ingest.sources.wordpress_body import split_credit
from dateline.news.models import Status
from dateline.newsroom.actors import importer_actor

SOURCE = "page"
IMPORTER = importer_actor("web page")
# Furniture labels. Each is matched against a block's whole text (or the part before a
# separator), never as the prefix of a sentence.
_NAME = r"[^.!?:;,]{1,40}"  # "Latest from <section>": a short name, not a clause
_READ_ON = (
    r"also read|read also|see also|read more|read next|more to read|"
    r"related(?: (?:stor(?:y|ies)|articles?|posts?|news|content|coverage|reading|links|"
    r"topics?|roundup|videos?))?"
)
_LABEL = re.compile(
    rf"(?:{_READ_ON}|more (?:stories|news)|more (?:from|in|on) {_NAME}|"
    rf"latest(?: (?:news|stories|posts))?(?: (?:from|in|on) {_NAME})?|"
    r"(?:previous|next)(?: (?:story|article|post))?|don'?t miss|must read|"
    r"most (?:read|popular|shared)|top stories|trending(?: now)?|"
    r"share(?: this)?(?: (?:story|article|page|post))?(?: (?:on|via))?|"
    r"(?:go|back) ?to ?top|advertisement|advertising|sponsored(?: content)?|"
    rf"follow us(?: on {_NAME})?|subscribe(?: to {_NAME})?|sign up(?: for {_NAME})?|"
    r"newsletter|comments?)",
    re.I,
)
_SEPARATOR = r"\s*[:|»›>→–—-]+\s*"
_ENDS_LABEL = re.compile(r"[\s:|»›>→…\-–—.]+$")
_SOCIAL = re.compile(
    r"(?:\s*(?:facebook|twitter|x|whatsapp|telegram|linkedin|pinterest|reddit|threads|"
    r"bluesky|mastodon|e-?mail|print|copy link|messenger)\b\s*[,|·•]?)+",
    re.I,
)
_BLOCK = re.compile(r"<(p|h[1-6]|li|blockquote)\b[^>]*>(.*?)</\1>", re.S | re.I)
_LINK = re.compile(r"<a\b[^>]*>(.*?)</a>", re.S | re.I)
_EMPTY_LIST = re.compile(r"<(ul|ol)\b[^>]*>\s*</\1>", re.I)
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


def _plain(fragment: str) -> str:
    text = html_lib.unescape(_TAGS.sub(" ", fragment)).replace("\u2019", "'")
    return " ".join(text.split())


def _furniture(inner: str) -> str:
    """'label' for a block that is only a furniture label (a list of links may follow it),
    'item' for one that is furniture on its own, '' for the story's own text."""
    text = _plain(inner)
    if _LABEL.fullmatch(_ENDS_LABEL.sub("", text)):
        return "label"
    if _SOCIAL.fullmatch(text):
        return "item"
    # "Share this article: <a>Facebook</a> <a>X</a>", "ALSO READ: <a>Fares rise</a>",
    # "DON'T MISS<br><a>…</a> [NEWS]<br><a>…</a>": a label, then (almost) only links.
    if _LINK.search(inner):
        own = _ENDS_LABEL.sub("", _plain(_LINK.sub(" ", inner)))
        lead = re.match(rf"(?:{_LABEL.pattern})(?={_SEPARATOR}|\s|$)", own, re.I)
        if lead:
            rest = len(own) - lead.end()
            linked = len(_plain(" ".join(_LINK.findall(inner))))
            if rest <= 0.2 * (rest + linked):
                return "item"
    head = re.fullmatch(rf"({_LABEL.pattern}){_SEPARATOR}(.+)", text, re.I)
    if head:
        label, rest = head.group(1), head.group(2)
        if _SOCIAL.fullmatch(rest):
            return "item"
        # "ALSO READ: Next-gen takes over the family business, says report" in plain text
        # names a headline (short, no full stop); "Related: the auditors said so." is prose.
        if re.fullmatch(_READ_ON, label, re.I) and len(rest.split()) <= 20:
            return "" if rest.endswith(".") else "item"
    return ""


def _drop_boilerplate(body: str) -> str:
    under_label = False

    def keep(match: re.Match) -> str:
        nonlocal under_label
        inner = match.group(2)
        kind = _furniture(inner)
        # Bare links straight after a furniture label are its list ("Latest from News",
        # then the stories it names); the first block with text of its own ends the run.
        only_links = bool(_LINK.search(inner)) and not _ENDS_LABEL.sub(
            "", _plain(_LINK.sub(" ", inner))
        )
        if kind == "label" or (under_label and only_links):
            under_label = True
            return ""
        under_label = False
        return "" if kind else match.group(0)

    return _EMPTY_LIST.sub("", _BLOCK.sub(keep, body))


def _lead_figure(tree, image_url: str, base: str) -> tuple[str, str, str, str]:
    """The lead picture's address, caption, credit and alt text, from its <figure> on the
    page: the figure showing `image_url` (matched by file name, as a saved page keeps it),
    else, when the page names no picture, the article's first figure."""
    name = Path(urllib.parse.urlsplit(image_url).path).name if image_url else ""
    figures = tree.xpath("//figure[.//img]")
    if not name:  # the lead is the story's own first figure, not one in the page's header
        figures = tree.xpath("//article//figure[.//img]") or figures
    for figure in figures:
        img = figure.xpath(".//img")[0]
        src = (img.get("src") or img.get("data-src") or "").strip()
        src = urllib.parse.urljoin(base, src) if src else ""
        if not src or (name and Path(urllib.parse.urlsplit(src).path).name != name):
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
        return src, text, credit, img.get("alt") or ""
    return "", "", "", ""


def extract(html_text: str, *, url: str = "", base: str = "") -> Extracted:
    """The article on the page. `url` is the address it was fetched from, if it was; `base`
    is where it was read from, for its relative addresses (the fetched URL, or a saved
    page's `file:` URI)."""
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
    # Relative addresses resolve as the browser showing this copy of the page resolves them:
    # against its <base href>, else where it was read from (the canonical URL only when the
    # caller knows neither), so a saved page's "lifeboat.jpg" is the file beside it.
    base = base or url or canonical
    declared = (tree.xpath("//base/@href") or [""])[0].strip()
    base = urllib.parse.urljoin(base, declared) if declared else base
    named = document.image or _meta(tree, "og:image")
    named = urllib.parse.urljoin(base, named) if named else ""
    shown, caption, credit, alt = _lead_figure(tree, named, base)
    # A saved page still names the site's copy of its picture in og:image; the copy the
    # browser saved beside it (same file name) is the one at hand.
    local = base.startswith("file:") and shown.startswith("file:")
    picture = shown if not named or local else named
    return Extracted(
        url=canonical,
        headline=headline,
        standfirst=standfirst,
        authors=authors[:5],
        published=published,
        body=body,
        language=(document.language or (tree.get("lang") or ""))[:20],
        picture_url=picture,
        picture_caption=caption,
        picture_credit=credit or _meta(tree, "og:image:credit", "twitter:image:credit"),
        picture_alt=alt,
    )


def lead_picture(page: Extracted, *, folder: Path | None) -> IncomingPicture | None:
    """The page's lead picture as the record's: fetched if it is on the web; if it is a
    file (a saved page's), read only from `folder` (the page's own folder, or below it),
    never through `..` or a symbolic link that leads out of it. A page from the web
    (`folder` None) names no file of ours."""
    if not page.picture_url:
        return None
    parts = urllib.parse.urlsplit(page.picture_url)
    picture = IncomingPicture(
        key=page.picture_url[:500],
        filename=Path(parts.path).name or "lead.jpg",
        caption=page.picture_caption[:500],
        credit=page.picture_credit[:200],
        alt=page.picture_alt[:300],
    )
    if parts.scheme != "file":
        picture.url = page.picture_url
    elif folder is None or parts.netloc not in ("", "localhost"):
        picture.problem = "a page from the web may not name a file on this machine"
    else:
        picture.files = (Path(urllib.request.url2pathname(parts.path)),)
        picture.folder = folder
    return picture


def parse_page(source: str) -> IncomingStory:
    """The page at `source` (an address or a file) as an incoming story: a draft for the
    desk, with the time it was first published; its canonical URL is its id."""
    data, fetched_from = read_location(source, accept="text/html,application/xhtml+xml")
    html_text = data.decode("utf-8", "replace")
    # A file's pictures are beside it; a fetched page's are relative to its final URL.
    folder = None if fetched_from else Path(source).absolute().parent
    base = fetched_from or Path(source).absolute().as_uri()
    page = extract(html_text, url=fetched_from, base=base)
    story = IncomingStory(
        source=SOURCE,
        source_id=(page.url or f"file:{Path(source).resolve()}")[:500],
        headline=page.headline[:300],
        version=hashlib.sha256(html_text.encode("utf-8", "replace")).hexdigest(),
        standfirst=page.standfirst,
        body=page.body,
        language=page.language,
        authors=page.authors,
        lead_picture=lead_picture(page, folder=folder),
        want=KEEP,  # for the desk to check and publish
        published_at=page.published,
    )
    if page.published:
        story.notes.append(f"first published {page.published.isoformat()}")
    else:
        story.notes.append("no publication time found")
    return story


def import_page(source: str, *, run: Run | None = None) -> ItemResult:
    try:
        story = parse_page(source)
    except (FetchError, PageError, ValueError) as exc:
        return ItemResult(FAILED, source, str(exc))
    try:
        applied = story_apply(story, actor=IMPORTER, run=run)
    except ITEM_ERRORS as exc:
        return ItemResult(FAILED, story.source_id, f"{exc.__class__.__name__}: {exc}")
    article = applied.article
    if applied.outcome == UNCHANGED:
        return applied.result(article.get_absolute_url())
    state = "live" if article.status == Status.PUBLISHED else "draft"
    return applied.result(f"{state} /story/{article.slug}/")


def import_pages(sources: list[str], *, report: Report | None = None) -> Report:
    report = report or Report()
    run = Run()
    for source in sources:
        report.add(import_page(str(source), run=run))
    return report
