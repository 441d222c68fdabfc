"""The API's desk screen, mounted under /newsroom/ with the newsroom's own (config/urls.py),
guarded by the newsroom's one policy like every other newsroom route."""

from dateline.api import views
from dateline.newsroom.policy import route

urlpatterns = [
    route("tokens/", views.tokens, "tokens"),
]
