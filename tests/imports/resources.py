"""A small cadre sheet resource for the engine tests (the full one lives in cadres/)."""

from __future__ import annotations

from import_export import fields

from cadres.models import Cadre, Gender
from orgwork.imports.resources import ScopedModelResource
from orgwork.imports.widgets import ChoiceWidget, DateWidget, IDNumberWidget, UnitWidget


class CadreSheet(ScopedModelResource):
    slug = "test_cadres"
    verbose_name = "测试干部表"

    name = fields.Field(attribute="name", column_name="姓名")
    gender = fields.Field(attribute="gender", column_name="性别", widget=ChoiceWidget(Gender.choices))
    birth_month = fields.Field(attribute="birth_month", column_name="出生年月", widget=DateWidget(month_only=True))
    id_number = fields.Field(attribute="id_number", column_name="身份证号", widget=IDNumberWidget())
    party_joined_on = fields.Field(attribute="party_joined_on", column_name="入党时间", widget=DateWidget(month_only=True))
    unit = fields.Field(attribute="unit", column_name="单位", widget=UnitWidget())
    current_post = fields.Field(attribute="current_post", column_name="现任职务")

    example_row = {"姓名": "张三", "性别": "男", "出生年月": "1975.06", "身份证号": "620102197506010011",
                   "入党时间": "2000.07", "单位": "620102", "现任职务": "科员"}
    masked_fields = ("id_number",)
    header_aliases = {"公民身份号码": "身份证号", "工作单位": "单位"}

    class Meta:
        model = Cadre
        fields = ("name", "gender", "birth_month", "id_number", "party_joined_on", "unit", "current_post")
        import_id_fields = ("id_number",)
        identity_check = ("name",)
