"""The desk's token screen (/newsroom/tokens/): a person makes and revokes their own API
tokens. Mounted under /newsroom/ by config/urls.py and guarded by the newsroom's policy,
like the wire desk. A new token is shown in the answer to the POST that made it, once:
never stored, never put in a message or a redirect."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from dateline.api.models import ApiToken
from dateline.api.tokens import TokenRefused, token_create, token_revoke


def tokens(request: HttpRequest) -> HttpResponse:
    made = error = None
    if request.method == "POST":
        if request.POST.get("revoke"):
            token = ApiToken.objects.filter(
                user=request.user, pk=_number(request.POST.get("revoke"))
            ).first()
            if token is not None:
                token_revoke(token=token)
            return redirect("newsroom:tokens")
        try:
            _, made = token_create(user=request.user, name=request.POST.get("name", ""))
        except TokenRefused as exc:
            error = str(exc)
    return render(
        request,
        "api/tokens.html",
        {
            "tokens": ApiToken.objects.filter(user=request.user),
            "made": made,
            "error": error,
        },
    )


def _number(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0
