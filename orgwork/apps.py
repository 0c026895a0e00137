from django.contrib.admin.apps import AdminConfig


class OrgworkAdminConfig(AdminConfig):
    """The admin, on orgwork's own site (header, index, dashboard)."""

    default_site = "orgwork.admin_site.OrgworkAdminSite"
