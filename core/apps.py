from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Core helpers"

    def ready(self) -> None:
        from . import production  # noqa: F401  (registers the deploy check of the secrets)
