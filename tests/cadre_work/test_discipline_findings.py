"""党纪政务处分 (DisciplineFinding): the statutory 影响期 of each kind, the record on every
path that writes it (service, admin page, sheet) with one audit row, its jurisdiction, its
list and page, and the places that read an 影响期 (blockers, the 监督档案, the dashboard
figure, the 台账 of nominations inside an 影响期, the reserve pool)."""

from __future__ import annotations

import datetime
import io
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from cadres.reserve.selectors import adjustment_proposals
from cadres.supervision.models import DisciplineFinding, DisciplineKind
from cadres.supervision.selectors import blockers_for, cadres_under_influence, supervision_timeline
from cadres.supervision.services import vetting_open
from orgwork.audit.models import AuditLog
from orgwork.common import idnumber
from tests.clock import today
from tests.samples.cadres import cadre_in
from tests.samples.names import numbered
from tests.samples.reserve import enter, pool_in, recommend

from .discipline_helpers import SHEET_HEAD, SYSTEM, find, messages_of, run_findings_sheet, sheet_row
from .selection_samples import cleared_case

pytestmark = pytest.mark.django_db
LIST = reverse("admin:supervision_disciplinefinding_changelist")
ADD = reverse("admin:supervision_disciplinefinding_add")
D = datetime.date


def form(cadre: Any, **values: str) -> dict[str, Any]:
    return {"cadre": cadre.pk, "kind": DisciplineKind.PUBLIC_DEMERIT, "decided_on": "2026-05-10",
            "document_number": "城监处〔2026〕3号", "deciding_organ": "兰州市城关区监察委员会", "summary": "", **values}


def audit_rows(finding: DisciplineFinding) -> int:
    return AuditLog.objects.filter(content_type=ContentType.objects.get_for_model(DisciplineFinding),
                                   object_id=str(finding.pk)).count()


# ---------------------------------------------------------------- the statutory 影响期

@pytest.mark.parametrize(("kind", "months", "ends"), [
    (DisciplineKind.PARTY_WARNING, 12, D(2027, 3, 31)),
    (DisciplineKind.PARTY_SERIOUS_WARNING, 18, D(2027, 9, 30)),
    (DisciplineKind.PARTY_POST_REMOVAL, 24, D(2028, 3, 31)),
    (DisciplineKind.PARTY_PROBATION_1, 36, D(2029, 3, 31)),
    (DisciplineKind.PARTY_PROBATION_2, 48, D(2030, 3, 31)),
    (DisciplineKind.PUBLIC_WARNING, 6, D(2026, 9, 30)),
    (DisciplineKind.PUBLIC_DEMERIT, 12, D(2027, 3, 31)),
    (DisciplineKind.PUBLIC_MAJOR_DEMERIT, 18, D(2027, 9, 30)),
    (DisciplineKind.PUBLIC_DEMOTION, 24, D(2028, 3, 31)),
    (DisciplineKind.PUBLIC_DISMISSAL, 24, D(2028, 3, 31)),
    (DisciplineKind.PARTY_EXPULSION, 0, None),
    (DisciplineKind.PUBLIC_EXPULSION, 0, None),
])
def test_each_kind_carries_the_influence_period_the_statutes_give_it(tree, kind, months, ends) -> None:
    finding = find(cadre_in(tree["county_a"]), D(2026, 3, 31), kind)
    finding.refresh_from_db()
    assert (finding.influence_months, finding.influence_ends_on) == (months, ends)
    assert finding.for_good == (ends is None)


def test_correcting_the_kind_moves_the_period_with_it(tree) -> None:
    finding = find(cadre_in(tree["county_a"]), D(2026, 3, 31), DisciplineKind.PUBLIC_WARNING)
    finding.kind = DisciplineKind.PUBLIC_DEMOTION
    from cadres.supervision.services import discipline_finding_save

    discipline_finding_save(finding=finding, actor=SYSTEM)
    finding.refresh_from_db()
    assert (finding.influence_months, finding.influence_ends_on) == (24, D(2028, 3, 31))


