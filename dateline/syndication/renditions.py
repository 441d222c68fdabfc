"""Picture renditions as they are named outside the site: an absolute URL with the exact
pixel size the rendition will have (OpenGraph, JSON-LD, media:content, ninjs)."""

from __future__ import annotations

from dataclasses import dataclass

from dateline.pictures import renditions
from dateline.pictures.models import Picture
from dateline.syndication.identity import absolute

# Google asks for images at least 1200 px wide in 16:9, 4:3 and 1:1 for articles.
STRUCTURED_DATA_RATIOS = ("16x9", "4x3", "1x1")
WIDTH = 1280


@dataclass(frozen=True)
class Rendition:
    url: str
    width: int
    height: int
    ratio: str | None
    content_type: str = "image/jpeg"


def rendition(picture: Picture, ratio: str | None = None, limit: int = WIDTH) -> Rendition:
    """The JPEG rendition of `picture` at the widest allowed width up to `limit`, with the
    size `pictures.renditions.make` will give it (cropped around the focal point, never
    upscaled)."""
    width = renditions.widths_for(picture, limit)[-1]
    box_w, box_h = picture.width or 1, picture.height or 1
    if ratio:
        left, top, right, bottom = renditions.crop_box(
            (box_w, box_h), renditions.RATIOS[ratio], (picture.focal_x, picture.focal_y)
        )
        box_w, box_h = right - left, bottom - top
    if box_w > width:
        box_w, box_h = width, round(box_h * width / box_w)
    return Rendition(
        url=absolute(renditions.url(picture, width, ratio=ratio)),
        width=box_w,
        height=box_h,
        ratio=ratio,
    )
