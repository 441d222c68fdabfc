"""What enters the picture library: through admin's real form and through the services the
importers use, every file is checked for size and pixels before it is decoded, and stored
without where it was taken or the camera that took it."""

from __future__ import annotations

import functools
import io
import os
import struct

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image, ImageCms
from PIL.PngImagePlugin import PngInfo

from dateline.pictures import metadata
from dateline.pictures.models import Picture
from dateline.pictures.services import (
    PictureRejected,
    picture_create_or_update,
    picture_validate_bytes,
)

GPS = {
    ExifTags.GPS.GPSLatitudeRef: "N",
    ExifTags.GPS.GPSLatitude: (51.0, 30.0, 12.5),
    ExifTags.GPS.GPSLongitudeRef: "W",
    ExifTags.GPS.GPSLongitude: (0.0, 7.0, 39.0),
}


def _phone_exif() -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6  # taken sideways
    exif[ExifTags.Base.Make] = "Apple"
    exif[ExifTags.Base.Model] = "iPhone 15 Pro"
    exif[ExifTags.Base.Copyright] = "Harbour Photo"
    exif[ExifTags.Base.BodySerialNumber] = "F2LX91234567"
    exif[ExifTags.IFD.GPSInfo] = GPS
    return exif


@functools.cache
def _srgb() -> bytes:
    # Made once: a profile carries its creation time to the second, and the test compares
    # the one it wrote with the one it reads back.
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def _phone_jpeg() -> bytes:
    """A phone's photograph: GPS, camera and serial in EXIF, an ICC profile, XMP with the
    place again, a comment, and a second image after the first (as phones store depth)."""
    buf = io.BytesIO()
    Image.new("RGB", (80, 60), (20, 90, 160)).save(
        buf, "JPEG", exif=_phone_exif(), icc_profile=_srgb(), comment=b"Kelbridge quay"
    )
    data = buf.getvalue()
    xmp = b"http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta><exif:GPSLatitude>51,30.2N"
    xmp += b"</exif:GPSLatitude></x:xmpmeta>"
    segment = b"\xff\xe1" + (len(xmp) + 2).to_bytes(2, "big") + xmp
    second = io.BytesIO()
    Image.new("L", (8, 8)).save(second, "JPEG", exif=_phone_exif())
    return data[:2] + segment + data[2:] + second.getvalue()


def _gps_of(data: bytes) -> dict:
    with Image.open(io.BytesIO(data)) as image:
        return dict(image.getexif().get_ifd(ExifTags.IFD.GPSInfo))


@pytest.fixture
def admin_client(client, db):
    User.objects.create_superuser("ed", "ed@example.com", "a-long-password-1")
    client.force_login(User.objects.get(username="ed"))
    return client


def _upload(client, name: str, data: bytes, content_type="image/png"):
    return client.post(
        "/admin/pictures/picture/add/",
        {
            "file": SimpleUploadedFile(name, data, content_type=content_type),
            "caption": "The north quay",
            "credit": "Harbour Photo",
            "alt_text": "Boats at the quay",
            "focal_x": "0.5",
            "focal_y": "0.5",
        },
    )


def _stored_files() -> list[str]:
    root = settings.MEDIA_ROOT / "pictures"
    return [str(p) for p in root.rglob("*") if p.is_file()] if root.exists() else []


def _huge_png(width: int, height: int) -> bytes:
    # One bit per pixel, all zero: 144 MP compresses to about 20 KB.
    buf = io.BytesIO()
    Image.new("1", (width, height)).save(buf, "PNG")
    return buf.getvalue()


