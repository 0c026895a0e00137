"""The job page's preview (导入预览) and its links to the rows written (查看新增的 N 条).

The validation keeps the sheet's first rows on the job (``ImportJob.preview``, made by
the engine as it checks them — see ``ImportEngine._collect_preview``): what each would
do, the resource's key columns as read, an updated row's changes as the audit trail
keeps them, and its errors. This module makes them a table for the reader: personal
data in the form it will be stored (an ID number typed in full-width digits or with
spaces as it is kept, ``secrets.stored_form``) and masked unless the reader holds the
right that governs the sheet (then shown in full, and recorded as 查看敏感信息), changes in plain Chinese ("职务：旧 → 新", related
records named only within the reader's jurisdiction), any number in a message masked,
a long value quoted in a message or shown in a cell cut short (``shown_message``): the
error workbook keeps every cell whole.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from django.db.models import Count
from django.urls import NoReverseMatch, reverse

from orgwork.audit.presentation import readable_entries
from orgwork.common import secrets

from . import registry
from .access import governing_model, may_unmask_job
from .exporting import _sensitive_headers
from .filters import PARAMETER, filter_value
from .models import ImportJob, ImportJobRow, JobStatus, RowAction

ACTION_LABELS = {"new": "新增", "updated": "更新", "unchanged": "未变", "error": "有误"}

QUOTE_LIMIT = 50  # characters of a value a message quotes on a page
CELL_LIMIT = 200  # characters of a cell the preview shows
MESSAGE_LIMIT = 500  # characters of a whole message, whatever it quotes
_QUOTED = re.compile(r"「([^「」]*)」")


def shortened(value: Any, limit: int) -> Any:
    """``value`` cut to its first ``limit`` characters, saying how long it was."""
    if not isinstance(value, str) or len(value) <= limit:
        return value
    return f"{value[:limit]}…（共{len(value)}字）"


def shown_message(message: Any) -> Any:
    """A row's message as a page shows it: a quoted value (「…」) longer than
    ``QUOTE_LIMIT`` characters is cut short, and so is a message longer than
    ``MESSAGE_LIMIT``; the number in it is masked. A 5,000-character cell quoted whole
    stretched the job page to dozens of screens."""
    if not isinstance(message, str):
        return message
    cut = _QUOTED.sub(lambda m: f"「{shortened(m.group(1), QUOTE_LIMIT)}」", message)
    return shortened(secrets.mask_text(cut), MESSAGE_LIMIT)


@dataclass
class PreviewRow:
    row: int
    action: str
    label: str
    cells: list[str]
    changes: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@dataclass
class Preview:
    headers: list[str]
    rows: list[PreviewRow]
    counts: list[tuple[str, str, int]]  # (action, label, number of rows shown)
    masked: bool = False  # some personal data is shown masked


def job_preview(job: ImportJob, user: Any, *, full: bool = False) -> Preview | None:
    """The job's first rows as ``user`` may read them; None when the job has none.
    Personal data is masked, as on every list; ``full`` (asked for on the page) shows
    it whole to a reader who holds the right, recorded as 查看敏感信息."""
    if not job.preview:
        return None
    try:
        resource_class = registry.get(job.resource)
    except KeyError:
        return None
    model = resource_class._meta.model
    sensitive = _sensitive_headers(job)
    unmask = full and may_unmask_job(user, job)
    entries = [SimpleNamespace(changes=row.get("changes") or {}) for row in job.preview]
    readable = readable_entries(model, entries, user)
    headers = [header for header, _ in job.preview[0].get("cells", [])]
    shown_in_full = any_masked = False
    rows = []
    for row, (_, changes) in zip(job.preview, readable):
        cells = []
        for header, value in row.get("cells", []):
            kind = sensitive.get(header)
            # What will be stored, not as typed: １２３ and 1 2 3 are one number.
            value = secrets.stored_form(value, kind)
            if kind is not None and unmask and value:
                shown_in_full = True
                cells.append(value)
            else:
                masked = kind is not None and bool(value)
                any_masked = any_masked or masked
                cells.append(shortened(secrets.mask_cell(value, kind) or "", CELL_LIMIT))
        action = row.get("action", "error")
        rows.append(PreviewRow(
            row=row.get("row", 0), action=action, label=ACTION_LABELS.get(action, action), cells=cells,
            changes=[f"{c.label}：{shortened(secrets.mask_text(c.old), CELL_LIMIT)} → "
                     f"{shortened(secrets.mask_text(c.new), CELL_LIMIT)}" for c in changes],
            errors=[shown_message(f"{e['column']}：{e['message']}" if e.get("column") else e["message"])
                    for e in row.get("errors", [])],
        ))
    if shown_in_full:
        secrets.record_full_view(user=user, model=governing_model(resource_class),
                                 purpose=f"导入任务 {job.pk} 的预览")
    counts = [(action, label, sum(1 for r in rows if r.action == action)) for action, label in ACTION_LABELS.items()]
    return Preview(headers=headers, rows=rows, counts=counts, masked=any_masked)


@dataclass
class RowsLink:
    label: str
    url: str
    count: int


def written_links(job: ImportJob) -> list[RowsLink]:
    """查看新增的 N 条 / 查看更新的 N 条: the imported model's list filtered to the rows
    the job wrote. Only for a finished job (a failed one wrote nothing) whose model
    has a list page; the list itself is scoped to the reader."""
    if job.status != JobStatus.DONE:
        return []
    try:
        model = registry.get(job.resource)._meta.model
        changelist = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    except (KeyError, NoReverseMatch):
        return []
    counted = _counts(job)
    links = []
    for action, key, label in ((RowAction.NEW, "new", "新增"), (RowAction.UPDATED, "updated", "更新")):
        count = counted.get(action, 0)
        if count:
            links.append(RowsLink(f"查看{label}的 {count} 条", f"{changelist}?{PARAMETER}={filter_value(job, key)}",
                                  count))
    return links


def _counts(job: ImportJob) -> dict[int, int]:
    """The rows the job wrote, by action (a job finished before they were recorded: none)."""
    return {action: n for action, n in
            ImportJobRow.objects.filter(job=job).values_list("action").annotate(n=Count("object_id")).order_by()}
