"""dateline import wxr: a WordPress site comes across with its statuses, sections, authors,
pictures with credits, links between stories and every old URL redirected; a second run
changes nothing; a killed run resumes to exactly the right content."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from PIL import Image

from dateline.ingest.pipeline import Report
from dateline.ingest.sources.wordpress_body import split_credit, wpautop
from dateline.ingest.sources.wxr import import_wxr
from dateline.ingest.tests.wxr_factory import write_export
from dateline.news.models import Article, Redirect, Section, Status

FIXTURES = Path(__file__).parent / "fixtures" / "wxr"
MIGRATION = FIXTURES / "newsroom-migration.xml"
SOURCE = "wxr:harbour-courier.example"


@pytest.fixture
def uploads(tmp_path) -> Path:
    """A copy of the old site's wp-content/uploads with the two pictures the export uses."""
    folder = tmp_path / "uploads" / "2026" / "03"
    folder.mkdir(parents=True)
    Image.new("RGB", (1600, 900), (20, 60, 120)).save(folder / "harbour-dawn.jpg", "JPEG")
    Image.new("RGB", (1200, 800), (120, 90, 30)).save(folder / "quay-wide.jpg", "JPEG")
    return tmp_path / "uploads"


def _import(path=MIGRATION, uploads=None) -> tuple[Report, str]:
    out = io.StringIO()
    try:
        call_command(
            "import",
            "wxr",
            str(path),
            "--no-progress",
            *(["--uploads", str(uploads)] if uploads else []),
            stdout=out,
        )
    except SystemExit as exit_:
        assert exit_.code == 1
    return out.getvalue()


def _story(post_id: str) -> Article:
    return Article.objects.get(source=SOURCE, source_id=post_id)


@pytest.mark.django_db
def test_posts_keep_their_status_pages_become_pages_and_other_types_are_skipped(uploads):
    output = _import(uploads=uploads)
    lines = {line.split(" ")[1]: line for line in output.splitlines()[:-1]}
    assert lines["101"].startswith("created 101 /story/late-ferry-survives/")
    assert lines["103"] == "created 103 draft"
    assert lines["104"].startswith(
        "created 104 /story/new-bridge-opens/ (scheduled 2031-06-01T09:00"
    )
    assert lines["105"].startswith("created 105 private (private: kept out of public view)")
    assert lines["110"] == "created 110 /about/"
    assert lines["120"] == "skipped 120 nav_menu_item is not a story"
    assert output.splitlines()[-1] == "8 created, 0 updated, 0 unchanged, 3 skipped, 0 failed"

    assert _story("101").status == Status.PUBLISHED and _story("101").is_visible
    assert _story("103").status == Status.DRAFT and _story("103").published_at is None
    bridge = _story("104")
    assert bridge.status == Status.PUBLISHED and not bridge.is_visible  # scheduled for 2031
    assert bridge.published_at.isoformat() == "2031-06-01T09:00:00+00:00"
    assert _story("105").status == Status.DRAFT


@pytest.mark.django_db
def test_sections_authors_tags_standfirst_pictures_and_credits(uploads):
    _import(uploads=uploads)
    ferry = _story("101")
    assert ferry.section.name == "Local & Harbour"
    assert ferry.section.parent == Section.objects.get(name="News")
    assert [a.name for a in ferry.authors.all()] == ["Mara Lind"]
    assert [t.name for t in ferry.tags.all()] == ["Ferries"]
    assert ferry.standfirst.startswith("The harbour board keeps the evening crossing")
    # Classic-editor text made into paragraphs as WordPress's wpautop would.
    assert (
        "<p>The harbour board met on Tuesday night to settle the winter timetable.<br>"
        in ferry.body
    )
    assert "<h2>Who pays for the pier</h2>" in ferry.body
    assert "<blockquote>We will not leave the island" in ferry.body
    # [caption] → a library picture with caption and credit; the featured image → lead.
    [figure] = ferry.body_pictures.all()
    assert figure.caption == "Boats in the harbour at dawn"
    assert figure.credit == "Mara Lind"
    assert figure.alt_text == "Fishing boats tied up at dawn"
    assert (figure.width, figure.height) == (1600, 900)  # the original, not the 1024 copy
    assert ferry.lead_picture.caption == "The quay from the lighthouse"
    assert ferry.lead_picture.credit == "Ola Berg"


