"""Demo import jobs and sheets (导入任务演示): what a county sends in, the way it sends it.

Three files go to ``var/demo-sheets/`` for trying the upload by hand, and the first two
are also run through the import services as 城关区's clerk (``chengguan_cadre``), the
way the worker would run them:

- 城关区干部名册（2026年报送）.xlsx — a title row merged across the sheet, a 填报单位
  line, header aliases (公民身份号码, 出生日期, 工作单位, 职务), months written five
  ways, a lower-case ``x``; three known cadres promoted, five new. Committed: the job
  is 完成 and the cadres carry their 导入 audit rows. Uploading it again gives all 未变.
- 城关区干部名册（有错误）.xlsx — the mistakes sheets really arrive with: an ID number
  Excel turned into a number, a wrong check digit, a unit of another county, the same
  person twice, a month that does not exist, a birth month that contradicts the ID
  number. Validated: the job waits in 待确认 with its errors and the annotated sheet.
- 城关区新任干部（GBK）.csv — four more new cadres in GB18030 with a 身份证号码 header,
  left for the visitor to upload.
"""

from __future__ import annotations

import datetime
import io
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from cadres.models import Cadre
from cadres.resources import CadreResource
from orgwork.accounts.models import User
from orgwork.imports import services
from orgwork.imports.exporting import export_rows
from orgwork.imports.models import ImportJob
from orgwork.units.models import Unit

from . import DemoContext
from .cadres import make_id_number

CLERK = "chengguan_cadre"
COUNTY = "620102"
REPORT = "城关区干部名册（2026年报送）.xlsx"
CORRECTED_PLACE = "甘肃皋兰"  # not one of the demo cadres' places: each corrected row is an update
WITH_ERRORS = "城关区干部名册（有错误）.xlsx"
FOR_UPLOAD = "城关区新任干部（GBK）.csv"

# (name, gender, birth, post, rank, grade). Born after every demo cadre (1965–1992), so
# their ID numbers are new whatever the scale.
NEWCOMERS = [
    ("马晓东", "男", datetime.date(1993, 5, 12), "城关区发展和改革局副局长", "乡科级副职", "四级主任科员"),
    ("王丽娟", "女", datetime.date(1993, 8, 3), "城关区财政局副局长", "乡科级副职", "四级主任科员"),
    ("李建国", "男", datetime.date(1994, 1, 20), "城关镇副镇长", "乡科级副职", "三级主任科员"),
    ("赵海燕", "女", datetime.date(1994, 11, 9), "城关镇组织委员", "乡科级副职", "四级主任科员"),
    ("杨文斌", "男", datetime.date(1995, 3, 28), "城关区教育局副局长", "乡科级副职", "四级主任科员"),
    ("陈永红", "女", datetime.date(1995, 7, 16), "城关区民政局副局长", "乡科级副职", "四级主任科员"),
    ("张志强", "男", datetime.date(1996, 2, 5), "城关镇党委副书记", "乡科级副职", "三级主任科员"),
    ("刘芳", "女", datetime.date(1996, 9, 30), "城关区卫生健康局副局长", "乡科级副职", "四级主任科员"),
    ("孙立军", "男", datetime.date(1996, 12, 1), "城关区民政局副局长", "乡科级副职", "四级主任科员"),
    ("周建华", "男", datetime.date(1993, 10, 18), "城关区司法局副局长", "乡科级副职", "四级主任科员"),
    ("吴秀兰", "女", datetime.date(1994, 4, 22), "城关镇副镇长", "乡科级副职", "四级主任科员"),
    ("郑国栋", "男", datetime.date(1995, 6, 14), "城关区统计局副局长", "乡科级副职", "三级主任科员"),
    ("何静", "女", datetime.date(1996, 5, 8), "城关区审计局副局长", "乡科级副职", "四级主任科员"),
]
# The ways a month arrives in real sheets; the last is an Excel date cell.
MONTH_FORMS = [
    lambda d: f"{d:%Y.%m}", lambda d: f"{d.year}年{d.month}月", lambda d: f"{d:%Y%m}",
    lambda d: f"{d.year}.{d.month}", lambda d: d.replace(day=1),
]
# The canonical header → the alias the county's sheet uses.
COUNTY_HEADERS = {"身份证号": "公民身份号码", "出生年月": "出生日期", "单位": "工作单位", "现任职务": "职务"}


def _id_number(birth: datetime.date, gender: str, index: int) -> str:
    return make_id_number(COUNTY, birth, index * 2 + (1 if gender == "男" else 2))


def _newcomer_rows(people: list[tuple[Any, ...]], start: int, units: list[Unit]) -> list[dict[str, Any]]:
    rows = []
    for index, (name, gender, birth, post, rank, grade) in enumerate(people, start=start):
        form = MONTH_FORMS[index % len(MONTH_FORMS)]
        rows.append({
            "姓名": name, "性别": gender, "民族": "汉族", "出生年月": form(birth), "籍贯": "甘肃兰州",
            "身份证号": _id_number(birth, gender, index), "政治面貌": "中共党员", "入党时间": f"{birth.year + 22}.07",
            "参加工作时间": f"{birth.year + 23}.08", "学历": "大学", "学位": "管理学学士",
            "毕业院校及专业": "兰州大学行政管理专业", "单位": units[index % len(units)].code, "现任职务": post,
            "职务层次": rank, "职级": grade, "管理权限": "县管",
        })
    return rows


