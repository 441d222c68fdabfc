"""Stories out as IPTC ninjs 2.2: valid against the standard's schema, and read back by
our own importer into a fresh site as the same story."""

from __future__ import annotations

import datetime as dt
import io
import json
from urllib.parse import urlsplit

import jsonschema
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from PIL import ExifTags, Image

from dateline.ingest import incoming
from dateline.ingest.sources import ninjs as ninjs_in
from dateline.news import body as body_format
from dateline.news.models import Article, Publication, Section, Status
from dateline.news.tests import factories
from dateline.pictures.models import Picture
from dateline.pictures.services import picture_create_or_update
from dateline.syndication.identity import story_uri

SITE = "http://127.0.0.1:8000"


def _validator(shared_dir):
    schema = json.loads((shared_dir / "standards" / "ninjs" / "ninjs-schema_2.2.json").read_text())
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


def _export(client, article) -> dict:
    response = client.get(f"/story/{article.slug}.ninjs.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    return json.loads(response.content)


@pytest.mark.django_db
def test_ninjs_document_is_valid_and_complete(client, world, shared_dir):
    document = _export(client, world.story)
    errors = sorted(_validator(shared_dir).iter_errors(document), key=str)
    assert not errors, [e.message for e in errors]
    assert document["uri"] == story_uri(world.story)
    assert document["firstcreated"] == "2026-07-01T00:30:00+01:00"
    assert document["versioncreated"] == "2026-07-01T09:15:42+01:00"
    assert document["by"] == "Maya Okafor, Tom Reyes"
    assert {s["name"]: s.get("rel") for s in document["subjects"]} == {
        "Harbour": "section",
        "Storms": None,
    }
    assert [p["name"] for p in document["places"]] == ["Eastquay"]
    pictures = [a for a in document["associations"] if a["type"] == "picture"]
    assert [p["by"] for p in pictures] == ["ANI", "Courier Photo Desk"]  # lead, then body
    for picture in pictures:
        names = [r["name"] for r in picture["renditions"]]
        assert names == ["original", "16x9", "4x3", "1x1"]
        for r in picture["renditions"]:
            assert r["href"].startswith(f"{SITE}/media/") and r["width"] and r["height"]
    [linked] = [a for a in document["associations"] if a["type"] == "text"]
    assert linked["uri"] == story_uri(world.linked)
    body = document["bodies"][0]["value"]
    assert f'data-assoc-ref="{pictures[1]["name"]}"' in body
    assert f'data-assoc-ref="{linked["name"]}"' in body


@pytest.mark.django_db
def test_seed_story_exports_as_valid_ninjs(client, shared_dir, frozen):
    report = ninjs_in.import_paths([shared_dir / "seed" / "ninjs"])
    assert report.failed == 0
    story = Article.objects.get(source_id="urn:dateline:seed:taliban-power-share-peace-talks")
    document = _export(client, story)
    assert not list(_validator(shared_dir).iter_errors(document))
    assert document["firstcreated"] == "2021-08-04T11:30:00+01:00"


def _snapshot(article: Article) -> dict:
    body_pictures = [
        Picture.objects.get(pk=int(pk)) for pk in body_format.PICTURE_REF.findall(article.body)
    ]
    return {
        "headline": article.headline,
        "standfirst": article.standfirst,
        "source_credit": article.source_credit,
        "body_text": body_format.text_for_counting(article.body),
        "crossheads": article.body.count("<h2>"),
        "section": article.section.name,
        "authors": sorted(a.name for a in article.authors.all()),
        "topics": sorted((t.kind, t.name) for t in article.topics.all()),
        "tags": sorted(t.name for t in article.tags.all()),
        "lead": (
            article.lead_picture.caption,
            article.lead_picture.credit,
            article.lead_picture.alt_text,
            (article.lead_picture.width, article.lead_picture.height),
        ),
        "body_pictures": [(p.caption, p.credit, p.alt_text) for p in body_pictures],
        "also_read": [
            Article.objects.get(pk=int(pk)).headline
            for pk in body_format.ALSO_READ_REF.findall(article.body)
        ],
        "published_at": article.published_at,
        "updated_at": article.updated_at,
        "located": article.located,
        "slug": article.slug,
        "status": article.status,
    }


# Transactional: emptying the database (flush) is TRUNCATE on PostgreSQL, which refuses
# to run inside the transaction that holds the first site's rows.
@pytest.mark.django_db(transaction=True)
def test_round_trip_into_a_fresh_site_recreates_the_story(client, world, tmp_path, monkeypatch):
    before = _snapshot(Article.objects.get(pk=world.story.pk))
    document = _export(client, world.story)
    (tmp_path / "story.json").write_text(json.dumps(document), encoding="utf-8")

    call_command("flush", interactive=False, verbosity=0)
    assert not Article.objects.exists() and not Picture.objects.exists()
    assert not Section.objects.exists()

    def fetch(url: str) -> bytes:
        # The pictures' files are still on the first site's disk: fetch them over HTTP
        # from it, as another Dateline would.
        assert url.startswith(SITE)
        response = client.get(urlsplit(url).path)
        assert response.status_code == 200, url
        return b"".join(response.streaming_content)

    monkeypatch.setattr(incoming, "fetch_picture", fetch)
    report = ninjs_in.import_paths([tmp_path])
    assert report.failed == 0, [r.line() for r in report.results]
    story = Article.objects.get(source="ninjs", source_id=document["uri"])
    after = _snapshot(story)
    assert after == before
    # The linked story travelled as a reference only: a placeholder until its own item comes.
    linked = Article.objects.get(source_id=story_uri(world.linked))
    assert linked.status == Status.PLACEHOLDER and linked.headline == world.linked.headline
    # And the fresh site shows it.
    Publication.load()
    page = client.get(story.get_absolute_url()).content.decode()
    assert story.headline in page and "Pic credits Courier Photo Desk" in page
    assert "2026-07-01T00:30:00+01:00" in page


@pytest.mark.django_db
def test_only_published_stories_are_exported(client, world, frozen):
    Article.objects.filter(pk=world.story.pk).update(
        published_at=world.story.published_at + dt.timedelta(days=1)
    )
    assert client.get(f"/story/{world.story.slug}.ninjs.json").status_code == 404
    assert client.get("/story/nothing-here.ninjs.json").status_code == 404


def _fetch(client, href: str) -> bytes:
    response = client.get(urlsplit(href).path)
    assert response.status_code == 200, href
    return b"".join(response.streaming_content)


def _place_of(data: bytes) -> dict:
    with Image.open(io.BytesIO(data)) as image:
        return dict(image.getexif().get_ifd(ExifTags.IFD.GPSInfo))


def _photograph_with_a_place() -> bytes:
    exif = Image.Exif()
    exif[ExifTags.IFD.GPSInfo] = {ExifTags.GPS.GPSLatitudeRef: "N", ExifTags.GPS.GPSLatitude: 51.5}
    buffer = io.BytesIO()
    Image.new("RGB", (1600, 1000), (90, 90, 90)).save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


@pytest.mark.django_db
def test_ninjs_never_links_a_picture_file_that_says_where_it_was_taken(client, world):
    # A picture stored before the library cleaned what it stores: its file has GPS.
    name = default_storage.save("pictures/archive.jpg", ContentFile(_photograph_with_a_place()))
    old = Picture.objects.create(
        file=name, width=1600, height=1000, caption="Stored long ago", credit="Archive"
    )
    assert _place_of(old.file.read()) and not old.metadata_cleaned
    # And one that came in now, through the same service as every importer.
    new, _ = picture_create_or_update(
        data=_photograph_with_a_place(), filename="today.jpg", caption="Today", credit="Desk"
    )
    world.story.body += body_format.picture_placeholder(old.pk)
    world.story.body += body_format.picture_placeholder(new.pk)
    factories.correct(world.story, kind="typo")
    document = _export(client, world.story)
    by_picture = {
        int(a["uri"].rsplit(":", 1)[1]): a["renditions"]
        for a in document["associations"]
        if a["type"] == "picture"
    }
    for picture in (old, new):
        for r in by_picture[picture.pk]:
            assert _place_of(_fetch(client, r["href"])) == {}, r
    # The old file is not linked at all; its largest rendition stands for it.
    assert by_picture[old.pk][0]["name"] == "full"
    assert old.file.name not in json.dumps(document)
    # The cleaned one is published whole, as it is stored.
    assert by_picture[new.pk][0]["name"] == "original"
    assert by_picture[new.pk][0]["href"].endswith(new.file.name)
