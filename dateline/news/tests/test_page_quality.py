"""Every public page kind (page_kinds.PAGE_KINDS) meets the article page's standard: a meta
description of its own, no Nu HTML Checker error, no axe-core violation at phone and
desktop widths. Lighthouse, too slow for the suite, is bench/lighthouse.sh over the same list.

The checkers are npm packages pinned in tests/package.json (installed by `make install`):
vnu.jar runs on Java, axe-core is injected into Debian's chromium through Playwright.
"""

from __future__ import annotations

import json
import re
import subprocess
from html import unescape

import pytest
from django.urls import URLPattern, URLResolver

from dateline.news.tests.a11y import NODE_MODULES, axe_violations, node_package
from dateline.news.tests.browser import DESKTOP, PHONE
from dateline.news.tests.page_kinds import page_paths, plain_demo_site

VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
JAVA = "/usr/bin/java"

EXPECTED_STATUS = {"404": 404}
# The namespaces of the routes readers see as pages, and their routes that are not pages.
PAGE_NAMESPACES = ("news", "search", "pages", "live", "newsletters")
# Not HTML pages: the icon, a live story's fragment and feeds (checked by feedparser in
# live/tests), and the sign-up form's POST (it answers with the newsletters page's kin).
NOT_PAGES = {
    "news:favicon",
    "live:fragment",
    "live:rss",
    "live:atom",
    "newsletters:subscribe",
}
META_DESCRIPTION = re.compile(r'<meta name="description" content="([^"]*)">')


def _pages(client) -> dict[str, str]:
    """Each page kind's HTML as served."""
    pages = {}
    for name, path in page_paths().items():
        response = client.get(path)
        assert response.status_code == EXPECTED_STATUS.get(name, 200), (name, path)
        pages[name] = response.content.decode()
    return pages


@pytest.fixture
def plain_site(db):
    plain_demo_site()


def test_every_public_page_route_is_a_page_kind(plain_site):
    """A new reader-facing route in one of these namespaces needs its line in PAGE_KINDS."""
    from django.urls import Resolver404, get_resolver, resolve

    def names(patterns, namespace=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from names(p.url_patterns, p.namespace or namespace)
            elif isinstance(p, URLPattern) and namespace in PAGE_NAMESPACES:
                yield f"{namespace}:{p.name}"

    covered = set()
    for path in page_paths().values():
        try:
            covered.add(resolve(path.split("?")[0]).view_name)
        except Resolver404:
            pass
    routes = set(names(get_resolver().url_patterns)) - NOT_PAGES
    assert routes - covered == set()


def test_every_page_kind_has_a_meta_description_of_its_own(plain_site, client):
    described = {
        name: unescape(META_DESCRIPTION.search(html).group(1))
        for name, html in _pages(client).items()
    }
    assert all(len(text) >= 20 for text in described.values()), described
    assert described["front"].startswith("The Harbour Courier: Kell swing bridge"), described
    assert described["section"] == "Latest News stories from The Harbour Courier"
    assert described["author"].startswith("Stories by "), described
    assert described["author"].endswith(" in The Harbour Courier"), described
    assert described["search"] == "Search every story published by The Harbour Courier"
    # One description per page kind: none falls back to a neighbour's.
    kinds = ["front", "section", "tag", "topic", "author", "corrections", "search", "404"]
    assert len({described[k] for k in kinds}) == len(kinds), described


def test_listing_descriptions_are_the_site_owners_words_when_written(plain_site, client):
    from dateline.news.models import Article, Publication, Section

    Publication.objects.update(tagline="News from Kelbridge and the Kell estuary")
    story = Article.objects.get(source_id="demo:ropewalk-warehouse-fire")
    Section.objects.filter(pk=story.section_id).update(description="What happens in Kelbridge.")
    author = story.authors.first()
    author.bio = "Covers the courts & the harbour."
    author.save()
    for path, expected in [
        ("/", "News from Kelbridge and the Kell estuary"),
        (story.section.get_absolute_url(), "What happens in Kelbridge."),
        (author.get_absolute_url(), "Covers the courts & the harbour."),
    ]:
        html = client.get(path).content.decode()
        assert unescape(META_DESCRIPTION.search(html).group(1)) == expected


def test_every_page_kind_has_no_nu_html_checker_errors(plain_site, client, tmp_path):
    jar = node_package(VNU_JAR)
    # A page with a known error: the checker's report must name it, or it read nothing.
    control = tmp_path / "control.html"
    control.write_text('<!doctype html><html lang="en"><title>x</title><img src="x.jpg">')
    files = {str(control.resolve()): "control"}
    for name, html in _pages(client).items():
        file = tmp_path / f"{re.sub(r'[^a-z0-9]+', '-', name)}.html"
        file.write_text(html, encoding="utf-8")
        files[str(file.resolve())] = name
    run = subprocess.run(
        [JAVA, "-jar", str(jar), "--format", "json", "--stdout", "--exit-zero-always", *files],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    messages = json.loads(run.stdout)["messages"]
    errors: dict[str, list[str]] = {}
    for m in messages:
        if m["type"] == "error" or m.get("subType") == "fatal":
            name = files.get(m.get("url", "").removeprefix("file:"), m.get("url"))
            errors.setdefault(name, []).append(
                f"line {m.get('lastLine')}: {m['message']} [{m.get('extract', '').strip()}]"
            )
    assert "alt" in " ".join(errors.pop("control", [])), run.stdout
    assert errors == {}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_every_page_kind_has_no_axe_violations(device, live_server, open_page):
    plain_demo_site()
    paths = page_paths()
    viewport = {"phone": PHONE, "desktop": DESKTOP}[device]
    page = open_page({**viewport, "bypass_csp": True})
    violations: dict[str, list[str]] = {}
    for name, path in paths.items():
        response = page.goto(live_server.url + path)
        assert response is not None and response.status == EXPECTED_STATUS.get(name, 200)
        found = axe_violations(page)
        if found:
            violations[name] = found
    assert violations == {}
    # The one console error a reader's browser logs is the 404 page's own status.
    assert [e for e in page.errors if "404 (Not Found)" not in e] == []


@pytest.mark.django_db
def test_search_answers_are_kept_from_search_engines_and_the_bare_form_is_not(client):
    bare = client.get("/search/").content.decode()
    assert '<meta name="robots" content="noindex">' not in bare
    assert '<link rel="canonical" href="http://' in bare and '/search/">' in bare
    for asked in ("/search/?q=harbour", "/search/?section=news", "/search/?q="):
        html = client.get(asked).content.decode()
        assert '<meta name="robots" content="noindex">' in html, asked
        assert 'rel="canonical"' not in html, asked
