from django.apps import AppConfig


class RectificationConfig(AppConfig):
    name = "orgwork.rectification"
    label = "rectification"
    verbose_name = "整改清单"

    def ready(self) -> None:
        from orgwork.imports.registry import register

        from .resources import ChecklistResource, RectificationItemResource

        register(ChecklistResource)
        register(RectificationItemResource)

        from . import worklists

        worklists.register_all()
