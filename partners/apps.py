from django.apps import AppConfig


class PartnersConfig(AppConfig):
    name = "partners"
    verbose_name = "Partners"

    def ready(self):
        # Connect the story_changed receiver: every publish, update, correction and withdrawal
        # becomes a change event and webhook outbox rows in the same transaction.
        from partners import receivers  # noqa: F401
