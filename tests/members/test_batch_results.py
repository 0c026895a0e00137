"""批量办理结果: a batch action on a members list ends with one line of counts and the
refused people as a list, one a line with the reason, names escaped, ID numbers masked."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from branches.members import services
from branches.members.models import Applicant

from .conftest import SYSTEM, days_ago, new_applicant

pytestmark = pytest.mark.django_db


def batch_message(client: Any, action: str, pks: list[Any], **data: Any) -> tuple[str, str]:
    """The one message the batch left, as HTML, and the page it is shown on."""
    page = client.post(reverse("admin:members_applicant_changelist"),
                       {"action": action, "_selected_action": pks, "apply": "1", **data}, follow=True)
    assert page.status_code == 200
    [message] = [str(m) for m in page.context["messages"]]
    return message, page.content.decode()


def talked(applicant: Applicant) -> Applicant:
    return services.applicant_talk(applicant=applicant, talked_on=days_ago(40), late_reason="外出务工", actor=SYSTEM)


def test_a_batch_result_gives_the_counts_on_one_line_and_one_line_per_refused_person(orgs, client_for,
                                                                                     county_a_clerk):
    fresh = new_applicant(orgs["community"], applied_on=days_ago(20), name="张三")
    done = [talked(new_applicant(orgs["community"], applied_on=days_ago(60), name=name)) for name in ("李四", "王五")]
    message, page = batch_message(client_for(county_a_clerk), "talk", [fresh.pk, *[a.pk for a in done]],
                                  day=days_ago(5).isoformat(), late_reason="")
    assert message.startswith('<p class="orgwork-batch-summary">谈话：已办理 1 人，未办理 2 人。</p>')
    items = re.findall(r"<li>(.*?)</li>", message)
    assert sorted(item.split("：当前不能办理谈话")[0] for item in items) == sorted(
        f"「{a.batch_label}」" for a in done)  # each person named with the ID number's tail and the branch
    assert message in page  # shown as a list, not as escaped tags
    for applicant in (fresh, *done):
        assert applicant.id_number not in page  # the clerk sees masked numbers, in the result as on the list


def test_a_name_with_markup_is_shown_as_text_in_a_batch_result(orgs, client_for, county_a_clerk):
    odd = talked(new_applicant(orgs["community"], applied_on=days_ago(60), name="赵六"))
    # A name as an old registry or a sheet might have carried it: the result must not run it.
    Applicant.objects.filter(pk=odd.pk).update(name="<script>alert(1)</script>")
    message, page = batch_message(client_for(county_a_clerk), "talk", [odd.pk], day=days_ago(5).isoformat(),
                                  late_reason="")
    assert "<script>alert(1)</script>" not in page
    assert "<li>「&lt;script&gt;alert(1)&lt;/script&gt;（尾号" in message


def test_a_batch_without_refusals_says_so_in_one_line(orgs, client_for, county_a_clerk):
    fresh = new_applicant(orgs["community"], applied_on=days_ago(20))
    message, _ = batch_message(client_for(county_a_clerk), "talk", [fresh.pk], day=days_ago(5).isoformat(),
                               late_reason="")
    assert message == "谈话：已办理 1 人。"


def test_two_namesakes_are_told_apart_in_the_batch_form_and_its_result(orgs, client_for, county_a_clerk):
    twins = [talked(new_applicant(orgs["community"], applied_on=days_ago(60), name="胡文静")) for _ in range(2)]
    assert twins[0].batch_label != twins[1].batch_label
    client = client_for(county_a_clerk)
    asked = client.post(reverse("admin:members_applicant_changelist"),
                        {"action": "talk", "_selected_action": [a.pk for a in twins]}).content.decode()
    assert all(f"<li>{a.batch_label}</li>" in asked for a in twins)
    message, _ = batch_message(client, "talk", [a.pk for a in twins], day=days_ago(5).isoformat(), late_reason="")
    assert all(f"「{a.batch_label}」：" in message for a in twins)
