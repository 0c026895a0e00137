"""A test admin site with a changelist that carries the 导入/导出/下载模板 buttons.

No domain admin is needed to test the mixin: a small admin over Cadre with the test
resource stands in for the ones the domain apps add.
"""

from __future__ import annotations

from django.urls import path
from unfold.sites import UnfoldAdminSite

from cadres.models import Cadre
from orgwork.admin_base import ScopedModelAdmin
from orgwork.imports.admin import ImportExportMixin, ImportJobAdmin
from orgwork.imports.models import ImportJob

site = UnfoldAdminSite(name="admin")  # the admin pages are unfold's, and link to its views


class CadreSheetAdmin(ImportExportMixin, ScopedModelAdmin):
    # The cadre app's own changelist template links to views only the real site serves.
    change_list_template = "admin/change_list.html"
    import_resource = "test_cadres"
    list_display = ["name", "unit"]
    list_filter = ["unit"]
    search_fields = ["name"]


site.register(Cadre, CadreSheetAdmin)
site.register(ImportJob, ImportJobAdmin)

urlpatterns = [path("admin/", site.urls)]
