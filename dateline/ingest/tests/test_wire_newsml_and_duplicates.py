"""NewsML-G2 from the agencies' own samples, Reuters' versions of one story, and near-duplicate
copy grouped for the desk (fixtures/wire/duplicates/: our own texts, one file per scenario)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from dateline.ingest.models import WireItem, WireSource
from dateline.ingest.tests.http_server import serving
from dateline.ingest.wire import wire_poll
from dateline.news.models import Article, Status
from dateline.news.services import section_get_or_create

DUPLICATES = Path(__file__).parent / "fixtures" / "wire" / "duplicates"
REUTERS = "tag_reuters.com_2016_newsml_L1N14N0FF_version_"
REUTERS_GUID = "tag:reuters.com,0000:newsml_L1N14N0FF"


def _outcomes(report) -> dict[str, str]:
    return {r.source_id: r.outcome for r in report.results}


@pytest.mark.django_db
def test_every_agency_sample_imports_from_a_folder_source(shared_dir):
    folder = shared_dir / "corpora" / "wire" / "newsml-g2"
    source = WireSource.objects.create(
        name="agencies", kind="folder", location=str(folder), format="newsml"
    )
    report = wire_poll(source=source)
    lines = [r.line() for r in report.results]
    assert report.failed == 0, lines
    outcomes = _outcomes(report)
    assert outcomes["tag_reuters.com_2014_newsml_KBN0FL0NM"] == "skipped"  # a package
    # Files come in name order, so Reuters' cancel (version 1542761538) arrives before the
    # story (version 978556838): the lower version is then left alone.
    assert [r.outcome for r in report.results if r.source_id == REUTERS_GUID] == [
        "skipped",
        "unchanged",
    ]
    created = [r for r in report.results if r.outcome == "created"]
    assert len(created) == 8  # AP 3, ANSA, dpa, IPTC's reference item, STT 2
    dpa = Article.objects.get(source_id="urn:newsml:dpa.com:20090101:221011-930-4303")
    assert dpa.language == "de" and dpa.source_credit == "dpa" and dpa.located == "London"
    assert "Hintereggers" in dpa.headline and "<p>" in dpa.body and "slugline" not in dpa.body
    assert "<li" not in dpa.body and "<h1" not in dpa.body  # the header is not body text
    ap = Article.objects.get(source_id="tag:ap.org,2011:5e565888b587889c5c8bd62b6164118c-text")
    assert ap.body.startswith("<p>FORT WASHINGTON, Pa. (AP)") and ap.status == Status.DRAFT
    assert "Earnings reports" not in ap.body and ap.tags.filter(name="Corporate news").exists()
    iptc = Article.objects.get(source_id="urn:newsml:acmenews.com:20161018:US-FINANCE-FED")
    assert iptc.authors.get().name == "Meredith Jameson" and iptc.body == ""
    assert wire_poll(source=source).failed == 0
    assert Article.objects.filter(source=source.article_source).count() == 8


@pytest.mark.django_db
def test_reuters_versions_update_in_place_and_the_cancel_withdraws(shared_dir, settings):
    settings.DATELINE_FETCH_ALLOW_LOOPBACK = True
    folder = shared_dir / "corpora" / "wire" / "newsml-g2"
    served = {}
    with serving({"/reuters": lambda h: (200, {}, served["body"])}) as server:
        source = WireSource.objects.create(
            name="Reuters",
            kind="url",
            location=f"{server.base}/reuters",
            format="newsml",
            publish_directly=True,
            default_section=section_get_or_create(name="World"),
        )
        results = []
        for version in ("978556838", "978556838", "1542761538", "978556838"):
            served["body"] = (folder / f"{REUTERS}{version}").read_bytes()
            report = wire_poll(source=source)
            results.append(report.results[0].line())
    article = Article.objects.get(source=source.article_source)
    assert results[0] == f"created {REUTERS_GUID} {article.get_absolute_url()}"
    assert results[1].startswith(f"unchanged {REUTERS_GUID} /story/")
    assert results[2] == (
        f"updated {REUTERS_GUID} (not public: withdrawn) (withdrawn by the agency)"
    )
    assert results[3] == f"unchanged {REUTERS_GUID} (not public: withdrawn)"  # older version
    assert article.status == Status.WITHDRAWN and not article.is_visible
    item = WireItem.objects.get(source=source)
    assert (item.version, item.status, item.article_id) == ("1542761538", "withdrawn", article.pk)
    assert Article.objects.filter(source_id=REUTERS_GUID).count() == 1


def _source(tmp_path, name: str, files: list[str], **fields) -> WireSource:
    folder = tmp_path / name
    folder.mkdir()
    for i, filename in enumerate(files):
        shutil.copy(DUPLICATES / filename, folder / f"{i}-{filename}")
    fields.setdefault("default_section", section_get_or_create(name="News"))
    return WireSource.objects.create(
        name=name, kind="folder", location=str(folder), format="ninjs", **fields
    )


@pytest.mark.django_db
def test_near_duplicates_are_grouped_and_published_once(tmp_path):
    northwire = _source(
        tmp_path,
        "Northwire",
        ["bridge-vote-first-agency.json", "ferry-fares-same-topic-different-story.json"],
        publish_directly=True,
    )
    coastal = _source(
        tmp_path,
        "Coastal",
        ["bridge-vote-second-agency-reworded.json"],
        publish_directly=True,
        default_credit="reports Coastal Press Agency",
    )
    wire_poll(source=northwire)
    report = wire_poll(source=coastal)
    first = WireItem.objects.get(guid="urn:northwire:2026:bridge-vote")
    second = WireItem.objects.get(guid="urn:cpa:2026-03-03:8812")
    ferry = WireItem.objects.get(guid="urn:northwire:2026:ferry-fares")
    assert second.duplicate_of == first
    assert ferry.duplicate_of is None and first.duplicate_of is None
    assert first.article.status == Status.PUBLISHED and ferry.article.status == Status.PUBLISHED
    # The trusted second agency's copy is not published a second time: it waits as a draft.
    assert second.article.status == Status.DRAFT
    assert report.results[0].line() == (
        "created urn:cpa:2026-03-03:8812 (not public: draft) (near-duplicate of "
        "urn:northwire:2026:bridge-vote from Northwire; kept as a draft: the story is already "
        "published)"
    )
    # Re-sent with a typo fixed under a new guid: grouped under the first item too.
    shutil.copy(
        DUPLICATES / "bridge-vote-resent-with-typo-fixed.json",
        Path(northwire.location) / "2-resent.json",
    )
    report = wire_poll(source=northwire)
    assert [r.outcome for r in report.results] == ["unchanged", "unchanged", "created"]
    resent = WireItem.objects.get(guid="urn:northwire:2026:bridge-vote-resend")
    assert resent.duplicate_of == first and resent.article.status == Status.DRAFT
    assert set(first.duplicates.all()) == {second, resent}


@pytest.mark.django_db
def test_distinct_stories_on_one_topic_are_not_grouped(shared_dir):
    # AP's templated earnings reports share whole sentences, but are three stories.
    source = WireSource.objects.create(
        name="AP",
        kind="folder",
        location=str(shared_dir / "corpora" / "wire" / "newsml-g2"),
        format="newsml",
    )
    wire_poll(source=source)
    assert WireItem.objects.filter(fingerprint__isnull=False).count() >= 6
    assert not WireItem.objects.filter(duplicate_of__isnull=False).exists()


@pytest.mark.django_db
def test_the_wire_desk_sees_new_items_with_their_duplicates_grouped(
    client, tmp_path, django_assert_max_num_queries
):
    from dateline.newsroom.roles import Role
    from dateline.newsroom.tests.factories import staff

    source = _source(
        tmp_path,
        "Northwire",
        [
            "bridge-vote-first-agency.json",
            "bridge-vote-resent-with-typo-fixed.json",
            "ferry-fares-same-topic-different-story.json",
        ],
    )
    wire_poll(source=source)
    client.force_login(staff(Role.WIRE))
    with django_assert_max_num_queries(8):
        response = client.get("/newsroom/wire/")
    assert response.status_code == 200
    page = response.content.decode()
    assert page.index("Ellan ferry fares") < page.index("Council approves second bridge")
    assert "1 near-duplicate" in page and page.count("Council approves second bridge") == 2
