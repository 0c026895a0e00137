from django.apps import AppConfig


class TrainingConfig(AppConfig):
    """教育培训: 培训班与网络课程, 班次学员考勤, 年度学时与最低学时要求."""

    name = "cadres.training"
    label = "training"
    verbose_name = "教育培训"

    def ready(self) -> None:
        from orgwork.imports.registry import register

        from .resources import ClassAttendanceResource, OnlineCompletionResource

        register(ClassAttendanceResource)
        register(OnlineCompletionResource)

        from . import worklists

        worklists.register_all()
