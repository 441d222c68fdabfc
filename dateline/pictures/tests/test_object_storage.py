"""Media in an S3 bucket (DATELINE_MEDIA_URL): uploads and their renditions land in the
bucket, and pages point readers straight at it. Against moto's S3 server, started here on a
free port and stopped after: real HTTP, the same requests a bucket gets."""

from __future__ import annotations

import io
import json
import re
import socket
import urllib.request
from html import unescape

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from config import env
from config.settings.base import s3_storage
from dateline.news.tests import factories
from dateline.pictures import renditions
from dateline.pictures.models import Picture
from dateline.pictures.services import picture_create_or_update

BUCKET = "dateline-media"
PUBLIC_READ = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": "*",
            "Action": "s3:GetObject",
            "Resource": f"arn:aws:s3:::{BUCKET}/*",
        }
    ],
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def bucket(settings):
    """A bucket on a moto server of this test's own; the settings DATELINE_MEDIA_URL would
    give for it."""
    boto3 = pytest.importorskip("boto3")
    server_mod = pytest.importorskip("moto.server")
    port = _free_port()
    server = server_mod.ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        endpoint = f"http://127.0.0.1:{port}"
        # moto keeps its buckets per process, not per server: start each test empty.
        urllib.request.urlopen(urllib.request.Request(f"{endpoint}/moto-api/reset", method="POST"))
        media = env.media_storage(
            f"s3://key:secret@{BUCKET}/site?endpoint={endpoint}&region=us-east-1"
        )
        s3 = boto3.client(
            "s3",
            endpoint_url=endpoint,
            region_name="us-east-1",
            aws_access_key_id="key",
            aws_secret_access_key="secret",
        )
        s3.create_bucket(Bucket=BUCKET)
        # As docs/deploy.md asks of a site owner: anyone may read, only we may write.
        s3.put_bucket_policy(Bucket=BUCKET, Policy=json.dumps(PUBLIC_READ))
        settings.STORAGES = {**settings.STORAGES, "default": s3_storage(media)}
        settings.MEDIA_URL = media.public_url
        settings.DATELINE_MEDIA_REMOTE = True
        _forget_policies()  # their img-src names MEDIA_URL's origin
        yield s3
    finally:
        server.stop()
        _forget_policies()


def _forget_policies():
    from config.security import desk_policy, public_header, public_policy

    public_policy.cache_clear()
    public_header.cache_clear()
    desk_policy.cache_clear()


def _keys(s3, prefix: str) -> list[str]:
    pages = s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix=prefix)
    return [o["Key"] for page in pages for o in page.get("Contents", [])]


def _get(url: str) -> tuple[int, str, bytes]:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, response.headers["Content-Type"], response.read()


def _jpeg(width: int = 1600, height: int = 900) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (width, height), (30, 110, 170)).save(buf, "JPEG", quality=90)
    return buf.getvalue()


def _expected_count(picture: Picture) -> int:
    widths = len(renditions.widths_for(picture))
    return sum(len(formats) * widths for formats in renditions.SPECS.values())


@pytest.mark.django_db
def test_an_upload_through_admin_lands_in_the_bucket_with_every_rendition_pages_name(
    bucket, admin_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            "/admin/pictures/picture/add/",
            {
                "file": SimpleUploadedFile("quay.jpg", _jpeg(), content_type="image/jpeg"),
                "caption": "The north quay",
                "credit": "Harbour Photo",
                "alt_text": "Boats at the quay",
                "focal_x": "0.5",
                "focal_y": "0.5",
            },
        )
    assert response.status_code == 302, response.content[:500]
    picture = Picture.objects.get()
    assert _keys(bucket, f"site/{picture.file.name}") == [f"site/{picture.file.name}"]
    made = _keys(bucket, f"site/renditions/{picture.pk}/{renditions.token(picture)}/")
    # 1600 px wide: 320 to 1280 px, four widths; seven ratio and format pairs.
    assert len(made) == _expected_count(picture) == 4 * 7
    status, content_type, body = _get(picture.url)
    assert (status, content_type) == (200, "image/jpeg")
    with Image.open(io.BytesIO(body)) as image:
        assert image.size == (1600, 900)


