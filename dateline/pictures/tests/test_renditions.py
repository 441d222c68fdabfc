"""Responsive renditions: sizes, formats, focal-point crops, and refusals."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from dateline.pictures import renditions
from dateline.pictures.services import picture_create_or_update


def _picture(focal=(0.5, 0.5)):
    # 1600×800, white, with a red square in the right quarter.
    image = Image.new("RGB", (1600, 800), "white")
    image.paste((255, 0, 0), (1300, 300, 1500, 500))
    buf = io.BytesIO()
    image.save(buf, "JPEG", quality=95)
    picture, _ = picture_create_or_update(
        data=buf.getvalue(),
        filename="square.jpg",
        caption="Square",
        credit="Desk",
        alt_text="A square",
    )
    picture.focal_x, picture.focal_y = focal
    picture.save()
    return picture


def _fetch(client, url):
    response = client.get(url)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response, body


@pytest.mark.django_db
@pytest.mark.parametrize("fmt,pil", [("jpg", "JPEG"), ("webp", "WEBP")])
def test_rendition_has_the_asked_width_and_format(client, fmt, pil):
    picture = _picture()
    response, body = _fetch(client, renditions.url(picture, 640, fmt=fmt))
    assert response.status_code == 200
    assert response["Cache-Control"].endswith("immutable")
    assert response["X-Content-Type-Options"] == "nosniff"
    with Image.open(io.BytesIO(body)) as image:
        assert image.format == pil and image.size == (640, 320)


@pytest.mark.django_db
def test_square_crop_follows_the_focal_point(client):
    picture = _picture(focal=(0.875, 0.5))  # the red square's centre
    _, body = _fetch(client, renditions.url(picture, 320, ratio="1x1"))
    # The crop is the right-hand 800×800 (as far right as fits): x 800–1600 of the source,
    # so the square's centre (1400, 400) lands at (240, 160) in the 320px rendition.
    with Image.open(io.BytesIO(body)) as image:
        assert image.size == (320, 320)
        r, g, b = image.convert("RGB").getpixel((240, 160))
        assert r > 200 and g < 60 and b < 60
    centred = _picture(focal=(0.5, 0.5))
    _, body = _fetch(client, renditions.url(centred, 320, ratio="1x1"))
    with Image.open(io.BytesIO(body)) as image:  # x 400–1200: no red at all
        rgb = image.convert("RGB")
        assert all(
            rgb.getpixel((x, y))[1] > 150 for x in range(0, 320, 8) for y in range(0, 320, 8)
        )


@pytest.mark.django_db
def test_unknown_sizes_stale_tokens_and_upscaling_are_refused(client):
    picture = _picture()
    assert client.get(renditions.url(picture, 500)).status_code == 404  # not an offered width
    assert client.get(renditions.url(picture, 1920)).status_code == 404  # wider than the file
    stale = renditions.url(picture, 640)
    picture.focal_x = 0.1
    picture.save()
    assert client.get(stale).status_code == 404
    assert renditions.widths_for(picture) == [320, 640, 960, 1280]


@pytest.mark.django_db
def test_article_pages_offer_webp_and_jpeg_srcsets(client):
    from dateline.news.tests import factories

    picture = _picture()
    article = factories.article(lead_picture=picture)
    html = client.get(article.get_absolute_url()).content.decode()
    assert '<source type="image/webp" srcset="/media/r/' in html
    assert "640w" in html and "1280w" in html and 'alt="A square"' in html


def test_crop_box_stays_inside_and_keeps_the_ratio():
    assert renditions.crop_box((1600, 800), (1, 1), (0.0, 0.5)) == (0, 0, 800, 800)
    assert renditions.crop_box((1600, 800), (1, 1), (1.0, 0.5)) == (800, 0, 1600, 800)
    assert renditions.crop_box((1000, 1000), (16, 9), (0.5, 0.9)) == (0, 438, 1000, 1000)


@pytest.mark.django_db
def test_srcset_urls_are_the_rendition_urls():
    picture = _picture()
    for ratio in (None, "3x2"):
        expected = ", ".join(
            f"{renditions.url(picture, w, ratio=ratio, fmt='webp')} {w}w"
            for w in renditions.widths_for(picture)
        )
        assert renditions.srcset(picture, ratio=ratio, fmt="webp") == expected


@pytest.mark.django_db
def test_a_rendition_has_one_address_only(client):
    """Leading zeros in the id or width would name the same file under other addresses:
    as many cache keys (ours, a CDN's) for one picture as an attacker cares to make."""
    picture = _picture()
    canonical = renditions.url(picture, 320)
    assert client.get(canonical).status_code == 200
    token = canonical.split("/")[4]
    for other in (
        f"/media/r/00{picture.pk}/{token}/320w.jpg",
        f"/media/r/{picture.pk}/{token}/0320w.jpg",
        f"/media/r/0{picture.pk}/{token}/00320w-1x1.jpg",
        f"/media/r/{picture.pk}/{token.upper()}/320w.jpg",
    ):
        response = client.get(other)
        assert response.status_code == 404, other


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/media/x%00.jpg",
        "/media/pictures/%00/x.jpg",
        "/media/" + "a" * 300 + ".jpg",  # longer than a file name may be
        "/media/" + "a/" * 3000 + "x.jpg",  # longer than a path may be
    ],
)
def test_odd_media_paths_are_404_not_500(client, path):
    assert client.get(path).status_code == 404


@pytest.mark.django_db
def test_a_large_pictures_renditions_have_the_exact_size_their_crop_gives(client):
    # 5000 px wide: each cut is first reduced by a whole factor before the last resize,
    # which must not change a rendition's size by a pixel (syndication states sizes).
    image = Image.new("RGB", (5000, 3331), "white")
    buf = io.BytesIO()
    image.save(buf, "JPEG", quality=70)
    picture, _ = picture_create_or_update(data=buf.getvalue(), filename="wide.jpg")
    for ratio in (None, *renditions.RATIOS):
        box = renditions.crop_box(
            (5000, 3331), renditions.RATIOS[ratio] if ratio else (5000, 3331), (0.5, 0.5)
        )
        cut_w, cut_h = box[2] - box[0], box[3] - box[1]
        for width in (320, 1280, 1920):
            _, body = _fetch(client, renditions.url(picture, width, ratio=ratio))
            with Image.open(io.BytesIO(body)) as made:
                assert made.size == (width, round(cut_h * width / cut_w)), (ratio, width)
