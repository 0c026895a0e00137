"""Base admin classes: every admin in orgwork is scoped to the user's jurisdiction.

Subclass :class:`ScopedModelAdmin` (or :class:`ScopedInline`) and the changelist,
the change/add forms (FK and M2M choices: a forged id is a form error), the
autocomplete answers, the related-object list filters, the history page, the delete
confirmation and every action only ever see records inside the user's unit subtree.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import quote_plus

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import flatten_fieldsets
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import SEARCH_VAR
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import NON_FIELD_ERRORS, EmptyResultSet, FieldDoesNotExist, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import connections, models, router, transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from unfold.admin import ModelAdmin as UnfoldModelAdmin
from unfold.admin import StackedInline as UnfoldStackedInline
from unfold.admin import TabularInline as UnfoldTabularInline

from orgwork.admin_actions import BATCH_MAX
from orgwork.admin_changelist import HonouredListMixin, note_ignored, tell
from orgwork.admin_not_found import RecordNotFoundMixin
from orgwork.admin_widgets import (KeyCheckedAutocompleteSelect, KeyCheckedAutocompleteSelectMultiple, key_holds,
                                   skin_file_inputs)
from orgwork.audit.presentation import readable_entries
from orgwork.common import dates, idnumber, numbers, secrets
from orgwork.common.numbers import PlainDecimalField, PlainIntegerField
from orgwork.audit.models import AuditLog
from orgwork.common.caching import TimedCache
from orgwork.common.versioning import Versioned
from orgwork.imports import probing
from orgwork.imports.probing import audit_refusal
from orgwork.routers import reading_from_replica
from orgwork.units.models import PATH_SEPARATOR, Unit
from orgwork.units.scope import home_unit, is_scoped, scope_field_of, scope_queryset, sees_everything, units_visible_to

HISTORY_LIMIT = 500
EXACT_COUNT_LIMIT = 1_000
ESTIMATE_SECONDS = 30


# Estimates of large lists, by query: every page of a list, and every reload, has the
# same count, and an estimate a few seconds old is as good as a new one.
_estimates: TimedCache[int] = TimedCache(ESTIMATE_SECONDS, 512)
# The 单位（含下级） filter's choices per jurisdiction. Units change seldom: a unit saved or
# deleted in this process clears them at once, in another process within the minute.
UNIT_CHOICES_SECONDS = 60
_unit_choices: TimedCache[list[tuple[str, str]]] = TimedCache(UNIT_CHOICES_SECONDS, 256)


@receiver([post_save, post_delete], sender=Unit, dispatch_uid="orgwork.admin_base.unit_choices")
def _forget_unit_choices(**kwargs: Any) -> None:
    _unit_choices.clear()


def once_per_record(method: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    """An admin method shown as a read-only field that queries, worked out once per
    record: unfold asks for such a field three times on a record page (to choose the
    row's classes, to build the field, to draw its contents). The value is kept on the
    record instance, which lives for one request."""
    name = method.__name__

    @functools.wraps(method)
    def once(self: Any, obj: Any) -> Any:
        if obj is None or obj.pk is None:
            return method(self, obj)
        worked_out = obj.__dict__.setdefault("_orgwork_once", {})
        if name not in worked_out:
            worked_out[name] = method(self, obj)
        return worked_out[name]
    return once


class EstimatedCountPaginator(Paginator):
    """Counts exactly up to ``EXACT_COUNT_LIMIT`` rows (one capped query); past that,
    on PostgreSQL, takes the planner's estimate (EXPLAIN), which costs a millisecond
    instead of a scan of a million rows. An estimate is reused for the same query
    (same filters, search and jurisdiction) for ``ESTIMATE_SECONDS``; an exact count
    is always taken afresh."""

    @cached_property
    def count(self) -> int:
        queryset = self.object_list
        if not isinstance(queryset, models.QuerySet) or connections[queryset.db].vendor != "postgresql":
            return super().count
        # The keys alone, unordered: the same rows to estimate, and a fifth of the
        # planning time of the page's query (no sort, no joined columns to select).
        try:
            sql, params = queryset.order_by().values("pk").query.sql_with_params()
        except EmptyResultSet:
            # A query Django knows matches nothing has no SQL to estimate: .none() (no
            # jurisdiction, a unit outside it), a number beyond its column's range.
            return 0
        remembered = (queryset.db, sql, repr(params))
        estimate = _estimates.get(remembered)
        if estimate is not None:
            return estimate
        capped = queryset.order_by()[: EXACT_COUNT_LIMIT + 1].count()
        if capped <= EXACT_COUNT_LIMIT:
            return capped
        estimate = max(planner_estimate(queryset.db, sql, params), capped)
        _estimates.put(remembered, estimate)
        return estimate


def planner_estimate(alias: str, sql: str, params: Any) -> int:
    """The rows PostgreSQL's planner expects ``sql`` to return."""
    with connections[alias].cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


def scoped_choices(model: type[models.Model], request: HttpRequest) -> models.QuerySet[Any]:
    qs = model._default_manager.all()
    return scope_queryset(qs, request.user) if is_scoped(model) else qs


class ScopedRelatedFieldListFilter(admin.RelatedFieldListFilter):
    """The stock related filter lists every target row; this one lists the visible ones."""

    def field_choices(self, field: Any, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[Any, str]]:
        qs = scoped_choices(field.related_model, request)
        ordering = self.field_admin_ordering(field, request, model_admin)
        if ordering:
            qs = qs.order_by(*ordering)
        return [(obj.pk, str(obj)) for obj in qs[:500]]


class StateFilter(admin.SimpleListFilter):
    """The filter of a register's state field (党籍状态) that starts on the state of those in
    it (在册): a 名册 lists who is on it, and who left (转出、出党、去世…) is one pick away,
    under their state or 全部. A search without a pick looks among everyone, so one who
    left is found by name or number. The parameter is the field filter's own
    (``status__exact``), which links and bookmarks already carry. A subclass names the
    ``field`` and its ``default`` value; the title and the states are the field's.

    Where those in the register are in more than one state (后备干部: 已推荐待考察 and 在库),
    ``groups`` names such a set under a key of its own, offered beside 全部, and the key can
    be the ``default``. ``implied_by`` names other filters' parameters that pick states of
    their own (出库原因 picks those 已调整出库): with one of them and no pick here, the list
    starts from everyone, as a search does, instead of showing nothing."""

    field = "status"
    default: str
    groups: dict[str, tuple[str, tuple[str, ...]]] = {}  # key: (label, states)
    implied_by: tuple[str, ...] = ()
    EVERYONE = "all"

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.parameter_name = f"{cls.field}__exact"  # read off the class by the list's declared parameters

    def __init__(self, request: HttpRequest, params: Any, model: Any, model_admin: Any) -> None:
        self.title = model._meta.get_field(self.field).verbose_name
        super().__init__(request, params, model, model_admin)

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(self.EVERYONE, "全部"), *((key, label) for key, (label, _) in self.groups.items()),
                *model_admin.model._meta.get_field(self.field).flatchoices]

    def value(self) -> str:
        picked = super().value()
        if picked is not None:
            return picked
        asked = self.request.GET
        if asked.get(SEARCH_VAR, "").strip() or any(asked.get(name) for name in self.implied_by):
            return self.EVERYONE
        return self.default

    def starting_label(self) -> str | None:
        """The name of the state (or group) the list starts on, while it shows that
        without a pick (no search, no implied filter): 在册, 在库及待考察; else None. The
        page's header says so (``list_starting_state``): a list cut to one state should
        say which, and how to see the rest."""
        if super().value() is not None or self.value() != self.default:
            return None
        return dict(self.lookup_choices).get(self.default)

    def queryset(self, request: HttpRequest, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        value = self.value()
        if value == self.EVERYONE:
            return queryset
        if value in self.groups:
            return queryset.filter(**{f"{self.field}__in": self.groups[value][1]})
        return queryset.filter(**{self.field: value})

    def choices(self, changelist: Any) -> Iterator[dict[str, Any]]:
        facets = self.get_facet_queryset(changelist) if changelist.add_facets else None
        for i, (lookup, title) in enumerate(self.lookup_choices):  # 全部 is one of them, not the default
            if facets is not None:
                title = f"{title} ({facets[f'{i}__c']})"
            yield {"selected": self.value() == lookup, "display": title,
                   "query_string": changelist.get_query_string({self.parameter_name: lookup})}


UNIT_SLOT = "orgworkunitslot"  # stands for a unit's code in a filter link; URL encoding leaves it as it is


class UnitSubtreeFilter(admin.SimpleListFilter):
    """单位（含下级）: pick a unit, see its records and those of every unit below it."""

    title = "单位（含下级）"
    parameter_name = "unit_tree"
    max_depth_below_home = 2
    checks_own_values = True  # any unit of the jurisdiction, listed or deeper; see queryset()

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        """The units of the user's jurisdiction down to two levels below their own, kept
        a minute per jurisdiction (``_unit_choices``): every list page draws them."""
        user = request.user
        home = home_unit(user)
        everything = sees_everything(user)
        base_depth = home.depth if home is not None and not everything else 1
        key = (everything, home.path if home is not None else None, base_depth, self.max_depth_below_home)
        return list(_unit_choices.get_or_set(key, lambda: self._read_choices(user, base_depth)))

    def _read_choices(self, user: Any, base_depth: int) -> list[tuple[str, str]]:
        # Deeper units are left out in SQL: a province has some 1,500 units, of which
        # the list shows the hundred down to the counties.
        segment = f"[^{re.escape(PATH_SEPARATOR)}]+{re.escape(PATH_SEPARATOR)}"
        units = (
            units_visible_to(user)
            .filter(path__regex=f"^({segment}){{1,{base_depth + self.max_depth_below_home}}}$")
            .values_list("code", "name", "path")
        )
        return [(code, "　" * max(0, path.count(PATH_SEPARATOR) - base_depth) + name) for code, name, path in units]

    def choices(self, changelist: Any) -> Iterator[dict[str, Any]]:
        """Django's choices, with each unit's link made from one query string for the
        page: Django rebuilds and re-encodes the whole query string for each of the
        hundred units. Its parameters are encoded in order of name, so the unit's code,
        URL-encoded as Django encodes it, takes a placeholder's place exactly."""
        template = changelist.get_query_string({self.parameter_name: UNIT_SLOT})
        head, found, tail = template.partition(UNIT_SLOT)
        if changelist.add_facets or not found or UNIT_SLOT in tail:
            yield from super().choices(changelist)
            return
        value = self.value()
        yield {"selected": value is None, "query_string": changelist.get_query_string(remove=[self.parameter_name]),
               "display": _("All")}
        for code, title in self.lookup_choices:
            yield {"selected": value == str(code), "query_string": head + quote_plus(str(code)) + tail, "display": title}

    def queryset(self, request: HttpRequest, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        code = self.value()
        if not code:
            return queryset
        unit = units_visible_to(request.user).filter(code=code).first()
        if unit is None:
            # Said once, on the list: an export's request keeps quiet (``tell``) and is refused
            # for it, as for any parameter the list ignores, rather than writing an empty file.
            note_ignored(request, [self.parameter_name])
            tell(request, f"单位代码「{code[:30]}」不存在或不在您的管辖范围内，列表为空。")
            return queryset.none()
        field = scope_field_of(queryset.model)
        if field == "":
            return queryset.filter(path__startswith=unit.path)
        # An id list, not a join on the path prefix: see orgwork.units.scope.scope_queryset.
        ids = list(Unit.objects.filter(path__startswith=unit.path).values_list("pk", flat=True))
        return queryset.filter(**{f"{field}__in": ids})


ID_NUMBER_INPUT_LENGTH = 40  # 18 characters and the spaces a paste brings along


class ScopedFormFieldsMixin:
    """Scope the choices of every FK and M2M field, including autocomplete widgets, which
    are the key-checked ones (:mod:`orgwork.admin_widgets`)."""

    def _autocomplete_widget(self, db_field: Any, request: HttpRequest, kwargs: dict[str, Any],
                             widget: type[Any]) -> None:
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):  # type: ignore[attr-defined]
            kwargs["widget"] = widget(db_field, self.admin_site, using=kwargs.get("using"))  # type: ignore[attr-defined]

    def formfield_for_dbfield(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if isinstance(db_field, models.DecimalField) and "form_class" not in kwargs:
            kwargs["form_class"] = PlainDecimalField  # 1e3 is not an amount anyone typed
        elif isinstance(db_field, models.IntegerField) and "form_class" not in kwargs:
            kwargs["form_class"] = PlainIntegerField  # nor 8_8 or ٩٠ a count: as the sheet reads it
        field = super().formfield_for_dbfield(db_field, request, **kwargs)  # type: ignore[misc]
        if (field is not None and isinstance(db_field, models.DateField)
                and not isinstance(db_field, models.DateTimeField)):
            # Refused on the field, before a form's clean() computes from 0001-01-01.
            field.validators.append(dates.validate_in_range)
        if field is not None and (floor := numbers.floor_message(db_field)) is not None:
            # A count below its floor in the field's own words, as the sheet says it
            # (the form field's generic floor of 0 would say 「不能小于 0。」).
            field.error_messages["min_value"] = floor
        if field is not None and secrets.sensitive_fields(db_field.model).get(db_field.name) == secrets.ID_NUMBER:
            # A number pasted with spaces around it: the input takes it whole and the field
            # strips it; an 18-character maxlength would cut off its last character.
            field.widget.attrs["maxlength"] = str(ID_NUMBER_INPUT_LENGTH)
        return field

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if "queryset" not in kwargs and is_scoped(db_field.related_model):
            kwargs["queryset"] = scoped_choices(db_field.related_model, request)
        self._autocomplete_widget(db_field, request, kwargs, KeyCheckedAutocompleteSelect)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if "queryset" not in kwargs and is_scoped(db_field.remote_field.model):
            kwargs["queryset"] = scoped_choices(db_field.remote_field.model, request)
        self._autocomplete_widget(db_field, request, kwargs, KeyCheckedAutocompleteSelectMultiple)
        return super().formfield_for_manytomany(db_field, request, **kwargs)  # type: ignore[misc]


VERSION_FIELD = "seen_version"


class VersionCheckForm(forms.ModelForm):
    """Refuses the second of two edits made from the same version (optimistic locking).

    The row is locked while the form is validated (the admin's change view runs in one
    transaction), so the check and the save cannot interleave with another save. On a
    conflict the user's input stays on the form; the hidden version is moved on so that
    submitting again, after looking at the newer record, deliberately overwrites it.
    """

    seen_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields[VERSION_FIELD].initial = self.instance.version

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if self.instance.pk:
            current = (
                type(self.instance)._default_manager.select_for_update()
                .filter(pk=self.instance.pk).values_list("version", flat=True).first()
            )
            seen = cleaned.get(VERSION_FIELD)
            if current is not None and seen != current:
                self.data = self.data.copy()
                self.data[self.add_prefix(VERSION_FIELD)] = str(current)
                raise ValidationError(
                    "保存冲突：您编辑期间，该记录已被他人修改并保存（您打开时为第 %(seen)s 版，现为第 %(current)s 版）。"
                    "您的修改尚未保存，仍保留在下方表单中；请在新窗口查看最新内容，确认后再次提交将以您的内容为准。",
                    code="version_conflict",
                    params={"seen": seen, "current": current},
                )
            self.instance.version = current
        return cleaned


REFUSAL_ATTRIBUTE = "_orgwork_save_refusal"


class RefusedForm(forms.BaseForm):
    """A model form drawn again after its save was refused: the refusal's messages on the
    fields they name (on the form as a whole for fields it does not show), so the clerk
    sees why and can correct the entry."""

    refusal: ValidationError

    def _post_clean(self) -> None:
        super()._post_clean()  # type: ignore[misc]
        messages_by_field = getattr(self.refusal, "error_dict", None) or {NON_FIELD_ERRORS: self.refusal.error_list}
        for field, errors in messages_by_field.items():
            shown = field if field in self.fields else None
            for error in errors:
                self.add_error(shown, error.messages if isinstance(error, ValidationError) else error)


class ProbeGuardForm(forms.BaseForm):
    """An add form whose 身份证号 is tried out (身份证号试探, ``orgwork.imports.probing``):
    for a user without the right to whole numbers, a number of the same masked form as a
    person of his jurisdiction — that person's own number included — is refused with one
    message and audited, whatever else the form says. Without this, the own number was
    answered 「已被使用」 and the others apart, and a form with another error answered the
    others nothing and audited nothing. The number of a person outside his jurisdiction
    is refused as the model refuses it, and the try is audited on that person."""

    probe_actor: Any = None

    def _post_clean(self) -> None:
        super()._post_clean()  # type: ignore[misc]
        try:
            number = idnumber.normalise(getattr(self.instance, "id_number", None))
        except ValidationError:
            return  # the field's own check says what is wrong with it
        refusal = probing.form_probe(type(self.instance), self.probe_actor, number)
        if refusal is None:
            if (person := probing.held_elsewhere(type(self.instance), self.probe_actor, number)) is not None:
                probing.audit_elsewhere(person, self.probe_actor, probing.FORM_ELSEWHERE_AUDIT_MESSAGE)
            return
        self._errors.pop("id_number", None)  # 「已被使用」 or the like would tell the number apart
        self.add_error("id_number" if "id_number" in self.fields else None, refusal.messages)
        refusal.audit()


# Labels a related record's field takes its record's name in front of (单位 + 名称 → 单位名称).
GENERIC_LABELS = ("名称", "姓名", "代码", "编号", "简称", "全称")


def search_hint(model: type[models.Model], search_fields: Any) -> str | None:
    """What a list's search box matches, in Chinese, from its ``search_fields``:
    ``["=letter_number", "^member__name"]`` gives 输入完整介绍信编号或党员姓名开头. None if a
    field cannot be named (the box then keeps the skin's own placeholder)."""
    labels = []
    for entry in search_fields:
        mode, path = (entry[0], entry[1:]) if entry[:1] in "^=@" else ("", entry)
        parts = path.split("__")
        current, relation, field = model, None, None
        try:
            for index, part in enumerate(parts):
                field = current._meta.get_field(part)
                if index < len(parts) - 1:  # a relation to follow
                    relation, current = field, field.related_model
        except (FieldDoesNotExist, AttributeError):  # a transform or lookup rather than a field
            return None
        if field is None or field.is_relation:
            return None
        label = str(field.verbose_name)
        if relation is not None and label in GENERIC_LABELS:
            label = str(relation.verbose_name) + label
        labels.append({"^": f"{label}开头", "=": f"完整{label}"}.get(mode, label))
    if not labels:
        return None
    unique = list(dict.fromkeys(labels))
    return "输入" + ("、".join(unique[:-1]) + "或" if len(unique) > 1 else "") + unique[-1]


class ScopedModelAdmin(RecordNotFoundMixin, HonouredListMixin, ScopedFormFieldsMixin, UnfoldModelAdmin):
    """A ModelAdmin that only ever reaches records in the user's jurisdiction, and whose
    list honours only its declared filters (``orgwork.admin_changelist``). A record
    outside it reads as one that does not exist (``orgwork.admin_not_found``)."""

    list_per_page = 50
    show_full_result_count = False
    paginator = EstimatedCountPaginator
    # Result rows rendered one pass per row, columns looked up once per page
    # (orgwork.admin_list); False gives Django's per-cell rendering back.
    one_pass_result_rows = True
    # Lookups the changelist honours beyond its list_filter (orgwork.admin_changelist).
    extra_list_lookups: tuple[str, ...] = ()

    def __init__(self, model: type[models.Model], admin_site: Any) -> None:
        super().__init__(model, admin_site)
        if self.search_help_text is None and self.search_fields:
            # The search box says what it matches, not the skin's 输入以搜索.
            self.search_help_text = search_hint(model, self.search_fields)

    def get_queryset(self, request: HttpRequest) -> models.QuerySet[Any]:
        return scope_queryset(super().get_queryset(request), request.user)

    def get_object(self, request: HttpRequest, object_id: str, from_field: str | None = None) -> Any:
        """The record, scoped, fetched once per page view: the form, the record's steps,
        its timeline and the full-ID audit each ask for it. Only a GET shares it; a POST
        fills the instance from the form before deciding, so each ask there reads afresh."""
        if request.method not in ("GET", "HEAD"):
            return super().get_object(request, object_id, from_field)
        fetched = request.__dict__.setdefault("_orgwork_records", {})
        key = (self, str(object_id), from_field)  # this admin's scope, not another's of the model
        if key not in fetched:
            fetched[key] = super().get_object(request, object_id, from_field)
        return fetched[key]

    def get_list_filter(self, request: HttpRequest) -> list[Any]:
        filters: list[Any] = []
        for entry in super().get_list_filter(request):
            if isinstance(entry, str) and "__" not in entry:
                field = self.model._meta.get_field(entry)
                if field.is_relation and field.related_model is not None and is_scoped(field.related_model):
                    entry = (entry, ScopedRelatedFieldListFilter)
            filters.append(entry)
        return filters

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        """An autocomplete field shows its chosen record as the search results named it
        (the related admin's ``autocomplete_label``), when the page is drawn again too."""
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        related = self.admin_site._registry.get(db_field.remote_field.model)
        label = getattr(related, "autocomplete_label", None)
        if field is not None and label is not None and db_field.name in self.get_autocomplete_fields(request):
            field.label_from_instance = label
        return field

    def render_change_form(self, request: HttpRequest, context: dict[str, Any], add: bool = False,
                           change: bool = False, form_url: str = "", obj: Any = None) -> Any:
        response = super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)
        if change and obj is not None and obj.pk is not None and request.method == "POST":
            # Drawn again after a refused save, ``obj`` holds what the clerk typed. Whether
            # the record may be deleted is asked of the stored one: a rule on its dates or
            # state (only the latest election, a meeting within the back-entry window) would
            # otherwise offer a 删除 its delete URL refuses, or hide one it allows.
            stored = self.get_queryset(request).filter(pk=obj.pk).first()
            response.context_data["has_delete_permission"] = (
                stored is not None and self.has_delete_permission(request, stored))
        return response

    def is_versioned(self) -> bool:
        return issubclass(self.model, Versioned)

    def _shown_when_read_only(self, name: Any) -> bool:
        """Whether a page field has something to show on a read-only page: a model field, an
        attribute of the model or a display method. A field of the form alone (照片 to
        upload, 确认自愿多交) has nothing: read-only, it showed as 「Photo upload」「-」."""
        if callable(name) or hasattr(self, name) or hasattr(self.model, name):
            return True
        try:
            self.model._meta.get_field(name)
        except FieldDoesNotExist:
            return False
        return True

    def _without_form_only_fields(self, fieldsets: Any) -> list[tuple[Any, dict[str, Any]]]:
        kept = []
        for name, options in fieldsets:
            rows = []
            for row in options.get("fields", ()):
                if isinstance(row, (list, tuple)):
                    row = tuple(f for f in row if self._shown_when_read_only(f))
                    if row:
                        rows.append(row)
                elif self._shown_when_read_only(row):
                    rows.append(row)
            if rows:
                kept.append((name, {**options, "fields": rows}))
        return kept

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> list[tuple[Any, dict[str, Any]]]:
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and not self.has_change_permission(request, obj):
            # 只读查阅: the form's own fields (to upload, to confirm) are not shown.
            fieldsets = self._without_form_only_fields(fieldsets)
        if obj is None or not self.is_versioned() or VERSION_FIELD in flatten_fieldsets(fieldsets):
            return fieldsets
        name, options = fieldsets[-1]
        return [*fieldsets[:-1], (name, {**options, "fields": [*options["fields"], VERSION_FIELD]})]

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        if self.is_versioned() and obj is not None and not issubclass(self.form, VersionCheckForm):
            kwargs["form"] = type(f"Versioned{self.form.__name__}", (VersionCheckForm, self.form), {})
        form = super().get_form(request, obj, change=change, **kwargs)
        refusal = getattr(request, REFUSAL_ATTRIBUTE, None)
        if refusal is not None:
            form = type(f"Refused{form.__name__}", (RefusedForm, form), {"refusal": refusal})
        if obj is None and secrets.sensitive_fields(self.model).get("id_number") == secrets.ID_NUMBER:
            form = type(f"ProbeGuarded{form.__name__}", (ProbeGuardForm, form), {"probe_actor": request.user})
        return skin_file_inputs(form)

    def _changeform_view(self, request: HttpRequest, object_id: str | None, form_url: str,
                         extra_context: dict[str, Any] | None) -> Any:
        """The add and change pages, where a service's refusal on saving is shown on the form.

        A page's form checks what the model checks, but the service its ``save_model``
        calls may refuse more (a member with a transfer still open, a record changed
        meanwhile), after the form was found valid. Django would answer that with a 500;
        here the attempt is rolled back to its savepoint and the page drawn again from the
        same submission, with the refusal on the fields it names (``RefusedForm``).
        """
        if request.method != "POST" or getattr(request, REFUSAL_ATTRIBUTE, None) is not None:
            return super()._changeform_view(request, object_id, form_url, extra_context)
        try:
            with transaction.atomic(using=router.db_for_write(self.model)):
                return super()._changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as refusal:
            audit_refusal(refusal)  # a near-miss ID number's audit row, past the rollback
            setattr(request, REFUSAL_ATTRIBUTE, refusal)
            return super()._changeform_view(request, object_id, form_url, extra_context)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if change and self.is_versioned():
            obj.version = (obj.version or 0) + 1
        super().save_model(request, obj, form, change)

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        if request.method != "GET":  # actions write; they stay on the primary
            return super().changelist_view(request, extra_context)
        with reading_from_replica():
            response = super().changelist_view(request, extra_context)
            if hasattr(response, "render"):
                response.render()  # evaluate the lazy queries while the replica is chosen
            return response

    def response_action(self, request: HttpRequest, queryset: Any) -> HttpResponse | None:
        """A batch action's selection as posted (批量操作的所选记录): keys that are not this
        model's (typed or forged) are refused with a message, not a server error; and a
        selection naming a record the list does not hold (outside the user's jurisdiction —
        a forged or stale ``_selected_action`` — or gone from the list since the page was
        drawn) is refused whole with a notice, not run on the rest as if that record had not
        been chosen. The notice names those records by their 编号 only: not which of the two
        it is, nor what the record holds."""
        pk = self.model._meta.pk
        selected = request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)
        if not all(key_holds(pk, value) for value in selected):
            self.message_user(request, "所选记录无效，未执行任何操作。", messages.WARNING)
            return None
        if request.POST.get("select_across") == "1":
            # 选中全部 N 条: the whole filtered list. A province's list holds a million
            # members; one batch runs a service per record, so it is bounded, and said so.
            if (total := queryset.count()) > BATCH_MAX:
                self.message_user(
                    request, f"一次最多批量办理 {BATCH_MAX} 条，当前列表共 {total} 条，未执行任何操作。"
                             "请先用筛选缩小范围，再分批办理。", messages.WARNING)
                return None
        elif selected:
            wanted = {pk.to_python(value) for value in selected}
            if missing := wanted - set(queryset.filter(pk__in=wanted).values_list("pk", flat=True)):
                self.message_user(
                    request, f"所选记录中有 {len(missing)} 条不在您的管辖范围内或已不在当前列表中"
                             f"（编号 {'、'.join(str(k) for k in sorted(missing))}），未执行任何操作。"
                             "请刷新列表后重新选择。", messages.WARNING)
                return None
        return super().response_action(request, queryset)

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        # The stock bulk delete runs queryset.delete(): no per-object rules, no audit rows.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        initial = super().get_changeform_initial_data(request)
        if getattr(self.model, "scope_field", None) == "unit" and getattr(request.user, "unit_id", None):
            initial.setdefault("unit", request.user.unit_id)
        return initial

    def history_view(self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        """The record's own audit trail (not Django's LogEntry), behind the same scope."""
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        entries = (
            AuditLog.objects.filter(content_type=ContentType.objects.get_for_model(self.model), object_id=str(obj.pk))
            .select_related("actor")
            .order_by("-at", "-id")[:HISTORY_LIMIT]
        )
        context = {
            **self.admin_site.each_context(request),
            "title": f"变更记录：{obj}",
            "subtitle": None,
            "entries": readable_entries(self.model, entries, request.user),
            "module_name": str(self.opts.verbose_name_plural),
            "object": obj,
            "opts": self.opts,
            "preserved_filters": self.get_preserved_filters(request),
            **(extra_context or {}),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/orgwork/object_history.html", context)


class ParentKnownFormSet:
    """An inline formset whose rows know their parent record: Django sets only the
    foreign key's id on each row, so a row named after its parent (a 考察记录 is "姓名
    日期") read the parent again, once per row."""

    def _construct_form(self, i: int, **kwargs: Any) -> Any:
        form = super()._construct_form(i, **kwargs)  # type: ignore[misc]
        fk, parent = self.fk, self.instance  # type: ignore[attr-defined]
        if parent.pk is not None and fk.remote_field.field_name == parent._meta.pk.name \
                and getattr(form.instance, fk.attname) == parent.pk:
            fk.set_cached_value(form.instance, parent)
        return form


class ScopedInlineMixin(ScopedFormFieldsMixin):
    extra = 0

    def get_queryset(self, request: HttpRequest) -> models.QuerySet[Any]:
        qs = super().get_queryset(request)  # type: ignore[misc]
        return scope_queryset(qs, request.user) if is_scoped(self.model) else qs  # type: ignore[attr-defined]

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        formset = super().get_formset(request, obj, **kwargs)  # type: ignore[misc]
        return type(formset.__name__, (ParentKnownFormSet, formset), {})


class ScopedInline(ScopedInlineMixin, UnfoldTabularInline):
    """A tabular inline whose rows and choices are scoped. A row has no title line above
    it (the record's name, 「潘静怡 2023-12-13」, above the cells that say the same) unless
    the line carries the link to the record's own page (``show_change_link``)."""

    @property
    def hide_title(self) -> bool:  # read by unfold's tabular_title.html
        return not self.show_change_link


class ScopedStackedInline(ScopedInlineMixin, UnfoldStackedInline):
    """A stacked inline whose rows and choices are scoped."""


__all__ = [
    "ScopedModelAdmin",
    "ScopedInline",
    "ScopedStackedInline",
    "ScopedRelatedFieldListFilter",
    "UnitSubtreeFilter",
    "once_per_record",
]


def warning_flag(value: Any, text: str) -> str:
    """A list cell for a condition to act on (逾期, 存在阻却情形, 需复核): the words in red
    when it holds, a dash when it does not — never a green tick for a bad state."""
    if value:
        return format_html('<span class="orgwork-warning">{}</span>', text)
    return "—"
