"""`newsroom_roles` for the newsroom's templates: the role names of whoever is signed in, so
the navigation offers only the screens the policy lets them open. Lazy: pages that do not
use it (admin) never ask the database."""

from django.utils.functional import SimpleLazyObject

from dateline.newsroom.roles import roles_of


def roles(request):
    return {
        "newsroom_roles": SimpleLazyObject(
            lambda: sorted(r.value for r in roles_of(getattr(request, "user", None)))
        )
    }
