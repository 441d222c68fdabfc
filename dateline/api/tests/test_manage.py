"""The management API: a token acts as its owner through the newsroom's actions, within the
owner's role; revoked tokens and sessions are refused; tokens never leak after creation."""

from __future__ import annotations

import io
import logging

import pytest
from django.test import Client
from PIL import Image

from dateline.api.models import ApiToken
from dateline.api.policy import POLICY
from dateline.api.tokens import token_create, token_revoke
from dateline.news.models import Article, Status
from dateline.news.tests import factories as news_factories
from dateline.newsroom.models import AuditEntry
from dateline.newsroom.roles import Role
from dateline.newsroom.tests.factories import staff

pytestmark = pytest.mark.django_db


def _client(secret: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


@pytest.fixture
def writer():
    user = staff(Role.WRITER, "wanda")
    return user, token_create(user=user, name="laptop")[1]


@pytest.fixture
def editor():
    user = staff(Role.EDITOR, "eddie")
    return user, token_create(user=user, name="app")[1]


def _create(client, **fields):
    body = {"headline": "Bridge closes for repairs", "body": "<p>The bridge closes.</p>"}
    response = client.post("/api/v1/manage/stories", body | fields, content_type="application/json")
    assert response.status_code == 201, response.content
    return response.json()


def test_a_writer_writes_and_submits_and_the_audit_names_them(writer):
    user, secret = writer
    client = _client(secret)
    draft = _create(client, tags=["Bridges"])
    assert draft["status"] == "draft" and draft["tags"] == ["Bridges"]
    changed = client.patch(
        f"/api/v1/manage/stories/{draft['id']}",
        {"version": draft["version"], "standfirst": "Closed for a month."},
        content_type="application/json",
    )
    assert changed.status_code == 200 and changed.json()["standfirst"] == "Closed for a month."
    submitted = client.post(f"/api/v1/manage/stories/{draft['id']}/submit")
    assert submitted.json()["workflow"] == "in_review"
    entry = AuditEntry.objects.filter(action="submit").get()
    assert entry.actor == user and entry.actor_name == "wanda"


def test_a_stale_version_is_refused(writer):
    client = _client(writer[1])
    draft = _create(client)
    first = client.patch(
        f"/api/v1/manage/stories/{draft['id']}",
        {"version": draft["version"], "headline": "One"},
        content_type="application/json",
    )
    assert first.status_code == 200
    second = client.patch(
        f"/api/v1/manage/stories/{draft['id']}",
        {"version": draft["version"], "headline": "Two"},
        content_type="application/json",
    )
    assert second.status_code == 409
    assert Article.objects.get(pk=draft["id"]).headline == "One"


def test_a_writers_token_cannot_publish(writer):
    client = _client(writer[1])
    draft = _create(client)
    for action in ("publish", "approve", "unpublish"):
        response = client.post(
            f"/api/v1/manage/stories/{draft['id']}/{action}", {}, content_type="application/json"
        )
        assert response.status_code == 403, action
    assert Article.objects.get(pk=draft["id"]).status == Status.DRAFT


def test_an_editor_publishes_corrects_and_unpublishes(editor):
    user, secret = editor
    client = _client(secret)
    draft = _create(client, section=news_factories.section("Harbour").slug)
    published = client.post(
        f"/api/v1/manage/stories/{draft['id']}/publish",
        {"version": draft["version"]},
        content_type="application/json",
    )
    assert published.status_code == 200, published.content
    assert published.json()["status"] == "published"
    assert Client().get(f"/api/v1/stories/{draft['id']}").status_code == 200
    corrected = client.post(
        f"/api/v1/manage/stories/{draft['id']}/correct",
        {
            "version": published.json()["version"],
            "kind": "correction",
            "note": "The bridge closes on Monday, not Sunday.",
            "body": "<p>The bridge closes on Monday.</p>",
        },
        content_type="application/json",
    )
    assert corrected.status_code == 200, corrected.content
    assert "Monday" in Client().get(f"/api/v1/stories/{draft['id']}").json()["body_html"]
    down = client.post(
        f"/api/v1/manage/stories/{draft['id']}/unpublish", {}, content_type="application/json"
    )
    assert down.status_code == 200
    assert Client().get(f"/api/v1/stories/{draft['id']}").status_code == 404
    actions = list(AuditEntry.objects.filter(actor=user).values_list("action", flat=True))
    assert {"publish", "correct", "unpublish"} <= set(actions)


def test_pictures_pass_the_desks_checks(writer):
    client = _client(writer[1])
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "blue").save(buffer, "JPEG")
    buffer.seek(0)
    buffer.name = "harbour.jpg"
    made = client.post("/api/v1/manage/pictures", {"file": buffer, "caption": "The harbour"})
    assert made.status_code == 201, made.content
    assert made.json()["width"] == 40
    svg = io.BytesIO(b"<svg xmlns='http://www.w3.org/2000/svg'><script>x()</script></svg>")
    svg.name = "evil.svg"
    refused = client.post("/api/v1/manage/pictures", {"file": svg})
    assert refused.status_code == 422


