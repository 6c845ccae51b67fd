from django.apps import AppConfig


class StoriesConfig(AppConfig):
    name = "stories"
    verbose_name = "Stories"

    def ready(self):
        # A story's revision holds its parts, citations (sources app) included.
        from stories import receivers, revisions  # noqa: F401 - receivers connect on import

        revisions.register_models()
