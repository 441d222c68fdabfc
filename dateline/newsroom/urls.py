from dateline.newsroom import views
from dateline.newsroom.live import live_desk
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
    route("live/<int:article_id>/", live_desk, "live"),
]
