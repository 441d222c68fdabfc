"""The live API against its own OpenAPI document (schemathesis): for an anonymous reader, a
writer's token and an editor's token, no server error and no answer the schema does not
allow, on every operation. Examples are limited to keep this within a couple of minutes."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import checks

from dateline.api.tokens import token_create
from dateline.news import services
from dateline.news.tests import factories
from dateline.newsroom.roles import Role
from dateline.newsroom.tests.factories import staff

CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
]


@pytest.fixture
def api_schema(live_server, settings):
    settings.DATELINE_API_RATE_PER_MINUTE = 100_000
    section = factories.section("Harbour")
    tag = services.tag_get_or_create(name="Ferries")
    author = services.author_get_or_create(name="Ana Reed")
    services.topic_get_or_create(kind="place", name="Kelbridge")
    stories = [factories.article(section_obj=section) for _ in range(3)]
    factories.save(stories[0], tags=[tag], authors=[author])
    factories.curate("dont-miss", stories[:2])
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/v1/openapi.json")
    schema.tokens = {
        "anonymous": None,
        "writer": token_create(user=staff(Role.WRITER, "writer"), name="t")[1],
        "editor": token_create(user=staff(Role.EDITOR, "editor"), name="t")[1],
    }
    return schema


@pytest.mark.django_db(transaction=True)
def test_the_live_api_keeps_to_its_schema(api_schema, live_server):
    # Each operation's cases are drawn by hypothesis from the schema (schemathesis'
    # strategies), and sent to the live server as each of the three callers.
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) == 20
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=12,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case):
            for who, token in api_schema.tokens.items():
                headers = {"Authorization": f"Bearer {token}"} if token else {}
                try:
                    case.call_and_validate(base_url=live_server.url, headers=headers, checks=CHECKS)
                except Exception as exc:
                    raise AssertionError(f"{case.operation.label} as {who}: {exc}") from exc

        check()
