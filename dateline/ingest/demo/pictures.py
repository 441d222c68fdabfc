"""Pictures for the demo site, drawn with Pillow rather than shipped as files.

Each picture is a function of its number only (a seeded random generator), so a second
run draws the same bytes and `picture_create_or_update` finds nothing to change. (A new
Pillow may encode the same drawing differently; the next run then replaces the files once.)
"""

from __future__ import annotations

import functools
import io
import math
import random
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFilter

WIDTH, HEIGHT = 1200, 800

RGB = tuple[int, int, int]


@dataclass(frozen=True)
class Palette:
    name: str
    sky: RGB
    horizon: RGB
    accent: RGB
    deep: RGB
    light: RGB


PALETTES = (
    Palette(
        "navy and amber",
        (18, 36, 70),
        (236, 150, 84),
        (250, 204, 120),
        (10, 20, 38),
        (255, 236, 200),
    ),
    Palette(
        "teal and coral",
        (16, 92, 104),
        (120, 200, 190),
        (240, 112, 96),
        (8, 46, 54),
        (226, 246, 240),
    ),
    Palette(
        "slate and lemon",
        (58, 70, 84),
        (170, 184, 196),
        (238, 220, 90),
        (28, 34, 42),
        (246, 246, 236),
    ),
    Palette(
        "plum and rose",
        (64, 30, 72),
        (214, 120, 150),
        (255, 190, 170),
        (34, 14, 40),
        (252, 226, 232),
    ),
    Palette(
        "forest and gold",
        (28, 70, 48),
        (150, 186, 120),
        (226, 180, 60),
        (12, 36, 24),
        (240, 244, 220),
    ),
    Palette(
        "storm blue and white",
        (40, 56, 92),
        (150, 170, 206),
        (236, 240, 248),
        (16, 24, 44),
        (250, 252, 255),
    ),
    Palette(
        "brick and sand",
        (120, 48, 36),
        (224, 178, 128),
        (246, 220, 170),
        (60, 24, 18),
        (252, 242, 226),
    ),
    Palette(
        "ink and turquoise",
        (20, 24, 40),
        (40, 150, 170),
        (120, 230, 220),
        (6, 8, 16),
        (210, 250, 248),
    ),
)


def _mix(a: RGB, b: RGB, t: float) -> RGB:
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b, strict=True))  # type: ignore[return-value]


def _shade(c: RGB, factor: float) -> RGB:
    return tuple(max(0, min(255, round(x * factor))) for x in c)  # type: ignore[return-value]


def _gradient(top: RGB, bottom: RGB, turns: int = 0) -> Image.Image:
    mask = Image.linear_gradient("L")
    # Quarter turns only: they are exact, where other angles leave empty corners.
    for _ in range(turns % 4):
        mask = mask.transpose(Image.Transpose.ROTATE_90)
    mask = mask.resize((WIDTH, HEIGHT), Image.Resampling.BILINEAR)
    return Image.composite(
        Image.new("RGB", (WIDTH, HEIGHT), bottom), Image.new("RGB", (WIDTH, HEIGHT), top), mask
    )


