"""The API object: its routers, its OpenAPI 3.1 document at /api/v1/openapi.json and its
reference page at /api/v1/docs (Swagger UI from django-ninja's own static files, served by
us: no CDN)."""

from __future__ import annotations

from ninja import NinjaAPI, Swagger

from dateline.api.routes.content import router as content

api = NinjaAPI(
    title="Dateline API",
    version="1",
    description=(
        "The content API (public, read-only) and the management API (a person's token: "
        "`Authorization: Bearer <token>`, made in the newsroom under /newsroom/tokens/)."
    ),
    urls_namespace="api-v1",
    docs=Swagger(settings={"defaultModelsExpandDepth": 0}),
    docs_url="/docs",
    openapi_url="/openapi.json",
)
api.add_router("/", content)