@pytest.mark.django_db
def test_bodies_lose_gutenberg_comments_and_hostile_markup_and_gain_embeds(uploads):
    _import(uploads=uploads)
    fares = _story("102")
    assert "wp:" not in fares.body and "<!--" not in fares.body
    assert "<script" not in fares.body and "old theme" not in fares.body
    assert (
        '<figure data-embed="youtube" data-url="https://www.youtube.com/watch?v=dQw4w9WgXcQ">'
        in fares.body
    )
    assert "<h2>What it costs now</h2>" in fares.body
    storm = _story("108")
    assert storm.headline == "Storm alert(1) warning"  # tags gone; the text is escaped on pages
    assert (
        "onclick" not in storm.body and "onerror" not in storm.body and "iframe" not in storm.body
    )


@pytest.mark.django_db
def test_links_between_migrated_stories_follow_the_story(client, uploads):
    _import(uploads=uploads)
    ferry, fares = _story("101"), _story("102")
    assert f'<a data-article="{fares.pk}"' in ferry.body  # by permalink
    assert f'<a data-article="{ferry.pk}"' in fares.body  # by ?p=101
    assert 'href="https://board.example/minutes"' in ferry.body  # other sites untouched
    page = client.get(ferry.get_absolute_url()).content.decode()
    assert f'href="{fares.get_absolute_url()}"' in page


@pytest.mark.django_db
def test_every_old_permalink_and_short_link_answers_301(client, uploads):
    _import(uploads=uploads)
    ferry = _story("101")
    for old in (
        "/2026/03/14/late-ferry-survives/",
        "/2026/03/14/late-ferry-survives",
        "/?p=101",
    ):
        response = client.get(old)
        assert response.status_code == 301, old
        assert response["Location"] == ferry.get_absolute_url()
    arabic = client.get("/2026/03/18/%d9%85%d8%b1%d9%81%d8%a3/")
    assert arabic.status_code == 301 and arabic["Location"] == _story("107").get_absolute_url()
    # Stories readers may not see yet answer 404 at their old address, like anywhere else.
    assert client.get("/2026/03/17/staff-notes/").status_code == 404
    assert client.get("/2031/06/01/new-bridge-opens/").status_code == 404
    assert client.get("/?p=999").status_code == 404
    assert Redirect.objects.filter(article=ferry).count() == 2  # the permalink and ?p=101


@pytest.mark.django_db
def test_utf8_beyond_latin_and_cdata_edges(uploads):
    _import(uploads=uploads)
    story = _story("107")
    assert story.headline == "📰 مرفأ 港口 बंदरगाह: the harbour in four scripts"
    assert story.slug == "مرفأ"
    assert "الميناء مفتوح" in story.body and "港口今天开放" in story.body
    assert "बंदरगाह आज खुला है। 🚢" in story.body
    assert "the sequence ]]&gt; and keep going" in story.body


@pytest.mark.django_db
def test_second_run_changes_nothing(uploads):
    _import(uploads=uploads)
    before = {
        a.source_id: (a.version, a.body, a.modified_at)
        for a in Article.objects.filter(source=SOURCE)
    }
    output = _import(uploads=uploads)
    assert output.splitlines()[-1] == "0 created, 0 updated, 8 unchanged, 3 skipped, 0 failed"
    after = {
        a.source_id: (a.version, a.body, a.modified_at)
        for a in Article.objects.filter(source=SOURCE)
    }
    assert after == before


