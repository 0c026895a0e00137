"""A whole ID number is searched only by a user who may see it in full (``IdSearchGuard``).

The lists show ``620102********0163`` beside the birth month: the day is what is hidden,
and the check digit leaves two or three days. A search that answered for each candidate
would tell which is the person's, so without the right it finds no one, on the list and
in autocomplete, and the list says why; the name still finds the person."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.urls import reverse

from orgwork.common.search import NO_RIGHT_ID_SEARCH
from tests.members.conftest import add_member, make_org, with_the_right
from tests.samples.cadres import cadre_in

pytestmark = pytest.mark.django_db


def cadre_right(user: Any) -> Any:
    user.user_permissions.add(Permission.objects.get(content_type__app_label="cadres",
                                                     codename="view_unmasked_id_number"))
    return type(user).objects.get(pk=user.pk)


def candidates(number: str) -> list[str]:
    """Every number of the same birth month and tail whose check digit agrees: what a
    clerk who sees the masked number and the birth month can write down."""
    from orgwork.common import idnumber

    found = []
    for day in range(1, 32):
        first = f"{number[:12]}{day:02d}{number[14:17]}"
        if idnumber.check_character(first) == number[-1]:
            found.append(first + number[-1])
    return found


def listed(client: Any, url: str, term: str) -> list[Any]:
    response = client.get(url, {"q": term})
    assert response.status_code == 200
    return list(response.context["cl"].result_list)


def test_a_cadre_cannot_be_found_by_trying_the_candidate_numbers_without_the_right(
        tree, county_a_clerk, client_for) -> None:
    cadre = cadre_in(tree["county_a"], name="程霞霞")
    assert cadre.id_number in candidates(cadre.id_number)
    client = client_for(county_a_clerk)
    url = reverse("admin:cadres_cadre_changelist")
    assert all(listed(client, url, number) == [] for number in candidates(cadre.id_number))
    response = client.get(url, {"q": cadre.id_number})
    assert NO_RIGHT_ID_SEARCH in [str(m) for m in get_messages(response.wsgi_request)]
    assert "按身份证号查找须有查看完整身份证号的权限" in response.content.decode()
    assert listed(client, url, "程霞") == [cadre]
    holder = client_for(cadre_right(county_a_clerk))
    assert listed(holder, url, cadre.id_number) == [cadre]


@pytest.mark.parametrize("url_name", ["admin:cadres_post_changelist", "admin:cadres_assessment_changelist"])
def test_a_cadres_records_are_not_found_by_a_whole_number_without_the_right(
        url_name, tree, county_a_clerk, client_for) -> None:
    cadre = cadre_in(tree["county_a"], name="程霞霞")
    assert listed(client_for(county_a_clerk), reverse(url_name), cadre.id_number) == []


def test_the_cadre_autocomplete_answers_no_whole_number_without_the_right(tree, county_a_clerk, client_for) -> None:
    cadre = cadre_in(tree["county_a"], name="程霞霞")
    params = {"app_label": "cadres", "model_name": "post", "field_name": "cadre", "term": cadre.id_number}
    refused = client_for(county_a_clerk).get(reverse("admin:autocomplete"), params)
    assert refused.status_code == 200 and refused.json()["results"] == []
    found = client_for(cadre_right(county_a_clerk)).get(reverse("admin:autocomplete"), params)
    assert [r["id"] for r in found.json()["results"]] == [str(cadre.pk)]


def test_a_member_cannot_be_found_by_a_whole_number_on_the_roster_or_in_autocomplete_without_the_right(
        tree, county_a_clerk, client_for) -> None:
    branch = make_org("B1", "城关区第1党支部", tree["county_a"])
    member = add_member(branch, "王建国")
    client = client_for(county_a_clerk)
    roster = reverse("admin:members_member_changelist")
    assert listed(client, roster, member.id_number) == []
    params = {"app_label": "members", "model_name": "transfer", "field_name": "member", "term": member.id_number}
    assert client.get(reverse("admin:autocomplete"), params).json()["results"] == []
    assert listed(client, roster, "王建") == [member]
    holder = client_for(with_the_right(county_a_clerk))
    assert listed(holder, roster, member.id_number) == [member]
    assert [r["id"] for r in holder.get(reverse("admin:autocomplete"), params).json()["results"]] == [str(member.pk)]
