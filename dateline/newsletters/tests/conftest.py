import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

# Before the day's send time (07:00 by default), so that the worker's daily tick sends
# nothing on its own in a test about something else.
EARLY = dt.datetime(2031, 3, 12, 5, 30, tzinfo=ZoneInfo("Europe/London"))


@pytest.fixture
def early():
    with time_machine.travel(EARLY, tick=True):
        yield


@pytest.fixture(autouse=True)
def _fresh_sign_up_counts():
    """Sign-ups are counted per client address in the cache, and every test client comes
    from 127.0.0.1."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
