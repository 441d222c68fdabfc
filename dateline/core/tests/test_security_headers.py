"""Security headers (config/security.py): the public pages' Content-Security-Policy, which
runs no script, and the desk's (admin and the newsroom), which runs our own scripts only;
on pages the page cache keeps too."""

from __future__ import annotations

import base64
import hashlib
import io
from urllib.parse import urlsplit

import pytest
from django.core import signals
from django.core.files.base import ContentFile
from django.db import close_old_connections
from PIL import Image

from dateline.mostread.script import SCRIPT as BEACON_SCRIPT
from dateline.news import body as body_format
from dateline.news.embeds import PROVIDERS
from dateline.news.jinja import inline_css
from dateline.news.tests import factories
from dateline.newsroom.roles import Role
from dateline.newsroom.tests.factories import staff
from dateline.pagecache.tests.client import Counting, commit, get
from dateline.pagecache.wsgi import PageCacheApp
from dateline.pictures.services import picture_create_or_update

CSP = "Content-Security-Policy"
YOUTUBE = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"


def directives(header: str) -> dict[str, list[str]]:
    parsed = {}
    for part in header.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


def jpeg(size=(1600, 900), colour=(30, 90, 140)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "JPEG", quality=80)
    return out.getvalue()


def story_with_picture_and_embed():
    """A published story with a lead picture, a body picture and a YouTube embed, in a
    section, with a logo on the publication: every kind of content a public page loads."""
    from dateline.news import services
    from dateline.news.models import Publication

    publication = Publication.load()
    publication.logo.save("logo.png", ContentFile(jpeg((600, 60))), save=False)
    services.publication_update(publication=publication)
    lead, _ = picture_create_or_update(
        data=jpeg(), filename="lead.jpg", caption="The quay", credit="Desk", alt_text="A quay"
    )
    inline, _ = picture_create_or_update(
        data=jpeg(colour=(150, 60, 30)), filename="in.jpg", caption="Boats", credit="Desk"
    )
    body = (
        "<p>The quay reopened this morning.</p>"
        + body_format.picture_placeholder(inline.pk)
        + f'<figure data-embed="youtube" data-url="{YOUTUBE}"></figure>'
        + "<p>More to follow.</p>"
    )
    return factories.article(
        headline="Quay reopens",
        body=body,
        section_obj=factories.section("Harbour"),
        lead_picture=lead,
    )


def public_pages(story) -> list[str]:
    return ["/", story.get_absolute_url(), story.section.get_absolute_url(), "/no-such-page/"]


@pytest.mark.django_db
def test_public_pages_enforce_a_policy_that_runs_only_the_beacon_line(client):
    story = story_with_picture_and_embed()
    css = base64.b64encode(hashlib.sha256(str(inline_css()).encode()).digest()).decode()
    beacon = base64.b64encode(hashlib.sha256(BEACON_SCRIPT.encode()).digest()).decode()
    frames = sorted(
        {f"https://{urlsplit(p.frame).hostname}" for p in PROVIDERS.values() if p.frame}
    )
    for url in public_pages(story):
        response = client.get(url)
        assert response.status_code in (200, 404), url
        assert "Content-Security-Policy-Report-Only" not in response, url
        policy = directives(response[CSP])
        assert policy["default-src"] == ["'none'"], url
        # The Most read beacon's one line by its hash, sending to this site alone.
        assert policy["script-src"] == [f"'sha256-{beacon}'"], url
        assert policy["connect-src"] == ["'self'"], url
        # The inline stylesheet by its hash: no 'unsafe-inline', no nonce (a nonce in a
        # kept page would be the same for every reader).
        assert policy["style-src"] == [f"'sha256-{css}'"], url
        assert policy["img-src"] == ["'self'", "data:"], url
        assert sorted(policy["frame-src"]) == frames, url
        assert policy["connect-src"] == ["'self'"], url
        assert policy["base-uri"] == ["'none'"], url
        assert policy["form-action"] == ["'self'"], url
        assert policy["frame-ancestors"] == ["'none'"], url
        assert response["X-Frame-Options"] == "DENY", url  # says the same to old browsers


