from django.apps import AppConfig


class SourcesConfig(AppConfig):
    name = "sources"
    verbose_name = "Sources"

    def ready(self):
        # Tasks register with Celery so services can queue them by name (newsdesk.dispatch).
        from sources import tasks  # noqa: F401
