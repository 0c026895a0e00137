"""Where the cadre domain's own subpackages (cadres.secondment, …) add to the cadre page
and the 任免审批表 without the registry importing them: each registers from its
``AppConfig.ready``.

- :func:`register_cadre_inline`: a (read-only) inline shown on the cadre's page;
- :func:`register_resume_lines`: ``f(cadre) -> [(start day, line)]``, lines merged into
  the 简历 in date order among the typed ones — on the printed form and in the exported
  ``.lrmx`` (:func:`merge_resume`); an imported ``.lrmx`` gives them back
  (:func:`unmerge_resume`), so they are never stored as typed text.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from typing import Any

CADRE_INLINES: list[type[Any]] = []
RESUME_SOURCES: list[Callable[[Any], list[tuple[datetime.date, str]]]] = []

_LINE_START = re.compile(r"^\s*(\d{4})[.．](\d{1,2})")
# A 简历 line: its start month, then (after "--", "—" or the like) its end month, if any, and
# what it says.
_LINE = re.compile(r"^\s*(\d{4})[.．](\d{1,2})\s*(?:--|[-—–－~～]+)?\s*(?:\d{4}[.．]\d{1,2})?\s*(.*?)\s*$")


def register_cadre_inline(inline: type[Any]) -> None:
    if inline not in CADRE_INLINES:
        CADRE_INLINES.append(inline)


def register_resume_lines(source: Callable[[Any], list[tuple[datetime.date, str]]]) -> None:
    if source not in RESUME_SOURCES:
        RESUME_SOURCES.append(source)


def line_key(line: str) -> tuple[str, str] | None:
    """(start month, what the line says without spaces): the same 简历 line written with
    ``--`` or ``—``, one space or two, with or without its end month, has the same key.
    None for a line that does not start with a month."""
    match = _LINE.match(line)
    if match is None or not match[3]:
        return None
    return f"{int(match[1]):04d}.{int(match[2]):02d}", "".join(match[3].split())


def registered_lines(cadre: Any) -> list[tuple[datetime.date, str]]:
    """Every registered source's lines for ``cadre`` (none for a cadre not yet stored)."""
    if getattr(cadre, "pk", None) is None:
        return []
    return [(day, line) for source in RESUME_SOURCES for day, line in source(cadre)]


def merge_resume(typed: list[str], cadre: Any) -> list[str]:
    """The typed 简历 lines with each registered line put before the first typed line that
    starts later (a line without a leading ``YYYY.MM`` stays with the line above it);
    a registered line already typed (the same start month and words, :func:`line_key`)
    is not repeated."""
    extra = registered_lines(cadre)
    if not extra:
        return typed
    present = {line_key(t) for t in typed} | {" ".join(t.split()) for t in typed}
    merged: list[str] = []
    pending = sorted((item for item in extra
                      if line_key(item[1]) not in present and " ".join(item[1].split()) not in present),
                     key=lambda i: i[0])
    for line in typed:
        match = _LINE_START.match(line)
        if match:
            start = datetime.date(int(match[1]), min(max(int(match[2]), 1), 12), 1)
            while pending and pending[0][0] < start:
                merged.append(pending.pop(0)[1])
        merged.append(line)
    merged.extend(line for _, line in pending)
    return merged


def merged_resume_text(cadre: Any) -> str:
    """The stored 简历 with the registered lines merged in, as one text (the ``.lrmx`` JianLi)."""
    text = (cadre.resume or "").replace("\r\n", "\n").replace("\r", "\n")
    if not registered_lines(cadre):
        return text
    return "\n".join(merge_resume(text.rstrip("\n").split("\n"), cadre))


def unmerge_resume(text: str, cadre: Any) -> str:
    """An imported 简历 without the lines the registered sources give for ``cadre`` (they
    come from the records, not from what was typed), unless the stored 简历 has that line
    typed itself. A file exported and imported again leaves the stored 简历 as it was."""
    registered = {line_key(line) for _, line in registered_lines(cadre)} - {None}
    if not registered:
        return text
    typed = {line_key(line) for line in (cadre.resume or "").splitlines()}
    kept = [line for line in text.split("\n") if (key := line_key(line)) is None or key not in registered
            or key in typed]
    return "\n".join(kept)
