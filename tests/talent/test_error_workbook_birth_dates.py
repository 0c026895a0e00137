"""A talent sheet's error workbook, corrected and uploaded as it is, by a clerk without
the right to full personal data (查看敏感信息). The workbook shows each birth date as its
month (1980.05), as it shows the ID number masked: the number's hidden digits are that
date. The import puts the birth dates back from the earlier job's stored upload by the
same rule as the numbers (orgwork.imports.restore), or, where two originals share the
month, from the row's own ID number, so the rows that had no error are not refused for a
birth date the clerk never saw."""

from __future__ import annotations

import datetime
import io
from typing import Any

import pytest

from orgwork.audit.models import AuditAction, AuditLog
from orgwork.imports import services
from orgwork.imports.models import ImportJob, JobStatus
from orgwork.imports.restore import MARKER_SHEET
from talent.models import Person

from ..imports.sheets import downloaded_error_workbook, validated_job, workbook_bytes
from ..samples.names import numbered
from ..samples.talent import id_number_for

pytestmark = pytest.mark.django_db
HEAD = ["姓名", "身份证号", "性别", "出生日期", "工作单位", "专业领域", "专业技术职称", "联系电话"]
GENDER, BORN_COLUMN = HEAD.index("性别"), HEAD.index("出生日期")
MASKED_BIRTH_DATE = "出生日期只有年月或以 * 代替，是列表、导出文件或错误标注表中遮盖过的出生日期"


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Any) -> Any:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def talent(seq: int, born: datetime.date, birth_cell: Any = None, **cells: Any) -> list[Any]:
    """A talent's row in the county; its birth date as a date cell unless given as typed."""
    row = dict(zip(HEAD, [numbered("人才", seq, 3), id_number_for(seq, born), "男", born if birth_cell is None else birth_cell,
                          "620102", "作物育种", "研究员", f"138{seq:08d}"]))
    row.update(cells)
    return list(row.values())


def validated(user: Any, content: bytes, name: str = "人才.xlsx") -> ImportJob:
    return validated_job(user, "talent_people", content, name)


def corrected(workbook: Any) -> bytes:
    """The workbook with its red gender cells set to 男, the one cell the clerk mends,
    saved by openpyxl as Excel would save it: the hidden sheet stays."""
    for row in workbook.worksheets[0].iter_rows(min_row=2):
        if row[GENDER].value not in ("男", "女"):
            row[GENDER].value = "男"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def shown_text(workbook: Any) -> str:
    """Every cell of the visible sheet, as text (a date cell as its ISO day)."""
    return " ".join(value.isoformat() if isinstance(value, (datetime.date, datetime.datetime)) else str(value)
                    for row in workbook.worksheets[0].iter_rows(values_only=True) for value in row
                    if value is not None)


def test_a_corrected_talent_error_workbook_imports_every_row_with_its_birth_date(county_a_clerk, client_for) -> None:
    births = [datetime.date(1975, 3, 9), datetime.date(1980, 5, 17), datetime.date(1986, 11, 2)]
    rows = [talent(401, births[0]), talent(402, births[1], 性别="难说"),
            talent(403, births[2], birth_cell=births[2].isoformat())]  # a date typed as text
    first = validated(county_a_clerk, workbook_bytes([HEAD, *rows]))
    assert first.error_rows == 1 and not Person.objects.exists()

    workbook = downloaded_error_workbook(client_for(county_a_clerk), first)
    assert workbook[MARKER_SHEET].sheet_state == "veryHidden"
    assert [row[BORN_COLUMN] for row in workbook.worksheets[0].iter_rows(min_row=2, values_only=True)] == [
        "1975.03", "1980.05", "1986.11"]
    shown = shown_text(workbook)
    for row, born in zip(rows, births):
        assert row[1] not in shown and born.isoformat() not in shown and f"{born:%Y%m%d}" not in shown

    second = validated(county_a_clerk, corrected(workbook), name="人才（错误标注）.xlsx")
    assert second.error_rows == 0 and second.rows == 3, second.errors
    assert f"已按导入任务 {first.pk} 的原始文件还原 9 个被遮蔽的号码和日期" in second.message
    for row, born in zip(rows, births):
        assert row[1] not in second.message + str(second.errors) and born.isoformat() not in second.message
    services.job_confirm(job=second, user=county_a_clerk)
    assert services.job_commit(job_id=second.pk) == JobStatus.DONE
    assert sorted(Person.objects.values_list("id_number", "birth_date", "phone")) == sorted(
        (row[1], born, row[-1]) for row, born in zip(rows, births))
    assert not AuditLog.objects.filter(action=AuditAction.VIEW_SENSITIVE).exists()  # nobody saw a number


