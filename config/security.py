"""Response headers that depend on where a request lands: the public site, or the desk
(admin and the newsroom, which config/urls.py mounts at /admin/ and /newsroom/).

Content-Security-Policy, through django-csp's middleware:

- **Public pages** run one script of ours only: the Most read beacon's line
  (mostread/script.py), let in by its hash, which may send to this site alone
  (`connect-src 'self'`); a JSON-LD block is data, not script. Their other inline thing is
  the site's stylesheet (news/jinja.py inlines it), let in by its hash too: a nonce would
  be the same for every reader of a kept page. Pictures come
  from this site (or from MEDIA_URL's origin when media has one of its own); frames only
  from the players news/embeds.py builds them for; no plugin, base or foreign form target.
- **Both** may be framed by nobody, ourselves included (`frame-ancestors 'none'`, as
  X-Frame-Options DENY says to older browsers): the admin opens its pop-ups as windows.
- **The desk** runs the body editor (django-prose-editor: ES modules from our static files,
  and an inline import map that carries the page's nonce, newsroom/admin.py) and our own
  scripts, all from this site, and no other inline script. Inline styles are allowed there:
  Django's admin and the newsroom's templates use them, and staff write those pages.

- **The API's reference page** (`/api/v1/docs`: Swagger UI, django-ninja's copy in our static
  files) runs its two scripts from this site, no inline script; it reads the OpenAPI
  document and tries calls from this site (`connect-src 'self'`); Swagger UI sets inline
  styles and draws icons as data: URLs.

Every answer of the desk is `Cache-Control: private, no-store` (with Django's
never-cache companions), whatever made it: a view, a guard's 403, an error page. Drafts,
names and the choosers' JSON stay with the person who asked.
"""

from __future__ import annotations

import base64
import functools
import hashlib
from urllib.parse import urlsplit

from csp.constants import HEADER, NONCE, NONE, SELF, UNSAFE_INLINE
from csp.middleware import CheckableLazyObject, CSPMiddleware, PolicyParts
from csp.utils import build_policy
from django.conf import settings
from django.utils.cache import add_never_cache_headers

# The management API's answers are a person's drafts: private and never kept, like the desk.
DESK_PATHS = ("/admin/", "/newsroom/", "/api/v1/manage/")
API_REFERENCE_PATH = "/api/v1/docs"


def _origin(url: str) -> str | None:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else None


def _media_sources() -> list[str]:
    media = _origin(settings.MEDIA_URL)
    return [SELF, media] if media else [SELF]


def _hash(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


@functools.cache
def public_policy() -> dict[str, list[str]]:
    from dateline.mostread.script import SCRIPT
    from dateline.news.embeds import PROVIDERS
    from dateline.news.jinja import inline_css

    frames = sorted({_origin(p.frame) for p in PROVIDERS.values() if p.frame})
    return {
        "default-src": [NONE],
        "script-src": [_hash(SCRIPT)],
        "style-src": [_hash(str(inline_css()))],
        # data: for the empty icon base.html names, which keeps browsers from asking for
        # /favicon.ico on every page; an image cannot run script, whatever its source.
        "img-src": [*_media_sources(), "data:"],
        "frame-src": frames,
        # The Most read beacon (navigator.sendBeacon is a fetch, under connect-src), the
        # live page's polls, and tools that read a page's site from inside it: Lighthouse
        # fetches /robots.txt in the page, and under default-src 'none' finds none and
        # marks robots.txt invalid (SEO below 100).
        "connect-src": [SELF],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }


@functools.cache
def desk_policy() -> dict[str, list[str]]:
    return {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, UNSAFE_INLINE],
        # Django's admin draws some icons as data: URLs.
        "img-src": [*_media_sources(), "data:"],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }


@functools.cache
def api_reference_policy() -> dict[str, list[str]]:
    return {
        "default-src": [NONE],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "connect-src": [SELF],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }


def is_desk(request) -> bool:
    return request.path_info.startswith(DESK_PATHS)


# What a view or decorator may set on a response to change its policy (django-csp).
_RESPONSE_POLICY = (
    "_csp_config",
    "_csp_update",
    "_csp_replace",
    "_csp_exempt",
    "_csp_config_ro",
    "_csp_update_ro",
    "_csp_replace_ro",
    "_csp_exempt_ro",
)


@functools.cache
def public_header() -> str:
    return build_policy(config=public_policy())


class SecurityHeadersMiddleware(CSPMiddleware):
    def process_response(self, request, response):
        if is_desk(request):
            add_never_cache_headers(response)
        elif self._public_as_is(request, response):
            # The same string for every public page that leaves its policy alone: built
            # once, not per response (asdict + build_policy cost ~5 % of an article render).
            response.headers[HEADER] = public_header()
            request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
            return response
        return super().process_response(request, response)

    @staticmethod
    def _public_as_is(request, response) -> bool:
        """Whether django-csp would set exactly `public_header()` and nothing else: not the
        API's reference page (a policy of its own), no nonce asked for, no per-response
        policy, no policy settings of its own (report-only, excluded prefixes), no DEBUG
        error page it leaves alone."""
        return (
            request.path_info != API_REFERENCE_PATH
            and getattr(request, "_csp_nonce", None) is None
            and HEADER not in response
            and not any(hasattr(response, name) for name in _RESPONSE_POLICY)
            and not getattr(settings, "CONTENT_SECURITY_POLICY", None)
            and not getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None)
            and not (settings.DEBUG and response.status_code in (404, 500))
        )

    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only and parts.config is None:
            if is_desk(request):
                parts.config = desk_policy()
            elif request.path_info == API_REFERENCE_PATH:
                parts.config = api_reference_policy()
            else:
                parts.config = public_policy()
        return parts
