"""An .lrmx exported with its ID number masked imports back for the clerk who exported it,
within seven days, onto the cadre it was exported from, by the sheets' rule
(``orgwork.imports.restore``): nobody is shown the number or asked for it. Another clerk's
file, an older one, or a masked number the file's mark does not name is refused in Chinese."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from defusedxml.ElementTree import fromstring
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from cadres import lrmx
from cadres.models import Cadre
from orgwork.audit.models import AuditAction, AuditLog
from orgwork.common import idnumber
from orgwork.imports import restore

pytestmark = pytest.mark.django_db

IMPORT = reverse("admin:cadres_cadre_import_lrmx")
EXPORT_SALT = "orgwork.imports.export"  # the sheets' mark: the .lrmx carries the same one
OTHER_USER = "这是其他用户导出的文件"
EXPIRED = "已超过还原期限"


def exported_lrmx(client: Any, cadre: Cadre) -> bytes:
    response = client.get(reverse("admin:cadres_cadre_export_lrmx", args=[cadre.pk]))
    assert response.status_code == 200
    return response.content


def uploaded(client: Any, content: bytes, *, commit: bool = True) -> Any:
    data = {"file": SimpleUploadedFile("任免审批表.lrmx", content)}
    return client.post(IMPORT, {**data, "commit": "on"} if commit else data)


def problems(response: Any) -> str:
    assert response.status_code == 200, "the file was written"
    return " ".join(response.context["problems"])


def sensitive_views() -> int:
    return AuditLog.objects.filter(action=AuditAction.VIEW_SENSITIVE).count()


def with_mark_signed_days_ago(content: bytes, days: int) -> bytes:
    """The file with its mark signed ``days`` ago (what the same file is after that long)."""

    class Earlier(signing.TimestampSigner):
        def timestamp(self) -> str:
            return signing.b62_encode(int(time.time()) - days * 86400)

    token = fromstring(content).find(lrmx.MARK_ELEMENT).text
    payload = signing.loads(token, salt=EXPORT_SALT)
    return content.replace(token.encode(), Earlier(salt=EXPORT_SALT).sign_object(payload, compress=True).encode())


@pytest.fixture
def cadre(make_cadre: Any) -> Cadre:
    return make_cadre(name="王建国", proposed_post="城关区副区长")


@pytest.fixture
def colleague(make_staff: Any, tree: dict[str, Any]) -> Any:
    """A second clerk of 城关区 with the same roles as county_a_clerk."""
    from orgwork.accounts import roles

    return make_staff("county_a_colleague", tree["county_a"], *roles.BUSINESS_ROLES)


def test_a_masked_lrmx_round_trip_updates_the_cadre_for_the_clerk_who_exported_it_without_showing_the_number(
        cadre: Cadre, county_a_clerk: Any, client_for: Any) -> None:
    client = client_for(county_a_clerk)
    content = exported_lrmx(client, cadre)
    assert cadre.id_number.encode() not in content and idnumber.mask(cadre.id_number).encode() in content
    edited = content.replace("城关区副区长".encode(), "城关区委常委".encode())
    seen_before = sensitive_views()

    checked = uploaded(client, edited, commit=False)  # 试导入 first: reports, writes nothing
    assert "试导入（未写入）：更新干部 王建国" in checked.content.decode()
    assert Cadre.objects.get(pk=cadre.pk).proposed_post == "城关区副区长"
    written = uploaded(client, edited)

    assert written.status_code == 302 and written["Location"] == reverse("admin:cadres_cadre_change", args=[cadre.pk])
    assert Cadre.objects.get(pk=cadre.pk).proposed_post == "城关区委常委"
    assert Cadre.objects.count() == 1  # that cadre updated, nobody new
    for page in (checked, client.get(written["Location"])):
        assert cadre.id_number not in page.content.decode()  # never shown
    assert sensitive_views() == seen_before  # nobody saw a number: no 查看敏感信息


def test_a_masked_lrmx_imported_back_unchanged_changes_nothing(cadre: Cadre, county_a_clerk: Any,
                                                               client_for: Any) -> None:
    client = client_for(county_a_clerk)
    version = cadre.version
    response = uploaded(client, exported_lrmx(client, cadre))
    assert response.status_code == 302
    assert Cadre.objects.get(pk=cadre.pk).version == version


def test_a_full_number_lrmx_round_trip_still_works(cadre: Cadre, county_a_clerk: Any, grant_unmask: Any,
                                                   client_for: Any) -> None:
    client = client_for(grant_unmask(county_a_clerk))
    content = exported_lrmx(client, cadre)
    assert cadre.id_number.encode() in content and lrmx.MARK_ELEMENT.encode() not in content  # nothing to put back
    response = uploaded(client, content.replace("城关区副区长".encode(), "城关区委常委".encode()))
    assert response.status_code == 302
    assert Cadre.objects.get(pk=cadre.pk).proposed_post == "城关区委常委"


def test_another_clerks_masked_lrmx_is_refused_and_nothing_is_written(cadre: Cadre, county_a_clerk: Any,
                                                                      colleague: Any, client_for: Any) -> None:
    content = exported_lrmx(client_for(county_a_clerk), cadre).replace("城关区副区长".encode(), "城关区委常委".encode())
    refused = problems(uploaded(client_for(colleague), content))
    assert OTHER_USER in refused and "请自行导出后填写上传" in refused
    assert Cadre.objects.get(pk=cadre.pk).proposed_post == "城关区副区长"


def test_an_expired_masked_lrmx_is_refused_and_nothing_is_written(cadre: Cadre, county_a_clerk: Any,
                                                                  client_for: Any) -> None:
    client = client_for(county_a_clerk)
    content = exported_lrmx(client, cadre).replace("城关区副区长".encode(), "城关区委常委".encode())
    in_time = uploaded(client, with_mark_signed_days_ago(content, 6), commit=False)
    assert in_time.context["problems"] == [] and in_time.context["outcome"].changed == ["拟任职务"]
    refused = problems(uploaded(client, with_mark_signed_days_ago(content, 8)))
    assert EXPIRED in refused and "请重新导出" in refused
    assert Cadre.objects.get(pk=cadre.pk).proposed_post == "城关区副区长"


def test_a_masked_number_the_file_was_not_exported_with_is_refused(cadre: Cadre, make_cadre: Any,
                                                                   county_a_clerk: Any, client_for: Any) -> None:
    other = make_cadre(name="李明")
    client = client_for(county_a_clerk)
    content = exported_lrmx(client, cadre)
    # Another cadre's masked number (exported by the same clerk) typed into this file: the mark names neither it
    # nor its cadre, and a number changed by hand names nobody.
    masked = idnumber.mask(cadre.id_number)
    for number in (idnumber.mask(other.id_number), masked[:-1] + ("8" if masked.endswith("9") else "9")):
        refused = problems(uploaded(client, content.replace(idnumber.mask(cadre.id_number).encode(), number.encode())))
        assert refused == lrmx.NOT_RESTORED
    assert Cadre.objects.get(pk=other.pk).name == "李明" and Cadre.objects.count() == 2


def test_a_masked_lrmx_without_its_mark_is_refused_as_a_masked_number(cadre: Cadre, county_a_clerk: Any,
                                                                      client_for: Any) -> None:
    client = client_for(county_a_clerk)
    content = exported_lrmx(client, cadre)
    token = fromstring(content).find(lrmx.MARK_ELEMENT).text
    for without in (content.replace(token.encode(), b""), content.replace(token[:20].encode(), token[:19].encode())):
        assert idnumber.MASKED_ON_SHEET in problems(uploaded(client, without))


def test_a_masked_lrmx_of_a_cadre_since_moved_out_of_the_county_is_refused(
        cadre: Cadre, county_a_clerk: Any, client_for: Any, tree: dict[str, Any]) -> None:
    client = client_for(county_a_clerk)
    content = exported_lrmx(client, cadre)
    Cadre.objects.filter(pk=cadre.pk).update(unit=tree["county_b"])
    assert problems(uploaded(client, content)) == lrmx.NOT_RESTORED


def test_the_import_command_puts_the_number_back_for_the_clerk_who_exported_the_file_only(
        cadre: Cadre, county_a_clerk: Any, colleague: Any, client_for: Any, tmp_path: Path) -> None:
    path = tmp_path / "王建国.lrmx"
    path.write_bytes(exported_lrmx(client_for(county_a_clerk), cadre).replace("城关区副区长".encode(),
                                                                              "城关区委常委".encode()))
    with pytest.raises(CommandError, match=OTHER_USER):
        call_command("import_lrmx", str(path), "--user", colleague.username, "--commit")
    call_command("import_lrmx", str(path), "--user", county_a_clerk.username, "--commit")
    assert Cadre.objects.get(pk=cadre.pk).proposed_post == "城关区委常委"


def test_a_sheets_export_mark_does_not_count_in_an_lrmx_file(cadre: Cadre, county_a_clerk: Any,
                                                             client_for: Any) -> None:
    content = exported_lrmx(client_for(county_a_clerk), cadre)
    token = fromstring(content).find(lrmx.MARK_ELEMENT).text
    payload = signing.loads(token, salt=EXPORT_SALT)
    sheet_mark = signing.dumps({**payload, "r": "cadres"}, salt=EXPORT_SALT, compress=True)
    with pytest.raises(lrmx.LrmxError) as refused:
        lrmx.import_person(lrmx.parse(content.replace(token.encode(), sheet_mark.encode())), user=county_a_clerk)
    assert "导入类型不符" in " ".join(refused.value.messages)
    assert restore.exported_values(token, resource=lrmx.MARK_RESOURCE, user=county_a_clerk)[0]
