"""The timeline of meetings as an inline SVG (vertical, one A4 content area), plus date texts.

    render_timeline(pub, lang, width_mm=170, height_mm=230) -> str   # <svg …>…</svg>
    format_dates(event, lang) -> str     # "10–12.05.2022" / "10–12 May 2022"; also a Jinja filter
    timeline_alt_text(pub, lang) -> str  # short text equivalent of the graphic

Layout (user units are points, 1 pt = 1/72 in; the <svg> is sized in mm):
  * a legend on top: the kind of meeting (shape) and the network (colour);
  * a month axis down the left side, from the first to the last event's month, whole months;
  * every event is a marker on the axis at its true date. The shape gives the kind (online:
    hollow circle, in-person: filled circle, study visit: diamond, conference: square), the
    colour the network (grey for "all" and "unknown"). A date range stretches the shape from
    the first to the last day; an end lost in the source ("unknown") is a fading tail, never an
    end date. Markers that would touch move to a second column beside the axis;
  * every event has a label in one column on the right: date (bold) and title, stacked in date
    order without overlap and tied to the marker by a leader line. Widths are measured with the
    project's fonts (svgtext), so a long title wraps onto a second line instead of running off.

Only what WeasyPrint 70 draws is used: g, rect, circle, polygon, path, line, text, tspan with
presentation attributes; no CSS, filters, masks or gradients.
"""
from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from ..model import UNKNOWN
from .svgtext import text_width

PT_PER_MM = 72 / 25.4
FONT = "Lato, sans-serif"

# Sizes in points.
LABEL_SIZE = 8.0           # label text
LINE = 10.2                # label line pitch
LABEL_GAP = 1.6            # free space between two labels
AXIS_SIZE = 7.5            # month names
LEGEND_SIZE = 7.5
R = 3.3                    # marker "radius": half the width of every marker
COLUMN_STEP = 8.6          # distance between marker columns when markers would touch
MARKER_GAP = 1.4           # free space kept between two markers in one column
TAIL = 19.0                # length of the fading tail of an event whose end is unknown
TAIL_STEPS = (0.85, 0.62, 0.42, 0.26, 0.13)   # fill-opacity of the tail slices, top down

INK = "#222222"
MUTED = "#666666"
RULE = "#c8c8c8"
BAND = "#f3f3f1"
LEADER = "#9a9a9a"
GREY_ALL = "#5a5a5a"       # programme-wide events (network "all")
GREY_UNKNOWN = "#a3a3a3"   # network lost in the source

KINDS = ("online", "in-person", "study-visit", "conference")

