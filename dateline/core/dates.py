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
        return f"{value.day} {_month_name(value, 'en')} {value.year}"
    with translation.override(language):
        return formats.date_format(value, "DATE_FORMAT")


def _month_name(value, language: str) -> str:
    with translation.override(language):
        return formats.date_format(value, "F")


def iso_datetime(value: dt.datetime | None) -> str:
    return value.isoformat(timespec="seconds") if value else ""
