from django.apps import AppConfig


class CadresConfig(AppConfig):
    name = "cadres"
    verbose_name = "干部管理"
