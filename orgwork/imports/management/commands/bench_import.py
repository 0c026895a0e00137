"""``python manage.py bench_import [--rows 100000] [--resource cadres]``

Generates a sheet of ``--rows`` valid rows for the resource and measures, in one run on
the configured database and inside one transaction that is rolled back at the end:

* engine — read + validate + commit with the import engine (the deferred foreign-key
  checks its COMMIT would run included);
* tuned  — django-import-export configured as fast as it goes, from the same kind of
  file as the engine: the resource itself (its widgets parse the sheet's cells; its
  foreign-key widgets look each value up once and keep it, as CachedForeignKeyWidget
  does) with ``use_bulk``, ``skip_diff``, ``force_init_instance`` (no lookup of existing
  rows), ``skip_html_diff``, no model validation (``clean_model_instances`` off: it
  would query the unique key per row) and no per-row report, reading the xlsx as its
  admin does (``XLSX().create_dataset``); on a sample (``--tuned-rows``, default
  20,000), its rate extrapolated. It checks no rule and writes no audit row. Its row
  loop alone (cells cleaned beforehand, not timed) is printed on a line of its own;
* stock  — django-import-export's ModelResource of the same model with default options,
  on a sample (``--stock-rows``, default 5,000; fewer when ``--rows`` is smaller),
  the cells cleaned beforehand (not timed), its rate extrapolated;
* copy   — a raw PostgreSQL COPY (binary, as the engine writes) of the same number of rows
  (0 on other databases).

``peak_rss_mb`` is the process's peak resident memory when the engine has finished
(sheet generation included; the stock and COPY phases come after it).

The last line is ``engine=<rows/s> tuned=<rows/s> stock=<rows/s> ratio_tuned=<engine/tuned>
ratio=<engine/stock> copy=<rows/s> peak_rss_mb=<MB>``.
"""

from __future__ import annotations

import datetime
import os
import resource as rusage
import tempfile
import time
from collections.abc import Iterator
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
import tablib
from import_export import resources
from import_export.widgets import ForeignKeyWidget
from openpyxl import Workbook

from orgwork.benchmarking import require_migrated
from orgwork.audit.context import acting_as
from orgwork.audit.models import AuditLog, AuditSource
from orgwork.common import idnumber
from orgwork.imports import registry
from orgwork.imports.engine import ImportEngine
from orgwork.imports.writer import BulkWriter, copy_rows
from orgwork.imports.reader import open_sheet
from orgwork.imports.widgets import ChoiceWidget, DateWidget, IDNumberWidget, ScopedForeignKeyWidget, UnitWidget
from orgwork.units.models import Unit, UnitLevel, UnitType
from orgwork.common.contract import SystemActor
from orgwork.units.services import unit_save

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰"
FIRST_DAY = datetime.date(1960, 1, 1)
COPY_SLICE = 10_000
AREAS = ("620102", "110101", "310101", "440103", "510104", "610102", "650102", "320102")
DAYS = 14600  # birth dates over forty years: 100k rows need at most 7 sequence numbers a day


class _Rollback(Exception):
    pass


class CachedForeignKeyWidget(ForeignKeyWidget):
    """A foreign key read from a dictionary filled once, not with a query per cell: the
    best a stock resource can do for a column that repeats a few targets."""

    def __init__(self, model: type[Any], targets: Any) -> None:
        super().__init__(model)
        self.cache = {str(obj.pk): obj for obj in model._default_manager.filter(pk__in=set(targets))}

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Any:
        return None if value in (None, "") else self.cache[str(value)]


