"""Absolute addresses (syndication/identity.py) are built on SITE_URL, read once."""

from __future__ import annotations

from dateline.syndication import identity


class _CountingSettings:
    def __init__(self, url: str) -> None:
        self.url, self.reads = url, 0

    @property
    def SITE_URL(self) -> str:  # noqa: N802 - the setting's name
        self.reads += 1
        return self.url


def test_the_public_address_is_read_once(monkeypatch):
    counting = _CountingSettings("https://news.example.com/")
    monkeypatch.setattr(identity, "settings", counting)
    monkeypatch.setattr(identity, "_site_url", None)
    assert identity.absolute("/story/a/") == "https://news.example.com/story/a/"
    assert identity.absolute("/feeds/rss.xml") == "https://news.example.com/feeds/rss.xml"
    assert identity.site_url() == "https://news.example.com"
    assert counting.reads == 1


def test_a_change_of_the_setting_reaches_the_next_address(settings):
    settings.SITE_URL = "https://one.example.com"
    assert identity.absolute("/x/") == "https://one.example.com/x/"
    settings.SITE_URL = "https://two.example.com/"
    assert identity.absolute("/x/") == "https://two.example.com/x/"
    assert identity.absolute("https://elsewhere.example/y") == "https://elsewhere.example/y"
