"""The API object: its routers, its error answers, its OpenAPI 3.1 document at
/api/v1/openapi.json and its reference page at /api/v1/docs (Swagger UI from django-ninja's
own static files, served by us: no CDN; its CSP in config/security.py)."""

from __future__ import annotations

from django.http import Http404
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError, HttpError, ValidationError

from dateline.api.routes.content import router as content
from dateline.api.routes.manage import Refused
from dateline.api.routes.manage import router as manage
from dateline.api.tokens import RateLimited

api = NinjaAPI(
    title="Dateline API",
    version="1",
    description=(
        "The content API (public, read-only; cursor pages; ETags) and the management API "
        "(a person's token, made in the newsroom at /newsroom/tokens/: "
        "`Authorization: Bearer <token>`)."
    ),
    urls_namespace="api-v1",
    docs=Swagger(settings={"defaultModelsExpandDepth": 0}),
    docs_url="/docs",
    openapi_url="/openapi.json",
)
api.add_router("/", content)
api.add_router("/manage/", manage)


def _detail(request, status: int, detail: str):
    return api.create_response(request, {"detail": detail}, status=status)


@api.exception_handler(ValidationError)
def _invalid(request, exc: ValidationError):
    # One sentence, like every other refusal (`detail` is always a string).
    parts = []
    for error in exc.errors[:5]:
        where = ".".join(str(x) for x in error.get("loc", ()) if x not in ("body", "payload"))
        parts.append(f"{where}: {error.get('msg', 'invalid')}")
    return _detail(request, 422, "; ".join(parts) or "The request is not valid.")


@api.exception_handler(Refused)
def _refused(request, exc: Refused):
    return _detail(request, exc.status, str(exc))


@api.exception_handler(RateLimited)
def _rate_limited(request, exc: RateLimited):
    response = _detail(request, 429, str(exc))
    response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    response = _detail(request, 401, "A valid token is needed: Authorization: Bearer <token>.")
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(Http404)
def _not_found(request, exc):
    return _detail(request, 404, "Not found.")


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    return _detail(request, exc.status_code, str(exc))
