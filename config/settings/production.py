"""`dateline serve` and every CLI command outside `make run` and the tests.

HTTPS is the proxy's (README, Configuration): with an https DATELINE_SITE_URL, cookies are
sent over HTTPS only and forms are accepted from that origin; with DATELINE_TRUSTED_PROXY
too, Django believes the proxy's X-Forwarded-Proto, so it can redirect plain requests to
HTTPS and send HSTS on secure ones. Without that setting it cannot tell the two apart: a
redirect would loop, and HSTS would never be sent.
"""

from urllib.parse import urlsplit

from config import env
from config.settings.base import *  # noqa: F403

HTTPS = SITE_URL.startswith("https://")  # noqa: F405
_site = urlsplit(SITE_URL)  # noqa: F405
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS
CSRF_TRUSTED_ORIGINS = [f"{_site.scheme}://{_site.netloc}"]

if HTTPS and env.TRUSTED_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # A plain-HTTP request without the header gets a 301, but for /healthz, which a load
    # balancer asks from inside over plain HTTP (dateline/ops/health.py). A proxy that
    # redirects to HTTPS itself may turn ours off (DATELINE_SSL_REDIRECT=0).
    SECURE_SSL_REDIRECT = env.SSL_REDIRECT
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = env.HSTS_SECONDS
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.HSTS_INCLUDE_SUBDOMAINS
    # Subdomains and the browsers' preload list are the site owner's to commit: HSTS for
    # every subdomain of the domain (which may not all be ours), and preloading is a
    # submission to browser makers, hard to take back. Neither is a default, so
    # `check --deploy` is not asked to remind of them.
    SILENCED_SYSTEM_CHECKS = ["security.W021"]
    if not SECURE_HSTS_INCLUDE_SUBDOMAINS:
        SILENCED_SYSTEM_CHECKS.append("security.W005")
