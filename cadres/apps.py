from django.apps import AppConfig


class CadresConfig(AppConfig):
    name = "cadres"
    verbose_name = "干部管理"

    def ready(self) -> None:
        from orgwork.imports.registry import register

        from .resources import AssessmentResource, CadreResource, PostResource

        register(CadreResource)
        register(PostResource)
        register(AssessmentResource)

        from . import worklists

        worklists.register_all()
