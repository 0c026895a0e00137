"""No English on a page a user sees: the project catalogue fills what Django and axes lack."""

from __future__ import annotations

import gettext
import re
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation

CATALOGUE = Path(__file__).resolve().parent.parent / "orgwork" / "locale" / "zh_Hans" / "LC_MESSAGES"


def _po_pairs() -> dict[str, str]:
    text = (CATALOGUE / "django.po").read_text(encoding="utf-8")
    pairs = re.findall(r'^msgid "(.+)"\nmsgstr "(.*)"$', text, flags=re.M)
    return {key.replace('\\"', '"'): value.replace('\\"', '"') for key, value in pairs}


def test_the_compiled_catalogue_says_what_the_source_says() -> None:
    compiled = gettext.GNUTranslations((CATALOGUE / "django.mo").open("rb"))
    pairs = _po_pairs()
    assert pairs
    assert {key: compiled.gettext(key) for key in pairs} == pairs


def test_the_admins_stock_english_reads_in_chinese() -> None:
    with translation.override("zh-hans"):
        assert translation.gettext("Error:") == "错误："
        assert translation.gettext("Model name") == "功能"
        assert translation.gettext("Select %s to change") % "干部" == "选择要修改的干部"
        assert translation.gettext("access attempts") == "登录尝试"


def test_no_string_of_the_admin_or_the_accounts_addresses_the_clerk_as_ni() -> None:
    """The project's pages say 您; Django's own catalogue says 你 (「你可以在下面再次编辑它」
    after a save, 「你确定吗？」 before a delete). Every admin and auth string, read as a
    clerk reads it, says 您."""
    import django

    contrib = Path(django.__file__).resolve().parent / "contrib"
    with translation.override("zh-hans"):
        for app in ("admin", "auth"):
            catalogue = gettext.GNUTranslations((contrib / app / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.mo")
                                                .open("rb"))
            for key in catalogue._catalog:  # type: ignore[attr-defined]
                msgid = key[0] if isinstance(key, tuple) else key
                if not msgid or "你" not in str(catalogue._catalog[key]):  # type: ignore[attr-defined]
                    continue
                said = translation.ngettext(msgid, msgid, 1) if isinstance(key, tuple) else translation.gettext(msgid)
                assert "你" not in said, msgid
    with translation.override("zh-hans"):
        assert translation.gettext("The {name} “{obj}” was changed successfully. You may edit it again below.") == (
            "成功修改了 {name}“{obj}”。您可以在下面继续编辑。")


def test_the_index_has_no_english_table_headers(client_for: Any, county_a_clerk: Any) -> None:
    html = client_for(county_a_clerk).get(reverse("admin:index")).content.decode()
    for english in ("Model name", "Add link", "None available", "选择 干部 来修改"):
        assert english not in html


def test_a_null_character_is_named_as_such_not_as_an_empty_string() -> None:
    from django import forms

    with translation.override("zh-hans"), pytest.raises(forms.ValidationError) as refused:
        forms.CharField().clean("党支部\x00")
    assert refused.value.messages == ["不能含有空字符（NUL），请删去后重新填写。"]


def test_a_number_refused_by_its_field_is_told_in_plain_chinese() -> None:
    from decimal import Decimal

    from django import forms
    from django.core.exceptions import ValidationError
    from django.db import models

    area = models.DecimalField(max_digits=8, decimal_places=1)
    with translation.override("zh-hans"):
        for value, message in [(Decimal("123456789"), "数字总共不能超过 8 位。"),
                               (Decimal("1.25"), "小数不能超过 1 位。"),
                               (Decimal("12345678"), "整数部分不能超过 7 位。")]:
            with pytest.raises(ValidationError) as refused:
                area.run_validators(value)
            assert refused.value.messages == [message]
        with pytest.raises(ValidationError) as too_big:
            forms.IntegerField(max_value=100).clean("101")
        assert too_big.value.messages == ["不能大于 100。"]
        with pytest.raises(ValidationError) as not_whole:
            models.IntegerField().to_python("2026.5")
        assert not_whole.value.messages == ["「2026.5」不是整数。"]


def test_a_value_too_long_or_not_among_the_choices_is_told_in_plain_chinese() -> None:
    """What only a tampered or pasted submission meets: Django's Chinese said 确保该变量包含不超过 …
    字符 and 选择一个有效的选项。 b 不在可用的选项中。"""
    from django import forms

    with translation.override("zh-hans"):
        for field, value, message in [
                (forms.CharField(max_length=200), "字" * 201, "最多填写 200 个字（现为 201 个）。"),
                (forms.CharField(min_length=2), "字", "至少填写 2 个字（现为 1 个）。"),
                (forms.ChoiceField(choices=[("active", "在册")]), "gone", "「gone」不是可选的值，请从列表中选择。")]:
            with pytest.raises(forms.ValidationError) as refused:
                field.clean(value)
            assert refused.value.messages == [message]


def test_the_command_search_answers_in_chinese(client_for: Any, county_a_clerk: Any) -> None:
    client = client_for(county_a_clerk)
    found = client.get("/admin/search/", {"s": "干部", "extended": "1"})
    assert found.status_code == 200
    html = found.content.decode()
    assert "共找到" in html and "条结果" in html and not re.search(r">[^<]*\bFound\b", html)
    nothing = client.get("/admin/search/", {"s": "无此功能页面zzz", "extended": "1"}).content.decode()
    assert "没有找到匹配的结果" in nothing and "No results" not in nothing


def test_the_date_pickers_weekday_initials_read_in_chinese(client_for: Any, county_a_clerk: Any) -> None:
    """Django's zh-hans catalogue keeps 「M T W T F S S」 over the calendar's days."""
    import json

    script = client_for(county_a_clerk).get(reverse("admin:jsi18n")).content.decode()
    catalogue = json.loads(re.search(r"const newcatalog = (\{.*?\});", script, flags=re.S).group(1))
    initials = {day: catalogue[f"one letter {day}\x04{letter}"] for day, letter in (
        ("Monday", "M"), ("Tuesday", "T"), ("Wednesday", "W"), ("Thursday", "T"), ("Friday", "F"),
        ("Saturday", "S"), ("Sunday", "S"))}
    assert list(initials.values()) == ["一", "二", "三", "四", "五", "六", "日"]
    assert catalogue["Today"] == "今天" and catalogue["January"] == "一月"


def test_a_forms_labels_end_in_the_full_width_colon() -> None:
    """Step and action forms and the 台账 filters write 申请日期：, not 申请日期:."""
    from django import forms

    class StepForm(forms.Form):
        day = forms.DateField(label="申请日期")

    with translation.override("zh-hans"):
        assert StepForm()["day"].label_tag() == '<label for="id_day">申请日期：</label>'
