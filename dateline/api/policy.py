"""The API's one permission policy, in the newsroom's deny-by-default style
(newsroom/policy.py): for each operation, who may call it. An operation missing here
answers 403 to everyone (tests/test_policy.py fails on it first).

PUBLIC operations are the content API's reads. Every other operation needs a person's
token (tokens.py) whose owner holds one of the listed roles now; each newsroom action
checks the role it needs again, so this is the door, not the only lock."""

from __future__ import annotations

from functools import wraps

from django.http import JsonResponse

from dateline.newsroom.policy import EDITING, STAFF_WRITING
from dateline.newsroom.roles import roles_of

PUBLIC = "public"

POLICY: dict[str, object] = {
    "stories_list": PUBLIC,
    "story_by_id": PUBLIC,
    "story_by_slug": PUBLIC,
    "sections_list": PUBLIC,
    "authors_list": PUBLIC,
    "tags_list": PUBLIC,
    "topics_list": PUBLIC,
    "curated_list": PUBLIC,
    "front": PUBLIC,
    "me": STAFF_WRITING,
    "story_create": STAFF_WRITING,
    "story_get_draft": STAFF_WRITING,
    "story_update": STAFF_WRITING,
    "picture_upload": STAFF_WRITING,
    "story_submit": STAFF_WRITING,
    "story_approve": EDITING,
    "story_publish": EDITING,
    "story_schedule": EDITING,
    "story_unpublish": EDITING,
    "story_correct": EDITING,
}


def _refused(status: int, detail: str) -> JsonResponse:
    return JsonResponse({"detail": detail}, status=status)


def _carries_nul(request) -> bool:
    """A NUL character anywhere in what the caller sent: PostgreSQL cannot store or compare
    one in text, so it is refused here, before any query, on both databases alike."""
    if "\x00" in request.path or any("\x00" in v for _, vs in request.GET.lists() for v in vs):
        return True
    if request.content_type == "application/json":
        return b"\\u0000" in request.body
    if request.content_type == "multipart/form-data":  # file bytes may hold NULs; fields not
        return any("\x00" in v for _, vs in request.POST.lists() for v in vs)
    return False


def guard(view, operation_id: str):
    """`view` behind the policy's rule for `operation_id`."""
    rule = POLICY.get(operation_id)

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if rule is None:
            return _refused(403, "This operation is not open to anyone.")
        if _carries_nul(request):
            return _refused(422, "Text may not contain NUL characters.")
        if rule is not PUBLIC:
            token = getattr(request, "auth", None)
            user = getattr(token, "user", None)
            if user is None:
                return _refused(401, "A token is needed: Authorization: Bearer <token>.")
            if not roles_of(user) & rule:
                return _refused(403, "Your role does not allow this.")
        return view(request, *args, **kwargs)

    wrapped.dateline_operation = operation_id
    return wrapped