def _horizon(rng: random.Random, p: Palette) -> tuple[Image.Image, str]:
    img = _gradient(p.sky, p.horizon)
    cx, cy, r = rng.randint(250, 950), rng.randint(260, 420), rng.randint(60, 110)
    # The halo is blurred at a quarter of the size: the same look at a fraction of the cost.
    q = 4
    glow = Image.new("RGBA", (WIDTH // q, HEIGHT // q), (0, 0, 0, 0))
    ImageDraw.Draw(glow).ellipse(
        ((cx - r * 2) // q, (cy - r * 2) // q, (cx + r * 2) // q, (cy + r * 2) // q),
        fill=(*p.accent, 90),
    )
    glow = glow.filter(ImageFilter.GaussianBlur(15)).resize((WIDTH, HEIGHT))
    ImageDraw.Draw(glow).ellipse((cx - r, cy - r, cx + r, cy + r), fill=(*p.light, 255))
    img = Image.alpha_composite(img.convert("RGBA"), glow)
    draw = ImageDraw.Draw(img)
    for layer in range(3):
        base = 470 + layer * 70
        points = [(0, HEIGHT)]
        phase, amp, length = rng.uniform(0, math.tau), rng.randint(20, 60), rng.randint(120, 260)
        for x in range(0, WIDTH + 20, 20):
            y = base + amp * math.sin(x / length + phase) + amp / 3 * math.sin(x / 47 + phase)
            points.append((x, y))
        points.append((WIDTH, HEIGHT))
        draw.polygon(points, fill=_mix(p.horizon, p.deep, 0.45 + layer * 0.25))
    for i in range(14):
        y = 700 + i * 7
        draw.line(
            (rng.randint(0, 500), y, rng.randint(700, WIDTH), y),
            fill=_mix(p.deep, p.accent, 0.25),
            width=2,
        )
    return img.convert("RGB"), f"a sun over layered hills in {p.name}"


def _skyline(rng: random.Random, p: Palette) -> tuple[Image.Image, str]:
    img = _gradient(p.horizon, p.sky)
    draw = ImageDraw.Draw(img)
    x = -20
    while x < WIDTH:
        w, h = rng.randint(50, 130), rng.randint(160, 460)
        colour = _mix(p.deep, p.sky, rng.uniform(0, 0.35))
        draw.rectangle((x, HEIGHT - h, x + w, HEIGHT), fill=colour)
        for wy in range(HEIGHT - h + 14, HEIGHT - 10, 22):
            for wx in range(x + 8, x + w - 12, 16):
                if rng.random() < 0.35:
                    draw.rectangle((wx, wy, wx + 7, wy + 10), fill=p.accent)
        x += w + rng.randint(2, 14)
    return img, f"a city skyline with lit windows in {p.name}"


def _circles(rng: random.Random, p: Palette) -> tuple[Image.Image, str]:
    img = _gradient(p.light, p.horizon, turns=rng.randrange(4)).convert("RGBA")
    colours = (p.sky, p.accent, p.deep, p.horizon)
    for _ in range(rng.randint(9, 16)):
        layer = Image.new("RGBA", (WIDTH, HEIGHT), (0, 0, 0, 0))
        r = rng.randint(40, 260)
        cx, cy = rng.randint(0, WIDTH), rng.randint(0, HEIGHT)
        ImageDraw.Draw(layer).ellipse(
            (cx - r, cy - r, cx + r, cy + r), fill=(*rng.choice(colours), rng.randint(80, 190))
        )
        img = Image.alpha_composite(img, layer)
    return img.convert("RGB"), f"overlapping circles in {p.name}"


def _stripes(rng: random.Random, p: Palette) -> tuple[Image.Image, str]:
    img = Image.new("RGB", (WIDTH, HEIGHT), p.light)
    draw = ImageDraw.Draw(img)
    colours = (p.sky, p.horizon, p.accent, p.deep, p.light)
    slant = rng.choice((-1, 1)) * rng.randint(200, 600)
    x = -abs(slant)
    while x < WIDTH + abs(slant):
        w = rng.randint(20, 140)
        draw.polygon(
            ((x, 0), (x + w, 0), (x + w + slant, HEIGHT), (x + slant, HEIGHT)),
            fill=rng.choice(colours),
        )
        x += w
    return img, f"diagonal stripes in {p.name}"


def _mosaic(rng: random.Random, p: Palette) -> tuple[Image.Image, str]:
    img = Image.new("RGB", (WIDTH, HEIGHT), p.deep)
    draw = ImageDraw.Draw(img)
    size = rng.choice((100, 120, 150))
    for gy in range(0, HEIGHT, size):
        for gx in range(0, WIDTH, size):
            t = (gx / WIDTH + gy / HEIGHT) / 2
            colour = _mix(p.sky, p.accent if rng.random() < 0.15 else p.horizon, t)
            colour = _shade(colour, rng.uniform(0.92, 1.08))
            draw.rounded_rectangle(
                (gx + 3, gy + 3, gx + size - 3, gy + size - 3), radius=8, fill=colour
            )
    return img, f"a mosaic of tiles in {p.name}"


def _waves(rng: random.Random, p: Palette) -> tuple[Image.Image, str]:
    img = _gradient(p.light, p.sky)
    draw = ImageDraw.Draw(img)
    bands = rng.randint(7, 11)
    for i in range(bands):
        base = 180 + i * (600 // bands)
        amp, length, phase = rng.randint(12, 40), rng.randint(90, 220), rng.uniform(0, math.tau)
        points = [(0, HEIGHT)]
        for x in range(0, WIDTH + 20, 20):
            points.append((x, base + amp * math.sin(x / length + phase)))
        points.append((WIDTH, HEIGHT))
        draw.polygon(points, fill=_mix(p.horizon, p.deep, i / bands))
    return img, f"rolling waves in {p.name}"


COMPOSITIONS = (_horizon, _skyline, _circles, _stripes, _mosaic, _waves)


def _grain(img: Image.Image, rng: random.Random) -> Image.Image:
    # A little film grain: flat colour compresses to almost nothing, and real photos are
    # never flat, so the demo's pictures weigh what a page's pictures usually weigh.
    # The grain comes from the seeded generator (not Pillow's effect_noise, which is not
    # seeded) so that the bytes repeat.
    size = (WIDTH // 4, HEIGHT // 4)
    noise = Image.frombytes("L", size, rng.randbytes(size[0] * size[1]))
    noise = noise.resize((WIDTH, HEIGHT), Image.Resampling.BICUBIC)
    return Image.blend(img, Image.merge("RGB", (noise, noise, noise)), 0.03)


# Drawing is the slow half of a load; a process that loads twice (the tests, a second run
# from a shell) draws each picture once.
@functools.lru_cache(maxsize=64)
def draw_picture(number: int) -> tuple[bytes, str]:
    """JPEG bytes for demo picture `number`, and a description of what it shows."""
    rng = random.Random(f"dateline-demo-picture-{number}")
    compose = COMPOSITIONS[number % len(COMPOSITIONS)]
    palette = PALETTES[(number // len(COMPOSITIONS) + number) % len(PALETTES)]
    img, description = compose(rng, palette)
    img = _grain(img, rng)
    out = io.BytesIO()
    img.save(out, "JPEG", quality=74, optimize=True)
    return out.getvalue(), description
