from django.apps import AppConfig


class CadresConfig(AppConfig):
    name = "cadres"
    verbose_name = "干部管理"
    business_roles = ("干部监督",)
    # Full ID numbers are granted person by person, never with a role.
    withheld_permissions = ("view_unmasked_id_number",)

    def ready(self) -> None:
        from orgwork.imports.registry import register

        from .resources import AssessmentResource, CadreResource, PostResource

        register(CadreResource)
        register(PostResource)
        register(AssessmentResource)

        from . import worklists

        worklists.register_all()
