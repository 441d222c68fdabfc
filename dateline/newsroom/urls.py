from dateline.newsroom import pages_desk, views
from dateline.newsroom.policy import route

app_name = "newsroom"

urlpatterns = [
    route("", views.queue, "queue"),
    route("action/", views.action, "action"),
    route("front/", views.front, "front"),
    route("revisions/", views.revisions, "revisions"),
    route("autosave/", views.autosave, "autosave"),
    route("pictures/", views.pictures, "pictures"),
    route("stories/", views.stories, "stories"),
    route("embed/", views.embed, "embed"),
    route("pages/", pages_desk.pages, "pages"),
    route("pages/edit/", pages_desk.page_edit, "page-edit"),
]
