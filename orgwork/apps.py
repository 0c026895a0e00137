from axes.apps import AppConfig as AxesAppConfig
from django.contrib.admin.apps import AdminConfig


class OrgworkAdminConfig(AdminConfig):
    """The admin, on orgwork's own site (header, index, dashboard)."""

    default_site = "orgwork.admin_site.OrgworkAdminSite"

    def ready(self) -> None:
        super().ready()  # autodiscovers every app's admin module
        from django.contrib import admin

        from orgwork.admin_skin import reskin

        reskin(admin.site)


class AxesConfig(AxesAppConfig):
    """django-axes under a Chinese name (its app has none): the login records' section."""

    verbose_name = "登录安全"
