from django.apps import AppConfig


class CodesConfig(AppConfig):
    name = "orgwork.codes"
    label = "codes"
    verbose_name = "代码表"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from . import lookup
        from .models import CodeItem

        # Reference data changes rarely; a save in this process drops the cached sets at once.
        post_save.connect(lookup.on_change, sender=CodeItem, dispatch_uid="codes-cache-save")
        post_delete.connect(lookup.on_change, sender=CodeItem, dispatch_uid="codes-cache-delete")