def test_the_database_refuses_a_period_that_does_not_follow_the_kind(tree) -> None:
    from django.db import IntegrityError, transaction

    finding = find(cadre_in(tree["county_a"]), D(2026, 3, 31), DisciplineKind.PARTY_EXPULSION)
    with pytest.raises(IntegrityError), transaction.atomic():
        DisciplineFinding.objects.filter(pk=finding.pk).update(influence_ends_on=D(2027, 1, 1))


# ---------------------------------------------------------------- recording it: service, page, sheet

def test_recording_a_finding_writes_exactly_one_audit_row(tree, county_a_clerk) -> None:
    finding = find(cadre_in(tree["county_a"]), D(2026, 5, 10), actor=county_a_clerk)
    assert audit_rows(finding) == 1


def test_a_finding_decided_in_the_future_is_refused_by_the_service(tree) -> None:
    with pytest.raises(ValidationError) as refused:
        find(cadre_in(tree["county_a"]), today() + datetime.timedelta(days=1))
    assert refused.value.message_dict["decided_on"] == ["处分决定日期不能晚于今天。"]
    assert not DisciplineFinding.objects.exists()


def test_a_finding_without_its_decision_number_or_organ_is_refused_by_the_service(tree) -> None:
    from cadres.supervision.services import discipline_finding_save

    with pytest.raises(ValidationError) as refused:
        discipline_finding_save(finding=DisciplineFinding(
            cadre=cadre_in(tree["county_a"]), kind=DisciplineKind.PARTY_WARNING, decided_on=D(2026, 5, 10),
            document_number="  ", deciding_organ=""), actor=SYSTEM)
    assert set(refused.value.message_dict) == {"document_number", "deciding_organ"}


def test_the_same_finding_twice_is_refused_by_the_service(tree) -> None:
    cadre = cadre_in(tree["county_a"])
    find(cadre, D(2026, 5, 10))
    with pytest.raises(ValidationError, match="该干部同一日期的同种处分已登记"):
        find(cadre, D(2026, 5, 10))


def test_a_clerk_cannot_record_a_finding_on_another_countys_cadre(tree, county_b_clerk) -> None:
    with pytest.raises(ValidationError, match="不在您的管辖范围内"):
        find(cadre_in(tree["county_a"]), D(2026, 5, 10), actor=county_b_clerk)
    assert not DisciplineFinding.objects.exists()


def test_a_view_only_reader_cannot_record_a_finding(tree, view_only_auditor) -> None:
    with pytest.raises(ValidationError):
        find(cadre_in(tree["county_a"]), D(2026, 5, 10), actor=view_only_auditor)
    assert not DisciplineFinding.objects.exists()


def test_the_finding_page_records_it_through_the_service_with_its_period_and_one_audit_row(
        tree, county_a_clerk, client_for) -> None:
    cadre = cadre_in(tree["county_a"], name="钱处分")
    response = client_for(county_a_clerk).post(ADD, form(cadre))
    assert response.status_code == 302, response.content.decode()[:2000]
    finding = DisciplineFinding.objects.get()
    assert (finding.cadre, finding.influence_months, finding.influence_ends_on) == (cadre, 12, D(2027, 5, 10))
    assert audit_rows(finding) == 1


def test_the_finding_page_refuses_a_decision_in_the_future_on_the_form(tree, county_a_clerk, client_for) -> None:
    cadre = cadre_in(tree["county_a"])
    day = today() + datetime.timedelta(days=3)
    response = client_for(county_a_clerk).post(ADD, form(cadre, decided_on=f"{day:%Y-%m-%d}"))
    assert response.status_code == 200 and "处分决定日期不能晚于今天。" in response.content.decode()
    assert not DisciplineFinding.objects.exists()


def test_the_finding_page_refuses_the_same_finding_twice_on_the_form(tree, county_a_clerk, client_for) -> None:
    cadre = cadre_in(tree["county_a"])
    find(cadre, D(2026, 5, 10), DisciplineKind.PUBLIC_DEMERIT)
    response = client_for(county_a_clerk).post(ADD, form(cadre))
    assert response.status_code == 200 and "该干部同一日期的同种处分已登记。" in response.content.decode()
    assert DisciplineFinding.objects.count() == 1


def test_the_finding_page_offers_no_cadre_of_another_county(tree, county_b_clerk, client_for) -> None:
    cadre = cadre_in(tree["county_a"])
    response = client_for(county_b_clerk).post(ADD, form(cadre))
    assert response.status_code == 200 and "所选的值不在可选范围内" in response.content.decode()
    assert not DisciplineFinding.objects.exists()


