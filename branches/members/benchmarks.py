"""The roster benchmark's contestants and its URL configuration.

``bench_members`` serves the project's member admin and a stock ``ModelAdmin`` of the
same model (the same columns and filters) side by side, so one run compares them on the
same table. The ratio is taken against the stock admin at its strongest: with the stock
options that make its list fastest (no second count of the whole table, our page size).
The same admin with Django's default options is served beside it and reported as well.
"""

from __future__ import annotations

from django.contrib import admin
from unfold.admin import ModelAdmin
from unfold.sites import UnfoldAdminSite
from django.urls import path

from orgwork.benchmarking import FastStockOptions

from .models import Member

# The stock contestants wear the same skin, so that only the admin code differs.
stock_site = UnfoldAdminSite(name="stock")
fast_site = UnfoldAdminSite(name="stock_fast")


class StockMemberAdmin(ModelAdmin):
    """A stock admin of the roster with Django's default options."""

    list_display = ["name", "id_number", "gender", "branch", "category", "joined_on", "full_on", "status",
                    "is_floating", "is_lost", "unpaid_months"]
    list_filter = ["category", "status", "dues_category", "is_floating", "is_lost"]
    search_fields = ["name", "id_number"]
    change_list_template = "admin/change_list.html"


class FastStockMemberAdmin(FastStockOptions, StockMemberAdmin):
    """The same with the stock options that make its list fastest."""


stock_site.register(Member, StockMemberAdmin)
fast_site.register(Member, FastStockMemberAdmin)

urlpatterns = [
    path("admin/", admin.site.urls),
    path("stock/", stock_site.urls),
    path("stock-fast/", fast_site.urls),
]
