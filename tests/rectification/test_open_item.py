"""rectification_open_item: the link other modules use to put a problem on the books."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.utils import timezone

from orgwork.audit.models import AuditAction, AuditLog
from orgwork.rectification.models import Checklist, ChecklistSource, ItemState, RectificationItem
from orgwork.rectification.selectors import rectification_items_for
from orgwork.rectification.services import (
    rectification_approve_closure,
    rectification_open_item,
    rectification_reopen,
    rectification_request_closure,
    rectification_start,
)

pytestmark = pytest.mark.django_db


def test_an_item_without_a_checklist_goes_into_the_standing_checklist_of_its_source_unit_and_year(tree, county_a_clerk):
    item = rectification_open_item(unit=tree["county_a"], source=ChecklistSource.POLITICAL_ASSESSMENT,
                                   problem="政治素质考核得分 76 分，低于 80 分", actor=county_a_clerk)
    checklist = item.checklist
    assert checklist.is_standing
    assert (checklist.source, checklist.unit, checklist.year) == (
        ChecklistSource.POLITICAL_ASSESSMENT, tree["county_a"], timezone.localdate().year)
    assert checklist.title == f"兰州市城关区{timezone.localdate().year}年政治素质考核问题清单"
    assert item.state == ItemState.ON_BOOKS
    assert item.responsible_unit == tree["county_a"]
    assert item.created_by == county_a_clerk

    second = rectification_open_item(unit=tree["county_a"], source=ChecklistSource.POLITICAL_ASSESSMENT,
                                     problem="另一名干部得分 78 分", actor=county_a_clerk)
    assert second.checklist == checklist
    assert Checklist.objects.filter(is_standing=True).count() == 1


def test_different_sources_and_units_get_their_own_standing_checklists(tree, county_a_clerk, city_officer):
    a = rectification_open_item(unit=tree["county_a"], source=ChecklistSource.WEAK_BRANCH, problem="支部软弱涣散",
                                actor=county_a_clerk)
    b = rectification_open_item(unit=tree["county_a"], source=ChecklistSource.UNANNOUNCED_VISIT, problem="暗访发现脱岗",
                                actor=county_a_clerk)
    c = rectification_open_item(unit=tree["county_b"], source=ChecklistSource.WEAK_BRANCH, problem="支部软弱涣散",
                                actor=city_officer)
    assert len({a.checklist_id, b.checklist_id, c.checklist_id}) == 3


def test_the_item_links_back_to_the_record_that_raised_it(tree, county_a_clerk):
    raised_by = county_a_clerk  # any saved record will do: here a staff account stands in for a cadre
    item = rectification_open_item(unit=tree["county_a"], source=ChecklistSource.POLITICAL_ASSESSMENT,
                                   problem="得分低于 80 分", actor=county_a_clerk, source_object=raised_by)
    item.refresh_from_db()
    assert item.source_content_type == ContentType.objects.get_for_model(type(raised_by))
    assert item.source_object_id == str(raised_by.pk)
    assert item.source_object == raised_by
    assert list(rectification_items_for(raised_by)) == [item]
    assert list(rectification_items_for(tree["county_a"])) == []


def test_opening_again_for_the_same_record_returns_the_open_item_unchanged(tree, county_a_clerk):
    first = rectification_open_item(unit=tree["county_a"], source=ChecklistSource.WEAK_BRANCH,
                                    problem="支部软弱涣散", actor=county_a_clerk, source_object=tree["township_a"])
    rectification_start(item=first, actor=county_a_clerk)
    again = rectification_open_item(unit=tree["county_a"], source=ChecklistSource.WEAK_BRANCH,
                                    problem="支部仍然软弱涣散", actor=county_a_clerk, source_object=tree["township_a"])
    assert again.pk == first.pk
    assert again.state == ItemState.IN_PROGRESS
    assert again.problem == "支部软弱涣散"
    assert RectificationItem.objects.count() == 1


def test_once_the_item_is_struck_off_a_new_problem_for_the_same_record_opens_a_new_item(
        tree, county_a_clerk, city_officer):
    first = rectification_open_item(unit=tree["county_a"], source=ChecklistSource.WEAK_BRANCH,
                                    problem="支部软弱涣散", actor=county_a_clerk, source_object=tree["township_a"])
    rectification_start(item=first, actor=county_a_clerk)
    rectification_request_closure(item=first, actor=county_a_clerk, account="已完成整顿")
    rectification_approve_closure(item=first, actor=city_officer)

    second = rectification_open_item(unit=tree["county_a"], source=ChecklistSource.WEAK_BRANCH,
                                     problem="次年再次列为软弱涣散", actor=county_a_clerk,
                                     source_object=tree["township_a"])
    assert second.pk != first.pk
    assert list(rectification_items_for(tree["township_a"])) == [first, second]

    # The struck-off item cannot be reopened while the new one is open: one open item per record.
    with pytest.raises(ValidationError) as refused:
        rectification_reopen(item=first, actor=city_officer, reason="回头看")
    assert "已有未销号的整改事项" in str(refused.value)


def test_the_responsible_unit_and_other_fields_are_kept(tree, county_a_clerk, city_officer):
    item = rectification_open_item(unit=tree["city"], source=ChecklistSource.ANNUAL_ASSESSMENT, problem="考核排名靠后",
                                   actor=city_officer, responsible_unit=tree["county_a"], responsible_person="李华",
                                   lead_leader="王强", measure="制定提升方案", deadline=datetime.date(2026, 12, 31))
    item.refresh_from_db()
    assert (item.checklist.unit, item.responsible_unit) == (tree["city"], tree["county_a"])
    assert (item.responsible_person, item.lead_leader, item.measure, item.deadline) == (
        "李华", "王强", "制定提升方案", datetime.date(2026, 12, 31))


def test_a_responsible_unit_outside_the_checklist_unit_is_refused(tree, city_officer):
    with pytest.raises(ValidationError) as refused:
        rectification_open_item(unit=tree["county_a"], source=ChecklistSource.OTHER, problem="问题",
                                actor=city_officer, responsible_unit=tree["county_b"])
    assert "不在清单所涉单位「兰州市城关区」及其下级单位范围内" in str(refused.value)


def test_an_unknown_source_and_a_source_unlike_the_checklists_are_refused(tree, city_officer, city_checklist):
    with pytest.raises(ValidationError, match="问题来源「patrol」无效"):
        rectification_open_item(unit=tree["county_a"], source="patrol", problem="问题", actor=city_officer)
    with pytest.raises(ValidationError, match="与清单.*不一致"):
        rectification_open_item(unit=tree["county_a"], source=ChecklistSource.OTHER, problem="问题",
                                actor=city_officer, checklist=city_checklist)


def test_opening_is_recorded_in_the_timeline_and_the_audit_log(tree, county_a_clerk):
    item = rectification_open_item(unit=tree["county_a"], source=ChecklistSource.OTHER, problem="问题",
                                   actor=county_a_clerk)
    assert [(t.label, t.from_state, t.to_state, t.actor) for t in item.transitions.all()] == [
        ("挂账", "", ItemState.ON_BOOKS, county_a_clerk)]
    row = AuditLog.objects.get(action=AuditAction.TRANSITION, object_id=str(item.pk))
    assert row.actor == county_a_clerk
    assert row.unit_path == tree["county_a"].path
    assert row.message.startswith("挂账")


def test_the_standing_checklists_of_two_towns_of_one_name_are_told_apart(tree, province_officer):
    from orgwork.common.contract import SystemActor
    from orgwork.units.models import Unit, UnitLevel, UnitType
    from orgwork.units.services import unit_save

    towns = [unit_save(unit=Unit(code=f"{tree[county].code}201", name="西川乡", parent=tree[county],
                                 level=UnitLevel.TOWNSHIP, unit_type=UnitType.TOWNSHIP), actor=SystemActor("fixture"))
             for county in ("county_a", "county_b")]
    titles = [rectification_open_item(unit=town, source=ChecklistSource.POLITICAL_ASSESSMENT,
                                      problem="政治素质考核得分 76 分，低于 80 分", actor=province_officer).checklist.title
              for town in towns]
    year = timezone.localdate().year
    assert titles == [f"兰州市城关区·西川乡{year}年政治素质考核问题清单", f"兰州市七里河区·西川乡{year}年政治素质考核问题清单"]


def test_the_migration_gives_a_kept_standing_title_its_units_full_name(tree, county_a_clerk):
    import importlib

    from django.apps import apps

    step = importlib.import_module("orgwork.rectification.migrations.0008_standing_titles_with_full_unit_names")
    checklist = rectification_open_item(unit=tree["county_a"], source=ChecklistSource.POLITICAL_ASSESSMENT,
                                        problem="政治素质考核得分 76 分，低于 80 分", actor=county_a_clerk).checklist
    Checklist.objects.filter(pk=checklist.pk).update(title="城关区2026年政治素质考核问题清单")
    step.standing_titles_with_full_names(apps, None)
    step.standing_titles_with_full_names(apps, None)  # once is enough: a full title stays
    checklist.refresh_from_db()
    assert checklist.title == "兰州市城关区2026年政治素质考核问题清单"


@pytest.mark.parametrize(("problem", "shown"), [
    ("县" * 34 + "得分低于 80 分", "县" * 34 + "得分低于…"),
    ("一" * 39 + "四十一字", "一" * 39 + "四…"),
    ("一" * 38 + " ABC 文件", "一" * 38 + "…"),
])
def test_an_items_name_is_cut_between_words_never_inside_a_number(problem, shown):
    assert str(RectificationItem(problem=problem)) == shown
