"""The seed page (../shared/seed/): every element S1–S12 as seed-page.json expects."""

from __future__ import annotations

import datetime as dt
import json
import re

import lxml.html
import pytest
import time_machine
from django.core.management import call_command

from dateline.ingest.sources import ninjs
from dateline.news.models import Article, Publication


def _text(el) -> str:
    return re.sub(r"\s+", " ", el.text_content()).strip()


@pytest.fixture
def seed(shared_dir):
    spec = json.loads((shared_dir / "seed" / "seed-page.json").read_text())
    publication = Publication.load()
    publication.time_zone = spec["timezone"]
    publication.save()
    report = ninjs.import_paths([shared_dir / "seed" / "ninjs"])
    assert report.failed == 0, [r.line() for r in report.results]
    call_command("curate", "dont-miss", *spec["expect"]["S12_dont_miss"]["uris"])
    return spec


@pytest.mark.django_db
def test_seed_article_page_shows_every_element_s1_to_s12(seed, client):
    expect = seed["expect"]
    article = Article.objects.get(source_id=seed["article"])
    with time_machine.travel(dt.datetime.fromisoformat(seed["now"]), tick=False):
        response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    page = lxml.html.fromstring(response.content)

    assert _text(page.cssselect(".today")[0]) == f"Today: {expect['S1_today']}"
    assert _text(page.cssselect("time.published")[0]) == expect["S2_published"]
    assert page.cssselect("time.published")[0].get("datetime") == "2021-08-04T11:30:00+01:00"
    assert (
        _text(page.cssselect(".reading-time")[0])
        == f"{expect['S3_reading_time_minutes']} mins read"
    )
    [h1] = page.cssselect("h1")
    assert _text(h1) == expect["S4_headline"]
    assert _text(page.cssselect("p.standfirst")[0]) == expect["S5_standfirst"]

    body = page.cssselect(".story-body")[0]
    assert [_text(h) for h in body.cssselect("h2")] == [expect["S6_crosshead"]]
    paragraphs = [p for p in body.cssselect("p") if "also-read" not in (p.get("class") or "")]
    assert len(paragraphs) == expect["S6_paragraphs"]

    [figure] = body.cssselect("figure")
    caption = figure.cssselect("figcaption")[0]
    credit = _text(caption.cssselect(".credit")[0])
    assert credit.endswith(expect["S7_image"]["credit"])
    assert _text(caption).replace(credit, "").strip() == expect["S7_image"]["caption"]
    assert figure.cssselect("img")[0].get("src").startswith("/media/")

    [also] = body.cssselect("p.also-read a")
    related = Article.objects.get(source_id=expect["S8_also_read"]["uri"])
    assert _text(also) == expect["S8_also_read"]["title"]
    assert also.get("href") == related.get_absolute_url()

    assert _text(page.cssselect("a.previous")[0]).endswith(expect["S9_previous"])
    assert _text(page.cssselect("a.next")[0]).endswith(expect["S9_next"])

    latest = page.cssselect("section.latest-from")[0]
    assert _text(latest.cssselect("h2")[0]) == f"Latest from {expect['S10_latest_from']['section']}"
    assert [_text(a) for a in latest.cssselect(".teaser-title a")] == expect["S10_latest_from"][
        "titles"
    ]
    for teaser in latest.cssselect(".teaser-text"):
        assert 150 <= len(_text(teaser)) <= 201 or not _text(teaser).endswith("…")

    [to_top] = page.cssselect("a.to-top")
    assert to_top.get("href") == "#top" and page.cssselect("#top")

    dont_miss = page.cssselect("section.dont-miss")[0]
    assert [_text(a) for a in dont_miss.cssselect(".teaser-title a")] == expect["S12_dont_miss"][
        "titles"
    ]
    for teaser in dont_miss.cssselect(".teaser-text"):
        assert len(_text(teaser)) <= 81


@pytest.mark.django_db
def test_seed_reading_time_counts_737_words(seed):
    article = Article.objects.get(source_id=seed["article"])
    assert article.body_words == 737
    assert article.reading_minutes == 4


@pytest.mark.django_db
def test_seed_page_is_semantic_html(seed, client):
    article = Article.objects.get(source_id=seed["article"])
    with time_machine.travel(dt.datetime.fromisoformat(seed["now"]), tick=False):
        html = client.get(article.get_absolute_url()).content.decode()
    for tag in (
        "<article",
        "<header",
        "<nav",
        "<time datetime=",
        "<figure",
        "<figcaption",
        "<main",
    ):
        assert tag in html
    assert len(html.encode()) < 50_000
    # One script, the Most read beacon's fixed text (mostread/script.py, let in by its hash);
    # every other script element is a JSON-LD data block, which browsers never execute.
    from dateline.mostread.script import SCRIPT

    scripts = lxml.html.fromstring(html).cssselect("script")
    own = [s for s in scripts if s.get("type") is None]
    assert [(s.text, list(s.attrib)) for s in own] == [(SCRIPT, ["data-story"])]
    assert all(s.get("type") == "application/ld+json" for s in scripts if s not in own)
    assert "<script>" not in html and "javascript:" not in html.lower()
