"""Sheet messages in whole sentences: an overlapping 驻村 says 已任驻村第一书记, an evaluation
for a year to come says the year is wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from cadres.selection.models import SelectionEvaluation
from orgwork.common import dates

from .secondment_helpers import cadre_a, days_ago, station  # noqa: F401  (fixtures)
from .selection_samples import promoted_cadre
from .test_secondment_sheet import messages as secondment_messages
from .test_secondment_sheet import row, run
from .test_selection_evaluations import import_sheet, write_sheet

pytestmark = pytest.mark.django_db


def test_an_overlap_with_a_first_secretary_post_reads_as_a_sentence(tmp_path: Path, tree, cadre_a,
                                                                     county_a_clerk) -> None:
    station(cadre_a, township=tree["township_a"], start=days_ago(300))
    result = run(tmp_path, [row("挂职", cadre_a, host="620102001", post="副镇长")], county_a_clerk)
    text = secondment_messages(result)
    assert "已任驻村第一书记（" in text and "已驻村第一书记" not in text


def test_an_evaluation_sheet_for_a_year_to_come_says_the_year_is_wrong(tree, county_a_clerk, tmp_path) -> None:
    cadre = promoted_cadre(tree["county_a"], name="戴英东")
    next_year = dates.today().year + 1
    path = write_sheet(tmp_path, [[cadre.id_number, cadre.name, "620102", str(next_year),
                                   dates.today().isoformat(), "10", "5", "5", "10"]])
    result = import_sheet(path, county_a_clerk)
    text = " ".join(e.message for e in result.errors)
    assert not result.committed
    assert f"评议年度不能晚于今年（{dates.today().year}年）。" in text and "没有提拔任职记录" not in text
    assert not SelectionEvaluation.objects.exists()
