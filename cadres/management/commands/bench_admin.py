"""Benchmark: the cadre changelist at a million rows, ours against a stock ModelAdmin.

    python manage.py bench_admin [--rows 1000000] [--repeat 7]

Fills the cadre table up to ``--rows`` (reusing what is there; new rows go in with one
COPY), then times four requests through Django's test client for each admin: the plain
list, two filters, a name search, and a deep page. The admins are timed scenario by
scenario, one straight after the other (see ``measure``). While timing, the process is
kept on one CPU (``--no-pin`` to leave it free; see
:func:`orgwork.benchmarking.pinned`). The last line reads
``p50_ms=<ms> stock_p50_ms=<ms> ratio=<stock/ours> queries=<n>``, where the p50s are the
medians over the plain, filtered and search requests, the stock admin is Django's with
its default options (as the target is set), and ``queries`` is the number of SQL queries
our plain list page runs. The line before gives the same for the stock admin with the
stock options that make its list fastest (:mod:`cadres.benchmarks`).
"""

from __future__ import annotations

import datetime
import io
import random
import statistics
import time
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import GeneratedField
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

from orgwork.accounts.roles import CADRE_SUPERVISION, setup_roles
from orgwork.audit.context import acting_as
from orgwork.audit.models import AuditAction
from orgwork.audit.recorder import record
from orgwork.common import idnumber, pinyin
from orgwork.benchmarking import pinned, require_migrated
from orgwork.units.models import Unit, UnitLevel

from ...benchmarks import FastStockCadreAdmin
from ...models import Cadre, CadreStatus, Rank

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍建红文辉力斌宇浩凯健俊帆帅旭宁云龙林鹏飞鑫波海峰晨阳雪梅琳晶慧嘉欣怡"
SCENARIOS = ("plain", "filtered", "search", "deep")
SERVING = "status__exact=active"


