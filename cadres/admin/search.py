"""Searching cadres by what people type: an ID number (exact), pinyin or initials
(prefix: "zgf", "zeng"), or the start of a name — the kernel's person search with the
cadre's pinyin columns."""

from __future__ import annotations

from django.db.models import Q

from orgwork.common.search import PersonSearchMixin, person_search_q

PINYIN_FIELDS = ("name_pinyin", "name_initials")


def cadre_search_q(term: str, prefix: str = "") -> Q:
    return person_search_q(term, prefix, PINYIN_FIELDS)


class CadreSearchMixin(PersonSearchMixin):
    """``get_search_results`` for admins listing cadres or rows that belong to one."""

    person_latin_fields = PINYIN_FIELDS
    search_help_text = "输入姓名开头、拼音或首字母（如 zgf）、或完整身份证号"
    masked_search_help_text = "输入姓名开头、拼音或首字母（如 zgf）（按身份证号查找须有查看完整身份证号的权限）"
