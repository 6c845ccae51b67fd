from django.apps import AppConfig


class PicturesConfig(AppConfig):
    name = "pictures"
    verbose_name = "Pictures"

    def ready(self):
        # Tasks register with Celery so services can queue them by name (newsdesk.dispatch).
        from pictures import tasks  # noqa: F401
