"""Searching people (干部, 党员, 申请人) by what a clerk types: a whole ID number (exact),
letters (the prefix of a pinyin spelling or of the initials, where the model keeps
them), or the start of a name. Each branch is an indexed lookup; a contains-search
over a million names, or Django's ``UPPER(...)`` comparisons that no index serves, is
not offered.

A whole ID number is searched only for a user who may see the model's numbers in full
(``secrets.may_unmask``). For anyone else the search would be a way round the mask: the
list shows ``620102********0163`` and the birth month, which leaves the day, and the
check digit narrows the day to two or three; searching each candidate would tell which
number is the person's. Such a search finds no one and says why (:class:`IdSearchGuard`)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import HttpRequest

from . import idnumber, secrets

MASKED_SEARCH = ("列表中的身份证号已遮盖（中间以 * 代替），不能按遮盖后的号码搜索；"
                 "请输入完整的身份证号或姓名开头。")
# The same, to a user who may not search by number either (:class:`IdSearchGuard`).
MASKED_SEARCH_NAME_ONLY = "列表中的身份证号已遮盖（中间以 * 代替），不能按遮盖后的号码搜索；请输入姓名开头。"
NO_RIGHT_ID_SEARCH = ("按身份证号查找须有查看完整身份证号的权限：列表中的身份证号已遮盖，按号码查找的结果会透露被遮盖的号码。"
                      "请输入姓名开头查找。")
_ID_SHAPE = re.compile(r"^(\d{15}|\d{17}[\dX])$")
_LATIN = re.compile(r"^[a-z]+$")


def id_number_term(term: str) -> str:
    """``term`` as a whole ID number (full-width digits, spaces and a lower-case x
    normalised), or "" when it is not one."""
    try:
        as_id = idnumber.normalise(term.strip())
    except ValidationError:
        return ""
    return as_id if _ID_SHAPE.match(as_id) else ""


class IdSearchGuard:
    """Refuses a whole-ID-number search to a user who may not see the numbers in full
    (see the module's docstring), on the list and in autocomplete alike. The person is
    the admin's model, or the one ``person_lookup_prefix`` leads to ("member__")."""

    person_lookup_prefix = ""
    # The search box's hint to a user who may not search by number.
    masked_search_help_text = "输入姓名开头（按身份证号查找须有查看完整身份证号的权限）"

    def person_model(self) -> Any:
        model = self.model  # type: ignore[attr-defined]
        for name in filter(None, self.person_lookup_prefix.split("__")):
            model = model._meta.get_field(name).related_model
        return model

    def id_search_refused(self, request: HttpRequest, search_term: str) -> bool:
        if not id_number_term(search_term) or secrets.may_unmask(request.user, self.person_model()):
            return False
        if not request.path.endswith("/autocomplete/"):
            messages.warning(request, NO_RIGHT_ID_SEARCH, fail_silently=True)
        return True

    def get_changelist_instance(self, request: HttpRequest) -> Any:
        changelist = super().get_changelist_instance(request)  # type: ignore[misc]
        if changelist.search_help_text and not secrets.may_unmask(request.user, self.person_model()):
            changelist.search_help_text = self.masked_search_help_text
        return changelist

    def get_search_results(self, request: HttpRequest, queryset: QuerySet[Any],
                           search_term: str) -> tuple[QuerySet[Any], bool]:
        if self.id_search_refused(request, search_term):
            return queryset.none(), False
        return super().get_search_results(request, queryset, search_term)  # type: ignore[misc]


def person_search_q(term: str, prefix: str = "", latin_fields: Sequence[str] = ()) -> Q:
    """The filter for ``term``: an ID number (full-width digits, spaces and a lower-case
    x normalised) matches exactly; letters match the start of ``latin_fields`` when the
    model keeps such columns; anything else matches the start of the name."""
    term = term.strip()
    if as_id := id_number_term(term):
        return Q(**{f"{prefix}id_number": as_id})
    letters = term.lower().replace(" ", "")
    if latin_fields and _LATIN.match(letters):
        found = Q()
        for field in latin_fields:
            found |= Q(**{f"{prefix}{field}__startswith": letters})
        return found
    return Q(**{f"{prefix}name__startswith": term})


class PersonSearchMixin(IdSearchGuard):
    """``get_search_results`` for admins listing people, or rows that belong to one
    (``person_lookup_prefix`` = "member__")."""

    person_latin_fields: Sequence[str] = ()
    search_help_text = "输入姓名开头或完整身份证号"

    def get_search_results(self, request: HttpRequest, queryset: QuerySet[Any],
                           search_term: str) -> tuple[QuerySet[Any], bool]:
        if not search_term.strip():
            return queryset, False
        if self.id_search_refused(request, search_term):
            return queryset.none(), False
        if "*" in search_term and not request.path.endswith("/autocomplete/"):
            # A number copied from a list, masked: it finds no one, and the list says why.
            full = secrets.may_unmask(request.user, self.person_model())
            messages.info(request, MASKED_SEARCH if full else MASKED_SEARCH_NAME_ONLY, fail_silently=True)
        return queryset.filter(person_search_q(search_term, self.person_lookup_prefix, self.person_latin_fields)), False
