from django.apps import AppConfig


class SeedsConfig(AppConfig):
    name = "seeds"
    verbose_name = "基础数据"
