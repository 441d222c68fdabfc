"""core.text.quote is urllib's quote, without its work for text that needs none."""

from __future__ import annotations

import urllib.parse

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dateline.core import text


@pytest.mark.parametrize(
    "value",
    [
        "harbour-wall-reopens-12",
        "A_b.c~d/e",
        "",
        "ümlaut-slug",
        "two words",
        "a%20b",
        "q?x=1#y",
        "line\n",
        "tab\t",
        "日本語",
        "emoji-🙂",
        "semi;colon",
        "plus+sign",
    ],
)
def test_quote_is_urllibs(value):
    assert text.quote(value) == urllib.parse.quote(value)


@given(st.text())
def test_quote_is_urllibs_for_any_text(value):
    assert text.quote(value) == urllib.parse.quote(value)


def test_a_plain_slug_is_not_walked_byte_by_byte(monkeypatch):
    calls = []
    monkeypatch.setattr(text, "_quote", lambda value: calls.append(value) or value)
    assert text.quote("harbour-wall-reopens-12") == "harbour-wall-reopens-12"
    text.quote("ümlaut")
    assert calls == ["ümlaut"]
