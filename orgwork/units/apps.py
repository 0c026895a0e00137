from django.apps import AppConfig


class UnitsConfig(AppConfig):
    name = "orgwork.units"
    label = "units"
    verbose_name = "单位与管辖范围"
