from django.apps import AppConfig


class NewsroomConfig(AppConfig):
    name = "newsroom"
    verbose_name = "Newsroom"

    def ready(self):
        # Receivers connect on import; tasks register with Celery so services can queue them
        # by name (newsdesk.dispatch).
        from newsroom import receivers, tasks  # noqa: F401
