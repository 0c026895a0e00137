from django.apps import AppConfig


class BranchesConfig(AppConfig):
    name = "branches"
    verbose_name = "基层党组织"
    business_roles = ("基层党建",)