def test_a_findings_sheet_records_each_row_with_its_period_and_one_audit_row(tree, county_a_clerk, tmp_path) -> None:
    one, two = cadre_in(tree["county_a"], name="甲"), cadre_in(tree["county_a"], name="乙")
    result = run_findings_sheet(county_a_clerk, [sheet_row(one, "党内严重警告处分", "2026.4.1"),
                                                 sheet_row(two, "开除", "2026年4月2日", "城监处〔2026〕2号")], tmp_path)
    assert result.committed, result.errors
    got = {(f.cadre.name, f.kind, f.influence_ends_on) for f in DisciplineFinding.objects.select_related("cadre")}
    assert got == {("甲", DisciplineKind.PARTY_SERIOUS_WARNING, D(2027, 10, 1)),
                   ("乙", DisciplineKind.PUBLIC_EXPULSION, None)}
    assert all(audit_rows(f) == 1 for f in DisciplineFinding.objects.all())


def test_a_findings_sheet_with_one_bad_row_writes_nothing_and_says_why_in_chinese(tree, county_a_clerk,
                                                                                 tmp_path) -> None:
    one, two = cadre_in(tree["county_a"], name="甲"), cadre_in(tree["county_a"], name="乙")
    later = today() + datetime.timedelta(days=5)
    result = run_findings_sheet(county_a_clerk, [sheet_row(one), sheet_row(two, "警告", f"{later:%Y-%m-%d}")], tmp_path)
    assert not result.committed and not DisciplineFinding.objects.exists()
    text = messages_of(result)
    assert "「警告」不是可选值" in text and "党内警告" in text and "政务警告" in text
    assert "处分决定日期不能晚于今天。" in text


def test_a_findings_sheet_cannot_name_a_cadre_of_another_county(tree, county_a_clerk, tmp_path) -> None:
    outsider = cadre_in(tree["county_b"], name="外县的")
    result = run_findings_sheet(county_a_clerk, [sheet_row(outsider)], tmp_path)
    assert not result.committed and not DisciplineFinding.objects.exists()
    assert "该身份证号的干部不存在或不在您的管辖范围内。" in messages_of(result)


def test_the_findings_template_downloads_with_its_chinese_columns_and_an_example(county_a_clerk, client_for) -> None:
    answer = client_for(county_a_clerk).get(reverse("admin:imports_importjob_template", args=["discipline_findings"]))
    assert answer.status_code == 200
    sheet = load_workbook(io.BytesIO(answer.content)).active
    assert [c.value for c in sheet[1]] == SHEET_HEAD
    assert sheet[2][2].value is None and sheet[1][2].comment.text == "示例：党内警告"  # beside, not under


# ---------------------------------------------------------------- the list and the page

@pytest.fixture
def findings(tree) -> dict[str, DisciplineFinding]:
    return {
        "party": find(cadre_in(tree["county_a"], name="党纪甲"), today() - datetime.timedelta(days=30)),
        "public_old": find(cadre_in(tree["county_a"], name="政务乙"), D(2020, 1, 6), DisciplineKind.PUBLIC_WARNING,
                           number="城监处〔2020〕1号"),
        "expelled": find(cadre_in(tree["county_a"], name="开除丙"), D(2019, 1, 6), DisciplineKind.PUBLIC_EXPULSION,
                         number="城监处〔2019〕7号"),
        "elsewhere": find(cadre_in(tree["county_b"], name="外县丁"), today() - datetime.timedelta(days=30)),
    }


def listed(client: Any, **params: str) -> set[str]:
    response = client.get(LIST, params)
    assert response.status_code == 200
    return {f.cadre.name for f in response.context["cl"].result_list}


def test_the_list_holds_the_clerks_county_and_filters_by_category_kind_and_period(findings, county_a_clerk,
                                                                                   client_for) -> None:
    client = client_for(county_a_clerk)
    assert listed(client) == {"党纪甲", "政务乙", "开除丙"}
    assert listed(client, category="public") == {"政务乙", "开除丙"}
    assert listed(client, category="party") == {"党纪甲"}
    assert listed(client, kind__exact=DisciplineKind.PUBLIC_WARNING) == {"政务乙"}
    assert listed(client, influence="running") == {"党纪甲", "开除丙"}
    assert listed(client, influence="ended") == {"政务乙"}
    assert listed(client, q="城监处〔2019〕") == {"开除丙"}


