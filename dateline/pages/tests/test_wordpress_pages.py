"""WordPress pages (`post_type=page`) come across as static pages: published or draft as
they were, at /<their slug>/, every old permalink (nested ones, `?page_id=`) answering 301;
a second run changes nothing, a page the desk edited keeps its text."""

from __future__ import annotations

import pytest

from dateline.ingest.sources.wxr import import_wxr
from dateline.ingest.tests.wxr_factory import write_export
from dateline.newsroom.actions.pages import page_save, page_unpublish
from dateline.newsroom.models import AuditEntry
from dateline.newsroom.roles import Role
from dateline.newsroom.tests.factories import staff
from dateline.pages.models import Page, PageRedirect

THEME = "phpunit_data_theme-unit-test-data.xml"


def _theme(shared_dir):
    return shared_dir / "corpora" / "wxr" / "wordpress-importer" / THEME


@pytest.mark.django_db
def test_theme_unit_test_pages_are_imported_with_their_permalinks_redirected(shared_dir, client):
    report = import_wxr(_theme(shared_dir))
    lines = {r.source_id: r for r in report.results}
    assert lines["2"].outcome == "created" and lines["2"].detail == "/about/"
    assert Page.objects.count() == 21 and all(p.is_published for p in Page.objects.all())
    about = client.get("/about/")
    assert about.status_code == 200 and "Theme Unit Test" in about.content.decode()
    # A child page's nested permalink, and WordPress's own short link, answer 301.
    nested = client.get("/about/page-with-comments/")
    assert nested.status_code == 301 and nested["Location"] == "/page-with-comments/"
    deep = client.get("/level-1/level-2/level-3/")
    assert deep.status_code == 301 and deep["Location"] == "/level-3/"
    short = client.get("/?page_id=2")
    assert short.status_code == 301 and short["Location"] == "/about/"
    greek = Page.objects.get(source_id="1811")
    assert greek.slug == "επίπεδο-2"
    assert client.get(greek.get_absolute_url()).status_code == 200
    assert (
        AuditEntry.objects.filter(action="page_publish", actor_name="WordPress import").count()
        == 21
    )

    again = import_wxr(_theme(shared_dir))
    assert {r.outcome for r in again.results if r.source_id in {"2", "1811"}} == {"unchanged"}
    assert Page.objects.count() == 21


@pytest.mark.django_db
def test_draft_pages_stay_drafts_and_a_second_version_updates_in_place(tmp_path, client):
    export = write_export(tmp_path / "one.xml", 1)
    text = export.read_text()
    page_item = """
	<item>
		<title>Our ethics</title>
		<link>https://old.example/company/ethics/</link>
		<content:encoded><![CDATA[We name our sources.

We correct mistakes.]]></content:encoded>
		<wp:post_id>900</wp:post_id>
		<wp:post_name><![CDATA[ethics]]></wp:post_name>
		<wp:status><![CDATA[{status}]]></wp:status>
		<wp:post_type><![CDATA[page]]></wp:post_type>
	</item>
"""

    def write(status: str, extra: str = "") -> None:
        export.write_text(
            text.replace("</channel>", page_item.format(status=status).replace(
                "We correct mistakes.", "We correct mistakes." + extra) + "</channel>")
        )  # fmt: skip

    write("draft")
    [line] = [r for r in import_wxr(export).results if r.source_id == "900"]
    assert (line.outcome, line.detail) == ("created", "page, draft")
    ethics = Page.objects.get(source_id="900")
    assert not ethics.is_published and "<p>We name our sources.</p>" in ethics.body
    assert client.get("/ethics/").status_code == 404

    write("draft", " Always.")
    [line] = [r for r in import_wxr(export).results if r.source_id == "900"]
    assert line.outcome == "updated"
    assert "Always." in Page.objects.get(pk=ethics.pk).body and Page.objects.count() == 1

    # Edited at the desk since: the next import keeps the desk's text.
    editor = staff(Role.EDITOR)
    page_save(page=Page.objects.get(pk=ethics.pk), by=editor, title="Ethics", slug="ethics",
              description="", body="<p>Our own words.</p>")  # fmt: skip
    write("draft", " Never.")
    [line] = [r for r in import_wxr(export).results if r.source_id == "900"]
    assert line.outcome == "skipped"
    assert Page.objects.get(pk=ethics.pk).body == "<p>Our own words.</p>"


@pytest.mark.django_db
def test_a_page_the_desk_unpublished_stays_down(shared_dir, client):
    import_wxr(_theme(shared_dir))
    about = Page.objects.get(slug="about")
    page_unpublish(page=about, by=staff(Role.EDITOR))
    import_wxr(_theme(shared_dir))
    assert not Page.objects.get(pk=about.pk).is_published
    assert client.get("/about/").status_code == 404
    assert PageRedirect.objects.filter(page=about).exists()
