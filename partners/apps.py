from django.apps import AppConfig


class PartnersConfig(AppConfig):
    name = "partners"
    verbose_name = "Partners"

    def ready(self):
        # Connect the story_changed receiver: every publish, update, correction and withdrawal
        # becomes a change event and webhook outbox rows in the same transaction.
        # Tasks register with Celery so services can queue them by name (newsdesk.dispatch).
        from partners import receivers, tasks  # noqa: F401