def test_the_list_shows_an_expulsion_as_holding_for_good(findings, county_a_clerk, client_for) -> None:
    html = client_for(county_a_clerk).get(LIST, {"q": "开除丙"}).content.decode()
    assert "开除公职" in html and "长期" in html and "政务处分" in html


def test_the_list_exports_to_xlsx_what_the_clerk_sees_with_id_numbers_masked(findings, county_a_clerk,
                                                                             client_for) -> None:
    response = client_for(county_a_clerk).get(reverse("admin:supervision_disciplinefinding_export"),
                                              {"_export": "xlsx", "category": "public"})
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert list(rows[0]) == SHEET_HEAD
    expected = {(idnumber.mask(f.cadre.id_number), f.cadre.name, f.get_kind_display())
                for f in (findings["public_old"], findings["expelled"])}
    assert {r[:3] for r in rows[1:]} == expected


def test_the_finding_page_links_to_the_cadres_page_and_shows_the_period(findings, county_a_clerk,
                                                                        client_for) -> None:
    finding = findings["party"]
    page = client_for(county_a_clerk).get(reverse("admin:supervision_disciplinefinding_change", args=[finding.pk]))
    html = page.content.decode()
    assert reverse("admin:cadres_cadre_change", args=[finding.cadre_id]) in html
    assert "查看党纪甲的干部信息" in html and f"{finding.influence_ends_on:%Y-%m-%d}" in html


def test_another_county_cannot_open_the_finding(findings, county_b_clerk, client_for) -> None:
    url = reverse("admin:supervision_disciplinefinding_change", args=[findings["party"].pk])
    assert client_for(county_b_clerk).get(url).status_code != 200


def test_a_view_only_reader_sees_the_list_but_may_not_add(findings, view_only_auditor, client_for) -> None:
    client = client_for(view_only_auditor)
    assert listed(client) == {"党纪甲", "政务乙", "开除丙", "外县丁"}
    assert client.get(ADD).status_code == 403


def test_the_sidebar_lists_the_findings_under_cadre_supervision(county_a_clerk, client_for) -> None:
    html = client_for(county_a_clerk).get(LIST).content.decode()
    sidebar = html.split('id="nav-sidebar"', 1)[1].split("</nav>", 1)[0]
    group = sidebar.split("干部监督", 1)[1].split("基层党建", 1)[0]
    assert LIST in group and "党纪政务处分" in group


def test_the_list_costs_the_same_queries_for_five_rows_and_fifty(tree, province_officer, client_for) -> None:
    from django.contrib import admin

    from .selection_samples import queries_for_page_sizes

    for i in range(12):
        find(cadre_in(tree["county_a" if i % 2 else "county_b"], name=numbered("干部", i, 2)),
             D(2026, 1, 1) + datetime.timedelta(days=i))
    small, large = queries_for_page_sizes(client_for(province_officer), LIST, admin.site._registry[DisciplineFinding])
    assert small == large


# ---------------------------------------------------------------- where an 影响期 is read

def test_a_finding_in_force_stands_in_the_way_of_clearing_a_vetting_case(tree, county_a_clerk) -> None:
    cadre = cadre_in(tree["county_a"], name="受处分")
    finding = find(cadre, today() - datetime.timedelta(days=10), DisciplineKind.PUBLIC_MAJOR_DEMERIT,
                   number="城监处〔2026〕8号")
    assert [b.source for b in blockers_for(cadre)] == [finding]
    assert "受到记大过处分（城监处〔2026〕8号）" in blockers_for(cadre)[0].message
    with pytest.raises(ValidationError, match="影响期18个月"):
        cleared_case(cadre, today() - datetime.timedelta(days=1), county_a_clerk)


def test_an_expulsion_stands_in_the_way_for_good(tree) -> None:
    cadre = cadre_in(tree["county_a"])
    find(cadre, D(2015, 1, 6), DisciplineKind.PARTY_EXPULSION, number="城纪处〔2015〕1号")
    assert [b.message for b in blockers_for(cadre)] == ["2015年01月06日受到开除党籍处分（城纪处〔2015〕1号），长期不得提拔。"]


