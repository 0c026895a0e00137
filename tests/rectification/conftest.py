"""Fixtures for the rectification tests: checklists and items at each step of 挂账销号."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest

from cadres.supervision.models import SpotCheckDraw, SpotCheckOutcome
from cadres.supervision.services import spot_check_draw, spot_check_open_rectification, spot_check_record_outcome
from orgwork.accounts.models import User
from orgwork.rectification import services
from orgwork.rectification.models import Checklist, ChecklistSource, ItemState, RectificationItem
from orgwork.units.models import Unit
from tests.samples.cadres import cadre_in
from tests.samples.supervision import report_for


# 延期 is measured from today (a new deadline after it, at most six months on): the tests
# that extend the items of these 2026 fixtures run on a day before their deadlines.
EXTENSION_DAY = datetime.date(2026, 6, 1)
# The city issued the checklist these items belong to: a county's 延期 names its approval.
CITY_APPROVAL = "兰州市委组织部 兰组函〔2026〕3号"


@pytest.fixture
def extension_day(monkeypatch: pytest.MonkeyPatch) -> datetime.date:
    """Today is 2026-06-01 for the rules of 延期."""
    monkeypatch.setattr("orgwork.common.dates.today", lambda: EXTENSION_DAY)
    return EXTENSION_DAY


@pytest.fixture
def city_checklist(tree: dict[str, Unit]) -> Checklist:
    """A city inspection's feedback list (巡视反馈) covering 兰州市 and its counties."""
    return Checklist.objects.create(
        source=ChecklistSource.INSPECTION, title="市委第一巡察组反馈问题清单", document_number="兰巡反〔2026〕1号",
        document_date=datetime.date(2026, 3, 1), unit=tree["city"], year=2026,
    )


@pytest.fixture
def open_item(city_checklist: Checklist, tree: dict[str, Unit], city_officer: User) -> Callable[..., RectificationItem]:
    """Open an item of the city checklist assigned to county A (or ``unit``)."""

    def make(problem: str = "“三重一大”决策程序执行不到位", unit: Unit | None = None, **kwargs: Any) -> RectificationItem:
        return services.rectification_open_item(
            unit=unit or tree["county_a"], source=ChecklistSource.INSPECTION, problem=problem, actor=city_officer,
            checklist=city_checklist, responsible_person="张明", measure="修订议事规则",
            deadline=kwargs.pop("deadline", datetime.date(2026, 6, 30)), **kwargs,
        )

    return make


@pytest.fixture
def item_in(open_item: Callable[..., RectificationItem], county_a_clerk: User, county_b_clerk: User,
            city_officer: User, tree: dict[str, Unit]) -> Callable[..., RectificationItem]:
    """An item (of county A unless ``unit`` says otherwise) brought to ``state`` through the
    services, the way people do it: the county's clerk works and requests, the city reviews."""

    def make(state: str, **kwargs: Any) -> RectificationItem:
        item = open_item(**kwargs)
        worker = county_b_clerk if item.responsible_unit.is_within(tree["county_b"]) else county_a_clerk
        if state == ItemState.ON_BOOKS:
            return item
        services.rectification_start(item=item, actor=worker)
        if state == ItemState.IN_PROGRESS:
            return item
        services.rectification_request_closure(item=item, actor=worker, account="已修订议事规则并印发。")
        if state == ItemState.CLOSURE_REQUESTED:
            return item
        services.rectification_approve_closure(item=item, actor=city_officer)
        if state == ItemState.CLOSED:
            return item
        services.rectification_reopen(item=item, actor=city_officer, reason="回头看发现问题反弹")
        assert state == ItemState.REOPENED
        return item

    return make


@pytest.fixture
def spot_check_item(tree: dict[str, Unit], county_a_clerk: User) -> RectificationItem:
    """A 漏报 found by 随机抽查 in county A, put on the books by 开立整改事项 (on county A's
    standing checklist, which has no 文号)."""
    cadre = cadre_in(tree["county_a"], name="李志强")
    report_for(cadre, year=2025)
    draw = spot_check_draw(draw=SpotCheckDraw(unit=tree["county_a"], year=2025, method="count", count=1),
                           actor=county_a_clerk)
    check = draw.checks.get()
    spot_check_record_outcome(check=check, outcome=SpotCheckOutcome.OMITTED, checked_on=datetime.date(2026, 4, 1),
                              findings="漏报配偶经商情况", handling="批评教育", actor=county_a_clerk)
    return spot_check_open_rectification(check=check, actor=county_a_clerk)


@pytest.fixture
def county_items(tree: dict[str, Unit], county_a_clerk: User) -> list[RectificationItem]:
    """Items put on the books by hand in county A: one on a checklist with a 文号, one on a
    checklist registered without one (a 专题民主生活会's list)."""
    numbered = Checklist.objects.create(source=ChecklistSource.INSPECTION, title="区委巡察反馈问题清单",
                                        document_number="城巡反〔2026〕2号", document_date=datetime.date(2026, 3, 1),
                                        unit=tree["county_a"], year=2026)
    unnumbered = Checklist.objects.create(source=ChecklistSource.DEMOCRATIC_LIFE, title="区委常委班子民主生活会查摆问题",
                                          unit=tree["county_a"], year=2026)
    return [
        services.rectification_open_item(unit=tree["county_a"], source=numbered.source, checklist=numbered,
                                         problem="干部档案管理不规范", measure="专项审核", actor=county_a_clerk,
                                         deadline=datetime.date(2026, 12, 31)),
        services.rectification_open_item(unit=tree["county_a"], source=unnumbered.source, checklist=unnumbered,
                                         problem="调查研究不够深入", measure="建立调研制度", actor=county_a_clerk),
    ]


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    # The personas are created for every test; a fast hasher keeps the suite quick.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
