"""Hostile outside input: the XSS corpus through the ninjs import, rendered in Chromium, and
the SVG / fake-image / decompression-bomb corpus against the picture library.

Every distinct line of ../shared/corpora/security/xss/*.txt is a payload. Each becomes one
ninjs item with the payload as its headline, its standfirst (summary) and its body (once
inside <p>…</p>, once raw). More items carry the payloads a hundred at a time, in their body
(one set wrapped, one raw) and in their standfirst, so payloads also meet each other.

What the import stored is checked without a browser, for every item. Chromium, with traps
installed before any page script runs, then opens every hundred-at-a-time story, every page of
the section listing (all hostile headlines and teasers), the front page, and a sample of the
one-payload stories (headline in <title>, <h1>, meta description; about BROWSER_SAMPLE pages:
opening all ~1,400 takes two minutes, most of it Chromium's own navigation cost).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import time
from pathlib import Path

import lxml.html
import pytest
from django.core.management import call_command
from PIL import Image

from dateline.ingest.sources.ninjs import import_paths
from dateline.mostread.script import SCRIPT as BEACON_SCRIPT
from dateline.news import body as body_format
from dateline.news.models import Article, Status
from dateline.news.selectors import section_page
from dateline.pictures.models import Picture
from dateline.pictures.services import (
    PictureRejected,
    picture_create_or_update,
    picture_validate_bytes,
)

CHUNK = 100
BROWSER_SAMPLE = 150
SECTION = "Hostile input"
URI = "urn:dateline:test:hostile:{kind}:{n:04d}"

# Runs in every document before the page's own scripts: anything that fires is recorded.
TRAP = """
(() => {
  const hits = [];
  Object.defineProperty(window, "__xss", {value: hits, writable: false, configurable: false});
  const trap = (owner, name, label, passThrough) => {
    const original = owner[name];
    if (typeof original !== "function") return;
    owner[name] = function (...args) {
      hits.push(label + "(" + args.map(String).join(", ").slice(0, 200) + ")");
      return passThrough ? original.apply(this, args) : undefined;
    };
  };
  // Dialogs and pop-ups are recorded and never opened; the rest still work once recorded.
  for (const name of ["alert", "confirm", "prompt", "print", "open"]) trap(window, name, name);
  // Not eval: Playwright's own page.evaluate goes through it.
  for (const name of ["fetch", "setTimeout", "setInterval", "importScripts"]) {
    trap(window, name, name, true);
  }
  trap(document, "write", "document.write", true);
  trap(document, "writeln", "document.writeln", true);
  trap(XMLHttpRequest.prototype, "open", "XMLHttpRequest.open", true);
  trap(navigator, "sendBeacon", "navigator.sendBeacon", true);
})();
"""

# After load: what in the DOM could run script or reach elsewhere. URLs are judged as the
# browser itself resolves them, so "java\x01script:" (a relative path to Chromium) is not taken
# for a scheme while " jav&#x09;ascript:" (a scheme once tabs are dropped) is.
INSPECT = """
() => {
  const bad = [];
  // The page's own structured data (syndication): a JSON-LD data block in <head>, which
  // browsers never execute. Anything else called script, or one that is not JSON, is bad.
  const isData = (el) => el.tagName === "SCRIPT" && el.parentNode === document.head
      && el.getAttribute("type") === "application/ld+json" && el.attributes.length === 1
      && (() => { try { JSON.parse(el.textContent); return true; } catch (e) { return false; } })();
  // The site's own search box in the masthead (base.html): the first form in the page,
  // before any story's text, and everything inside it.
  const ownSearch = document.querySelector(
      'body > header.masthead form.masthead-search[action="/search/"][method="get"]');
  const isOwnSearch = (el) => ownSearch !== null && ownSearch.contains(el);
  // The newsletter sign-up in the site's footer (base.html), after every story's text.
  const ownSignup = document.querySelector(
      'body > footer.site-footer form.footer-signup[action="/newsletters/subscribe/"]');
  const isOwnSignup = (el) => ownSignup !== null && ownSignup.contains(el);
  // The article page's one inline script, the Most read beacon (mostread/script.py): its
  // exact text, which the page's policy lets run by its hash and nothing else.
  const isOwnBeacon = (el) => el.tagName === "SCRIPT" && !el.hasAttribute("src")
      && el.textContent === __OWN_BEACON__;
  for (const el of document.querySelectorAll(
      "script, iframe, frame, frameset, object, embed, applet, svg, math, form, input, button,"
      + " textarea, select, video, audio, source, track, base, body style, body link, body meta,"
      + " head meta[http-equiv], template, portal")) {
    if (!isData(el) && !isOwnSearch(el) && !isOwnSignup(el) && !isOwnBeacon(el)) {
      bad.push("element <" + el.tagName.toLowerCase() + ">");
    }
  }
  const urlAttrs = new Set(["href", "src", "action", "formaction", "cite", "data", "poster",
                            "background", "xlink:href", "ping", "srcset", "lowsrc", "dynsrc"]);
  const safe = new Set(["http:", "https:", "mailto:"]);
  // The site's own empty icon (base.html), which keeps browsers from asking for /favicon.ico.
  const ownIcon = document.head.querySelector('link[rel="icon"][href="data:,"]');
  for (const el of document.querySelectorAll("*")) {
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      const tag = el.tagName.toLowerCase();
      if (name.startsWith("on")) bad.push(tag + " " + name);
      if (["style", "srcdoc", "http-equiv"].includes(name)) bad.push(tag + " " + name);
      if (urlAttrs.has(name) && el !== ownIcon) {
        let protocol;
        try { protocol = new URL(attr.value, document.baseURI).protocol; }
        catch (e) { protocol = "unparsable:"; }
        if (!safe.has(protocol)) bad.push(tag + " " + name + "=" + attr.value.slice(0, 80));
      }
    }
  }
  return {xss: Array.from(window.__xss || ["trap missing"]), bad,
          frames: window.frames.length,
          scripts: Array.from(document.scripts).filter((el) => !isData(el) && !isOwnBeacon(el))
              .length};
}
""".replace("__OWN_BEACON__", json.dumps(BEACON_SCRIPT))

# What the beacon script itself calls: the story's id to /b, once a page.
OWN_BEACON_CALL = re.compile(r"navigator\.sendBeacon\(/b, \d+\)")


def payload_calls(hits: list[str]) -> list[str]:
    """The trapped calls a page made, without the site's own beacon."""
    return [hit for hit in hits if not OWN_BEACON_CALL.fullmatch(hit)]


