"""How a 台账 table shows its cells (台账单元格): the ``cell_class`` filter, the rule of
:mod:`orgwork.common.display`."""

from __future__ import annotations

from django import template

from orgwork.common.display import cell_class

register = template.Library()
register.filter("cell_class", cell_class)
