"""教育培训 in the admin: the roster inline, the attendance form, the 结业 button and
the minimum table — each path calls the service, and a refusal shows on the form."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from cadres.models import Rank
from cadres.training.models import ClassAttendance, ClassStatus, TrainingClass, TrainingMinimum
from orgwork.audit.models import AuditLog

from .training_helpers import attend, class_in, county_cadre

pytestmark = pytest.mark.django_db


def class_post(week: TrainingClass, rows: list[dict[str, str]], **changes: str) -> dict[str, str]:
    data = {"code": week.code, "name": week.name, "unit": str(week.unit_id), "starts_on": f"{week.starts_on}",
            "ends_on": f"{week.ends_on}", "place": week.place, "mode": week.mode, "hours": str(week.hours),
            "seen_version": "", "attendances-TOTAL_FORMS": str(len(rows)), "attendances-INITIAL_FORMS": "0",
            "attendances-MIN_NUM_FORMS": "0", "attendances-MAX_NUM_FORMS": "1000", **changes}
    for i, line in enumerate(rows):
        data.update({f"attendances-{i}-{k}": v for k, v in line.items()})
    return data


def test_the_roster_inline_refuses_a_day_outside_the_class_dates_on_the_form(tree, county_a_clerk, client_for) -> None:
    week = class_in(tree["county_a"])
    cadre = county_cadre(tree["county_a"])
    url = reverse("admin:training_trainingclass_change", args=[week.pk])
    client = client_for(county_a_clerk)
    bad = class_post(week, [{"cadre": str(cadre.pk), "day": "2026-03-20", "status": "attended", "remarks": ""}])
    response = client.post(url, bad)
    assert response.status_code == 200 and "考勤日期须在培训班日期之内" in response.content.decode()
    assert not ClassAttendance.objects.exists()
    good = class_post(week, [{"cadre": str(cadre.pk), "day": "2026-03-03", "status": "attended", "remarks": ""}])
    assert client.post(url, good).status_code == 302
    line = ClassAttendance.objects.get()
    assert (line.day.day, line.credited_hours) == (3, 8)
    assert AuditLog.objects.filter(content_type=ContentType.objects.get_for_model(ClassAttendance)).count() == 1


def test_the_class_form_refuses_new_hours_once_the_roster_has_attendance(tree, county_a_clerk, client_for) -> None:
    week = class_in(tree["county_a"])
    attend(week, county_cadre(tree["county_a"]))
    response = client_for(county_a_clerk).post(reverse("admin:training_trainingclass_change", args=[week.pk]),
                                               class_post(week, [], hours="36"))
    assert response.status_code == 200 and "该培训班已登记学员考勤，不能再修改。" in response.content.decode()
    week.refresh_from_db()
    assert week.hours == 40


def test_the_attendance_form_refuses_a_line_for_a_closed_class(tree, county_a_clerk, client_for) -> None:
    week = class_in(tree["county_a"])
    cadre = county_cadre(tree["county_a"])
    attend(week, cadre)
    client = client_for(county_a_clerk)
    client.post(reverse("admin:training_trainingclass_close_step", args=[week.pk]), {"closed_on": f"{week.ends_on}"})
    response = client.post(reverse("admin:training_classattendance_add"), {
        "training_class": str(week.pk), "cadre": str(cadre.pk), "day": "2026-03-04", "status": "attended"})
    assert response.status_code == 200 and "已结业，学员名单和考勤不能再修改" in response.content.decode()
    assert ClassAttendance.objects.count() == 1


def test_the_close_button_closes_the_class_and_refusals_come_back_on_its_form(tree, county_a_clerk, client_for) -> None:
    week = class_in(tree["county_a"])
    client = client_for(county_a_clerk)
    url = reverse("admin:training_trainingclass_close_step", args=[week.pk])
    page = client.get(reverse("admin:training_trainingclass_change", args=[week.pk])).content.decode()
    assert url in page and "结业" in page
    response = client.post(url, {"closed_on": f"{week.ends_on}"})
    assert response.status_code == 200 and "尚未登记学员考勤，不能结业" in response.content.decode()
    attend(week, county_cadre(tree["county_a"]))
    response = client.post(url, {"closed_on": f"{week.ends_on}"})
    assert response.status_code == 302
    week.refresh_from_db()
    assert week.status == ClassStatus.CLOSED
    entry = AuditLog.objects.filter(content_type=ContentType.objects.get_for_model(TrainingClass),
                                    object_id=str(week.pk)).latest("id")
    assert entry.message == "培训班结业" and entry.actor == county_a_clerk
    # Once closed, the step is no longer offered and the class is read-only.
    assert client.get(url).status_code == 403
    assert client.get(reverse("admin:training_trainingclass_change", args=[week.pk])).context["has_change_permission"] is False


def test_another_county_cannot_close_a_class_it_does_not_run(tree, county_b_clerk, client_for) -> None:
    week = class_in(tree["county_a"])
    attend(week, county_cadre(tree["county_a"]))
    response = client_for(county_b_clerk).post(reverse("admin:training_trainingclass_close_step", args=[week.pk]),
                                               {"closed_on": f"{week.ends_on}"})
    assert response.status_code == 403  # the step is not offered on a class out of scope
    week.refresh_from_db()
    assert week.status == ClassStatus.OPEN


def test_the_minimum_table_is_read_only_to_a_county_and_saves_the_provinces_change(
        tree, county_a_clerk, province_officer, client_for) -> None:
    minimum = TrainingMinimum.objects.get(rank=Rank.COUNTY_DEPUTY)
    url = reverse("admin:training_trainingminimum_change", args=[minimum.pk])
    county = client_for(county_a_clerk)
    assert county.get(url).context["has_change_permission"] is False
    assert county.post(url, {"hours": "100", "basis": "县里定的"}).status_code == 403
    assert county.get(reverse("admin:training_trainingminimum_add")).status_code == 403
    assert client_for(province_officer).post(url, {"hours": "120", "basis": minimum.basis}).status_code == 302
    minimum.refresh_from_db()
    assert minimum.hours == 120
    assert AuditLog.objects.filter(content_type=ContentType.objects.get_for_model(TrainingMinimum),
                                   object_id=str(minimum.pk)).count() == 1


def test_no_one_deletes_a_class_or_a_roster_line(tree, province_officer, client_for) -> None:
    week = class_in(tree["county_a"])
    line = attend(week, county_cadre(tree["county_a"]))
    client = client_for(province_officer)
    assert client.get(reverse("admin:training_trainingclass_delete", args=[week.pk])).status_code == 403
    assert client.get(reverse("admin:training_classattendance_delete", args=[line.pk])).status_code == 403


def test_the_cadre_page_shows_this_years_hours_class_and_online_apart(tree, county_a_clerk, client_for) -> None:
    from django.utils import timezone

    from .training_helpers import attend_all_days, complete, course_in

    cadre = county_cadre(tree["county_a"])
    this_year = timezone.localdate().year
    attend_all_days(class_in(tree["county_a"], days=2, hours="16", start=timezone.localdate().replace(day=1)), cadre)
    complete(course_in(tree["county_a"], hours="6"), cadre, timezone.localdate())
    page = client_for(county_a_clerk).get(reverse("admin:cadres_cadre_change", args=[cadre.pk])).content.decode()
    assert f"{this_year}年：培训班16.0学时，网络学习6.0学时，合计22.0学时（年度要求110学时，未达标）" in page


def test_a_county_records_a_completion_of_a_province_course_once_through_the_form(
        tree, county_a_clerk, client_for) -> None:
    from cadres.training.models import OnlineCompletion

    from .training_helpers import course_in

    course = course_in(tree["province"], hours="12")
    cadre = county_cadre(tree["county_a"])
    client = client_for(county_a_clerk)
    url = reverse("admin:training_onlinecompletion_add")
    data = {"course": str(course.pk), "cadre": str(cadre.pk), "completed_on": "2026-04-01"}
    assert client.post(url, data).status_code == 302
    assert OnlineCompletion.objects.get().credited_hours == 12
    response = client.post(url, {**data, "completed_on": "2026-05-01"})
    assert response.status_code == 200 and "学时只计一次" in response.content.decode()
    assert OnlineCompletion.objects.count() == 1


def test_a_class_credits_at_most_eight_hours_a_day_and_is_not_closed_or_attended_on_a_day_to_come(
        tree, county_a_clerk) -> None:
    import datetime

    from django.core.exceptions import ValidationError

    from cadres.training import services as training
    from cadres.training.models import TrainingClass
    from orgwork.common import dates

    week = class_in(tree["county_a"])
    one_day = TrainingClass(code="T-1D", name="一日班", unit=week.unit, starts_on=week.starts_on,
                            ends_on=week.starts_on, hours=500)
    with pytest.raises(ValidationError) as refused:
        one_day.clean()
    assert refused.value.message_dict["hours"] == ["学时不能超过培训天数 × 8（1 天最多 8 学时）。"]
    with pytest.raises(ValidationError) as later:
        training.training_class_close(training_class=week, closed_on=dates.today() + datetime.timedelta(days=30),
                                      actor=county_a_clerk)
    assert later.value.message_dict["closed_on"] == ["结业办理日期不能晚于今天。"]