@pytest.fixture
def kept_connection():
    """As Django's test client does: a request's end must not close the connection that
    holds the test's transaction."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.mark.django_db
def test_kept_pages_carry_the_policy_on_every_hit(kept_connection):
    story = story_with_picture_and_embed()
    commit()
    django = Counting()
    cached = PageCacheApp(django)
    kept = [url for url in public_pages(story) if url != "/no-such-page/"]
    for url in kept:
        _, first, _ = get(cached, url)
        _, second, _ = get(cached, url)
        assert second["X-Cache"] == "hit", url
        assert second[CSP] == first[CSP], url
        assert directives(second[CSP])["script-src"] == directives(first[CSP])["script-src"]
        assert directives(second[CSP])["script-src"][0].startswith("'sha256-"), url
    assert django.calls == len(kept)


@pytest.mark.django_db
def test_the_desk_runs_our_own_scripts_only(client):
    story = factories.article(publish=False)
    client.force_login(staff(Role.EDITOR))
    for url in (
        "/newsroom/",
        "/newsroom/front/",
        "/newsroom/wire/",
        f"/newsroom/revisions/?article={story.pk}",
        "/newsroom/stories/?q=story",
        "/admin/",
        "/admin/news/article/",
        "/admin/news/article/add/",
        f"/admin/news/article/{story.pk}/change/",
        "/admin/pictures/picture/add/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        policy = directives(response[CSP])
        assert policy["default-src"] == ["'self'"], url
        scripts = [s for s in policy["script-src"] if not s.startswith("'nonce-")]
        assert scripts == ["'self'"], url
        assert policy["object-src"] == ["'none'"], url
        assert policy["base-uri"] == ["'none'"], url
        assert policy["form-action"] == ["'self'"], url
        assert policy["frame-ancestors"] == ["'none'"], url
        if url.endswith(("/add/", "/change/")) and "article" in url:
            # The body editor's import map is the one inline script, and carries the nonce.
            [nonce] = [s for s in policy["script-src"] if s.startswith("'nonce-")]
            html = response.content.decode()
            assert f'<script type="importmap" nonce="{nonce[7:-1]}">' in html, url
    client.logout()
    response = client.get("/admin/login/")
    assert directives(response[CSP])["script-src"] == ["'self'"]


# Runs in every document before its own scripts (Playwright injects it past the page's
# policy): every violation the browser reports is recorded.
WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(`${e.effectiveDirective} ${e.blockedURI} ${e.disposition}`);
});
"""
PASSWORD = "a-long-password-1"  # the staff factory's


def _violations(page) -> list[str]:
    # Reported asynchronously: give the browser a moment to deliver what it found.
    page.wait_for_timeout(300)
    return page.evaluate("window.__csp") + [m for m in page.csp_console]


def _open(open_page):
    from dateline.news.tests.browser import DESKTOP

    page = open_page(DESKTOP)
    page.context.add_init_script(WATCH)
    page.csp_console = []
    page.on(
        "console",
        lambda m: "Content Security Policy" in m.text and page.csp_console.append(m.text),
    )
    # No network here: the players' frames are answered by the test, after the browser
    # has checked them against the policy.
    page.context.route(
        lambda url: not url.startswith(("http://localhost", "http://127.0.0.1")),
        lambda route: route.fulfill(status=200, content_type="text/html", body="<p>player"),
    )
    return page


def _loaded(page, selector: str) -> None:
    for img in page.locator(selector).all():
        img.scroll_into_view_if_needed()
        page.wait_for_function("i => i.complete && i.naturalWidth > 0", arg=img.element_handle())


def _probe(page) -> list[str]:
    """What the policy must stop, tried from inside the page: the policy is enforced, and
    the watch sees what it stops."""
    page.evaluate(
        """() => {
          const s = document.createElement("script");
          s.textContent = "window.__ran = true";
          document.body.append(s);
          const i = document.createElement("img");
          i.src = "https://elsewhere.example/pixel.png";
          document.body.append(i);
        }"""
    )
    page.wait_for_function("window.__csp.length >= 2")
    assert page.evaluate("window.__ran") is None
    probed = page.evaluate("window.__csp")
    page.csp_console.clear()
    return probed


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_chromium_enforces_the_policies_with_no_violation_on_our_pages(live_server, open_page):
    story = story_with_picture_and_embed()
    page = _open(open_page)
    for url in public_pages(story):
        response = page.goto(live_server.url + url)
        assert CSP.lower() in response.headers and response.status in (200, 404), url
        _loaded(page, "img")
        for frame in page.locator("iframe").all():
            frame.scroll_into_view_if_needed()
            page.wait_for_function("f => f.contentWindow && f.src", arg=frame.element_handle())
        assert _violations(page) == [], url
    page.goto(live_server.url + story.get_absolute_url())
    page.locator("iframe").scroll_into_view_if_needed()
    page.wait_for_function("() => window.frames.length === 1")
    player = page.frames[1]
    assert player.url.startswith("https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ")
    probed = _probe(page)
    assert any(v.startswith("script-src-elem inline enforce") for v in probed), probed
    assert any(v.startswith("img-src https://elsewhere.example/") for v in probed), probed

    # The desk: signed in, the review queue and the body editor (module scripts, its
    # import map), which must come up working under the desk's policy.
    editor = staff(Role.EDITOR)
    page.goto(f"{live_server.url}/admin/login/?next=/newsroom/")
    page.fill("#id_username", editor.get_username())
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/newsroom/")
    assert _violations(page) == []
    for url in ("/admin/news/article/add/", f"/admin/news/article/{story.pk}/change/"):
        response = page.goto(live_server.url + url)
        assert CSP.lower() in response.headers, url
        page.locator(".prose-editor [contenteditable=true]").wait_for()
        page.locator(".prose-editor [contenteditable=true]").click()
        page.keyboard.type("Typed under the policy.")
        assert _violations(page) == [], url
    probed = _probe(page)
    assert any(v.startswith("script-src-elem inline enforce") for v in probed), probed
