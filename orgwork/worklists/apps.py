from django.apps import AppConfig


class WorklistsConfig(AppConfig):
    name = "orgwork.worklists"
    label = "worklists"
    verbose_name = "台账"
