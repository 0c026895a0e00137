"""Spreadsheet resources (导入模板): 党组织, 书记, 三会一课记录, 换届选举.

Each cell is checked by its widget with a Chinese message; lookups are scoped to the
importing user. A resource only parses cells: each row is handed to the domain rule the
form uses as well (``prepare_instance``), and what follows a written sheet to the
domain's bulk service (``after_import_commit``).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from import_export import fields
from import_export.widgets import Widget

from orgwork.common import numbers
from orgwork.imports.resources import ScopedModelResource
from orgwork.imports.widgets import ChoiceWidget, DateWidget, ScopedForeignKeyWidget, UnitWidget, is_blank, number_for

from .models import (
    TERM_YEARS_MESSAGE,
    Domain,
    Education,
    Meeting,
    MeetingKind,
    OrgKind,
    PartyOrganisation,
    Secretary,
    TermElection,
    earliest_meetings,
)
from orgwork.audit.context import current_actor

from .members.selectors import RollHistory, roster_totals_by_path
from .services import (
    Committees,
    SheetElections,
    SheetTree,
    meeting_prepare,
    party_org_prepare,
    party_orgs_sync_descendants,
    term_election_check,
)


# 组织代码 as the system writes them (the examples of the templates' 填写说明): a 党委 is
# PC and its unit's code, its 党支部 PB, the unit's code and a number.
EXAMPLE_UNIT = "620102001"
EXAMPLE_COMMITTEE = f"PC{EXAMPLE_UNIT}"
EXAMPLE_BRANCH = f"PB{EXAMPLE_UNIT}-001"


class CountWidget(Widget):
    """A whole number of people (≥ 0) for ``field`` (应到人数), read by the one number
    reader of the sheets (:func:`number_for`): ``12.0`` from Excel is 12, while text,
    scientific notation (``1e1``) and ``Infinity`` are no number. Each refusal names the
    column, as typed."""

    def __init__(self, field: models.Field[Any, Any], required: bool = True) -> None:
        super().__init__(coerce_to_string=False)
        self.field, self.label, self.required = field, str(field.verbose_name), required

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> int | None:
        if is_blank(value):
            if self.required:
                raise ValidationError(f"{self.label}不能为空。")
            return None
        try:
            return number_for(self.field, value)
        except ValidationError as error:
            codes = {e.code for e in error.error_list}
            if "min_value" in codes and (floor := numbers.floor_message(self.field)) is not None:
                raise ValidationError(floor) from None  # the field's own words, as on the form
            if codes & {"not_whole", "min_value"}:
                raise ValidationError(f"{self.label}「{numbers.shown(value)}」应为不小于0的整数。") from None
            if "not_a_number" in codes:
                raise ValidationError(f"{self.label}{error.messages[0]}") from None
            raise ValidationError(f"{self.label}「{numbers.shown(value)}」：{'；'.join(error.messages)}") from None

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> Any:
        return "" if value is None else value


class TermYearsWidget(CountWidget):
    """任期年限: blank is the kind's (the model fills it in), and a number outside 3–5 is
    refused in the form's words."""

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> int | None:
        if is_blank(value):
            return None
        try:
            return number_for(self.field, value)
        except ValidationError as error:
            if TERM_YEARS_MESSAGE in error.messages:
                raise ValidationError(TERM_YEARS_MESSAGE) from None
        return super().clean(value, row, **kwargs)  # its own words for text, fractions and the like


class AreaWidget(Widget):
    """面积（㎡）: the number as the form takes it (no more decimals or digits than the
    field keeps, never rounded, not negative); a unit suffix (平方米, ㎡) is tolerated."""

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Decimal | None:
        if is_blank(value):
            return None
        text = str(value).strip().replace("平方米", "").replace("㎡", "").replace("m2", "").strip()
        return number_for(PartyOrganisation._meta.get_field("venue_area"), text)  # runs 不小于 0

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> Any:
        return "" if value is None else str(value)


class YesNoWidget(Widget):
    """是/否 (also 1/0, √/×, 专职/兼职); blank is 否."""

    YES = {"是", "1", "√", "Y", "y", "yes", "true", "True", "专职"}
    NO = {"否", "0", "×", "N", "n", "no", "false", "False", "兼职"}

    def __init__(self, label: str) -> None:
        super().__init__(coerce_to_string=True)
        self.label = label

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> bool:
        if is_blank(value):
            return False
        text = str(value).strip()
        if text.endswith(".0"):
            text = text[:-2]
        if text in self.YES:
            return True
        if text in self.NO:
            return False
        raise ValidationError(f"{self.label}「{value}」应填“是”或“否”。")

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return "是" if value else "否"


