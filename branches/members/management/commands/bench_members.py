"""bench_members: a province's party members and a year of dues, then the roster
changelist and the arrears list timed against what a Django developer would first write.

    python manage.py bench_members [--members 1700000] [--months 12] [--repeat 7] [--reuse] [--no-pin]

``--reuse`` times the data already built by an earlier run and writes nothing (the
checks that would top it up scan the twenty million ledger rows once per month). While
timing, the process is kept on one CPU (:func:`orgwork.benchmarking.pinned`;
``--no-pin`` leaves it free).

The members go into the 党支部 of ``bench_branches``'s own unit tree (基准测试省, about
thirty members a branch), so they never mix with real or demo records, and are reused when
present. Rows are written set-wise (COPY for members, INSERT … SELECT for dues), not
through the services: this is a load for timing, recorded by one audit row. About one
member in forty owes the last months' dues. The last line of output is::

    members_p50_ms=… stock_p50_ms=… ratio=… arrears_ms=… naive_arrears_ms=… arrears_ratio=… members=… dues=…

``members_p50_ms`` and ``stock_p50_ms`` are the medians of the plain and a filtered
roster page as a province user (the members 在册, which our roster shows until another
state is picked and the stock admins are asked for), through our admin and a stock
``ModelAdmin`` on a separate ``AdminSite`` with the stock options that make its list
fastest (one count, our page size; :mod:`branches.members.benchmarks`); the line before
gives the same stock admin with Django's default options. ``arrears_ms`` is the first page of
:func:`selectors.arrears`, ``naive_arrears_ms`` the same page of the plain ORM aggregate
over the ledger.
"""

from __future__ import annotations

import datetime
import statistics
import time
from collections.abc import Callable
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.test.utils import override_settings

from branches.management.commands.bench_branches import ROOT_CODE as BENCH_ROOT_CODE
from branches.management.commands.bench_branches import Command as BranchesBench
from branches.models import OrgKind, PartyOrganisation
from orgwork.accounts.roles import PARTY_BUILDING, setup_roles
from orgwork.audit.context import acting_as
from orgwork.audit.models import AuditAction
from orgwork.audit.recorder import record
from orgwork.common import idnumber
from orgwork.benchmarking import pinned, require_migrated
from orgwork.units.models import Unit

from ... import rules, selectors
from ...models import DuesRecord, Member

MEMBERS_PER_BRANCH = 30
OWING_EVERY = 40  # one member in forty owes dues
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = ["建国", "秀英", "志强", "丽娟", "海燕", "文博", "晓东", "红梅", "国庆", "玉兰", "明", "静", "磊", "洁"]
PAGE = 50