@pytest.mark.django_db
def test_a_missing_picture_does_not_stop_its_story():
    output = _import()  # no --uploads, and the old site cannot be reached from here
    line = next(ln for ln in output.splitlines() if ln.startswith("created 101 "))
    assert "picture harbour-dawn.jpg skipped" in line
    assert _story("101").body_pictures.count() == 0 and _story("101").lead_picture is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        FIXTURES / "truncated-export.xml",
        "wordpress-importer/phpunit_data_malformed.xml",
        "wordpress-importer/phpunit_data_malformed-simple.xml",
        "security/xxe",
    ],
)
def test_a_malformed_file_is_refused_whole_and_nothing_is_written(path, shared_dir):
    if isinstance(path, str):
        base = shared_dir / "corpora"
        path = base / "wxr" / path if path.startswith("wordpress") else base / path
    files = sorted(path.iterdir()) if path.is_dir() else [path]
    for file in files:
        report = import_wxr(file)
        [result] = report.results
        assert result.outcome == "failed"
        assert "nothing was imported" in result.detail
        assert Article.objects.count() == 0


@pytest.mark.django_db
def test_real_world_exports_import_without_failures(shared_dir):
    """WordPress's own importer test exports, theme unit test data included (186 items)."""
    folder = shared_dir / "corpora" / "wxr"
    refused = {
        "phpunit_data_malformed.xml",
        "phpunit_data_malformed-simple.xml",
        # Not well-formed XML: a nested "]]>" in CDATA, and a namespace URI that is
        # not a URI. Refused whole, with the parser's reason.
        "phpunit_data_crazy-cdata.xml",
        "phpunit_data_namespace-edge-cases.xml",
    }
    for path in sorted(folder.glob("*/*.xml")):
        report = import_wxr(path)
        if path.name in refused:
            assert report.failed == 1, path.name
            continue
        assert report.failed == 0, (
            path.name,
            [r.line() for r in report.results if r.outcome == "failed"],
        )
    theme = import_wxr(folder / "wordpress-importer" / "phpunit_data_theme-unit-test-data.xml")
    # 39 posts, 19 attachments' posts… and 21 pages (once skipped, now static pages).
    assert theme.summary() == "0 created, 0 updated, 79 unchanged, 107 skipped, 0 failed"


@pytest.mark.django_db
def test_an_export_with_hundreds_of_posts(tmp_path):
    path = write_export(tmp_path / "hundreds.xml", 300)
    report = import_wxr(path)
    assert report.summary() == "300 created, 0 updated, 0 unchanged, 0 skipped, 0 failed"
    stories = Article.objects.filter(source="wxr:big-export.example")
    assert stories.count() == 300
    assert stories.filter(status=Status.DRAFT).count() == 30
    assert not stories.filter(status=Status.PLACEHOLDER).exists()
    assert Section.objects.filter(name="Sport").exists()


def test_wpautop_and_credits():
    assert wpautop("One\ntwo\n\nThree") == "<p>One<br>\ntwo</p>\n<p>Three</p>"
    assert wpautop("<h2>Head</h2>\nText") == "<h2>Head</h2>\n<p>Text</p>"
    assert wpautop("<pre>a\n\nb</pre>") == "<pre>a\n\nb</pre>"
    assert split_credit("Quay at night. Photo: Ola Berg") == ("Quay at night", "Ola Berg")
    assert split_credit("Quay (Credit: AP/Ola Berg)") == ("Quay", "AP/Ola Berg")
    assert split_credit("No credit here") == ("No credit here", "")