def org_widget() -> ScopedForeignKeyWidget:
    widget = ScopedForeignKeyWidget(PartyOrganisation, field="code", any_case=True)
    widget.not_found_message = "党组织代码「{value}」不存在或不在您的管辖范围内。"
    return widget


class PartyOrganisationResource(ScopedModelResource):
    slug = "party_orgs"
    verbose_name = "党组织"

    code = fields.Field(attribute="code", column_name="组织代码")
    name = fields.Field(attribute="name", column_name="组织名称")
    kind = fields.Field(attribute="kind", column_name="组织类别", widget=ChoiceWidget(OrgKind.choices, {"支部": "党支部", "总支": "党总支"}))
    parent = fields.Field(attribute="parent", column_name="上级党组织代码", widget=org_widget())
    unit = fields.Field(attribute="unit", column_name="所在单位代码", widget=UnitWidget())
    domain = fields.Field(attribute="domain", column_name="领域", widget=ChoiceWidget(Domain.choices, {"村": "农村", "机关事业单位": "机关", "国企": "国有企业", "学校": "中小学"}))
    venue_area = fields.Field(attribute="venue_area", column_name="活动场所面积（㎡）", widget=AreaWidget())
    # Optional: blank is not recorded (an organisation entered when the system went live),
    # and keeps a date on record (services.party_org_prepare).
    founded_on = fields.Field(attribute="founded_on", column_name="成立日期", widget=DateWidget(need_day=True))
    # Counted from the roster when the sheet is exported; an uploaded sheet's figure is not read.
    roster_count = fields.Field(column_name="在册党员人数", readonly=True)
    _roster_totals: dict[str, int] | None = None  # by path, for the whole export (dehydrate_roster_count)
    _sheet_tree: SheetTree | None = None  # the parents the sheet's rows give (prepare_instance)

    header_aliases = {"党组织代码": "组织代码", "党组织名称": "组织名称", "类别": "组织类别", "上级组织代码": "上级党组织代码",
                      "单位代码": "所在单位代码", "所在单位": "所在单位代码", "活动场所面积": "活动场所面积（㎡）",
                      "成立时间": "成立日期"}

    class Meta:
        model = PartyOrganisation
        fields = ("code", "name", "kind", "parent", "unit", "domain", "venue_area", "founded_on", "roster_count")
        import_id_fields = ("code",)
        import_id_any_case = True  # pb620102-001 finds PB620102-001 (a UniqueConstraint on the upper case)
        skip_unchanged = True
        clean_model_instances = True

    example_row = {"组织代码": EXAMPLE_BRANCH, "组织名称": "城关镇东岗村党支部", "组织类别": "党支部",
                   "上级党组织代码": EXAMPLE_COMMITTEE, "所在单位代码": EXAMPLE_UNIT, "领域": "农村",
                   "活动场所面积（㎡）": 150, "成立日期": "2026-03-01"}
    column_notes = {"成立日期": "不晚于今天，也不晚于该党组织已登记的三会一课；三会一课从成立日期起统计。本系统启用前已有的"
                              "党组织填写实际成立日期，不详的留空；留空不会清除已登记的成立日期。"}

    def prepare_chunk(self, originals: list[PartyOrganisation]) -> None:
        """The earliest 三会一课 of the chunk's stored organisations, in one query: a sheet
        that fills in 成立日期 for a whole province asks one per chunk, not one per row
        (``PartyOrganisation.founding_after_meetings_error``)."""
        earliest = earliest_meetings([original.pk for original in originals])
        for original in originals:
            original._earliest_meeting = earliest.get(original.pk)

    def prepare_instance(self, instance: PartyOrganisation, original: Any) -> None:
        """The bulk engine's hook before ``clean()``: the row's rules and its path, against
        the tree as the sheet's rows so far leave it (one ``SheetTree`` per run: the engine
        makes a resource for each run)."""
        if self._sheet_tree is None:
            self._sheet_tree = SheetTree()
        party_org_prepare(organisation=instance, original=original, sheet=self._sheet_tree, row=self.row_number)

    def dehydrate_roster_count(self, organisation: PartyOrganisation) -> int:
        """在册党员 from the roster, a 党委 counting every branch below it: counted for the
        whole export at its first row."""
        if self._roster_totals is None:
            self._roster_totals = roster_totals_by_path(self.user)
        return self._roster_totals.get(organisation.path, 0)

    def after_import_commit(self, organisations: Any) -> None:
        """The engine wrote the rows in bulk: moved organisations take their descendants'
        paths and their meetings' unit along, as ``party_org_save`` does for one."""
        party_orgs_sync_descendants(organisations=organisations, actor=current_actor().user or self.user)


