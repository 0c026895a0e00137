"""``python manage.py import_sheet <resource> <file> --user <username> [--commit] [--report out.json]``

Exit status: 0 every row valid (and written, with ``--commit``); 1 some row invalid
(nothing written); 2 the file cannot be read or the arguments are wrong; 3 the database
rolled the run back to end a conflict with other work, at every attempt (nothing written).

A run the database rolls back to end a conflict runs again by itself, as a background
job's step does (:func:`orgwork.imports.services.retrying_conflicts`).
"""

from __future__ import annotations

import json
import os
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import OperationalError

from orgwork.audit.context import acting_as
from orgwork.audit.models import AuditSource
from orgwork.imports import registry
from orgwork.imports.access import can_import
from orgwork.imports.engine import run_import
from orgwork.imports.reader import FileError, open_sheet
from orgwork.imports.services import (
    RETRYING,
    STEP_WORDS,
    conflict_text,
    formula_note,
    ignored_note,
    in_conflict,
    retrying_conflicts,
)

EXIT_INVALID_ROWS = 1
EXIT_UNREADABLE = 2
EXIT_CONFLICT = 3


class Command(BaseCommand):
    help = "校验并（加 --commit 时）导入一个表格文件。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("resource", nargs="?", help="导入类型（见 --list）")
        parser.add_argument("file", nargs="?", help=".xlsx / .xls / .csv 文件")
        parser.add_argument("--user", help="以该账号的身份和管辖范围导入")
        parser.add_argument("--commit", action="store_true", help="校验全部通过时写入数据库（默认只校验）")
        parser.add_argument("--report", help="把结果写成 JSON 文件")
        parser.add_argument("--list", action="store_true", help="列出可导入的类型")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["list"]:
            for slug, resource in registry.all_resources().items():
                self.stdout.write(f"{slug}\t{resource.verbose_name}")
            return
        resource_slug, path, username = options["resource"], options["file"], options["user"]
        if not resource_slug or not path or not username:
            raise CommandError("用法：import_sheet <resource> <file> --user <username> [--commit] [--report out.json]",
                               returncode=EXIT_UNREADABLE)
        try:
            resource_class = registry.get(resource_slug)
        except KeyError as exc:
            raise CommandError(str(exc.args[0]), returncode=EXIT_UNREADABLE) from None
        user = get_user_model().objects.filter(username=username, is_active=True).select_related("unit").first()
        if user is None:
            raise CommandError(f"账号「{username}」不存在或已停用。", returncode=EXIT_UNREADABLE)
        if not can_import(user, resource_class):
            raise CommandError(f"账号「{username}」没有导入{resource_class.verbose_name}的权限。",
                               returncode=EXIT_UNREADABLE)
        if not os.path.isfile(path):
            raise CommandError(f"文件「{path}」不存在。", returncode=EXIT_UNREADABLE)
        commit = options["commit"]
        step = STEP_WORDS["commit" if commit else "validation"]

        audited_people: set[Any] = set()  # each attempt's 查看敏感信息 rows outlive its rollback: written once

        def run() -> Any:  # the sheet is read anew by each attempt
            sheet = open_sheet(path, os.path.basename(path), resource_class)
            return run_import(resource_class, user, sheet, commit=commit, audited_people=audited_people)

        with acting_as(user, source=AuditSource.COMMAND):
            try:
                result = retrying_conflicts(
                    run, before_retry=lambda retry: self.stderr.write(RETRYING.format(step=step, retry=retry)))
            except FileError as exc:
                raise CommandError(exc.message, returncode=EXIT_UNREADABLE) from None
            except OperationalError as exc:
                if not in_conflict(exc):
                    raise
                raise CommandError(conflict_text(step) + "数据未作任何修改。请稍后重新运行本命令。",
                                   returncode=EXIT_CONFLICT) from None
        if options["report"]:
            with open(options["report"], "w", encoding="utf-8") as fh:
                json.dump(result.report(), fh, ensure_ascii=False, indent=2)
        if note := formula_note(result.formula_cells, result.formula_count):
            self.stderr.write(note)
        if note := ignored_note(result.ignored_headers, result.shown_only_headers):
            self.stderr.write(note)
        for error in result.errors[:50]:
            self.stderr.write(f"第 {error.row} 行 {error.column}：{error.message}")
        if result.error_count > 50:
            self.stderr.write(f"……另有 {result.error_count - 50} 处错误")
        done = "已导入" if result.committed else "校验"
        self.stdout.write(
            f"{done}：共 {result.rows} 行，新增 {result.new}，更新 {result.updated}，未变 {result.unchanged}，"
            f"错误 {result.error_rows} 行。"
        )
        if not result.ok:
            if options["commit"]:
                self.stderr.write("有错误，全部未导入。")
            raise SystemExit(EXIT_INVALID_ROWS)