@pytest.mark.django_db(transaction=True)
def test_a_killed_import_resumes_to_exactly_the_right_content(tmp_path):
    """The import runs as its own process, is killed part-way (SIGKILL: no clean-up at all),
    and is started again: the result is what one clean run gives, with no duplicates."""
    path = write_export(tmp_path / "resume.xml", 400)
    settings_db = connection.settings_dict
    if connection.vendor == "sqlite":
        url = f"sqlite:///{settings_db['NAME']}"
    else:
        user, host = settings_db["USER"] or "postgres", settings_db["HOST"] or "127.0.0.1"
        url = f"postgres://{user}@{host}:{settings_db['PORT'] or 5432}/{settings_db['NAME']}"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "PYTHONUNBUFFERED": "1",
    }
    dateline = str(Path(sys.executable).parent / "dateline")
    command = [dateline, "import", "wxr", str(path), "--no-progress"]
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True)
    created = 0
    for line in process.stdout:
        created += line.startswith("created ")
        if created == 120:
            process.send_signal(signal.SIGKILL)
            break
    process.wait(timeout=60)
    assert process.returncode == -signal.SIGKILL
    partial = Article.objects.filter(source="wxr:big-export.example")
    assert 120 <= partial.exclude(status=Status.PLACEHOLDER).count() < 400

    rerun = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    summary = rerun.stdout.splitlines()[-1]
    counts = dict(reversed(part.split(" ")) for part in summary.split(", "))
    assert int(counts["failed"]) == 0
    assert int(counts["created"]) + int(counts["unchanged"]) + int(counts["updated"]) == 400
    stories = Article.objects.filter(source="wxr:big-export.example")
    assert stories.count() == 400
    assert sorted(int(s) for s in stories.values_list("source_id", flat=True)) == list(
        range(1, 401)
    )
    assert not stories.filter(status=Status.PLACEHOLDER).exists()
    assert stories.filter(status=Status.DRAFT).count() == 40
    assert Redirect.objects.filter(source="wxr:big-export.example").count() == 800
    # Every link to the story before resolves to that story, whichever run wrote it.
    story = stories.get(source_id="250")
    assert f'<a data-article="{stories.get(source_id="249").pk}"' in story.body
    again = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert (
        again.stdout.splitlines()[-1] == "0 created, 0 updated, 400 unchanged, 0 skipped, 0 failed"
    )


@pytest.mark.django_db
def test_a_post_that_fails_takes_its_new_rows_with_it_and_the_rest_import(uploads, monkeypatch):
    """Post 101 is the first to meet its section, parent section, author and pictures; make
    its save fail (as a database error would) after those rows were made in its transaction.
    They roll back with it, and the posts after it must not refer to the vanished rows."""
    from django.db import DatabaseError

    from dateline.news import services
    from dateline.news.models import Author
    from dateline.pictures.models import Picture

    real_save = services.article_save

    def failing_save(*, article, **kwargs):
        if article.source_id == "101" and article.status != Status.PLACEHOLDER:
            raise DatabaseError("disk full (simulated)")
        return real_save(article=article, **kwargs)

    real_create = services.articles_create

    def failing_create(*, stories):
        # The batch holding 101 fails whole; its posts are then applied one by one.
        if any(story.article.source_id == "101" for story in stories):
            raise DatabaseError("disk full (simulated)")
        return real_create(stories=stories)

    monkeypatch.setattr(services, "article_save", failing_save)
    monkeypatch.setattr(services, "articles_create", failing_create)
    report = import_wxr(MIGRATION, uploads=uploads)
    [failed] = [r for r in report.results if r.outcome == "failed"]
    assert failed.source_id == "101" and "disk full" in failed.detail
    fares, arabic = _story("102"), _story("107")
    assert Section.objects.filter(pk=fares.section_id, name="Local & Harbour").exists()
    assert Section.objects.filter(pk=fares.section.parent_id, name="News").exists()
    assert Author.objects.filter(pk__in=arabic.authors.values("pk"), name="Mara Lind").exists()
    assert arabic.authors.count() == 1
    monkeypatch.setattr(services, "article_save", real_save)
    again = import_wxr(MIGRATION, uploads=uploads)  # the failed post goes in on the next run
    assert again.summary() == "1 created, 0 updated, 7 unchanged, 3 skipped, 0 failed"
    assert _story("101").body_pictures.count() == 1 and Picture.objects.count() == 2