class SecretaryResource(ScopedModelResource):
    slug = "secretaries"
    verbose_name = "党组织书记"

    organisation = fields.Field(attribute="organisation", column_name="组织代码", widget=org_widget())
    name = fields.Field(attribute="name", column_name="书记姓名")
    is_full_time = fields.Field(attribute="is_full_time", column_name="是否专职", widget=YesNoWidget("是否专职"))
    is_double_leader = fields.Field(attribute="is_double_leader", column_name="是否双带头人", widget=YesNoWidget("是否双带头人"))
    birth_month = fields.Field(attribute="birth_month", column_name="出生年月", widget=DateWidget(month_only=True))
    education = fields.Field(attribute="education", column_name="学历", widget=ChoiceWidget(
        Education.choices, {"本科": "大学本科", "大学": "大学本科", "硕士": "研究生", "博士": "研究生", "高中": "高中（中专）",
                            "中专": "高中（中专）", "初中": "初中及以下", "小学": "初中及以下"}))

    header_aliases = {"党组织代码": "组织代码", "姓名": "书记姓名", "专职": "是否专职", "双带头人": "是否双带头人", "文化程度": "学历"}

    class Meta:
        model = Secretary
        fields = ("organisation", "name", "is_full_time", "is_double_leader", "birth_month", "education")
        import_id_fields = ("organisation",)
        skip_unchanged = True
        clean_model_instances = True

    example_row = {"组织代码": EXAMPLE_BRANCH, "书记姓名": "张建华", "是否专职": "否", "是否双带头人": "是",
                   "出生年月": "1975.10", "学历": "大学本科"}


class MeetingResource(ScopedModelResource):
    """三会一课记录. Rows older than the back-entry window need the supervisor permission
    and a 补录原因 cell; the reason goes into the audit log."""

    slug = "meetings"
    verbose_name = "三会一课记录"

    organisation = fields.Field(attribute="organisation", column_name="组织代码", widget=org_widget())
    kind = fields.Field(attribute="kind", column_name="会议类型", widget=ChoiceWidget(
        MeetingKind.choices, {"支部委员会": "支委会", "支部党员大会": "党员大会", "党员大会会议": "党员大会", "主题党日活动": "主题党日"}))
    held_on = fields.Field(attribute="held_on", column_name="召开日期", widget=DateWidget(need_day=True))
    topic = fields.Field(attribute="topic", column_name="主题")
    expected = fields.Field(attribute="expected", column_name="应到人数", widget=CountWidget(Meeting._meta.get_field("expected")))
    present = fields.Field(attribute="present", column_name="实到人数", widget=CountWidget(Meeting._meta.get_field("present")))
    backentry_reason = fields.Field(attribute="backentry_reason", column_name="补录原因")
    _founding_read: set[int] | None = None  # organisations whose 成立日期 this run has read under its lock
    _rolls_read: dict[int, RollHistory] | None = None  # the branches' rolls this run has read (应到人数)
    _committees_read: Committees | None = None  # the branches' elections this run has read (支委会应到人数)

    header_aliases = {"党组织代码": "组织代码", "类型": "会议类型", "日期": "召开日期", "会议主题": "主题", "内容": "主题",
                      "应到": "应到人数", "实到": "实到人数", "超期补录原因": "补录原因", "原因": "补录原因"}

    class Meta:
        model = Meeting
        fields = ("organisation", "kind", "held_on", "topic", "expected", "present", "backentry_reason")
        import_id_fields = ("organisation", "kind", "held_on", "topic")
        skip_unchanged = True
        clean_model_instances = True

    example_row = {"组织代码": EXAMPLE_BRANCH, "会议类型": "支委会", "召开日期": "2026-03-12", "主题": "研究发展党员工作",
                   "应到人数": 7, "实到人数": 7, "补录原因": "原纸质台账补录"}
    column_notes = {"应到人数": "至少为1，不多于召开时党支部可能在册的党员人数（按党员名册）；支委会的不多于召开时在任的"
                               "支部委员会委员人数（按换届选举）；实到人数不能多于应到人数。",
                    "补录原因": "召开日期超出补录期限的填写（只有具备补录权限的人员可以补录），其余留空。"}

    def prepare_instance(self, instance: Meeting, original: Any) -> None:
        """The bulk engine's hook before ``clean()``: the row goes to the same rule as the
        form (derived copies, back-entry window with the row's own 补录原因, 应到人数 within
        the branch's roll, a 支委会's within the committee in office). Each organisation's
        成立日期 is read under its lock, and each branch's roll and elections, once a run
        (the engine makes a resource for each run, and a run is one transaction)."""
        if not instance.organisation_id or not instance.held_on:
            return
        if self._founding_read is None:
            self._founding_read, self._rolls_read, self._committees_read = set(), {}, {}
        meeting_prepare(meeting=instance, actor=self.user, original=original, founding_read=self._founding_read,
                        rolls_read=self._rolls_read, committees=self._committees_read)


