"""后备干部推荐考察 sheet messages a clerk reads as meant: each choice in its own quotes, and
the age sentence naming the date it is reckoned on."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

from tests.samples.cadres import cadre_in
from tests.samples.reserve import pool_in

from .test_reserve_sheet import import_rows, messages, row


def test_a_wrong_conclusion_lists_each_choice_in_its_own_quotes(tree: Any, county_a_clerk: Any,
                                                                tmp_path: Path) -> None:
    pool_in(tree["county_a"], quota=3)
    cadre = cadre_in(tree["county_a"], birth=datetime.date(1988, 1, 1))
    result = import_rows(tmp_path, county_a_clerk, [row("620102/乡科级正职", cadre, conclusion="同意")],
                         commit=False)
    assert "「同意」不是可选值，可选：「考察合格，同意入库」「考察不合格」。" in messages(result)


def test_an_over_age_cadre_is_told_his_age_on_the_recommendation_day(tree: Any, county_a_clerk: Any,
                                                                     tmp_path: Path) -> None:
    pool_in(tree["county_a"], quota=3, age_limit=45)
    cadre = cadre_in(tree["county_a"], name="潘云霞", birth=datetime.date(1970, 1, 1))
    result = import_rows(tmp_path, county_a_clerk, [row("620102/乡科级正职", cadre, conclusion="")], commit=False)
    assert "潘云霞在推荐日期（2026-03-10）已满56岁，超过本库年龄上限45岁。" in messages(result)
