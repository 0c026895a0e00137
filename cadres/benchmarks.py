"""The changelist benchmark's contestants and its URL configuration.

``bench_admin`` serves the project's cadre admin and a stock ``ModelAdmin`` of the same
model (unfold's, as every admin page here is unfold's) side by side (the same ten
columns, the filters and search the scenarios use), so one run compares them on the same
table. The stock admin keeps Django's default options, as the benchmark's target is set
against; the same admin with the stock options that make its list fastest (no second
count of the whole table, our page size) is served beside it and reported as well.
"""

from __future__ import annotations

from django.contrib import admin
from django.urls import path
from unfold.admin import ModelAdmin
from unfold.sites import UnfoldAdminSite

from orgwork.benchmarking import FastStockOptions

from .models import Cadre

stock_site = UnfoldAdminSite(name="stock")
fast_site = UnfoldAdminSite(name="stock_fast")


class StockCadreAdmin(ModelAdmin):
    # Our list's ten columns, as plain fields: the birth month, the ID number and the
    # unit that our admin formats (month only, masked, the unit's name) are shown raw.
    list_display = ["name", "gender", "birth_month", "id_number", "unit", "current_post", "rank", "grade",
                    "authority", "status"]
    list_filter = ["rank", "status"]
    search_fields = ["name", "id_number"]
    # Django's own page: the cadre app's template carries buttons only our admin serves.
    change_list_template = "admin/change_list.html"


class FastStockCadreAdmin(FastStockOptions, StockCadreAdmin):
    """The same with the stock options that make its list fastest."""


stock_site.register(Cadre, StockCadreAdmin)
fast_site.register(Cadre, FastStockCadreAdmin)

urlpatterns = [
    path("admin/", admin.site.urls),
    path("stock/", stock_site.urls),
    path("stock-fast/", fast_site.urls),
]
