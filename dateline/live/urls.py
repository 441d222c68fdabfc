from django.urls import path

from dateline.live import views
from dateline.live.feeds import LiveFeed
from dateline.syndication.views import public

app_name = "live"

urlpatterns = [
    path("story/<str:slug>/live.json", views.fragment, name="fragment"),
    path("story/<str:slug>/live/rss.xml", public(LiveFeed()), name="rss"),
    path("story/<str:slug>/live/atom.xml", public(LiveFeed(atom=True)), name="atom"),
]
