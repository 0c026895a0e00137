"""bench_branches: a province's worth of 党支部 and 三会一课 records, then the rate and
missing-meeting queries timed on it.

    python manage.py bench_branches [--branches 80000] [--months 12]

The data goes under its own unit tree (基准测试省, code ``BENCH``) so it never mixes
with real or demo records, and is reused when present: units and organisations are
created only when missing, meetings only for branch-months that have none. Rows are
written set-wise on the server (COPY for organisations, INSERT … SELECT for meetings);
one audit row records each load. The last line of output is::

    rates_ms=<ms> missing_ms=<ms> branches=<n> meetings=<n>

(the slowest of the month, quarter and year runs, each timed warm).
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from orgwork.benchmarking import require_migrated
from orgwork.audit.context import acting_as
from orgwork.audit.models import AuditAction
from orgwork.audit.recorder import record
from orgwork.units.models import Unit, UnitLevel, UnitType
from orgwork.common.contract import SystemActor
from orgwork.units.services import unit_save

from branches.cadence import Period
from branches.models import Domain, Meeting, MeetingKind, OrgKind, PartyOrganisation
from branches.selectors import branches_missing_meetings, meeting_rates

ROOT_CODE = "BENCH"
CITIES = 14
COUNTIES_PER_CITY = 6
TOWNSHIPS_PER_COUNTY = 10
BRANCH_DOMAINS = [Domain.RURAL, Domain.RURAL, Domain.RURAL, Domain.COMMUNITY, Domain.ORGAN, Domain.SCHOOL,
                  Domain.STATE_ENTERPRISE, Domain.PRIVATE_ENTERPRISE, Domain.HOSPITAL, Domain.SOCIAL_ORGANISATION]
# (kind, sequence, which branches): the meetings a branch holds in a month. Quarterly kinds
# fall in one month of the quarter; some branches hold extra group meetings and theme days.
MEETING_PATTERN = [
    (MeetingKind.COMMITTEE_MEETING, 0, "TRUE"),
    (MeetingKind.COMMITTEE_MEETING, 1, "o.id %% 4 = 0"),
    (MeetingKind.GROUP_MEETING, 0, "TRUE"),
    (MeetingKind.GROUP_MEETING, 1, "o.id %% 2 = 0"),
    (MeetingKind.GROUP_MEETING, 2, "o.id %% 5 = 0"),
    (MeetingKind.GROUP_MEETING, 3, "o.id %% 6 = 1"),
    (MeetingKind.COMMITTEE_MEETING, 2, "o.id %% 7 = 0"),
    (MeetingKind.THEME_DAY, 0, "TRUE"),
    (MeetingKind.THEME_DAY, 1, "o.id %% 3 = 0"),
    (MeetingKind.MEMBERS_MEETING, 0, "({month} - 1) %% 3 = o.id %% 3"),
    (MeetingKind.PARTY_LECTURE, 0, "({month} - 1) %% 3 = (o.id + 1) %% 3"),
]
MISS_PER_THOUSAND = 12  # about 1% of due meetings are not held, so the missing list is not empty
TOPICS = ["学习贯彻全会精神", "研究发展党员工作", "民主评议党员", "讲授专题党课", "开展志愿服务", "学习党章党规"]


class Command(BaseCommand):
    help = "生成（或复用）全省规模的党支部和三会一课数据，并测量开展率和缺会名单的查询耗时。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--branches", type=int, default=80000, help="党支部数量（默认 80000）")
        parser.add_argument("--months", type=int, default=12, help="生成几个月的三会一课记录（1–12，默认 12）")
        parser.add_argument("--year", type=int, default=None, help="数据所在年度（默认上一年）")

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("bench_branches 需要 PostgreSQL（DATABASE_URL=postgres://…）。")
        require_migrated()
        branches, months = options["branches"], options["months"]
        if branches < 1 or not 1 <= months <= 12:
            raise CommandError("--branches 至少为 1，--months 应在 1 到 12 之间。")
        year = options["year"] or timezone.localdate().year - 1
        actor = SystemActor("bench_branches")
        with acting_as(actor, source="command"):
            started = time.perf_counter()
            root = self.ensure_units()
            created_orgs = self.ensure_organisations(root, branches)
            created_meetings = sum(self.ensure_meetings(root, year, month) for month in range(1, months + 1))
            if created_orgs or created_meetings:
                with connection.cursor() as cursor:
                    cursor.execute("VACUUM ANALYZE branches_meeting")
                    cursor.execute("VACUUM ANALYZE branches_meetingyear")
                    cursor.execute("ANALYZE branches_partyorganisation")
                    cursor.execute("ANALYZE units_unit")
                record(root, action=AuditAction.IMPORT, actor=actor,
                       message=f"基准测试数据：新增党组织 {created_orgs} 个、三会一课记录 {created_meetings} 条")
            self.stdout.write(f"数据准备 {time.perf_counter() - started:.1f} 秒（新增党组织 {created_orgs}，新增会议 {created_meetings}）")
            self.time_queries(root, year)

    # -- data --------------------------------------------------------------------------------

    def ensure_units(self) -> Unit:
        existing = {u.code: u for u in Unit.objects.filter(path__startswith=f"{ROOT_CODE}/")}

        def ensure(code: str, name: str, parent: Unit | None, level: str, unit_type: str) -> Unit:
            unit = existing.get(code)
            if unit is None:
                unit = unit_save(unit=Unit(code=code, name=name, parent=parent, level=level, unit_type=unit_type), actor=SystemActor("bench"))
                existing[code] = unit
            return unit

        with transaction.atomic():
            root = ensure(ROOT_CODE, "基准测试省", None, UnitLevel.PROVINCE, UnitType.PARTY_COMMITTEE)
            for c in range(1, CITIES + 1):
                city = ensure(f"{ROOT_CODE}{c:02d}", f"测试市{c:02d}", root, UnitLevel.CITY, UnitType.PARTY_COMMITTEE)
                for k in range(1, COUNTIES_PER_CITY + 1):
                    county = ensure(f"{city.code}{k:02d}", f"测试县{c:02d}{k:02d}", city, UnitLevel.COUNTY, UnitType.PARTY_COMMITTEE)
                    for t in range(1, TOWNSHIPS_PER_COUNTY + 1):
                        ensure(f"{county.code}{t:03d}", f"测试乡镇{c:02d}{k:02d}{t:02d}", county, UnitLevel.TOWNSHIP, UnitType.TOWNSHIP)
        return root

    def ensure_organisations(self, root: Unit, branches: int) -> int:
        townships = list(Unit.objects.filter(path__startswith=root.path, level=UnitLevel.TOWNSHIP).order_by("path"))
        have = set(PartyOrganisation.objects.filter(unit__path__startswith=root.path).values_list("code", flat=True))
        rows: list[tuple[Any, ...]] = []
        committees: dict[int, str] = {}
        for township in townships:
            code = f"BC{township.code[len(ROOT_CODE):]}"
            committees[township.pk] = code
            if code not in have:
                rows.append((1, code, f"{township.name}党委", OrgKind.COMMITTEE, None, township.pk, Domain.RURAL, None, f"{code}/"))
        created = self.copy_organisations(rows)
        parent_ids = dict(PartyOrganisation.objects.filter(code__in=committees.values()).values_list("code", "id"))
        rows = []
        for n in range(1, branches + 1):
            code = f"BB{n:06d}"
            if code in have:
                continue
            township = townships[n % len(townships)]
            parent_code = committees[township.pk]
            domain = BRANCH_DOMAINS[n % len(BRANCH_DOMAINS)]
            venue = None if domain not in (Domain.RURAL, Domain.COMMUNITY) else 80 + (n * 37) % 200
            rows.append((1, code, f"{township.name}第{n}党支部", OrgKind.BRANCH, parent_ids[parent_code], township.pk,
                         domain, venue, f"{parent_code}/{code}/"))
        return created + self.copy_organisations(rows)

    def copy_organisations(self, rows: list[tuple[Any, ...]]) -> int:
        if not rows:
            return 0
        columns = "version, code, name, kind, parent_id, unit_id, domain, venue_area, path"
        with transaction.atomic(), connection.cursor() as cursor:
            with cursor.copy(f"COPY branches_partyorganisation ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        return len(rows)

    def ensure_meetings(self, root: Unit, year: int, month: int) -> int:
        month_no = year * 12 + month - 1
        pattern = ", ".join(f"({int(kind)}, {seq})" for kind, seq, _ in MEETING_PATTERN)
        # One INSERT … SELECT per month: the server generates the rows, nothing crosses the wire.
        cases = " OR ".join(
            f"(k.kind = {int(kind)} AND k.seq = {seq} AND {condition.format(month=month)})"
            for kind, seq, condition in MEETING_PATTERN
        )
        topics = "ARRAY[" + ", ".join(f"'{t}'" for t in TOPICS) + "]"
        sql = f"""