def bench_id(serial: int) -> str:
    born = datetime.date(1950, 1, 1) + datetime.timedelta(days=serial // 1000)
    first = f"620102{born:%Y%m%d}{serial % 1000:03d}"
    return first + idnumber.check_character(first)


class Command(BaseCommand):
    help = "生成（或复用）全省规模的党员名册和党费记录，测量名册列表和欠缴名单的耗时。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--members", type=int, default=1_700_000, help="党员人数（默认 1700000）")
        parser.add_argument("--months", type=int, default=12, help="党费月数（1–12，默认 12）")
        parser.add_argument("--repeat", type=int, default=7, help="每个页面计时次数（默认 7）")
        parser.add_argument("--reuse", action="store_true",
                            help="直接使用上次生成的基准数据计时，不检查、不补充（数据须已存在）")
        parser.add_argument("--no-pin", action="store_true", help="计时时不把本进程固定在一个 CPU 上")

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("bench_members 需要 PostgreSQL（DATABASE_URL=postgres://…）。")
        require_migrated()
        members, months, repeat = options["members"], options["months"], options["repeat"]
        if members < 1 or not 1 <= months <= 12 or repeat < 1:
            raise CommandError("--members 至少为 1，--months 应在 1 到 12 之间，--repeat 至少为 1。")
        with acting_as(None, source="command"):
            if options["reuse"]:
                root = Unit.objects.filter(code=BENCH_ROOT_CODE).first()
                if root is None or not self.bench_members(root).exists():
                    raise CommandError("没有可复用的基准数据：请先不带 --reuse 运行一次。")
                self.stdout.write("复用已有的基准数据（未检查、未补充）")
                self.time_all(root, repeat, pin=not options["no_pin"])
                return
            started = time.perf_counter()
            branches_bench = BranchesBench(stdout=self.stdout, stderr=self.stderr)
            root = branches_bench.ensure_units()
            branches_bench.ensure_organisations(root, max(1, members // MEMBERS_PER_BRANCH))
            added = self.ensure_members(root, members)
            dues = self.ensure_dues(root, months)
            with connection.cursor() as cursor:
                # The unit tree and branches the load may have just grown: without fresh
                # statistics the planner takes a thousand units for a hundred and joins
                # each page's branches to them by scanning (30 ms where an index takes 1).
                cursor.execute("ANALYZE units_unit")
                cursor.execute("ANALYZE branches_partyorganisation")
            if added or dues:
                with connection.cursor() as cursor:
                    cursor.execute("VACUUM ANALYZE members_member")
                    cursor.execute("VACUUM ANALYZE members_duesrecord")
                self.flush_writes()
                record(root, action=AuditAction.IMPORT,
                       message=f"基准测试数据：新增党员 {added} 人、党费记录 {dues} 条")
            self.stdout.write(f"数据准备 {time.perf_counter() - started:.1f} 秒（新增党员 {added}，新增党费记录 {dues}）")
            self.time_all(root, repeat, pin=not options["no_pin"])

    # -- data --------------------------------------------------------------------------------

    def bench_members(self, root: Unit) -> Any:
        return Member.objects.filter(branch__unit__path__startswith=root.path)

    def ensure_members(self, root: Unit, target: int) -> int:
        have = self.bench_members(root).count()
        if have >= target:
            return 0
        branch_ids = list(PartyOrganisation.objects.filter(unit__path__startswith=root.path, kind=OrgKind.BRANCH,
                                                           code__startswith="BB").order_by("code")
                          .values_list("pk", flat=True))
        columns = ("name, id_number, gender, birth_date, branch_id, category, joined_on, full_on, is_floating, is_lost, "
                   "status, status_reason, dues_category, income_base, unpaid_months, arrears_reason")
        with transaction.atomic(), connection.cursor() as cursor:
            with cursor.copy(f"COPY members_member ({columns}) FROM STDIN") as copy:
                for serial in range(have, target):
                    number = bench_id(serial)
                    born = idnumber.birth_date_of(number)
                    joined = rules.add_months(born, 25 * 12)  # 29 February has no 25th anniversary
                    probationary = serial % 97 == 0
                    copy.write_row((
                        SURNAMES[serial % len(SURNAMES)] + GIVEN[(serial // 7) % len(GIVEN)], number,
                        idnumber.gender_of(number), born, branch_ids[serial % len(branch_ids)],
                        "probationary" if probationary else "full", joined,
                        None if probationary else rules.add_months(joined, 12),
                        serial % 53 == 0, serial % 211 == 0, "active", "",
                        ("employed", "retired", "farmer", "student")[serial % 4], 2000 + (serial * 37) % 12000,
                        0, "",
                    ))
        return target - have

    def ensure_dues(self, root: Unit, months: int) -> int:
        """Each month's dues for every bench member lacking them, set-wise; members with
        ``id % 40 = 0`` leave the last (id % 9) months unpaid. The arrears counter is set
        from the ledger afterwards, as :func:`services.dues_recount` would."""
        first = datetime.date.today().replace(day=1)
        added = 0
        with transaction.atomic(), connection.cursor() as cursor:
            for back in range(months, 0, -1):
                month = rules.add_months(first, -back)
                cursor.execute(
                    """
                    INSERT INTO members_duesrecord (member_id, branch_id, month, due, paid, paid_on)
                    SELECT m.id, m.branch_id, %(month)s, 40.00,
                           CASE WHEN m.id %% %(every)s = 0 AND %(back)s <= m.id %% 9 THEN NULL ELSE 40.00 END,
                           CASE WHEN m.id %% %(every)s = 0 AND %(back)s <= m.id %% 9 THEN NULL ELSE %(paid_on)s END
                    FROM members_member m
                    JOIN branches_partyorganisation o ON o.id = m.branch_id
                    JOIN units_unit u ON u.id = o.unit_id
                    WHERE u.path LIKE %(root)s
                    ON CONFLICT (member_id, month) DO NOTHING
                    """,
                    {"month": month, "root": root.path + "%", "every": OWING_EVERY, "back": back, "paid_on": month + datetime.timedelta(days=9)},
                )
                added += cursor.rowcount
            if added:
                cursor.execute(
                    """
                    UPDATE members_member m SET unpaid_months = d.n
                    FROM (SELECT member_id, count(*) AS n FROM members_duesrecord
                          WHERE paid_on IS NULL AND excused_by_id IS NULL AND month < %(first)s
                          GROUP BY member_id) d
                    WHERE d.member_id = m.id AND m.unpaid_months <> d.n
                    """,
                    {"first": first},
                )
        return added

    def flush_writes(self) -> None:
        """Write the load's dirty pages out before timing (CHECKPOINT), so that the
        checkpointer does not flush gigabytes under the first timed pages."""
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("CHECKPOINT")
        except DatabaseError as error:  # needs a superuser or pg_checkpoint (PostgreSQL 15+)
            self.stdout.write(f"未能执行 CHECKPOINT（{error}）：刚写入的数据可能在计时期间落盘，首次计时偏慢。")

    # -- timing -------------------------------------------------------------------------

    def ensure_user(self, root: Unit) -> Any:
        setup_roles()
        user, _ = get_user_model().objects.get_or_create(username="bench_members_province",
                                                         defaults={"unit": root, "is_staff": True})
        user.groups.set([Group.objects.get(name=PARTY_BUILDING)])
        return user

    @staticmethod
    def timed(run: Callable[[], Any], repeat: int) -> float:
        run()  # warm
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            run()
            times.append((time.perf_counter() - started) * 1000)
        return statistics.median(times)

    def time_all(self, root: Unit, repeat: int, pin: bool) -> None:
        user = self.ensure_user(root)
        client = Client()
        client.force_login(user)
        # Our roster is the roll (在册) until another 党籍状态 is picked: the stock admins are
        # asked for the same members.
        on_roll = "status__exact=active"
        pages = {"ours": ("/admin/members/member/", ""), "fast": ("/stock-fast/members/member/", on_roll),
                 "default": ("/stock/members/member/", on_roll)}
        queries = ["", "category__exact=probationary"]
        p50: dict[str, list[float]] = {name: [] for name in pages}
        with override_settings(ROOT_URLCONF="branches.members.benchmarks", SECURE_SSL_REDIRECT=False, DEBUG=False), \
                pinned(pin, self.stdout.write):
            for n, query in enumerate(queries):
                # Each scenario's contestants one right after the other, in turn first.
                order = list(pages)[n % len(pages):] + list(pages)[:n % len(pages)]
                for name in order:
                    base, implied = pages[name]
                    url = base + "?" + "&".join(p for p in (implied, query) if p)
                    response = client.get(url)
                    if response.status_code != 200:
                        raise CommandError(f"{url} 返回 {response.status_code}")
                    p50[name].append(self.timed(lambda url=url: client.get(url), repeat))
            arrears = self.timed(lambda: list(selectors.arrears(user)[:PAGE]), repeat)
            naive = self.timed(lambda: list(selectors.arrears_naive()[:PAGE]), max(1, repeat // 3))
        ours, stock, default = (statistics.median(p50[name]) for name in ("ours", "fast", "default"))
        self.stdout.write(f"默认选项的 ModelAdmin（另计全表总数、每页 100 行）：p50 {default:.1f} 毫秒，"
                          f"为本系统名册的 {default / ours:.1f} 倍")
        total_members = Member.objects.count()
        total_dues = DuesRecord.objects.count()
        self.stdout.write(
            f"members_p50_ms={ours:.1f} stock_p50_ms={stock:.1f} ratio={stock / ours:.1f} "
            f"arrears_ms={arrears:.1f} naive_arrears_ms={naive:.1f} arrears_ratio={naive / arrears:.1f} "
            f"members={total_members} dues={total_dues}"
        )
