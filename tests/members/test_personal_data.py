"""A party member's and an applicant's personal data through the one door
(``orgwork.common.secrets``): the ID number, and the birth date taken from it, which
beside the masked number would give the whole number back. Masked for a clerk without
the right on every page, sheet and trail; full, and recorded, for one who holds it."""

from __future__ import annotations

import datetime
import importlib
import io
import re
from typing import Any

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.urls import reverse
from openpyxl import load_workbook

from branches.members.models import Applicant, Member
from orgwork.audit.models import AuditAction, AuditLog
from orgwork.common import secrets
from orgwork.imports.probing import NEAR_MISS_FORM_MESSAGE

from .conftest import activist, add_member, make_id, with_the_right

pytestmark = pytest.mark.django_db
FULL_NUMBER = re.compile(r"(?<!\d)[1-9]\d{16}[\dX](?!\d)")
BORN = datetime.date(1975, 3, 9)
rewrite = importlib.import_module("orgwork.audit.migrations.0008_member_data_masked")


@pytest.fixture
def contact(orgs: Any) -> Member:
    return add_member(orgs["community"], "联系人", id_number=make_id(BORN))


def test_the_applicant_sheet_export_masks_the_contacts_numbers_without_the_right(orgs, contact, client_for,
                                                                                 county_a_clerk):
    activist(orgs["community"], contact)
    url = reverse("admin:members_applicant_export")
    sheet = load_workbook(io.BytesIO(client_for(county_a_clerk).get(url).content)).active
    cells = " ".join(str(v) for row in sheet.iter_rows(values_only=True) for v in row if v is not None)
    assert contact.masked_id_number in cells
    assert not FULL_NUMBER.search(cells), cells
    assert AuditLog.objects.filter(action=AuditAction.EXPORT).latest("id").changes["unmasked"] is False
    holder = with_the_right(county_a_clerk)
    sheet = load_workbook(io.BytesIO(client_for(holder).get(url).content)).active
    cells = " ".join(str(v) for row in sheet.iter_rows(values_only=True) for v in row if v is not None)
    assert contact.id_number in cells
    assert AuditLog.objects.filter(action=AuditAction.EXPORT).latest("id").changes["unmasked"] is True


def test_the_roster_export_gives_full_numbers_to_a_holder_of_the_right(orgs, contact, client_for, county_a_clerk):
    url = reverse("admin:members_member_export")
    masked = load_workbook(io.BytesIO(client_for(county_a_clerk).get(url).content)).active
    assert contact.masked_id_number in [c for row in masked.iter_rows(values_only=True) for c in row]
    full = load_workbook(io.BytesIO(client_for(with_the_right(county_a_clerk)).get(url).content)).active
    assert contact.id_number in [c for row in full.iter_rows(values_only=True) for c in row]


@pytest.mark.parametrize("model", ["member", "applicant"])
def test_a_record_page_without_the_right_shows_the_birth_month_and_the_number_cannot_be_rebuilt(
        orgs, contact, client_for, county_a_clerk, model):
    record = contact if model == "member" else activist(orgs["community"], contact)
    page = client_for(county_a_clerk).get(reverse(f"admin:members_{model}_change", args=[record.pk]))
    text = page.content.decode()
    assert page.status_code == 200 and record.masked_id_number in text
    born = record.birth_date
    assert f"{born:%Y.%m}" in text and born.isoformat() not in text and f"{born:%Y%m%d}" not in text
    assert not FULL_NUMBER.search(text)
    history = client_for(county_a_clerk).get(reverse(f"admin:members_{model}_history", args=[record.pk]))
    assert history.status_code == 200 and born.isoformat() not in history.content.decode()


def test_a_holder_of_the_right_sees_and_corrects_the_birth_date_and_the_view_is_recorded(
        orgs, contact, client_for, county_a_clerk):
    holder = with_the_right(county_a_clerk)
    page = client_for(holder).get(reverse("admin:members_member_change", args=[contact.pk]))
    assert 'name="birth_date"' in page.content.decode()
    assert AuditLog.objects.filter(action=AuditAction.VIEW_SENSITIVE, object_id=str(contact.pk)).exists()


def test_the_trail_keeps_a_members_birth_date_as_its_month_with_a_keyed_hash(orgs, contact):
    created = AuditLog.objects.filter(content_type=ContentType.objects.get_for_model(Member),
                                      object_id=str(contact.pk), action=AuditAction.CREATE).get()
    assert created.changes["birth_date"] == [None, {"masked": "1975.03", "hmac": secrets.keyed_hash(BORN)}]
    assert created.changes["id_number"][1]["masked"] == contact.masked_id_number
    assert BORN.isoformat() not in str(created.changes) and contact.id_number not in str(created.changes)


def test_the_migration_masks_the_birth_dates_the_trail_kept_in_clear(orgs, contact):
    legacy = AuditLog.objects.create(action=AuditAction.UPDATE, content_type=ContentType.objects.get_for_model(Member),
                                     object_id=str(contact.pk), object_repr=contact.name,
                                     changes={"birth_date": [None, BORN.isoformat()], "id_number": [None, "***"],
                                              "name": ["旧名", contact.name]})
    rewrite.forward(apps, type("Editor", (), {"connection": connection})())
    legacy.refresh_from_db()
    assert legacy.changes["birth_date"] == [None, {"masked": "1975.03", "hmac": secrets.keyed_hash(BORN.isoformat())}]
    assert legacy.changes["id_number"] == [None, "***"] and legacy.changes["name"] == ["旧名", contact.name]