def peak_rss_mb() -> float:
    return rusage.getrusage(rusage.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


class RowMaker:
    """Valid rows for any registered resource, derived from its columns' widgets."""

    def __init__(self, resource_class: type[Any], unit_codes: list[str], area: str = "620102") -> None:
        self.area = area
        self.columns = [f for f in resource_class().get_import_fields() if f.column_name and f.attribute]
        self.key_attributes = set(resource_class._meta.import_id_fields)
        self.unit_codes = unit_codes
        self.model = resource_class._meta.model
        # A resource's example row holds values that go together (职务层次, 职级, 管理权限).
        self.example = getattr(resource_class, "example_row", None) or {}

    @property
    def headers(self) -> list[str]:
        return [c.column_name for c in self.columns]

    def _person(self, i: int) -> tuple[datetime.date, bool, str]:
        born = FIRST_DAY + datetime.timedelta(days=i % DAYS)
        sequence = (i // DAYS) * 2 + 11 + (i % 2)  # odd: male, even: female
        first17 = f"{self.area}{born:%Y%m%d}{sequence:03d}"
        return born, sequence % 2 == 1, first17 + idnumber.check_character(first17)

    def _choice(self, widget: Any, male: bool) -> str:
        choices = list(getattr(widget, "choices", None) or [])
        labels = [str(text) for _, text in choices]
        if "男" in labels and "女" in labels:
            return "男" if male else "女"
        if labels:
            return labels[0]
        code_set = getattr(widget, "code_set", None)
        if code_set:
            from importlib import import_module

            names = import_module("orgwork.codes.lookup").code_set(code_set).names
            return names[0] if names else ""
        return ""

    def row(self, i: int) -> list[Any]:
        born, male, number = self._person(i)
        values: list[Any] = []
        for column in self.columns:
            widget, attribute = column.widget, column.attribute
            if isinstance(widget, IDNumberWidget):
                values.append(number)
            elif isinstance(widget, DateWidget):
                day = born if "birth" in attribute else born.replace(day=1, year=born.year + 25)
                values.append(f"{day:%Y.%m}")
            elif isinstance(widget, UnitWidget):
                values.append(self.unit_codes[i % len(self.unit_codes)])
            elif isinstance(widget, ScopedForeignKeyWidget):
                values.append("")
            elif isinstance(widget, ChoiceWidget) or hasattr(widget, "code_set") or hasattr(widget, "choices"):
                picked = self._choice(widget, male)
                if picked not in ("男", "女") and self.example.get(column.column_name):
                    picked = self.example[column.column_name]
                values.append(picked)
            elif column.attribute in self.key_attributes:
                values.append(f"B{i:08d}")
            elif attribute == "name":
                values.append(SURNAMES[i % len(SURNAMES)] + GIVEN[i % 29 % len(GIVEN)] + GIVEN[i % 23 % len(GIVEN)])
            else:
                field = self.model._meta.get_field(attribute)
                text = f"{column.column_name}{i % 97}"
                values.append(text[: getattr(field, "max_length", None) or len(text)])
        return values

    def rows(self, start: int, count: int) -> Iterator[list[Any]]:
        for i in range(start, start + count):
            yield self.row(i)


def free_area(model: type[Any]) -> str:
    """An area code (the ID number's first six digits) no existing row uses, so that the
    generated people never collide with people already registered (demo data included)."""
    try:
        model._meta.get_field("id_number")
    except FieldDoesNotExist:
        return AREAS[0]
    for area in AREAS:
        if not model._default_manager.filter(id_number__startswith=area).exists():
            return area
    raise CommandError("找不到未被占用的测试地区码，请在空库上运行性能测试。", returncode=2)


def write_sheet(path: str, headers: list[str], rows: Iterator[list[Any]]) -> None:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    workbook.save(path)


class Command(BaseCommand):
    help = "导入引擎性能测试：引擎 / 原生 django-import-export / COPY 三者对比。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--rows", type=int, default=100_000)
        parser.add_argument("--stock-rows", type=int, default=5_000)
        parser.add_argument("--tuned-rows", type=int, default=20_000)
        parser.add_argument("--resource", default="cadres",
                            help="registered resource slug (default: cadres; units if cadres is not registered)")

    def handle(self, *args: Any, **options: Any) -> None:
        require_migrated()
        rows, slug = options["rows"], options["resource"]
        if rows <= 0:
            raise CommandError("--rows 必须大于 0。", returncode=2)
        available = registry.all_resources()
        if slug not in available:
            if slug == "cadres" and "units" in available:
                self.stdout.write("干部导入资源（cadres）尚未注册，改用单位资源（units）测试。")
                slug = "units"
            else:
                raise CommandError(f"没有名为「{slug}」的导入资源。", returncode=2)
        resource_class = available[slug]
        stock_rows = min(options["stock_rows"], rows)
        tuned_rows = min(options["tuned_rows"], rows)
        result: dict[str, float] = {}
        self._vacuum(resource_class._meta.model)
        try:
            with transaction.atomic():
                self._bench(resource_class, rows, stock_rows, tuned_rows, result)
                raise _Rollback
        except _Rollback:
            pass
        engine, tuned, stock, copy = result["engine"], result["tuned"], result["stock"], result["copy"]
        ratio = engine / stock if stock else 0.0
        ratio_tuned = engine / tuned if tuned else 0.0
        self.stdout.write(f"engine={engine:.0f} tuned={tuned:.0f} stock={stock:.0f} ratio_tuned={ratio_tuned:.1f} "
                          f"ratio={ratio:.1f} copy={copy:.0f} peak_rss_mb={result['engine_rss']:.0f}")

    def _bench(self, resource_class: type[Any], rows: int, stock_rows: int, tuned_rows: int,
               result: dict[str, float]) -> None:
        stamp = f"{time.time_ns() % 10**8:08d}"
        root = unit_save(unit=Unit(code=f"BENCH{stamp}", name=f"性能测试{stamp}", level=UnitLevel.CITY,
                                   unit_type=UnitType.OTHER, parent=Unit.objects.filter(parent=None).first()), actor=SystemActor("bench"))
        units = [unit_save(unit=Unit(code=f"B{stamp}{n:02d}", name=f"性能测试单位{stamp}-{n}", parent=root,
                                     level=UnitLevel.COUNTY, unit_type=UnitType.OTHER), actor=SystemActor("bench")) for n in range(10)]
        user = get_user_model().objects.create_user(username=f"bench{stamp}", unit=root, is_staff=True)
        model = resource_class._meta.model
        maker = RowMaker(resource_class, [u.code for u in units], free_area(model))

        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "bench.xlsx")
            write_sheet(path, maker.headers, maker.rows(0, rows))
            self.stdout.write(f"已生成 {rows} 行的测试表格（{os.path.getsize(path) / 1024 / 1024:.1f} MB）。")
            with acting_as(user, source=AuditSource.COMMAND):
                started = time.perf_counter()
                sheet = open_sheet(path, "bench.xlsx", resource_class)
                outcome = ImportEngine(resource_class, user).run(sheet, commit=True)
                self._deferred_checks()
                elapsed = time.perf_counter() - started
        if not outcome.committed:
            first = outcome.errors[0] if outcome.errors else None
            raise CommandError(f"测试数据未通过校验：{first}", returncode=2)
        result["engine"] = rows / elapsed
        result["engine_rss"] = peak_rss_mb()  # the stock and COPY phases below are not the engine's
        self.stdout.write(f"引擎：{rows} 行用时 {elapsed:.2f} 秒（新增 {outcome.new}）。")

        result["tuned"] = self._tuned_from_file(resource_class, user, maker, 5 * rows + 1, tuned_rows)
        self._stock(resource_class, user, maker, 15 * rows + 1, tuned_rows, tuned=True)
        result["stock"] = self._stock(resource_class, user, maker, 10 * rows + 1, stock_rows, tuned=False)

        result["copy"] = 0.0
        if connection.vendor == "postgresql":
            engine = ImportEngine(resource_class, user)
            writer = BulkWriter(model, engine.columns, engine.key_attributes)
            fields = writer.insert_fields
            columns = [f.column for f in fields]
            types = [writer.column_types[c] for c in columns]
            elapsed = 0.0
            # Prepared in slices so that memory stays flat; only the COPY itself is timed.
            for offset in range(0, rows, COPY_SLICE):
                instances = []
                with acting_as(user, source=AuditSource.COMMAND):  # the rows' rules ask who writes them
                    for row in self._clean_rows(resource_class, user, maker, 20 * rows + 1 + offset,
                                                min(COPY_SLICE, rows - offset)):
                        instance = model()
                        for attribute, value in row.items():
                            setattr(instance, attribute, value)
                        engine.resource.prepare_instance(instance, None)
                        instances.append(instance)
                batch = writer.rows(fields, instances, True)
                started = time.perf_counter()
                copy_rows(model._meta.db_table, columns, batch, types=types)
                elapsed += time.perf_counter() - started
            result["copy"] = rows / elapsed
            self.stdout.write(f"COPY：{rows} 行用时 {elapsed:.2f} 秒。")

    def _tuned_from_file(self, resource_class: type[Any], user: Any, maker: RowMaker, start: int,
                         count: int) -> float:
        """django-import-export, tuned (see the module docstring), from an xlsx of ``count``
        rows to the database, as the engine is timed. Returns rows per second."""
        from import_export.formats.base_formats import XLSX

        meta = type("Meta", (), {"use_bulk": True, "skip_diff": True, "force_init_instance": True,
                                 "skip_html_diff": True, "report_skipped": False, "batch_size": 1000,
                                 "clean_model_instances": False})
        tuned_class = type("TunedResource", (resource_class,), {"Meta": meta})
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "tuned.xlsx")
            write_sheet(path, maker.headers, maker.rows(start, count))
            with acting_as(user, source=AuditSource.COMMAND):
                started = time.perf_counter()
                with open(path, "rb") as fh:
                    dataset = XLSX().create_dataset(fh.read())
                outcome = tuned_class(user=user).import_data(dataset, dry_run=False, raise_errors=True,
                                                             collect_failed_rows=False)
                self._deferred_checks()
                elapsed = time.perf_counter() - started
        if outcome.has_errors() or outcome.has_validation_errors() or outcome.totals.get("new") != count:
            raise CommandError("调优的 django-import-export 导入出错。", returncode=2)
        self.stdout.write(f"调优的 django-import-export（读表到入库）：{count} 行用时 {elapsed:.2f} 秒。")
        return count / elapsed

    def _stock(self, resource_class: type[Any], user: Any, maker: RowMaker, start: int, count: int, *,
               tuned: bool) -> float:
        """django-import-export's own import of ``count`` rows of the same model and
        natural key (the cells already cleaned, not timed): with default options, or
        ``tuned`` as described in the module docstring. Returns rows per second."""
        model = resource_class._meta.model
        values = self._clean_rows(resource_class, user, maker, start, count)
        attributes = [c.attribute for c in maker.columns if all(c.attribute in row for row in values)]
        options: dict[str, Any] = {"model": model, "fields": attributes,
                                   "import_id_fields": list(resource_class._meta.import_id_fields)}
        declared: dict[str, Any] = {}
        if tuned:
            options.update(use_bulk=True, skip_diff=True, force_init_instance=True, skip_html_diff=True,
                           report_skipped=False, batch_size=1000)
            from import_export import fields as ie_fields

            for attribute in attributes:
                field = model._meta.get_field(attribute)
                if field.many_to_one:
                    targets = [getattr(row[attribute], "pk", row[attribute]) for row in values]
                    declared[attribute] = ie_fields.Field(attribute=attribute, column_name=attribute,
                                                          widget=CachedForeignKeyWidget(field.related_model, targets))
        meta = type("Meta", (), options)
        stock_class = type("TunedResource" if tuned else "StockResource", (resources.ModelResource,),
                           {"Meta": meta, **declared})
        dataset = tablib.Dataset(headers=attributes)
        for row in values:
            dataset.append([getattr(row[a], "pk", row[a]) for a in attributes])
        del values
        with acting_as(user, source=AuditSource.COMMAND):
            started = time.perf_counter()
            outcome = stock_class().import_data(dataset, dry_run=False, raise_errors=True,
                                                collect_failed_rows=False)
            self._deferred_checks()
            elapsed = time.perf_counter() - started
        if outcome.has_errors() or outcome.has_validation_errors():
            raise CommandError("原生导入出错。", returncode=2)
        label = "调优的 django-import-export（仅行循环）" if tuned else "原生 django-import-export"
        self.stdout.write(f"{label}：{count} 行用时 {elapsed:.2f} 秒。")
        return count / elapsed

    def _vacuum(self, model: type[Any]) -> None:
        """Each run rolls back what it wrote: hundreds of thousands of dead rows in the
        tables and their indexes, which would slow the next run's writes until
        autovacuum came by. Cleared first, so that a run measures the tables as a
        database that imports for real keeps them. VACUUM cannot run inside a
        transaction: called inside one (a test's), the tables are left as they are."""
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in (model, AuditLog))
            with connection.cursor() as cursor:
                cursor.execute(f"VACUUM (ANALYZE) {tables}")

    def _deferred_checks(self) -> None:
        """The foreign-key checks PostgreSQL defers to COMMIT, run now: the benchmark
        rolls back, and a real import pays for them when it commits."""
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # back to Django's keys' own mode

    def _clean_rows(self, resource_class: type[Any], user: Any, maker: RowMaker, start: int,
                    count: int) -> list[dict[str, Any]]:
        """Rows as model values (cleaned by the resource's widgets), not timed."""
        engine = ImportEngine(resource_class, user)
        by_header = {c.header: c for c in engine.columns}
        for column in engine.columns:
            if column.kind == "fk":
                column.widget.prefetch(maker.unit_codes)
        cleaned = []
        for raw in maker.rows(start, count):
            row = {}
            for header, value in zip(maker.headers, raw):
                column = by_header.get(header)
                if column is not None:
                    cleaned_value = engine._clean_cell(column, value if value != "" else None)
                    if cleaned_value in (None, "") and column.model_field.has_default():
                        continue
                    row[column.attribute] = cleaned_value
            cleaned.append(row)
        return cleaned
