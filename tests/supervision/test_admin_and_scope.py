"""Who may do what: the rule table, the timeline page, the workflows' admin actions, scope."""

from __future__ import annotations

import datetime

from django.urls import reverse

from cadres.supervision.models import (
    FileAudit,
    FileAuditFinding,
    FileAuditItem,
    FileAuditStatus,
    HandlingRecord,
    HandlingType,
    InfluencePeriodRule,
)
from cadres.supervision.selectors import supervision_timeline
from orgwork.units.scope import scope_queryset
from tests.samples.supervision import (
    draw_sample,
    file_audit_sample,
    handling_sample,
    loan_sample,
    report_sample,
    vetting_sample,
    violation_sample,
)

from .helpers import handle


def rule_url(rule: InfluencePeriodRule) -> str:
    return reverse("admin:supervision_influenceperiodrule_change", args=[rule.pk])


def test_the_security_administrator_adjusts_an_influence_period(personas, client_for) -> None:
    rule = InfluencePeriodRule.objects.get(handling_type=HandlingType.ADMONISHMENT)
    response = client_for(personas["security_admin"]).post(rule_url(rule), {"months": "9", "basis": "新规定"})
    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.months == 9


def test_business_staff_read_the_rules_but_cannot_change_them(personas, client_for) -> None:
    rule = InfluencePeriodRule.objects.get(handling_type=HandlingType.DEMOTION)
    clerk = client_for(personas["county_a_clerk"])
    assert clerk.get(reverse("admin:supervision_influenceperiodrule_changelist")).status_code == 200
    clerk.post(rule_url(rule), {"months": "1", "basis": ""})
    rule.refresh_from_db()
    assert rule.months == 24


def test_the_security_administrator_reads_no_supervision_records(personas, client_for, tree) -> None:
    record = handling_sample(tree["county_a"])
    security = client_for(personas["security_admin"])
    assert security.get(reverse("admin:supervision_handlingrecord_changelist")).status_code == 403
    assert security.get(reverse("admin:supervision_timeline", args=[record.cadre_id])).status_code == 403
    audit_admin = client_for(personas["audit_admin"])
    assert audit_admin.get(reverse("admin:supervision_influenceperiodrule_changelist")).status_code == 403


def test_the_timeline_joins_handling_checks_audits_vetting_and_rectification(tree, county_a_clerk) -> None:
    draw = draw_sample(tree["county_a"])
    check = draw.checks.get()
    cadre = check.cadre
    handle(cadre, HandlingType.DISMISSAL, datetime.date(2025, 5, 6), document_number="城组〔2025〕8号")
    audit = FileAudit.objects.create(cadre=cadre, audited_on=datetime.date(2025, 7, 1), auditor="王审核")
    from cadres.supervision.services import (
        file_audit_complete,
        spot_check_open_rectification,
        spot_check_record_outcome,
        vetting_open,
    )

    FileAuditFinding.objects.create(audit=audit, item=FileAuditItem.EDUCATION, result="consistent")
    file_audit_complete(audit=audit, actor=county_a_clerk)
    spot_check_record_outcome(check=check, outcome="omitted", checked_on=datetime.date(2025, 9, 1),
                              findings="漏报房产", actor=county_a_clerk)
    spot_check_open_rectification(check=check, actor=county_a_clerk)
    vetting_open(cadre=cadre, proposed_post="局长", nominated_by="县委", nominated_on=datetime.date(2025, 10, 1),
                 actor=county_a_clerk)
    kinds = [entry.kind for entry in supervision_timeline(cadre)]
    assert sorted(set(kinds)) == sorted({"组织处理", "影响期届满", "档案审核", "个人有关事项核查", "凡提四必", "整改事项"})
    days = [entry.day for entry in supervision_timeline(cadre)]
    assert days == sorted(days, reverse=True)


def test_county_b_never_reaches_county_a_timeline(tree, county_a_clerk, county_b_clerk, client_for) -> None:
    record = handling_sample(tree["county_a"])
    url = reverse("admin:supervision_timeline", args=[record.cadre_id])
    page = client_for(county_a_clerk).get(url)
    assert page.status_code == 200 and "诫勉" in page.content.decode()
    assert client_for(county_b_clerk).get(url).status_code == 404


def test_county_b_sees_none_of_county_as_supervision_records(tree, county_b_clerk, city_officer) -> None:
    records = [builder(tree["county_a"]) for builder in (handling_sample, vetting_sample, report_sample, draw_sample,
                                                          file_audit_sample, loan_sample, violation_sample)]
    for record in records:
        qs = type(record).objects.filter(pk=record.pk)
        assert not scope_queryset(qs, county_b_clerk).exists(), type(record).__name__
        assert scope_queryset(qs, city_officer).exists(), type(record).__name__


def test_the_file_audit_actions_complete_and_resolve(tree, county_a_clerk, client_for) -> None:
    audit = file_audit_sample(tree["county_a"])
    FileAuditFinding.objects.create(audit=audit, item=FileAuditItem.PARTY, result="suspected", note="入党材料缺失")
    client = client_for(county_a_clerk)
    url = reverse("admin:supervision_fileaudit_changelist")
    client.post(url, {"action": "complete_audits", "_selected_action": [audit.pk]})
    audit.refresh_from_db()
    assert audit.status == FileAuditStatus.SUSPECTED
    form = client.post(url, {"action": "resolve_audits", "_selected_action": [audit.pk]})
    assert "查核结论" in form.content.decode() or "说明" in form.content.decode()
    page = form.content.decode().split('<div id="content-main">', 1)  # inside the styled content area
    assert len(page) == 2 and '<fieldset class="module aligned">' in page[1] and 'name="text"' in page[1]
    assert '<div class="submit-row">' in page[1]
    client.post(url, {"action": "resolve_audits", "_selected_action": [audit.pk], "apply": "1",
                      "day": "2026-04-01", "text": "经组织认定入党时间无误"})
    audit.refresh_from_db()
    assert audit.status == FileAuditStatus.RESOLVED and audit.resolution == "经组织认定入党时间无误"


def test_a_handling_record_saved_in_the_admin_gets_its_influence_period(cadre_a, county_a_clerk, client_for) -> None:
    response = client_for(county_a_clerk).post(reverse("admin:supervision_handlingrecord_add"), {
        "cadre": cadre_a.pk, "handling_type": HandlingType.POST_ADJUSTMENT, "source": "audit",
        "decided_on": "2026-01-31", "document_number": "", "handler": "刘明", "facts": "审计发现违规决策",
        "inquiry_reply": "", "inquiry_replied_on": "", "inquiry_accepted": "",
    })
    assert response.status_code == 302
    record = HandlingRecord.objects.get(cadre=cadre_a)
    assert (record.influence_months, record.influence_ends_on) == (12, datetime.date(2027, 1, 31))