def test_a_birth_month_two_originals_share_comes_back_from_the_rows_own_id_number(county_a_clerk, client_for) -> None:
    one, other = datetime.date(1980, 5, 17), datetime.date(1980, 5, 3)  # both shown as 1980.05
    rows = [talent(411, one), talent(412, other), talent(413, datetime.date(1990, 7, 1), 性别="难说")]
    first = validated(county_a_clerk, workbook_bytes([HEAD, *rows]))
    workbook = downloaded_error_workbook(client_for(county_a_clerk), first)

    second = validated(county_a_clerk, corrected(workbook))
    assert second.error_rows == 0 and second.rows == 3, second.errors
    assert f"已按导入任务 {first.pk} 的原始文件还原 9 个被遮蔽的号码和日期" in second.message
    services.job_confirm(job=second, user=county_a_clerk)
    assert services.job_commit(job_id=second.pk) == JobStatus.DONE
    assert sorted(Person.objects.values_list("id_number", "birth_date")) == sorted(
        (row[1], born) for row, born in zip(rows, [one, other, datetime.date(1990, 7, 1)]))


def test_a_shared_birth_month_is_not_guessed_beside_a_number_of_another_month(county_a_clerk, client_for) -> None:
    """The clerk typed a whole new ID number born in June over the masked one: the masked
    1980.05 beside it is one of two originals and the number does not say which."""
    one, other = datetime.date(1980, 5, 17), datetime.date(1980, 5, 3)
    rows = [talent(431, one), talent(432, other, 性别="难说")]
    first = validated(county_a_clerk, workbook_bytes([HEAD, *rows]))
    workbook = downloaded_error_workbook(client_for(county_a_clerk), first)
    workbook.worksheets[0].cell(row=3, column=HEAD.index("身份证号") + 1).value = id_number_for(434, datetime.date(1981, 6, 6))

    second = validated(county_a_clerk, corrected(workbook))
    assert "第 3 行「出生日期」的日期无法还原（有两个日期遮蔽后相同）" in second.message
    assert second.error_rows == 1
    refused = {(e["row"], e["column"]): e["message"] for e in second.errors}
    assert refused[(3, "出生日期")].startswith(MASKED_BIRTH_DATE)
    assert one.isoformat() not in str(second.errors) + second.message
    assert other.isoformat() not in str(second.errors) + second.message
    assert not Person.objects.exists()


def test_a_number_inside_a_text_cell_comes_back_as_it_was_typed(county_a_clerk, client_for) -> None:
    """Any other cell of the workbook has the numbers in its text masked: the text comes
    back whole, or the masked one would be stored."""
    title = "研究员（联系人 13912345678）"
    rows = [talent(421, datetime.date(1977, 4, 4), 专业技术职称=title), talent(422, datetime.date(1979, 8, 8), 性别="难说")]
    first = validated(county_a_clerk, workbook_bytes([HEAD, *rows]))
    workbook = downloaded_error_workbook(client_for(county_a_clerk), first)
    assert "139****5678" in shown_text(workbook) and "13912345678" not in shown_text(workbook)

    second = validated(county_a_clerk, corrected(workbook))
    assert second.error_rows == 0, second.errors
    assert "还原 7 个被遮蔽的号码和日期和文字" in second.message
    services.job_confirm(job=second, user=county_a_clerk)
    assert services.job_commit(job_id=second.pk) == JobStatus.DONE
    assert Person.objects.get(id_number=rows[0][1]).professional_title == title
