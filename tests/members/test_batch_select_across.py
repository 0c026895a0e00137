"""选中全部 on a list, then a batch step that first asks for a date or a reason: the step
runs on every record of the filtered list, not on the ones its form page happened to
name; a list too long for one batch is refused whole, with a message."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from branches.members.models import Member, MemberStatus
from cadres.supervision.models import FileAudit, FileAuditFinding, FileAuditItem, FileAuditStatus
from tests.samples.supervision import file_audit_sample

from .conftest import add_member, today

pytestmark = pytest.mark.django_db


def suspension() -> dict[str, str]:
    return {"status": "suspended", "changed_on": today().isoformat(), "reason": "城组发〔2026〕5号"}


@pytest.fixture
def five(orgs):
    return [add_member(orgs["community"], name) for name in ("赵一鸣", "钱二娃", "孙三石", "李四海", "周五洲")]


def test_the_form_page_counts_the_whole_list_names_the_first_and_carries_the_selection_across(
        five, client_for, county_a_clerk, monkeypatch):
    monkeypatch.setattr("orgwork.admin_actions.LISTED_ON_FORM", 2)
    url = reverse("admin:members_member_changelist") + "?category__exact=full"
    page = client_for(county_a_clerk).post(url, {"action": "set_status", "index": "0", "select_across": "1",
                                                 "_selected_action": [five[0].pk]}).content.decode()
    assert "将对以下 5 条记录执行「变更党籍状态」（列出前 2 条，另有 3 条未列出）" in page
    assert '<input type="hidden" name="select_across" value="1">' in page
    # The ticked key goes along (the changelist runs no action posted without one), unused.
    assert re.findall(r'name="_selected_action" value="(\d+)"', page) == [str(five[0].pk)]


def test_applying_after_select_across_runs_the_step_on_every_record_of_the_list(five, client_for, county_a_clerk,
                                                                               monkeypatch):
    monkeypatch.setattr("orgwork.admin_actions.LISTED_ON_FORM", 2)
    client = client_for(county_a_clerk)
    url = reverse("admin:members_member_changelist") + "?category__exact=full"
    page = client.post(url, {"action": "set_status", "index": "0", "select_across": "1",
                             "_selected_action": [five[0].pk]}).content.decode()
    # The form page's own hidden fields posted back, as the clerk's 确认 does.
    form = page[page.index('<form method="post">'):]
    carried: dict[str, list[str]] = {}
    for name, value in re.findall(r'<input type="hidden" name="([a-z_]+)" value="([^"]*)">', form):
        carried.setdefault(name, []).append(value)
    done = client.post(url, {**carried, **suspension()}, follow=True)
    [message] = [str(m) for m in done.context["messages"]]
    assert message == "变更党籍状态：已办理 5 人。"
    assert Member.objects.filter(pk__in=[m.pk for m in five], status=MemberStatus.SUSPENDED).count() == 5


def test_select_across_keeps_to_the_lists_filter(five, orgs, tree, client_for, county_a_clerk):
    township = add_member(orgs["village"], "吴六顺")  # the 城关镇 branch; the five are the county's own
    url = reverse("admin:members_member_changelist") + f"?unit_tree={tree['township_a'].code}"
    client_for(county_a_clerk).post(url, {"action": "set_status", "index": "0", "select_across": "1", "apply": "1",
                                          "_selected_action": [township.pk], **suspension()})
    assert Member.objects.get(pk=township.pk).status == MemberStatus.SUSPENDED
    assert not Member.objects.filter(pk__in=[m.pk for m in five], status=MemberStatus.SUSPENDED).exists()


def test_a_list_longer_than_one_batch_is_refused_whole_with_its_count(five, client_for, county_a_clerk, monkeypatch):
    monkeypatch.setattr("orgwork.admin_base.BATCH_MAX", 4)
    client = client_for(county_a_clerk)
    url = reverse("admin:members_member_changelist")
    asked = client.post(url, {"action": "set_status", "index": "0", "select_across": "1",
                              "_selected_action": [five[0].pk]}, follow=True)
    [message] = [str(m) for m in asked.context["messages"]]
    assert message == "一次最多批量办理 4 条，当前列表共 5 条，未执行任何操作。请先用筛选缩小范围，再分批办理。"
    client.post(url, {"action": "set_status", "index": "0", "select_across": "1", "apply": "1",
                      "_selected_action": [five[0].pk], **suspension()})
    assert not Member.objects.filter(status=MemberStatus.SUSPENDED).exists()


def test_ticked_records_are_carried_as_ticked(five, client_for, county_a_clerk):
    client = client_for(county_a_clerk)
    url = reverse("admin:members_member_changelist")
    page = client.post(url, {"action": "set_status", "index": "0", "select_across": "0",
                             "_selected_action": [five[0].pk, five[1].pk]}).content.decode()
    assert "将对以下 2 条记录执行「变更党籍状态」：" in page
    assert sorted(re.findall(r'name="_selected_action" value="(\d+)"', page)) == sorted(
        str(m.pk) for m in five[:2])
    client.post(url, {"action": "set_status", "index": "0", "select_across": "0", "apply": "1",
                      "_selected_action": [five[0].pk, five[1].pk], **suspension()})
    assert set(Member.objects.filter(status=MemberStatus.SUSPENDED).values_list("pk", flat=True)) == {
        five[0].pk, five[1].pk}


def test_a_supervision_batch_form_carries_select_across_to_every_record(tree, client_for, county_a_clerk):
    audits = [file_audit_sample(tree["county_a"]) for _ in range(3)]
    for audit in audits:
        FileAuditFinding.objects.create(audit=audit, item=FileAuditItem.PARTY, result="suspected", note="入党材料缺失")
        FileAudit.objects.filter(pk=audit.pk).update(status=FileAuditStatus.SUSPECTED)
    client = client_for(county_a_clerk)
    url = reverse("admin:supervision_fileaudit_changelist")
    page = client.post(url, {"action": "resolve_audits", "index": "0", "select_across": "1",
                             "_selected_action": [audits[0].pk]}).content.decode()
    assert "将对以下 3 条记录执行" in page and '<input type="hidden" name="select_across" value="1">' in page
    client.post(url, {"action": "resolve_audits", "index": "0", "select_across": "1", "apply": "1",
                      "_selected_action": [audits[0].pk], "day": "2026-04-01", "text": "经组织认定入党时间无误"})
    assert FileAudit.objects.filter(pk__in=[a.pk for a in audits], status=FileAuditStatus.RESOLVED).count() == 3
