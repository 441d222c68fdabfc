"""Site locks (dateline/core/locks.py): one holder among all processes, on PostgreSQL (an
advisory lock on a connection of its own) and on SQLite (a file lock beside the database).
Two locks in one process are two connections or two open files, as two servers would be."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from dateline.core.locks import SiteLock
from dateline.ingest.wire import POLLER_LOCK


@pytest.mark.django_db(transaction=True)
def test_one_process_holds_a_site_lock_and_another_takes_it_over_when_released():
    first, second = SiteLock("test lock"), SiteLock("test lock")
    try:
        assert first.acquire() and first.held()
        assert not second.acquire() and not second.held()
        assert SiteLock("another lock").acquire()  # locks of other names are their own
        first.release()
        assert not first.held()
        assert second.acquire() and second.held()
        assert not first.acquire()
    finally:
        first.release(), second.release()


@pytest.mark.django_db(transaction=True)
def test_a_lock_whose_connection_is_lost_is_known_to_be_lost():
    lock = SiteLock("test lock")
    assert lock.acquire()
    # What a dropped connection or a restarted database does to the holder.
    if lock._pg is not None:
        lock._pg.close()
    else:
        lock._file.close()
        lock._file = None
    assert not lock.held()
    other = SiteLock("test lock")
    assert other.acquire()
    other.release()


@pytest.mark.django_db(transaction=True)
def test_a_one_off_ingest_polls_nothing_while_another_poller_holds_the_lock(capsys):
    holder = SiteLock(POLLER_LOCK)
    assert holder.acquire()
    try:
        call_command("ingest")
        assert "Another dateline ingest is polling the wire now" in capsys.readouterr().out
    finally:
        holder.release()
    call_command("ingest")
    assert "No enabled wire sources." in capsys.readouterr().out
