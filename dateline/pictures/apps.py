from django.apps import AppConfig


class PicturesConfig(AppConfig):
    name = "dateline.pictures"
    label = "pictures"
    verbose_name = "Picture library"