TRAP_CHECK = """<!doctype html><title>trap check</title>
<script>alert(1)</script><img src="https://outside.example/gone.png" onerror="confirm(2)">
<a href="javascript:prompt(3)">x</a><img src="https://outside.example/pixel.png" alt="">"""

SETTLE = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"

DANGEROUS_TAGS = {
    "script",
    "iframe",
    "frame",
    "frameset",
    "object",
    "embed",
    "applet",
    "svg",
    "math",
    "form",
    "input",
    "button",
    "textarea",
    "select",
    "style",
    "link",
    "meta",
    "base",
    "img",
    "video",
    "audio",
    "source",
    "template",
}
URL_ATTRIBUTES = {
    "href",
    "src",
    "action",
    "formaction",
    "cite",
    "data",
    "poster",
    "background",
    "xlink:href",
    "ping",
    "srcset",
}
SAFE_SCHEMES = {"http", "https", "mailto"}
SCHEME = re.compile(r"([a-zA-Z][a-zA-Z0-9+.\-]*):")


def url_scheme(value: str) -> str | None:
    """The scheme a browser reads in an attribute value (WHATWG URL parsing): leading and
    trailing C0 controls and spaces are ignored, tabs and newlines anywhere are dropped."""
    value = re.sub(r"[\t\n\r]", "", value).strip("".join(map(chr, range(0x21))))
    match = SCHEME.match(value)
    return match.group(1).lower() if match else None