@pytest.mark.django_db
def test_the_article_page_srcset_names_bucket_urls_that_answer_with_the_image(
    bucket, settings, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        picture, _ = picture_create_or_update(
            data=_jpeg(), filename="quay.jpg", caption="Quay", alt_text="Boats"
        )
    article = factories.article(headline="Boats return to the quay", lead_picture=picture)
    page = client.get(article.get_absolute_url())
    assert page.status_code == 200
    # Browsers may fetch them: the page's policy lets pictures come from the bucket.
    assert (
        f"img-src 'self' {settings.MEDIA_URL.split('/' + BUCKET)[0]}"
        in page["Content-Security-Policy"]
    )
    html = page.content.decode()
    srcsets = [unescape(s) for s in re.findall(r'srcset="([^"]+)"', html)]
    assert srcsets, "the page shows the picture"
    urls = [item.split()[0] for s in srcsets for item in s.split(", ")]
    assert all(u.startswith(settings.MEDIA_URL) for u in urls)
    assert all(f"/{BUCKET}/site/renditions/{picture.pk}/" in u for u in urls)
    for url in urls:
        status, content_type, body = _get(url)
        assert status == 200
        width = int(re.search(r"/(\d+)w[^/]*$", url).group(1))
        with Image.open(io.BytesIO(body)) as image:
            assert image.width == width
            assert content_type == {"JPEG": "image/jpeg", "WEBP": "image/webp"}[image.format]


@pytest.mark.django_db
def test_a_size_pages_do_not_name_is_made_once_and_sent_to_the_bucket(
    bucket, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        picture, _ = picture_create_or_update(data=_jpeg(), filename="quay.jpg")
    url = renditions.url(picture, 640, ratio="16x9", fmt="webp")
    assert url.startswith("/media/r/")
    folder = f"site/renditions/{picture.pk}/"
    before = len(_keys(bucket, folder))
    first = client.get(url)
    assert first.status_code == 302
    assert first["Location"].startswith("http://127.0.0.1:")
    assert len(_keys(bucket, folder)) == before + 1
    assert client.get(url)["Location"] == first["Location"]
    assert len(_keys(bucket, folder)) == before + 1, "made once, not per request"
    status, content_type, _ = _get(first["Location"])
    assert (status, content_type) == (200, "image/webp")


@pytest.mark.django_db
def test_renditions_command_makes_what_a_bucket_lacks_and_nothing_twice(bucket):
    from django.core.management import call_command

    # Stored before the bucket took the renditions: none made at save.
    picture, _ = picture_create_or_update(data=_jpeg(800, 600), filename="old.jpg")
    folder = f"site/renditions/{picture.pk}/"
    assert _keys(bucket, folder) == []
    out = io.StringIO()
    call_command("renditions", stdout=out)
    assert len(_keys(bucket, folder)) == _expected_count(picture)
    assert "made" in out.getvalue()
    out = io.StringIO()
    call_command("renditions", stdout=out)
    assert out.getvalue().strip().endswith("0 renditions made for 0 of 1 pictures")


def test_media_url_names_the_bucket_prefix_endpoint_and_public_address():
    media = env.media_storage("s3://AK:S%2Fe@news/media?endpoint=https://s3.example.net/")
    assert (media.bucket, media.prefix, media.endpoint) == (
        "news",
        "media",
        "https://s3.example.net",
    )
    assert (media.access_key, media.secret_key) == ("AK", "S/e")
    assert media.public_url == "https://s3.example.net/news/media/"
    cdn = env.media_storage("s3://news/media?region=eu-west-1&public=https://cdn.example.net/media")
    assert cdn.public_url == "https://cdn.example.net/media/"
    options = cdn.storage_options()
    assert (options["custom_domain"], options["location"]) == ("cdn.example.net", "media")
    assert options["querystring_auth"] is False and options["file_overwrite"] is False
    aws = env.media_storage("s3://news?region=eu-west-1")
    assert aws.public_url == "https://news.s3.eu-west-1.amazonaws.com/"
    assert env.media_storage("") is None


@pytest.mark.parametrize(
    "url",
    [
        "https://news/media",
        "s3://news/media?endpoint=ftp://x",
        "s3://news/media?bucket=other",
        "s3://news/media?public=https://cdn.example.net/elsewhere",
    ],
)
def test_a_media_url_dateline_cannot_use_stops_it_with_a_reason(url):
    with pytest.raises(ImproperlyConfigured, match="DATELINE_MEDIA_URL"):
        env.media_storage(url)


@pytest.mark.django_db
def test_a_backup_holds_the_buckets_pictures_and_renditions_byte_for_byte(
    bucket, tmp_path, django_capture_on_commit_callbacks
):
    import hashlib

    from dateline.ops.backup import backup_make

    with django_capture_on_commit_callbacks(execute=True):
        picture, _ = picture_create_or_update(data=_jpeg(), filename="quay.jpg")
    manifest = backup_make(folder=tmp_path / "backup")
    stored = _keys(bucket, "site/")
    assert sorted(manifest["files"]) == sorted(
        [next(n for n in manifest["files"] if n.startswith("database."))]
        + [f"media/{key.removeprefix('site/')}" for key in stored]
    )
    original = bucket.get_object(Bucket=BUCKET, Key=f"site/{picture.file.name}")["Body"].read()
    copied = (tmp_path / "backup" / "media" / picture.file.name).read_bytes()
    assert copied == original
    assert manifest["files"][f"media/{picture.file.name}"] == hashlib.sha256(original).hexdigest()


@pytest.mark.django_db
def test_healthz_asks_the_bucket_and_fails_when_it_is_gone(bucket, client):
    healthy = client.get("/healthz")
    assert (healthy.status_code, healthy.json()["storage"]) == (200, "ok")
    bucket.delete_bucket(Bucket=BUCKET)
    gone = client.get("/healthz")
    assert (gone.status_code, gone.json()) == (503, {"database": "ok", "storage": "fail"})


@pytest.mark.django_db
def test_a_phone_photograph_reaches_the_bucket_without_where_it_was_taken(
    bucket, admin_client, django_capture_on_commit_callbacks
):
    from dateline.pictures.tests.test_upload import _gps_of, _phone_jpeg

    original = _phone_jpeg()
    assert _gps_of(original)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            "/admin/pictures/picture/add/",
            {
                "file": SimpleUploadedFile("quay.jpg", original, content_type="image/jpeg"),
                "alt_text": "Boats",
                "focal_x": "0.5",
                "focal_y": "0.5",
            },
        )
    assert response.status_code == 302
    picture = Picture.objects.get()
    _, _, published = _get(picture.url)  # as readers fetch it, from the bucket
    assert _gps_of(published) == {} and b"iPhone" not in published
