from django.apps import AppConfig


class SelectionConfig(AppConfig):
    """选人用人监督: 一报告两评议, 离任检查, 带病提拔倒查."""

    name = "cadres.selection"
    label = "selection"
    verbose_name = "选人用人监督"

    def ready(self) -> None:
        from cadres.supervision.signals import basis_corrected, handling_recorded
        from orgwork.imports.registry import register

        from . import receivers, worklists
        from .resources import SelectionEvaluationResource

        register(SelectionEvaluationResource)
        handling_recorded.connect(receivers.open_look_back, dispatch_uid="selection_look_back")
        basis_corrected.connect(receivers.withdraw_look_back, dispatch_uid="selection_look_back_withdrawn")
        worklists.register_all()