def _report_rows(user: User, units: list[Unit]) -> list[dict[str, Any]]:
    """Three of the county's cadres as the export gives them, their 籍贯 corrected (a post
    changes through 任职经历, not this sheet); five newcomers."""
    known = Cadre.objects.filter(unit__in=units).order_by("id_number")[:3]
    headers, rows = export_rows(CadreResource(user, unmask=True), known)
    corrected = [{**dict(zip(headers, values)), "籍贯": CORRECTED_PLACE} for values in rows]
    fresh = _newcomer_rows(NEWCOMERS[:5], 0, units)
    number = fresh[2]["身份证号"]
    if number.endswith("X"):
        fresh[2]["身份证号"] = number[:-1] + "x"  # as typed; the importer normalises it
    else:
        fresh[2]["身份证号"] = " ".join([number[:6], number[6:14], number[14:]])  # spaced, as typed
    return corrected + fresh


def _error_rows(units: list[Unit]) -> list[dict[str, Any]]:
    rows = _newcomer_rows(NEWCOMERS[5:9], 5, units)
    other_county = Unit.objects.filter(code="620103").first()
    destroyed, wrong_check, elsewhere, month = rows
    destroyed["身份证号"] = float(destroyed["身份证号"][:17] + "0")  # 6.20102E+17 in Excel
    wrong_check["身份证号"] = wrong_check["身份证号"][:17] + ("1" if wrong_check["身份证号"][17] != "1" else "2")
    if other_county is not None:
        elsewhere["单位"] = other_county.code
    month["出生年月"] = "1996.13"
    twice = dict(elsewhere, 姓名="孙立君", 单位=units[0].code)
    contradicts = dict(_newcomer_rows(NEWCOMERS[:1], 20, units)[0], 出生年月="1990.01")
    return [destroyed, wrong_check, elsewhere, month, twice, contradicts]


def _county_workbook(title: str, rows: list[dict[str, Any]]) -> bytes:
    """The sheet as a county office makes it: a merged title, a 填报 line, alias headers."""
    headers = list(rows[0])
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "干部名册"
    sheet.append([title])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    sheet.append(["填报单位：城关区委组织部（盖章）"] + [None] * (len(headers) // 2) + ["填报时间：2026年11月"])
    sheet.append([COUNTY_HEADERS.get(h, h) for h in headers])
    for row in rows:
        sheet.append([row[h] for h in headers])
    for column in sheet.columns:
        for cell in column[3:]:
            if isinstance(cell.value, datetime.date):
                cell.number_format = "yyyy-mm-dd"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _csv(rows: list[dict[str, Any]]) -> bytes:
    headers = ["身份证号码" if h == "身份证号" else h for h in rows[0]]
    lines = [",".join(headers)] + [",".join(str(v) for v in row.values()) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode("gb18030")


def _job(user: User, name: str, content: bytes) -> ImportJob:
    """The upload and its validation as the worker would run them; an existing job of
    this clerk and file is left as it is."""
    job = ImportJob.objects.filter(uploader=user, original_name=name).first()
    if job is None:
        job = services.job_create(user=user, resource="cadres", uploaded=SimpleUploadedFile(name, content))
        services.job_validate(job_id=job.pk)
        job.refresh_from_db()
    return job


def build(ctx: DemoContext) -> None:
    user = User.objects.filter(username=CLERK).first()
    county = Unit.objects.filter(code=COUNTY).first()
    if user is None or county is None:
        ctx.say(f"导入任务：未找到演示账号 {CLERK} 或单位 {COUNTY}，跳过。")
        return
    units = [county, *Unit.objects.filter(parent=county).order_by("code")]
    folder = Path(settings.VAR_DIR) / "demo-sheets"
    folder.mkdir(parents=True, exist_ok=True)
    report = _county_workbook("城关区科级干部名册（2026年）", _report_rows(user, units))
    with_errors = _county_workbook("城关区科级干部名册（补报）", _error_rows(units))
    sheets = {REPORT: report, WITH_ERRORS: with_errors, FOR_UPLOAD: _csv(_newcomer_rows(NEWCOMERS[9:], 9, units))}
    for name, content in sheets.items():
        (folder / name).write_bytes(content)

    reported = _job(user, REPORT, report)
    if reported.can_confirm and reported.confirmed_at is None:
        services.job_confirm(job=reported, user=user)
        services.job_commit(job_id=reported.pk)
        reported.refresh_from_db()
    checked = _job(user, WITH_ERRORS, with_errors)
    ctx.say(f"导入任务：「{REPORT}」{reported.get_status_display()}（新增 {reported.new_count}，"
            f"更新 {reported.updated_count}）；「{WITH_ERRORS}」{checked.get_status_display()}"
            f"（{checked.error_rows} 行有误）；示例表格在 {folder}。")