INSERT INTO branches_meeting (organisation_id, unit_id, kind, held_on, month_no, topic, expected, present)
SELECT o.id, o.unit_id, k.kind,
       make_date(%s, %s, (1 + ((o.id * 7 + k.kind * 5 + k.seq * 11) %% 28))::int),
       %s,
       ({topics})[1 + ((o.id + k.kind + %s) %% {len(TOPICS)})],
       10 + o.id %% 60,
       10 + o.id %% 60 - ((o.id + k.kind) %% 3)
FROM branches_partyorganisation o
CROSS JOIN (VALUES {pattern}) AS k(kind, seq)
WHERE o.kind = %s AND o.path LIKE 'BC%%'
  AND ({cases})
  AND ((o.id * 2654435761 + k.kind * 97 + k.seq * 31 + %s * 13) %% 1000) >= %s
  AND NOT EXISTS (SELECT 1 FROM branches_meetingyear y WHERE y.organisation_id = o.id AND y.year = %s
                  AND (y.mask >> ((%s - 1) * 5)) & 31 <> 0)
"""
        params = [year, month, month_no, month, OrgKind.BRANCH, month, MISS_PER_THOUSAND, year, month]
        with transaction.atomic(), connection.cursor() as cursor:
            # Reuse: skip the month when every bench branch already has meetings in it.
            cursor.execute(
                """SELECT COUNT(*) FROM branches_partyorganisation o
                   LEFT JOIN branches_meetingyear y ON y.organisation_id = o.id AND y.year = %s
                   WHERE o.kind = %s AND o.path LIKE 'BC%%' AND (y.mask IS NULL OR (y.mask >> ((%s - 1) * 5)) & 31 = 0)""",
                [year, OrgKind.BRANCH, month],
            )
            if cursor.fetchone()[0] == 0:
                return 0
            cursor.execute(sql, params)
            return cursor.rowcount

    # -- timing ------------------------------------------------------------------------------

    def time_queries(self, root: Unit, year: int) -> None:
        units = Unit.objects.filter(path__startswith=root.path)
        periods = [Period.of_month(year, 1), Period.of_quarter(year, 1), Period.of_year(year)]
        rates_worst = missing_worst = 0.0
        for period in periods:
            rates_ms = self.best_of(lambda: meeting_rates(units=units, period=period))
            missing_ms, missing = self.best_of(lambda: branches_missing_meetings(units=units, period=period), keep=True)
            report = meeting_rates(units=units, period=period)
            rates = "，".join(f"{MeetingKind(k).label}{report.total.rate(k)}%" for k in MeetingKind.values
                             if report.total.rate(k) is not None)
            self.stdout.write(f"{period.label}：开展率 {rates_ms:.0f} ms（{rates}）；缺会名单 {missing_ms:.0f} ms（{len(missing)} 个党支部）")
            rates_worst, missing_worst = max(rates_worst, rates_ms), max(missing_worst, missing_ms)
        branches = PartyOrganisation.objects.filter(unit__path__startswith=root.path, kind=OrgKind.BRANCH).count()
        meetings = Meeting.objects.filter(unit__path__startswith=root.path).count()
        self.stdout.write(f"rates_ms={rates_worst:.0f} missing_ms={missing_worst:.0f} branches={branches} meetings={meetings}")

    @staticmethod
    def best_of(run: Any, keep: bool = False, tries: int = 2) -> Any:
        best, result = float("inf"), None
        for _ in range(tries):
            started = time.perf_counter()
            result = run()
            best = min(best, (time.perf_counter() - started) * 1000)
        return (best, result) if keep else best
