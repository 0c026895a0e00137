from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "orgwork.imports"
    label = "imports"
    verbose_name = "数据导入"
    business_roles = ("干部监督", "基层党建", "人才工作")
    # Abandoning someone else's import job is granted person by person (see access.py).
    withheld_permissions = ("change_importjob",)
