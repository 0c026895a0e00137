"""The roster benchmark's two contestants and its URL configuration.

``bench_members`` serves the project's member admin and a stock ``ModelAdmin`` of the
same model side by side (the same columns and filters, Django's default options), so one
run compares them on the same table.
"""

from __future__ import annotations

from django.contrib import admin
from unfold.admin import ModelAdmin
from unfold.sites import UnfoldAdminSite
from django.urls import path

from .models import Member

# The stock contestant wears the same skin, so that only the admin code differs.
stock_site = UnfoldAdminSite(name="stock")


class StockMemberAdmin(ModelAdmin):
    list_display = ["name", "id_number", "gender", "branch", "category", "joined_on", "full_on", "status",
                    "is_floating", "is_lost", "unpaid_months"]
    list_filter = ["category", "status", "dues_category", "is_floating", "is_lost"]
    search_fields = ["name", "id_number"]
    change_list_template = "admin/change_list.html"


stock_site.register(Member, StockMemberAdmin)

urlpatterns = [
    path("admin/", admin.site.urls),
    path("stock/", stock_site.urls),
]
