"""dateline import page: the article from a web page, without the page's furniture, by the
best open extractor; fetched only from public addresses."""

from __future__ import annotations

import gzip
import io
import json
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from PIL import Image

from dateline.ingest.sources.page import PageError, extract, import_page
from dateline.ingest.tests.http_server import serving
from dateline.news.models import Article, Status

PAGES = Path(__file__).parent / "fixtures" / "pages"
STORY = PAGES / "story-with-newsroom-boilerplate.html"
CANONICAL = "https://harbour-courier.example/news/late-ferry-survives/"


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (1600, 900), (20, 60, 120)).save(out, "JPEG")
    return out.getvalue()


@pytest.fixture
def site(settings):
    settings.DATELINE_FETCH_ALLOW_LOOPBACK = True
    html = STORY.read_bytes()
    routes = {
        "/news/late-ferry-survives/": lambda h: (200, {"Content-Type": "text/html"}, html),
        "/media/harbour-dawn.jpg": lambda h: (200, {"Content-Type": "image/jpeg"}, _jpeg()),
    }
    with serving(routes) as server:
        yield server


def test_the_story_without_the_furniture_around_it():
    page = extract(STORY.read_text(encoding="utf-8"), url=CANONICAL)
    assert page.url == CANONICAL
    assert page.headline == "Late ferry survives the winter timetable"
    assert (
        page.standfirst
        == "The harbour board keeps the evening crossing, but fares rise by ten pence."
    )
    assert page.authors == ["Mara Lind"]
    assert page.published.isoformat() == "2026-07-04T00:30:00+01:00"
    assert "<h2>Who pays for the pier</h2>" in page.body
    assert "We will not leave the island" in page.body
    assert page.body.count("<p>") == 6
    text = " ".join(page.text.split())
    for furniture in (
        "ALSO READ",
        "Previous Story",
        "Next Story",
        "Latest from",
        "Don't Miss",
        "Share this",
        "Go to Top",
        "Today:",
        "Storm warning for the weekend",
        "Museum reopens",
        "Late ferry survives the winter timetable",
        "mins read",
    ):
        assert furniture not in text, furniture
    assert page.picture_url == "https://harbour-courier.example/media/harbour-dawn.jpg"
    assert (page.picture_caption, page.picture_credit) == (
        "Boats in the harbour at dawn",
        "Mara Lind",
    )
    assert page.picture_alt == "Fishing boats tied up at dawn"


@pytest.mark.django_db
def test_import_from_a_url_with_its_lead_picture_and_again_unchanged(site):
    url = site.base + "/news/late-ferry-survives/"
    out = io.StringIO()
    call_command("import", "page", url, stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith(
        f"created {CANONICAL} draft /story/late-ferry-survives-the-winter-timetable/"
    )
    assert "first published 2026-07-04T00:30:00+01:00" in lines[0]
    story = Article.objects.get(source="page", source_id=CANONICAL)
    assert story.status == Status.DRAFT  # for the desk to check and publish
    assert story.published_at.isoformat() == "2026-07-03T23:30:00+00:00"
    assert [a.name for a in story.authors.all()] == ["Mara Lind"]
    assert story.lead_picture.credit == "Mara Lind"
    assert story.lead_picture.caption == "Boats in the harbour at dawn"
    assert (story.lead_picture.width, story.lead_picture.height) == (1600, 900)
    again = io.StringIO()
    call_command("import", "page", str(STORY), stdout=again)  # the same page, from a file
    assert again.getvalue().splitlines()[0].startswith(f"unchanged {CANONICAL} ")
    assert Article.objects.filter(source="page").count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    ["http://169.254.169.254/latest/meta-data/", "http://127.0.0.1:9/", "file:///etc/passwd"],
)
def test_internal_addresses_are_refused_with_a_reason(url, settings):
    settings.DATELINE_FETCH_ALLOW_LOOPBACK = False
    result = import_page(url)
    assert result.outcome == "failed" and result.detail
    assert not Article.objects.exists()


def test_an_empty_or_articleless_page_is_a_clear_failure():
    with pytest.raises(PageError):
        extract("   ")
    with pytest.raises(PageError):
        extract("<html><body><nav><a href='/'>Home</a></nav></body></html>")


def _shingles(text: str) -> set[tuple[str, ...]]:
    words = re.findall(r"\w+", text.lower())
    return {tuple(words[i : i + 4]) for i in range(max(len(words) - 3, 0))}


@pytest.mark.django_db
def test_extraction_quality_on_the_public_benchmark(shared_dir):
    """The 181 real pages of the article-extraction benchmark, scored as the benchmark does
    (F1 of word 4-gram shingles of the body text)."""
    folder = shared_dir / "corpora" / "article-extraction"
    truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    scores = []
    for ident, expected in truth.items():
        html = gzip.open(folder / "html" / f"{ident}.html.gz").read().decode("utf-8", "replace")
        try:
            text = extract(html, url=expected["url"]).text
        except PageError:
            text = ""
        got, want = _shingles(text), _shingles(expected["articleBody"])
        if not got or not want:
            scores.append(1.0 if got == want else 0.0)
            continue
        precision, recall = len(got & want) / len(got), len(got & want) / len(want)
        scores.append(
            0.0 if not precision + recall else 2 * precision * recall / (precision + recall)
        )
    assert len(scores) == 181
    assert sum(scores) / len(scores) >= 0.90
