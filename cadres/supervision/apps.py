from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    """干部监督: 组织处理与影响期, 党纪政务处分, 凡提四必, 个人有关事项抽查核实, 档案审核, 因私出入境证件."""

    name = "cadres.supervision"
    label = "supervision"
    verbose_name = "干部监督"

    def ready(self) -> None:
        from orgwork.imports.registry import register

        from .resources import DisciplineFindingResource, HandlingRecordResource, PersonalMattersReportResource

        register(HandlingRecordResource)
        register(DisciplineFindingResource)
        register(PersonalMattersReportResource)

        from . import worklists

        worklists.register_all()
