from django.apps import AppConfig


class UnitsConfig(AppConfig):
    name = "orgwork.units"
    label = "units"
    verbose_name = "单位与管辖范围"

    def ready(self) -> None:
        from orgwork.imports.registry import register

        from .resources import UnitResource

        register(UnitResource)
