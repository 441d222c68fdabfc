"""Dates as readers see them: "4 August 2021", in the publication's time zone and language."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import formats, translation


def local(value: dt.datetime, tz: ZoneInfo | str) -> dt.datetime:
    zone = ZoneInfo(tz) if isinstance(tz, str) else tz
    return value.astimezone(zone)


def long_date(value: dt.datetime | dt.date | None, language: str = "en") -> str:
    """Day, month name, year, in the publication's language (Django's locale formats).

    English uses the newspaper style of the seed page, "4 August 2021", rather than
    Django's US default "Aug. 4, 2021".
    """
    if value is None:
        return ""
    if language.split("-")[0] == "en":
        # Every teaser on a page formats a date: a table beats switching translations.
        return f"{value.day} {_EN_MONTHS[value.month - 1]} {value.year}"
    with translation.override(language):
        return formats.date_format(value, "DATE_FORMAT")


_EN_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def iso_datetime(value: dt.datetime | None) -> str:
    return value.isoformat(timespec="seconds") if value else ""