def test_a_144_megapixel_png_through_the_admin_form_is_refused_and_nothing_is_stored(
    admin_client,
):
    before = _stored_files()
    data = _huge_png(12_000, 12_000)
    assert len(data) < 1_000_000
    response = _upload(admin_client, "bomb.png", data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "This file cannot be used: too many pixels: 12000×12000 is 144 megapixels" in page
    assert "up to 50 megapixels are accepted" in page
    assert not Picture.objects.exists()
    assert _stored_files() == before


def test_a_file_over_the_size_cap_through_the_admin_form_is_refused_and_nothing_is_stored(
    admin_client,
):
    before = _stored_files()
    # Not even a picture: the size is checked before anything reads what it is.
    data = b"\xff\xd8" + b"\x00" * (settings.DATELINE_PICTURE_MAX_BYTES - 1)
    response = _upload(admin_client, "huge.jpg", data, "image/jpeg")
    assert response.status_code == 200
    page = response.content.decode()
    cap = settings.DATELINE_PICTURE_MAX_BYTES // (1024 * 1024)
    assert f"This file cannot be used: the file is {cap}.0 MB; pictures up to {cap} MB" in page
    assert not Picture.objects.exists()
    assert _stored_files() == before


def test_a_30_mb_picture_within_the_cap_is_accepted(admin_client):
    # Noise does not compress: 3,300 × 3,300 RGB is over 31 MB as an uncompressed PNG.
    noise = Image.frombytes("RGB", (3_300, 3_300), os.urandom(3_300 * 3_300 * 3))
    buf = io.BytesIO()
    noise.save(buf, "PNG", compress_level=0)
    assert 30 * 1024 * 1024 < len(buf.getvalue()) < settings.DATELINE_PICTURE_MAX_BYTES
    response = _upload(admin_client, "noise.png", buf.getvalue())
    assert response.status_code == 302, response.content.decode()[:2000]
    picture = Picture.objects.get()
    assert (picture.width, picture.height) == (3_300, 3_300)


def test_svg_and_text_through_the_admin_form_are_refused_with_a_reason(admin_client):
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    page = _upload(admin_client, "x.jpg", svg, "image/jpeg").content.decode()
    assert "This file cannot be used: SVG is not accepted" in page
    page = _upload(admin_client, "notes.jpg", b"A press release.\n" * 40).content.decode()
    assert "This file cannot be used: not an image" in page
    assert not Picture.objects.exists()


def test_gps_and_camera_exif_are_gone_from_the_original_uploaded_in_admin(admin_client):
    original = _phone_jpeg()
    assert _gps_of(original)  # the test's photograph does carry a place
    response = _upload(admin_client, "quay.jpg", original, "image/jpeg")
    assert response.status_code == 302, response.content.decode()[:2000]
    picture = Picture.objects.get()
    with picture.file.open("rb") as fh:
        stored = fh.read()
    assert _gps_of(stored) == {}
    with Image.open(io.BytesIO(stored)) as image:
        exif = image.getexif()
        assert ExifTags.IFD.GPSInfo not in exif
        assert ExifTags.Base.Make not in exif and ExifTags.Base.Model not in exif
        assert ExifTags.Base.BodySerialNumber not in exif
        # What draws it right stays: the orientation and the colour profile.
        assert exif[ExifTags.Base.Orientation] == 6
        assert exif[ExifTags.Base.Copyright] == "Harbour Photo"
        assert image.info["icc_profile"] == _srgb()
        assert "xmp" not in image.info and "comment" not in image.info
    assert b"GPSLatitude" not in stored and b"Kelbridge" not in stored
    assert b"iPhone" not in stored
    # Only the one image: the second one after the end of the first is gone.
    assert stored.count(b"\xff\xd8") == 1 and stored.endswith(b"\xff\xd9")


def _png_with_text_and_exif() -> bytes:
    buf = io.BytesIO()
    info = PngInfo()
    info.add_text("Location", "Kelbridge quay")
    info.add_itxt("XML:com.adobe.xmp", "<exif:GPSLatitude>51,30.2N</exif:GPSLatitude>")
    Image.new("RGB", (40, 30), "red").save(
        buf, "PNG", exif=_phone_exif(), pnginfo=info, icc_profile=_srgb()
    )
    return buf.getvalue()


def _webp_with_exif_and_xmp() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(
        buf, "WEBP", exif=_phone_exif(), xmp=b"<exif:GPSLatitude>51</exif:GPSLatitude>"
    )
    return buf.getvalue()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name,make",
    [
        ("quay.jpg", _phone_jpeg),
        ("quay.png", _png_with_text_and_exif),
        ("quay.webp", _webp_with_exif_and_xmp),
    ],
)
def test_an_imported_picture_is_stored_without_its_place_and_reimported_unchanged(name, make):
    data = make()
    assert _gps_of(data)
    picture, changed = picture_create_or_update(
        data=data, filename=name, caption="Quay", source="test", source_id=name
    )
    assert changed
    with picture.file.open("rb") as fh:
        stored = fh.read()
    assert _gps_of(stored) == {}
    for private in (b"GPSLatitude", b"Kelbridge", b"iPhone", b"F2LX"):
        assert private not in stored, private
    with Image.open(io.BytesIO(stored)) as image:
        assert image.getexif()[ExifTags.Base.Orientation] == 6
        assert image.size == (picture.width, picture.height)
        image.load()  # the pixels still decode
    # The same file from the same source again: nothing to change.
    again, changed = picture_create_or_update(
        data=data, filename=name, caption="Quay", source="test", source_id=name
    )
    assert again.pk == picture.pk and not changed


def test_a_picture_without_metadata_is_stored_byte_for_byte():
    buf = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(buf, "JPEG")
    checked = picture_validate_bytes(buf.getvalue())
    assert metadata.strip(buf.getvalue(), checked.format) == buf.getvalue()


@pytest.mark.django_db
def test_a_cut_off_jpeg_is_refused_as_damaged():
    cut = _phone_jpeg().split(b"\xff\xd9")[0]
    with pytest.raises(PictureRejected, match="looks damaged"):
        picture_create_or_update(data=cut, filename="cut.jpg")


@pytest.mark.django_db
def test_a_png_chunk_that_lies_about_its_length_is_refused():
    data = _png_with_text_and_exif()
    lying = data[:8] + struct.pack(">I", 10**9) + data[12:]
    with pytest.raises(PictureRejected):
        picture_create_or_update(data=lying, filename="lying.png")
