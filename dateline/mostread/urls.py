"""Most read's desk screen, mounted under /newsroom/ with the newsroom's own routes
(config/urls.py), guarded by the newsroom's one policy."""

from dateline.mostread import views
from dateline.newsroom.policy import route

urlpatterns = [
    route("most-read/", views.most_read, "mostread"),
]
