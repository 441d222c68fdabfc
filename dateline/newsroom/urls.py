from dateline.newsroom import history, pages_desk, views, writing
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
    # The writing screen (writing.py) and a story's history (history.py).
    route("story/new/", writing.story_new, "story_new"),
    route("story/preflight/", writing.story_preflight, "story_preflight"),
    route("story/<int:pk>/", writing.story, "story"),
    route("story/<int:pk>/note/", writing.story_note, "story_note"),
    route("story/<int:pk>/assign/", writing.story_assign, "story_assign"),
    route("story/<int:pk>/preview/", writing.story_preview, "story_preview"),
    route("story/<int:pk>/history/", history.story_history, "story_history"),
    route("labels/", writing.labels, "labels"),
    route("pages/", pages_desk.pages, "pages"),
    route("pages/edit/", pages_desk.page_edit, "page-edit"),
    route("live/<int:article_id>/", live_desk, "live"),
]
