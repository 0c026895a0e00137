from django.apps import AppConfig


class SeedsConfig(AppConfig):
    name = "seeds"
    verbose_name = "基础数据"

    def ready(self) -> None:
        from orgwork.audit.actors import name_system_actor

        name_system_actor("seed_demo", "演示数据")
