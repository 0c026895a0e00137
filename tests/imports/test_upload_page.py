"""The upload page draws its file field with the skin's picker (选择要上传的文件), whose
file-name box the skin's script fills in: with the browser's own input it threw a
TypeError on choosing a file (QA #23). So does any hand-declared file field of an admin
form (the cadre's 照片)."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms
from django.urls import reverse

from orgwork.admin_widgets import skin_file_inputs

pytestmark = pytest.mark.django_db


def test_the_upload_page_shows_the_skins_chinese_file_picker(county_a_clerk: Any, client_for: Any) -> None:
    html = client_for(county_a_clerk).get(reverse("admin:imports_importjob_add")).content.decode()
    assert 'aria-label="选择要上传的文件"' in html and 'value="选择要上传的文件"' in html
    assert 'type="file" name="file"' in html


def test_a_hand_declared_file_field_of_an_admin_form_takes_the_skins_picker() -> None:
    from unfold.widgets import UnfoldAdminFileFieldWidget

    class PhotoForm(forms.Form):
        photo_upload = forms.FileField(label="照片", required=False)
        kept = forms.FileField(widget=forms.HiddenInput)

    skin_file_inputs(PhotoForm)
    assert type(PhotoForm.base_fields["photo_upload"].widget) is UnfoldAdminFileFieldWidget
    assert type(PhotoForm.base_fields["kept"].widget) is forms.HiddenInput
    assert "选择要上传的文件" in str(PhotoForm()["photo_upload"])
