from __future__ import annotations

import json

import pytest
from django.core.management import call_command

from cadres.models import AssessmentGrade, Authority, Grade, Rank
from orgwork.codes import lookup
from orgwork.codes.models import CodeItem
from seeds.reference import DATA_DIR, load_reference


def test_seed_reference_is_idempotent(db) -> None:
    call_command("seed_reference", stdout=open("/dev/null", "w"))
    first = list(CodeItem.objects.order_by("code_set", "code").values_list("code_set", "code", "name", "aliases", "sort_order"))
    result = load_reference()
    assert (result.created, result.updated) == (0, 0)
    assert result.unchanged == len(first)
    assert list(CodeItem.objects.order_by("code_set", "code").values_list("code_set", "code", "name", "aliases", "sort_order")) == first


def test_a_changed_name_is_updated_in_place(db) -> None:
    item = CodeItem.objects.get(code_set="ethnicity", code="01")
    item.name = "汉"
    item.save()
    assert load_reference().updated == 1
    assert CodeItem.objects.get(pk=item.pk).name == "汉族"


def test_a_code_item_reads_in_the_audit_trail_as_a_clerk_names_it(db) -> None:
    from orgwork.audit.models import AuditLog

    for code_set, code in (("assessment_grade", "basically_competent"), ("ethnicity", "01")):
        item = CodeItem.objects.get(code_set=code_set, code=code)
        item.sort_order += 1
        item.save()
    named = list(AuditLog.objects.filter(content_type__model="codeitem").order_by("pk").values_list("object_repr", flat=True))
    # an internal key is not shown; a national standard's code is
    assert named[-2:] == ["基本称职", "01 汉族"]


def test_all_56_ethnic_groups_carry_their_gb_3304_codes(db) -> None:
    groups = dict(CodeItem.objects.filter(code_set="ethnicity", code__lt="57").values_list("code", "name"))
    assert len(groups) == 56
    assert (groups["01"], groups["03"], groups["26"], groups["56"]) == ("汉族", "回族", "东乡族", "基诺族")
    assert lookup.resolve("ethnicity", "汉") == "汉族"
    assert lookup.resolve("ethnicity", "维族") == "维吾尔族"


@pytest.mark.parametrize(("file", "choices"), [
    ("rank.json", Rank), ("grade.json", Grade), ("authority.json", Authority), ("assessment_grade.json", AssessmentGrade),
])
def test_code_set_files_mirror_the_choices_the_software_reasons_about(file: str, choices) -> None:  # type: ignore[no-untyped-def]
    data = json.loads((DATA_DIR / file).read_text(encoding="utf-8"))
    assert [(i["code"], i["name"]) for i in data["items"]] == list(choices.choices)
