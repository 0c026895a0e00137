"""``import_sheet``: exit 0 / 1 / 2 and the JSON report."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from orgwork.units.models import Unit

from .conftest import grant
from .sheets import xlsx

pytestmark = pytest.mark.django_db
HEAD = ["单位代码", "单位名称", "上级单位代码", "单位类型", "行政层级"]


@pytest.fixture
def importer(county_a_clerk: Any) -> Any:
    return grant(county_a_clerk, "units.import_unit")


def run(*args: str) -> int:
    try:
        call_command("import_sheet", *args)
    except SystemExit as exc:
        return int(exc.code)
    except CommandError as exc:
        return exc.returncode
    return 0


def test_list_names_the_resources(capsys: Any) -> None:
    call_command("import_sheet", "--list")
    assert "units\t单位" in capsys.readouterr().out


def test_a_valid_file_exits_0_and_commits_with_a_report(tmp_path: Path, importer: Any) -> None:
    path = xlsx(tmp_path / "u.xlsx", [HEAD, ["620102002", "东岗街道", "620102", "乡镇", "乡级"]])
    report = tmp_path / "r.json"
    assert run("units", str(path), "--user", importer.username, "--report", str(report)) == 0
    assert not Unit.objects.filter(code="620102002").exists()
    assert run("units", str(path), "--user", importer.username, "--commit", "--report", str(report)) == 0
    assert json.loads(report.read_text("utf-8")) == {"rows": 1, "new": 1, "updated": 0, "unchanged": 0, "errors": []}
    assert Unit.objects.filter(code="620102002").exists()


def test_an_invalid_row_exits_1_writes_nothing_and_reports_it(tmp_path: Path, importer: Any) -> None:
    path = xlsx(tmp_path / "u.xlsx", [HEAD, ["620102002", "东岗街道", "620102", "乡镇", "乡级"],
                                      ["620102003", "越界", "620103", "乡镇", "乡级"]])
    report = tmp_path / "r.json"
    assert run("units", str(path), "--user", importer.username, "--commit", "--report", str(report)) == 1
    data = json.loads(report.read_text("utf-8"))
    assert data["rows"] == 2 and data["new"] == 0
    assert data["errors"] == [{"row": 3, "column": "上级单位代码", "message": data["errors"][0]["message"]}]
    assert "管辖范围" in data["errors"][0]["message"]
    assert not Unit.objects.filter(code__in=["620102002", "620102003"]).exists()


def test_unreadable_files_and_wrong_arguments_exit_2(tmp_path: Path, importer: Any, county_b_clerk: Any) -> None:
    fake = tmp_path / "u.xlsx"
    fake.write_bytes(b"not a workbook")
    good = xlsx(tmp_path / "g.xlsx", [HEAD, ["620102002", "东岗街道", "620102", "乡镇", "乡级"]])
    assert run("units", str(fake), "--user", importer.username) == 2
    assert run("units", str(tmp_path / "missing.xlsx"), "--user", importer.username) == 2
    assert run("nosuch", str(good), "--user", importer.username) == 2
    assert run("units", str(good), "--user", "nobody") == 2
    assert run("units", str(good)) == 2
    assert run("units", str(good), "--user", county_b_clerk.username) == 2  # no import permission


def test_columns_the_template_does_not_know_are_named_and_left_alone(tmp_path: Path, importer: Any,
                                                                     capsys: Any) -> None:
    """A misspelt header is not a silent loss: the run names it (序号 and 备注 excepted)."""
    path = xlsx(tmp_path / "u.xlsx", [["序号", *HEAD, "单位简介"], ["1", "620102002", "东岗街道", "620102", "乡镇", "乡级", "略"]])
    assert run("units", str(path), "--user", importer.username) == 0
    err = capsys.readouterr().err
    assert "「单位简介」列不在导入模板中，不会导入" in err and "序号" not in err


def test_the_command_says_which_cells_held_a_formula_it_took_the_saved_result_of(
        tmp_path: Path, importer: Any, capsys: Any) -> None:
    from .test_formula_cells import workbook

    path = tmp_path / "u.xlsx"
    path.write_bytes(workbook([HEAD, ["620102002", '="东岗"&"街道"', "620102", "乡镇", "乡级"]],
                              results={"B2": ("str", "东岗街道")}))
    assert run("units", str(path), "--user", importer.username, "--commit") == 0
    assert "注意：B2 单元格是公式，已按其保存的计算结果导入" in capsys.readouterr().err
    assert Unit.objects.get(code="620102002").name == "东岗街道"
