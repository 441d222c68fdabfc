"""Hostile input in static pages: every XSS payload of ../shared/corpora/security/xss/ as a
page's body (wrapped in a paragraph and raw, a hundred at a time), title and description,
written at the desk by an editor and arriving in a WordPress export's pages. What is stored
holds nothing that runs, and Chromium, with the traps of news/tests/test_hostile_input.py,
opens every page (hostile footer titles included) and sees nothing run or reach out."""

from __future__ import annotations

import re
import time
from xml.sax.saxutils import escape

import pytest

from dateline.ingest.sources.wxr import import_wxr
from dateline.news.tests.test_hostile_input import (
    chromium_failures,
    stored_body_problems,
    xss_payloads,
)
from dateline.newsroom.actions.pages import footer_set, page_publish, page_save
from dateline.newsroom.roles import Role
from dateline.newsroom.tests.factories import staff
from dateline.pages.models import Page

CHUNK = 100
# Characters XML 1.0 cannot carry: such payloads cannot be in a WordPress export at all.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _chunks(payloads: list[str]):
    for start in range(0, len(payloads), CHUNK):
        yield start, payloads[start : start + CHUNK]


def write_at_the_desk(payloads: list[str]) -> list[Page]:
    editor = staff(Role.EDITOR, "hostile-editor")
    made = []
    for start, chunk in _chunks(payloads):
        body = "".join(f"<p>{p}</p>" for p in chunk) + "".join(chunk)
        page = page_save(
            page=Page(),
            by=editor,
            title=chunk[0][:200],
            slug=f"hostile-{start}",
            description=chunk[1][:300],
            body=body,
        )
        page_publish(page=page, by=editor)
        made.append(page)
    # Hostile titles in the footer of every page.
    footer_set(pages=made[:5], by=editor)
    return made


def wordpress_export(path, payloads: list[str]):
    usable = [p for p in payloads if not _NOT_XML.search(p)]
    items = []
    for start, chunk in _chunks(usable):
        content = "\n\n".join(chunk)
        items.append(
            f"<item><title>{escape(chunk[0])}</title>"
            f"<link>https://hostile.example/wp-page-{start}/</link>"
            f"<content:encoded>{escape(content)}</content:encoded>"
            f"<wp:post_id>{9000 + start}</wp:post_id>"
            f"<wp:post_name>wp-page-{start}</wp:post_name>"
            "<wp:status>publish</wp:status><wp:post_type>page</wp:post_type></item>"
        )
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:wp="http://wordpress.org/export/1.2/"><channel><title>Hostile</title>'
        "<link>https://hostile.example</link>"
        "<wp:base_site_url>https://hostile.example</wp:base_site_url>"
        + "".join(items)
        + "</channel></rss>",
        encoding="utf-8",
    )
    return path, len(items)


def _stored_problems(pages) -> dict[str, list[str]]:
    found = {}
    for page in pages:
        problems = stored_body_problems(page.body)
        if problems:
            found[page.slug] = problems
    return found


@pytest.mark.django_db
def test_hostile_page_bodies_are_stored_harmless(shared_dir, tmp_path):
    payloads = xss_payloads(shared_dir)
    made = write_at_the_desk(payloads)
    path, count = wordpress_export(tmp_path / "hostile.xml", payloads)
    report = import_wxr(path)
    assert report.failed == 0, [r.line() for r in report.results if r.outcome == "failed"][:5]
    imported = Page.objects.filter(source="wxr:hostile.example")
    assert len(made) == -(-len(payloads) // CHUNK) and imported.count() == count
    assert not _stored_problems(Page.objects.all())


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_hostile_pages_run_no_script_in_chromium(shared_dir, tmp_path, live_server, browser):
    context = browser.new_context()
    started = time.monotonic()
    payloads = xss_payloads(shared_dir)
    write_at_the_desk(payloads)
    path, _ = wordpress_export(tmp_path / "hostile.xml", payloads)
    assert import_wxr(path).failed == 0
    paths = [p.get_absolute_url() for p in Page.objects.order_by("pk")] + ["/"]
    failures, popups = chromium_failures(context, live_server.url, paths)
    context.close()
    print(f"\nhostile pages: {len(paths)} pages in {time.monotonic() - started:.1f} s")
    assert not popups, popups
    assert not failures, dict(list(failures.items())[:5])
