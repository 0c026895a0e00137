from django.apps import AppConfig


class SecondmentConfig(AppConfig):
    """挂职与驻村: 挂职干部, 驻村第一书记 and 驻村工作队员 — assignments, 在岗抽查, yearly
    assessment, 召回/轮换."""

    name = "cadres.secondment"
    label = "secondment"
    verbose_name = "挂职与驻村"

    def ready(self) -> None:
        from cadres import extensions
        from orgwork.audit.actors import name_system_actor
        from orgwork.imports.registry import register

        name_system_actor("secondment_duty_sheet", "在岗抽查表导入")

        from . import worklists
        from .printing import resume_lines
        from .resources import AssignmentResource, DutyCheckResource

        register(AssignmentResource)
        register(DutyCheckResource)
        worklists.register_all()
        extensions.register_resume_lines(resume_lines)
