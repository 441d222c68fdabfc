"""The wire desk's routes, mounted under /newsroom/ with the newsroom's own (config/urls.py),
guarded by the newsroom's one policy like every other newsroom route."""

from dateline.ingest import views
from dateline.newsroom.policy import route

urlpatterns = [
    route("wire/", views.wire, "wire"),
]