# --- the corpus --------------------------------------------------------------------------------


def xss_payloads(shared: Path) -> list[str]:
    files = sorted((shared / "corpora" / "security" / "xss").glob("*.txt"))
    assert files, "no XSS corpus in ../shared/corpora/security/xss/"
    payloads: dict[str, None] = {}
    for path in files:
        # One payload a line: split on \n only, since payloads may hold \f, \v or U+2028.
        for line in path.read_text(encoding="utf-8", errors="replace").split("\n"):
            line = line.rstrip("\r")
            if line.strip():
                payloads.setdefault(line, None)
    return list(payloads)


def _item(kind: str, n: int, *, headline: str, summary: str, body: str) -> dict:
    when = dt.datetime(2025, 1, 1, tzinfo=dt.UTC) + dt.timedelta(minutes=n)
    return {
        "uri": URI.format(kind=kind, n=n),
        "type": "text",
        "firstcreated": when.isoformat(),
        "pubstatus": "usable",
        "headlines": [{"role": "main", "value": headline}],
        "descriptions": [{"role": "summary", "contenttype": "text/plain", "value": summary}],
        "bodies": [{"role": "main", "contenttype": "text/html", "value": body}],
        "subjects": [{"name": SECTION, "rel": "section", "uri": "urn:dateline:section:hostile"}],
    }


def hostile_items(payloads: list[str]) -> list[dict]:
    items = [
        _item("one", n, headline=p, summary=p, body=f"<p>{p}</p>\n{p}")
        for n, p in enumerate(payloads)
    ]
    for start in range(0, len(payloads), CHUNK):
        chunk = payloads[start : start + CHUNK]
        n = start // CHUNK
        items.append(
            _item(
                "wrapped",
                n,
                headline=f"Hostile body, wrapped, part {n}",
                summary=" ".join(chunk),
                body="\n".join(f"<p>{p}</p>" for p in chunk),
            )
        )
        items.append(
            _item(
                "raw",
                n,
                headline=f"Hostile body, raw, part {n}",
                summary="\n".join(chunk),
                body="\n".join(chunk),
            )
        )
    return items


def import_hostile(shared: Path, tmp_path: Path) -> tuple[list[str], list]:
    """Import the corpus as ninjs; returns the payloads and the report's results."""
    payloads = xss_payloads(shared)
    feed = tmp_path / "hostile.json"
    feed.write_text(json.dumps(hostile_items(payloads)), encoding="utf-8")
    report = import_paths([feed])
    assert report.failed == 0, [r.line() for r in report.results if r.outcome == "failed"][:10]
    return payloads, report.results


def stored_body_problems(stored: str) -> list[str]:
    """What in a stored body could run script: by parsing it, as a browser would."""
    problems = []
    lowered = stored.lower()
    if "<script" in lowered:
        problems.append("'<script' in the stored HTML")
    if not stored.strip():
        return problems
    root = lxml.html.fragment_fromstring(stored, create_parent="div")
    for el in root.iterdescendants():
        if not isinstance(el.tag, str):
            continue
        tag = el.tag.lower()
        if tag in DANGEROUS_TAGS or tag not in body_format.ALLOWED_TAGS:
            problems.append(f"element <{tag}>")
        for name, value in el.attrib.items():
            if re.match(r"on\w+", name, re.I):
                problems.append(f"<{tag} {name}=…> event handler")
            if name.lower() in ("style", "srcdoc", "formaction", "action", "src", "xlink:href"):
                problems.append(f"<{tag} {name}=…>")
            scheme = url_scheme(value) if name.lower() in URL_ATTRIBUTES else None
            if scheme and scheme not in SAFE_SCHEMES:
                problems.append(f"<{tag} {name}={value[:60]!r}>")
    return problems


