"""Demo 整改清单: checklists from several sources with items in every state of 挂账销号.

The provincial report counts 1,731 problems found and 514 rectified (29.7 %). The demo
keeps that proportion: 1,731 items at the "province" scale, a thirtieth of it at
"small" (``Scale.rectification_items``). Every item goes through the services, acting as the demo accounts: the county
clerk works and requests closure, the level above signs off, the province looks back.
Some deadlines have passed (overdue items), some were extended (延期, with a reason),
some requests were sent back once, some struck-off items were reopened by a look-back.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from orgwork.accounts.models import User
from orgwork.audit.context import acting_as
from orgwork.common import dates
from orgwork.rectification import rules, services
from orgwork.rectification.models import Checklist, ChecklistSource, ItemState, RectificationItem
from orgwork.rectification.selectors import rectification_totals
from orgwork.units.models import Unit, UnitLevel

from . import DemoContext

FOUND, RECTIFIED = 1731, 514  # the provincial report's figures

PROBLEMS = {
    ChecklistSource.INSPECTION: [
        ("“三重一大”决策程序执行不到位，个别事项未经集体研究", "修订党委（党组）议事规则，建立会议纪要备案制度"),
        ("选人用人把关不严，干部档案“三龄二历一身份”审核不细", "开展干部人事档案专项审核，建立审核责任追究制度"),
        ("落实全面从严治党主体责任有差距，传导压力层层递减", "制定主体责任清单，开展履责情况专项检查"),
        ("基层党组织书记抓党建述职评议考核流于形式", "完善述职评议考核办法，考核结果与评先评优挂钩"),
        ("超职数配备干部问题未按期消化", "制定消化方案，逐人明确消化时限"),
    ],
    ChecklistSource.DEMOCRATIC_LIFE: [
        ("班子成员开展批评和自我批评辣味不足", "会前深入谈心谈话，会后逐条建立整改台账"),
        ("理论学习中心组学习不够系统深入", "制定年度学习计划，落实领学促学机制"),
        ("调查研究不够深入，解决群众急难愁盼问题办法不多", "班子成员每人确定一项调研课题并形成成果"),
    ],
    ChecklistSource.UNANNOUNCED_VISIT: [
        ("便民服务中心工作日窗口人员脱岗", "落实首问负责和AB岗制度，纳入年度考核"),
        ("村级活动场所“挂牌多、服务少”，阵地作用发挥不充分", "清理规范挂牌，制定场所使用管理办法"),
        ("党员教育管理台账与实际不符", "全面核对党员信息，规范台账管理"),
    ],
    ChecklistSource.WEAK_BRANCH: [
        ("村党组织软弱涣散，组织生活不经常不规范", "选派第一书记驻村指导，每月督导“三会一课”"),
        ("支部班子不团结，战斗力不强", "调整充实支部班子，开展集中轮训"),
    ],
    ChecklistSource.SPECIAL_CAMPAIGN: [
        ("干部因私出国（境）证照管理不规范", "集中保管证照，建立登记备案台账"),
        ("领导干部个人有关事项报告不如实", "开展随机抽查核实，依规处理漏报瞒报"),
        ("“一把手”违规插手干预重大事项记录制度执行不到位", "建立记录报告季度通报制度"),
    ],
    ChecklistSource.ANNUAL_ASSESSMENT: [
        ("年度考核结果运用不充分，激励约束作用不明显", "将考核结果与干部选拔任用、评先评优挂钩"),
        ("平时考核记实不及时", "建立平时考核季度记实制度"),
    ],
}
PERSONS = ["张明", "李华", "王强", "赵丽", "刘洋", "陈静", "杨帆", "黄磊", "周敏", "吴刚", "郑洁", "孙涛"]
LEADERS = ["王书记", "李部长", "张副书记", "刘常委", "马副市长"]


@dataclass(frozen=True)
class Plan:
    """One demo checklist: who issued it to whom, which units are responsible, who works and reviews."""

    source: str
    title: str
    number: str
    unit: str
    responsible: tuple[str, ...]  # unit codes; "*" appends the unit's counties
    share: float  # share of all demo items


PLANS = [
    Plan(ChecklistSource.INSPECTION, "省委第三巡视组反馈兰州市问题整改清单", "甘巡反〔{y}〕3号", "620100",
         ("620100", "620102", "620103", "*"), 0.40),
    Plan(ChecklistSource.DEMOCRATIC_LIFE, "城关区委常委班子专题民主生活会问题整改清单", "城民生〔{y}〕1号", "620102",
         ("620102",), 0.08),
    Plan(ChecklistSource.UNANNOUNCED_VISIT, "全省基层党建工作督查暗访发现问题清单", "甘组督〔{y}〕5号", "620000",
         ("620102", "620103", "*"), 0.22),
    Plan(ChecklistSource.WEAK_BRANCH, "七里河区软弱涣散村党组织整顿问题清单", "七组〔{y}〕12号", "620103",
         ("620103", "*"), 0.10),
    Plan(ChecklistSource.SPECIAL_CAMPAIGN, "兰州市干部监督专项整治问题清单", "兰组〔{y}〕21号", "620100",
         ("620100", "620102", "620103"), 0.12),
    Plan(ChecklistSource.ANNUAL_ASSESSMENT, "兰州市年度考核发现问题清单", "兰考〔{y}〕2号", "620100",
         ("620102", "620103", "*"), 0.08),
]

# Who works an item of a responsible unit, and who reviews it (never the same person).
WORKER_BY_UNIT = {"620102": "chengguan_cadre", "620103": "qilihe_cadre"}


def total_items(ctx: DemoContext) -> int:
    return ctx.settings.rectification_items


def responsible_units(plan: Plan, home: Unit) -> list[Unit]:
    units: list[Unit] = []
    for code in plan.responsible:
        if code == "*":
            # A few more counties of the checklist's jurisdiction, spread across it.
            counties = list(Unit.objects.filter(level=UnitLevel.COUNTY, path__startswith=home.path)
                            .exclude(code__in=plan.responsible).order_by("code"))
            step = max(1, len(counties) // 6)
            units += counties[::step][:6]
        else:
            unit = Unit.objects.filter(code=code).first()
            if unit is not None:
                units.append(unit)
    return units


def actors_for(unit: Unit, accounts: dict[str, User], paths: dict[str, str]) -> tuple[User, User, User]:
    """(worker, reviewer, look-back officer) for an item whose responsible unit is ``unit``."""
    for code, username in WORKER_BY_UNIT.items():
        if code in paths and unit.path.startswith(paths[code]):
            return accounts[username], accounts["lanzhou_cadre"], accounts["province_cadre"]
    if "620100" in paths and unit.path.startswith(paths["620100"]):
        return accounts["lanzhou_cadre"], accounts["province_cadre"], accounts["province_cadre"]
    return accounts["province_party"], accounts["province_cadre"], accounts["province_cadre"]


def states_for(total: int, rng: random.Random) -> list[str]:
    """Final states in the report's proportion: 514 of 1,731 struck off."""
    closed = round(total * RECTIFIED / FOUND)
    reopened = max(1, total * 3 // 100)
    requested = max(1, total * 10 // 100)
    in_progress = max(1, total * 33 // 100)
    on_books = max(0, total - closed - reopened - requested - in_progress)
    states = ([ItemState.CLOSED] * closed + [ItemState.REOPENED] * reopened + [ItemState.CLOSURE_REQUESTED] * requested
              + [ItemState.IN_PROGRESS] * in_progress + [ItemState.ON_BOOKS] * on_books)[:total]
    rng.shuffle(states)
    return states


def walk(item: RectificationItem, state: str, workers: tuple[User, User, User], rng: random.Random, n: int) -> None:
    """Bring a freshly opened item to ``state`` the way people would, through the services."""
    worker, reviewer, lookback = workers

    def as_(user: User) -> Any:
        return acting_as(user, source="command")

    if state == ItemState.ON_BOOKS:
        return
    with as_(worker):
        services.rectification_start(item=item, actor=worker)
    if n % 6 == 1 and item.deadline is not None:
        # Some items needed more time: 延期 with a reason (按期 is still counted by the original deadline).
        # A new deadline lies ahead of today; the list's issuing level approves a lower unit's 延期.
        approval = (f"{item.checklist.unit.name}委组织部同意延期（{dates.today().year}年第{n}号复函）"
                    if rules.issued_above(checklist=item.checklist, actor=worker) else "")
        with as_(worker):
            services.rectification_extend_deadline(
                item=item, actor=worker, new_deadline=max(item.deadline, dates.today()) + datetime.timedelta(days=60),
                reason="整改涉及制度修订，需提请党委（党组）会议审定", approval=approval)
    sent_back = state == ItemState.IN_PROGRESS and n % 4 == 0
    if state == ItemState.IN_PROGRESS and not sent_back:
        return
    with as_(worker):
        services.rectification_request_closure(item=item, actor=worker,
                                               account=f"已按要求{item.measure or '完成整改'}，相关材料已归档。")
    if sent_back:
        with as_(reviewer):
            services.rectification_send_back(item=item, actor=reviewer,
                                             reason=rng.choice(["佐证材料不完整，缺少会议记录", "整改措施未落实到位，请补充整改",
                                                                "整改报告未经党委（党组）审定"]))
        return
    if state == ItemState.CLOSURE_REQUESTED:
        return
    with as_(reviewer):
        services.rectification_approve_closure(item=item, actor=reviewer, note="经核实，整改到位，同意销号。")
    if state == ItemState.CLOSED:
        return
    with as_(lookback):
        services.rectification_reopen(item=item, actor=lookback, reason="回头看发现问题反弹，整改成效未巩固")


def build(ctx: DemoContext) -> None:
    rng = random.Random(ctx.seed + 5)
    today = timezone.localdate()
    year = today.year
    document_date = today - datetime.timedelta(days=240)
    usernames = ["province_cadre", "province_party", "lanzhou_cadre", "chengguan_cadre", "qilihe_cadre"]
    accounts = {u.username: u for u in User.objects.filter(username__in=usernames)}
    missing = set(usernames) - set(accounts)
    if missing:
        ctx.say(f"整改清单：缺少演示账号 {'、'.join(sorted(missing))}，已跳过。")
        return
    paths = dict(Unit.objects.filter(code__in=["620100", "620102", "620103"]).values_list("code", "path"))
    total = total_items(ctx)
    created = 0
    for plan in PLANS:
        unit = Unit.objects.filter(code=plan.unit).first()
        if unit is None:
            continue
        with acting_as(accounts["province_cadre"], source="command"):
            checklist, _ = Checklist.objects.get_or_create(
                unit=unit, document_number=plan.number.format(y=year),
                defaults={"source": plan.source, "title": plan.title, "document_date": document_date, "year": year},
            )
        if checklist.items.exists():
            continue  # built on an earlier run
        units = responsible_units(plan, unit)
        count = max(len(PROBLEMS[plan.source]), round(total * plan.share))
        problems = PROBLEMS[plan.source]
        for n, state in enumerate(states_for(count, rng)):
            responsible = units[n % len(units)]
            problem, measure = problems[n % len(problems)]
            workers = actors_for(responsible, accounts, paths)
            # Half the deadlines have passed: the open ones among them are overdue.
            if n % 2 == 0:
                deadline = today - datetime.timedelta(days=rng.randint(1, 150))
            else:
                deadline = today + datetime.timedelta(days=rng.randint(0, 180))
            with acting_as(workers[1], source="command"):
                item = services.rectification_open_item(
                    unit=unit, source=plan.source, checklist=checklist, actor=workers[1],
                    problem=f"{responsible.name}：{problem}（第{n // len(problems) + 1}批）",
                    measure=measure, deadline=deadline, responsible_unit=responsible,
                    responsible_person=rng.choice(PERSONS), lead_leader=rng.choice(LEADERS),
                )
            walk(item, state, workers, rng, n)
            created += 1
    totals = rectification_totals(RectificationItem.objects.all())
    ctx.say(f"整改清单：新增整改事项 {created} 项；合计发现问题 {totals['found']} 个，已整改 {totals['rectified']} 个，"
            f"按期整改 {totals['on_time']} 个，延期 {totals['extended']} 个，逾期未改 {totals['overdue']} 个。")
