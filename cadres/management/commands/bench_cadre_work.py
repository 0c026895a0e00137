"""Benchmark: the cadre-work lists (选人用人监督, 后备干部, 教育培训, 挂职与驻村) as a
province officer sees them, on whatever data the database holds — the province demo
(``seed_demo --scale province``) for the figures quoted in the README.

    python manage.py bench_cadre_work [--user province_cadre] [--repeat 9]

Each changelist of the four apps and each of their 台账 is requested once to warm up and
check it answers 200, once with its SQL counted, then ``--repeat`` times. One line per page:
``<page> p50_ms=<ms> queries=<n>``; the last line: ``pages=<n> worst_p50_ms=<ms> worst=<page>
median_p50_ms=<ms>``. Query counts constant in page size are pinned by the tests under
tests/cadre_work/; this command reports time, which on a shared machine is a reading, not a
target.
"""

from __future__ import annotations

import contextlib
import statistics
import time
from typing import Any

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from orgwork.benchmarking import require_migrated
from orgwork.worklists import registry as worklists

APPS = ("selection", "reserve", "training", "secondment")


class Command(BaseCommand):
    help = "干部工作（选人用人监督、后备干部、教育培训、挂职与驻村）列表与台账的响应时间（p50）和查询次数。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--user", default="province_cadre", help="以哪个账号打开页面（默认 province_cadre）")
        parser.add_argument("--repeat", type=int, default=9, help="每页计时次数（默认 9）")

    def handle(self, *args: Any, **options: Any) -> None:
        require_migrated()
        user = get_user_model().objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(f"账号 {options['user']} 不存在（先运行 seed_demo）。")
        client = Client(SERVER_NAME="localhost")
        client.force_login(user)
        pages = self.pages(user)
        if not pages:
            raise CommandError("该账号看不到任何干部工作页面。")
        results = {}
        for name, url in pages:
            response = client.get(url, secure=True)
            if response.status_code != 200:
                raise CommandError(f"{url} 返回 {response.status_code}")
            # Reads may go to the replica alias: count on every connection.
            with contextlib.ExitStack() as stack:
                captured = [stack.enter_context(CaptureQueriesContext(c)) for c in connections.all()]
                client.get(url, secure=True)
            queries = sum(len(c.captured_queries) for c in captured)
            times = []
            for _ in range(max(1, options["repeat"])):
                started = time.perf_counter()
                client.get(url, secure=True)
                times.append((time.perf_counter() - started) * 1000)
            results[name] = statistics.median(times)
            self.stdout.write(f"{name} p50_ms={results[name]:.1f} queries={queries}")
        worst = max(results, key=results.__getitem__)
        self.stdout.write(f"pages={len(results)} worst_p50_ms={results[worst]:.1f} worst={worst} "
                          f"median_p50_ms={statistics.median(results.values()):.1f}")

    @staticmethod
    def pages(user: Any) -> list[tuple[str, str]]:
        pages = []
        for model in admin.site._registry:
            meta = model._meta
            if meta.app_label in APPS and user.has_perm(f"{meta.app_label}.view_{meta.model_name}"):
                pages.append((f"{meta.app_label}.{meta.model_name}",
                              reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")))
        for worklist in worklists.lists_for(user):
            if worklist.slug.split("_", 1)[0] in APPS:
                pages.append((f"台账:{worklist.slug}", reverse("admin:worklist", args=[worklist.slug])))
        return sorted(pages)
