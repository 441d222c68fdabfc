"""dateline import page: the article from a web page, without the page's furniture, by the
best open extractor; fetched only from public addresses."""

from __future__ import annotations

import gzip
import io
import json
import re
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command
from PIL import Image

from dateline.ingest.sources.page import PageError, _drop_boilerplate, extract, import_page
from dateline.ingest.tests.http_server import serving
from dateline.news.models import Article, Status

PAGES = Path(__file__).parent / "fixtures" / "pages"
STORY = PAGES / "story-with-newsroom-boilerplate.html"
CANONICAL = "https://harbour-courier.example/news/late-ferry-survives/"
LOOKALIKES = PAGES / "story-with-paragraphs-that-start-like-furniture.html"
SAVED = PAGES / "saved-page-with-its-picture-beside-it.html"
SAVED_CANONICAL = "https://harbour-courier.example/news/lifeboat-called-out-twice/"


def _jpeg(size: tuple[int, int] = (1600, 900)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (20, 60, 120)).save(out, "JPEG")
    return out.getvalue()


@pytest.fixture
def saved_page(tmp_path) -> Path:
    """The saved page in a folder of its own, its picture beside it as the browser left it."""
    folder = tmp_path / "saved"
    folder.mkdir()
    shutil.copy(SAVED, folder / "page.html")
    (folder / "lifeboat.jpg").write_bytes(_jpeg((1200, 800)))
    return folder / "page.html"


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


def test_paragraphs_that_only_start_like_furniture_are_kept():
    page = extract(LOOKALIKES.read_text(encoding="utf-8"))
    assert page.url == "https://harbour-courier.example/business/brewery-shares-slide/"
    text = " ".join(page.text.split())
    for opening in (
        "Share prices fell by almost a fifth on Monday",
        "More from the minister is expected on Thursday",
        "Related to this, the brewery's own staff union",
        "Read more widely, the figures suggest",
        "Back to top form is what the brewery's chairman",
        "The company is expected to issue a statement",
    ):
        assert opening in text, opening
    assert page.body.count("<p>") == 6


def test_furniture_is_dropped_for_what_it_is_wherever_it_stands():
    page = extract(LOOKALIKES.read_text(encoding="utf-8"))
    # Each paragraph is kept whole; nothing else is left of the page around or inside it.
    blocks = [" ".join(b.split()) for b in re.findall(r"<p>(.*?)</p>", page.text, re.S)]
    assert all(len(b) > 100 for b in blocks), blocks
    text = " ".join(page.text.split())
    for furniture in (
        "ALSO READ",
        "Barley harvest best in a decade",
        "Advertisement",
        "Share this",
        "Facebook",
        "Previous Story",
        "Fish market moves",
        "Latest from",
        "Bakery wins",
        "Don't Miss",
        "Go to Top",
        "Follow us",
        "Distillery plans",
    ):
        assert furniture not in text, furniture
    assert not re.search(r"<h\d>\s*Related\s*</h\d>", page.body)


@pytest.mark.parametrize(
    "line",
    [
        "Share",
        "Share this story:",
        "Related",
        "Related stories",
        "Read more",
        "Read more »",
        "Previous Story",
        "Next Story",
        "Latest from -Top News",
        "Don’t Miss",
        "Go toTop",
        "Advertisement",
        "Facebook Twitter WhatsApp Email",
    ],
)
def test_a_line_that_is_only_furniture_is_dropped(line):
    body = f"<p>{line}</p><p>The council met on Monday and agreed the budget for the year.</p>"
    assert _drop_boilerplate(body) == (
        "<p>The council met on Monday and agreed the budget for the year.</p>"
    )


@pytest.mark.parametrize(
    "line",
    [
        '<p>ALSO READ: <a href="/news/a/">Fares rise in spring</a></p>',
        "<p>ALSO READ: Next-gen takes over the family business, says report</p>",
        '<p>Share on: <a href="#">Facebook</a> <a href="#">X</a></p>',
        '<h2>Latest from News</h2><ul><li><a href="/a/">Storm warning</a></li>'
        '<li><a href="/b/">Roof repaired</a></li></ul>',
    ],
)
def test_a_label_with_only_links_or_a_headline_after_it_is_dropped(line):
    body = f"{line}<p>The council met on Monday and agreed the budget for the year.</p>"
    assert _drop_boilerplate(body) == (
        "<p>The council met on Monday and agreed the budget for the year.</p>"
    )


@pytest.mark.parametrize(
    "sentence",
    [
        "Share prices fell: the index lost four per cent in an hour.",
        "Related: the council's own auditors raised the same doubts in a report last year.",
        "Read more widely, the figures tell a different story.",
        "Next, the board will publish its accounts.",
        "Latest from the harbour office: the pier is closed until Friday.",
        "Don't miss the point, the chair told members.",
    ],
)
def test_a_sentence_that_starts_with_a_furniture_word_is_kept(sentence):
    body = f"<p>{sentence}</p>"
    assert _drop_boilerplate(body) == body


