from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "dateline.search"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from dateline.search.backends import sqlite

        # The SQLite index triggers call a Python function to turn a stored body into the
        # text that is indexed; every connection must know it before it writes a story.
        connection_created.connect(sqlite.register_functions, dispatch_uid="dateline-search")
