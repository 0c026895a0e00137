"""Searching people (干部, 党员, 申请人) by what a clerk types: a whole ID number (exact),
letters (the prefix of a pinyin spelling or of the initials, where the model keeps
them), or the start of a name. Each branch is an indexed lookup; a contains-search
over a million names, or Django's ``UPPER(...)`` comparisons that no index serves, is
not offered."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import HttpRequest

from . import idnumber

MASKED_SEARCH = ("列表中的身份证号已遮盖（中间以 * 代替），不能按遮盖后的号码搜索；"
                 "请输入完整的身份证号或姓名开头。")
_ID_SHAPE = re.compile(r"^(\d{15}|\d{17}[\dX])$")
_LATIN = re.compile(r"^[a-z]+$")


def person_search_q(term: str, prefix: str = "", latin_fields: Sequence[str] = ()) -> Q:
    """The filter for ``term``: an ID number (full-width digits, spaces and a lower-case
    x normalised) matches exactly; letters match the start of ``latin_fields`` when the
    model keeps such columns; anything else matches the start of the name."""
    term = term.strip()
    try:
        as_id = idnumber.normalise(term)
    except ValidationError:
        as_id = ""
    if as_id and _ID_SHAPE.match(as_id):
        return Q(**{f"{prefix}id_number": as_id})
    letters = term.lower().replace(" ", "")
    if latin_fields and _LATIN.match(letters):
        found = Q()
        for field in latin_fields:
            found |= Q(**{f"{prefix}{field}__startswith": letters})
        return found
    return Q(**{f"{prefix}name__startswith": term})


class PersonSearchMixin:
    """``get_search_results`` for admins listing people, or rows that belong to one
    (``person_lookup_prefix`` = "member__")."""

    person_lookup_prefix = ""
    person_latin_fields: Sequence[str] = ()
    search_help_text = "输入姓名开头或完整身份证号"

    def get_search_results(self, request: HttpRequest, queryset: QuerySet[Any],
                           search_term: str) -> tuple[QuerySet[Any], bool]:
        if not search_term.strip():
            return queryset, False
        if "*" in search_term and not request.path.endswith("/autocomplete/"):
            # A number copied from a list, masked: it finds no one, and the list says why.
            messages.info(request, MASKED_SEARCH, fail_silently=True)
        return queryset.filter(person_search_q(search_term, self.person_lookup_prefix, self.person_latin_fields)), False
