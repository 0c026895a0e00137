from django.apps import AppConfig


class TalentConfig(AppConfig):
    name = "talent"
    verbose_name = "人才工作"

    def ready(self) -> None:
        from orgwork.imports.registry import register

        from .resources import EnrollmentResource, FundingResource, PersonResource, TermReviewResource

        for resource in (PersonResource, EnrollmentResource, FundingResource, TermReviewResource):
            register(resource)

        from . import worklists

        worklists.register_all()