def test_a_revoked_token_is_refused_at_once(writer):
    user, secret = writer
    client = _client(secret)
    assert client.get("/api/v1/manage/me").status_code == 200
    token_revoke(token=ApiToken.objects.get(user=user))
    assert client.get("/api/v1/manage/me").status_code == 401


def test_a_session_is_not_accepted_on_the_management_api(writer):
    user, _ = writer
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    assert client.get("/api/v1/manage/me").status_code == 401
    response = client.post(
        "/api/v1/manage/stories", {"headline": "x"}, content_type="application/json"
    )
    assert response.status_code == 401
    assert not Article.objects.exists()


def test_csrf_does_not_apply_to_token_requests(writer):
    client = Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Bearer {writer[1]}")
    assert _create(client)["id"]


def test_a_token_is_shown_once_and_never_logged(client, caplog):
    user = staff(Role.WRITER, "sam")
    client.force_login(user)
    caplog.set_level(logging.DEBUG)
    made = client.post("/newsroom/tokens/", {"name": "phone"})
    secret = made.context["made"]
    assert secret.startswith("dlt_") and secret in made.content.decode()
    # Never again: not on the screen, not stored, not in any answer or log line.
    assert secret not in client.get("/newsroom/tokens/").content.decode()
    token = ApiToken.objects.get(user=user)
    assert secret not in (token.digest, token.prefix)
    api = _client(secret)
    answers = [
        api.get("/api/v1/manage/me"),
        api.post("/api/v1/manage/stories", {"headline": ""}, content_type="application/json"),
        api.post("/api/v1/manage/stories/999999/publish", {}, content_type="application/json"),
        Client(HTTP_AUTHORIZATION=f"Token {secret}").get("/api/v1/manage/me"),
    ]
    token_revoke(token=token)
    answers.append(api.get("/api/v1/manage/me"))
    for answer in answers:
        assert secret not in answer.content.decode()
        assert all(secret not in str(v) for v in answer.headers.values())
    assert secret not in caplog.text


