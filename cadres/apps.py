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

        # A year's result that called for follow-up wrote its checklist item's 问题描述 and
        # 责任人: they follow a corrected assessment (services.assessment_item_follows).
        from orgwork.rectification import closing

        from .services import ASSESSMENT_ITEM_FIELDS, assessment_closing_refusal

        closing.register("cadres.assessment", assessment_closing_refusal, governs=ASSESSMENT_ITEM_FIELDS)
