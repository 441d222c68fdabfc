"""The demo site (`dateline demo`): its files (ninjs with our own pictures beside them),
what it loads through the import path, that it loads once, and that readers can see it."""

from __future__ import annotations

import datetime as dt
import io
import json
import re

import pytest
from django.core.management import call_command
from django.test import Client
from markupsafe import escape
from PIL import Image

from dateline.core import clock
from dateline.ingest.demo import loader
from dateline.news.models import (
    Article,
    Author,
    CollectionItem,
    Section,
    Tag,
    Topic,
)
from dateline.news.selectors import collection_articles
from dateline.news.tests import factories
from dateline.pictures.models import Picture

MANIFEST = loader.manifest()
STORIES = [loader.stories()[source_id] for source_id in MANIFEST["stories"]]
SECTIONS = MANIFEST["sections"]
[LEAD] = MANIFEST["front"]["lead"]
DONT_MISS = MANIFEST["front"]["dont-miss"]
FILES = sorted((loader.DATA / "stories").glob("*.json"))
PICTURES = sorted((loader.DATA / "stories" / "pictures").iterdir())


@pytest.fixture(autouse=True)
def _media_in_tmp_path(settings, tmp_path):
    # Each load writes ~3 MB of pictures; pytest prunes tmp_path, the suite's media folder
    # is never pruned.
    settings.MEDIA_ROOT = tmp_path / "media"


def run_demo(*args: str) -> str:
    out = io.StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Article, Picture, Section, Author, Tag, Topic, CollectionItem)
    }


def reader() -> Client:
    return Client(HTTP_HOST="127.0.0.1")


def test_demo_stories_are_distinct_and_complete():
    ids = [s.source_id for s in STORIES]
    assert len(STORIES) >= 40 and len(FILES) == len(STORIES)
    assert len(set(ids)) == len(ids)
    assert len({s.slug for s in STORIES}) == len(STORIES)
    assert len({s.headline for s in STORIES}) == len(STORIES)
    assert len({s.body for s in STORIES}) == len(STORIES)
    assert len(SECTIONS) >= 5
    assert {s.section.name for s in STORIES} == set(SECTIONS)
    assert {LEAD, *DONT_MISS} <= set(ids)
    for story in STORIES:
        paragraphs = re.findall(r"<p>", story.body)
        assert 4 <= len(paragraphs) <= 10, story.source_id
        assert story.standfirst and story.authors and story.tags and story.topics, story.source_id
        assert set(story.links) <= set(ids), story.source_id
        assert story.lead_picture is not None or not story.pictures, story.source_id
        if story.credit:
            # standfirst_with_credit joins them with a comma only after a word.
            assert story.standfirst[-1].isalnum(), story.source_id
    assert sum("<h2>" in s.body for s in STORIES) >= 15
    assert sum("<blockquote>" in s.body for s in STORIES) >= 30
    assert sum(bool(s.links) for s in STORIES) >= 10


def test_demo_files_are_ninjs_2_2(shared_dir):
    import jsonschema

    schema = json.loads(
        (shared_dir / "standards" / "ninjs" / "ninjs-schema_2.2.json").read_text(encoding="utf-8")
    )
    for path in FILES:
        jsonschema.validate(json.loads(path.read_text(encoding="utf-8")), schema)


def test_demo_pictures_are_our_own_small_jpegs_beside_the_stories():
    named = {p.filename for s in STORIES for p in (s.lead_picture, *s.pictures) if p is not None}
    assert named == {p.name for p in PICTURES}  # every picture used, none missing
    for path in PICTURES:
        data = path.read_bytes()
        assert len(data) <= 40_000, path.name
        with Image.open(io.BytesIO(data)) as img:
            assert img.format == "JPEG" and img.size == (1200, 800), path.name


@pytest.mark.django_db
def test_demo_loads_sections_published_stories_and_pictures():
    output = run_demo()

    assert "Demo site loaded: 6 sections, 48 stories" in output
    assert Section.objects.count() >= 5
    stories = Article.objects.published().filter(source="demo")
    assert stories.count() >= 40
    for article in stories.prefetch_related("authors", "tags", "topics"):
        assert article.body.strip() and article.body_words > 100, article.slug
        assert article.standfirst and article.section_id
        assert article.authors.exists() and article.tags.exists() and article.topics.exists()
    assert stories.exclude(lead_picture=None).count() >= 30
    assert stories.filter(body__contains="<h2>").count() >= 15
    assert stories.filter(body__contains="<blockquote>").count() >= 30
    assert stories.exclude(body_pictures=None).exists()
    assert stories.exclude(related_articles=None).count() >= 10
    assert stories.exclude(source_credit="").count() >= 10

    pictures = Picture.objects.filter(source="demo")
    assert pictures.count() >= 40
    for picture in pictures:
        assert picture.credit and picture.caption and picture.alt_text
        with picture.file.open("rb") as fh:
            data = fh.read()
        assert 20_000 < len(data) <= 40_000
        with Image.open(io.BytesIO(data)) as img:
            assert img.format == "JPEG" and img.size == (1200, 800)
            img.verify()