# --- stored form (no browser) ------------------------------------------------------------------


def test_stored_body_check_sees_what_it_is_for():
    bad = [
        "<script>alert(1)</script>",
        '<p onclick="alert(1)">x</p>',
        '<a href=" javascript:alert(1)">x</a>',
        '<a href="jav&#x09;ascript:alert(1)">x</a>',
        '<a href="data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;">x</a>',
        '<img src="x">',
        '<p style="background:url(x)">x</p>',
    ]
    for html in bad:
        assert stored_body_problems(html), html
    good = [
        "<p>Text about &lt;script&gt; and onerror=alert(1) is only text.</p>",
        '<p><a href="https://example.com/" rel="noopener noreferrer">x</a></p>',
        '<p><a href="java\x01script:alert(1)">a relative path to a browser</a></p>',
        '<p><abbr title="javascript: the language">JS</abbr></p>',
    ]
    for html in good:
        assert not stored_body_problems(html), html


@pytest.mark.django_db
def test_corpus_is_big_enough(shared_dir):
    payloads = xss_payloads(shared_dir)
    assert len(payloads) > 1000, len(payloads)
    assert len(payloads) == len(set(payloads))


@pytest.mark.django_db
def test_stored_bodies_hold_nothing_executable(shared_dir, tmp_path):
    payloads, results = import_hostile(shared_dir, tmp_path)
    stories = Article.objects.filter(source_id__startswith="urn:dateline:test:hostile:")
    assert stories.count() == len(results) == len(payloads) + 2 * -(-len(payloads) // CHUNK)
    failures = {}
    for story in stories:
        problems = stored_body_problems(story.body)
        if problems:
            failures[story.source_id] = problems
        # Stored means sanitised: sanitising again changes nothing.
        assert body_format.sanitize(story.body) == story.body, story.source_id
    assert not failures, json.dumps(dict(list(failures.items())[:10]), indent=1)


def test_sanitize_on_single_payloads(shared_dir):
    """The sanitiser alone, payload by payload, inside and outside a paragraph."""
    failures = {}
    for payload in xss_payloads(shared_dir):
        for html in (payload, f"<p>{payload}</p>"):
            problems = stored_body_problems(body_format.sanitize(html))
            if problems:
                failures[html] = problems
    assert not failures, json.dumps(dict(list(failures.items())[:10]), indent=1)


@pytest.mark.django_db
def test_outside_html_cannot_forge_body_references(tmp_path):
    picture, _ = picture_create_or_update(
        data=_png("RGB", (64, 48)),
        filename="lib.png",
        caption="A library picture",
        source="test",
        source_id="urn:dateline:test:library-picture",
    )
    other = _item("other", 0, headline="Some other story", summary="s", body="<p>o</p>")
    feed = tmp_path / "other.json"
    feed.write_text(json.dumps(other), encoding="utf-8")
    import_paths([feed])
    target = Article.objects.get(source_id=other["uri"]).pk
    forged = _item(
        "forged",
        0,
        headline="Forged references",
        summary="s",
        body=(
            f'<p>a</p><figure data-picture="{picture.pk}"></figure>'
            f'<p class="also-read" data-article="{target}"></p>'
            f'<p><a data-article="{target}" href="https://example.com/">b</a></p>'
        ),
    )
    feed.write_text(json.dumps(forged), encoding="utf-8")
    import_paths([feed])
    stored = Article.objects.get(source_id=forged["uri"]).body
    assert "data-picture" not in stored and "data-article" not in stored, stored


# --- rendered in Chromium ----------------------------------------------------------------------


def browser_paths(payloads: list[str], results: list) -> list[str]:
    by_uri = {r.source_id: r.detail for r in results}
    assert all(d.startswith("/story/") for d in by_uri.values()), list(by_uri.values())[:5]
    chunks = -(-len(payloads) // CHUNK)
    paths = [by_uri[URI.format(kind=k, n=n)] for n in range(chunks) for k in ("wrapped", "raw")]
    section = Article.objects.get(source_id=URI.format(kind="one", n=0)).section
    assert section is not None and section.name == SECTION
    listing = section.get_absolute_url()
    paths += ["/", listing]
    listed = section_page(slug=section.slug)
    while listed.older:
        paths.append(listing + listed.older)
        listed = section_page(slug=section.slug, older=listed.older.removeprefix("?older="))
    stride = max(1, len(payloads) // BROWSER_SAMPLE)
    paths += [by_uri[URI.format(kind="one", n=n)] for n in range(0, len(payloads), stride)]
    return paths


def chromium_failures(context, origin: str, paths: list[str]) -> tuple[dict, list]:
    """Open each path in `context` with the traps installed before any page script; return
    what ran or reached out, per path, and any pop-ups. The traps are first shown to catch
    what they are for, on a page that does run script."""
    dialogs, outside, popups, navigations, errors = [], [], [], [], []
    context.add_init_script(TRAP)

    def route(request_route):
        url = request_route.request.url
        if url == origin or url.startswith(origin + "/"):
            request_route.continue_()
        else:
            outside.append(url)
            request_route.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.set_default_timeout(10_000)
    context.on("page", lambda p: popups.append(p.url))  # any page but ours is a pop-up
    page.on("dialog", lambda d: (dialogs.append(f"{d.type}: {d.message}"), d.dismiss()))
    page.on("pageerror", lambda exc: errors.append(f"pageerror: {exc}"))
    page.on("console", lambda m: m.type == "error" and errors.append(f"console: {m.text}"))
    page.on("websocket", lambda ws: outside.append(ws.url))
    page.on("framenavigated", lambda f: f == page.main_frame and navigations.append(f.url))

    # The traps themselves, on a page that does run script: each must see what it is for.
    page.route(
        f"{origin}/__trap-check__/",
        lambda r: r.fulfill(status=200, content_type="text/html", body=TRAP_CHECK),
    )
    page.goto(f"{origin}/__trap-check__/", wait_until="load")
    page.evaluate(SETTLE)
    found = page.evaluate(INSPECT)
    assert {"alert(1)", "confirm(2)"} <= set(found["xss"]), found["xss"]
    assert found["scripts"] == 1 and "img onerror" in found["bad"], found
    assert "a href=javascript:prompt(3)" in found["bad"], found["bad"]
    assert sorted(outside) == [
        "https://outside.example/gone.png",
        "https://outside.example/pixel.png",
    ], outside
    page.unroute(f"{origin}/__trap-check__/")

    failures: dict[str, object] = {}
    for path in paths:
        for seen in (dialogs, outside, errors, navigations):
            seen.clear()
        response = page.goto(origin + path, wait_until="load")
        page.evaluate(SETTLE)  # two frames: autofocus, animation and transition events fire
        found = page.evaluate(INSPECT)
        status = response.status if response is not None else "no response"
        problems = {
            "status": status if status != 200 else None,
            "dialogs": list(dialogs),
            "trapped calls": payload_calls(found["xss"]),
            "scripts": found["scripts"],
            "dangerous DOM": found["bad"][:10],
            "frames": found["frames"],
            "requests elsewhere": list(outside),
            "errors": list(errors),
            "navigations": navigations[1:],
        }
        problems = {k: v for k, v in problems.items() if v}
        if problems:
            failures[path] = problems
    return failures, popups


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_hostile_pages_run_no_script_in_chromium(shared_dir, tmp_path, live_server, browser):  # noqa: F811
    context = browser.new_context()  # first, so a browser that did not start fails at once
    started = time.monotonic()
    payloads, results = import_hostile(shared_dir, tmp_path)
    # Hostile headlines in the site-wide Don't Miss list too, so every page shows some.
    stride = len(payloads) // 4
    call_command(
        "curate",
        "dont-miss",
        *(URI.format(kind="one", n=i * stride) for i in range(4)),
        stdout=io.StringIO(),
    )
    paths = browser_paths(payloads, results)
    imported = time.monotonic()

    failures, popups = chromium_failures(context, live_server.url, paths)
    context.close()
    print(
        f"\nhostile input: import {imported - started:.1f} s; {len(paths)} pages in Chromium "
        f"{time.monotonic() - imported:.1f} s"
    )
    assert not popups, popups
    assert not failures, json.dumps(dict(list(failures.items())[:10]), indent=1, default=str)


# --- pictures ----------------------------------------------------------------------------------


def _svg_corpus(shared: Path) -> list[Path]:
    base = shared / "corpora" / "security"
    files = sorted([*(base / "svg").glob("*.svg"), *(base / "ssrf-svg").glob("*.svg")])
    assert len(files) >= 16, files
    return files


def test_every_corpus_svg_is_refused(shared_dir):
    accepted = []
    for path in _svg_corpus(shared_dir):
        data = path.read_bytes()
        for variant in (data, b"\xef\xbb\xbf" + data, b"\n" * 600 + data):
            try:
                picture_validate_bytes(variant)
            except PictureRejected:
                continue
            accepted.append(path.name)
    assert not accepted, accepted


def test_text_renamed_jpg_is_refused(tmp_path):
    text = b"This is a press release, not a photograph.\n" * 20
    with pytest.raises(PictureRejected):
        picture_validate_bytes(text)
    with pytest.raises(PictureRejected):
        picture_create_or_update(data=text, filename="photo.jpg", caption="x")


def _png(mode: str, size: tuple[int, int]) -> bytes:
    buf = io.BytesIO()
    Image.new(mode, size).save(buf, format="PNG", optimize=False)
    return buf.getvalue()


def test_decompression_bombs_are_refused():
    bomb = _png("1", (20_000, 20_000))  # 400 megapixels in a small file
    assert len(bomb) < 1_000_000
    with pytest.raises(PictureRejected):
        picture_validate_bytes(bomb)
    # Over the library's own 50 MP limit, under Pillow's bomb warning.
    with pytest.raises(PictureRejected, match="too many pixels"):
        picture_validate_bytes(_png("1", (8_000, 8_000)))
    # An ordinary picture still passes.
    assert picture_validate_bytes(_png("RGB", (64, 48))).format == "PNG"


@pytest.mark.django_db
def test_import_skips_hostile_pictures(shared_dir, tmp_path):
    """Through the ninjs import: SVGs and a text file named .jpg never enter the library."""
    files = []
    for path in _svg_corpus(shared_dir):
        target = tmp_path / path.name
        target.write_bytes(path.read_bytes())
        files.append(target.name)
    (tmp_path / "notes.jpg").write_bytes(b"not a picture at all\n")
    files.append("notes.jpg")
    assocs = [
        {
            "name": f"pic{n}",
            "type": "picture",
            "uri": f"urn:dateline:test:pic:{n}",
            "renditions": [{"name": "original", "href": name}],
        }
        for n, name in enumerate(files)
    ]
    body = "".join(f'<figure data-assoc-ref="pic{n}"></figure><p>x</p>' for n in range(len(files)))
    item = _item("pictures", 0, headline="Hostile pictures", summary="s", body=body)
    item["associations"] = assocs
    feed = tmp_path / "pictures.json"
    feed.write_text(json.dumps(item), encoding="utf-8")
    report = import_paths([feed])
    [result] = report.results
    assert result.outcome == "created", result.line()
    assert len(result.notes) == len(files), result.notes
    assert all("skipped" in note for note in result.notes), result.notes
    assert not Picture.objects.exists()
    story = Article.objects.get(source_id=item["uri"])
    assert story.status == Status.PUBLISHED
    assert "data-picture" not in story.body
    assert story.body.count("<p>x</p>") == len(files)
