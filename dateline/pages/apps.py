from django.apps import AppConfig


class PagesConfig(AppConfig):
    name = "dateline.pages"
    label = "pages"
    verbose_name = "Static pages"
