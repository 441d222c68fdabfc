"""A body's shape is bounded before nh3 parses it (news/body_shape.py): nesting beyond any
story is refused at its 101st level, wherever the text comes from (admin's form, the
newsroom, the wire), and what nh3 is handed can never make its parser build deeper.

No test here times anything (our rule: no timed unit tests). They hold the structure that
makes the time bounded: the refusal comes before nh3 is called, and the tree html5ever
builds from what `balanced` writes is never deeper than the cap, whatever the input."""

from __future__ import annotations

import io
import json
import random
import re

import nh3
import pytest
from django.core.management import call_command

from dateline.news import body, body_shape
from dateline.news.models import Article
from dateline.news.tests import factories
from dateline.newsroom.models import Autosave
from dateline.newsroom.roles import Role
from dateline.newsroom.tests.factories import staff

DEEP = "<blockquote>" * 100_000 + "Deep." + "</blockquote>" * 100_000


@pytest.fixture
def nh3_never_called(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("nh3 was asked to parse a body that should have been refused")

    monkeypatch.setattr(body.nh3, "clean", refuse)


def test_a_body_nested_100000_deep_is_refused_before_nh3_parses_it(nh3_never_called):
    with pytest.raises(body.BodyRefused, match="nested more than 100 levels deep"):
        body.sanitize(DEEP)


@pytest.mark.parametrize(
    "attack",
    [
        # Depth built by cheap inline tags, then block tags that each walk all of it.
        "<span>" * 20_000 + "<div></div>" * 20_000,
        # An end tag the tree builder ignores (a block is open inside): the depth grows.
        "<span><div></span>" * 50_000,
        # Distinct formatting, never closed, then list items that walk past all of it.
        "".join(f'<b title="{i}">' for i in range(20_000)) + "<li>x" * 2_000,
        # Twenty bold tags left open, re-created in each of 200,000 paragraphs.
        "<p>" + "".join(f'<b title="{i}">' for i in range(20)) + "</p>" + "<p>x</p>" * 200_000,
    ],
    ids=["deep inline", "ignored end tags", "open formatting", "re-created formatting"],
)
def test_shapes_that_make_nh3_slow_are_refused_before_it_parses_them(nh3_never_called, attack):
    with pytest.raises(body.BodyRefused):
        body.sanitize(attack)


def test_a_story_at_the_cap_is_kept_whole():
    nested = "<blockquote>" * 99 + "<p>Quoted.</p>" + "</blockquote>" * 99
    assert body.sanitize(nested) == nested


def test_a_stored_body_is_read_once_and_handed_on_unchanged():
    stored = body.sanitize(
        '<h2>Why</h2><p>The <a href="https://example.com/a?b=1&amp;c=2">council</a> said '
        "<strong>no</strong>.</p><blockquote><p>We will not.</p></blockquote><ul><li>One</li>"
        f"<li>Two</li></ul>{body.picture_placeholder(12)}"
    )
    assert body_shape._plain(stored)
    assert body_shape.balanced(stored) == stored
    assert body.sanitize(stored) == stored


@pytest.mark.parametrize(
    "sloppy",
    [
        "<p>one<p>two<p>three",
        "<p><b>bold across</p><p>two paragraphs</p>",
        "<ul><li>a<li>b</ul><h2>x<h3>y</h2>",
        "<table><tr><td>a<td>b</table><p>after</p>",
        "<a href='/x'>one<a href='/y'>two</a>",
        "<svg><path/></svg><p>after the icon</p><svg><p>breaks out</p>",
        "a < b, <!-- note --> c &amp; d<script>alert(1)</script><noscript><p>x</p></noscript>",
    ],
)
def test_sloppy_markup_sanitises_as_nh3_alone_would(sloppy):
    assert nh3.clean(body_shape.balanced(sloppy), **body._SANITIZE_OPTIONS) == nh3.clean(
        sloppy, **body._SANITIZE_OPTIONS
    )


# Every tag the tree builder has a rule for, and some it has none for.
_VOCABULARY = sorted(
    set(
        "p div span b i em strong a li ul ol dl dt dd h2 h3 blockquote table tr td th tbody "
        "caption colgroup col select option svg path foreignobject math mi template textarea "
        "script style title xmp noscript object button nobr ruby rt rb font u s code small "
        "big tt strike section figure br hr img form html body x-thing g".split()
    )
)
_KEEP_ALL = {
    "tags": set(_VOCABULARY) - {"script", "style", "title", "textarea", "xmp", "noscript"},
    "clean_content_tags": set(),
    "attributes": {},
    "link_rel": None,
}
_TAG = re.compile(r"<(/?)([a-z][^\s/>]*)[^>]*>")


def _soup(rng: random.Random, n: int) -> str:
    parts = []
    for _ in range(n):
        name, r = rng.choice(_VOCABULARY), rng.random()
        if r < 0.45:
            attrs = rng.choice(["", ' class="c"', f' title="{rng.randint(0, 3)}"', "/", ' a="<p>"'])
            parts.append(f"<{name}{attrs}>")
        elif r < 0.8:
            parts.append(f"</{name}>")
        else:
            parts.append(rng.choice(["text", " ", "a<b", "&amp;", "<!-- c -->", "<!x>", "</>"]))
    return "".join(parts)


def _depth(html: str) -> int:
    depth = deepest = 0
    for closing, name in _TAG.findall(html):
        if name in body_shape.VOID:
            continue
        depth += -1 if closing else 1
        deepest = max(deepest, depth)
    return deepest


def test_what_balanced_writes_never_parses_deeper_than_the_cap():
    """Tag soup of every kind, some of it built to nest: html5ever's tree from what
    `balanced` writes (every tag kept, so nothing is unwrapped) stays within the cap."""
    rng = random.Random(20261130)
    deepest = 0
    for n in range(400):
        soup = _soup(rng, rng.randint(5, 300))
        if n % 4 == 0:
            soup = f"<span><{rng.choice(_VOCABULARY)}>" * 60 + soup
        try:
            written = body_shape.balanced(soup)
        except body.BodyRefused:
            continue
        deepest = max(deepest, _depth(nh3.clean(written, **_KEEP_ALL)))
    assert 30 < deepest <= body_shape.MAX_DEPTH


def _article_form(story: Article, **changes) -> dict:
    return {
        "headline": story.headline,
        "slug": story.slug,
        "standfirst": story.standfirst,
        "source_credit": "",
        "body": story.body,
        "section": "",
        "lead_picture": "",
        "language": "",
        "located": "",
        "opened_version": story.version,
        **changes,
    }


@pytest.mark.django_db
def test_the_admin_form_refuses_a_deep_body_with_a_clear_message(client):
    writer = staff(Role.WRITER)
    story = factories.article(headline="Harbour dues", publish=False, created_by=writer)
    client.force_login(writer)
    response = client.post(
        f"/admin/news/article/{story.pk}/change/", _article_form(story, body=DEEP)
    )
    assert response.status_code == 200
    assert "This text cannot be saved: the text is nested more than 100 levels deep" in (
        response.content.decode()
    )
    assert Article.objects.get(pk=story.pk).body == story.body


@pytest.mark.django_db
def test_the_newsroom_refuses_a_deep_body_in_a_proposal_and_in_autosave(client):
    editor = staff(Role.EDITOR)
    story = factories.article(headline="Harbour dues")
    client.force_login(editor)
    page = client.post(
        "/newsroom/revisions/",
        {
            "article": story.pk,
            "propose": "1",
            "headline": "Harbour dues rise",
            "standfirst": "",
            "body": DEEP,
            "version": story.version,
        },
        follow=True,
    ).content.decode()
    assert "This text cannot be saved: the text is nested more than 100 levels deep" in page
    assert not story.revisions.filter(pending=True).exists()
    response = client.post("/newsroom/autosave/", {"article": story.pk, "body": DEEP})
    assert response.status_code == 400
    assert "nested more than 100 levels deep" in response.json()["error"]
    assert not Autosave.objects.exists()


@pytest.mark.django_db
def test_a_wire_item_with_a_deep_body_is_a_failed_line_and_the_rest_go_in(tmp_path):
    from dateline.ingest.models import WireSource

    folder = tmp_path / "agency"
    folder.mkdir()
    for name, text in (("deep", DEEP), ("plain", "<p>The quay reopens on Monday.</p>")):
        item = {
            "uri": f"urn:northwire:{name}",
            "type": "text",
            "headline": f"A {name} story",
            "bodies": [{"role": "main", "contenttype": "text/html", "value": text}],
        }
        (folder / f"{name}.json").write_text(json.dumps(item), encoding="utf-8")
    WireSource.objects.create(name="Northwire", kind="folder", location=str(folder), format="ninjs")
    out = io.StringIO()
    with pytest.raises(SystemExit) as exit_code:
        call_command("ingest", stdout=out)
    assert exit_code.value.code == 1
    lines = out.getvalue().splitlines()
    [failed] = [line for line in lines if line.startswith("failed urn:northwire:deep ")]
    assert "nested more than 100 levels deep" in failed
    assert any(line.startswith("created urn:northwire:plain ") for line in lines), lines
    assert not Article.objects.filter(source_id="urn:northwire:deep").exists()