class Command(BaseCommand):
    help = "干部列表页性能基准：与默认选项的 ModelAdmin 对比，并列出原生选项最快时的耗时（可先自动填充数据）。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--rows", type=int, default=1_000_000, help="干部表至少要有的行数（默认 100 万）")
        parser.add_argument("--repeat", type=int, default=7, help="每个场景计时次数（默认 7）")
        parser.add_argument("--no-pin", action="store_true", help="计时时不把本进程固定在一个 CPU 上")

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("基准测试需要 PostgreSQL（设置 DATABASE_URL）。")
        require_migrated()
        rows, repeat = options["rows"], max(1, options["repeat"])
        with acting_as(None, source="command"):
            counties = self.ensure_units()
            added = self.fill(rows, counties)
        self.stdout.write(f"cadres={Cadre.objects.count()} added={added} counties={len(counties)}")
        ours_user, stock_user = self.ensure_users()
        with override_settings(ROOT_URLCONF="cadres.benchmarks", SECURE_SSL_REDIRECT=False, DEBUG=False), \
                pinned(not options["no_pin"], self.stdout.write):
            # Our list is of the cadres 在职 until another 状态 is picked (a search looks among
            # everyone): the stock admins are asked for the same cadres.
            contestants = {"ours": (ours_user, "/admin/cadres/cadre/", ""),
                           "stock": (stock_user, "/stock/cadres/cadre/", SERVING),
                           "fast": (stock_user, "/stock-fast/cadres/cadre/", SERVING)}
            measured = self.measure(contestants, repeat, filtered="rank__exact={rank}&" + SERVING)
        ours, stock, fast = measured["ours"], measured["stock"], measured["fast"]
        for scenario in SCENARIOS:
            self.stdout.write(f"{scenario:<9} ours_p50_ms={ours['p50'][scenario]:.1f} stock_p50_ms={stock['p50'][scenario]:.1f} "
                              f"fast_stock_p50_ms={fast['p50'][scenario]:.1f}")
        p50 = statistics.median(t for s in SCENARIOS[:3] for t in ours["times"][s])
        stock_p50 = statistics.median(t for s in SCENARIOS[:3] for t in stock["times"][s])
        fast_p50 = statistics.median(t for s in SCENARIOS[:3] for t in fast["times"][s])
        self.stdout.write(f"原生选项最快的 ModelAdmin（不另计全表总数、每页 {FastStockCadreAdmin.list_per_page} 行）："
                          f"p50 {fast_p50:.1f} 毫秒，为本系统列表的 {fast_p50 / p50:.1f} 倍")
        self.stdout.write(f"p50_ms={p50:.1f} stock_p50_ms={stock_p50:.1f} ratio={stock_p50 / p50:.1f} queries={ours['queries']}")

    # -- data ---------------------------------------------------------------------------

    def ensure_units(self) -> list[Unit]:
        counties = list(Unit.objects.filter(level=UnitLevel.COUNTY).order_by("code"))
        if counties:
            return counties
        from orgwork.common.contract import SystemActor
        from orgwork.units.services import unit_save

        system = SystemActor("bench")
        root = Unit.objects.filter(parent=None).first() or unit_save(
            unit=Unit(code="BENCH", name="基准测试省", level=UnitLevel.PROVINCE), actor=system)
        city = unit_save(unit=Unit(code="BENCH01", name="基准测试市", parent=root, level=UnitLevel.CITY), actor=system)
        return [unit_save(unit=Unit(code=f"BENCH01{i:02d}", name=f"基准测试县{i}", parent=city), actor=system)
                for i in range(20)]

    def fill(self, target: int, counties: list[Unit]) -> int:
        have = Cadre.objects.count()
        missing = target - have
        if missing <= 0:
            return 0
        fields = [f for f in Cadre._meta.concrete_fields if not f.primary_key and not isinstance(f, GeneratedField)]
        columns = [f.column for f in fields]
        names = [(s + g1 + g2, pinyin.sort_key(s + g1 + g2), pinyin.initials(s + g1 + g2))
                 for s in SURNAMES for g1 in GIVEN[:12] for g2 in GIVEN]
        rng = random.Random(20261121)
        ranks = [r for r, _ in Rank.choices]
        taken = set(Cadre.objects.values_list("id_number", flat=True)) if have else set()
        start = have
        with transaction.atomic(), connection.cursor() as cursor:
            with cursor.connection.cursor().copy(
                f"COPY {Cadre._meta.db_table} ({', '.join(columns)}) FROM STDIN"
            ) as copy:
                buffer = io.StringIO()
                made = 0
                serial = start
                while made < missing:
                    serial += 1
                    row = self.row(serial, counties, names, ranks, rng)
                    if row["id_number"] in taken:
                        continue
                    taken.add(row["id_number"])
                    buffer.write("\t".join(self.copy_value(row.get(f.attname, self.default(f))) for f in fields) + "\n")
                    made += 1
                    if made % 20000 == 0:
                        copy.write(buffer.getvalue())
                        buffer = io.StringIO()
                copy.write(buffer.getvalue())
            record(None, action=AuditAction.IMPORT, message=f"bench_admin 生成 {missing} 条基准测试干部数据")
        # Steady state, as autovacuum leaves a table: statistics for the planner and the
        # visibility map that index-only scans (the estimated counts) depend on.
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM (ANALYZE) {Cadre._meta.db_table}")
        return missing

    @staticmethod
    def row(serial: int, counties: list[Unit], names: list[tuple[str, str, str]], ranks: list[str],
            rng: random.Random) -> dict[str, Any]:
        unit = counties[serial % len(counties)]
        born = datetime.date(1962, 1, 1) + datetime.timedelta(days=rng.randrange(0, 365 * 36))
        sequence = rng.randrange(0, 1000)
        area = unit.code[:6] if unit.code[:6].isdigit() and len(unit.code) >= 6 else "620102"
        first17 = f"{area}{born:%Y%m%d}{sequence:03d}"
        name, key, initials = names[serial % len(names)]
        return {
            "name": name, "name_pinyin": key, "name_initials": initials,
            "gender": idnumber.gender_of(first17 + "0"),
            "birth_month": born.replace(day=1),
            "id_number": first17 + idnumber.check_character(first17),
            "unit_id": unit.pk, "rank": ranks[serial % len(ranks)], "status": CadreStatus.ACTIVE,
            "current_post": f"{unit.name}科员", "version": 1,
        }

    @staticmethod
    def default(field: Any) -> Any:
        if field.has_default():
            return field.get_default()
        if field.null:
            return None
        return "" if field.get_internal_type() in {"CharField", "TextField"} else None

    @staticmethod
    def copy_value(value: Any) -> str:
        if value is None:
            return r"\N"
        if isinstance(value, bool):
            return "t" if value else "f"
        if isinstance(value, (datetime.date, datetime.datetime)):
            return value.isoformat()
        return str(value).replace("\\", "\\\\").replace("\t", " ").replace("\n", " ")

    # -- timing -------------------------------------------------------------------------

    def ensure_users(self) -> tuple[Any, Any]:
        User = get_user_model()
        setup_roles()
        root = Unit.objects.filter(parent=None).order_by("path").first()
        ours, _ = User.objects.get_or_create(username="bench_province", defaults={"unit": root, "is_staff": True})
        ours.groups.set([Group.objects.get(name=CADRE_SUPERVISION)])
        stock, _ = User.objects.get_or_create(username="bench_stock", defaults={"unit": root, "is_staff": True})
        stock.groups.set([Group.objects.get(name=CADRE_SUPERVISION)])
        return ours, stock

    def measure(self, contestants: dict[str, tuple[Any, str, str]], repeat: int, filtered: str) -> dict[str, Any]:
        """Each scenario's requests, one contestant's after the other's, which of them
        goes first alternating from scenario to scenario. Both are timed within seconds
        of each other: on a shared virtual machine one minute can be a third slower than
        the next, and timing all of one contestant's scenarios before the other's put
        that in the ratio. Within a scenario each runs its requests back to back, as a
        server runs one page many times; taking turns request by request would time
        every page of ours straight after a stock page has flushed the processor's
        caches. A contestant's third part is the filter its plain and deep pages are
        asked for beside the scenario's own (``SERVING`` for the stock admins)."""
        sample = Cadre.objects.order_by("id").values("name", "rank").first()
        term = sample["name"][:2] if sample else "王"
        params = {
            "plain": "",
            "filtered": filtered.format(rank=sample["rank"] if sample else "county_deputy"),
            "search": f"q={term}",
            "deep": f"p={max(1, Cadre.objects.count() // 100 // 2)}",
        }
        clients = {}
        for name, (user, _, _) in contestants.items():
            clients[name] = client = Client()
            client.force_login(user)
        results: dict[str, Any] = {name: {"times": {}, "queries": 0} for name in contestants}
        order = list(contestants)
        for scenario, query in params.items():
            for name in order:
                _, base, implied = contestants[name]
                parts = [query, implied] if scenario in ("plain", "deep") else [query]
                query_string = "&".join(p for p in parts if p)
                client, url, times = clients[name], base + ("?" + query_string if query_string else ""), []
                response = client.get(url)  # warm-up, and a check that the page works
                if response.status_code != 200:
                    raise CommandError(f"{url} 返回 {response.status_code}")
                if scenario == "plain":
                    # Counted on a request of its own: recording queries costs time per query.
                    with CaptureQueriesContext(connection) as captured:
                        client.get(url)
                    results[name]["queries"] = len(captured.captured_queries)
                for _ in range(repeat):
                    started = time.perf_counter()
                    client.get(url)
                    times.append((time.perf_counter() - started) * 1000)
                results[name]["times"][scenario] = times
            order.reverse()
        for result in results.values():
            result["p50"] = {s: statistics.median(t) for s, t in result["times"].items()}
        return results
