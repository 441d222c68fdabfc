"""The newsroom's one permission policy: for each route, which roles may use which HTTP
methods. Anything not listed is denied. Every newsroom URL is built with `route()`, which
wraps its view in `guard`, so a route missing from the policy answers 403 to everyone
(tests/test_policy.py fails on it first)."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponseForbidden, HttpResponseNotAllowed
from django.urls import path

from dateline.newsroom.roles import Role, roles_of

EVERYONE = frozenset(Role)
STAFF_WRITING = frozenset({Role.WRITER, Role.EDITOR, Role.ADMIN})
EDITING = frozenset({Role.EDITOR, Role.ADMIN})
WIRE_DESK = frozenset({Role.WIRE, Role.EDITOR, Role.ADMIN})

POLICY: dict[str, dict[str, frozenset[Role]]] = {
    "newsroom:queue": {"GET": EVERYONE, "HEAD": EVERYONE},
    # Each action checks the role it needs again (actions/workflow.py); this is the door.
    "newsroom:action": {"POST": STAFF_WRITING},
    "newsroom:autosave": {"GET": STAFF_WRITING, "HEAD": STAFF_WRITING, "POST": STAFF_WRITING},
    "newsroom:revisions": {"GET": EVERYONE, "HEAD": EVERYONE, "POST": STAFF_WRITING},
    "newsroom:front": {"GET": EDITING, "HEAD": EDITING, "POST": EDITING},
    "newsroom:wire": {"GET": WIRE_DESK, "HEAD": WIRE_DESK},
    # The live desk: entries go straight to readers, so editors only (actions/live.py).
    "newsroom:live": {"GET": EDITING, "HEAD": EDITING, "POST": EDITING},
    # The body editor's choosers: read-only lookups for whoever writes.
    "newsroom:pictures": {"GET": STAFF_WRITING, "HEAD": STAFF_WRITING},
    "newsroom:stories": {"GET": STAFF_WRITING, "HEAD": STAFF_WRITING},
    "newsroom:embed": {"GET": STAFF_WRITING, "HEAD": STAFF_WRITING},
    # The writing screen (writing.py; its buttons post to newsroom:action): each save goes
    # through the actions, which check the person's role and the story's state again.
    "newsroom:story_new": {"GET": STAFF_WRITING, "HEAD": STAFF_WRITING, "POST": STAFF_WRITING},
    "newsroom:story": {"GET": STAFF_WRITING, "HEAD": STAFF_WRITING, "POST": STAFF_WRITING},
    "newsroom:story_note": {"POST": STAFF_WRITING},
    "newsroom:story_assign": {"POST": EDITING},
    "newsroom:story_preview": {"GET": STAFF_WRITING, "HEAD": STAFF_WRITING},
    "newsroom:story_history": {"GET": STAFF_WRITING, "HEAD": STAFF_WRITING},
    "newsroom:story_preflight": {"POST": STAFF_WRITING},
    "newsroom:labels": {"GET": STAFF_WRITING, "HEAD": STAFF_WRITING},
    # Static pages and the footer menu (pages_desk.py): writers draft, and each action
    # checks the role it needs again (actions/pages.py).
    "newsroom:pages": {"GET": STAFF_WRITING, "HEAD": STAFF_WRITING, "POST": STAFF_WRITING},
    "newsroom:page-edit": {"GET": STAFF_WRITING, "HEAD": STAFF_WRITING, "POST": STAFF_WRITING},
    # The newsletters desk (newsletters/desk.py): the briefing, breaking news, subscribers'
    # data on request. Each action checks the editor's role again.
    "newsroom:newsletters": {"GET": EDITING, "HEAD": EDITING, "POST": EDITING},
    # The API's token screen (api/views.py): each person's own tokens.
    "newsroom:tokens": {"GET": STAFF_WRITING, "HEAD": STAFF_WRITING, "POST": STAFF_WRITING},
    # Most read's counts per story (mostread/views.py): read-only, for the whole desk.
    "newsroom:mostread": {"GET": EVERYONE, "HEAD": EVERYONE},
}


def guard(view, name: str):
    rules = POLICY.get(name, {})

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        allowed = rules.get(request.method)
        if not request.user.is_authenticated:
            if allowed is None:
                return HttpResponseNotAllowed(sorted(rules))
            return redirect_to_login(request.get_full_path(), "/admin/login/")
        if allowed is None:
            return HttpResponseNotAllowed(sorted(rules))
        if not roles_of(request.user) & allowed:
            return HttpResponseForbidden("Your role does not allow this.")
        return view(request, *args, **kwargs)

    wrapped.dateline_route = name
    return wrapped


def route(route_path: str, view, name: str):
    return path(route_path, guard(view, f"newsroom:{name}"), name=name)
