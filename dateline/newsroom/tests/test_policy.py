"""Every newsroom route × every role × each HTTP method against the one policy."""

from __future__ import annotations

import pytest
from django.urls import URLPattern, get_resolver, reverse

from dateline.news.tests import factories as news_factories
from dateline.newsroom.policy import POLICY
from dateline.newsroom.roles import Role
from dateline.newsroom.tests.factories import staff

METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"]
WHO = [None, "no-role", *Role]


def _patterns() -> list[URLPattern]:
    """Every route mounted in the newsroom's namespace, whichever app provides it."""
    _, resolver = get_resolver().namespace_dict["newsroom"]
    return [p for p in resolver.url_patterns if isinstance(p, URLPattern)]


def _routes() -> list[str]:
    return [f"newsroom:{p.name}" for p in _patterns()]


def _kwarg(route: str) -> str | None:
    """The story id the route takes in its path: `pk` (a story's own screens, story/<pk>/…),
    `article_id` (the live desk), or None (it takes the story in the query string)."""
    pattern = next(p for p in _patterns() if f"newsroom:{p.name}" == route)
    return next(iter(pattern.pattern.converters), None)


def _url(route: str, article) -> str:
    """The route's address for `article` (None: a story that does not exist): in its path
    when it takes one, and in the query string unless that is the live desk."""
    ident = article.pk if article is not None else 999_999_999
    kwarg = _kwarg(route)
    if kwarg == "article_id":
        return reverse(route, kwargs={kwarg: ident})
    base = reverse(route, kwargs={kwarg: ident}) if kwarg else reverse(route)
    return base + f"?article={ident}"


def test_every_newsroom_route_is_in_the_policy_and_guarded():
    assert "newsroom:wire" in _routes()
    for pattern in _patterns():
        name = f"newsroom:{pattern.name}"
        assert name in POLICY, f"{name} has no entry in newsroom.policy.POLICY"
        assert getattr(pattern.callback, "dateline_route", None) == name, f"{name} unguarded"


@pytest.mark.django_db
@pytest.mark.parametrize("route", _routes())
@pytest.mark.parametrize("who", WHO, ids=lambda w: str(w))
def test_route_answers_as_the_policy_says(client, route, who):
    article = news_factories.article(publish=False)
    if who == "no-role":
        client.force_login(staff(None))
    elif who is not None:
        client.force_login(staff(who))
    url = _url(route, article)
    rules = POLICY[route]
    for method in METHODS:
        response = client.generic(
            method,
            url,
            data=f"article={article.pk}&action=submit",
            content_type="application/x-www-form-urlencoded",
        )
        # Whatever the answer, no browser or proxy keeps it: drafts, names, choosers' JSON.
        assert _never_kept(response), (route, who, method, response.get("Cache-Control"))
        allowed = rules.get(method)
        if allowed is None:
            assert response.status_code == 405, (route, who, method)
        elif who is None:
            assert response.status_code == 302 and "/admin/login/" in response["Location"]
        elif who == "no-role" or who not in allowed:
            assert response.status_code == 403, (route, who, method)
        else:
            assert response.status_code in (200, 302), (route, who, method)


def _never_kept(response) -> bool:
    directives = {d.strip().split("=")[0] for d in response.get("Cache-Control", "").split(",")}
    return {"private", "no-store"} <= directives


@pytest.mark.django_db
def test_admin_pages_are_never_kept_either(client):
    """Admin is Django's own, whose views are never_cache: held here for every page a
    member of staff opens, signed in or not."""
    article = news_factories.article(publish=False)
    pages = [
        "/admin/",
        "/admin/login/",
        "/admin/news/article/",
        "/admin/news/article/add/",
        f"/admin/news/article/{article.pk}/change/",
        f"/admin/news/article/{article.pk}/history/",
        "/admin/news/article/999999/change/",
        "/admin/pictures/picture/",
        "/admin/newsroom/auditentry/",
        "/admin/logout/",
    ]
    for who in (None, Role.WRITER, Role.EDITOR, Role.ADMIN):
        if who is not None:
            client.force_login(staff(who))
        for url in pages:
            response = client.get(url)
            assert _never_kept(response), (who, url, response.status_code)


@pytest.mark.django_db
@pytest.mark.parametrize("route", _routes())
def test_malformed_ids_get_404_or_a_message_never_a_500(client, route):
    client.force_login(staff(Role.EDITOR))
    kwarg = _kwarg(route)
    if kwarg == "article_id":
        url = reverse(route, kwargs={kwarg: 999_999_999})
    elif kwarg:
        url = reverse(route, kwargs={kwarg: news_factories.article(publish=False).pk})
    else:
        url = reverse(route)
    for query in ("?article=abc", "?article=", "?article=1e3&a=x&b=y"):
        response = client.get(url + query)
        assert response.status_code in (200, 404, 405), (route, query)
    article = news_factories.article()
    for data in ({"article": "x"}, {"article": article.pk, "restore": "v2", "version": "?"}):
        response = client.post(url, data)
        assert response.status_code in (200, 302, 404, 405), (route, data)


@pytest.mark.django_db
def test_navigation_offers_only_the_screens_a_role_may_open(client):
    client.force_login(staff(Role.WRITER))
    page = client.get(reverse("newsroom:queue")).content.decode()
    assert 'href="/newsroom/story/new/"' in page and "(writer)" in page
    for saved_view in ("?view=needs-me", "?view=today"):
        assert f'href="{reverse("newsroom:queue")}{saved_view}"' in page
    assert reverse("newsroom:front") not in page and reverse("newsroom:wire") not in page
    client.force_login(staff(Role.EDITOR, "an-editor"))
    page = client.get(reverse("newsroom:queue")).content.decode()
    assert reverse("newsroom:front") in page and reverse("newsroom:wire") in page
