"""bench_members at a tiny size: it builds its data, reuses it, and ends with the summary line."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command

from branches.members import selectors
from branches.members.models import DuesRecord, Member

LINE = (r"members_p50_ms=[\d.]+ stock_p50_ms=[\d.]+ ratio=[\d.]+ arrears_ms=[\d.]+ naive_arrears_ms=[\d.]+ "
        r"arrears_ratio=[\d.]+ members=(\d+) dues=(\d+)")


@pytest.mark.django_db(transaction=True)
def test_bench_members_builds_reuses_and_prints_the_summary_line() -> None:
    out = io.StringIO()
    call_command("bench_members", members=200, months=3, repeat=1, stdout=out)
    lines = out.getvalue().strip().splitlines()
    match = re.fullmatch(LINE, lines[-1])
    assert match, out.getvalue()
    assert re.fullmatch(r"默认选项的 ModelAdmin（另计全表总数、每页 100 行）：p50 [\d.]+ 毫秒，为本系统名册的 [\d.]+ 倍",
                        lines[-2]), lines[-2]
    assert int(match.group(1)) == Member.objects.count() == 200
    assert int(match.group(2)) == DuesRecord.objects.count() == 600
    owing = [m.pk for m in selectors.arrears_naive()]
    assert owing and sorted(owing) == sorted(Member.objects.filter(unpaid_months__gt=0).values_list("pk", flat=True))
    again = io.StringIO()
    call_command("bench_members", members=200, months=3, repeat=1, stdout=again)
    assert "新增党员 0，新增党费记录 0" in again.getvalue()


@pytest.mark.django_db(transaction=True)
def test_bench_members_with_reuse_times_the_data_already_built_and_writes_nothing() -> None:
    call_command("bench_members", members=120, months=2, repeat=1, stdout=io.StringIO())
    members, dues = Member.objects.count(), DuesRecord.objects.count()
    out = io.StringIO()
    call_command("bench_members", members=500, months=6, repeat=1, reuse=True, stdout=out)
    assert "复用已有的基准数据" in out.getvalue()
    match = re.fullmatch(LINE, out.getvalue().strip().splitlines()[-1])
    assert match and int(match.group(1)) == members == Member.objects.count() == 120
    assert int(match.group(2)) == dues == DuesRecord.objects.count() == 240


@pytest.mark.django_db(transaction=True)
def test_bench_members_with_reuse_and_no_data_says_to_build_first() -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="没有可复用的基准数据"):
        call_command("bench_members", reuse=True, stdout=io.StringIO())


def test_the_ratio_is_taken_against_the_stock_admin_counting_once_with_our_page_size() -> None:
    from django.contrib.admin import ModelAdmin

    from branches.members.benchmarks import FastStockMemberAdmin, StockMemberAdmin, fast_site, stock_site
    from orgwork.admin_base import ScopedModelAdmin

    fast, default = fast_site._registry[Member], stock_site._registry[Member]
    assert type(fast) is FastStockMemberAdmin and type(default) is StockMemberAdmin
    assert fast.show_full_result_count is False and fast.list_per_page == ScopedModelAdmin.list_per_page
    assert default.show_full_result_count is ModelAdmin.show_full_result_count is True
    assert default.list_per_page == ModelAdmin.list_per_page == 100
