from django.apps import AppConfig


class TalentConfig(AppConfig):
    name = "talent"
    verbose_name = "人才工作"

    def ready(self) -> None:
        from orgwork.audit.actors import name_system_actor
        from orgwork.imports.registry import register

        name_system_actor("talent_expire_terms", "人才期满处理")
        name_system_actor("talent_apply_reviews", "聘期考核结果处理")

        from .resources import EnrollmentResource, FundingResource, PersonResource, TermReviewResource

        for resource in (PersonResource, EnrollmentResource, FundingResource, TermReviewResource):
            register(resource)

        from . import worklists

        worklists.register_all()
