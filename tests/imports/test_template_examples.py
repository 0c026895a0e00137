"""Every import template shows an example for every column it reads: the 填写说明 sheet's
示例 column and the header's comment, so a clerk sees a value the column takes (考核等次
优秀, 是否主职 是) before the first upload. Columns shown only (仅供查看) take none."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from orgwork.imports import registry
from orgwork.imports.exporting import NOTES_SHEET, SHOWN_ONLY_NOTE, template_xlsx

pytestmark = pytest.mark.django_db


def notes_of(content: bytes) -> tuple[dict[str, tuple[str, str]], dict[str, str]]:
    """(column → (示例, 说明) from 填写说明, header → its comment) of a template."""
    book = load_workbook(io.BytesIO(content))
    notes = {str(row[0]): (str(row[1] or ""), str(row[2] or ""))
             for row in book[NOTES_SHEET].iter_rows(min_row=2, values_only=True) if row and row[0] and row[1:]}
    comments = {str(c.value): c.comment.text if c.comment else "" for c in book.worksheets[0][1]}
    return notes, comments


@pytest.mark.parametrize("slug", sorted(registry.all_resources()))
def test_every_column_a_template_reads_has_an_example(slug: str) -> None:
    notes, comments = notes_of(template_xlsx(registry.all_resources()[slug]))
    missing = [column for column, (example, said) in notes.items()
               if column in comments and said != SHOWN_ONLY_NOTE and not example.strip()]
    assert not missing, f"{slug}: 填写说明中这些列没有示例：{'、'.join(missing)}"
    for column, (example, said) in notes.items():
        if column in comments and said != SHOWN_ONLY_NOTE:
            assert comments[column].startswith(f"示例：{example}"), column


def test_the_assessments_and_posts_templates_show_the_grades_and_yes_or_no(client_for: Any,
                                                                          county_a_clerk: Any) -> None:
    client = client_for(county_a_clerk)
    assessments, _ = notes_of(client.get(reverse("admin:imports_importjob_template",
                                                 args=["cadre_assessments"])).content)
    assert assessments["考核等次"][0] == "优秀"
    assert assessments["考核等次"][1].startswith("可填：优秀、称职、基本称职、不称职")
    assert assessments["政治素质测评得分"][0] == "92" and "不低于90分" in assessments["政治素质测评得分"][1]
    posts, comments = notes_of(client.get(reverse("admin:imports_importjob_template", args=["cadre_posts"])).content)
    assert posts["是否主职"][0] == "是" and "填“是”或“否”" in posts["是否主职"][1]
    assert posts["是否现任"][0] == "是" and posts["任职时间"][0] == "2021.03"
    assert "乡科级正职" in posts["职务层次"][1] and comments["职务层次"].startswith("示例：乡科级正职")
