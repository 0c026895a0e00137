"""Server-drawn SVG charts for the dashboard: readable without script, printable,
and every bar or point a link to the list behind it."""

from __future__ import annotations

import math
from typing import Any

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

PALETTE = ["#9f1d20", "#2f5f8a", "#d08a2a", "#4d7f4a", "#6b4f8f", "#7a7a7a", "#b3555a", "#3f8f9a"]
WIDTH, PLOT_HEIGHT = 640, 200
LEFT, RIGHT, TOP, LABELS = 48, 12, 12, 58
LEGEND_ROW = 16
MAX_SERIES = 6  # more lines than this cannot be told apart: the rest become 其他
LABEL_CHARS = 9  # "2026年10月" whole, so that October and November differ
LABEL_ANGLE = 30  # degrees the axis labels are turned by
LABEL_DROP = 16  # from the axis to a label's end
LABEL_GLYPH = 1.1  # a label's 11-pixel glyphs against the widths _text_width counts
LABEL_GAP = 8  # between the lowest label and the legend
# A bar chart of more categories than this (the units below a province or a city) lies on
# its side: one row per category, its name level and readable, the chart as tall as it needs.
UPRIGHT_MAX = 8
ROW_LABEL_CHARS = 12  # a name longer than this is cut, whole on hover
ROW_BAR = 14  # a row's bars: one series takes 14 px, several share 20 (at least 4 each)
ROW_BARS = 20
ROW_GAP = 8
VALUE_AXIS = 20  # the value ticks above the first row


def nice_max(value: float) -> float:
    """The axis top: the value rounded up to 1, 2, 2.5 or 5 times a power of ten."""
    if value <= 0:
        return 1
    magnitude = 10 ** math.floor(math.log10(value))
    return next(m * magnitude for m in (1, 2, 2.5, 5, 10) if value <= m * magnitude)


def ticks(top_value: float, *, counts: bool) -> list[float]:
    """Axis ticks from 0 to the top. Counts get whole-number ticks only (no 0.5 人)."""
    if not counts:
        top = nice_max(top_value)
        return [top * i / 4 for i in range(5)]
    top = max(1, math.ceil(top_value))
    step = max(1, math.ceil(top / 4))
    # A round step (1, 2, 5, 10, 20, 25, 50 …) reads better than 3 or 7.
    magnitude = 10 ** math.floor(math.log10(step))
    step = next(int(m * magnitude) for m in (1, 2, 2.5, 5, 10) if step <= m * magnitude and (m * magnitude) % 1 == 0)
    return [float(step * i) for i in range(math.ceil(top / step) + 1)]


def fold_series(series: list[Any], *, unit: str, lowest_first: bool = False) -> list[Any]:
    """At most MAX_SERIES series, so that a legend never runs out of room: the largest
    ones (or, with ``lowest_first``, the lowest rates: those that need attention), then
    其他 — the sum of the rest, or for rates their mean, weighted by what each rate is a
    share of when the series say it (``Series.weights``) and said to be a simple mean
    when they do not."""
    if len(series) <= MAX_SERIES:
        return series
    rate = unit == "%"
    if lowest_first:
        # A series with nothing due (no weight at all) is no low rate: it goes last.
        ranked = sorted(series, key=lambda s: (s.weights is not None and not any(s.weights),
                                               sum(s.values) / max(len(s.values), 1)))
    else:
        ranked = sorted(series, key=lambda s: -sum(s.values))
    keep, rest = ranked[: MAX_SERIES - 1], ranked[MAX_SERIES - 1:]
    width = max(len(s.values) for s in rest)
    weighted = rate and all(s.weights is not None and len(s.weights) == len(s.values) for s in rest)
    values: list[float | int] = []
    for i in range(width):
        column = [s for s in rest if i < len(s.values)]
        if not rate:
            values.append(sum(s.values[i] for s in column))
        elif weighted:
            due = sum(s.weights[i] for s in column)
            values.append(round(sum(s.values[i] * s.weights[i] for s in column) / due, 1) if due else 0)
        else:
            values.append(round(sum(s.values[i] for s in column) / len(column), 1))
    how = "合计" if not rate else ("加权平均" if weighted else "简单平均")
    other = type(rest[0])(f"其他{len(rest)}项（{how}）", values)
    return [*keep, other]


