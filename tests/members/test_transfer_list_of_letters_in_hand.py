"""组织关系转接 is the list of the letters in hand: it shows those 未办结 (待转出确认 and 在途)
until the clerk picks a state or 全部; a transfer received or sent back is one pick away,
and a search by a letter's number or a member's name finds it without one."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from branches.members import services
from branches.members.admin.filters import TransferStateFilter
from branches.members.models import Transfer
from tests import state_lists

from .conftest import SYSTEM, add_member, days_ago

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:members_transfer_changelist")


@pytest.fixture
def letters(orgs: dict[str, Any]) -> dict[str, Transfer]:
    """Four transfers out of the community branch to a branch of county B: one 待转出确认,
    one 在途, one 已接收 and one 退回."""
    def started(name: str, number: int) -> Transfer:
        return services.transfer_start(member=add_member(orgs["community"], name), to_branch=orgs["county_b"],
                                       letter_number=f"城组转〔2026〕{number}号", started_on=days_ago(12), actor=SYSTEM)

    def sent(name: str, number: int) -> Transfer:
        return services.transfer_send(transfer=started(name, number), sent_on=days_ago(10), valid_days=30,
                                      actor=SYSTEM)

    received = services.transfer_receive(transfer=sent("接收丙", 73), received_on=days_ago(5), actor=SYSTEM)
    returned = services.transfer_return(transfer=sent("退回丁", 74), reason="转入党支部名称有误", actor=SYSTEM)
    return {"pending": started("待开甲", 71), "in_transit": sent("在途乙", 72), "received": received,
            "returned": returned}


def listed(client: Any, query: str = "") -> tuple[set[str], str, Any]:
    return state_lists.listed(client, CHANGELIST + query, TransferStateFilter, name=lambda t: t.member.name)


def test_the_transfer_list_shows_the_letters_in_hand_until_another_state_is_picked(letters, client_for,
                                                                                   county_a_clerk):
    client = client_for(county_a_clerk)
    assert listed(client)[:2] == ({"待开甲", "在途乙"}, "未办结")
    assert listed(client, "?state__exact=received")[:2] == ({"接收丙"}, "已接收")
    assert listed(client, "?state__exact=returned")[:2] == ({"退回丁"}, "退回")
    assert listed(client, "?state__exact=all")[:2] == ({"待开甲", "在途乙", "接收丙", "退回丁"}, "全部")
    offered = state_lists.offered(client, CHANGELIST + "?_facets=True", TransferStateFilter)
    assert list(offered) == ["全部 (4)", "未办结 (2)", "待转出确认 (1)", "在途 (1)", "已接收 (1)", "退回 (1)"]


def test_the_receiving_clerk_sees_the_letters_coming_to_him_that_are_still_in_hand(letters, client_for,
                                                                                  county_b_clerk):
    """County B's clerk has the transfers arriving in his jurisdiction, the letter still
    to be issued among them: those two wait; the received and the returned are done."""
    client = client_for(county_b_clerk)
    assert listed(client)[:2] == ({"待开甲", "在途乙"}, "未办结")
    assert listed(client, "?state__exact=all")[0] == {"待开甲", "在途乙", "接收丙", "退回丁"}


def test_a_search_of_the_transfer_list_finds_a_received_letter(letters, client_for, county_a_clerk):
    client = client_for(county_a_clerk)
    assert listed(client, "?q=接收丙")[:2] == ({"接收丙"}, "全部")
    assert listed(client, "?q=" + "城组转〔2026〕74号")[:2] == ({"退回丁"}, "全部")
    assert listed(client, "?q=接收丙&state__exact=open")[0] == set()


def test_a_state_the_transfer_list_does_not_offer_shows_the_letters_in_hand_and_says_so(letters, client_for,
                                                                                         county_a_clerk):
    page = client_for(county_a_clerk).get(CHANGELIST + "?state__exact=gone")
    assert {t.member.name for t in page.context["cl"].result_list} == {"待开甲", "在途乙"}
    assert state_lists.INVALID in state_lists.told(page)


def test_the_transfer_lists_header_names_the_states_it_starts_on(letters, client_for, county_a_clerk):
    client = client_for(county_a_clerk)
    label, link = state_lists.starting_note(client.get(CHANGELIST))
    assert label == "未办结" and listed(client, link)[0] == {"待开甲", "在途乙", "接收丙", "退回丁"}
    assert state_lists.starting_note(client.get(CHANGELIST + "?state__exact=received")) is None


def test_a_letter_received_from_the_list_leaves_the_list_as_it_starts(letters, client_for, county_b_clerk):
    """The batch 接收组织关系 on the list: the received letter is done, and the list the clerk
    is sent back to no longer holds it; under 已接收 it is there."""
    client = client_for(county_b_clerk)
    arriving = letters["in_transit"]
    done = client.post(CHANGELIST, {"action": "receive", "_selected_action": [arriving.pk], "apply": "1",
                                    "day": days_ago(1).isoformat()}, follow=True)
    assert done.status_code == 200
    assert "在途乙" not in {t.member.name for t in done.context["cl"].result_list}
    assert "在途乙" in listed(client, "?state__exact=received")[0]