MONTHS = {
    "pl": ("styczeń", "luty", "marzec", "kwiecień", "maj", "czerwiec", "lipiec", "sierpień",
           "wrzesień", "październik", "listopad", "grudzień"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"),
}
MONTHS_GENITIVE_PL = ("stycznia", "lutego", "marca", "kwietnia", "maja", "czerwca", "lipca",
                      "sierpnia", "września", "października", "listopada", "grudnia")

TEXTS = {
    "pl": {
        "title": "Oś czasu spotkań {span}",
        "kind_heading": "Forma",
        "network_heading": "Sieć",
        "online": "online",
        "in-person": "spotkanie stacjonarne",
        "study-visit": "wizyta studyjna",
        "conference": "konferencja",
        "range": "kilka dni",
        "open": "koniec nieznany",
        "all": "wszystkie sieci",
        "unknown": "nieznana",
        "open_date": "{date} (koniec nieznany)",
        "empty": "Brak spotkań do pokazania.",
    },
    "en": {
        "title": "Timeline of meetings {span}",
        "kind_heading": "Format",
        "network_heading": "Network",
        "online": "online",
        "in-person": "in-person meeting",
        "study-visit": "study visit",
        "conference": "conference",
        "range": "several days",
        "open": "end unknown",
        "all": "all networks",
        "unknown": "unknown",
        "open_date": "{date} (end unknown)",
        "empty": "No meetings to show.",
    },
}


def _texts(lang: str) -> dict:
    return TEXTS.get(lang, TEXTS["en"])


# ---------------------------------------------------------------------------------------------
# Date texts

def _end(event):
    """The end date, or None for a one-day event, or UNKNOWN."""
    end = event.end
    if end == UNKNOWN:
        return UNKNOWN
    if end is None or end == event.start:
        return None
    return end


def _day_pl(d: dt.date, year=True) -> str:
    return f"{d.day}.{d.month:02d}.{d.year}" if year else f"{d.day}.{d.month:02d}"


def _day_en(d: dt.date, month=True, year=True) -> str:
    text = str(d.day)
    if month:
        text += " " + MONTHS["en"][d.month - 1]
    if year:
        text += f" {d.year}"
    return text


def format_dates(event, lang: str) -> str:
    """The dates of an event as printed in the graphic and the list.

    pl: 9.02.2022 | 10–12.05.2022 | 31.05–3.06.2022 | 30.12.2022–2.01.2023
        | 9.08.2022 (koniec nieznany)
    en: 9 February 2022 | 10–12 May 2022 | 31 May – 3 June 2022
        | 9 August 2022 (end unknown)
    An end lost in the source is said outright: "od 9.08.2022" would read as still running.
    """
    start, end = event.start, _end(event)
    if lang == "pl":
        if end is None:
            return _day_pl(start)
        if end == UNKNOWN:
            return _texts(lang)["open_date"].format(date=_day_pl(start))
        if start.year != end.year:
            return f"{_day_pl(start)}–{_day_pl(end)}"
        if start.month != end.month:
            return f"{_day_pl(start, year=False)}–{_day_pl(end)}"
        return f"{start.day}–{_day_pl(end)}"
    if end is None:
        return _day_en(start)
    if end == UNKNOWN:
        return _texts(lang)["open_date"].format(date=_day_en(start))
    if start.year != end.year:
        return f"{_day_en(start)} – {_day_en(end)}"
    if start.month != end.month:
        return f"{_day_en(start, year=False)} – {_day_en(end)}"
    return f"{start.day}–{_day_en(end)}"


def event_title(event, lang: str) -> str:
    """'Indywidualne Spotkanie Sieci #1 (Lublin)': title, number and place."""
    text = event.title[lang]
    if event.number is not None:
        text += f" #{event.number}"
    if event.place and event.place.get(lang):
        text += f" ({event.place[lang]})"
    return text


def _month_year(d: dt.date, lang: str, genitive=False) -> str:
    if lang == "pl":
        names = MONTHS_GENITIVE_PL if genitive else MONTHS["pl"]
    else:
        names = MONTHS["en"]
    return f"{names[d.month - 1]} {d.year}"


def _count_pl(n: int) -> str:
    if n == 1:
        return "1 spotkanie"
    if n % 10 in (2, 3, 4) and n % 100 not in (12, 13, 14):
        return f"{n} spotkania"
    return f"{n} spotkań"


def _sorted_events(pub) -> list:
    def last(e):
        end = _end(e)
        return e.start if end in (None, UNKNOWN) else end
    return sorted(pub.events, key=lambda e: (e.start, last(e)))


def _span(events) -> tuple:
    """First and last date the graphic has to show."""
    first = min(e.start for e in events)
    last = max(_end(e) if _end(e) not in (None, UNKNOWN) else e.start for e in events)
    return first, last


def timeline_alt_text(pub, lang: str) -> str:
    """A short text equivalent of the graphic: how many meetings, when, and that the list
    follows."""
    events = pub.events
    if not events:
        return _texts(lang)["empty"]
    first, last = _span(events)
    n = len(events)
    if lang == "pl":
        return (f"Oś czasu: {_count_pl(n)} programu od {_month_year(first, lang, True)} "
                f"do {_month_year(last, lang, True)}. Kolor oznacza sieć, kształt – formę "
                f"spotkania. Pełny wykaz spotkań znajduje się pod grafiką.")
    meetings = "meeting" if n == 1 else "meetings"
    return (f"Timeline: {n} programme {meetings} from {_month_year(first, lang)} to "
            f"{_month_year(last, lang)}, coloured by network and shaped by type of meeting. "
            f"The full list of meetings follows the graphic.")


# ---------------------------------------------------------------------------------------------
# Layout

@dataclass
class _Mark:
    event: object
    index: int
    y_start: float                 # centre of the first day
    y_end: float                   # centre of the last day (= y_start for one day / unknown)
    open_end: bool
    colour: str
    kind: str
    column: int = 0
    x: float = 0.0

    @property
    def top(self) -> float:
        return self.y_start - R

    @property
    def bottom(self) -> float:
        return self.y_start + TAIL if self.open_end else self.y_end + R


@dataclass
class _Label:
    mark: _Mark
    date: str
    lines: list                    # title lines (1 or 2)
    top: float = 0.0
    desired: float = 0.0
    width: float = 0.0

    @property
    def height(self) -> float:
        return len(self.lines) * LINE


def _colour(pub, network_id: str) -> str:
    if network_id == "all":
        return GREY_ALL
    for n in pub.networks:
        if n.id == network_id:
            return n.colour
    return GREY_UNKNOWN


def _months(first: dt.date, last: dt.date) -> list:
    months, d = [], dt.date(first.year, first.month, 1)
    while d <= last:
        months.append(d)
        d = dt.date(d.year + d.month // 12, d.month % 12 + 1, 1)
    return months


def _wrap(text: str, width: float, size: float, lines=2) -> list:
    """Greedy word wrap into at most `lines` lines of `width`; the last is shortened with …"""
    words, out, line = text.split(" "), [], ""
    for i, word in enumerate(words):
        candidate = f"{line} {word}" if line else word
        if text_width(candidate, size) <= width or not line:
            line = candidate
            continue
        out.append(line)
        line = word
        if len(out) == lines - 1:
            line = " ".join(words[i:])
            break
    out.append(line)
    last = out[-1]
    while text_width(last, size) > width and len(last) > 1:
        last = last[:-2].rstrip() + "…"
    out[-1] = last
    return out


def _place_labels(labels, y_min: float, y_max: float) -> None:
    """Stack labels in their (date) order without overlap, each as near its marker as
    possible: overlapping labels merge into blocks centred on their markers (pool adjacent
    violators), blocks are kept inside [y_min, y_max]."""
    blocks = []                    # [first, last, top]

    def height(first, last):
        return sum(labels[i].height for i in range(first, last + 1)) + LABEL_GAP * (last - first)

    def best_top(first, last):
        offset, total = 0.0, 0.0
        for i in range(first, last + 1):
            total += labels[i].desired - offset
            offset += labels[i].height + LABEL_GAP
        top = total / (last - first + 1)
        return max(y_min, min(top, y_max - height(first, last)))

    for i in range(len(labels)):
        blocks.append([i, i, best_top(i, i)])
        while len(blocks) > 1:
            a, b = blocks[-2], blocks[-1]
            if a[2] + height(a[0], a[1]) + LABEL_GAP <= b[2] + 1e-6:
                break
            blocks[-2:] = [[a[0], b[1], best_top(a[0], b[1])]]
    for first, last, top in blocks:
        for i in range(first, last + 1):
            labels[i].top = top
            top += labels[i].height + LABEL_GAP


@dataclass
class _Layout:
    width: float
    height: float
    lang: str
    months: list
    month_h: float
    axis_top: float
    axis_x: float
    bend_x: float
    label_x: float
    title_x: float
    marks: list
    labels: list
    legend: list
    legend_bottom: float


def _legend(pub, lang, events, width) -> tuple:
    """Legend rows: [(heading, [(symbol, colour, text)])]; returns (items placed, bottom)."""
    t = _texts(lang)
    kinds = [(k, INK, t[k]) for k in KINDS]
    if any(_end(e) not in (None, UNKNOWN) for e in events):
        kinds.append(("range", INK, t["range"]))
    if any(_end(e) == UNKNOWN for e in events):
        kinds.append(("open", INK, t["open"]))
    networks = [("swatch", n.colour, n.short[lang]) for n in pub.networks]
    if any(e.network == "all" for e in events):
        networks.append(("swatch", GREY_ALL, t["all"]))
    known = {n.id for n in pub.networks}
    if any(e.network not in known and e.network != "all" for e in events):
        networks.append(("swatch", GREY_UNKNOWN, t["unknown"]))
    rows = [(t["kind_heading"], kinds), (t["network_heading"], networks)]

    heading_w = max(text_width(h, LEGEND_SIZE, "Bold") for h, _ in rows) + 10
    placed, y = [], 10.0
    for heading, items in rows:
        placed.append(("heading", 0.0, y, heading, None))
        x = heading_w
        for symbol, colour, text in items:
            w = 12 + text_width(text, LEGEND_SIZE) + 14
            if x + w - 14 > width and x > heading_w:
                x, y = heading_w, y + 16
            placed.append((symbol, x, y, text, colour))
            x += w
        y += 17
    return placed, y - 17 + 10


def _layout(pub, lang, width_mm, height_mm) -> _Layout:
    width, height = width_mm * PT_PER_MM, height_mm * PT_PER_MM
    events = _sorted_events(pub)
    legend, legend_bottom = _legend(pub, lang, events, width)
    axis_top = legend_bottom + 10
    first, last = _span(events)
    months = _months(first, last)
    month_h = (height - 1 - axis_top) / len(months)
    index = {(m.year, m.month): i for i, m in enumerate(months)}

    def y_of(d: dt.date) -> float:
        days = calendar.monthrange(d.year, d.month)[1]
        return axis_top + (index[(d.year, d.month)] + (d.day - 0.5) / days) * month_h

    month_w = max(text_width(MONTHS[lang if lang in MONTHS else "en"][m.month - 1], AXIS_SIZE)
                  for m in months)
    axis_x = month_w + 14 + R

    marks = []
    for i, e in enumerate(events):
        end = _end(e)
        kind = e.kind if e.kind in KINDS else "in-person"
        marks.append(_Mark(e, i, y_of(e.start),
                           y_of(end) if end not in (None, UNKNOWN) else y_of(e.start),
                           end == UNKNOWN, _colour(pub, e.network), kind))
    # Columns: a marker moves right while it would touch a marker already placed there.
    columns = []                   # bottom of the last marker in each column
    for m in marks:
        for c, bottom in enumerate(columns):
            if m.top >= bottom + MARKER_GAP:
                break
        else:
            c = len(columns)
            columns.append(0.0)
        m.column = c
        columns[c] = m.bottom
        m.x = axis_x + c * COLUMN_STEP
    bend_x = axis_x + (len(columns) - 1) * COLUMN_STEP + R + 7
    label_x = bend_x + 26

    dates = [format_dates(e, lang) for e in events]
    date_w = max(text_width(d, LABEL_SIZE, "Bold") for d in dates)
    title_x = label_x + date_w + 10
    room = width - title_x - 1
    labels = []
    for m, date in zip(marks, dates):
        lines = _wrap(event_title(m.event, lang), room, LABEL_SIZE)
        label = _Label(m, date, lines, desired=m.y_start - LINE / 2)
        label.width = title_x - label_x + max(text_width(s, LABEL_SIZE) for s in lines)
        labels.append(label)
    _place_labels(labels, axis_top + 1, height - 1)
    return _Layout(width, height, lang, months, month_h, axis_top, axis_x, bend_x, label_x,
                   title_x, marks, labels, legend, legend_bottom)


# ---------------------------------------------------------------------------------------------
# Drawing

def _n(v: float) -> str:
    return f"{v:.2f}".rstrip("0").rstrip(".")


def _shape(kind: str, x: float, y0: float, y1: float, colour: str, halo=True) -> str:
    """The marker of one kind, stretched from y0 to y1 (the first and the last day)."""
    stroke = f' stroke="#ffffff" stroke-width="0.9"' if halo else ""
    if kind == "online":
        r = R - 0.55
        return (f'<rect x="{_n(x - r)}" y="{_n(y0 - r)}" width="{_n(2 * r)}" '
                f'height="{_n(y1 - y0 + 2 * r)}" rx="{_n(r)}" fill="#ffffff" '
                f'stroke="{colour}" stroke-width="1.1"/>')
    if kind == "conference":
        r = R * 0.9
        return (f'<rect x="{_n(x - r)}" y="{_n(y0 - r)}" width="{_n(2 * r)}" '
                f'height="{_n(y1 - y0 + 2 * r)}" fill="{colour}"{stroke}/>')
    if kind == "study-visit":
        r = R * 1.22
        points = [(x, y0 - r), (x + r, y0), (x + r, y1), (x, y1 + r), (x - r, y1), (x - r, y0)]
        if y1 == y0:
            points = [(x, y0 - r), (x + r, y0), (x, y0 + r), (x - r, y0)]
        pts = " ".join(f"{_n(a)},{_n(b)}" for a, b in points)
        return f'<polygon points="{pts}" fill="{colour}"{stroke}/>'
    if y1 == y0:
        return f'<circle cx="{_n(x)}" cy="{_n(y0)}" r="{_n(R)}" fill="{colour}"{stroke}/>'
    return (f'<rect x="{_n(x - R)}" y="{_n(y0 - R)}" width="{_n(2 * R)}" '
            f'height="{_n(y1 - y0 + 2 * R)}" rx="{_n(R)}" fill="{colour}"{stroke}/>')


def _tail(x: float, y: float, colour: str, length=TAIL) -> str:
    """The fading tail of an event whose end the source lost: no end, no end date."""
    w, step = R * 1.2, length / len(TAIL_STEPS)
    return "".join(
        f'<rect x="{_n(x - w / 2)}" y="{_n(y + i * step)}" width="{_n(w)}" '
        f'height="{_n(step * 0.72)}" fill="{colour}" fill-opacity="{o}"/>'
        for i, o in enumerate(TAIL_STEPS))


def _text(x, y, content, size, weight=None, fill=INK, anchor=None) -> str:
    attrs = f'x="{_n(x)}" y="{_n(y)}" font-size="{_n(size)}" fill="{fill}"'
    if weight:
        attrs += f' font-weight="{weight}"'
    if anchor:
        attrs += f' text-anchor="{anchor}"'
    return f"<text {attrs}>{escape(content)}</text>"


def _baseline(centre: float, size: float) -> float:
    """Baseline that centres lining figures and capitals on `centre`."""
    return centre + size * 0.36


def _draw_legend(lay: _Layout) -> list:
    out = ['<g class="legend">']
    for symbol, x, y, text, colour in lay.legend:
        base = _baseline(y, LEGEND_SIZE)
        if symbol == "heading":
            out.append(_text(x, base, text, LEGEND_SIZE, "bold", MUTED))
            continue
        cx = x + 4
        if symbol == "swatch":
            out.append(f'<rect x="{_n(x)}" y="{_n(y - 3.6)}" width="8" height="7.2" rx="1" '
                       f'fill="{colour}"/>')
        elif symbol == "range":
            out.append(_shape("in-person", cx, y - 2.2, y + 2.2, MUTED, halo=False))
        elif symbol == "open":
            out.append(_tail(cx, y - 4.2, MUTED, length=12) +
                       _shape("in-person", cx, y - 4.2, y - 4.2, MUTED, halo=False))
        else:
            out.append(_shape(symbol, cx, y, y, MUTED, halo=False))
        out.append(_text(x + 12, base, text, LEGEND_SIZE, None, INK))
    out.append("</g>")
    return out


def _draw_axis(lay: _Layout) -> list:
    names = MONTHS[lay.lang if lay.lang in MONTHS else "en"]
    right = lay.bend_x - 3
    out = ['<g class="axis">']
    for i, m in enumerate(lay.months):
        y = lay.axis_top + i * lay.month_h
        if i % 2 == 0:
            out.append(f'<rect x="0" y="{_n(y)}" width="{_n(right)}" height="{_n(lay.month_h)}" '
                       f'fill="{BAND}"/>')
    for i, m in enumerate(lay.months):
        y = lay.axis_top + i * lay.month_h
        out.append(f'<line fill="none" x1="0" y1="{_n(y)}" x2="{_n(right)}" y2="{_n(y)}" stroke="{RULE}" '
                   f'stroke-width="0.5"/>')
        text_x = lay.axis_x - R - 7
        out.append(_text(text_x, y + 11.5, names[m.month - 1], AXIS_SIZE, None, INK, "end"))
        if i == 0 or m.month == 1:
            out.append(_text(text_x, y + 21, str(m.year), AXIS_SIZE, "bold", MUTED, "end"))
    bottom = lay.axis_top + len(lay.months) * lay.month_h
    out.append(f'<line fill="none" x1="0" y1="{_n(bottom)}" x2="{_n(right)}" y2="{_n(bottom)}" '
               f'stroke="{RULE}" stroke-width="0.5"/>')
    # The axis line, interrupted where a fading tail sits on it (the tail would not fade).
    y = lay.axis_top
    for m in lay.marks:
        if m.open_end and m.column == 0 and m.y_start > y:
            out.append(_axis_line(lay.axis_x, y, m.y_start))
            y = m.y_start + TAIL
    if y < bottom:
        out.append(_axis_line(lay.axis_x, y, bottom))
    out.append("</g>")
    return out


def _axis_line(x, y0, y1) -> str:
    return (f'<line fill="none" x1="{_n(x)}" y1="{_n(y0)}" x2="{_n(x)}" y2="{_n(y1)}" stroke="#8c8c8c" '
            f'stroke-width="0.8"/>')


def _leader(lay: _Layout, label: _Label) -> str:
    """From the marker's true position to the first line of its label."""
    m = label.mark
    y_label = label.top + LINE / 2
    y = m.y_start
    path = f"M{_n(m.x)},{_n(y)}"
    # A marker in a column further right at this height would sit on the line: leave the
    # marker by a short diagonal that passes above it when it is later (its label comes
    # further down), below it when it is earlier: the leaders do not cross.
    blockers = [o for o in lay.marks if o.column > m.column and o.top - 1 < y < o.bottom + 1]
    if blockers:
        up = all(o.index > m.index for o in blockers)
        y = min(o.top for o in blockers) - 2.4 if up else max(o.bottom for o in blockers) + 2.4
        y0 = m.y_start - R * 0.7 if up else m.y_end + R * 0.7
        path = (f"M{_n(m.x + R * 0.7)},{_n(y0)} "
                f"L{_n(m.x + COLUMN_STEP / 2 + 0.5)},{_n(y)}")
    x0, x1 = lay.bend_x, lay.label_x - 3
    if abs(y_label - y) < 0.3:
        path += f" H{_n(x1)}"
    else:
        k = (x1 - 3 - x0) / 2
        path += (f" H{_n(x0)} C{_n(x0 + k)},{_n(y)} {_n(x1 - 3 - k)},{_n(y_label)} "
                 f"{_n(x1 - 3)},{_n(y_label)} H{_n(x1)}")
    return (f'<path d="{path}" fill="none" stroke="{LEADER}" stroke-width="0.5" '
            f'data-for="tl-{lay.lang}-{m.index + 1}"/>')


def _draw_events(lay: _Layout) -> list:
    out = ['<g class="leaders">']
    out += [_leader(lay, label) for label in lay.labels]
    out.append("</g>")
    out.append('<g class="events">')
    for m in lay.marks:
        e = m.event
        end = _end(e)
        attrs = {"id": f"tl-{lay.lang}-{m.index + 1}", "class": "event", "data-date": e.start.isoformat(),
                 "data-end": end.isoformat() if isinstance(end, dt.date) else (end or ""),
                 "data-kind": e.kind, "data-network": e.network}
        out.append("<g " + " ".join(f"{k}={quoteattr(v)}" for k, v in attrs.items()) + ">")
        if m.open_end:
            bottom = lay.axis_top + len(lay.months) * lay.month_h
            out.append(_tail(m.x, m.y_start, m.colour, min(TAIL, bottom - m.y_start)))
        out.append(_shape(m.kind, m.x, m.y_start, m.y_end, m.colour))
        out.append("</g>")
    out.append("</g>")
    out.append(f'<g class="labels" font-size="{_n(LABEL_SIZE)}" fill="{INK}">')
    for label in lay.labels:
        m = label.mark
        out.append(f'<g class="label" data-for="tl-{lay.lang}-{m.index + 1}" data-box="'
                   f'{_n(lay.label_x)} {_n(label.top)} {_n(label.width)} {_n(label.height)}">')
        base = _baseline(label.top + LINE / 2, LABEL_SIZE)
        out.append(_text(lay.label_x, base, label.date, LABEL_SIZE, "bold", INK))
        for j, line in enumerate(label.lines):
            out.append(_text(lay.title_x, base + j * LINE, line, LABEL_SIZE, None, INK))
        out.append("</g>")
    out.append("</g>")
    return out


def render_timeline(pub, lang: str, width_mm: float = 170, height_mm: float = 230) -> str:
    """The timeline of pub.events as an SVG element (no XML declaration), sized in mm."""
    t = _texts(lang)
    width, height = width_mm * PT_PER_MM, height_mm * PT_PER_MM
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{_n(width_mm)}mm" '
            f'height="{_n(height_mm)}mm" viewBox="0 0 {_n(width)} {_n(height)}" role="img" '
            f'aria-labelledby="tl-title-{lang} tl-desc-{lang}" class="timeline" '
            f'font-family="{FONT}">')
    if not pub.events:
        return (head + f'<title id="tl-title-{lang}">{escape(t["title"].format(span=""))}</title>'
                f'<desc id="tl-desc-{lang}">{escape(t["empty"])}</desc></svg>')
    lay = _layout(pub, lang, width_mm, height_mm)
    first, last = _span(pub.events)
    span = f"{first.year}–{last.year}" if first.year != last.year else str(first.year)
    out = [head,
           f'<title id="tl-title-{lang}">{escape(t["title"].format(span=span))}</title>',
           f'<desc id="tl-desc-{lang}">{escape(timeline_alt_text(pub, lang))}</desc>']
    out += _draw_legend(lay)
    out.append(f'<line fill="none" x1="0" y1="{_n(lay.legend_bottom)}" x2="{_n(width)}" '
               f'y2="{_n(lay.legend_bottom)}" stroke="{RULE}" stroke-width="0.5"/>')
    out += _draw_axis(lay)
    out += _draw_events(lay)
    out.append("</svg>")
    return "\n".join(out)
