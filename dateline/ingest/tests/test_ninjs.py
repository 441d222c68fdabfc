"""ninjs import: the seed and agency samples, idempotency, related links in any order,
and each kind of bad input (files under fixtures/ninjs/<scenario>/)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command

from dateline.ingest.sources import ninjs
from dateline.news.models import Article, Status
from dateline.pictures.models import Picture

FIXTURES = Path(__file__).parent / "fixtures" / "ninjs"


def _outcomes(report) -> dict[str, str]:
    return {r.source_id: r.outcome for r in report.results}


def _run_cli(*args) -> tuple[int, str]:
    import io

    out = io.StringIO()
    try:
        call_command("import", *args, stdout=out)
        code = 0
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue()


@pytest.mark.django_db
def test_seed_and_agency_samples_import_with_no_failures(shared_dir):
    code, output = _run_cli(
        "ninjs", str(shared_dir / "seed" / "ninjs"), str(shared_dir / "standards" / "ninjs")
    )
    assert code == 0, output
    assert not [line for line in output.splitlines() if line.startswith("failed ")]
    assert output.strip().splitlines()[-1].endswith(" 0 failed")
    assert Article.objects.filter(source_id__startswith="urn:dateline:seed:").count() == 11
    dpa = Article.objects.get(source_id="urn:newsml:dpa.com:20090101:190510-99-167362")
    assert dpa.status == Status.PUBLISHED and dpa.language == "de" and "<p>" in dpa.body
    tt = Article.objects.get(source_id="http://tt.se/media/text/210526-militarovning-a0f2d045")
    assert tt.headline == "Militärövning i jätteformat hålls 2023"
    assert "<html" not in tt.body and "<title" not in tt.body


@pytest.mark.django_db
def test_reimport_is_idempotent_and_says_unchanged(shared_dir):
    first = ninjs.import_paths([shared_dir / "seed" / "ninjs"])
    assert set(_outcomes(first).values()) == {"created"}
    counts = (Article.objects.count(), Picture.objects.count())
    second = ninjs.import_paths([shared_dir / "seed" / "ninjs"])
    assert set(_outcomes(second).values()) == {"unchanged"}
    assert (Article.objects.count(), Picture.objects.count()) == counts


@pytest.mark.django_db
def test_changed_item_updates_in_place(tmp_path):
    src = FIXTURES / "related-any-order" / "b-the-linked-story-arrives-later.json"
    item = json.loads(src.read_text())
    path = tmp_path / "item.json"
    path.write_text(json.dumps(item))
    ninjs.import_paths([path])
    article = Article.objects.get(source_id=item["uri"])
    item["headlines"][0]["value"] = "Dredging of the inner harbour delayed"
    path.write_text(json.dumps(item))
    report = ninjs.import_paths([path])
    assert _outcomes(report) == {item["uri"]: "updated"}
    article.refresh_from_db()
    assert article.headline == "Dredging of the inner harbour delayed"
    assert Article.objects.filter(source_id=item["uri"]).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("order", [("a", "b"), ("b", "a")])
def test_related_links_resolve_in_any_order(tmp_path, client, order):
    files = {p.name[0]: p for p in (FIXTURES / "related-any-order").glob("*.json")}
    for key in order:
        ninjs.import_paths([files[key]])
    linking = Article.objects.get(source_id="urn:test:ferry-timetable")
    linked = Article.objects.get(source_id="urn:test:harbour-dredging")
    assert linked.status == Status.PUBLISHED
    assert Article.objects.filter(source_id="urn:test:harbour-dredging").count() == 1
    assert f'data-article="{linked.pk}"' in linking.body
    html = client.get(linking.get_absolute_url()).content.decode()
    # The link shows the linked story's own headline, not the one the association carried.
    assert (
        f'<a href="{linked.get_absolute_url()}">Dredging of the inner harbour begins next month</a>'
        in html
    )


@pytest.mark.django_db
def test_placeholder_for_a_story_not_yet_imported_is_not_public(client):
    ninjs.import_paths([FIXTURES / "related-any-order" / "a-story-linking-ahead.json"])
    placeholder = Article.objects.get(source_id="urn:test:harbour-dredging")
    assert placeholder.status == Status.PLACEHOLDER
    assert client.get(placeholder.get_absolute_url()).status_code == 404
    linking = Article.objects.get(source_id="urn:test:ferry-timetable")
    html = client.get(linking.get_absolute_url()).content.decode()
    assert 'class="also-read"' not in html and "ALSO READ" not in html


@pytest.mark.django_db
def test_bad_input_fails_per_item_and_the_rest_import():
    code, output = _run_cli("ninjs", str(FIXTURES / "bad-input"))
    assert code == 1
    lines = output.strip().splitlines()
    assert any(
        line.startswith("failed ") and "invalid-json.json" in line and "invalid JSON" in line
        for line in lines
    )
    assert any(
        line.startswith("failed ") and "missing-uri.json" in line and "missing uri" in line
        for line in lines
    )
    assert any(line.startswith("failed urn:test:no-headline missing headline") for line in lines)
    assert "created urn:test:good-one /story/library-opens-on-sundays/" in lines
    assert any(line.startswith("created urn:test:good-two ") for line in lines)
    assert lines[-1] == "2 created, 0 updated, 0 unchanged, 0 skipped, 3 failed"
    assert not Article.objects.filter(source_id="urn:test:no-headline").exists()


@pytest.mark.django_db
def test_file_over_the_size_limit_fails_with_its_reason(tmp_path, settings):
    settings.DATELINE_IMPORT_MAX_BYTES = 100
    big = tmp_path / "big.json"
    big.write_text(json.dumps({"uri": "urn:test:big", "headlines": [{"value": "x" * 200}]}))
    report = ninjs.import_paths([big])
    [result] = report.results
    assert result.outcome == "failed" and "over the 100-byte limit" in result.detail
    assert not Article.objects.exists()


@pytest.mark.django_db
def test_picture_that_is_not_an_image_is_skipped_and_the_story_imports(client):
    report = ninjs.import_paths([FIXTURES / "picture-problems" / "picture-not-an-image.json"])
    [result] = report.results
    assert result.outcome == "created"
    assert "picture p1 skipped: not an image" in result.line()
    article = Article.objects.get(source_id="urn:test:picture-not-an-image")
    assert "<figure" not in article.body
    assert "Her last shift ends on Friday." in article.body
    assert not Picture.objects.exists()
    assert client.get(article.get_absolute_url()).status_code == 200


@pytest.mark.django_db
def test_picture_that_cannot_be_fetched_is_skipped_with_its_reason():
    report = ninjs.import_paths([FIXTURES / "picture-problems" / "picture-url-unreachable.json"])
    [result] = report.results
    assert result.outcome == "created"
    assert "picture lead skipped:" in result.line()
    assert Article.objects.get(source_id="urn:test:picture-url-unreachable").lead_picture is None


@pytest.mark.django_db
def test_unknown_format_is_bad_usage():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError) as err:
        call_command("import", "rss", "x")
    assert err.value.returncode == 2


@pytest.mark.django_db
def test_rendition_path_cannot_leave_the_item_folder(tmp_path):
    item = {
        "uri": "urn:test:escape",
        "headlines": [{"value": "Escaping story"}],
        "associations": [
            {
                "name": "p",
                "type": "picture",
                "uri": "urn:test:p",
                "renditions": [{"href": "../../../../etc/passwd"}],
            }
        ],
    }
    (tmp_path / "in").mkdir()
    path = tmp_path / "in" / "item.json"
    path.write_text(json.dumps(item))
    [result] = ninjs.import_paths([path]).results
    assert result.outcome == "created" and "leaves the item's folder" in result.line()


@pytest.mark.django_db
def test_seed_picture_keeps_caption_and_credit(shared_dir, tmp_path):
    folder = tmp_path / "seed"
    shutil.copytree(shared_dir / "seed" / "ninjs", folder)
    ninjs.import_paths([folder])
    picture = Picture.objects.get(source_id="urn:dateline:seed:picture-taliban-ani")
    assert (picture.caption, picture.credit) == ("Taliban", "ANI")
    assert (picture.width, picture.height) > (0, 0)


@pytest.mark.django_db
def test_embargoed_item_is_scheduled_for_its_embargo(client):
    import datetime as dt

    import time_machine

    ninjs.import_paths([FIXTURES / "embargo" / "embargoed-until-nine.json"])
    article = Article.objects.get(source_id="urn:test:embargoed-budget")
    nine = dt.datetime(2030, 3, 4, 9, 0, tzinfo=dt.UTC)
    assert article.published_at == nine
    with time_machine.travel(nine - dt.timedelta(seconds=1), tick=False):
        assert client.get(article.get_absolute_url()).status_code == 404
    with time_machine.travel(nine, tick=False):
        assert client.get(article.get_absolute_url()).status_code == 200


@pytest.mark.django_db
def test_each_line_is_printed_as_its_batch_is_saved(tmp_path):
    from dateline.ingest.apply import BATCH
    from dateline.ingest.pipeline import Report
    from dateline.ingest.tests.test_apply import _ninjs_folder

    seen: list[tuple[str, int]] = []
    report = Report()
    report.on_result = lambda result: seen.append((result.source_id, Article.objects.count()))
    ninjs.import_paths(
        [_ninjs_folder(tmp_path / "items", BATCH + 5, prefix="lines")], report=report
    )
    assert len(seen) == BATCH + 5
    # A line means its story is saved, and the first batch's lines came before the last
    # batch's stories existed: progress, not everything at the end.
    assert all(count >= BATCH for _, count in seen)
    assert seen[0][1] == BATCH and seen[-1][1] == BATCH + 5
