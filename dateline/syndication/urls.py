from django.urls import path

from dateline.syndication import views

app_name = "syndication"

urlpatterns = [
    path("robots.txt", views.robots_txt, name="robots"),
    path("sitemap.xml", views.sitemap_index, name="sitemap-index"),
    path("sitemaps/<slug:section>.xml", views.sitemap, name="sitemap"),
    path("feeds/rss.xml", views.feed(), name="rss"),
    path("feeds/atom.xml", views.feed(atom=True), name="atom"),
    path("section/<str:slug>/rss.xml", views.feed("section"), name="section-rss"),
    path("section/<str:slug>/atom.xml", views.feed("section", atom=True), name="section-atom"),
    path("tag/<str:slug>/rss.xml", views.feed("tag"), name="tag-rss"),
    path("tag/<str:slug>/atom.xml", views.feed("tag", atom=True), name="tag-atom"),
    path("topic/<str:kind>/<str:slug>/rss.xml", views.feed("topic"), name="topic-rss"),
    path("topic/<str:kind>/<str:slug>/atom.xml", views.feed("topic", atom=True), name="topic-atom"),
    path("author/<str:slug>/rss.xml", views.feed("author"), name="author-rss"),
    path("author/<str:slug>/atom.xml", views.feed("author", atom=True), name="author-atom"),
    path("story/<str:slug>.ninjs.json", views.story_ninjs, name="ninjs"),
]
