"""Pieces every audit-list FilterSet shares: the unit sub-tree choice and default values.

The list view builds a FilterSet with ``request=``; the unit choices come from
``units_visible_to(request.user)``, so a forged unit id outside the viewer's scope is a
form error rather than a wider list.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import django_filters
from django import forms
from django.forms.models import ModelChoiceIterator
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils import timezone

from orgwork.units.models import Unit
from orgwork.units.scope import units_visible_to


def visible_units(request: Any) -> QuerySet[Unit]:
    if request is None:
        return Unit.objects.none()
    return units_visible_to(request.user).order_by("path")


TREE_LEVELS = 2  # the choice list reaches two levels below the viewer's unit (province → counties)


class UnitTreeIterator(ModelChoiceIterator):
    """The units as an indented tree down to ``TREE_LEVELS`` below the shallowest one, so
    that a province clerk picks from about a hundred cities and counties, not from every
    township; a deeper unit already chosen (a link from a chart) stays in the list."""

    def __iter__(self) -> Any:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        units = list(self.queryset.only("pk", "code", "name", "full_name", "path"))
        if not units:
            return
        top = min(u.depth for u in units)
        chosen = {str(v) for v in getattr(self.field, "chosen_values", ())}
        for unit in units:
            below = unit.depth - top
            value = self.choice(unit)[0]
            if below <= TREE_LEVELS or str(value) in chosen:
                yield (value, "　" * below + (unit.name if below <= TREE_LEVELS else str(unit)))


class UnitTreeField(forms.ModelChoiceField):
    iterator = UnitTreeIterator


class UnitSubtreeFilter(django_filters.ModelChoiceFilter):
    """单位（含下级）: rows whose unit (``field_name`` is the lookup to it) lies in the chosen
    unit's sub-tree — a prefix match on the materialised path. Any unit in scope is
    accepted; the choice list shows the tree's upper levels (:class:`UnitTreeIterator`)."""

    field_class = UnitTreeField

    def __init__(self, field_name: str = "unit", **kwargs: Any) -> None:
        kwargs.setdefault("label", "单位（含下级）")
        kwargs.setdefault("empty_label", "全部")
        super().__init__(field_name=field_name, queryset=visible_units, **kwargs)

    @property
    def field(self) -> Any:
        field = super().field
        parent = getattr(self, "parent", None)
        data = getattr(parent, "data", None)
        names = [name for name, f in getattr(parent, "filters", {}).items() if f is self]
        field.chosen_values = data.getlist(names[0]) if names and hasattr(data, "getlist") else ()
        return field

    def filter(self, qs: Any, value: Unit | None) -> Any:
        if not value:
            return qs
        return qs.filter(**{f"{self.field_name}__path__startswith": value.path})


# The years a date can hold: a year filter outside them is a form error, not a query.
YEAR_MIN, YEAR_MAX = 1, 9999


def this_year() -> int:
    return timezone.localdate().year


def last_year() -> int:
    return timezone.localdate().year - 1


class WorkListFilterSet(django_filters.FilterSet):
    """A FilterSet whose ``defaults`` fill the parameters a request leaves out, so a list
    opens on a sensible period (the current year, 60 days ahead) and a link without the
    parameter means the same rows as the page. A parameter sent empty stays empty: the
    user asked for every year."""

    defaults: dict[str, Callable[[], Any]] = {}

    def __init__(self, data: Any = None, *args: Any, **kwargs: Any) -> None:
        if self.defaults:
            data = self.filled(data)
        super().__init__(data, *args, **kwargs)
        for name, filter_ in self.filters.items():
            # A year Python's dates cannot hold ("0", "10000", "2147483648") would pass the
            # number field and fail as the query is built (``__year`` turns it into a date
            # range): the form refuses it instead, as any bad filter value.
            if isinstance(filter_, django_filters.NumberFilter) and (
                    name == "year" or filter_.field_name.endswith("year")):
                filter_.field_class = forms.IntegerField  # a year is whole: 2025.5 and 1e3 are refused
                filter_.extra.setdefault("min_value", YEAR_MIN)
                filter_.extra.setdefault("max_value", YEAR_MAX)

    @classmethod
    def filled(cls, data: Any = None) -> QueryDict:
        """``data`` with today's defaults for the parameters it leaves out. A file queued
        for the worker stores its query filled (``views.export_response``): built after
        midnight or asked for again (重新生成), it is still the period the page showed."""
        filled = data.copy() if data is not None else QueryDict(mutable=True)
        for name, default in cls.defaults.items():
            if name not in filled:
                filled[name] = str(default())
        return filled


class RowList(list):  # type: ignore[type-arg]
    """Rows computed by a report query rather than a queryset; ``none()`` like a queryset,
    because the list view empties the rows of an invalid filter form that way."""

    def none(self) -> RowList:
        return RowList()

    def count(self) -> int:  # type: ignore[override]
        return len(self)
