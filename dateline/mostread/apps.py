from django.apps import AppConfig


class MostReadConfig(AppConfig):
    name = "dateline.mostread"
    label = "mostread"
    verbose_name = "Most read"
    default_auto_field = "django.db.models.BigAutoField"
