"""Pinyin keys for Chinese personal names (姓名拼音): sort order and prefix search.

pypinyin reads a character by its most common reading; a surname often has its own
(曾国藩 is zeng, not ceng). The first character of a name is read as a surname.
"""

from __future__ import annotations

from functools import lru_cache

from pypinyin import Style, lazy_pinyin
from pypinyin.phrases_dict import phrases_dict
from pypinyin.pinyin_dict import pinyin_dict

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


@lru_cache(maxsize=16384)
def _char_reading(char: str) -> str:
    return lazy_pinyin(char, style=Style.NORMAL)[0]


def _in_phrase(text: str) -> bool:
    """Whether some run of two or more characters of ``text`` is a dictionary phrase
    (词组), whose reading may differ from its characters' usual ones (朝阳: zhao yang)."""
    return any(text[i:j] in phrases_dict for i in range(len(text) - 1) for j in range(i + 2, len(text) + 1))


# Names repeat (a province has thousands of 王伟), and every imported row asks twice:
# once for the sort key, once for the initials.
@lru_cache(maxsize=65536)
def _syllables(name: str) -> tuple[str, ...]:
    if not name:
        return ()
    first, rest = name[0], name[1:]
    head = [SURNAME_READINGS[first]] if first in SURNAME_READINGS else _reading_of(first)
    return tuple(s for s in head + _reading_of(rest) if s)


def _reading_of(text: str) -> list[str]:
    """lazy_pinyin's reading of ``text``. Outside dictionary phrases it reads each Han
    character by its usual reading, so that case is served from a per-character cache:
    a new name costs a few dictionary lookups, not a segmentation."""
    if all(ord(ch) in pinyin_dict for ch in text) and not _in_phrase(text):
        return [_char_reading(ch) for ch in text]
    return lazy_pinyin(text, style=Style.NORMAL, errors=_keep_latin)


def sort_key(name: str) -> str:
    """``zengguofan``: the full reading, lower case, for ordering and prefix search."""
    return keys(name)[0]


def initials(name: str) -> str:
    """``zgf``: the first letter of each syllable, for typing a name quickly."""
    return keys(name)[1]


def keys(name: str) -> tuple[str, str]:
    """``("zengguofan", "zgf")``: the sort key and the initials of ``name``."""
    return _keys((name or "").strip())


@lru_cache(maxsize=65536)
def _keys(name: str) -> tuple[str, str]:
    readings = _syllables(name)
    return "".join(readings), "".join(s[0] for s in readings)
