from django.apps import AppConfig


class NewsConfig(AppConfig):
    name = "dateline.news"
    label = "news"
    verbose_name = "News"
