"""`dateline renditions`: make every rendition pages name that storage lacks.

Pictures saved with media in a bucket get theirs at save; run this once after moving media
to a bucket (or restoring one without its renditions), and pages point at files that exist.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from dateline.pictures.models import Picture
from dateline.pictures.services import picture_renditions_make


class Command(BaseCommand):
    help = "Make the renditions pages name for every picture, where storage lacks them."

    def handle(self, *args, **options):
        made = pictures = total = 0
        for picture in Picture.objects.exclude(file="").order_by("pk").iterator():
            total += 1
            count = picture_renditions_make(picture=picture)
            if count:
                made += count
                pictures += 1
                self.stdout.write(f"picture {picture.pk}: {count} made")
        self.stdout.write(f"{made} renditions made for {pictures} of {total} pictures")
