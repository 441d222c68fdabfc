"""Reading ahead in a second process (core.ahead): the items come in order, an error
there is raised here after the items before it, stopping early ends the child, and the
child leaves this process's database connection alone."""

from __future__ import annotations

import os

import pytest

from dateline.core.ahead import ahead


def _numbers(count: int, *, fail_at: int | None = None):
    def produce():
        for n in range(count):
            if n == fail_at:
                raise KeyError(f"item {n}")
            yield {"n": n, "pid": os.getpid()}

    return produce


def test_the_items_come_in_order_made_in_another_process():
    got = list(ahead(_numbers(1234), use=True, chunk=7))
    assert [item["n"] for item in got] == list(range(1234))
    assert {item["pid"] for item in got} != {os.getpid()}


def test_without_it_the_items_are_made_here():
    got = list(ahead(_numbers(10), use=False))
    assert [item["n"] for item in got] == list(range(10))
    assert {item["pid"] for item in got} == {os.getpid()}


def test_an_error_in_the_child_is_raised_here_after_the_items_before_it():
    seen = []
    with pytest.raises(KeyError, match="item 120"):
        for item in ahead(_numbers(500, fail_at=120), use=True, chunk=50):
            seen.append(item["n"])
    assert seen == list(range(120))


def test_stopping_early_ends_the_child():
    items = ahead(_numbers(10**9), use=True, chunk=10, frames_ahead=2)
    first = [next(items)["n"] for _ in range(5)]
    items.close()  # the child is killed and waited for: no process is left behind
    assert first == [0, 1, 2, 3, 4]
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)


@pytest.mark.django_db
def test_the_child_leaves_this_processs_database_connection_working():
    from django.db import connection

    from dateline.news.models import Section
    from dateline.news.services import section_get_or_create

    section_get_or_create(name="Before")
    list(ahead(_numbers(300), use=True))
    # The child held a copy of the connection (the fork) and exited without closing it.
    section_get_or_create(name="After")
    assert set(Section.objects.values_list("name", flat=True)) >= {"Before", "After"}
    assert connection.is_usable()
