"""The one place pages ask for the time, so tests can freeze it (time-machine works too)."""

from django.utils import timezone


def now():
    return timezone.now()