def test_an_expired_finding_stands_in_nobodys_way_but_stays_in_the_record(tree) -> None:
    cadre = cadre_in(tree["county_a"])
    finding = find(cadre, D(2020, 1, 6), DisciplineKind.PUBLIC_WARNING)
    assert blockers_for(cadre) == []
    kinds = [(e.kind, e.title) for e in supervision_timeline(cadre)]
    assert ("政务处分", "政务警告（中共兰州市城关区纪律检查委员会，城纪处〔2026〕5号）") in kinds
    assert ("影响期届满", "政务警告处分影响期届满") in kinds
    assert finding in [e.source for e in supervision_timeline(cadre)]


def test_the_dashboard_figure_counts_cadres_inside_a_finding_period(tree, county_a_clerk) -> None:
    held = cadre_in(tree["county_a"], name="影响期内")
    find(held, today() - datetime.timedelta(days=10))
    find(cadre_in(tree["county_a"], name="已届满"), D(2020, 1, 6), DisciplineKind.PUBLIC_WARNING)
    assert list(cadres_under_influence(county_a_clerk)) == [held]


def test_a_nomination_inside_a_finding_period_is_on_the_list_with_its_end(tree, county_a_clerk, client_for) -> None:
    dated = cadre_in(tree["county_a"], name="处分期内")
    find(dated, today() - datetime.timedelta(days=40), DisciplineKind.PUBLIC_WARNING)
    expelled = cadre_in(tree["county_a"], name="已开除")
    find(expelled, D(2019, 1, 6), DisciplineKind.PUBLIC_EXPULSION)
    for cadre in (dated, expelled):
        vetting_open(cadre=cadre, proposed_post="局长", nominated_by="区委组织部",
                     nominated_on=today() - datetime.timedelta(days=2), actor=SYSTEM)
    response = client_for(county_a_clerk).get(reverse("admin:worklist", args=["supervision_vetting_during_influence"]))
    rows = {row["cells"][0]: row["cells"][5] for row in response.context["table"]}
    ends = DisciplineFinding.objects.get(cadre=dated).influence_ends_on
    assert rows == {"处分期内": ends, "已开除": "长期"}


def test_a_cadre_inside_a_finding_period_is_not_recommended_to_a_reserve_pool(tree) -> None:
    cadre = cadre_in(tree["county_a"], name="后备人选", birth=D(1988, 3, 1))
    finding = find(cadre, today() - datetime.timedelta(days=10), DisciplineKind.PUBLIC_DEMERIT)
    with pytest.raises(ValidationError) as refused:
        recommend(pool_in(tree["county_a"]), cadre, on=today())
    assert (f"后备人选受到记过处分，影响期至{finding.influence_ends_on:%Y-%m-%d}届满，期间不得推荐入库。"
            in refused.value.messages)


def test_the_yearly_adjustment_proposes_to_take_out_a_member_inside_a_finding_period(tree) -> None:
    pool = pool_in(tree["county_a"])
    member = enter(pool, cadre_in(tree["county_a"], name="在库者", birth=D(1988, 3, 1)))
    find(member.cadre, today() - datetime.timedelta(days=10), DisciplineKind.PARTY_WARNING)
    [proposal] = adjustment_proposals(pool)
    assert (proposal.member, proposal.explanation) == (member, "受到党纪政务处分，正处于影响期内。")


def test_the_vetting_list_flags_a_nominee_inside_a_finding_period(tree, county_a_clerk, client_for) -> None:
    held = cadre_in(tree["county_a"], name="处分期内")
    find(held, today() - datetime.timedelta(days=10), DisciplineKind.PARTY_WARNING)
    free = cadre_in(tree["county_a"], name="无处分")
    for cadre in (held, free):
        vetting_open(cadre=cadre, proposed_post="局长", nominated_by="区委组织部", nominated_on=today(), actor=SYSTEM)
    response = client_for(county_a_clerk).get(reverse("admin:supervision_vettingcase_changelist"))
    flags = {case.cadre.name: case.has_influence for case in response.context["cl"].result_list}
    assert flags == {"处分期内": True, "无处分": False}
    assert "orgwork-warning" in response.content.decode()