class TermElectionResource(ScopedModelResource):
    """换届选举情况登记, one row an election, found by 组织代码 and 选举日期. 延期换届 is
    granted on the record's page (批准延期), not by the sheet: its columns are exported
    for reading only. Each row goes to the rules the form applies
    (:func:`branches.services.term_election_check`), against the organisation's elections
    as the sheet's earlier rows leave them."""

    slug = "term_elections"
    verbose_name = "换届选举"

    organisation = fields.Field(attribute="organisation", column_name="组织代码", widget=org_widget())
    organisation_name = fields.Field(attribute="organisation__name", column_name="组织名称", readonly=True)
    elected_on = fields.Field(attribute="elected_on", column_name="选举日期", widget=DateWidget(need_day=True))
    term_years = fields.Field(attribute="term_years", column_name="任期年限",
                              widget=TermYearsWidget(TermElection._meta.get_field("term_years"), required=False))
    term_ends_on = fields.Field(attribute="term_ends_on", column_name="届满日期", readonly=True,
                                widget=DateWidget(need_day=True))
    secretary_name = fields.Field(attribute="secretary_name", column_name="书记姓名")
    committee_size = fields.Field(attribute="committee_size", column_name="委员人数",
                                  widget=CountWidget(TermElection._meta.get_field("committee_size")))
    approval_number = fields.Field(attribute="approval_number", column_name="上级批复文号")
    approved_on = fields.Field(attribute="approved_on", column_name="批复日期", widget=DateWidget(need_day=True))
    early = fields.Field(attribute="early", column_name="是否提前换届", widget=YesNoWidget("是否提前换届"))
    early_approval_number = fields.Field(attribute="early_approval_number", column_name="提前换届批准文号")
    early_reason = fields.Field(attribute="early_reason", column_name="提前换届原因")
    extended_until = fields.Field(attribute="extended_until", column_name="延期至", readonly=True,
                                  widget=DateWidget(need_day=True))
    note = fields.Field(attribute="note", column_name="备注")
    _sheet_elections: SheetElections | None = None  # the elections the sheet's rows record (prepare_instance)

    header_aliases = {"党组织代码": "组织代码", "换届日期": "选举日期", "选举时间": "选举日期", "任期": "任期年限",
                      "书记": "书记姓名", "委员数": "委员人数", "批复文号": "上级批复文号", "提前换届": "是否提前换届"}

    class Meta:
        model = TermElection
        fields = ("organisation", "organisation_name", "elected_on", "term_years", "term_ends_on", "secretary_name",
                  "committee_size", "approval_number", "approved_on", "early", "early_approval_number",
                  "early_reason", "extended_until", "note")
        import_id_fields = ("organisation", "elected_on")
        skip_unchanged = True
        clean_model_instances = True

    derived_from = {"term_ends_on": ("elected_on", "term_years")}
    example_row = {"组织代码": EXAMPLE_BRANCH, "选举日期": "2024-03-15", "任期年限": 3, "书记姓名": "张建华",
                   "委员人数": 5, "上级批复文号": "城关组字〔2024〕12号", "批复日期": "2024-03-28", "是否提前换届": "是",
                   "提前换届批准文号": "城关组字〔2024〕5号", "提前换届原因": "原支部书记调任，班子需调整",
                   "备注": "书记由党员大会直接选举产生"}
    column_notes = {
        "任期年限": "3至5年；留空按组织类别：党委5年，党总支、党支部3年。",
        "批复日期": "与上级批复文号同时填写，不早于选举日期；尚未批复的两项都留空。",
        "是否提前换届": "在上届届满之前选举的填“是”，并填写提前换届批准文号和原因。",
        "选举日期": "不晚于今天，晚于该党组织已登记的上一次换届选举。",
    }

    def prepare_instance(self, instance: TermElection, original: Any) -> None:
        """The bulk engine's hook before ``clean()``: the row goes to the rules the form
        applies, against the organisation's elections and the sheet's earlier rows."""
        if not instance.organisation_id or not instance.elected_on:
            return
        if self._sheet_elections is None:
            self._sheet_elections = SheetElections()
        term_election_check(election=instance, original=original, sheet=self._sheet_elections)
        self._sheet_elections.add(instance)
