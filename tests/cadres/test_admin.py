"""The cadre admin: masked ID numbers, logged unmasked views, search, print, lrmx
buttons, and a changelist whose query count does not grow with the page."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cadres import lrmx
from cadres.admin.search import cadre_search_q
from cadres.models import Assessment, AssessmentGrade, Cadre, Gender, Rank
from cadres.services import assessment_save
from orgwork.audit.models import AuditAction, AuditLog
from orgwork.common import idnumber

from orgwork.common.contract import SystemActor
from tests.samples.names import numbered

SYSTEM = SystemActor("tests")

CHANGELIST = "admin:cadres_cadre_changelist"
# Two of these are small unit-id lookups (the scope, the chosen subtree) that let the
# planner pick the name index instead of sorting the whole table: see scope_queryset.
CHANGELIST_QUERY_CEILING = 14


def change_url(cadre: Cadre) -> str:
    return reverse("admin:cadres_cadre_change", args=[cadre.pk])


def sensitive_views(cadre: Cadre) -> int:
    return AuditLog.objects.filter(action=AuditAction.VIEW_SENSITIVE, object_id=str(cadre.pk)).count()


def test_the_changelist_masks_id_numbers_even_for_the_unmask_permission(make_cadre, county_a_clerk, grant_unmask,
                                                                        client_for) -> None:
    cadre = make_cadre()
    for user in (county_a_clerk, grant_unmask(county_a_clerk)):
        body = client_for(user).get(reverse(CHANGELIST)).content.decode()
        assert idnumber.mask(cadre.id_number) in body and cadre.id_number not in body
    assert sensitive_views(cadre) == 0


def test_the_change_form_masks_the_id_number_without_the_permission(make_cadre, county_a_clerk, client_for) -> None:
    cadre = make_cadre()
    body = client_for(county_a_clerk).get(change_url(cadre)).content.decode()
    assert idnumber.mask(cadre.id_number) in body and cadre.id_number not in body
    assert sensitive_views(cadre) == 0


def test_an_unmasked_view_is_shown_only_with_the_permission_and_logged(make_cadre, county_a_clerk, grant_unmask,
                                                                      client_for) -> None:
    cadre = make_cadre()
    user = grant_unmask(county_a_clerk)
    body = client_for(user).get(change_url(cadre)).content.decode()
    assert cadre.id_number in body
    log = AuditLog.objects.get(action=AuditAction.VIEW_SENSITIVE, object_id=str(cadre.pk))
    assert log.actor == user and "干部信息编辑页" in log.message


def test_the_role_does_not_carry_the_unmask_permission(county_a_clerk) -> None:
    assert county_a_clerk.has_perm("cadres.change_cadre")
    assert not county_a_clerk.has_perm("cadres.view_unmasked_id_number")


def names_found(client, term: str) -> list[str]:  # type: ignore[no-untyped-def]
    response = client.get(reverse(CHANGELIST), {"q": term})
    return sorted(c.name for c in response.context["cl"].result_list)


def test_search_by_name_start_pinyin_initials_and_exact_id(make_cadre, province_officer, client_for) -> None:
    zeng = make_cadre(name="曾国华")
    make_cadre(name="张国华")
    make_cadre(name="翟志刚")
    client = client_for(province_officer)
    assert names_found(client, "曾国") == ["曾国华"]
    assert names_found(client, "zeng") == ["曾国华"]
    assert names_found(client, "ZGH") == ["张国华", "曾国华"]  # initials: zgh for both
    assert names_found(client, "zengg") == ["曾国华"]
    assert names_found(client, "zh") == ["张国华", "翟志刚"]  # zhang…, zhai…
    assert names_found(client, zeng.id_number[:10]) == []  # an ID is matched whole, never in part
    assert names_found(client, "国华") == []  # the start of a name, not any part of it
    # A whole number only with the right to see it (it would tell a masked number's digits).
    assert names_found(client, zeng.id_number.lower()) == []
    province_officer.user_permissions.add(Permission.objects.get(content_type__app_label="cadres",
                                                                 codename="view_unmasked_id_number"))
    assert names_found(client, zeng.id_number.lower()) == ["曾国华"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL query plans")
@pytest.mark.parametrize(("term", "index"), [
    ("zeng", "cadre_pinyin_idx"),  # the order index also serves the prefix (byte-order keys)
    ("曾国", "cadre_name_idx"),
    ("620102197506150139", "cadre_id_number_unique"),
])
def test_every_search_branch_is_an_index_lookup(make_cadre, term: str, index: str) -> None:
    make_cadre(name="曾国华")
    queryset = Cadre.objects.filter(cadre_search_q(term)).order_by("name_pinyin", "id")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # an empty table: ask for the plan a big one gets
        plan = queryset.explain()
    assert index in plan, plan
    if term == "zeng":  # pinyin or initials: both prefixes are index ranges
        assert "cadre_initials_idx" in plan, plan
        assert "(name_pinyin)::text >= 'zeng'" in plan and "(name_initials)::text >= 'zeng'" in plan, plan


def test_filters_narrow_the_changelist(make_cadre, tree, province_officer, client_for) -> None:
    make_cadre(name="甲", rank=Rank.TOWNSHIP_CHIEF, birth=datetime.date(1985, 2, 3))
    make_cadre(tree["county_b"], name="乙", gender=Gender.FEMALE, ethnicity="藏族", birth=datetime.date(1972, 8, 9))
    client = client_for(province_officer)

    def names(**params: str) -> list[str]:
        return sorted(c.name for c in client.get(reverse(CHANGELIST), params).context["cl"].result_list)

    assert names(rank=Rank.TOWNSHIP_CHIEF) == ["甲"]
    assert names(born="80") == ["甲"] and names(born="70") == ["乙"]
    assert names(women="1") == ["乙"] and names(minority="1") == ["乙"]
    assert names(unit_tree="620103") == ["乙"]


def test_the_changelist_query_count_does_not_grow_with_the_page(make_cadre, tree, province_officer, client_for,
                                                                django_assert_num_queries) -> None:
    client = client_for(province_officer)
    make_cadre(name="首位")
    params = {"unit_tree": "6201", "born": "70", "rank": ""}
    client.get(reverse(CHANGELIST), params)  # warm caches (content types)
    with CaptureQueriesContext(connection) as one_row:
        assert client.get(reverse(CHANGELIST), params).status_code == 200
    # Session, user, permissions and the home unit, the unit filter's choices, the count,
    # the chosen unit, the page itself (units joined), the session refresh: nothing per row.
    assert len(one_row) <= CHANGELIST_QUERY_CEILING
    for i in range(30):
        make_cadre(tree["township_a"] if i % 2 else tree["county_b"], name=numbered("干部", i, 2))
    with django_assert_num_queries(len(one_row)):
        response = client.get(reverse(CHANGELIST), params)
    assert len(response.context["cl"].result_list) == 31


def test_the_print_page_shows_the_appointment_form(make_cadre, county_a_clerk, grant_unmask, client_for) -> None:
    cadre = make_cadre(name="曾建华", resume="1997.07--2005.03  城关区财政局科员\n2005.03--  城关区发展和改革局局长")
    assessment_save(assessment=Assessment(cadre=cadre, year=2024, grade=AssessmentGrade.EXCELLENT,
                                          political_score=Decimal("95")), actor=SYSTEM)
    url = reverse("admin:cadres_cadre_print", args=[cadre.pk])
    body = client_for(county_a_clerk).get(url).content.decode()
    assert "干部任免审批表" in body and "cadres/appointment_form.css" in body and "2024年度考核优秀" in body
    stylesheet = Path(settings.BASE_DIR, "cadres", "static", "cadres", "appointment_form.css").read_text()
    assert "@page { size: A4" in stylesheet  # printed on A4, styled from a file (the CSP allows no inline style)
    assert idnumber.mask(cadre.id_number) in body and cadre.id_number not in body
    body = client_for(grant_unmask(county_a_clerk)).get(url).content.decode()
    assert cadre.id_number in body and sensitive_views(cadre) == 1


def test_the_print_page_names_the_sites_icon_as_the_admin_pages_do(make_cadre, county_a_clerk, client_for) -> None:
    cadre = make_cadre()
    client = client_for(county_a_clerk)
    body = client.get(reverse("admin:cadres_cadre_print", args=[cadre.pk])).content.decode()
    admin_page = client.get(reverse("admin:cadres_cadre_change", args=[cadre.pk])).content.decode()
    icon = re.search(r'<link rel="icon" type="image/svg\+xml" href="([^"]+)"', body)
    assert icon is not None and icon.group(1).endswith("favicon.svg") and icon.group(1) in admin_page


def test_print_and_lrmx_are_out_of_reach_for_another_county(make_cadre, county_b_clerk, client_for) -> None:
    cadre = make_cadre()
    client = client_for(county_b_clerk)
    assert client.get(reverse("admin:cadres_cadre_print", args=[cadre.pk])).status_code == 404
    assert client.get(reverse("admin:cadres_cadre_export_lrmx", args=[cadre.pk])).status_code == 404


def test_the_lrmx_button_exports_a_masked_file_without_the_permission(make_cadre, county_a_clerk, grant_unmask,
                                                                     client_for) -> None:
    cadre = make_cadre()
    url = reverse("admin:cadres_cadre_export_lrmx", args=[cadre.pk])
    masked = client_for(county_a_clerk).get(url)
    assert masked["Content-Disposition"].startswith("attachment")
    assert idnumber.mask(cadre.id_number).encode() in masked.content
    full = client_for(grant_unmask(county_a_clerk)).get(url)
    assert lrmx.parse(full.content).id_number == cadre.id_number
    assert AuditLog.objects.filter(action=AuditAction.EXPORT, object_id=str(cadre.pk)).count() == 2


def test_the_import_page_checks_first_and_writes_when_confirmed(make_cadre, county_a_clerk, client_for) -> None:
    cadre = make_cadre(proposed_post="副区长")
    content = lrmx.export_person(cadre).replace("副区长".encode(), "区委常委".encode())
    client = client_for(county_a_clerk)
    url = reverse("admin:cadres_cadre_import_lrmx")
    response = client.post(url, {"file": SimpleUploadedFile("a.lrmx", content)})
    assert "试导入（未写入）" in response.content.decode()
    assert Cadre.objects.get(pk=cadre.pk).proposed_post == "副区长"
    response = client.post(url, {"file": SimpleUploadedFile("a.lrmx", content), "commit": "on"})
    assert response.status_code == 302 and Cadre.objects.get(pk=cadre.pk).proposed_post == "区委常委"
    response = client.post(url, {"file": SimpleUploadedFile("a.lrmx", b"not xml"), "commit": "on"})
    assert "不是有效的 XML" in response.content.decode()


def test_the_change_form_saves_through_the_service(make_cadre, county_a_clerk, client_for) -> None:
    cadre = make_cadre(name="张建华")
    client = client_for(county_a_clerk)
    page = client.get(change_url(cadre))
    body = page.content.decode()
    assert reverse("admin:cadres_cadre_print", args=[cadre.pk]) in body
    assert reverse("admin:cadres_cadre_export_lrmx", args=[cadre.pk]) in body
    assert '<option value="东乡族">东乡族</option>' in body  # 民族 is picked from the code set
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and not isinstance(v, (list, bytes))}
    data.update({
        "name": "单建华", "birth_month": "1975.06", "unit": cadre.unit_id, "seen_version": cadre.version,
        "ethnicity": "汉", "status": "active", "gender": Gender.MALE,
    })
    photo = b"\xff\xd8\xff\xe0" + b"\x00" * 64 + b"\xff\xd9"
    for prefix in ("posts", "educations", "assessments", "rewards", "family"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    data.update({"assessments-TOTAL_FORMS": "1", "assessments-0-year": "2024", "assessments-0-grade": "excellent",
                 "assessments-0-political_score": "85"})
    # A serving cadre keeps one current principal post (the table must carry it).
    data.update({"posts-TOTAL_FORMS": "1", "posts-0-title": "城关区财政局局长", "posts-0-rank": "township_chief",
                 "posts-0-is_principal": "on", "posts-0-is_current": "on", "posts-0-appointed_on": "2021.01"})
    response = client.post(change_url(cadre), data)
    assert "低于 90 分" in response.content.decode()  # the rule shows on the form
    data.update({"assessments-0-grade": "basically_competent", "assessments-0-political_score": "75"})
    response = client.post(change_url(cadre), {**data, "photo_upload": SimpleUploadedFile("me.jpg", photo)})
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    cadre.refresh_from_db()
    assert (cadre.name, cadre.name_pinyin, cadre.ethnicity) == ("单建华", "shanjianhua", "汉族")
    assert bytes(cadre.photo) == photo
    assert Assessment.objects.get(cadre=cadre).needs_review is True


def test_posts_edited_in_the_table_move_the_profile_and_keep_one_current_post(make_cadre, county_a_clerk,
                                                                              client_for) -> None:
    """Ending the old post and ticking a new one in the same save: the old one is ended
    first (no constraint error), and 现任职务/职务层次 on the profile follow the new post."""
    from cadres.models import Post
    from tests.test_versioning import form_data

    cadre = make_cadre(name="张建华")
    old = Post.objects.create(cadre=cadre, unit=cadre.unit, title="副镇长", rank=Rank.TOWNSHIP_DEPUTY,
                              is_principal=True, is_current=True, appointed_on=datetime.date(2019, 3, 1))
    client = client_for(county_a_clerk)
    data = form_data(client.get(change_url(cadre)))
    index = next(k.split("-")[1] for k, v in data.items() if k.startswith("posts-") and k.endswith("-id")
                 and v == str(old.pk))
    data.pop(f"posts-{index}-is_current")  # 免去原职务
    data[f"posts-{index}-removed_on"] = "2024-05-01"
    new = int(data["posts-TOTAL_FORMS"])
    data.update({"posts-TOTAL_FORMS": str(new + 1), f"posts-{new}-title": "镇长", f"posts-{new}-rank": Rank.TOWNSHIP_CHIEF,
                 f"posts-{new}-is_principal": "on", f"posts-{new}-is_current": "on",
                 f"posts-{new}-appointed_on": "2024-05-01", f"posts-{new}-unit": str(cadre.unit_id)})
    response = client.post(change_url(cadre), data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    cadre.refresh_from_db()
    assert (cadre.current_post, cadre.rank) == ("镇长", Rank.TOWNSHIP_CHIEF)
    assert list(Post.objects.filter(cadre=cadre, is_current=True).values_list("title", flat=True)) == ["镇长"]
    assert Post.objects.get(pk=old.pk).removed_on == datetime.date(2024, 5, 1)


# --- no 删除 for a cadre on the books ------------------------------------------------

def delete_url(cadre: Cadre) -> str:
    return reverse("admin:cadres_cadre_delete", args=[cadre.pk])


def test_a_cadres_page_offers_no_delete_and_the_delete_address_is_refused(make_cadre, county_a_clerk,
                                                                          province_officer, client_for) -> None:
    cadre = make_cadre()  # nothing on the books yet but the record itself
    for user in (county_a_clerk, province_officer):
        client = client_for(user)
        page = client.get(change_url(cadre))
        assert page.status_code == 200 and cadre.name in page.content.decode()
        assert delete_url(cadre) not in page.content.decode() and "deletelink" not in page.content.decode()
        assert client.get(delete_url(cadre)).status_code == 403
        assert client.post(delete_url(cadre), {"post": "yes"}).status_code == 403
    assert Cadre.objects.filter(pk=cadre.pk).exists()
    assert not AuditLog.objects.filter(action=AuditAction.DELETE, object_id=str(cadre.pk)).exists()


def test_not_even_a_superuser_deletes_a_cadre(make_cadre, tree, client_for) -> None:
    from orgwork.accounts.models import User

    cadre = make_cadre()
    root = User.objects.create_superuser(username="root", password="Root#pass2026x", unit=tree["province"])
    client = client_for(root)
    assert delete_url(cadre) not in client.get(change_url(cadre)).content.decode()
    assert client.post(delete_url(cadre), {"post": "yes"}).status_code == 403
    assert Cadre.objects.filter(pk=cadre.pk).exists()


def test_the_cadre_list_has_no_bulk_delete(make_cadre, county_a_clerk, client_for) -> None:
    cadre = make_cadre()
    client = client_for(county_a_clerk)
    page = client.get(reverse(CHANGELIST)).content.decode()
    assert "delete_selected" not in page
    answer = client.post(reverse(CHANGELIST), {"action": "delete_selected", "_selected_action": [cadre.pk],
                                               "post": "yes"})
    assert answer.status_code in (200, 302) and Cadre.objects.filter(pk=cadre.pk).exists()


def test_no_role_holds_the_right_to_delete_a_cadre() -> None:
    from orgwork.accounts import roles

    assert not any("cadres.delete_cadre" in rights for rights in roles.ROLE_PERMISSIONS.values())


# --- 年度考核 and 奖惩 are archive material: corrected, never deleted ------------------

def test_a_low_assessment_cannot_be_deleted_from_the_cadres_page(make_cadre, county_a_clerk, client_for) -> None:
    """Ticking 删除 on the cadre's 年度考核 or 奖惩 row and saving leaves both rows: the
    tables offer no 删除 and the formsets take none."""
    from cadres.models import RewardPunishment
    from tests.test_versioning import form_data

    from cadres.models import Post

    cadre = make_cadre(name="张建华")
    Post.objects.create(cadre=cadre, unit=cadre.unit, title="副镇长", rank=Rank.TOWNSHIP_DEPUTY,
                        is_principal=True, is_current=True, appointed_on=datetime.date(2019, 3, 1))
    low = assessment_save(assessment=Assessment(cadre=cadre, year=2023, grade=AssessmentGrade.INCOMPETENT,
                                                political_score=Decimal("62")), actor=SYSTEM)
    punished = RewardPunishment.objects.create(cadre=cadre, kind="punishment", title="党内警告",
                                               decided_on=datetime.date(2023, 6, 1))
    client = client_for(county_a_clerk)
    page = client.get(change_url(cadre))
    body = page.content.decode()
    assert "assessments-0-DELETE" not in body and "rewards-0-DELETE" not in body
    data = form_data(page)
    data.update({"assessments-0-DELETE": "on", "rewards-0-DELETE": "on", "assessments-0-remarks": "复核"})
    response = client.post(change_url(cadre), data)
    assert response.status_code == 302, response.context["errors"]
    assert Assessment.objects.get(pk=low.pk).remarks == "复核"  # the save went through, the row stayed
    assert RewardPunishment.objects.filter(pk=punished.pk).exists()


def test_the_assessment_list_offers_no_delete(make_cadre, county_a_clerk, tree, client_for) -> None:
    cadre = make_cadre()
    row = assessment_save(assessment=Assessment(cadre=cadre, year=2023, grade=AssessmentGrade.BASICALLY_COMPETENT,
                                                political_score=Decimal("75")), actor=SYSTEM)
    from orgwork.accounts.models import User

    boss = User.objects.create_superuser(username="assessment_root", password="Root#pass2026x", unit=tree["province"])
    for user in (county_a_clerk, boss):
        client = client_for(user)
        listing = client.get(reverse("admin:cadres_assessment_changelist")).content.decode()
        assert "delete_selected" not in listing
        delete = reverse("admin:cadres_assessment_delete", args=[row.pk])
        assert client.post(delete, {"post": "yes"}).status_code == 403
        client.post(reverse("admin:cadres_assessment_changelist"),
                    {"action": "delete_selected", "_selected_action": [row.pk], "post": "yes"})
    assert Assessment.objects.filter(pk=row.pk).exists()


def test_no_role_holds_the_right_to_delete_archive_material() -> None:
    from orgwork.accounts import roles

    for right in ("cadres.delete_assessment", "cadres.delete_rewardpunishment"):
        assert not any(right in rights for rights in roles.ROLE_PERMISSIONS.values()), right


def test_the_months_of_a_cadres_page_are_text_boxes_with_their_example_not_a_day_calendar(
        make_cadre, county_a_clerk, client_for) -> None:
    cadre = make_cadre(birth=datetime.date(1975, 6, 15))
    page = client_for(county_a_clerk).get(change_url(cadre))
    form = page.context["adminform"].form
    html = page.content.decode()
    for name in ("birth_month", "party_joined_on", "work_started_on"):
        box = re.search(rf'<input[^>]*name="{name}"[^>]*>', html).group(0)
        assert 'placeholder="如 1975.06"' in box and "vDateField" not in box, box
    assert re.search(r'<input[^>]*name="birth_month"[^>]*value="1975.06"', html)
    # The dates of the page keep their calendar.
    assert "vDateField" in str(form["age_reckoned_on"])
