from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "branches.members"
    label = "members"
    verbose_name = "党员与发展党员"

    def ready(self) -> None:
        from orgwork.audit.actors import name_system_actor
        from orgwork.imports.registry import register

        for job, label in (("members_generate_dues", "每月生成党费"), ("members_check_arrears", "欠缴党费检查"),
                           ("members_applicants_sheet", "发展党员表导入"), ("members_dues_sheet", "党费交纳表导入"),
                           ("members_files_follow", "发展党员档案随转")):
            name_system_actor(job, label)

        from .resources import AppraisalResource, ApplicantResource, DuesPaymentResource, MemberResource

        for resource in (MemberResource, ApplicantResource, DuesPaymentResource, AppraisalResource):
            register(resource)

        from . import worklists

        worklists.register_all()
