"""The admin site every staff member works in."""

from django.contrib import admin


class OrgworkAdminSite(admin.AdminSite):
    site_header = "组织工作管理系统"
    site_title = "组织工作管理系统"
    index_title = "工作台"
    enable_nav_sidebar = True
