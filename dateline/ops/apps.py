from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "dateline.ops"
    label = "ops"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from dateline.ops import checks  # noqa: F401  (registers the deploy checks)
