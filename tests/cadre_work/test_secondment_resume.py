"""挂职与驻村 in the 任免审批表 简历: the exported ``.lrmx`` (service, admin button, command)
and the printed form carry a line per assignment among the typed lines, once; importing
the file back (service, admin page, command) does not write those lines into the stored
简历. And the cadre's page shows the assignment in post."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from defusedxml.ElementTree import fromstring
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from cadres import lrmx
from cadres.models import Cadre
from cadres.secondment.models import AssignmentStatus
from cadres.secondment.services import assignment_end
from orgwork.codes import lookup
from seeds.reference import load_reference
from tests.samples.cadres import cadre_in

from .secondment_helpers import SYSTEM, days_ago, second, station

pytestmark = pytest.mark.django_db
TYPED = "1997.07--2016.02  城关区财政局科员\n2016.02--  城关区发展和改革局副局长"


@pytest.fixture(autouse=True)
def reference(db: Any) -> Iterator[None]:
    lookup.cache_clear()
    load_reference()
    yield
    lookup.cache_clear()


@pytest.fixture
def seconded(tree) -> dict[str, Any]:
    """A cadre with a typed 简历, seconded to 七里河区 and then sent to a village, both in post."""
    cadre = cadre_in(tree["county_a"], name="孙立新", resume=TYPED)
    secondment = second(cadre, host=tree["county_b"], post="副区长", start=days_ago(900).replace(day=1),
                        end=days_ago(100))
    assignment_end(assignment=secondment, status=AssignmentStatus.COMPLETED, left_on=days_ago(100), actor=SYSTEM)
    village = station(cadre, township=tree["township_a"], village="红山村", start=days_ago(60))
    secondment.refresh_from_db()
    return {"cadre": cadre, "secondment": secondment, "village": village,
            "secondment_line": f"{secondment.starts_on:%Y.%m}--{secondment.left_on:%Y.%m}  挂任兰州市七里河区副区长",
            "village_line": f"{village.starts_on:%Y.%m}--  选派任兰州市城关区·城关镇红山村第一书记"}


def resume_in(content: bytes) -> str:
    return fromstring(content).findtext("JianLi")


def stored(cadre: Cadre) -> str:
    return Cadre.objects.get(pk=cadre.pk).resume


# ---------------------------------------------------------------- export

def test_the_exported_resume_carries_each_assignment_in_date_order_among_the_typed_lines(seconded) -> None:
    lines = resume_in(lrmx.export_person(seconded["cadre"])).split("\n")
    assert lines == [*TYPED.split("\n"), seconded["secondment_line"], seconded["village_line"]]


def test_an_assignment_line_already_typed_is_not_written_twice(seconded) -> None:
    cadre = seconded["cadre"]
    # Typed by hand in the other style, one space and an em dash, without the end month.
    cadre.resume = TYPED + f"\n{seconded['secondment'].starts_on:%Y.%m}— 挂任兰州市七里河区副区长"
    Cadre.objects.filter(pk=cadre.pk).update(resume=cadre.resume)
    text = resume_in(lrmx.export_person(cadre))
    assert text.count("挂任兰州市七里河区副区长") == 1 and seconded["village_line"] in text


def test_the_export_button_writes_the_assignment_lines(seconded, county_a_clerk, client_for) -> None:
    cadre = seconded["cadre"]
    content = client_for(county_a_clerk).get(reverse("admin:cadres_cadre_export_lrmx", args=[cadre.pk])).content
    assert seconded["village_line"] in resume_in(content) and seconded["secondment_line"] in resume_in(content)


def test_the_export_command_writes_the_assignment_lines(seconded, tmp_path: Path) -> None:
    path = tmp_path / "孙立新.lrmx"
    call_command("export_lrmx", seconded["cadre"].id_number, str(path), stdout=open("/dev/null", "w"))
    assert seconded["village_line"] in resume_in(path.read_bytes())


def test_the_printed_form_shows_the_assignment_lines_once(seconded, county_a_clerk, client_for) -> None:
    html = client_for(county_a_clerk).get(reverse("admin:cadres_cadre_print", args=[seconded["cadre"].pk])).content
    html = html.decode()
    assert html.count("挂任兰州市七里河区副区长") == 1 and html.count("红山村第一书记") == 1
    assert html.index("城关区发展和改革局副局长") < html.index("挂任兰州市七里河区副区长") < html.index("红山村第一书记")


# ---------------------------------------------------------------- import back

def test_a_round_trip_leaves_the_stored_resume_as_it_was(seconded, county_a_clerk) -> None:
    cadre = seconded["cadre"]
    outcome = lrmx.import_person(lrmx.parse(lrmx.export_person(cadre)), user=county_a_clerk, commit=True)
    assert "简历" not in outcome.changed
    assert stored(cadre) == TYPED


def test_a_file_exported_before_the_assignment_ended_leaves_the_stored_resume_too(seconded, county_a_clerk) -> None:
    cadre, village = seconded["cadre"], seconded["village"]
    content = lrmx.export_person(cadre)  # the village line without an end month
    assignment_end(assignment=village, status=AssignmentStatus.COMPLETED, left_on=days_ago(1), actor=SYSTEM)
    lrmx.import_person(lrmx.parse(content), user=county_a_clerk, commit=True)
    assert stored(cadre) == TYPED


def test_a_line_typed_into_the_file_is_kept_and_the_assignment_lines_are_not(seconded, county_a_clerk) -> None:
    cadre = seconded["cadre"]
    content = lrmx.export_person(cadre).decode().replace(
        "城关区发展和改革局副局长", "城关区发展和改革局副局长\n2018.09--2020.07  中央党校在职研究生学习")
    outcome = lrmx.import_person(lrmx.parse(content.encode()), user=county_a_clerk, commit=True)
    assert "简历" in outcome.changed
    assert stored(cadre) == TYPED + "\n2018.09--2020.07  中央党校在职研究生学习"


def test_a_line_typed_in_the_stored_resume_survives_the_round_trip(seconded, county_a_clerk) -> None:
    cadre = seconded["cadre"]
    typed = TYPED + f"\n{seconded['secondment_line']}"
    Cadre.objects.filter(pk=cadre.pk).update(resume=typed)
    cadre.refresh_from_db()
    lrmx.import_person(lrmx.parse(lrmx.export_person(cadre)), user=county_a_clerk, commit=True)
    assert stored(cadre) == typed


def test_the_import_page_does_not_store_the_assignment_lines(seconded, county_a_clerk, client_for) -> None:
    cadre = seconded["cadre"]
    content = lrmx.export_person(cadre).replace("城关区财政局科员".encode(), "城关区财政局办事员".encode())
    response = client_for(county_a_clerk).post(reverse("admin:cadres_cadre_import_lrmx"),
                                               {"file": SimpleUploadedFile("a.lrmx", content), "commit": "on"})
    assert response.status_code == 302
    assert stored(cadre) == TYPED.replace("城关区财政局科员", "城关区财政局办事员")


def test_the_import_command_does_not_store_the_assignment_lines(seconded, county_a_clerk, tmp_path: Path) -> None:
    path = tmp_path / "孙立新.lrmx"
    path.write_bytes(lrmx.export_person(seconded["cadre"]))
    call_command("import_lrmx", str(path), "--user", county_a_clerk.username, "--commit", stdout=open("/dev/null", "w"))
    assert stored(seconded["cadre"]) == TYPED


# ---------------------------------------------------------------- the cadre's page

def test_the_cadre_page_shows_the_assignment_in_post_and_the_one_ended(seconded, county_a_clerk, client_for) -> None:
    html = client_for(county_a_clerk).get(reverse("admin:cadres_cadre_change", args=[seconded["cadre"].pk]))
    html = html.content.decode()
    text = " ".join(re.sub(r"<[^>]+>", " ", html.split("挂职与驻村", 1)[1]).split())
    village, secondment = seconded["village"], seconded["secondment"]
    # 选派类型, 挂职单位/驻村, 派出单位, 开始, 期满, 在岗状态, 离岗日期 — newest first.
    assert (f"驻村第一书记 兰州市城关区·城关镇红山村 兰州市城关区 {village.starts_on:%Y-%m-%d} "
            f"{village.ends_on:%Y-%m-%d} 在岗 —") in text  # 离岗日期 empty: the site's 「—」
    assert (f"挂职 兰州市七里河区 兰州市城关区 {secondment.starts_on:%Y-%m-%d} {secondment.ends_on:%Y-%m-%d} 期满 "
            f"{secondment.left_on:%Y-%m-%d}") in text
    assert text.index("城关镇红山村") < text.index("七里河区")
