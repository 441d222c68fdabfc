from zoneinfo import ZoneInfo, available_timezones

from django.core.exceptions import ValidationError
from django.db import models


def validate_time_zone(value: str) -> None:
    if value not in available_timezones():
        raise ValidationError(f"{value!r} is not a time zone name such as Europe/London.")


class Publication(models.Model):
    """The one row of publication settings, editable in admin."""

    name = models.CharField(max_length=200, default="Dateline")
    tagline = models.CharField(max_length=300, blank=True)
    language = models.CharField(max_length=20, default="en", help_text="BCP 47, e.g. en or en-GB.")
    time_zone = models.CharField(
        max_length=64, default="Europe/London", validators=[validate_time_zone]
    )
    logo = models.ImageField(upload_to="publication/", blank=True)

    class Meta:
        verbose_name = "publication settings"
        verbose_name_plural = "publication settings"

    def __str__(self) -> str:
        return self.name

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    @classmethod
    def load(cls) -> "Publication":
        obj = cls.objects.order_by("pk").first()
        return obj if obj is not None else cls.objects.create()
