"""挂职与驻村: each rule on the service path (the path the seeder and the commands take)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from cadres.secondment import services
from cadres.secondment.models import (
    AssessmentGrade,
    Assignment,
    AssignmentAssessment,
    AssignmentKind,
    AssignmentStatus,
)
from cadres.secondment.selectors import headline
from orgwork.audit.models import AuditLog
from orgwork.rectification.models import RectificationItem

from .secondment_helpers import (  # noqa: F401  (fixtures)
    SYSTEM,
    cadre_a,
    cadre_a2,
    cadre_b,
    check,
    days_ago,
    same_year_days,
    second,
    station,
    today,
    years_on,
)

pytestmark = pytest.mark.django_db


def test_a_cadre_cannot_hold_two_overlapping_assignments(tree, cadre_a):
    second(cadre_a, host=tree["county_b"], start=days_ago(300))
    with pytest.raises(ValidationError, match="选派期间不能重叠"):
        station(cadre_a, township=tree["township_a"], start=days_ago(100))
    assert Assignment.objects.filter(cadre=cadre_a).count() == 1


def test_a_cadre_may_be_sent_again_after_the_first_assignment_ended(tree, cadre_a):
    first = second(cadre_a, host=tree["county_b"], start=days_ago(800), end=days_ago(200))
    services.assignment_end(assignment=first, status=AssignmentStatus.COMPLETED, left_on=days_ago(200), actor=SYSTEM)
    later = station(cadre_a, township=tree["township_a"], start=days_ago(200))
    assert later.status == AssignmentStatus.ACTIVE


def test_a_village_has_one_first_secretary_at_a_time_but_any_number_of_team_members(tree, cadre_a, cadre_a2):
    station(cadre_a, township=tree["township_a"], village="红山村")
    with pytest.raises(ValidationError, match="同一时间只能有一名第一书记"):
        station(cadre_a2, township=tree["township_a"], village=" 红山村 ")
    member = station(cadre_a2, township=tree["township_a"], village="红山村", kind=AssignmentKind.VILLAGE_TEAM)
    assert member.pk is not None


def test_a_secondment_names_its_host_unit_and_a_village_posting_its_township(tree, cadre_a):
    with pytest.raises(ValidationError, match="挂职须填写挂职单位"):
        services.assignment_save(assignment=Assignment(
            kind=AssignmentKind.SECONDMENT, cadre=cadre_a, sending_unit=cadre_a.unit, starts_on=days_ago(10),
            ends_on=years_on(days_ago(10), 1)), actor=SYSTEM)
    with pytest.raises(ValidationError, match="驻村须填写村名"):
        station(cadre_a, township=tree["township_a"], village="")


def test_a_county_clerk_cannot_send_another_countys_cadre_or_post_to_another_countys_unit(tree, cadre_a, cadre_b,
                                                                                         county_a_clerk):
    with pytest.raises(ValidationError, match="不在您的管辖范围内"):
        second(cadre_b, host=tree["county_a"], actor=county_a_clerk)
    with pytest.raises(ValidationError, match="该单位不存在或不在您的管辖范围内"):
        second(cadre_a, host=tree["county_b"], actor=county_a_clerk)
    assert second(cadre_a, host=tree["township_a"], actor=county_a_clerk).pk is not None


def test_rotation_needs_a_reason_and_a_replacement_who_takes_the_rest_of_the_term(tree, cadre_a, cadre_a2):
    first = station(cadre_a, township=tree["township_a"])
    with pytest.raises(ValidationError) as refused:
        services.assignment_end(assignment=first, status=AssignmentStatus.ROTATED, left_on=days_ago(5), reason="",
                                actor=SYSTEM)
    assert "轮换须写明原因" in str(refused.value) and "轮换须指定接替人选" in str(refused.value)
    services.assignment_end(assignment=first, status=AssignmentStatus.ROTATED, left_on=days_ago(5),
                            reason="工作需要", replacement_cadre=cadre_a2, actor=SYSTEM)
    first.refresh_from_db()
    successor = first.replacement
    assert first.status == AssignmentStatus.ROTATED and first.left_on == days_ago(5)
    assert (successor.cadre, successor.village, successor.starts_on, successor.ends_on) == (
        cadre_a2, "红山村", days_ago(5), first.ends_on)
    assert successor.kind == AssignmentKind.FIRST_SECRETARY and successor.status == AssignmentStatus.ACTIVE


def test_a_replacement_already_posted_elsewhere_is_refused_and_nothing_changes(tree, cadre_a, cadre_a2):
    first = station(cadre_a, township=tree["township_a"])
    second(cadre_a2, host=tree["county_b"])
    with pytest.raises(ValidationError, match="选派期间不能重叠"):
        services.assignment_end(assignment=first, status=AssignmentStatus.ROTATED, left_on=days_ago(5),
                                reason="工作需要", replacement_cadre=cadre_a2, actor=SYSTEM)
    first.refresh_from_db()
    assert first.status == AssignmentStatus.ACTIVE and first.replacement is None


def test_recalls_and_accountability_of_village_cadres_are_the_years_headline(tree, cadre_a, cadre_a2, cadre_b,
                                                                              province_officer):
    a = station(cadre_a, township=tree["township_a"], village="红山村")
    b = station(cadre_a2, township=tree["township_a"], village="青石村", kind=AssignmentKind.VILLAGE_TEAM)
    c = second(cadre_b, host=tree["county_a"])
    with pytest.raises(ValidationError, match="召回须写明原因"):
        services.assignment_end(assignment=a, status=AssignmentStatus.RECALLED, left_on=days_ago(1), actor=SYSTEM)
    day = same_year_days(1)[0]
    services.assignment_end(assignment=a, status=AssignmentStatus.RECALLED, left_on=day, reason="长期不在岗",
                            held_accountable=True, actor=SYSTEM)
    services.assignment_end(assignment=b, status=AssignmentStatus.RECALLED, left_on=day, reason="身体原因",
                            actor=SYSTEM)
    services.assignment_end(assignment=c, status=AssignmentStatus.RECALLED, left_on=day, reason="挂职单位调整",
                            held_accountable=True, actor=SYSTEM)
    # 挂职 is not 驻村帮扶: the figures count the two village cadres, one of them held to account.
    assert headline(province_officer, today().year) == {"replaced": 2, "accountable": 1}


def test_a_spot_check_falls_within_the_time_in_post(tree, cadre_a):
    assignment = station(cadre_a, township=tree["township_a"], start=days_ago(30))
    with pytest.raises(ValidationError, match="不在该干部的在岗期间"):
        check(assignment, days_ago(40), present=True)
    with pytest.raises(ValidationError, match="不能晚于今天"):
        check(assignment, years_on(today(), 1), present=True)


def test_repeated_absence_in_a_year_puts_the_assignment_on_the_checklist_once(tree, cadre_a):
    assignment = station(cadre_a, township=tree["township_a"])
    first, second_day, third = same_year_days(3)
    check(assignment, first, present=False)
    assert not RectificationItem.objects.exists()
    check(assignment, second_day, present=False)
    check(assignment, third, present=False)
    item = RectificationItem.objects.get()
    assert "不在岗2次" in item.problem and item.responsible_unit == cadre_a.unit


def test_the_absence_limit_is_a_setting(tree, cadre_a, settings):
    settings.SECONDMENT_ABSENCE_LIMIT = 1
    assignment = station(cadre_a, township=tree["township_a"])
    check(assignment, same_year_days(1)[0], present=False)
    assert RectificationItem.objects.count() == 1


def test_excellent_is_refused_in_a_year_of_repeated_absence_and_outside_the_term(tree, cadre_a):
    assignment = station(cadre_a, township=tree["township_a"])
    for day in same_year_days(2):
        check(assignment, day, present=False)
    with pytest.raises(ValidationError, match="不能评为优秀"):
        services.assignment_assess(assessment=AssignmentAssessment(
            assignment=assignment, year=today().year, grade=AssessmentGrade.EXCELLENT), actor=SYSTEM)
    with pytest.raises(ValidationError, match="考核年度须在选派期间"):
        services.assignment_assess(assessment=AssignmentAssessment(
            assignment=assignment, year=today().year - 5, grade=AssessmentGrade.COMPETENT), actor=SYSTEM)
    done = services.assignment_assess(assessment=AssignmentAssessment(
        assignment=assignment, year=today().year, grade=AssessmentGrade.BASIC), actor=SYSTEM)
    assert done.pk is not None


def test_an_ended_assignment_cannot_be_edited_or_ended_again(tree, cadre_a):
    assignment = second(cadre_a, host=tree["county_b"])
    services.assignment_end(assignment=assignment, status=AssignmentStatus.COMPLETED, left_on=days_ago(1),
                            actor=SYSTEM)
    assignment.post = "县委副书记"
    with pytest.raises(ValidationError, match="不能再修改"):
        services.assignment_save(assignment=assignment, actor=SYSTEM)
    with pytest.raises(ValidationError, match="不能再办理"):
        services.assignment_end(assignment=assignment, status=AssignmentStatus.RECALLED, left_on=days_ago(1),
                                reason="x", actor=SYSTEM)


def test_each_change_writes_exactly_one_audit_row(tree, cadre_a):
    before = AuditLog.objects.count()
    assignment = second(cadre_a, host=tree["county_b"])
    assert AuditLog.objects.count() == before + 1
    check(assignment, days_ago(3), present=True)
    assert AuditLog.objects.count() == before + 2
    services.assignment_end(assignment=assignment, status=AssignmentStatus.COMPLETED, left_on=days_ago(1),
                            actor=SYSTEM)
    assert AuditLog.objects.count() == before + 3


def test_an_assignment_starting_after_today_is_refused_rather_than_counted_as_in_post(tree, cadre_a):
    with pytest.raises(ValidationError) as refused:
        second(cadre_a, host=tree["county_b"], start=days_ago(-30))
    assert refused.value.message_dict["starts_on"] == ["选派开始日期不能晚于今天：干部到岗后再登记。"]
    assert not Assignment.objects.exists()
