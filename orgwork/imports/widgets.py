"""Cell widgets for spreadsheet import and export (django-import-export).

Every widget raises ``ValueError``/``ValidationError`` with a Chinese message that
names what is wrong with the cell; the import engine reports it against the row number
and column header.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from import_export.widgets import ForeignKeyWidget, Widget

from orgwork.common import dates, idnumber, numbers
from orgwork.units.models import Unit
from orgwork.units.scope import scope_queryset

from .probing import refuse_near_misses


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


@dataclass(frozen=True)
class SystemNumber:
    """A key cell that names a stored record by its system number (its primary key)
    rather than by its natural key: a checklist without a 文号 is written
    「无文号：…（系统编号57）」. The import engine finds the row's record by the number,
    among the importer's records, and the record keeps the stored value the cell stands
    for. A widget that returns one declares ``gives_system_numbers``."""

    value: int
    cell: str = field(default="", compare=False)  # as typed, for the row's messages


@dataclass(frozen=True)
class KeptMasked:
    """A masked ID number (``620102********2018``) in a column that names another record by
    its number (培养联系人一身份证号), where the widget ``keeps_masked``: most often an
    export or error workbook uploaded again whose mask could not be put back (the contact
    has since moved to another county), or a mask copied from the list onto any sheet. It
    stands for the record on file, unchanged, when that record's
    number masks to this text; anything else (a new row, another mask) is refused in the
    words a masked cell gets (``refusal``). It never names a record the importer cannot
    reach: it only keeps the one the row already holds."""

    text: str
    refusal: str = field(compare=False)


YEAR_SUFFIX = re.compile(r"\s*年度?$")


def _is_year(field: models.Field[Any, Any]) -> bool:
    """A column of years (考核年度 ``year``, 入选批次 ``batch_year``): the models name every
    year field so."""
    return field.name == "year" or field.name.endswith("_year")


def number_for(field: models.Field[Any, Any], value: Any) -> int | Decimal:
    """A number cell for an integer or decimal model field, strictly: text that is not a
    number, an integer field given a fraction (3.7 天) or more decimals than the field
    keeps (4500.555 元) is refused, never rounded; the field's own validators (不小于 0)
    then apply. Text is read as the page's number fields read it
    (:func:`orgwork.common.numbers.plain_number_text`): full-width digits are read as
    typed, commas only between thousands (1,234.5), never ``9,2``, ``8_8`` or ``٩٠``. The
    refusals carry codes (``not_a_number``, ``not_whole``, the validators' own) for a
    widget that words its column's rule itself."""
    if isinstance(value, bool):
        raise ValidationError(f"「{value}」不是数字。", code="not_a_number")
    if isinstance(value, str):
        text = value
        if _is_year(field):
            # 2025年 and 2025年度, as a year is written
            text = YEAR_SUFFIX.sub("", unicodedata.normalize("NFKC", value).strip())
        text = numbers.plain_number_text(text, value)
    else:
        text = repr(value) if isinstance(value, float) else str(value)
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValidationError(f"「{numbers.shown(value)}」不是数字。", code="not_a_number") from None
    if not number.is_finite():
        raise ValidationError(f"「{numbers.shown(value)}」不是数字。", code="not_a_number")
    result: int | Decimal
    if isinstance(field, models.DecimalField):
        places = Decimal(1).scaleb(-field.decimal_places)
        if number != number.quantize(places, rounding="ROUND_DOWN"):
            raise ValidationError(f"「{numbers.shown(value)}」最多保留 {field.decimal_places} 位小数。")
        # A spreadsheet's number (the float 6000.0) as the field keeps it (6000.00), in the
        # preview's 5600.00 → 6000.00 and in any message naming it; text as it was typed.
        result = number.quantize(places) if isinstance(value, float) else number
    else:
        if number != number.to_integral_value():
            raise ValidationError(f"「{numbers.shown(value)}」应填写整数。", code="not_whole")
        result = int(number)
    field.run_validators(result)
    return result


class DateWidget(Widget):
    """Any date spelling the kernel parser accepts; rendered as ``1975.06`` or ``1975-06-01``.
    ``need_day``: the column is a day its form asks for whole (an application, a
    meeting, a deadline), so a month alone is refused, not taken as its first day."""

    def __init__(self, month_only: bool = False, need_day: bool = False) -> None:
        super().__init__(coerce_to_string=True)
        self.month_only = month_only
        self.need_day = need_day

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> datetime.date | None:
        if is_blank(value):
            return None
        day = dates.parse_date(value, need_day=self.need_day)
        # A month column (党费的所属月份, 出生年月) names the month: its first day, whatever
        # day was typed, so that the row finds the month's record.
        return day.replace(day=1) if self.month_only and day is not None else day

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        if not value:
            return ""
        return dates.format_month(value) if self.month_only else value.isoformat()


class IDNumberWidget(Widget):
    """身份证号: normalised (full-width, spaces, lower-case x) and validated; an Excel
    number is refused with instructions to re-type the column as text."""

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> str:
        if is_blank(value):
            return ""
        return idnumber.clean(value, on_sheet=True)

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return value or ""


class ChoiceWidget(Widget):
    """A choice by its Chinese label (or an alias, or the stored value)."""

    def __init__(self, choices: Iterable[tuple[str, str]], aliases: dict[str, str] | None = None,
                 label: str = "") -> None:
        super().__init__(coerce_to_string=True)
        self.choices = list(choices)
        self.label = label
        self.lookup: dict[str, str] = {}
        for value, text in self.choices:
            self.lookup[str(value)] = value
            self.lookup[str(text)] = value
        for alias, target in (aliases or {}).items():
            self.lookup[alias] = self.lookup.get(target, target)

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> str:
        if is_blank(value):
            return ""
        key = str(value).strip()
        if key in self.lookup:
            return self.lookup[key]
        # Each choice in its own quotes: a choice may hold a comma (「考察合格，同意入库」).
        allowed = "".join(f"「{text}」" for _, text in self.choices)
        raise ValidationError(f"「{key}」不是可选值，可选：{allowed}。", code="invalid_choice")

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return dict(self.choices).get(value, value or "")


def any_case_first(queryset: models.QuerySet[Any], field: str, value: str) -> Any:
    """The record whose code ``field`` is ``value`` as typed, else whatever its case (of
    two codes differing only by case, the one in capitals); None if there is none."""
    found = queryset.filter(**{field: value}).first()
    if found is None:
        found = queryset.filter(**{f"{field}__iexact": value}).order_by(field).first()
    return found


class _NotFound:
    """A cached negative lookup: the message to raise for this cell value."""

    __slots__ = ("message",)

    def __init__(self, message: str) -> None:
        self.message = message


class ScopedForeignKeyWidget(ForeignKeyWidget):
    """A foreign key looked up only among the records the importing user may reach.

    The resource binds the user (``bind_user``); a value outside the scope is reported
    exactly like one that does not exist, so a sheet cannot probe other jurisdictions.
    Looked-up values are cached per import.
    """

    not_found_message = "「{value}」不存在或不在您的管辖范围内。"

    def __init__(self, model: type[models.Model], field: str = "pk", *, any_case: bool = False,
                 **kwargs: Any) -> None:
        """``any_case``: the key is a code written in capitals by convention, which a clerk
        may type in small letters (pb620102-001) or, with a Chinese input method, in
        full-width characters (ＰＢ６２０１０２－００１); it is matched whatever its case
        and width (should two codes differ only by case, the one in capitals)."""
        super().__init__(model, field=field, **kwargs)
        self.any_case = any_case
        self.user: Any = None
        self._cache: dict[str, Any] = {}

    def _key(self, value: str) -> str:
        return unicodedata.normalize("NFKC", value).upper() if self.any_case else value

    def bind_user(self, user: Any) -> None:
        self.user = user
        self._cache = {}

    def prefetch(self, values: Iterable[Any]) -> None:
        """Look up many cell values in one query (the import engine calls this per chunk);
        values that are not found are remembered so that ``clean`` raises without a query."""
        typed = {str(v).strip() for v in values if not is_blank(v)}
        keys = {self._key(v) for v in typed} - self._cache.keys()
        if not keys:
            return
        found = list(self.get_queryset(None, None).filter(**{f"{self.field}__in": keys | typed}))
        if self.any_case and (rest := keys - {self._key(str(getattr(obj, self.field))) for obj in found}):
            # Stored in small letters (the capitals are a convention): read on the key's upper case.
            found += self.get_queryset(None, None).annotate(_any_case=Upper(self.field)).filter(_any_case__in=rest)
        for obj in sorted(found, key=lambda obj: str(getattr(obj, self.field)) != self._key(str(getattr(obj, self.field)))):
            self._cache.setdefault(self._key(str(getattr(obj, self.field))), obj)
        for key in keys - self._cache.keys():
            self._cache[key] = _NotFound(self.not_found_message.format(value=key))

    def get_queryset(self, value: Any, row: Any, *args: Any, **kwargs: Any) -> models.QuerySet[Any]:
        return scope_queryset(self.model._default_manager.all(), self.user)

    def lookup(self, value: str, row: Any) -> Any:
        visible = self.get_queryset(value, row)
        if self.any_case:
            found = any_case_first(visible, self.field, unicodedata.normalize("NFKC", value))
        else:
            found = visible.filter(**{self.field: value}).first()
        if found is None:
            raise ValidationError(self.not_found_message.format(value=value), code="not_found")
        return found

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Any:
        if is_blank(value):
            return None
        key = str(value).strip()
        if isinstance(value, float) and value.is_integer():
            key = str(int(value))  # a code typed into a numeric cell
        if self._key(key) not in self._cache:
            try:
                self._cache[self._key(key)] = self.lookup(key, row)
            except ValidationError as exc:
                self._cache[self._key(key)] = _NotFound(exc.messages[0])
        found = self._cache[self._key(key)]
        if isinstance(found, _NotFound):
            raise ValidationError(found.message, code="not_found")
        return found


class UnitWidget(ScopedForeignKeyWidget):
    """单位: a unit code, whatever its case (``any_case``), a name that is unique within the
    user's scope, or the full name the pages show (兰州市城关区·东关镇).

    ``outside_by_code``: the column records history rather than scope (a post's 任职单位:
    a county's cadre may have served in the city). A code outside the user's scope is
    then found too and its unit's pk kept in ``outside``; the resource accepts it only
    where the row's record already holds that unit (:meth:`outside_refusal`), so an
    exported row comes back as it was and nothing new is placed outside the scope."""

    not_found_message = "单位「{value}」不存在或不在您的管辖范围内。"
    ambiguous_message = "单位名称「{value}」在您的管辖范围内不唯一，请填写单位代码。"

    def __init__(self, *, outside_by_code: bool = False, **kwargs: Any) -> None:
        super().__init__(Unit, field="code", any_case=True, **kwargs)
        self.outside_by_code = outside_by_code
        self.outside: set[int] = set()

    def bind_user(self, user: Any) -> None:
        super().bind_user(user)
        self.outside = set()

    def outside_refusal(self, unit_id: int | None, stored_unit_id: int | None) -> str | None:
        """The cell's refusal when it names a unit outside the scope that the record does
        not hold already, worded as for a unit that does not exist; else None."""
        if unit_id is None or unit_id not in self.outside or unit_id == stored_unit_id:
            return None
        code = Unit.objects.filter(pk=unit_id).values_list("code", flat=True).first()
        return self.not_found_message.format(value=code)

    def lookup(self, value: str, row: Any) -> Unit:
        try:
            return super().lookup(value, row)
        except ValidationError:
            pass
        named = list(self.get_queryset(value, row).filter(Q(name=value) | Q(full_name=value))[:2])
        if len(named) > 1:
            raise ValidationError(self.ambiguous_message.format(value=value), code="ambiguous")
        if not named and self.outside_by_code:
            found = any_case_first(Unit.objects.all(), self.field, unicodedata.normalize("NFKC", value))
            if found is not None:
                self.outside.add(found.pk)
                return found
        if not named:
            raise ValidationError(self.not_found_message.format(value=value), code="not_found")
        return named[0]

    def prefetch(self, values: Iterable[Any]) -> None:
        typed = {str(int(v)) if isinstance(v, float) and v.is_integer() else str(v).strip()
                 for v in values if not is_blank(v)}
        fresh = {v for v in typed if self._key(v) not in self._cache}
        if not fresh:
            return
        super().prefetch(fresh)
        # A cell that is no unit's code may be a unit's name.
        names = {v for v in fresh if isinstance(self._cache[self._key(v)], _NotFound)}
        if not names:
            return
        by_name: dict[str, list[Unit]] = {}
        for unit in self.get_queryset(None, None).filter(Q(name__in=names) | Q(full_name__in=names)):
            for typed in {unit.name, unit.full_name} & names:
                by_name.setdefault(typed, []).append(unit)
        for name in names:
            named = by_name.get(name, [])
            if len(named) == 1:
                self._cache[self._key(name)] = named[0]
            elif named:
                self._cache[self._key(name)] = _NotFound(self.ambiguous_message.format(value=name))
            else:
                self._cache[self._key(name)] = _NotFound(self.not_found_message.format(value=name))
        if self.outside_by_code:
            self._prefetch_outside({v for v in names if not by_name.get(v)})

    def _prefetch_outside(self, values: set[str]) -> None:
        """Codes found nowhere in the scope, looked up in the whole tree (``outside_by_code``)."""
        if not values:
            return
        keys = {self._key(v) for v in values}
        # Of two codes differing only by case, the one in capitals, as in the scope (``any_case_first``).
        found = sorted(Unit.objects.annotate(_any_case=Upper(self.field)).filter(_any_case__in=keys),
                       key=lambda unit: unit.code != self._key(unit.code))
        for unit in found:
            key = self._key(unit.code)
            if isinstance(self._cache.get(key), _NotFound):
                self._cache[key] = unit
                self.outside.add(unit.pk)

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return value.code if value else ""


class ByIdNumberWidget(ScopedForeignKeyWidget):
    """A person's record by their ID number, within the importer's scope. The cell is
    normalised first (full-width digits, spaces, a lower-case x) and an Excel number is
    refused with instructions; the not-found message never prints the number back.
    ``keeps_masked``: the column names a record the row holds besides its key (a
    培养联系人), and a masked cell stands for the one on file (:class:`KeptMasked`)."""

    def __init__(self, model: type[models.Model], *, keeps_masked: bool = False, **kwargs: Any) -> None:
        super().__init__(model, field="id_number", **kwargs)
        self.keeps_masked = keeps_masked

    @staticmethod
    def _normal(value: Any) -> str | None:
        try:
            return idnumber.normalise(value)
        except ValidationError:
            return None

    def prefetch(self, values: Iterable[Any]) -> None:
        wanted = {v for v in map(self._normal, values) if v}
        super().prefetch(wanted)
        refuse_near_misses(self.model, self.user, (v for v in wanted if isinstance(self._cache.get(v), _NotFound)))

    def lookup(self, value: str, row: Any) -> Any:
        try:
            return super().lookup(value, row)
        except ValidationError:
            refuse_near_misses(self.model, self.user, [value])
            raise

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Any:
        if is_blank(value):
            return None
        return super().clean(idnumber.clean(value, on_sheet=True), row, **kwargs)

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return value.id_number if value else ""
