from __future__ import annotations

import pytest

from orgwork.common import pinyin


@pytest.mark.parametrize(
    ("name", "key", "initials"),
    [
        ("曾国藩", "zengguofan", "zgf"),
        ("单田芳", "shantianfang", "stf"),
        ("解缙", "xiejin", "xj"),
        ("仇英", "qiuying", "qy"),
        ("朴槿惠", "piaojinhui", "pjh"),
        ("区永明", "ouyongming", "oym"),
        ("查良镛", "zhaliangyong", "zly"),
        ("翟志刚", "zhaizhigang", "zzg"),
        ("吕建国", "lvjianguo", "ljg"),
    ],
)
def test_surnames_are_read_as_surnames(name: str, key: str, initials: str) -> None:
    assert (pinyin.sort_key(name), pinyin.initials(name)) == (key, initials)


def test_a_polyphonic_character_keeps_its_common_reading_outside_the_surname() -> None:
    assert pinyin.sort_key("王曾") == "wangceng"


def test_punctuation_in_a_name_is_ignored_and_an_empty_name_has_no_key() -> None:
    assert pinyin.sort_key("阿依·木合") == "ayimuhe"
    assert pinyin.sort_key("") == ""