def test_a_finding_has_no_delete_so_its_influence_period_cannot_be_deleted_away(
        tree, county_a_clerk, client_for) -> None:
    finding = find(cadre_in(tree["county_a"]), D(2026, 3, 1))
    client = client_for(county_a_clerk)
    delete = reverse("admin:supervision_disciplinefinding_delete", args=[finding.pk])
    page = client.get(reverse("admin:supervision_disciplinefinding_change", args=[finding.pk]))
    assert page.status_code == 200 and delete not in page.content.decode()
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert "delete_selected" not in client.get(LIST).content.decode()
    assert not county_a_clerk.has_perm("supervision.delete_disciplinefinding")
    assert DisciplineFinding.objects.filter(pk=finding.pk).exists()


def test_a_repeated_findings_row_is_named_by_its_cells_as_typed_not_by_stored_codes(tree, county_a_clerk,
                                                                                    tmp_path) -> None:
    one = cadre_in(tree["county_a"], name="甲")
    result = run_findings_sheet(county_a_clerk, [sheet_row(one), sheet_row(one)], tmp_path)
    assert not result.committed and not DisciplineFinding.objects.exists()
    text = messages_of(result)
    assert f"「{one.masked_id_number}、党内警告、2026-06-01」" in text
    assert "party_warning" not in text and one.id_number not in text


def test_the_dashboard_figure_of_cadres_under_influence_links_to_a_list_of_the_same_cadres(
        tree, county_a_clerk, client_for) -> None:
    """影响期内干部 counts cadres under a 组织处理 or a 党纪政务处分; its link led to the
    handling records only, one kind of the two."""
    from cadres.figures import under_influence
    from cadres.supervision.models import HandlingType
    from orgwork.common import dates
    from tests.supervision.helpers import handle

    handled, disciplined = cadre_in(tree["county_a"], name="甲"), cadre_in(tree["county_a"], name="乙")
    handle(handled, HandlingType.ADMONISHMENT, dates.today() - datetime.timedelta(days=10))
    find(disciplined, dates.today() - datetime.timedelta(days=10))
    cadre_in(tree["county_a"], name="丙")  # under neither
    count, link = under_influence(county_a_clerk)
    assert count == 2 and link.endswith("/admin/cadres/cadre/?influence=running&status__exact=all")
    listed = client_for(county_a_clerk).get(link).content.decode()
    assert "甲" in listed and "乙" in listed and "丙" not in listed


def findings_workbook(user: Any, rows: list[list[str]], folder: Any) -> Any:
    """An xlsx workbook built with openpyxl, through the import engine, committed when no row has an error."""
    from cadres.supervision.resources import DisciplineFindingResource
    from orgwork.imports.engine import run_import
    from orgwork.imports.reader import open_sheet
    from tests.imports.sheets import xlsx

    path = xlsx(folder / "党纪政务处分.xlsx", [SHEET_HEAD, *rows], text_columns=[0, 3])
    return run_import(DisciplineFindingResource, user, open_sheet(str(path), path.name, DisciplineFindingResource),
                      commit=True)


@pytest.mark.parametrize("day", ["1899-12-31", ""])
def test_a_findings_sheet_with_a_refused_or_blank_decision_date_says_only_what_is_wrong_with_the_date(
        tree, county_a_clerk, tmp_path, day) -> None:
    cadre = cadre_in(tree["county_a"], name="甲")
    result = findings_workbook(county_a_clerk, [sheet_row(cadre, day=day)], tmp_path)
    assert not result.committed and not DisciplineFinding.objects.exists()
    assert [e.column for e in result.errors] == ["处分决定日期"], messages_of(result)
    assert "影响期截止日" not in messages_of(result)


def test_a_findings_sheet_with_a_good_date_still_records_its_period(tree, county_a_clerk, tmp_path) -> None:
    cadre = cadre_in(tree["county_a"], name="甲")
    result = findings_workbook(county_a_clerk, [sheet_row(cadre, day="2026.4.1")], tmp_path)
    assert result.committed, result.errors
    assert DisciplineFinding.objects.get().influence_ends_on == D(2027, 4, 1)
