"""How long a picture's whole set of renditions takes to make (pictures/renditions.py,
make_all: what a save costs with media in a bucket), for a 6000×4000 JPEG.

    DATELINE_VAR_DIR=/tmp/x .venv/bin/dateline migrate
    DATELINE_VAR_DIR=/tmp/x .venv/bin/python bench/renditions.py
"""

import io
import os
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

import django  # noqa: E402

django.setup()

from PIL import Image  # noqa: E402

from dateline.pictures import renditions  # noqa: E402
from dateline.pictures.services import picture_create_or_update  # noqa: E402

image = Image.radial_gradient("L").resize((6000, 4000)).convert("RGB")
buffer = io.BytesIO()
image.save(buffer, "JPEG", quality=90)
picture, _ = picture_create_or_update(data=buffer.getvalue(), filename=f"bench-{time.time()}.jpg")
started = time.perf_counter()
made = renditions.make_all(picture)
print(f"6000x4000 JPEG: {made} renditions in {time.perf_counter() - started:.1f} s")
