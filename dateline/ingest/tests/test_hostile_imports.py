"""The XSS corpus through the other doors in: a WordPress export, an RSS wire feed and a web
page, each imported and its stories opened in Chromium with the same traps as the ninjs test
(dateline/news/tests/test_hostile_input.py). Nothing may run, and nothing may reach out."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest

from dateline.ingest.models import WireSource
from dateline.ingest.sources.page import import_page
from dateline.ingest.sources.wxr import import_wxr
from dateline.ingest.wire import wire_poll
from dateline.news.models import Article, Status
from dateline.news.tests import factories
from dateline.news.tests.test_hostile_input import (
    CHUNK,
    chromium_failures,
    stored_body_problems,
    xss_payloads,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
TITLE_STRIDE = 10  # every tenth payload is also a headline: ~130 per door
PAGE_CHUNK = 25


# Characters XML 1.0 cannot carry at all (some payloads hold them); an export cannot either.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _cdata(text: str) -> str:
    return "<![CDATA[" + _NOT_XML.sub("", text).replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _wxr(payloads: list[str], path: Path) -> Path:
    items = []
    for n, start in enumerate(range(0, len(payloads), CHUNK)):
        chunk = payloads[start : start + CHUNK]
        items.append((f"Hostile WordPress body, part {n}", "\n\n".join(chunk), chunk[0]))
    for payload in payloads[::TITLE_STRIDE]:
        items.append((payload, f"<p>{payload}</p>", payload))
    out = [
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" '
        'xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:wp="http://wordpress.org/export/1.2/"><channel><title>Hostile</title>'
        "<wp:base_site_url>https://hostile.example</wp:base_site_url>"
    ]
    for post_id, (title, body, excerpt) in enumerate(items, start=1):
        out.append(
            f"<item><title>{_cdata(title)}</title>"
            f"<link>https://hostile.example/?p={post_id}</link>"
            f"<content:encoded>{_cdata(body)}</content:encoded>"
            f"<excerpt:encoded>{_cdata(excerpt)}</excerpt:encoded>"
            f"<wp:post_id>{post_id}</wp:post_id>"
            f"<wp:post_date_gmt>2025-01-01 08:{post_id % 60:02d}:00</wp:post_date_gmt>"
            "<wp:status>publish</wp:status><wp:post_type>post</wp:post_type></item>"
        )
    out.append("</channel></rss>")
    path.write_text("".join(out), encoding="utf-8")
    return path


def _rss(payloads: list[str], folder: Path) -> Path:
    folder.mkdir()
    entries = []
    for n, start in enumerate(range(0, len(payloads), CHUNK)):
        chunk = payloads[start : start + CHUNK]
        entries.append((f"Hostile wire body, part {n}", "\n".join(chunk)))
    for payload in payloads[::TITLE_STRIDE]:
        entries.append((payload, payload))
    items = "".join(
        f"<item><title>{html.escape(_NOT_XML.sub('', title))}</title>"
        f"<guid>urn:hostile:{n}</guid>"
        f"<pubDate>Wed, 01 Jan 2025 08:{n % 60:02d}:00 +0000</pubDate>"
        f"<description>{html.escape(_NOT_XML.sub('', body))}</description></item>"
        for n, (title, body) in enumerate(entries)
    )
    (folder / "hostile.xml").write_text(
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>Hostile wire</title>'
        f"<link>https://wire.example/</link><description>x</description>{items}</channel></rss>",
        encoding="utf-8",
    )
    return folder


PROSE = (
    "The harbour board met on Tuesday night to settle the winter timetable, and after two "
    "hours of argument the late ferry survives for another year, its chair told islanders."
)


def _page(payloads: list[str], path: Path, n: int) -> Path:
    # A page is an article first: prose, with payloads in among it, as in a hostile comment
    # quoted or a compromised CMS's output (a page of nothing but payloads has no article).
    chunk = payloads[n * PAGE_CHUNK : (n + 1) * PAGE_CHUNK]
    body = "\n".join(f"<p>{PROSE}</p>\n<p>{PROSE} {p}</p>" for p in chunk)
    path.write_text(
        f"<!doctype html><html><head><title>{html.escape(chunk[0])}</title>"
        f'<link rel="canonical" href="https://hostile.example/page-{n}/">'
        f'<meta property="og:title" content="Hostile page {n}"></head><body><article>'
        f"<h1>Hostile page {n}</h1>{body}</article></body></html>",
        encoding="utf-8",
    )
    return path


def test_hostile_imports_run_no_script_in_chromium(shared_dir, tmp_path, live_server, browser):
    context = browser.new_context()  # first, so a browser that did not start fails at once
    payloads = xss_payloads(shared_dir)

    wxr_report = import_wxr(_wxr(payloads, tmp_path / "hostile-wxr.xml"))
    assert wxr_report.failed == 0, [r.line() for r in wxr_report.results if r.outcome == "failed"]
    source = WireSource.objects.create(
        name="Hostile wire",
        kind=WireSource.Kind.FOLDER,
        location=str(_rss(payloads, tmp_path / "wire")),
        format=WireSource.Format.FEED,
        publish_directly=True,
        default_section=factories.section("Wire"),
    )
    wire_report = wire_poll(source=source)
    # A title that was nothing but markup has no text left once cleaned: that item is
    # refused with its reason, the rest go in.
    refused = [r for r in wire_report.results if r.outcome == "failed"]
    assert {r.detail for r in refused} <= {"item has no title"}, refused[:5]
    assert sum(r.outcome == "created" for r in wire_report.results) >= 100
    pages = [
        import_page(str(_page(payloads, tmp_path / f"page-{n}.html", n)))
        for n in range(len(payloads) // PAGE_CHUNK + 1)
    ]
    assert {r.outcome for r in pages} <= {"created", "failed"}
    assert sum(r.outcome == "created" for r in pages) >= len(pages) * 0.9, [
        r.line() for r in pages if r.outcome == "failed"
    ][:5]
    for story in Article.objects.filter(source="page"):
        factories.publish(story, story.published_at or None)

    stories = list(Article.objects.filter(status=Status.PUBLISHED).exclude(source=""))
    by_source = {}
    for story in stories:
        by_source.setdefault(story.source.split(":")[0], []).append(story)
        assert not stored_body_problems(story.body), (story.source_id, story.body[:300])
    assert {k: len(v) > 2 for k, v in by_source.items()} == {
        "wxr": True,
        "wire": True,
        "page": True,
    }, {k: len(v) for k, v in by_source.items()}

    paths = sorted({s.get_absolute_url() for s in stories}) + ["/"]
    failures, popups = chromium_failures(context, live_server.url, paths)
    context.close()
    assert not popups, popups
    assert not failures, json.dumps(dict(list(failures.items())[:10]), indent=1, default=str)
