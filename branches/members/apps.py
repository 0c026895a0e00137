from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "branches.members"
    label = "members"
    verbose_name = "党员与发展党员"

    def ready(self) -> None:
        from orgwork.imports.registry import register

        from .resources import AppraisalResource, ApplicantResource, DuesPaymentResource, MemberResource

        for resource in (MemberResource, ApplicantResource, DuesPaymentResource, AppraisalResource):
            register(resource)

        from . import worklists

        worklists.register_all()
