"""What a changelist honours in its query string (列表页查询参数).

Django's changelist applies any lookup on any field of the model that the query string
names (``?gender__exact=2``, ``?name__regex=…``): an unindexed scan of a million rows
for anyone who types a URL, and for a related field a way to probe values the list
never shows. Here a changelist honours only:

- the parameters of its declared ``list_filter`` entries and its ``date_hierarchy``;
- the lookups an admin declares in ``extra_list_lookups``;
- the lookups a raw-id popup sends for a foreign key's ``limit_choices_to``;
- search (``q``), ordering (``o``), the page (``p``), ``all``, facets and the popup
  parameters, which Django reads itself.

Anything else is left out and the user is told so in Chinese (messages framework);
a malformed page, ordering or filter value gives the first page, the default order or
the unfiltered list, with a message — never a 500 and never the stock 400 page.

A filter value means something only when the filter offers it: a choice of the field's
choices, one of a simple filter's ``lookups``, a key of the related model's type. Any
other value (``?status__exact=zzz``, ``?paid=xx``), or a value of a filter that came out
offering nothing, gives the unfiltered list with the message, rather than an empty list
or the whole list in silence. A simple filter that lists only the likeliest of its values
(a year, a month, a unit down to two levels) says ``checks_own_values = True`` and raises
``IncorrectLookupParameters`` itself for a value that is none.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from typing import Any

from django.contrib import admin, messages
from django.contrib.admin import widgets
from django.contrib.admin.options import IS_FACETS_VAR, IS_POPUP_VAR, TO_FIELD_VAR, IncorrectLookupParameters
from django.contrib.admin.filters import ChoicesFieldListFilter, FieldListFilter, SimpleListFilter
from django.contrib.admin.utils import lookup_spawns_duplicates
from django.contrib.admin.views.main import (
    ALL_VAR,
    ERROR_FLAG,
    ORDER_VAR,
    PAGE_VAR,
    SEARCH_VAR,
    ChangeList,
    ChangeListSearchForm,
)
from django.core.validators import MaxLengthValidator, ProhibitNullCharactersValidator
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.http import HttpRequest, QueryDict

logger = logging.getLogger(__name__)

# Read by Django itself, or by the admin's own views; never a lookup.
PRESENTATION_PARAMS = (SEARCH_VAR, ORDER_VAR, ALL_VAR, IS_FACETS_VAR, IS_POPUP_VAR, TO_FIELD_VAR)
QUIET_PARAMS = (PAGE_VAR, ERROR_FLAG, "_changelist_filters")
# Longest filter value taken; a unit code, a year or a name is far shorter.
MAX_VALUE_LENGTH = 200
MAX_SEARCH_LENGTH = 200
SHOWN_NAMES = 5
ORDER_PART = re.compile(r"-?\d{1,4}")


# Set on a request whose rows go into a file (导出): the list's warnings are not shown
# on some later page, and the parameters the list would ignore are kept here, so the
# export can be refused instead of writing more rows than the link asked for.
QUIET = "orgwork_quiet_list"
IGNORED = "orgwork_ignored_lookups"


def tell(request: HttpRequest, text: str) -> None:
    """A warning on the next page the user sees (a request built without the messages
    middleware, as in tests, just goes without; an export's request keeps it quiet)."""
    if getattr(request, QUIET, False):
        return
    messages.warning(request, text, fail_silently=True)


def note_ignored(request: HttpRequest, keys: Iterable[str]) -> None:
    """Parameters of ``request`` the list drops without filtering by them."""
    ignored = request.__dict__.setdefault(IGNORED, [])
    ignored.extend(k for k in keys if k not in ignored)


def ignored_lookups(request: HttpRequest) -> list[str]:
    return list(getattr(request, IGNORED, []))


def shown(names: Iterable[str]) -> str:
    """Parameter names for a message: a few, each cut short."""
    names = list(names)
    cut = ["{}…".format(n[:30]) if len(n) > 30 else n for n in names[:SHOWN_NAMES]]
    more = f" 等 {len(names)} 项" if len(names) > SHOWN_NAMES else ""
    return "、".join(cut) + more


def field_filter_paths(model_admin: admin.ModelAdmin, request: HttpRequest | None) -> set[str]:
    """The field paths of the changelist's field filters ("rank", "organisation__domain")."""
    entries = model_admin.get_list_filter(request) if request is not None else model_admin.list_filter
    paths = set()
    for entry in entries:
        if isinstance(entry, (list, tuple)):
            entry = entry[0]
        if isinstance(entry, str):
            paths.add(entry)
    return paths


def declared_lookup(model_admin: admin.ModelAdmin, request: HttpRequest | None, lookup: str) -> bool:
    """Whether ``lookup`` belongs to a declared filter of the changelist: a simple
    filter's parameter, a parameter on the path of a field filter (the filter itself
    then takes only the parameters it expects), the date hierarchy's, or an extra
    lookup the admin declares."""
    if lookup in getattr(model_admin, "extra_list_lookups", ()):
        return True
    if model_admin.date_hierarchy and lookup in {f"{model_admin.date_hierarchy}__{part}"
                                                 for part in ("year", "month", "day")}:
        return True
    if any(lookup == path or lookup.startswith(path + "__") for path in field_filter_paths(model_admin, request)):
        return True
    entries = model_admin.get_list_filter(request) if request is not None else model_admin.list_filter
    return any(getattr(entry, "parameter_name", None) == lookup for entry in entries)


def popup_lookup(model_admin: admin.ModelAdmin, lookup: str, value: Any) -> bool:
    """A lookup a raw-id popup sends for a foreign key's ``limit_choices_to`` (Django's
    own rule, the first part of ``ModelAdmin.lookup_allowed``)."""
    for fk_lookup in model_admin.model._meta.related_fkey_lookups:
        if callable(fk_lookup):
            fk_lookup = fk_lookup()
        if (lookup, value) in widgets.url_params_from_lookup_dict(fk_lookup).items():
            return True
    return False


def positive_int(raw: str) -> bool:
    try:
        return int(raw) >= 1
    except ValueError:
        return False


def offered(value: Any, choices: Iterable[tuple[Any, Any]]) -> bool:
    return str(value) in {str(key) for key, _ in choices}


def meaningless_value(spec: Any) -> str | None:
    """The parameter of a filter whose value the filter does not offer (see the module
    docstring), or None."""
    if isinstance(spec, SimpleListFilter):
        value = spec.value()
        if value is None or getattr(spec, "checks_own_values", False):
            return None
        return None if offered(value, spec.lookup_choices) else spec.parameter_name
    if not isinstance(spec, FieldListFilter):
        return None
    field = spec.field
    for key, values in spec.used_parameters.items():
        if key.endswith("__isnull"):
            continue
        for value in values if isinstance(values, list) else [values]:
            try:
                if field.is_relation:
                    field.target_field.to_python(value)  # a key of the related model's type
                elif isinstance(spec, ChoicesFieldListFilter):
                    if not offered(field.to_python(value), field.flatchoices):
                        return key
            except ValidationError:
                return key
    return None


def unoffered_field_value(model: Any, key: str, values: list[str]) -> str | None:
    """A value of a field filter's parameter written without its ``__exact`` (``?category=zzz``,
    which Django applies as it stands and answers with an empty list) that the field cannot
    hold or does not offer among its choices, or None."""
    if "__" in key.removesuffix("__exact"):
        return None  # a related field's path, a lookup of its own: the filters check those
    try:
        field = model._meta.get_field(key.removesuffix("__exact"))
    except FieldDoesNotExist:
        return None
    if field.is_relation:
        return None
    for value in values:
        try:
            typed = field.to_python(value)
        except ValidationError:
            return value
        if field.choices and not offered(typed, field.flatchoices):
            return value
    return None


class SearchForm(ChangeListSearchForm):
    """The search box, with a message of our own for a NUL character (Django's
    translation of its own reads 不允许是用空字符串)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields[SEARCH_VAR].validators = [
            ProhibitNullCharactersValidator(message="搜索内容含有不可见字符，已按未搜索显示。"),
            MaxLengthValidator(MAX_SEARCH_LENGTH, message=f"搜索内容超过 {MAX_SEARCH_LENGTH} 个字，已按未搜索显示。"),
        ]


class HonouredChangeList(ChangeList):
    """A changelist that takes only the declared parameters of its query string."""

    search_form_class = SearchForm
    refused: list[str]

    def get_queryset(self, request: HttpRequest, exclude_parameters: Any = None) -> Any:
        if not hasattr(self, "refused"):
            self.refused = []
            self.refuse_unknown_params(request)
            self.check_ordering(request)
        try:
            return super().get_queryset(request, exclude_parameters)
        except (ValueError, TypeError, OverflowError, ValidationError) as exc:
            # A list filter of the project's own that met a value it does not expect.
            logger.info("changelist %s: filter value refused: %r", self.opts.label, exc)
            raise IncorrectLookupParameters(exc) from exc

    def refuse_unknown_params(self, request: HttpRequest) -> None:
        """Before any filter sees them: drop parameters no declared filter takes, and
        values no filter could mean (NUL characters, a value too long to be one)."""
        bad_values = []
        for key, values in list(self.filter_params.items()):
            if key in PRESENTATION_PARAMS or key in QUIET_PARAMS:
                continue
            if any("\x00" in v or len(v) > MAX_VALUE_LENGTH for v in values) or "\x00" in key:
                bad_values.append(key)
                self.drop(key)
            elif not all(self.model_admin.lookup_allowed(key, v, request) for v in values):
                self.refused.append(key)
                self.drop(key)
        for key in QUIET_PARAMS:
            if key != PAGE_VAR:
                self.drop(key)
        note_ignored(request, [*bad_values, *self.refused])
        if bad_values:
            tell(request, f"查询条件 {shown(k.replace(chr(0), '') for k in bad_values)} 的值无效（过长或含有不可见字符），已忽略。")

    def drop(self, key: str) -> None:
        self.filter_params.pop(key, None)
        self.params.pop(key, None)

    def check_ordering(self, request: HttpRequest) -> None:
        raw = self.params.get(ORDER_VAR)
        if raw is None:
            return
        parts = raw.split(".")
        good = [p for p in parts if ORDER_PART.fullmatch(p) and int(p.lstrip("-")) < len(self.list_display)]
        if len(good) == len(parts):
            return
        tell(request, "排序参数无效，已按默认顺序排列。" if not good else "部分排序参数无效，已忽略。")
        if good:
            self.params[ORDER_VAR] = ".".join(good)
            self.filter_params[ORDER_VAR] = [".".join(good)]
        else:
            self.drop(ORDER_VAR)

    def get_filters(self, request: HttpRequest) -> Any:
        specs, has_filters, remaining, _, active = super().get_filters(request)
        for spec in specs:
            if (key := meaningless_value(spec)) is not None:
                raise IncorrectLookupParameters(f"筛选条件 {key} 的值不是可选的值")
        honoured = set(getattr(self.model_admin, "extra_list_lookups", ()))
        if self.date_hierarchy:
            honoured |= {f"{self.date_hierarchy}__gte", f"{self.date_hierarchy}__lt"}
        # "year__exact" where the filter of "year" takes "year": the same column, and
        # what links built by hand naturally say.
        honoured |= {f"{path}__exact" for path in field_filter_paths(self.model_admin, request)}
        honoured |= field_filter_paths(self.model_admin, request)
        # What no declared filter took: only these, and a popup's limit_choices_to, stay.
        for key in list(remaining):
            if key in honoured:
                continue
            values = self.filter_params.get(key)
            if values and all(popup_lookup(self.model_admin, key, v) for v in values):
                continue
            self.refused.append(key)
            del remaining[key]
            self.drop(key)
        for key in remaining:
            if (bad := unoffered_field_value(self.model, key, self.filter_params.get(key) or [])) is not None:
                raise IncorrectLookupParameters(f"筛选条件 {key} 的值 {bad!r} 不是可选的值")
        note_ignored(request, self.refused)
        if self.refused and not getattr(self, "refusal_told", False):
            self.refusal_told = True
            tell(request, f"已忽略无法识别的查询条件：{shown(self.refused)}。列表只按页面上提供的筛选条件过滤。")
        # Django drops a filter that offers nothing (a simple filter whose lookups came
        # back empty for this value) and its parameter with it: the list would be the
        # whole list as if filtered.
        taken = set(remaining) | {p for spec in specs for p in spec.expected_parameters()}
        if self.date_hierarchy:
            taken |= {f"{self.date_hierarchy}__{part}" for part in ("year", "month", "day")}
        dropped = [key for key in self.get_filters_params() if key not in taken]
        if dropped:
            raise IncorrectLookupParameters(f"筛选条件 {shown(dropped)} 未能应用")
        duplicates = any(lookup_spawns_duplicates(self.lookup_opts, key) for key in remaining) or any(
            lookup_spawns_duplicates(self.lookup_opts, spec.field_path)
            for spec in specs if getattr(spec, "field_path", None) and getattr(spec, "used_parameters", None)
        )
        return specs, has_filters, remaining, duplicates, active

    def get_results(self, request: HttpRequest) -> None:
        raw = request.GET.get(PAGE_VAR)
        if raw is not None and not positive_int(raw):
            tell(request, "页码无效，已显示第 1 页。")
            self.page_num = 1
        try:
            super().get_results(request)
        except (ValueError, OverflowError) as exc:
            # Raised as the query is built for counting (a year out of Python's range):
            # before the database sees it, so the request can go on without the filters.
            raise IncorrectLookupParameters(exc) from exc
        except IncorrectLookupParameters:  # a page past the last
            paginator = self.model_admin.get_paginator(request, self.queryset, self.list_per_page)
            self.page_num = max(1, paginator.num_pages)
            tell(request, f"页码超出范围，已显示最后一页（第 {self.page_num} 页）。")
            super().get_results(request)
        else:
            if self.page_num > 1 and not self.multi_page:  # one page: Django shows it whatever p says
                tell(request, "页码超出范围，已显示第 1 页。")
                self.page_num = 1


def presentation_only(query: QueryDict, keep: Iterable[str]) -> QueryDict:
    """``query`` with only the parameters named in ``keep``."""
    plain = QueryDict(mutable=True)
    for key in keep:
        if key in query:
            plain.setlist(key, query.getlist(key))
    return plain


# Fallbacks, from the closest to the request to the plainest list.
FALLBACKS = (PRESENTATION_PARAMS, (IS_POPUP_VAR, TO_FIELD_VAR))


def changelist_or_unfiltered(build: Any, request: HttpRequest) -> Any:
    """``build(request)``, or, when the query's filter values cannot be applied, the
    list without them (and at last without its search) and a message saying so."""
    try:
        return build(request)
    except IncorrectLookupParameters as exc:
        logger.info("changelist %s: %r", request.path, exc)
        error: Exception = exc
    original = request.GET
    for keep in FALLBACKS:
        request.GET = presentation_only(original, keep)
        try:
            changelist = build(request)
        except IncorrectLookupParameters as exc:
            error = exc
            continue
        note_ignored(request, [key for key in original if key not in request.GET])
        tell(request, "查询条件无效，已显示未经筛选的列表。")
        return changelist
    raise error


class HonouredListMixin:
    """For a ModelAdmin: its changelist honours only what the list declares (see the
    module docstring), and a filter value it cannot apply gives the unfiltered list."""

    def lookup_allowed(self, lookup: str, value: Any, request: HttpRequest | None = None) -> bool:
        return popup_lookup(self, lookup, value) or declared_lookup(self, request, lookup)  # type: ignore[arg-type]

    def get_changelist(self, request: HttpRequest, **kwargs: Any) -> type[HonouredChangeList]:
        return HonouredChangeList

    def get_changelist_instance(self, request: HttpRequest) -> Any:
        # Here for exports too: not Django's bare redirect to "?e=1".
        return changelist_or_unfiltered(super().get_changelist_instance, request)  # type: ignore[misc]