def test_tokens_are_rate_limited(writer, settings):
    from django.core.cache import cache

    cache.clear()
    settings.DATELINE_API_RATE_PER_MINUTE = 3
    client = _client(writer[1])
    codes = [client.get("/api/v1/manage/me").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    # Another person's token has its own budget.
    other = token_create(user=staff(Role.EDITOR, "olga"), name="x")[1]
    assert _client(other).get("/api/v1/manage/me").status_code == 200


def test_only_people_with_a_writing_role_get_tokens():
    from dateline.api.tokens import TokenRefused

    with pytest.raises(TokenRefused):
        token_create(user=staff(None, "nobody"), name="x")
    with pytest.raises(TokenRefused):
        token_create(user=staff(Role.WIRE, "wire"), name="x")


def test_every_api_operation_is_in_the_policy_and_guarded():
    from dateline.api.api import api

    schema = api.get_openapi_schema()
    operations = {
        op["operationId"] for methods in schema["paths"].values() for op in methods.values()
    }
    assert operations == set(POLICY), operations ^ set(POLICY)
    for router_ in (r for _, r in api._routers):
        for path_view in router_.path_operations.values():
            for operation in path_view.operations:
                assert getattr(operation.view_func, "dateline_operation", None), operation


def test_an_operation_missing_from_the_policy_answers_403():
    from dateline.api import policy

    view = policy.guard(lambda request: "reached", "not-listed")
    assert view(None).status_code == 403


def test_management_answers_are_private_and_never_kept(writer):
    response = _client(writer[1]).get("/api/v1/manage/me")
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_an_editor_schedules_and_the_story_is_not_visible_before_its_time(editor):
    import datetime as dt

    from dateline.core import clock

    client = _client(editor[1])
    draft = _create(client, section=news_factories.section("Harbour").slug)
    at = (clock.now() + dt.timedelta(hours=2)).isoformat()
    scheduled = client.post(
        f"/api/v1/manage/stories/{draft['id']}/schedule",
        {"at": at, "version": draft["version"]},
        content_type="application/json",
    )
    assert scheduled.status_code == 200, scheduled.content
    assert scheduled.json()["status"] == "published"
    assert Client().get(f"/api/v1/stories/{draft['id']}").status_code == 404


def test_admin_makes_a_token_for_a_person_and_shows_it_once(admin_client):
    person = staff(Role.WRITER, "pat")
    made = admin_client.post("/admin/api/apitoken/add/", {"user": person.pk, "name": "cms"})
    assert made.status_code == 200
    secret = made.context["secret"]
    assert secret.startswith("dlt_") and secret in made.content.decode()
    token = ApiToken.objects.get(user=person)
    page = admin_client.get(f"/admin/api/apitoken/{token.pk}/change/")
    assert secret not in page.content.decode()
    assert _client(secret).get("/api/v1/manage/me").json()["username"] == "pat"


def test_nul_characters_are_refused_before_any_query(editor):
    client = _client(editor[1])
    response = client.post(
        "/api/v1/manage/stories", {"headline": "a\x00b"}, content_type="application/json"
    )
    assert response.status_code == 422
    assert Client().get("/api/v1/stories?section=a%00b").status_code == 422
    assert Client().get("/api/v1/stories/slug/a%00b").status_code == 422


@pytest.fixture
def redis_cache(tmp_path, settings):
    """The Django cache in a private redis-server, as on several servers (CACHE_URL)."""
    import shutil

    from dateline.pagecache.tests.conftest import REDIS_SERVER, RedisServer

    if not shutil.which(REDIS_SERVER):
        pytest.skip(f"{REDIS_SERVER} is absent: apt-get install redis-server")
    server = RedisServer(tmp_path)
    server.start()
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": server.url,
        }
    }
    yield server
    server.stop()


def test_the_rate_limit_is_kept_in_the_shared_cache_not_the_process(writer, settings, redis_cache):
    from django.core.cache import caches

    settings.DATELINE_API_RATE_PER_MINUTE = 2
    client = _client(writer[1])
    assert [client.get("/api/v1/manage/me").status_code for _ in range(2)] == [200, 200]
    # What another process would have: a cache connection of its own, nothing in memory.
    caches.close_all()
    for alias in list(caches.settings):
        caches._connections.__dict__.pop(alias, None)
    answer = client.get("/api/v1/manage/me")
    assert answer.status_code == 429 and int(answer["Retry-After"]) >= 1
    import redis

    kept = redis.Redis.from_url(redis_cache.url).keys("*dateline:api:rate:*")
    assert len(kept) == 1  # the count lives in Redis, where every process sees it
