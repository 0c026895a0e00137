"""The member lists a clerk works from (党员名册, 发展党员, 组织关系转接) show every column
in a 1440-px window, in Debian's Chromium: no column is pushed out of sight behind a
sideways scroll. Long headers (确定为入党积极分子日期) wrap over their dates instead, a
sorted column's arrows go under its header, and no column is narrower than four
characters. A 台账 (在途的组织关系转接) has the page's whole width, its dates on one line,
its long texts free to wrap, and its saved queries open from the bar over the table."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from branches.members import rules, services
from branches.members.models import Member
from branches.members.worklists import SLUG_TRANSIT
from seeds.demo.members import ensure_applicants

from ..members.conftest import (SYSTEM, add_member, candidate, days_ago, orgs,  # noqa: F401  (fixture)
                                probationary, today)
from .conftest import SCREENSHOTS
from .test_csp_in_browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# A name from outside the province as a letter gives it, sixty characters without a break.
LONG_DESTINATION = "四川省成都市武侯区玉林街道玉林东路社区党委第二党支部" + "暨四川省成都市武侯区玉林街道非公有制经济组织联合党支部"
# The table against the box it scrolls in, and each header's width and height.
MEASURE = """
() => {
  const table = document.querySelector("#result_list");
  const heads = [...table.querySelectorAll("thead th")].filter(th => th.innerText.trim() && !th.querySelector("input"));
  return {
    table: table.scrollWidth,
    box: table.parentElement.clientWidth,
    em: parseFloat(getComputedStyle(table).fontSize),
    heads: heads.map(th => {
      const text = th.querySelector(".text"), arrows = th.querySelector(".sortoptions");
      return {label: text.innerText.trim(), width: th.getBoundingClientRect().width,
              lines: Math.round(text.getBoundingClientRect().height / parseFloat(getComputedStyle(text).lineHeight)),
              arrowsBeside: !!arrows && arrows.getBoundingClientRect().top < text.getBoundingClientRect().bottom - 1};
    }),
  };
}
"""


def roster_of_every_kind(orgs: dict[str, Any]) -> None:
    """Members with every column filled: flags set, dues owed, a probationary member from
    the pipeline, applicants at each stage, a transfer under way. The 发展党员 list holds the
    demo's files besides (``seeds.demo.members``): every stage at once, 取消预备党员资格 its
    longest, every date of the list filled on some row."""
    village = orgs["village"]
    contact = add_member(village, "张志强")
    ensure_applicants([village], SYSTEM)
    floating = add_member(village, "欧阳秀英")
    Member.objects.filter(pk=floating.pk).update(is_floating=True, is_lost=True, unpaid_months=7)
    for n in range(3):
        add_member(orgs["community"], "王丽娟" + "甲乙丙"[n])  # namesakes told apart: a name holds no digits
    candidate(village, contact, applied_days_ago=700)
    probationary(village, contact, vote_days_ago=100)
    transfer = services.transfer_start(member=contact, letter_number="城关转〔2026〕19号", started_on=days_ago(40),
                                       to_branch=orgs["community"], actor=SYSTEM)
    # Overdue and past its 30 days' validity: the state column carries both marks.
    services.transfer_send(transfer=transfer, sent_on=days_ago(35), valid_days=30, actor=SYSTEM)
    leaving = services.transfer_start(member=floating, letter_number="城关转〔2026〕20号", started_on=days_ago(20),
                                      destination=LONG_DESTINATION, actor=SYSTEM)
    services.transfer_send(transfer=leaving, sent_on=days_ago(15), valid_days=30, actor=SYSTEM)


@pytest.mark.parametrize("path, columns", [
    ("/admin/members/member/", 12),
    ("/admin/members/applicant/", 9),  # the files in hand (未办结), as the list starts
    ("/admin/members/applicant/?stage__exact=all", 9),  # every stage, 取消预备党员资格 the longest
    ("/admin/members/applicant/?stage__exact=all&o=-6", 9),  # sorted by 确定为入党积极分子日期: its arrows show
    ("/admin/members/transfer/", 5),  # 转出 → 转入 in one column, the three dates in another
])
def test_a_county_clerk_sees_every_column_of_the_member_lists_at_1440_px(
    browser: Any, http_server: Any, personas: dict[str, Any], orgs: dict[str, Any], path: str, columns: int
) -> None:
    roster_of_every_kind(orgs)
    context = browser.new_context(locale="zh-CN", viewport={"width": 1440, "height": 900})
    page = context.new_page()
    log_in(page, http_server.url, "county_a_clerk")
    response = page.goto(http_server.url + path)
    assert response is not None and response.status == 200
    page.evaluate("document.fonts.ready.then(() => true)")
    seen = page.evaluate(MEASURE)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"member-lists-{path.strip('/').replace('/', '-').replace('?', '-')}.png"))
    context.close()

    assert seen["table"] <= seen["box"] + 1, f"{path}: the table is {seen['table']}px in a {seen['box']}px box"
    assert len(seen["heads"]) == columns, [head["label"] for head in seen["heads"]]
    for head in seen["heads"]:
        assert head["width"] >= 4 * seen["em"] - 1, head
        # A header wraps onto two lines at most; a sorted column's arrows stand beside a
        # header on one line, or go under it rather than squeeze it into a narrow strip.
        assert head["lines"] <= 2, head
        assert head["lines"] == 1 or not head["arrowsBeside"], head


def test_the_dues_ledger_keeps_every_column_in_sight_with_a_months_long_exception_reason_at_1440_px(
    browser: Any, http_server: Any, personas: dict[str, Any], orgs: dict[str, Any]
) -> None:
    """A month let through by a letter's exception reads 未交（按例外转出：<reason>） in the 实交
    column; a reason as long as the letter allows is cut to a few lines there."""
    member = add_member(orgs["community"], "欧阳秀英")
    add_member(orgs["community"], "王丽娟")
    this_month = today().replace(day=1)
    for back in (2, 1, 0):
        services.dues_generate_month(month=rules.add_months(this_month, -back), actor=SYSTEM)
    transfer = services.transfer_start(member=member, letter_number="城关转〔2026〕21号", started_on=today(),
                                       to_branch=orgs["village"], actor=SYSTEM)
    reason = ("困难党员经批准减免（城关区委组织部2026年第3号批复），因病长期住院治疗，" * 10)[:rules.DUES_EXCEPTION_MAX]
    services.transfer_send(transfer=transfer, sent_on=today(), valid_days=30, dues_exception=reason, actor=SYSTEM)
    context = browser.new_context(locale="zh-CN", viewport={"width": 1440, "height": 900})
    page = context.new_page()
    log_in(page, http_server.url, "county_a_clerk")
    response = page.goto(http_server.url + reverse("admin:members_duesrecord_changelist"))
    assert response is not None and response.status == 200
    page.evaluate("document.fonts.ready.then(() => true)")
    seen = page.evaluate(MEASURE)
    cells = page.locator("#result_list td span[title]")
    assert cells.count() == 2 and cells.first.get_attribute("title") == reason  # the whole reason on hover
    assert cells.first.inner_text() == f"未交（按例外转出：{reason[:39]}…）"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "member-lists-dues-excused.png"), full_page=True)
    context.close()

    assert seen["table"] <= seen["box"] + 1, f"the table is {seen['table']}px in a {seen['box']}px box"
    assert len(seen["heads"]) == 7, [head["label"] for head in seen["heads"]]
    for head in seen["heads"]:
        assert head["width"] >= 4 * seen["em"] - 1, head
        assert head["lines"] <= 2, head


def test_a_worklist_table_takes_the_pages_width_and_its_saved_queries_open_over_it(
    browser: Any, http_server: Any, personas: dict[str, Any], orgs: dict[str, Any]
) -> None:
    roster_of_every_kind(orgs)  # one transfer in transit, its letter sent 35 days ago
    context = browser.new_context(locale="zh-CN", viewport={"width": 1440, "height": 900})
    page = context.new_page()
    log_in(page, http_server.url, "county_a_clerk")
    path = reverse("admin:worklist", args=[SLUG_TRANSIT])
    assert page.goto(http_server.url + path).status == 200
    page.evaluate("document.fonts.ready.then(() => true)")
    widths = page.evaluate("""() => ({
      content: document.querySelector("#content-main").clientWidth,
      box: document.querySelector(".orgwork-table-box").clientWidth,
      tableTop: document.querySelector("#result_list").getBoundingClientRect().top,
      dates: [...document.querySelectorAll("#result_list td.nowrap")]
        .map(td => [td.innerText, getComputedStyle(td).whiteSpace]),
      long: [...document.querySelectorAll("#result_list td.wrap")]
        .map(td => [td.innerText, getComputedStyle(td).overflowWrap,
                    (() => { const range = document.createRange(); range.selectNodeContents(td);
                             return new Set([...range.getClientRects()].map(r => Math.round(r.top))).size; })()]),
    })""")
    # The table has the page's width: no column of saved queries beside it.
    assert widths["box"] >= widths["content"] - 2, widths
    # The letters' dates (开出日期) stay on one line; a long destination may break anywhere,
    # and does; the branches' names with their place (兰州市城关区·城关镇红星村党支部) may too,
    # on two lines at most.
    assert sorted(widths["dates"]) == [[days_ago(35).isoformat(), "nowrap"], [days_ago(15).isoformat(), "nowrap"]]
    destination = [cell for cell in widths["long"] if cell[0] == f"省外：{LONG_DESTINATION}"]
    assert len(destination) == 1 and destination[0][1] == "anywhere" and destination[0][2] > 1, widths["long"]
    branches = [cell for cell in widths["long"] if cell[0].startswith("兰州市城关区·")]
    assert branches and all(cell[1] == "anywhere" and cell[2] <= 2 for cell in branches), widths["long"]

    panel = page.locator(".worklist-saved-panel")
    assert not panel.is_visible()
    page.click(".worklist-saved > summary")
    assert panel.is_visible()
    # It opens over the table: the table does not move down.
    assert page.evaluate("document.querySelector('#result_list').getBoundingClientRect().top") == widths["tableTop"]
    page.fill(".worklist-saved-panel input[name=name]", "在途转接")
    page.click(".worklist-saved-panel input[type=submit]")
    page.wait_for_load_state()
    assert page.inner_text(".worklist-saved > summary") == "保存的查询（1）"
    page.click(".worklist-saved > summary")
    assert "在途转接" in panel.inner_text()
    page.screenshot(path=str(SCREENSHOTS / "member-lists-worklist-saved.png"))
    context.close()


@pytest.mark.parametrize("path", ["/admin/members/member/", "/admin/cadres/cadre/", "/admin/members/transfer/"])
def test_a_lists_search_hint_is_read_whole_in_its_box_at_1440_px(
    browser: Any, http_server: Any, personas: dict[str, Any], orgs: dict[str, Any], path: str
) -> None:
    """The hint of a clerk without the right to whole ID numbers is the longest (输入姓名开头、
    拼音或首字母（如 zgf）（按身份证号查找须有查看完整身份证号的权限）): unfold's 24rem box cut it off."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 1440, "height": 900})
    page = context.new_page()
    log_in(page, http_server.url, "county_a_clerk")
    response = page.goto(http_server.url + path)
    assert response is not None and response.status == 200
    page.evaluate("document.fonts.ready.then(() => true)")
    hint = page.evaluate("""() => {
      const box = document.querySelector("#searchbar");
      const probe = document.createElement("span");
      probe.style.font = getComputedStyle(box).font;
      probe.style.whiteSpace = "pre";
      probe.textContent = box.placeholder;
      document.body.appendChild(probe);
      const needed = probe.getBoundingClientRect().width;
      probe.remove();
      const style = getComputedStyle(box);
      return {text: box.placeholder, needed: needed,
              room: box.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight),
              title: box.title, table: document.querySelector("#result_list")?.scrollWidth ?? 0,
              page: document.documentElement.scrollWidth};
    }""")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"search-hint-{path.strip('/').replace('/', '-')}.png"))
    context.close()
    assert "按身份证号查找须有查看完整身份证号的权限" in hint["text"] and hint["title"] == hint["text"]
    assert hint["needed"] <= hint["room"], hint
    assert hint["page"] <= 1440, hint
