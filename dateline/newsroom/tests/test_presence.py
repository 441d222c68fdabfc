"""The edit screen names who else has the story open."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from dateline.core import clock
from dateline.news.tests import factories as news_factories
from dateline.newsroom.roles import Role
from dateline.newsroom.tests.factories import staff


@pytest.mark.django_db
def test_second_editor_is_told_who_else_has_the_story_open(client):
    article = news_factories.article(headline="Regatta postponed")
    url = f"/admin/news/article/{article.pk}/change/"
    ann, bob = staff(Role.EDITOR, "ann"), staff(Role.EDITOR, "bob")
    client.force_login(ann)
    assert "Also open by" not in client.get(url).content.decode()
    client.force_login(bob)
    assert "Also open by ann" in client.get(url).content.decode()
    with time_machine.travel(clock.now() + dt.timedelta(minutes=10)):
        client.force_login(ann)
        # Bob's visit was ten minutes ago: no longer named.
        assert "Also open by" not in client.get(url).content.decode()
