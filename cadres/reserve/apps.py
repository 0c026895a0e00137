from django.apps import AppConfig


class ReserveConfig(AppConfig):
    """后备干部: pools per unit and level with a quota, entry by 推荐 and 考察, the yearly 动态调整."""

    name = "cadres.reserve"
    label = "reserve"
    verbose_name = "后备干部"

    def ready(self) -> None:
        from orgwork.imports.registry import register

        from .resources import ReserveMemberResource

        register(ReserveMemberResource)

        from . import worklists

        worklists.register_all()
