"""ID numbers are masked unless granted; county B never reaches county A's talent records."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from orgwork.audit.models import AuditAction, AuditLog
from talent import services

from .conftest import SYSTEM
from talent.models import BenefitArea, Enrollment, Person, ServiceCard
from talent.resources import EnrollmentResource, PersonResource
from talent.selectors import requests_overdue

from .conftest import grant

pytestmark = pytest.mark.django_db
UNMASK = "talent.view_unmasked_id_number"


def test_the_talent_role_does_not_carry_the_unmasking_permission(county_a_clerk, province_officer) -> None:
    assert not county_a_clerk.has_perm(UNMASK) and not province_officer.has_perm(UNMASK)
    assert county_a_clerk.has_perm("talent.change_enrollment")


def test_a_clerk_sees_masked_id_numbers_in_the_list_and_the_form(make_person, county_a_clerk, client_for) -> None:
    person = make_person()
    client = client_for(county_a_clerk)
    listing = client.get(reverse("admin:talent_person_changelist")).content.decode()
    form = client.get(reverse("admin:talent_person_change", args=[person.pk])).content.decode()
    for page in (listing, form):
        assert person.masked_id_number in page and person.id_number not in page
    assert not AuditLog.objects.filter(action=AuditAction.VIEW_SENSITIVE).exists()


def test_a_granted_clerk_sees_full_numbers_and_each_view_is_audited(make_person, county_a_clerk, client_for) -> None:
    person = make_person()
    clerk = grant(county_a_clerk, UNMASK)
    client = client_for(clerk)
    assert person.id_number in client.get(reverse("admin:talent_person_changelist")).content.decode()
    assert person.id_number in client.get(reverse("admin:talent_person_change", args=[person.pk])).content.decode()
    entries = AuditLog.objects.filter(action=AuditAction.VIEW_SENSITIVE, actor=clerk).order_by("id")
    assert [e.changes.get("ids") for e in entries] == [[person.pk], None]
    assert entries[1].object_id == str(person.pk)


def test_exports_mask_id_numbers_unless_unmasked(leading, enroll, county_a_clerk) -> None:
    enrollment = enroll(leading)
    number = enrollment.person.id_number
    masked = EnrollmentResource(user=county_a_clerk).export()
    assert masked.dict[0]["身份证号"] == enrollment.person.masked_id_number
    assert PersonResource(user=county_a_clerk, unmask=True).export().dict[0]["身份证号"] == number


def test_the_audit_log_never_holds_a_full_id_number(make_person) -> None:
    person = make_person()
    entry = AuditLog.objects.get(action=AuditAction.CREATE, object_id=str(person.pk),
                                 content_type__model="person")
    assert entry.changes["id_number"][0] is None
    assert entry.changes["id_number"][1]["masked"] == person.masked_id_number
    assert person.id_number not in str(entry.changes)


def test_county_b_never_sees_county_as_enrollees_cards_or_requests(
        leading, enroll, make_card, county_b_clerk, city_officer, client_for) -> None:
    a_enrollment, b_enrollment = enroll(leading, unit="county_a"), enroll(leading, unit="county_b")
    a_card = make_card(unit="county_a")
    services.green_request_submit(card=a_card, area=BenefitArea.MEDICAL, content="就医",
                                  submitted_on=datetime.date(2026, 1, 5), actor=SYSTEM)
    client = client_for(county_b_clerk)
    enrollments = client.get(reverse("admin:talent_enrollment_changelist")).context["cl"].queryset
    assert list(enrollments) == [b_enrollment]
    assert not client.get(reverse("admin:talent_servicecard_changelist")).context["cl"].queryset.exists()
    assert client.get(reverse("admin:talent_enrollment_change", args=[a_enrollment.pk])).status_code == 302
    assert not requests_overdue(county_b_clerk, on=datetime.date(2026, 6, 1)).exists()
    assert requests_overdue(city_officer, on=datetime.date(2026, 6, 1)).count() == 1


def test_a_forged_person_from_another_county_is_a_form_error(leading, make_person, county_b_clerk,
                                                             client_for) -> None:
    a_person = make_person(unit="county_a")
    response = client_for(county_b_clerk).post(reverse("admin:talent_enrollment_add"), {
        "person": a_person.pk, "programme": leading.pk, "batch_year": 2024, "term_start": "2024-01-01",
        "fundings-TOTAL_FORMS": 0, "fundings-INITIAL_FORMS": 0, "reviews-TOTAL_FORMS": 0, "reviews-INITIAL_FORMS": 0,
        "plan_files-TOTAL_FORMS": 0, "plan_files-INITIAL_FORMS": 0,
    })
    assert response.status_code == 200 and "person" in response.context["adminform"].form.errors
    assert not Enrollment.objects.exists()


def test_a_county_clerk_enrolls_into_a_provincial_programme_through_the_admin(leading, make_person, county_a_clerk,
                                                                              client_for) -> None:
    person = make_person(unit="county_a")
    response = client_for(county_a_clerk).post(reverse("admin:talent_enrollment_add"), {
        "person": person.pk, "programme": leading.pk, "batch_year": 2024, "term_start": "2024-01-01",
        "training_plan": "依托省重点实验室",
        "fundings-TOTAL_FORMS": 1, "fundings-INITIAL_FORMS": 0, "fundings-0-year": 2024, "fundings-0-amount": "300000",
        "reviews-TOTAL_FORMS": 0, "reviews-INITIAL_FORMS": 0, "plan_files-TOTAL_FORMS": 0, "plan_files-INITIAL_FORMS": 0,
    })
    assert response.status_code == 302, response.context["adminform"].form.errors
    enrollment = Enrollment.objects.get(person=person)
    assert enrollment.term_end == datetime.date(2028, 12, 31)
    assert enrollment.fundings.get().person == person


def test_the_admin_form_refuses_a_full_batch(leading, enroll, make_person, county_a_clerk, client_for) -> None:
    for _ in range(3):
        enroll(leading)
    response = client_for(county_a_clerk).post(reverse("admin:talent_enrollment_add"), {
        "person": make_person().pk, "programme": leading.pk, "batch_year": 2024, "term_start": "2024-01-01",
        "fundings-TOTAL_FORMS": 0, "fundings-INITIAL_FORMS": 0, "reviews-TOTAL_FORMS": 0, "reviews-INITIAL_FORMS": 0,
        "plan_files-TOTAL_FORMS": 0, "plan_files-INITIAL_FORMS": 0,
    })
    assert "已满" in str(response.context["adminform"].form.errors["batch_year"])


def test_person_ids_are_checked_against_gender_and_birth(tree) -> None:
    from django.core.exceptions import ValidationError

    from ..samples.talent import id_number_for

    person = Person(name="错配", id_number=id_number_for(7, datetime.date(1980, 5, 17), male=True), unit=tree["county_a"],
                    gender="2", birth_date=datetime.date(1981, 5, 17))
    with pytest.raises(ValidationError) as error:
        person.full_clean()
    assert set(error.value.message_dict) == {"gender", "birth_date"}


def test_a_card_listed_for_county_a_is_found_by_its_number_only_in_scope(make_card, county_a_clerk, county_b_clerk,
                                                                         client_for) -> None:
    card = make_card(unit="county_a")
    url = reverse("admin:talent_servicecard_changelist") + f"?q={card.card_number}"
    assert list(client_for(county_a_clerk).get(url).context["cl"].queryset) == [card]
    assert not client_for(county_b_clerk).get(url).context["cl"].queryset.exists()
    assert ServiceCard.objects.count() == 1
