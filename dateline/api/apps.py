from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "dateline.api"
    label = "api"
    verbose_name = "API"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The newsroom announces what its actions did; the webhooks listen. Registered
        # here, explicitly, since the newsroom may not import the API.
        from dateline.api import webhooks
        from dateline.newsroom import events

        events.listen(webhooks.story_event)
