"""A person with a 发展党员 file not yet at its 支部大会 vote enters the roll by that vote
only: typed on the roster by any other path, in any county, the number is refused as a
number in use, without saying where or that it is a file."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from branches.members import services
from branches.members.models import Applicant, Member, Stage
from branches.members.resources import MemberResource
from orgwork.common import secrets
from orgwork.imports.probing import NEAR_MISS_FORM_MESSAGE

from .conftest import SYSTEM, VOTE_COUNT, candidate, days_ago, new_applicant
from .conftest import run_sheet as run
from .conftest import sheet_messages as messages

pytestmark = pytest.mark.django_db
ROSTER_HEAD = ["姓名", "身份证号", "党支部代码", "党员类别", "入党日期", "转正日期", "党费类别", "党费计算基数（元/月）"]


@pytest.fixture
def applicant(orgs) -> Applicant:
    """An 入党申请人 of 城关区's 东岗社区党支部."""
    return new_applicant(orgs["community"], applied_on=days_ago(20), name="邓雅琴")


def roster_member(number: str, branch) -> Member:
    return Member(name="某某", id_number=number, branch=branch, category="full", joined_on=datetime.date(2020, 1, 1),
                  full_on=datetime.date(2021, 1, 1), income_base=Decimal("3000"))


def test_an_applicants_number_is_refused_on_the_roster_service_in_another_county(applicant, orgs):
    with pytest.raises(ValidationError) as error:
        services.member_save(member=roster_member(applicant.id_number, orgs["county_b"]), actor=SYSTEM)
    assert error.value.message_dict["id_number"] == [secrets.ID_NUMBER_UNAVAILABLE]
    assert not Member.objects.filter(id_number=applicant.id_number).exists()


def test_an_applicants_number_is_refused_on_the_roster_form_of_the_applicants_own_county(applicant, orgs, client_for,
                                                                                        county_a_clerk):
    response = client_for(county_a_clerk).post(reverse("admin:members_member_add"), {
        "name": "邓雅琴", "id_number": applicant.id_number, "branch": orgs["community"].pk, "category": "full",
        "joined_on": "2020-01-01", "full_on": "2021-01-01", "dues_category": "employed", "income_base": "3000"})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["id_number"] == [NEAR_MISS_FORM_MESSAGE]
    assert not Member.objects.filter(id_number=applicant.id_number).exists()


def test_an_applicants_number_is_refused_on_a_roster_sheet_of_another_county(applicant, orgs, tmp_path,
                                                                            county_b_clerk):
    result = run(tmp_path, [ROSTER_HEAD, ["某某", applicant.id_number, "B-1", "正式党员", "2020-01-01", "2021-01-01",
                                          "在职", "3000"]], MemberResource, county_b_clerk)
    assert not result.committed
    assert messages(result) == f"2:身份证号:{secrets.ID_NUMBER_UNAVAILABLE}"
    assert not Member.objects.filter(id_number=applicant.id_number).exists()


def test_an_applicants_number_is_refused_as_a_member_coming_from_outside_the_province(applicant, orgs):
    with pytest.raises(ValidationError) as error:
        services.transfer_in_from_outside(
            member=roster_member(applicant.id_number, None), to_branch=orgs["county_b"], origin="上海市徐汇区某党委",
            letter_number="沪徐转〔2026〕31号", sent_on=days_ago(5), valid_days=30, received_on=days_ago(1), actor=SYSTEM)
    assert error.value.message_dict["id_number"] == [secrets.ID_NUMBER_UNAVAILABLE]
    assert not Member.objects.filter(id_number=applicant.id_number).exists()


def test_the_files_own_vote_puts_its_candidate_on_the_roll(orgs, member):
    file = services.applicant_admit(**VOTE_COUNT, applicant=candidate(orgs["community"], member), vote_on=days_ago(3), actor=SYSTEM)
    assert file.stage == Stage.PROBATIONARY
    assert Member.objects.get(id_number=file.id_number).category == "probationary"


def test_a_file_closed_before_its_vote_leaves_the_number_free_for_the_roster(applicant, orgs):
    services.applicant_cancel(applicant=applicant, reason="本人申请撤回", actor=SYSTEM)
    joined = services.member_save(member=roster_member(applicant.id_number, orgs["county_b"]), actor=SYSTEM)
    assert joined.pk is not None
