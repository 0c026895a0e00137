"""Server-drawn SVG charts for the dashboard: readable without script, printable,
and every bar or point a link to the list behind it."""

from __future__ import annotations

import math
from typing import Any

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

PALETTE = ["#417690", "#e07b39", "#5b8c5a", "#b0413e", "#8064a2", "#c9a227"]
WIDTH, HEIGHT = 560, 240
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 12, 56


def nice_max(value: float) -> float:
    """The axis top: the value rounded up to 1, 2, 2.5 or 5 times a power of ten."""
    if value <= 0:
        return 1
    magnitude = 10 ** math.floor(math.log10(value))
    return next(m * magnitude for m in (1, 2, 2.5, 5, 10) if value <= m * magnitude)


def _axis(top: float) -> list[str]:
    parts = []
    plot_h = HEIGHT - TOP - BOTTOM
    for i in range(5):
        v = top * i / 4
        y = TOP + plot_h - plot_h * i / 4
        label = f"{v:.0f}" if top >= 4 else f"{v:.1f}"
        parts.append(f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" stroke="#ddd"/>')
        parts.append(f'<text x="{LEFT - 4}" y="{y + 4:.1f}" text-anchor="end" font-size="10" fill="#666">{label}</text>')
    return parts


def _mark(tag: str, attrs: str, url: str | None, tip: str) -> str:
    """One bar or point with its figure as a tooltip, linked to the list behind it."""
    element = f"<{tag} {attrs}><title>{escape(tip)}</title></{tag}>"
    return f'<a href="{escape(url)}">{element}</a>' if url else element


@register.simple_tag
def svg_chart(data: Any, title: str = "") -> SafeString:
    labels = list(data.labels)
    if not labels or not data.series:
        return format_html('<p class="help">{}</p>', "暂无数据。")
    top = nice_max(max((max(s.values) if s.values else 0) for s in data.series))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / len(labels)
    parts = [f'<svg class="orgwork-chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(title)}" '
             f'xmlns="http://www.w3.org/2000/svg" style="max-width:100%;height:auto">', *_axis(top)]
    if data.kind == "line":
        for si, series in enumerate(data.series):
            colour = PALETTE[si % len(PALETTE)]
            points = [(LEFT + slot * (i + 0.5), TOP + plot_h - plot_h * (v / top)) for i, v in enumerate(series.values)]
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
            parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
            for i, (x, y) in enumerate(points):
                parts.append(_mark("circle", f'cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{colour}"', series.link(i),
                                   f"{series.name} {labels[i]}：{series.values[i]}{data.unit}"))
    else:
        width = slot * 0.8 / len(data.series)
        for si, series in enumerate(data.series):
            colour = PALETTE[si % len(PALETTE)]
            for i, v in enumerate(series.values):
                h = plot_h * (v / top)
                x = LEFT + slot * i + slot * 0.1 + width * si
                attrs = f'x="{x:.1f}" y="{TOP + plot_h - h:.1f}" width="{max(width - 1, 1):.1f}" height="{h:.1f}" fill="{colour}"'
                parts.append(_mark("rect", attrs, series.link(i), f"{series.name} {labels[i]}：{v}{data.unit}"))
    for i, label in enumerate(labels):
        x = LEFT + slot * (i + 0.5)
        text = escape(label if len(label) <= 6 else label[:6] + "…")
        parts.append(f'<text x="{x:.1f}" y="{HEIGHT - BOTTOM + 14}" text-anchor="end" font-size="10" fill="#333" '
                     f'transform="rotate(-35 {x:.1f} {HEIGHT - BOTTOM + 14})">{text}</text>')
    if len(data.series) > 1:
        for si, series in enumerate(data.series):
            x = LEFT + si * 110
            parts.append(f'<rect x="{x}" y="{HEIGHT - 12}" width="10" height="10" fill="{PALETTE[si % len(PALETTE)]}"/>')
            parts.append(f'<text x="{x + 14}" y="{HEIGHT - 3}" font-size="10">{escape(series.name)}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))
