from django.apps import AppConfig


class TalentConfig(AppConfig):
    name = "talent"
    verbose_name = "人才工作"
    business_roles = ("人才工作",)
    # Full ID numbers are granted one person at a time, never with the role.
    withheld_permissions = ("view_unmasked_id_number",)

    def ready(self) -> None:
        from orgwork.imports.registry import register

        from .resources import EnrollmentResource, FundingResource, PersonResource, TermReviewResource

        for resource in (PersonResource, EnrollmentResource, FundingResource, TermReviewResource):
            register(resource)

        from . import worklists

        worklists.register_all()
