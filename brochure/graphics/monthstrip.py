"""The meetings at a glance: one column per month, one marker per meeting, shaped by network.

    render_strip(pub, lang, width_mm=174, scale=1) -> str   # <svg> element, mm user units
    months_of(events) -> [date]                      # the first day of every month spanned

The table under it (templates/components.html `timeline`) carries every detail and is the text
equivalent; the strip only shows the rhythm of the programme, legible at arm's length.
"""
from __future__ import annotations

import datetime as dt
from xml.sax.saxutils import escape

from ..model import UNKNOWN
from .map import marker_svg
from .shapes import PENDING, RING
from .svgtext import cap_height, pt

MARKER_R = 1.55              # mm
STEP = 3.9                   # vertical pitch of stacked markers, mm
LABEL = pt(7.5)
INK = "#1c2430"
MUTED = "#4d5766"
RULE = "#c9d1db"
BAND = "#eef2f6"


def months_of(events) -> list:
    first = min(e.start for e in events)
    last = max(e.end if isinstance(e.end, dt.date) else e.start for e in events)
    months, d = [], dt.date(first.year, first.month, 1)
    while d <= last:
        months.append(d)
        d = dt.date(d.year + d.month // 12, d.month % 12 + 1, 1)
    return months


def _marker(pub, event, x, y, r=MARKER_R) -> str:
    if event.network == "all":
        return (f'<circle cx="{x:.2f}" cy="{y:.2f}" r="{r - 0.3:.2f}" fill="#ffffff" '
                f'stroke="{RING}" stroke-width="0.55"/>')
    if event.network == UNKNOWN:
        return (f'<circle cx="{x:.2f}" cy="{y:.2f}" r="{r - 0.3:.2f}" fill="#ffffff" '
                f'stroke="{PENDING}" stroke-width="0.4" stroke-dasharray="0.6 0.45"/>')
    n = pub.network(event.network)
    return marker_svg(n.shape, x, y, n.colour, r=r)


def render_strip(pub, lang: str, width_mm: float = 174, count_text: str = "",
                 scale: float = 1.0, label_pt: float = 7.5) -> str:
    """scale: the markers and their pitch (A4 is read at arm's length); label_pt: the month
    names, one of the type scale's sizes."""
    events = sorted(pub.events, key=lambda e: e.start)
    months = months_of(events)
    per_month = {m: [e for e in events if (e.start.year, e.start.month) == (m.year, m.month)]
                 for m in months}
    tallest = max(len(v) for v in per_month.values())
    col = width_mm / len(months)
    r, step, label = MARKER_R * scale, STEP * scale, pt(label_pt)
    axis = 1.2 + tallest * step + 0.6
    height = axis + label * 2.6 + 1.0
    labels = pub.labels[lang]
    names = [labels.month(m, "abbreviated") for m in range(1, 13)]
    cap = cap_height(label)
    title = labels["strip_title"].format(
        first=f"{names[months[0].month - 1]} {months[0].year}",
        last=f"{names[months[-1].month - 1]} {months[-1].year}", count=count_text or len(events))
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="strip" width="{width_mm:.2f}mm" '
           f'height="{height:.2f}mm" viewBox="0 0 {width_mm:.2f} {height:.2f}" font-family="Lato">',
           f"<title>{escape(title)}</title>"]
    for i, m in enumerate(months):
        x0 = i * col
        if i % 2 == 0:
            out.append(f'<rect x="{x0:.2f}" y="0" width="{col:.2f}" height="{axis:.2f}" fill="{BAND}"/>')
        for j, e in enumerate(per_month[m]):
            out.append(_marker(pub, e, x0 + col / 2, axis - 0.6 - r - j * step, r))
        out.append(f'<text x="{x0 + col / 2:.2f}" y="{axis + 1.4 + cap:.2f}" font-size="{label:.3f}" '
                   f'text-anchor="middle" fill="{INK}">{escape(names[m.month - 1])}</text>')
        if i == 0 or m.month == 1:
            out.append(f'<text x="{x0 + col / 2:.2f}" y="{axis + 1.4 + cap + label * 1.25:.2f}" '
                       f'font-size="{label:.3f}" font-weight="bold" text-anchor="middle" '
                       f'fill="{MUTED}">{m.year}</text>')
    out.append(f'<line fill="none" x1="0" y1="{axis:.2f}" x2="{width_mm:.2f}" y2="{axis:.2f}" stroke="{MUTED}" '
               f'stroke-width="0.3"/>')
    out.append("</svg>")
    return "\n".join(out)
