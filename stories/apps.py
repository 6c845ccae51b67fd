from django.apps import AppConfig


class StoriesConfig(AppConfig):
    name = "stories"
    verbose_name = "Stories"

    def ready(self):
        # A story's revision holds its parts, citations (sources app) included.
        # Receivers connect on import; tasks register with Celery so services can queue them
        # by name (newsdesk.dispatch).
        from stories import receivers, revisions, tasks  # noqa: F401

        revisions.register_models()
