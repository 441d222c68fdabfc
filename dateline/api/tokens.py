"""Per-person tokens for the management API: made (shown once) and revoked at the desk or
in admin, stored as a SHA-256 digest, checked on every request (a revoked token is refused
at once: nothing about a token is cached), and rate-limited per token through the Django
cache (Redis when CACHE_URL names one, so the limit holds across processes and servers)."""

from __future__ import annotations

import hashlib
import secrets
import time

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from ninja.errors import HttpError
from ninja.security import HttpBearer

from dateline.api.models import ApiToken
from dateline.core import clock
from dateline.newsroom.roles import Role, roles_of

# Recognisable in a leaked-secrets scan; the rest is 256 random bits.
TOKEN_PREFIX = "dlt_"


class TokenRefused(Exception):
    pass


def _digest(token: str) -> str:
    # A token is 256 random bits: a plain hash cannot be reversed or guessed, and is
    # looked up by index in one query (a slow password hash would only add latency).
    return hashlib.sha256(token.encode()).hexdigest()


def may_hold_token(user) -> bool:
    return bool(roles_of(user) & {Role.WRITER, Role.EDITOR, Role.ADMIN})


@transaction.atomic
def token_create(*, user, name: str) -> tuple[ApiToken, str]:
    """A new token for `user`: the row, and the token itself, which is never stored and
    must be shown to its owner now."""
    if not may_hold_token(user):
        raise TokenRefused("Only writers, editors and admins hold API tokens.")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=(name or "API token").strip()[:100],
        prefix=secret[: len(TOKEN_PREFIX) + 4],
        digest=_digest(secret),
    )
    return token, secret


@transaction.atomic
def token_revoke(*, token: ApiToken) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = clock.now()
        token.save(update_fields=["revoked_at"])
    return token


def token_find(secret: str) -> ApiToken | None:
    """The live token `secret` names, with its owner (one query)."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 100:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=_digest(secret), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    return token


def _rate_limited(token: ApiToken) -> int | None:
    """Seconds to wait when `token` has used its requests for this minute, else None. A
    fixed window per token, counted with the cache's atomic increment."""
    limit = settings.DATELINE_API_RATE_PER_MINUTE
    window = int(time.time() // 60)
    key = f"dateline:api:rate:{token.pk}:{window}"
    cache.add(key, 0, timeout=120)
    try:
        used = cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.add(key, 1, timeout=120)
        used = 1
    if used > limit:
        return 60 - int(time.time()) % 60 or 1
    return None


class RateLimited(HttpError):
    def __init__(self, retry_after: int) -> None:
        super().__init__(429, f"Too many requests for this token: try again in {retry_after} s.")
        self.retry_after = retry_after


class TokenAuth(HttpBearer):
    """`Authorization: Bearer <token>`, and nothing else: the management API does not take
    the desk's session, so a page open in a browser can never act through it."""

    openapi_description = "A person's API token, made in the newsroom (/newsroom/tokens/)."

    def __call__(self, request):
        # ninja's own logs the whole header under DEBUG when its scheme is not Bearer: a
        # token sent as "Token …" would land in the log.
        scheme, _, token = request.headers.get(self.header, "").partition(" ")
        if scheme.lower() != "bearer" or not token:
            return None
        return self.authenticate(request, token.strip())

    def authenticate(self, request, token: str):
        found = token_find(token)
        if found is None:
            return None
        wait = _rate_limited(found)
        if wait is not None:
            raise RateLimited(wait)
        now = clock.now()
        if found.last_used_at is None or (now - found.last_used_at).total_seconds() > 60:
            # At most once a minute: a busy token does not write on every request.
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        return found
