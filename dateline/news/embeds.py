"""Embeds in a story body: an allowlist of providers, stored as provider + URL.

A body holds `<figure data-embed="youtube" data-url="https://www.youtube.com/watch?v=…">`
and nothing else of the embed: no iframe, no script, no markup from the provider. The
iframe (or a plain link, for providers whose embeds need their own script) is built at
render time from the id parsed out of the URL, so a stored URL can never choose where a
frame points. A URL that does not parse for its provider is refused on save.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from markupsafe import escape


class EmbedRefused(ValueError):
    """The URL is not one of the providers we embed, or not in a shape we recognise."""


@dataclass(frozen=True)
class Provider:
    key: str
    name: str
    hosts: frozenset[str]
    # Applied to the URL's path (and for YouTube its query); group "id" is what we keep.
    pattern: re.Pattern
    frame: str | None  # iframe src template with {id}; None: rendered as a link card
    ratio: str = "16x9"


PROVIDERS: dict[str, Provider] = {
    p.key: p
    for p in (
        Provider(
            "youtube",
            "YouTube",
            frozenset({"youtube.com", "www.youtube.com", "m.youtube.com", "youtu.be"}),
            re.compile(
                r"^/(?:watch|embed/(?P<embed>[\w-]{11})|shorts/(?P<short>[\w-]{11})|(?P<short_link>[\w-]{11}))$"
            ),
            "https://www.youtube-nocookie.com/embed/{id}",
        ),
        Provider(
            "vimeo",
            "Vimeo",
            frozenset({"vimeo.com", "www.vimeo.com", "player.vimeo.com"}),
            re.compile(r"^/(?:video/)?(?P<id>\d{1,12})/?$"),
            "https://player.vimeo.com/video/{id}?dnt=1",
        ),
        Provider(
            "spotify",
            "Spotify",
            frozenset({"open.spotify.com"}),
            re.compile(
                r"^/(?:embed/)?(?P<id>(?:track|episode|show|album|playlist)/[A-Za-z0-9]{22})/?$"
            ),
            "https://open.spotify.com/embed/{id}",
            ratio="spotify",
        ),
        Provider(
            "datawrapper",
            "Datawrapper",
            frozenset({"datawrapper.dwcdn.net"}),
            re.compile(r"^/(?P<id>[A-Za-z0-9]{5}/\d{1,3})/?$"),
            "https://datawrapper.dwcdn.net/{id}/",
            ratio="chart",
        ),
        # Posts on X need X's script to render as a card; without it we show a link, which
        # keeps public pages free of third-party script.
        Provider(
            "x",
            "X",
            frozenset(
                {"x.com", "www.x.com", "twitter.com", "www.twitter.com", "mobile.twitter.com"}
            ),
            re.compile(r"^/(?P<id>[A-Za-z0-9_]{1,15}/status/\d{1,20})/?$"),
            None,
        ),
    )
}


@dataclass(frozen=True)
class Embed:
    provider: Provider
    url: str  # the canonical URL we store and link to
    ident: str

    @property
    def frame_src(self) -> str | None:
        return self.provider.frame.format(id=self.ident) if self.provider.frame else None


def embed_parse(url: str) -> Embed:
    """The embed for a URL a writer pasted, or EmbedRefused saying why not."""
    raw = (url or "").strip()
    try:
        parts = urlsplit(raw)
        host, port = (parts.hostname or "").lower(), parts.port
    except ValueError as exc:
        raise EmbedRefused(f"{raw!r} is not a web address.") from exc
    if parts.scheme not in ("http", "https") or not host:
        raise EmbedRefused(f"{raw!r} is not an http(s) web address.")
    if parts.username or parts.password or port not in (None, 80, 443):
        raise EmbedRefused(f"{raw!r} has a user name or port; paste the address as shared.")
    provider = next((p for p in PROVIDERS.values() if host in p.hosts), None)
    if provider is None:
        names = ", ".join(p.name for p in PROVIDERS.values())
        raise EmbedRefused(f"{host} is not a provider we embed ({names}); link to it instead.")
    match = provider.pattern.match(parts.path)
    ident = None
    if match:
        groups = {k: v for k, v in match.groupdict().items() if v}
        ident = groups.get("id") or groups.get("embed") or groups.get("short")
        if provider.key == "youtube":
            if "short_link" in groups and host == "youtu.be":
                ident = groups["short_link"]
            elif parts.path == "/watch":
                ident = (parse_qs(parts.query).get("v") or [""])[0]
            if not re.fullmatch(r"[\w-]{11}", ident or ""):
                ident = None
    if not ident:
        raise EmbedRefused(f"{raw!r} is not a {provider.name} address we can embed.")
    return Embed(provider, canonical_url(provider.key, ident), ident)


def canonical_url(key: str, ident: str) -> str:
    return {
        "youtube": "https://www.youtube.com/watch?v={}",
        "vimeo": "https://vimeo.com/{}",
        "spotify": "https://open.spotify.com/{}",
        "datawrapper": "https://datawrapper.dwcdn.net/{}/",
        "x": "https://x.com/{}",
    }[key].format(ident)


def embed_placeholder(embed: Embed) -> str:
    return f'<figure data-embed="{embed.provider.key}" data-url="{escape(embed.url)}"></figure>'


def embed_html(embed: Embed) -> str:
    """What readers get. Frames are sandboxed, lazy and send no referrer path."""
    name = escape(embed.provider.name)
    link = f'<a href="{escape(embed.url)}">{"View" if embed.frame_src else "Read"} on {name}</a>'
    if embed.frame_src is None:
        return f'<blockquote class="embed embed-{embed.provider.key}"><p>{link}</p></blockquote>'
    return (
        f'<figure class="embed embed-{embed.provider.key} ratio-{embed.provider.ratio}">'
        f'<iframe src="{escape(embed.frame_src)}" title="{name} embed" loading="lazy" '
        'sandbox="allow-scripts allow-same-origin allow-presentation allow-popups" '
        'allow="encrypted-media; picture-in-picture; fullscreen" allowfullscreen '
        'referrerpolicy="strict-origin-when-cross-origin"></iframe>'
        f"<figcaption>{link}</figcaption></figure>"
    )
