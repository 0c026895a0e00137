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


def test_a_given_name_that_is_a_dictionary_phrase_keeps_the_phrase_reading() -> None:
    # 朝 alone reads chao; in the phrase 朝阳 it reads zhao. 长春 reads chang, not zhang.
    assert pinyin.sort_key("李朝阳") == "lizhaoyang"
    assert pinyin.sort_key("王长春") == "wangchangchun"


def test_the_per_character_shortcut_reads_names_exactly_as_segmentation_does() -> None:
    from pypinyin import Style, lazy_pinyin

    chars = "王李张刘陈杨伟芳娜敏强明超平英长乐朝阳重庆行绿律吕女林中国华民A1·"
    names = [a + b + c for a in chars[:6] for b in chars for c in chars[::3]]
    for name in names:
        expected = tuple(s for s in lazy_pinyin(name[0], style=Style.NORMAL, errors=pinyin._keep_latin)
                         + lazy_pinyin(name[1:], style=Style.NORMAL, errors=pinyin._keep_latin) if s)
        assert pinyin.syllables(name) == expected, name