def test_a_saved_page_points_at_the_picture_beside_it(saved_page):
    page = extract(saved_page.read_text(encoding="utf-8"), base=saved_page.as_uri())
    # The canonical URL stays the story's id; the picture is the copy the browser saved.
    assert page.url == SAVED_CANONICAL
    assert page.picture_url == (saved_page.parent / "lifeboat.jpg").as_uri()
    assert (page.picture_caption, page.picture_credit) == (
        "The lifeboat heads out for the second time",
        "Ewan Sinclair",
    )
    # Without og:image the page's lead figure is the picture, resolved the same way.
    bare = re.sub(r'<meta property="og:image"[^>]*>', "", saved_page.read_text(encoding="utf-8"))
    page = extract(bare, base=saved_page.as_uri())
    assert page.picture_url == (saved_page.parent / "lifeboat.jpg").as_uri()


@pytest.mark.django_db
def test_import_of_a_saved_page_keeps_the_picture_saved_beside_it(saved_page):
    out = io.StringIO()
    call_command("import", "page", str(saved_page), stdout=out)
    line = out.getvalue().splitlines()[0]
    assert line.startswith(f"created {SAVED_CANONICAL} draft ")
    assert "picture skipped" not in line
    story = Article.objects.get(source="page", source_id=SAVED_CANONICAL)
    assert (story.lead_picture.width, story.lead_picture.height) == (1200, 800)
    assert story.lead_picture.credit == "Ewan Sinclair"
    assert story.lead_picture.alt_text == "The lifeboat leaving the harbour in heavy seas"


def _outside_by_dots(folder: Path) -> str:
    (folder.parent / "secret.jpg").write_bytes(_jpeg())
    return "../secret.jpg"


def _outside_by_symlink(folder: Path) -> str:
    (folder.parent / "secret.jpg").write_bytes(_jpeg())
    (folder / "innocent.jpg").symlink_to(folder.parent / "secret.jpg")
    return "innocent.jpg"


def _outside_by_absolute_path(folder: Path) -> str:
    (folder.parent / "secret.jpg").write_bytes(_jpeg())
    return str(folder.parent / "secret.jpg")


def _outside_by_file_url(folder: Path) -> str:
    (folder.parent / "secret.jpg").write_bytes(_jpeg())
    return (folder.parent / "secret.jpg").as_uri()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "escape",
    [_outside_by_dots, _outside_by_symlink, _outside_by_absolute_path, _outside_by_file_url],
)
def test_a_saved_page_reads_no_file_outside_its_folder(saved_page, escape):
    src = escape(saved_page.parent)
    html = saved_page.read_text(encoding="utf-8").replace('src="lifeboat.jpg"', f'src="{src}"')
    html = re.sub(r'<meta property="og:image"[^>]*>', "", html)
    saved_page.write_text(html, encoding="utf-8")
    result = import_page(str(saved_page))
    assert result.outcome == "created"  # the story is kept, without the picture
    assert any("picture skipped" in note for note in result.notes), result.notes
    assert Article.objects.get(source_id=SAVED_CANONICAL).lead_picture is None


@pytest.mark.django_db
def test_a_fetched_page_resolves_its_pictures_against_the_address_it_came_from(settings):
    """Served from one address with a canonical URL on another host, the page's relative
    picture comes from where the page was fetched, as a browser would load it; and a page from
    the web never reads a file of ours."""
    settings.DATELINE_FETCH_ALLOW_LOOPBACK = True
    html = SAVED.read_text(encoding="utf-8")
    html = re.sub(r'<meta property="og:image"[^>]*>', "", html).encode()
    routes = {
        "/archive/2026/lifeboat/": lambda h: (200, {"Content-Type": "text/html"}, html),
        "/archive/2026/lifeboat/lifeboat.jpg": lambda h: (
            200,
            {"Content-Type": "image/jpeg"},
            _jpeg((1200, 800)),
        ),
    }
    with serving(routes) as server:
        result = import_page(server.base + "/archive/2026/lifeboat/")
    assert result.outcome == "created", result.notes
    story = Article.objects.get(source="page", source_id=SAVED_CANONICAL)
    assert story.lead_picture.width == 1200
    local = html.decode().replace('src="lifeboat.jpg"', 'src="file:///etc/hostname"')
    routes["/archive/2026/lifeboat/"] = lambda h: (
        200,
        {"Content-Type": "text/html"},
        local.encode(),
    )
    with serving(routes) as server:
        result = import_page(server.base + "/archive/2026/lifeboat/")
    assert any("picture skipped" in note for note in result.notes), result.notes


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
