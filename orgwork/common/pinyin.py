"""Pinyin keys for Chinese personal names (姓名拼音): sort order and prefix search.

pypinyin reads a character by its most common reading; a surname often has its own
(曾国藩 is zeng, not ceng). The first character of a name is read as a surname.
"""

from __future__ import annotations

from functools import lru_cache

from pypinyin import Style, lazy_pinyin

# 多音字 surnames: the reading as a surname.
SURNAME_READINGS = {
    "曾": "zeng",
    "单": "shan",
    "解": "xie",
    "仇": "qiu",
    "朴": "piao",
    "区": "ou",
    "查": "zha",
    "翟": "zhai",
    "盖": "ge",
    "乐": "yue",
    "缪": "miao",
    "秘": "bi",
    "尉": "yu",
    "折": "she",
}


def _keep_latin(text: str) -> list[str]:
    # Latin letters and digits in a name stay; punctuation (阿卜杜·热合曼) is dropped.
    kept = "".join(ch.lower() for ch in text if ch.isascii() and ch.isalnum())
    return [kept] if kept else []


def syllables(name: str) -> tuple[str, ...]:
    """``("zeng", "guo", "fan")`` for 曾国藩; empty for an empty name."""
    return _syllables((name or "").strip())


# Names repeat (a province has thousands of 王伟), and every imported row asks twice:
# once for the sort key, once for the initials.
@lru_cache(maxsize=65536)
def _syllables(name: str) -> tuple[str, ...]:
    if not name:
        return ()
    first, rest = name[0], name[1:]
    head = [SURNAME_READINGS[first]] if first in SURNAME_READINGS else lazy_pinyin(first, style=Style.NORMAL, errors=_keep_latin)
    return tuple(s for s in head + lazy_pinyin(rest, style=Style.NORMAL, errors=_keep_latin) if s)


def sort_key(name: str) -> str:
    """``zengguofan``: the full reading, lower case, for ordering and prefix search."""
    return "".join(syllables(name))


def initials(name: str) -> str:
    """``zgf``: the first letter of each syllable, for typing a name quickly."""
    return "".join(s[0] for s in syllables(name))
