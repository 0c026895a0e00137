"""Builders the 党纪政务处分 tests share: a finding through the service, a findings sheet."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

from cadres.models import Cadre
from cadres.supervision.models import DisciplineFinding, DisciplineKind
from cadres.supervision.resources import DisciplineFindingResource
from cadres.supervision.services import discipline_finding_save
from orgwork.common.contract import SystemActor
from orgwork.imports.engine import ImportResult, run_import
from orgwork.imports.reader import open_sheet

SYSTEM = SystemActor("tests")
SHEET_HEAD = ["身份证号", "姓名", "处分种类", "处分决定日期", "处分决定文号", "作出机关", "处分事由"]


def find(cadre: Cadre, decided_on: datetime.date, kind: str = DisciplineKind.PARTY_WARNING, actor: Any = SYSTEM,
         number: str = "城纪处〔2026〕5号") -> DisciplineFinding:
    return discipline_finding_save(finding=DisciplineFinding(
        cadre=cadre, kind=kind, decided_on=decided_on, document_number=number,
        deciding_organ="中共兰州市城关区纪律检查委员会", summary="违规收受礼金"), actor=actor)


def sheet_row(cadre: Cadre, kind: str = "党内警告", day: str = "2026-06-01", number: str = "城纪处〔2026〕9号"
              ) -> list[str]:
    return [cadre.id_number, cadre.name, kind, day, number, "中共兰州市城关区纪律检查委员会", "违规发放津贴"]


def run_findings_sheet(user: Any, rows: list[list[str]], folder: Path) -> ImportResult:
    """A real CSV file through the import engine, committed when no row has an error."""
    path = folder / "党纪政务处分.csv"
    path.write_text("\n".join(",".join(r) for r in [SHEET_HEAD, *rows]) + "\n", encoding="utf-8")
    sheet = open_sheet(str(path), path.name, DisciplineFindingResource)
    return run_import(DisciplineFindingResource, user, sheet, commit=True)


def messages_of(result: ImportResult) -> str:
    return " ".join(str(e) for e in result.errors)