def _text_width(text: str) -> float:
    return sum(10 if ord(ch) > 0x2E80 else 6 for ch in text)


def _legend(series: list[Any], top: float) -> tuple[list[str], float]:
    """Legend entries wrapped into rows inside the chart's width; returns parts and height."""
    parts: list[str] = []
    x, y = LEFT, top
    for si, s in enumerate(series):
        entry = 16 + _text_width(s.name) + 14
        if x + entry > WIDTH - RIGHT and x > LEFT:
            x, y = LEFT, y + LEGEND_ROW
        parts.append(f'<rect x="{x:.0f}" y="{y:.0f}" width="10" height="10" fill="{PALETTE[si % len(PALETTE)]}"/>')
        parts.append(f'<text x="{x + 14:.0f}" y="{y + 9:.0f}" font-size="11" fill="#333">{escape(s.name)}</text>')
        x += entry
    return parts, (y - top + LEGEND_ROW) if series else 0


def _axis(tick_values: list[float], top: float, unit: str = "") -> list[str]:
    parts = []
    for v in tick_values:
        y = TOP + PLOT_HEIGHT - PLOT_HEIGHT * (v / top)
        label = _tick_label(v, unit)
        parts.append(f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" stroke="#e3e3e3"/>')
        parts.append(f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11" fill="#666">{label}</text>')
    return parts


def _mark(tag: str, attrs: str, url: str | None, tip: str) -> str:
    """One bar or point with its figure as a tooltip, linked to the list behind it."""
    element = f"<{tag} {attrs}><title>{escape(tip)}</title></{tag}>"
    return f'<a href="{escape(url)}">{element}</a>' if url else element


def _is_count(data: Any, series: list[Any]) -> bool:
    return data.unit != "%" and all(float(v).is_integer() for s in series for v in s.values)


def _svg_open(overhang: float, height: float, title: str) -> str:
    """The chart's opening tag: WIDTH wide, plus ``overhang`` to the left of the axis."""
    return (f'<svg class="orgwork-chart" viewBox="{-overhang} 0 {WIDTH + overhang} {height:.0f}" role="img" '
            f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">')


def _tick_label(value: float, unit: str = "") -> str:
    """A tick as it is: a rate axis up to 50 % reads 0, 12.5, 25, 37.5, 50 (not 12 and 38),
    each with its % (an axis of 0 to 2 would otherwise read as counts)."""
    text = f"{value:.0f}" if float(value).is_integer() else f"{value:.4f}".rstrip("0")
    return text + "%" if unit == "%" else text


def _lying_bars(data: Any, labels: list[str], series: list[Any], tick_values: list[float], title: str) -> SafeString:
    """Many categories as rows: name on the left, bars to the right, value ticks on top."""
    top = tick_values[-1] or 1
    shown = [label if len(label) <= ROW_LABEL_CHARS else label[: ROW_LABEL_CHARS - 1] + "…" for label in labels]
    left = math.ceil(max(_text_width(text) * LABEL_GLYPH for text in shown)) + 8
    plot_w = WIDTH - left - RIGHT
    bar = ROW_BAR if len(series) == 1 else max(4, ROW_BARS // len(series))
    row = bar * len(series) + ROW_GAP
    base = TOP + VALUE_AXIS
    plot_h = row * len(labels)
    legend, legend_h = _legend(series, base + plot_h + LABEL_GAP) if len(series) > 1 else ([], 0)
    height = base + plot_h + LABEL_GAP + legend_h + 4
    parts = [_svg_open(0, height, title)]
    for v in tick_values:
        x = left + plot_w * (v / top)
        parts.append(f'<line x1="{x:.1f}" y1="{base - 4}" x2="{x:.1f}" y2="{base + plot_h}" stroke="#e3e3e3"/>')
        parts.append(f'<text x="{x:.1f}" y="{base - 8}" text-anchor="middle" font-size="11" fill="#666">'
                     f'{_tick_label(v, data.unit)}</text>')
    for i, (label, text) in enumerate(zip(labels, shown)):
        y = base + row * i + ROW_GAP / 2
        parts.append(f'<text x="{left - 8}" y="{y + bar * len(series) / 2 + 4:.1f}" text-anchor="end" font-size="11" '
                     f'fill="#333"><title>{escape(label)}</title>{escape(text)}</text>')
        for si, s in enumerate(series):
            v = s.values[i]
            attrs = (f'x="{left}" y="{y + bar * si:.1f}" width="{plot_w * (v / top):.1f}" height="{bar - 1}" '
                     f'fill="{PALETTE[si % len(PALETTE)]}"')
            parts.append(_mark("rect", attrs, s.link(i), f"{s.name} {label}：{v}{data.unit}"))
    parts.extend(legend)
    parts.append("</svg>")
    return mark_safe("".join(parts))


@register.simple_tag
def svg_chart(data: Any, title: str = "") -> SafeString:
    labels = list(data.labels)
    drawn = data.drawn_series  # a table-only column (占比) is not drawn
    if not labels or not drawn:
        return format_html('<p class="help">{}</p>', "暂无数据。")
    series = fold_series(drawn, unit=data.unit, lowest_first=getattr(data, "lowest_first", False))
    counts = _is_count(data, series)
    tick_values = ticks(max((max(s.values) if s.values else 0) for s in series), counts=counts)
    # Bars lie on their side for more categories than fit upright, or when most names are
    # too long to stand under their bars whole (主要负责人离任未检查 was cut to 主要负责人离任未…);
    # one long name among short ones is cut on the axis and whole on hover.
    too_long = sum(len(label) > LABEL_CHARS for label in labels)
    if data.kind != "line" and (len(labels) > UPRIGHT_MAX or too_long * 2 > len(labels)):
        return _lying_bars(data, labels, series, tick_values, title)
    top = tick_values[-1] or 1
    plot_w = WIDTH - LEFT - RIGHT
    slot = plot_w / len(labels)
    shown = [label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…" for label in labels]
    # A label is drawn from its tick leftwards and, turned by 30°, downwards: the legend goes
    # below the lowest label, and the picture widens to the left for a long first label.
    spans = [_text_width(text) * LABEL_GLYPH for text in shown]
    labels_h = max(LABELS, LABEL_DROP + max(spans) * math.sin(math.radians(LABEL_ANGLE)) + LABEL_GAP)
    overhang = math.ceil(max(0.0, *(span * math.cos(math.radians(LABEL_ANGLE)) - (LEFT + slot * (i + 0.5))
                          for i, span in enumerate(spans))))
    legend, legend_h = _legend(series, TOP + PLOT_HEIGHT + labels_h) if len(series) > 1 else ([], 0)
    height = TOP + PLOT_HEIGHT + labels_h + legend_h + 4
    parts = [_svg_open(overhang, height, title), *_axis(tick_values, top, data.unit)]
    base = TOP + PLOT_HEIGHT
    if data.kind == "line":
        for si, s in enumerate(series):
            colour = PALETTE[si % len(PALETTE)]
            points = [(LEFT + slot * (i + 0.5), base - PLOT_HEIGHT * (v / top)) for i, v in enumerate(s.values)]
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
            parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
            for i, (x, y) in enumerate(points):
                parts.append(_mark("circle", f'cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{colour}"', s.link(i),
                                   f"{s.name} {labels[i]}：{s.values[i]}{data.unit}"))
    else:
        width = slot * 0.7 / len(series)
        for si, s in enumerate(series):
            colour = PALETTE[si % len(PALETTE)]
            for i, v in enumerate(s.values):
                h = PLOT_HEIGHT * (v / top)
                x = LEFT + slot * i + slot * 0.15 + width * si
                attrs = f'x="{x:.1f}" y="{base - h:.1f}" width="{max(width - 1, 1):.1f}" height="{h:.1f}" fill="{colour}"'
                parts.append(_mark("rect", attrs, s.link(i), f"{s.name} {labels[i]}：{v}{data.unit}"))
    for i, (label, text) in enumerate(zip(labels, shown)):
        x = LEFT + slot * (i + 0.5)
        parts.append(f'<text x="{x:.1f}" y="{base + LABEL_DROP}" text-anchor="end" font-size="11" fill="#333" '
                     f'transform="rotate(-{LABEL_ANGLE} {x:.1f} {base + LABEL_DROP})"><title>{escape(label)}</title>'
                     f'{escape(text)}</text>')
    parts.extend(legend)
    parts.append("</svg>")
    return mark_safe("".join(parts))
