"""后备干部 in the admin: the 推荐 form, the record-page steps (登记考察, 调整出库, 年度动态调整),
no 删除, the cadre's page, and each list's query count pinned and constant in page size."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cadres.models import Rank
from cadres.reserve.models import ExitReason, MemberStatus, ReserveMember
from cadres.supervision.models import HandlingType
from orgwork.audit.models import AuditLog
from tests.samples.cadres import cadre_in
from tests.samples.names import numbered
from tests.samples.reserve import enter, pool_in, recommend
from tests.supervision.helpers import handle
from tests.steps import assert_step_unavailable

D = datetime.date
MEMBERS = "admin:reserve_reservemember_changelist"
POOLS = "admin:reserve_reservepool_changelist"


def step_url(model: str, obj: Any, name: str) -> str:
    return reverse(f"admin:reserve_{model}_{name}", args=[obj.pk])


@pytest.fixture
def pool(tree: dict[str, Any]) -> Any:
    return pool_in(tree["county_a"], quota=1)


def recommend_data(pool: Any, cadre: Any) -> dict[str, Any]:
    return {"pool": pool.pk, "cadre": cadre.pk, "recommended_by": "城关区委", "recommended_on": "2026-03-01",
            "recommendation": "年轻有为"}


def test_the_recommend_form_shows_an_influence_period_on_the_form_and_stores_nothing(
        pool: Any, tree: Any, county_a_clerk: Any, client_for: Any) -> None:
    cadre = cadre_in(tree["county_a"], birth=D(1988, 1, 1))
    handle(cadre, HandlingType.ADMONISHMENT, D(2026, 2, 1))
    response = client_for(county_a_clerk).post(reverse("admin:reserve_reservemember_add"), recommend_data(pool, cadre))
    assert response.status_code == 200
    assert "期间不得推荐入库" in response.content.decode()
    assert not ReserveMember.objects.exists()


def test_the_recommend_form_records_a_recommendation_with_one_audit_row(
        pool: Any, tree: Any, county_a_clerk: Any, client_for: Any) -> None:
    cadre = cadre_in(tree["county_a"], birth=D(1988, 1, 1))
    response = client_for(county_a_clerk).post(reverse("admin:reserve_reservemember_add"), recommend_data(pool, cadre))
    assert response.status_code == 302
    member = ReserveMember.objects.get()
    assert (member.status, member.level) == (MemberStatus.RECOMMENDED, Rank.TOWNSHIP_CHIEF)
    assert AuditLog.objects.filter(object_id=str(member.pk), content_type__model="reservemember").count() == 1


def test_the_inspect_button_refuses_beyond_the_quota_on_its_form(pool: Any, tree: Any, county_a_clerk: Any,
                                                                 client_for: Any) -> None:
    enter(pool, cadre_in(tree["county_a"], birth=D(1988, 1, 1)))
    waiting = recommend(pool, cadre_in(tree["county_a"], birth=D(1989, 1, 1)))
    client = client_for(county_a_clerk)
    page = client.get(reverse("admin:reserve_reservemember_change", args=[waiting.pk])).content.decode()
    assert step_url("reservemember", waiting, "inspect_step") in page
    assert step_url("reservemember", waiting, "exit_step") not in page
    response = client.post(step_url("reservemember", waiting, "inspect_step"),
                           {"inspected_on": "2026-04-01", "conclusion": "passed", "opinion": ""})
    assert response.status_code == 200 and "名额1名已满" in response.content.decode()
    waiting.refresh_from_db()
    assert waiting.status == MemberStatus.RECOMMENDED


def test_the_inspect_button_takes_the_member_in_and_the_exit_button_takes_them_out(
        pool: Any, tree: Any, county_a_clerk: Any, client_for: Any) -> None:
    member = recommend(pool, cadre_in(tree["county_a"], birth=D(1989, 1, 1)))
    client = client_for(county_a_clerk)
    response = client.post(step_url("reservemember", member, "inspect_step"),
                           {"inspected_on": "2026-04-01", "conclusion": "passed", "opinion": "优秀"})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.status == MemberStatus.IN_POOL
    assert_step_unavailable(client, step_url("reservemember", member, "inspect_step"))
    response = client.post(step_url("reservemember", member, "exit_step"),
                           {"reason": "promoted", "exited_on": "2026-10-01", "note": "任镇长"})
    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.status, member.exit_reason) == (MemberStatus.EXITED, ExitReason.PROMOTED)
    assert AuditLog.objects.filter(object_id=str(member.pk), content_type__model="reservemember").count() == 3
    timeline = client.get(reverse("admin:reserve_reservemember_change", args=[member.pk])).content.decode()
    assert "办理记录" in timeline and "优秀" in timeline and "任镇长" in timeline


def test_the_quota_refusal_of_a_passing_inspection_stands_under_its_conclusion(
        pool: Any, tree: Any, county_a_clerk: Any, client_for: Any) -> None:
    enter(pool, cadre_in(tree["county_a"], birth=D(1988, 1, 1)))
    waiting = recommend(pool, cadre_in(tree["county_a"], birth=D(1989, 1, 1)))
    client = client_for(county_a_clerk)
    before = AuditLog.objects.count()
    response = client.post(step_url("reservemember", waiting, "inspect_step"),
                           {"inspected_on": "2026-04-01", "conclusion": "passed", "opinion": ""})
    form = response.context["form"]
    assert "名额1名已满" in " ".join(form.errors["conclusion"]) and not form.non_field_errors(), form.errors
    waiting.refresh_from_db()
    assert (waiting.status, waiting.inspected_on) == (MemberStatus.RECOMMENDED, None)
    assert AuditLog.objects.count() == before


def test_an_exit_for_another_reason_without_a_note_is_refused_under_the_note(
        pool: Any, tree: Any, county_a_clerk: Any, client_for: Any) -> None:
    member = enter(pool, cadre_in(tree["county_a"], birth=D(1989, 1, 1)))
    client = client_for(county_a_clerk)
    before = AuditLog.objects.count()
    response = client.post(step_url("reservemember", member, "exit_step"),
                           {"reason": ExitReason.OTHER, "exited_on": "2026-10-01", "note": ""})
    form = response.context["form"]
    assert form.errors["note"] == ["出库原因为“其他”的，须写明调整说明。"] and not form.non_field_errors(), form.errors
    member.refresh_from_db()
    assert (member.status, member.exit_reason) == (MemberStatus.IN_POOL, "")
    assert AuditLog.objects.count() == before


def test_another_countys_clerk_cannot_reach_the_steps(pool: Any, tree: Any, county_b_clerk: Any,
                                                      client_for: Any) -> None:
    member = recommend(pool, cadre_in(tree["county_a"], birth=D(1989, 1, 1)))
    response = client_for(county_b_clerk).post(step_url("reservemember", member, "inspect_step"),
                                               {"inspected_on": "2026-04-01", "conclusion": "passed"})
    assert response.status_code in (403, 404)
    member.refresh_from_db()
    assert member.status == MemberStatus.RECOMMENDED


def test_the_adjust_button_lists_the_proposals_then_records_the_exits(tree: Any, county_a_clerk: Any,
                                                                      client_for: Any) -> None:
    pool = pool_in(tree["county_a"], quota=3, age_limit=40)
    old = enter(pool, cadre_in(tree["county_a"], name="年长者", birth=D(1985, 6, 1)))
    young = enter(pool, cadre_in(tree["county_a"], name="年轻人", birth=D(1992, 1, 1)))
    client = client_for(county_a_clerk)
    shown = client.get(step_url("reservepool", pool, "adjust_step")).content.decode()
    assert "年长者" in shown and "年龄超限" in shown and "年轻人" not in shown
    assert '<table class="reserve-proposals">' in shown
    response = client.post(step_url("reservepool", pool, "adjust_step"), {"exited_on": "2026-11-30"})
    assert response.status_code == 302
    old.refresh_from_db(), young.refresh_from_db()
    assert (old.status, old.exit_reason, old.exited_on) == (MemberStatus.EXITED, ExitReason.OVER_AGE, D(2026, 11, 30))
    assert young.status == MemberStatus.IN_POOL
    timeline = client.get(reverse("admin:reserve_reservepool_change", args=[pool.pk])).content.decode()
    assert "办理记录" in timeline and "后备干部「年长者」" in timeline


def test_records_on_the_books_have_no_delete(pool: Any, tree: Any, province_officer: Any, client_for: Any) -> None:
    member = recommend(pool, cadre_in(tree["county_a"], birth=D(1989, 1, 1)))
    client = client_for(province_officer)
    assert client.get(reverse("admin:reserve_reservemember_delete", args=[member.pk])).status_code == 403
    assert client.get(reverse("admin:reserve_reservepool_delete", args=[pool.pk])).status_code == 403


def test_the_cadre_page_shows_the_pool_membership_read_only(pool: Any, tree: Any, county_a_clerk: Any,
                                                            view_only_auditor: Any, client_for: Any) -> None:
    cadre = cadre_in(tree["county_a"], birth=D(1989, 1, 1))
    enter(pool, cadre)
    for user in (county_a_clerk, view_only_auditor):
        html = client_for(user).get(reverse("admin:cadres_cadre_change", args=[cadre.pk])).content.decode()
        assert "后备干部情况" in html and "乡科级正职后备干部库" in html


def test_the_member_list_names_the_pool_once_and_lets_its_name_wrap(pool: Any, tree: Any, province_officer: Any,
                                                                   client_for: Any) -> None:
    recommend(pool, cadre_in(tree["county_a"], birth=D(1989, 1, 1)))
    html = client_for(province_officer).get(reverse(MEMBERS)).content.decode()
    # The pool's name says its level (no column of the level beside it) and may wrap.
    assert "乡科级正职后备干部库" in str(pool) and len(str(pool)) > 12
    assert f'<td class="field-pool nowrap wrap">{pool}</td>' in html
    assert "field-level" not in html


def count_queries(client: Any, url: str, params: dict[str, Any] | None = None) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params or {}).status_code == 200
    return len(captured)


def fill(pool: Any, unit: Any, n: int, start: int) -> None:
    for i in range(n):
        enter(pool, cadre_in(unit, name=numbered("后备", start + i, 2), birth=D(1982 + (start + i) % 14, 1, 1)))


# Session, user, permissions, the home unit, the filters' choices (pools; the units are
# kept from the warming page), the count, the page (cadre, unit and pool joined); the pool
# list's figures are one grouped query.
@pytest.mark.parametrize("url,params,pinned", [
    (MEMBERS, {}, 9),
    (MEMBERS, {"born": "80", "status__exact": "in_pool"}, 9),
    (POOLS, {}, 6),
])
def test_a_list_costs_the_same_queries_for_5_rows_and_for_50(url: str, params: dict[str, Any], pinned: int,
                                                             tree: Any, province_officer: Any,
                                                             client_for: Any) -> None:
    client = client_for(province_officer)
    pools = [pool_in(tree["county_a"], level=level, quota=60) for level in (Rank.TOWNSHIP_CHIEF,
                                                                           Rank.TOWNSHIP_DEPUTY)]
    fill(pools[0], tree["county_a"], 5, 0)
    count_queries(client, reverse(url), params)  # warm the content-type and permission caches
    five = count_queries(client, reverse(url), params)
    assert five == pinned
    fill(pools[0], tree["township_a"], 45, 5)
    for level in (Rank.COUNTY_CHIEF, Rank.COUNTY_DEPUTY, Rank.BUREAU_DEPUTY):
        pool_in(tree["province"], level=level, quota=2)
    assert count_queries(client, reverse(url), params) == five


@pytest.mark.parametrize("slug,params,pinned", [
    ("reserve_members", {}, 9),
    ("reserve_members", {"generation": "80", "level": Rank.TOWNSHIP_CHIEF, "status": "in_pool"}, 9),
    ("reserve_pools_off_quota", {}, 8),
])
def test_a_worklist_costs_the_same_queries_for_5_rows_and_for_50(slug: str, params: dict[str, Any], pinned: int,
                                                                 tree: Any, province_officer: Any,
                                                                 client_for: Any) -> None:
    client = client_for(province_officer)
    url = reverse("admin:worklist", args=[slug])
    pool = pool_in(tree["county_a"], quota=60)
    fill(pool, tree["county_a"], 5, 0)
    for code in range(4):
        pool_in(tree["province"], level=[Rank.COUNTY_CHIEF, Rank.COUNTY_DEPUTY, Rank.TOWNSHIP_DEPUTY,
                                         Rank.BUREAU_DEPUTY][code], quota=1)
    count_queries(client, url, params)
    five = count_queries(client, url, params)
    assert five == pinned
    fill(pool, tree["township_a"], 45, 5)
    for level in (Rank.COUNTY_CHIEF, Rank.COUNTY_DEPUTY, Rank.TOWNSHIP_DEPUTY):
        pool_in(tree["city"], level=level, quota=3)
    assert count_queries(client, url, params) == five


def test_the_pool_form_sets_up_a_pool_and_refuses_a_new_level_once_it_has_members(
        tree: Any, county_a_clerk: Any, client_for: Any) -> None:
    client = client_for(county_a_clerk)
    data = {"unit": tree["county_a"].pk, "level": Rank.TOWNSHIP_DEPUTY, "quota": "4", "age_limit": "40",
            "remarks": "", "members-TOTAL_FORMS": "0", "members-INITIAL_FORMS": "0"}
    assert client.post(reverse("admin:reserve_reservepool_add"), data).status_code == 302
    pool = tree["county_a"].reserve_pools.get()
    assert (pool.quota, pool.age_limit) == (4, 40)
    assert AuditLog.objects.filter(object_id=str(pool.pk), content_type__model="reservepool").count() == 1
    enter(pool, cadre_in(tree["county_a"], birth=D(1990, 1, 1)))
    enter(pool, cadre_in(tree["county_a"], name="张建军", birth=D(1991, 1, 1)))
    change = reverse("admin:reserve_reservepool_change", args=[pool.pk])
    response = client.post(change, {**data, "level": Rank.TOWNSHIP_CHIEF})
    assert response.status_code == 200 and "库中已有干部，不能再改后备层次" in response.content.decode()
    # Lowering the 名额 under the members in the pool is allowed (the pool shows on the 名额 list).
    assert client.post(change, {**data, "quota": "1"}).status_code == 302
    pool.refresh_from_db()
    assert (pool.level, pool.quota) == (Rank.TOWNSHIP_DEPUTY, 1)
    # A pool for a unit outside the clerk's county is not a choice.
    response = client.post(reverse("admin:reserve_reservepool_add"), {**data, "unit": tree["county_b"].pk})
    assert response.status_code == 200 and not tree["county_b"].reserve_pools.exists()


def test_the_list_actions_adjust_several_pools_and_take_members_out_with_one_summary(
        tree: Any, county_a_clerk: Any, client_for: Any) -> None:
    old_pool = pool_in(tree["county_a"], quota=3, age_limit=40)
    old = enter(old_pool, cadre_in(tree["county_a"], name="年长者", birth=D(1985, 6, 1)))
    other = pool_in(tree["county_a"], level=Rank.TOWNSHIP_DEPUTY, quota=3)
    leaving = enter(other, cadre_in(tree["county_a"], name="调离者", birth=D(1990, 1, 1)))
    waiting = recommend(other, cadre_in(tree["county_a"], name="待考察", birth=D(1991, 1, 1)))
    client = client_for(county_a_clerk)
    response = client.post(reverse(POOLS), {"action": "adjust_pools", "_selected_action": [old_pool.pk, other.pk],
                                            "apply": "1", "exited_on": "2026-11-30"})
    assert response.status_code == 302
    old.refresh_from_db(), leaving.refresh_from_db()
    assert (old.exit_reason, leaving.status) == (ExitReason.OVER_AGE, MemberStatus.IN_POOL)
    response = client.post(reverse(MEMBERS), {"action": "exit_members", "_selected_action": [leaving.pk, waiting.pk],
                                              "apply": "1", "reason": "other", "exited_on": "2026-11-30",
                                              "note": "调任市直单位"}, follow=True)
    text = response.content.decode()
    assert "已办理 1 条" in text and "不在库中，不能调整出库" in text
    leaving.refresh_from_db(), waiting.refresh_from_db()
    assert (leaving.status, leaving.exit_note) == (MemberStatus.EXITED, "调任市直单位")
    assert waiting.status == MemberStatus.RECOMMENDED


def test_a_pool_batch_with_a_pool_of_another_county_is_refused_whole(tree: Any, county_a_clerk: Any,
                                                                     client_for: Any) -> None:
    """A forged selection naming county B's pool: county A's pool is not adjusted either."""
    ours = pool_in(tree["county_a"], quota=3, age_limit=40)
    old = enter(ours, cadre_in(tree["county_a"], name="年长者", birth=D(1985, 6, 1)))
    theirs = pool_in(tree["county_b"], quota=3)
    response = client_for(county_a_clerk).post(reverse(POOLS), {
        "action": "adjust_pools", "_selected_action": [ours.pk, theirs.pk], "apply": "1", "exited_on": "2026-11-30"},
        follow=True)
    [message] = [str(m) for m in response.context["messages"]]
    assert "所选记录中有 1 条不在您的管辖范围内或已不在当前列表中" in message and "未执行任何操作" in message
    old.refresh_from_db()
    assert old.status == MemberStatus.IN_POOL and old.exit_reason == ""
