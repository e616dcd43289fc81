"""The meetings at a glance: one column per month, one marker per meeting, shaped by network.

    render_strip(pub, lang, width_mm=174, scale=1) -> str   # <svg> element, mm user units
    months_of(events) -> [date]                      # the first day of every month spanned

The table under it (templates/components.html `timeline`) carries every detail and is the text
equivalent; the strip only shows the rhythm of the programme, legible at arm's length.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from xml.sax.saxutils import escape

from ...model import UNKNOWN
from .map import marker_svg
from .svgtext import cap_height, pt
from .tokens import colours, text_font

MARKER_R = 1.55              # mm
STEP = 3.9                   # vertical pitch of stacked markers, mm
RING_INSET = 0.3             # a ring (all networks, unknown network) is this much smaller than a marker
ALL_RING = 0.55              # its stroke width
UNKNOWN_RING, UNKNOWN_DASHES = 0.4, "0.6 0.45"   # a draft's mark of an unknown network
NEUTRAL_DOT = 0.65           # a reader's edition: a meeting of no known network, a smaller grey dot
                             # (smaller than a network's circle: not told from it by colour alone)
                             # (this share of a marker's radius), no category of its own
AXIS_WIDTH = 0.3
ABOVE_STACK, BELOW_STACK = 1.2, 0.6   # room over the tallest stack of markers, and under it
NAME_DROP = 1.4              # the axis to the month names' cap height
LINES_UNDER_AXIS = 2.6       # month name and year, in month-name sizes
FOOT = 1.0
YEAR_LEADING = 1.25          # month name's baseline to the year's, times the size
COLOURS = ("ink", "muted", "tint", "paper", "strip-all", "strip-unknown")


def months_of(events) -> list:
    first = min(e.start for e in events)
    last = max(e.end if isinstance(e.end, dt.date) else e.start for e in events)
    months, d = [], dt.date(first.year, first.month, 1)
    while d <= last:
        months.append(d)
        d = dt.date(d.year + d.month // 12, d.month % 12 + 1, 1)
    return months


def _marker(pub, event, x, y, r, ink, draft=False) -> str:
    if event.network == "all":
        return (f'<circle cx="{x:.2f}" cy="{y:.2f}" r="{r - RING_INSET:.2f}" fill="{ink["paper"]}" '
                f'stroke="{ink["strip-all"]}" stroke-width="{ALL_RING}"/>')
    if event.network == UNKNOWN and not draft:
        return (f'<circle class="neutral" cx="{x:.2f}" cy="{y:.2f}" r="{r * NEUTRAL_DOT:.2f}" '
                f'fill="{ink["strip-unknown"]}"/>')
    if event.network == UNKNOWN:
        return (f'<circle cx="{x:.2f}" cy="{y:.2f}" r="{r - RING_INSET:.2f}" fill="{ink["paper"]}" '
                f'stroke="{ink["strip-unknown"]}" stroke-width="{UNKNOWN_RING}" '
                f'stroke-dasharray="{UNKNOWN_DASHES}"/>')
    n = pub.network(event.network)
    return marker_svg(n.shape, x, y, n.colour, r=r)


@dataclass(frozen=True)
class _Grid:
    """The strip's measures (mm): a column per month, markers stacked up from the axis."""
    column: float
    r: float
    step: float
    label: float                 # the month names' size
    axis: float                  # y of the axis line

    @property
    def height(self) -> float:
        return self.axis + self.label * LINES_UNDER_AXIS + FOOT


def render_strip(pub, lang: str, width_mm: float = 174, count_text: str = "",
                 scale: float = 1.0, label_pt: float = 7.5, draft: bool = False) -> str:
    """scale: the markers and their pitch (A4 is read at arm's length); label_pt: the month
    names, one of the type scale's sizes; draft: a meeting of no known network marked as such
    (a reader's edition draws it as a neutral dot)."""
    events = sorted(pub.events, key=lambda e: e.start)
    months = months_of(events)
    per_month = {m: [e for e in events if (e.start.year, e.start.month) == (m.year, m.month)]
                 for m in months}
    tallest = max(len(v) for v in per_month.values())
    r, step = MARKER_R * scale, STEP * scale
    grid = _Grid(width_mm / len(months), r, step, pt(label_pt), ABOVE_STACK + tallest * step + BELOW_STACK)
    ink = colours(*COLOURS)
    labels = pub.labels[lang]
    names = [labels.month(m, "abbreviated") for m in range(1, 13)]
    # the title is what a screen reader says: months in words ("od lutego 2022 r.")
    title = labels["strip_title"].format(
        first=f"{labels.month(months[0].month, context='format')} {months[0].year}",
        last=f"{labels.month(months[-1].month, context='format')} {months[-1].year}",
        count=count_text or len(events))
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="strip" width="{width_mm:.2f}mm" '
           f'height="{grid.height:.2f}mm" viewBox="0 0 {width_mm:.2f} {grid.height:.2f}" font-family="{text_font()}">',
           f"<title>{escape(title)}</title>"]
    for i, m in enumerate(months):
        out += _month(pub, i, m, per_month[m], names, grid, ink, draft)
    out.append(f'<line fill="none" x1="0" y1="{grid.axis:.2f}" x2="{width_mm:.2f}" y2="{grid.axis:.2f}" '
               f'stroke="{ink["muted"]}" stroke-width="{AXIS_WIDTH}"/>')
    out.append("</svg>")
    return "\n".join(out)


def _month(pub, i: int, month, events, names, grid: _Grid, ink, draft=False) -> list:
    """Month i's column: a band on every other month, its meetings, its name, the year under
    the first month and every January."""
    x0, label = i * grid.column, grid.label
    middle = x0 + grid.column / 2
    name_y = grid.axis + NAME_DROP + cap_height(label)
    out = []
    if i % 2 == 0:
        out.append(f'<rect x="{x0:.2f}" y="0" width="{grid.column:.2f}" height="{grid.axis:.2f}" '
                   f'fill="{ink["tint"]}"/>')
    for j, e in enumerate(events):
        out.append(_marker(pub, e, middle, grid.axis - BELOW_STACK - grid.r - j * grid.step, grid.r,
                           ink, draft))
    out.append(f'<text x="{middle:.2f}" y="{name_y:.2f}" font-size="{label:.3f}" '
               f'text-anchor="middle" fill="{ink["ink"]}">{escape(names[month.month - 1])}</text>')
    if i == 0 or month.month == 1:
        out.append(f'<text x="{middle:.2f}" y="{name_y + label * YEAR_LEADING:.2f}" '
                   f'font-size="{label:.3f}" font-weight="bold" text-anchor="middle" '
                   f'fill="{ink["muted"]}">{month.year}</text>')
    return out
