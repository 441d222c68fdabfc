from django.urls import path

from dateline.news import preview, views

app_name = "news"

urlpatterns = [
    path("", views.front, name="front"),
    path("story/<str:slug>/", views.article, name="article"),
    # A story before it is live, by a signed address that expires (news/preview.py).
    path("preview/<str:token>/", preview.preview, name="preview"),
    path("section/<str:slug>/", views.section, name="section"),
    path("tag/<str:slug>/", views.tag, name="tag"),
    path("topic/<str:kind>/<str:slug>/", views.topic, name="topic"),
    path("author/<str:slug>/", views.author, name="author"),
    path("corrections/", views.corrections, name="corrections"),
    path("favicon.ico", views.favicon, name="favicon"),
]