@pytest.mark.django_db
def test_demo_stories_are_spread_over_the_past_days_newest_first():
    now = clock.now()
    run_demo()

    times = list(
        Article.objects.filter(source="demo")
        .order_by("-published_at")
        .values_list("published_at", flat=True)
    )
    assert all(t <= now for t in times)
    assert len(set(times)) == len(times)
    assert dt.timedelta(days=6) < times[0] - times[-1] < dt.timedelta(days=11)
    newest = Article.objects.filter(source="demo").newest_first().first()
    assert newest.source_id == STORIES[0].source_id


@pytest.mark.django_db
def test_running_the_demo_twice_creates_nothing_new():
    run_demo()
    before = counts()
    published = dict(Article.objects.values_list("pk", "published_at"))
    files = set(Picture.objects.values_list("file", flat=True))

    output = run_demo()

    assert counts() == before
    assert dict(Article.objects.values_list("pk", "published_at")) == published
    assert set(Picture.objects.values_list("file", flat=True)) == files
    assert "New: 0 stories, updated: 0, pictures new or changed: 0" in output


@pytest.mark.django_db
def test_demo_has_its_own_pages_and_footer_menu_and_a_second_run_keeps_them(client):
    from dateline.newsroom.models import AuditEntry
    from dateline.pages.models import Page
    from dateline.pages.services import footer_state

    run_demo()
    pages = {p.slug: p for p in Page.objects.all()}
    assert set(pages) == {"about", "contact", "corrections-policy", "privacy"}
    assert all(p.is_published and p.meta_description for p in pages.values())
    footer = [pages[s].pk for s in ("about", "contact", "corrections-policy", "privacy")]
    assert footer_state() == tuple(footer)
    page = client.get("/corrections-policy/").content.decode()
    assert "Corrections policy" in page and 'href="/privacy/"' in page  # the footer
    assert AuditEntry.objects.filter(action="page_publish", actor_name="demo import").count() == 4
    versions = dict(Page.objects.values_list("pk", "version"))
    run_demo()
    assert dict(Page.objects.values_list("pk", "version")) == versions


@pytest.mark.django_db
def test_demo_if_empty_leaves_a_site_with_stories_alone():
    factories.article(headline="A story from the newsroom")

    output = run_demo("--if-empty")

    assert "Skipped" in output
    assert Article.objects.count() == 1
    assert not Picture.objects.exists()


@pytest.mark.django_db
def test_demo_if_empty_loads_an_empty_site():
    output = run_demo("--if-empty")

    assert "Demo site loaded" in output
    assert Article.objects.filter(source="demo").count() == len(STORIES)


@pytest.mark.django_db
def test_demo_sets_the_lead_and_dont_miss_lists():
    run_demo()

    now = clock.now()
    assert [a.source_id for a in collection_articles("lead", now)] == [LEAD]
    dont_miss = collection_articles("dont-miss", now)
    assert [a.source_id for a in dont_miss] == DONT_MISS


@pytest.mark.django_db
def test_demo_pages_show_the_demo_headlines():
    run_demo()
    client = reader()
    lead = Article.objects.get(source_id=LEAD)

    front = client.get("/")
    assert front.status_code == 200
    html = front.content.decode()
    assert str(escape(lead.headline)) in html
    assert "The Harbour Courier" in html
    assert "Don&#39;t Miss" in html or "Don't Miss" in html
    for source_id in DONT_MISS:
        assert str(escape(Article.objects.get(source_id=source_id).headline)) in html

    page = client.get(lead.get_absolute_url())
    assert page.status_code == 200
    html = page.content.decode()
    assert str(escape(lead.headline)) in html
    assert "<blockquote>" in html
    assert "ALSO READ" in html
    assert re.search(r'<img src="/media/r/\d+/[0-9a-f]{12}/\d+w\.jpg"', html)

    section = lead.section
    listing = client.get(section.get_absolute_url())
    assert listing.status_code == 200
    assert str(escape(lead.headline)) in listing.content.decode()

    author = lead.authors.first()
    by_author = client.get(author.get_absolute_url())
    assert by_author.status_code == 200
    assert str(escape(lead.headline)) in by_author.content.decode()


@pytest.mark.django_db
def test_demo_keeps_a_story_an_editor_unpublished():
    run_demo()
    story = Article.objects.get(source_id=STORIES[5].source_id)
    factories.unpublish(story)

    run_demo()

    story.refresh_from_db()
    assert not story.is_visible