def test_the_member_add_form_names_no_one_for_a_number_in_another_county_nor_one_at_home(
        orgs, client_for, county_a_clerk):
    elsewhere = add_member(orgs["county_b"], "王五", id_number=make_id(datetime.date(1970, 1, 2)))
    at_home = add_member(orgs["community"], "赵六", id_number=make_id(datetime.date(1970, 1, 3)))
    answers = []
    for taken in (elsewhere, at_home):
        page = client_for(county_a_clerk).post(reverse("admin:members_member_add"), {
            "name": "新人", "id_number": taken.id_number, "branch": orgs["community"].pk, "category": "full",
            "joined_on": "2000-07-01", "full_on": "2001-07-01", "dues_category": "employed", "income_base": "3000"})
        assert page.status_code == 200
        answers.append(page.context["adminform"].form.errors.get("id_number"))
        assert "王五" not in page.content.decode() and "赵六" not in page.content.decode()
    # Elsewhere: taken, as a number of no one is not. At home: the answer of every number of
    # the person's masked form, which the clerk's own list shows (身份证号试探).
    assert answers == [[secrets.ID_NUMBER_UNAVAILABLE], [NEAR_MISS_FORM_MESSAGE]]
    assert not Applicant.objects.exists()


def test_a_lapse_review_is_seen_by_the_party_building_clerks_and_not_by_other_business_roles(
        tree, orgs, contact, make_staff, client_for):
    """The 自行脱党 review names a member: the checklist shows it to those who may read the
    roster, not to a 干部监督 or 人才工作 clerk of the same county."""
    from django.core.management import call_command

    from branches.members import rules, services
    from orgwork.accounts import roles
    from orgwork.rectification.models import RectificationItem
    from orgwork.rectification.selectors import items_visible_to

    from .conftest import SYSTEM, today

    for back in range(6, 0, -1):
        services.dues_generate_month(month=rules.add_months(today().replace(day=1), -back), actor=SYSTEM)
    call_command("members_check_arrears")
    item = RectificationItem.objects.get(source_object_id=str(contact.pk))
    party = make_staff("party_clerk", tree["county_a"], roles.PARTY_BUILDING)
    cadre = make_staff("cadre_clerk", tree["county_a"], roles.CADRE_SUPERVISION)
    talent = make_staff("talent_clerk", tree["county_a"], roles.TALENT_WORK)
    assert list(items_visible_to(party)) == [item]
    url = reverse("admin:rectification_rectificationitem_changelist")
    assert contact.name in client_for(party).get(url).content.decode()
    from orgwork.rectification.selectors import checklists_with_progress, rectification_progress
    from orgwork.units.models import Unit

    county = Unit.objects.filter(pk=tree["county_a"].pk)
    assert rectification_progress(units=county, user=party).get().found == 1
    assert checklists_with_progress(user=party).get(pk=item.checklist_id).found == 1
    for other in (cadre, talent):
        assert rectification_progress(units=county, user=other).get().found == 0  # the counts say what the list shows
        assert checklists_with_progress(user=other).get(pk=item.checklist_id).found == 0
        assert not items_visible_to(other).exists()
        assert contact.name not in client_for(other).get(url).content.decode()
        assert client_for(other).get(reverse("admin:rectification_rectificationitem_change",
                                             args=[item.pk])).status_code in (302, 404)


# --- numbers typed into free text -----------------------------------------------------------

TYPED = "外出务工，联系人电话13912345678"


@pytest.fixture
def owing_with_a_phone_in_the_reason(orgs: Any) -> Member:
    member = add_member(orgs["community"], "王欠缴")
    Member.objects.filter(pk=member.pk).update(unpaid_months=2, arrears_reason=TYPED)
    return Member.objects.get(pk=member.pk)


def test_a_phone_typed_into_a_reason_is_masked_on_a_read_only_record_page_without_the_right(
        owing_with_a_phone_in_the_reason, client_for, view_only_auditor, county_a_clerk):
    member = owing_with_a_phone_in_the_reason
    url = reverse("admin:members_member_change", args=[member.pk])
    text = client_for(view_only_auditor).get(url).content.decode()
    assert "外出务工，联系人电话139****5678" in text and "13912345678" not in text
    # The clerk who may change the record edits the text as it was typed.
    assert "13912345678" in client_for(county_a_clerk).get(url).content.decode()


def test_a_phone_typed_into_a_reason_leaves_masked_in_the_roster_export_and_the_arrears_worklist(
        owing_with_a_phone_in_the_reason, client_for, county_a_clerk):
    from branches.members import worklists
    from tests.worklists.conftest import exported

    client = client_for(county_a_clerk)
    sheet = load_workbook(io.BytesIO(client.get(reverse("admin:members_member_export")).content)).active
    cells = [c for row in sheet.iter_rows(values_only=True) for c in row]
    assert "外出务工，联系人电话139****5678" in cells and TYPED not in cells
    page = client.get(reverse("admin:worklist", args=[worklists.SLUG_ARREARS])).content.decode()
    assert "139****5678" in page and "13912345678" not in page
    rows = exported(client, worklists.SLUG_ARREARS)
    assert not any("13912345678" in str(cell) for row in rows for cell in row)
    holder = client_for(with_the_right(county_a_clerk))
    full = load_workbook(io.BytesIO(holder.get(reverse("admin:members_member_export")).content)).active
    assert TYPED in [c for row in full.iter_rows(values_only=True) for c in row]
