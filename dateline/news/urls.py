from django.urls import path

from dateline.news import views

app_name = "news"

urlpatterns = [
    path("", views.front, name="front"),
    path("story/<str:slug>/", views.article, name="article"),
    path("section/<str:slug>/", views.section, name="section"),
    path("tag/<str:slug>/", views.tag, name="tag"),
    path("topic/<str:kind>/<str:slug>/", views.topic, name="topic"),
    path("author/<str:slug>/", views.author, name="author"),
    path("corrections/", views.corrections, name="corrections"),
    path("favicon.ico", views.favicon, name="favicon"),
]
