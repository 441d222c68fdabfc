"""What `dateline check --deploy` asks of production settings beyond Django's own checks:
the same advice in Dateline's words, naming the variable to set (README, Configuration)."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def https_behind_a_proxy(app_configs, **kwargs):
    """An https site URL without DATELINE_TRUSTED_PROXY: Django cannot tell HTTPS requests
    from plain ones, so neither the redirect nor HSTS can be on (settings/production.py).
    Django's W004 and W008 say that in general; this says what to do here."""
    if not settings.SITE_URL.startswith("https://") or settings.DATELINE_TRUSTED_PROXY:
        return []
    return [
        Warning(
            "DATELINE_SITE_URL is https, but DATELINE_TRUSTED_PROXY is off: plain HTTP "
            "requests are not redirected to HTTPS and no HSTS is sent.",
            hint=(
                "Behind a proxy that terminates TLS and sets X-Forwarded-Proto on every "
                "request (dropping any a client sent), set DATELINE_TRUSTED_PROXY=1 "
                "(docs/deploy.md)."
            ),
            id="dateline.W001",
        )
    ]
