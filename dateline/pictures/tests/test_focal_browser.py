"""The focal point is set by clicking the subject of the picture, and the crops follow it."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from dateline.newsroom.roles import Role
from dateline.newsroom.tests.factories import staff
from dateline.pictures.models import Picture
from dateline.pictures.renditions import crop_box
from dateline.pictures.services import picture_create_or_update

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_clicking_the_subject_sets_the_focal_point(live_server, open_page):
    from playwright.sync_api import expect

    out = io.BytesIO()
    Image.new("RGB", (1600, 900), (200, 200, 200)).save(out, "JPEG")
    picture, _ = picture_create_or_update(
        data=out.getvalue(),
        filename="quay.jpg",
        caption="The quay",
        credit="Ida Berg",
        alt_text="An empty quay",
    )
    editor = staff(Role.EDITOR)
    page = open_page({"viewport": {"width": 1366, "height": 900}})
    page.goto(f"{live_server.url}/admin/login/?next=/admin/pictures/picture/{picture.pk}/change/")
    page.fill("#id_username", editor.get_username())
    page.fill("#id_password", "a-long-password-1")
    page.click("input[type=submit]")
    image = page.locator(".focal-picker img")
    expect(image).to_be_visible()
    box = image.bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.8, box["y"] + box["height"] * 0.25)
    expect(page.locator("#id_focal_x")).to_have_value("0.800")
    expect(page.locator(".focal-crops img[data-ratio='1x1']")).to_have_css(
        "object-position", "80% 25%"
    )
    page.click("input[name=_continue]")
    page.locator(".messagelist .success").wait_for()
    picture = Picture.objects.get(pk=picture.pk)
    assert picture.focal_x == pytest.approx(0.8, abs=0.01)
    assert picture.focal_y == pytest.approx(0.25, abs=0.01)
    # The square crop is cut around the subject: from the right part of the picture.
    left, top, right, bottom = crop_box((1600, 900), (1, 1), (picture.focal_x, picture.focal_y))
    assert right - left == 900 and left == 700  # as far right as it goes; centred would be 350
    # The reloaded page shows the three crops the server cut around the saved point; a
    # crop that failed to load would never get a natural width, and this wait would fail.
    expect(page.locator(".focal-crops img")).to_have_count(3)
    page.wait_for_function(
        "() => [...document.querySelectorAll('.focal-crops img')]"
        ".every(img => img.complete && img.naturalWidth > 0)"
    )
    assert not page.errors, page.errors
