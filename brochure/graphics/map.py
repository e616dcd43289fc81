"""The map of Poland with the participating cities, as inline SVG made from the data.

    render_map(pub, lang, width_mm=170) -> str      # <svg> element, no XML declaration
    map_alt_text(pub, lang) -> str                   # the text equivalent (also the <desc>)
    layout_map(pub, lang, width_mm=170) -> MapLayout # every position, for tests and other graphics
    place_labels(points, bounds, ...) -> [Label]     # collision-free label placement

The country outline is content/data/poland.json (Natural Earth, simplified once by
tools/make_poland_outline.py); the build reads nothing else. Coordinates in the SVG are
millimetres at print size: the viewBox is 0 0 width_mm height_mm.

Only basic SVG that WeasyPrint 70 draws is used: path, circle, rect, polygon, line, text, g and
presentation attributes. WeasyPrint 70 ignores `paint-order` (it strokes text over its fill), so
the white halo under each label is a separate stroked copy of the text drawn first.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from .svgtext import cap_height, pt, text_extents, text_width

OUTLINE_FILE = Path(__file__).resolve().parents[2] / "content" / "data" / "poland.json"

# Lambert conformal conic for Poland: standard parallels 49.5 and 54.5 N, origin 52 N 19 E.
PHI1, PHI2, LAT0, LON0 = 49.5, 54.5, 52.0, 19.0
EARTH_R_KM = 6371.0

# Look (all sizes in mm at print size).
FONT = "Lato"
LABEL_SIZE = pt(7.5)
LEGEND_NAME_SIZE = pt(8.5)
LEGEND_COUNT_SIZE = pt(7.5)
SEA_SIZE = pt(7.5)
SEA_MIN_WIDTH = 80          # a smaller map has no room for the sea name
MARKER_R = 1.45             # radius of a circle marker; other shapes have the same area
MARKER_STROKE = 0.35        # white ring around markers
HALO = 0.6                  # halo stroke width (0.3 on each side of the glyphs)
LABEL_GAP = 0.6             # marker edge to label
CLEARANCE = 0.25            # extra space kept between a label and anything else
LABEL_SEPARATION = 1.8      # between two labels: closer, two names read as one ("Krzywiń Uniejów")
OTHER_MARKER_GAP = 1.6      # a label keeps this from every marker but its own (at LABEL_GAP),
                            # so that it is plainly nearer its own city
BORDER_COST = 12            # a label across the border costs more than a short move round it
MARGIN = 1.5                # around the outline
INK = "#1d1d1b"
INK_SOFT = "#55534e"
LAND = "#efede6"
LAND_SHADOW = "#dedad0"
BORDER = "#9d988c"
SEA_INK = "#56697b"
LEADER = "#6b6963"

KM = "km"


# --------------------------------------------------------------------------- words


def legend_count(shown: int, expected: int | None, labels) -> str:
    """Legend line under a network name: '10 miast', or '0 z 10 miast na mapie' when the map
    shows fewer cities than the network had (labels: the language's, content/labels.yaml)."""
    if expected and shown < expected:
        return labels.plural("cities_of", expected, shown=shown)
    return labels.plural("cities", shown)


_PL_ORDER = "aąbcćdeęfghijklłmnńoópqrsśtuvwxyzźż"


def polish_key(s: str) -> tuple:
    """Sort key in Polish alphabetical order (Ł after L, Ś after S, Ż last)."""
    return tuple((_PL_ORDER.index(ch) if ch in _PL_ORDER else 100 + ord(ch)) for ch in s.lower())


def _t(text: dict, lang: str) -> str:
    return text.get(lang) or next(iter(text.values()))


# --------------------------------------------------------------------------- data


def shown_cities(pub) -> dict:
    """network id -> cities on the map (with coordinates), in pub.networks order, Polish-sorted.
    Cities without coordinates or whose network is not in pub.networks are left out."""
    out = {n.id: [] for n in pub.networks}
    for c in pub.cities:
        if c.network in out and c.lat is not None and c.lon is not None:
            out[c.network].append(c)
    for cities in out.values():
        cities.sort(key=lambda c: polish_key(c.name))
    return out


def map_alt_text(pub, lang: str) -> str:
    """The map as text, by network: 'Sieć Zielona (10): Gdańsk, ...; Sieć PPP: brak danych.'"""
    shown = shown_cities(pub)
    parts = []
    for n in pub.networks:
        cities = shown[n.id]
        name = _t(n.name, lang)
        if not cities:
            parts.append(f"{name}: {pub.labels[lang]['no_data']}")
            continue
        k = len(cities)
        if n.cities_expected and k < n.cities_expected:
            head = pub.labels[lang]["count_of"].format(shown=k, n=n.cities_expected)
        else:
            head = str(k)
        parts.append(f"{name} ({head}): " + ", ".join(c.name for c in cities))
    return "; ".join(parts) + "." if parts else ""


@lru_cache(maxsize=4)
def load_outline(path: str | None = None) -> tuple:
    """Rings of (lon, lat) from poland.json (Polygon or MultiPolygon, outer rings only)."""
    data = json.loads(Path(path or OUTLINE_FILE).read_text(encoding="utf-8"))
    coords = data["coordinates"]
    polys = [coords] if data["type"] == "Polygon" else coords
    return tuple(tuple((float(x), float(y)) for x, y in poly[0]) for poly in polys)


def _outline_for(pub) -> tuple:
    local = Path(getattr(pub, "root", "content") or "content") / "data" / "poland.json"
    return load_outline(str(local) if local.is_file() else None)


# --------------------------------------------------------------------------- projection


def _lcc_constants():
    p1, p2, p0 = (math.radians(v) for v in (PHI1, PHI2, LAT0))
    t = lambda p: math.tan(math.pi / 4 + p / 2)  # noqa: E731
    n = math.log(math.cos(p1) / math.cos(p2)) / math.log(t(p2) / t(p1))
    f = math.cos(p1) * t(p1) ** n / n
    rho0 = EARTH_R_KM * f / t(p0) ** n
    return n, f, rho0


_N, _F, _RHO0 = _lcc_constants()


def project(lon: float, lat: float) -> tuple:
    """Lambert conformal conic: (lon, lat) in degrees -> (x east, y north) in km."""
    rho = EARTH_R_KM * _F / math.tan(math.pi / 4 + math.radians(lat) / 2) ** _N
    theta = _N * math.radians(lon - LON0)
    return rho * math.sin(theta), _RHO0 - rho * math.cos(theta)


# --------------------------------------------------------------------------- geometry

Box = tuple  # (x0, y0, x1, y1), y down


def boxes_overlap(a: Box, b: Box, gap: float = 0.0) -> bool:
    return a[0] < b[2] + gap and b[0] < a[2] + gap and a[1] < b[3] + gap and b[1] < a[3] + gap


def inflate(b: Box, d: float) -> Box:
    return (b[0] - d, b[1] - d, b[2] + d, b[3] + d)


def point_in_polygon(x: float, y: float, ring) -> bool:
    inside = False
    n = len(ring)
    for i in range(n):
        x1, y1 = ring[i]
        x2, y2 = ring[(i + 1) % n]
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def _ccw(a, b, c) -> float:
    return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])


def segments_cross(p1, p2, q1, q2) -> bool:
    d1, d2 = _ccw(q1, q2, p1), _ccw(q1, q2, p2)
    d3, d4 = _ccw(p1, p2, q1), _ccw(p1, p2, q2)
    return (d1 > 0) != (d2 > 0) and (d3 > 0) != (d4 > 0) and d1 * d2 < 0 and d3 * d4 < 0


def segment_hits_box(p, q, b: Box) -> bool:
    """Does segment p-q touch box b (Liang-Barsky clipping)?"""
    x0, y0 = p
    dx, dy = q[0] - x0, q[1] - y0
    t0, t1 = 0.0, 1.0
    for pk, qk in ((-dx, x0 - b[0]), (dx, b[2] - x0), (-dy, y0 - b[1]), (dy, b[3] - y0)):
        if pk == 0:
            if qk < 0:
                return False
        else:
            r = qk / pk
            if pk < 0:
                t0 = max(t0, r)
            else:
                t1 = min(t1, r)
            if t0 > t1:
                return False
    return True


def box_hits_polyline(b: Box, edges) -> bool:
    for p, q in edges:
        if (p[0] < b[0] and q[0] < b[0]) or (p[0] > b[2] and q[0] > b[2]) \
                or (p[1] < b[1] and q[1] < b[1]) or (p[1] > b[3] and q[1] > b[3]):
            continue                                   # quick reject: edge beside the box
        if segment_hits_box(p, q, b):
            return True
    return False


def box_hits_polygon(b: Box, ring) -> bool:
    """Does box b touch polygon ring (edge crossing, or one inside the other)?"""
    n = len(ring)
    if box_hits_polyline(b, [(ring[i], ring[(i + 1) % n]) for i in range(n)]):
        return True
    return point_in_polygon(b[0], b[1], ring) or (b[0] <= ring[0][0] <= b[2] and b[1] <= ring[0][1] <= b[3])


# --------------------------------------------------------------------------- markers


def marker_extent(shape: str, r: float = MARKER_R) -> Box:
    """Box of a marker centred on (0, 0), without its white ring."""
    if shape == "square":
        h = r * math.sqrt(math.pi) / 2
        return (-h, -h, h, h)
    if shape == "diamond":
        h = r * math.sqrt(math.pi / 2)
        return (-h, -h, h, h)
    if shape == "triangle":
        a = r * math.sqrt(4 * math.pi / math.sqrt(3))     # side of the equal-area triangle
        return (-a / 2, -a / math.sqrt(3), a / 2, a / (2 * math.sqrt(3)))
    if shape == "frame":
        return (-r, -r, r, r)
    if shape == "bar":
        return (-1.3 * r, -0.6 * r, 1.3 * r, 0.6 * r)
    return (-r, -r, r, r)


def marker_svg(shape: str, x: float, y: float, colour: str, r: float = MARKER_R, extra: str = "") -> str:
    f = lambda v: _n(v)  # noqa: E731
    if shape == "square":
        h = r * math.sqrt(math.pi) / 2
        return f'<rect x="{f(x - h)}" y="{f(y - h)}" width="{f(2 * h)}" height="{f(2 * h)}" fill="{colour}"{extra}/>'
    if shape in ("frame", "bar"):     # a hollow square; a wide bar
        x0, y0, x1, y1 = marker_extent(shape, r)
        w = r * 0.45
        if shape == "frame":
            return (f'<rect x="{f(x + x0 + w / 2)}" y="{f(y + y0 + w / 2)}" width="{f(x1 - x0 - w)}" '
                    f'height="{f(y1 - y0 - w)}" fill="#ffffff" stroke="{colour}" '
                    f'stroke-width="{f(w)}"/>')
        return f'<rect x="{f(x + x0)}" y="{f(y + y0)}" width="{f(x1 - x0)}" height="{f(y1 - y0)}" fill="{colour}"{extra}/>'
    if shape in ("triangle", "diamond"):
        x0, y0, x1, y1 = marker_extent(shape, r)
        if shape == "triangle":
            pts = [(x, y + y0), (x + x1, y + y1), (x + x0, y + y1)]
        else:
            pts = [(x, y + y0), (x + x1, y), (x, y + y1), (x + x0, y)]
        return f'<polygon points="{" ".join(f"{f(a)},{f(b)}" for a, b in pts)}" fill="{colour}"{extra}/>'
    return f'<circle cx="{f(x)}" cy="{f(y)}" r="{f(r)}" fill="{colour}"{extra}/>'


def _n(v: float) -> str:
    s = f"{v:.2f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


# --------------------------------------------------------------------------- labels


@dataclass
class Label:
    name: str
    x: float                    # text start (text-anchor start)
    baseline: float
    width: float
    box: Box                    # ink box grown by the halo: nothing else may enter it
    anchor: tuple               # (x, y) of the marker it names
    leader: tuple | None = None  # ((x1, y1), (x2, y2)) when the label sits away from its marker
    position: str = ""          # "right", "left", ..., "leader"


def _candidates(px, py, mbox, w, asc, desc, cap):
    """Label positions around a marker, most preferred first: (name, cost, x, baseline, leader)."""
    g = LABEL_GAP
    x0, y0, x1, y1 = mbox                    # marker box (absolute)
    mid = py + cap / 2                       # baseline that centres capitals on the marker
    d = 0.7                                  # diagonal pull-in towards the marker's corner
    yield "right", 0, x1 + g, mid, None
    yield "left", 1, x0 - g - w, mid, None
    yield "above", 2, px - w / 2, y0 - g - desc, None
    yield "below", 3, px - w / 2, y1 + g + asc, None
    yield "above-right", 4, x1 + g * d, y0 + g * (1 - d) - desc, None
    yield "above-left", 5, x0 - g * d - w, y0 + g * (1 - d) - desc, None
    yield "below-right", 6, x1 + g * d, y1 - g * (1 - d) + asc, None
    yield "below-left", 7, x0 - g * d - w, y1 - g * (1 - d) + asc, None
    # further out, joined by a leader line
    for i, dist in enumerate((5.0, 7.5, 10.0, 13.0, 17.0, 22.0)):
        for k in range(16):
            a = k * math.pi / 8
            ca, sa = math.cos(a), -math.sin(a)        # y down: k = 4 is straight up
            ex, ey = px + ca * dist, py + sa * dist
            if ca > 0.38:
                tx, tb = ex + 0.4, ey + cap / 2
            elif ca < -0.38:
                tx, tb = ex - 0.4 - w, ey + cap / 2
            elif sa < 0:
                tx, tb = ex - w / 2, ey - 0.4 - desc
            else:
                tx, tb = ex - w / 2, ey + 0.4 + asc
            start_r = max(x1 - px, y1 - py) + 0.3
            leader = ((px + ca * start_r, py + sa * start_r), (ex, ey))
            yield "leader", 10 + 3 * i + 0.05 * min(k, 16 - k), tx, tb, leader


def place_labels(points, bounds: Box, obstacles=(), soft_lines=(), size: float = LABEL_SIZE,
                 style: str = "Regular") -> list:
    """Place one label per point without collisions; greedy, densest first.

    points: [(name, x, y, marker_box)], marker_box absolute (x0, y0, x1, y1).
    bounds: the box every label must stay in. obstacles: boxes no label or leader may enter
    (legend, ...). soft_lines: segments a label should rather not cross (the country border).
    Returns Labels in the order of `points`. Raises ValueError if a label cannot be placed.
    """
    n = len(points)
    if not n:
        return []
    # density: how crowded each point's neighbourhood is
    dens = []
    for i, (_, x, y, _) in enumerate(points):
        s = 0.0
        for j, (_, x2, y2, _) in enumerate(points):
            if i != j:
                dist = math.hypot(x - x2, y - y2)
                if dist < 30:
                    s += 1 / max(dist, 1.0)
        dens.append(s)
    order = sorted(range(n), key=lambda i: (-dens[i], points[i][0]))
    for _attempt in range(n + 1):
        result, failed = _place_in_order(points, order, bounds, obstacles, soft_lines, size, style)
        if failed is None:
            return result
        order.remove(failed)
        order.insert(0, failed)
    raise ValueError(f"cannot place the map label for {points[failed][0]!r}")


def _place_in_order(points, order, bounds, obstacles, soft_lines, size, style):
    cap = cap_height(size, style)
    half_halo = HALO / 2
    marker_boxes = [inflate(p[3], MARKER_STROKE / 2) for p in points]
    placed = {}
    leaders = []
    inner = inflate(bounds, -CLEARANCE)
    for i in order:
        name, px, py, mbox = points[i]
        w, asc, desc = text_extents(name, size, style)
        asc, desc = max(asc, cap), max(desc, 0.0)
        best = None
        for pos, cost, tx, tb, leader in _candidates(px, py, inflate(mbox, MARKER_STROKE / 2), w, asc, desc, cap):
            if best is not None and cost >= best[0]:
                break                      # candidates come in rising base cost
            box = (tx - half_halo, tb - asc - half_halo, tx + w + half_halo, tb + desc + half_halo)
            if not (inner[0] <= box[0] and inner[1] <= box[1] and box[2] <= inner[2] and box[3] <= inner[3]):
                continue
            if any(boxes_overlap(box, mb, CLEARANCE if j == i else OTHER_MARKER_GAP)
                   for j, mb in enumerate(marker_boxes)):
                continue
            if any(boxes_overlap(box, lb.box, LABEL_SEPARATION) for lb in placed.values()):
                continue
            if any(boxes_overlap(box, ob, CLEARANCE) for ob in obstacles):
                continue
            if any(segment_hits_box(a, b, inflate(box, CLEARANCE)) for a, b in leaders):
                continue
            if leader is not None:
                a, b = leader
                if any(segment_hits_box(a, b, inflate(mb, 0.1)) for j, mb in enumerate(marker_boxes) if j != i):
                    continue
                if any(segment_hits_box(a, b, inflate(lb.box, 0.1)) for lb in placed.values()):
                    continue
                if any(segment_hits_box(a, b, ob) for ob in obstacles):
                    continue
                if any(segments_cross(a, b, c, d) for c, d in leaders):
                    continue
            total = cost
            if soft_lines and box_hits_polyline(box, soft_lines):
                total += BORDER_COST
            # keep clear of unlabelled neighbours: their right/left slots are precious
            for j in order:
                if j != i and j not in placed:
                    _, qx, qy, qb = points[j]
                    slot = (qb[0] - 8, qy - cap, qb[2] + 8, qy + cap)
                    if boxes_overlap(box, slot):
                        total += 0.6
            if best is None or total < best[0]:
                best = (total, Label(name, tx, tb, w, box, (px, py), leader, pos))
        if best is None:
            return None, i
        placed[i] = best[1]
        if best[1].leader:
            leaders.append(best[1].leader)
    return [placed[i] for i in range(len(points))], None


# --------------------------------------------------------------------------- layout


@dataclass
class Marker:
    city: str
    network: str
    shape: str
    colour: str
    x: float
    y: float
    box: Box                    # without the white ring


@dataclass
class LegendEntry:
    network: str
    name: str
    count: str
    shape: str
    colour: str
    marker: tuple               # (x, y) of its symbol
    name_xy: tuple              # text start, baseline
    count_xy: tuple


@dataclass
class MapLayout:
    width: float
    height: float
    lang: str
    rings: list                 # projected outline rings [(x, y)]
    markers: list
    labels: list
    legend: list                # [LegendEntry]
    legend_box: Box
    scale: dict                 # {"x", "y", "length", "km", "text_xy"}
    sea: dict | None            # {"text", "x", "baseline", "box"} or None
    title: str
    desc: str
    project: object = field(repr=False, default=None)   # (lon, lat) -> (x, y) in mm

    def marker_of(self, city: str) -> Marker:
        return next(m for m in self.markers if m.city == city)


def _legend_block(pub, lang, shown, scale_mm_per_km, row_width=None):
    """Legend entries relative to (0, 0) and the block's size (w, h). Stacked in a column with the
    scale bar as the last row; with `row_width`, entries flow in rows across that width (a band
    under the map) and the scale bar ends the last row."""
    name_cap = cap_height(LEGEND_NAME_SIZE, "Bold")
    count_cap = cap_height(LEGEND_COUNT_SIZE)
    sym_w = 2 * MARKER_R + 1.6
    entry_h = name_cap + 0.3 + LEGEND_COUNT_SIZE * 1.25 + LEGEND_COUNT_SIZE * 0.35
    col_gap, row_gap = 6.0, 2.2
    km = next((k for k in (200, 100, 50, 25, 10, 5) if k * scale_mm_per_km <= 30), 5)
    length = km * scale_mm_per_km
    scale_w = max(length, text_width(f"{km} {KM}", LEGEND_COUNT_SIZE)) + 0.6
    scale_h = 0.8 + 1.2 + count_cap + 0.8

    items = []
    for n in pub.networks:
        name = _t(n.name, lang)
        count = legend_count(len(shown[n.id]), n.cities_expected, pub.labels[lang])
        w = sym_w + max(text_width(name, LEGEND_NAME_SIZE, "Bold"), text_width(count, LEGEND_COUNT_SIZE))
        items.append((n, name, count, w))

    entries, x, y, w_total = [], 0.0, 0.0, 0.0
    for n, name, count, w in items:
        if row_width is not None and x > 0 and x + w > row_width:
            x, y = 0.0, y + entry_h + row_gap
        b1 = y + name_cap + 0.3
        b2 = b1 + LEGEND_COUNT_SIZE * 1.25
        entries.append(LegendEntry(n.id, name, count, n.shape, n.colour,
                                   (x + MARKER_R + 0.4, b1 - name_cap / 2), (x + sym_w, b1), (x + sym_w, b2)))
        w_total = max(w_total, x + w)
        if row_width is None:
            y += entry_h + row_gap
        else:
            x += w + col_gap
    if row_width is None:                      # column: scale bar under the entries
        sx, sy = 0.4, y + 0.8
        w_total = max(w_total, sx + scale_w)
        h = y + scale_h
    else:                                      # band: scale bar at the right end of the last row
        if x > 0 and x + scale_w > row_width:
            x, y = 0.0, y + entry_h + row_gap
        sx, sy = row_width - scale_w + 0.3, y + 1.0
        w_total = row_width
        h = max(y + entry_h, sy - 0.8 + scale_h)
    text_b = sy + 1.2 + count_cap + 0.2
    scale = {"x": sx, "y": sy, "length": length, "km": km, "text_xy": (sx, text_b)}
    return entries, scale, w_total, h


def layout_map(pub, lang: str, width_mm: float = 170) -> MapLayout:
    """Positions of everything on the map, in mm. Pure: the same data give the same layout."""
    lonlat_rings = _outline_for(pub)
    km_rings = [[project(lon, lat) for lon, lat in ring] for ring in lonlat_rings]
    xs = [p[0] for r in km_rings for p in r]
    ys = [p[1] for r in km_rings for p in r]
    minx, maxx, miny, maxy = min(xs), max(xs), min(ys), max(ys)
    s = (width_mm - 2 * MARGIN) / (maxx - minx)
    height = (maxy - miny) * s + 2 * MARGIN

    def to_mm(lon, lat):
        x, y = project(lon, lat)
        return MARGIN + (x - minx) * s, MARGIN + (maxy - y) * s

    rings = [[(MARGIN + (x - minx) * s, MARGIN + (maxy - y) * s) for x, y in r] for r in km_rings]
    main_ring = max(rings, key=len)
    shown = shown_cities(pub)

    # legend: in an empty corner of the bounding box if one is free, else in a band below
    entries, scale, lw, lh = _legend_block(pub, lang, shown, s)
    pad = 1.2
    ox = oy = None
    corners = [(MARGIN, height - MARGIN - lh),             # south-west (Czech border side)
               (width_mm - MARGIN - lw, height - MARGIN - lh),   # south-east
               (width_mm - MARGIN - lw, MARGIN),          # north-east
               (MARGIN, MARGIN)]                          # north-west
    for cx, cy in corners:
        if not any(box_hits_polygon(inflate((cx, cy, cx + lw, cy + lh), pad), r) for r in rings):
            ox, oy = cx, cy
            break
    if ox is None:                                        # band under the map
        entries, scale, lw, lh = _legend_block(pub, lang, shown, s, row_width=width_mm - 2 * MARGIN)
        ox, oy = MARGIN, height + 2.0
        height = oy + lh + MARGIN
    for e in entries:
        e.marker = (e.marker[0] + ox, e.marker[1] + oy)
        e.name_xy = (e.name_xy[0] + ox, e.name_xy[1] + oy)
        e.count_xy = (e.count_xy[0] + ox, e.count_xy[1] + oy)
    scale["x"] += ox
    scale["y"] += oy
    scale["text_xy"] = (scale["text_xy"][0] + ox, scale["text_xy"][1] + oy)
    legend_box = (ox, oy, ox + lw, oy + lh)

    # markers
    markers = []
    for n in pub.networks:
        for c in shown[n.id]:
            x, y = to_mm(c.lon, c.lat)
            e = marker_extent(n.shape)
            markers.append(Marker(c.name, n.id, n.shape, n.colour, x, y, (x + e[0], y + e[1], x + e[2], y + e[3])))

    # labels
    edges = [(r[i], r[(i + 1) % len(r)]) for r in rings for i in range(len(r))]
    points = [(m.city, m.x, m.y, m.box) for m in markers]
    # labels stay inside the outline's bounding box (with its margin)
    bounds = (0.0, 0.0, width_mm, max(y for r in rings for _, y in r) + MARGIN)
    labels = place_labels(points, bounds, obstacles=[inflate(legend_box, 0.6)], soft_lines=edges)

    # sea name: in open water north-west of the coast, if it fits after the cities are labelled
    sea = (_place_sea(pub.labels[lang]["sea"], to_mm, rings, markers, labels, legend_box, bounds)
           if width_mm >= SEA_MIN_WIDTH else None)

    return MapLayout(width_mm, height, lang, rings, markers, labels, entries, legend_box, scale, sea,
                     pub.labels[lang]["map_title"], map_alt_text(pub, lang), to_mm)


def _place_sea(text, to_mm, rings, markers, labels, legend_box, bounds):
    spacing = 0.25
    w = text_width(text, SEA_SIZE, "Italic", spacing)
    _, asc, desc = text_extents(text, SEA_SIZE, "Italic")
    tx, ty = to_mm(16.2, 54.95)                  # off the coast between Kołobrzeg and Łeba
    offsets = sorted(((dx, dy) for dy in range(0, 31) for dx in range(-20, 21)),
                     key=lambda o: (abs(o[0]) + o[1], o[1], o[0]))
    for dx, dy in offsets:                       # nearest free spot to the target
        x, b = tx - w / 2 + dx * 0.5, ty + dy * 0.5
        box = (x - 0.3, b - asc - 0.3, x + w + 0.3, b + desc + 0.3)
        if not (bounds[0] + 0.5 <= box[0] and bounds[1] + 0.5 <= box[1] and box[2] <= bounds[2] - 0.5):
            continue
        if boxes_overlap(box, legend_box, 1.0):
            continue
        if any(boxes_overlap(box, m.box, 1.0) for m in markers):
            continue
        if any(boxes_overlap(box, lb.box, 1.0) for lb in labels):
            continue
        if any(lb.leader and segment_hits_box(*lb.leader, inflate(box, 0.5)) for lb in labels):
            continue
        if any(box_hits_polygon(inflate(box, 1.2), r) for r in rings):
            continue
        return {"text": text, "x": x, "baseline": b, "box": box, "spacing": spacing}
    return None


# --------------------------------------------------------------------------- SVG


def render_map(pub, lang: str, width_mm: float = 170) -> str:
    """The map as an <svg> element (mm user units), ready to inline in HTML."""
    L = layout_map(pub, lang, width_mm)
    f = _n
    out = []
    a = out.append
    a(f'<svg xmlns="http://www.w3.org/2000/svg" class="map" role="img" '
      f'width="{f(L.width)}mm" height="{f(L.height)}mm" viewBox="0 0 {f(L.width)} {f(L.height)}">')
    a(f"<title>{escape(L.title)}</title>")
    a(f"<desc>{escape(L.desc)}</desc>")

    d = " ".join("M" + " L".join(f"{f(x)},{f(y)}" for x, y in r) + " Z" for r in L.rings)
    d_shadow = " ".join("M" + " L".join(f"{f(x + 0.5)},{f(y + 0.6)}" for x, y in r) + " Z" for r in L.rings)
    a(f'<path class="land-shadow" d="{d_shadow}" fill="{LAND_SHADOW}" stroke="none"/>')
    a(f'<path class="land" d="{d}" fill="{LAND}" stroke="{BORDER}" stroke-width="0.3" stroke-linejoin="round"/>')

    if L.sea:
        sea = L.sea
        a(f'<text class="sea" x="{f(sea["x"])}" y="{f(sea["baseline"])}" font-family="{FONT}" '
          f'font-style="italic" font-size="{f(SEA_SIZE)}" letter-spacing="{sea["spacing"]}" '
          f'fill="{SEA_INK}">{escape(sea["text"])}</text>')

    leaders = [lb for lb in L.labels if lb.leader]
    if leaders:
        a(f'<g class="leaders" stroke="{LEADER}" stroke-width="0.2" fill="none">')
        for lb in leaders:
            (x1, y1), (x2, y2) = lb.leader
            a(f'<path d="M{f(x1)},{f(y1)} L{f(x2)},{f(y2)}"/>')
        a("</g>")

    a(f'<g class="markers" stroke="#ffffff" stroke-width="{MARKER_STROKE}" stroke-linejoin="round">')
    for m in L.markers:
        a(marker_svg(m.shape, m.x, m.y, m.colour,
                     extra=f" data-city={quoteattr(m.city)} data-network={quoteattr(m.network)}"))
    a("</g>")

    # halo first (a stroked copy), then the ink: WeasyPrint 70 has no paint-order
    text_attrs = f'font-family="{FONT}" font-size="{f(LABEL_SIZE)}"'
    a(f'<g class="label-halos" {text_attrs} fill="#ffffff" stroke="#ffffff" stroke-width="{HALO}" '
      f'stroke-linejoin="round" aria-hidden="true">')
    for lb in L.labels:
        a(f'<text x="{f(lb.x)}" y="{f(lb.baseline)}">{escape(lb.name)}</text>')
    a("</g>")
    a(f'<g class="labels" {text_attrs} fill="{INK}">')
    for lb in L.labels:
        a(f'<text x="{f(lb.x)}" y="{f(lb.baseline)}" data-city={quoteattr(lb.name)}>{escape(lb.name)}</text>')
    a("</g>")

    a(f'<g class="legend" font-family="{FONT}">')
    for e in L.legend:
        a(marker_svg(e.shape, e.marker[0], e.marker[1], e.colour,
                     extra=f' stroke="#ffffff" stroke-width="{MARKER_STROKE}" data-network={quoteattr(e.network)}'))
        a(f'<text x="{f(e.name_xy[0])}" y="{f(e.name_xy[1])}" font-size="{f(LEGEND_NAME_SIZE)}" '
          f'font-weight="bold" fill="{INK}">{escape(e.name)}</text>')
        a(f'<text x="{f(e.count_xy[0])}" y="{f(e.count_xy[1])}" font-size="{f(LEGEND_COUNT_SIZE)}" '
          f'fill="{INK_SOFT}" data-network={quoteattr(e.network)} class="count">{escape(e.count)}</text>')
    sc = L.scale
    x0, y0, x1 = sc["x"], sc["y"], sc["x"] + sc["length"]
    a(f'<path class="scale" d="M{f(x0)},{f(y0 - 0.6)} L{f(x0)},{f(y0 + 0.6)} M{f(x0)},{f(y0)} L{f(x1)},{f(y0)} '
      f'M{f(x1)},{f(y0 - 0.6)} L{f(x1)},{f(y0 + 0.6)}" stroke="{INK_SOFT}" stroke-width="0.25" fill="none"/>')
    a(f'<text x="{f(sc["text_xy"][0])}" y="{f(sc["text_xy"][1])}" font-size="{f(LEGEND_COUNT_SIZE)}" '
      f'fill="{INK_SOFT}">{sc["km"]} {KM}</text>')
    a("</g>")
    a("</svg>")
    return "\n".join(out)


# --------------------------------------------------------------------------- cover

COVER_LAND = "#1f4268"      # a shade lighter than the cover's navy
COVER_BORDER = "#5d7fa3"


def render_cover_map(pub, lang: str, width_mm: float = 120) -> str:
    """The outline of Poland with the participating cities as network markers, no labels: the
    cover's picture, made from the same data as the map."""
    rings = [[project(lon, lat) for lon, lat in ring] for ring in _outline_for(pub)]
    xs = [x for ring in rings for x, _ in ring]
    ys = [y for ring in rings for _, y in ring]
    scale = width_mm / (max(xs) - min(xs))
    height = (max(ys) - min(ys)) * scale

    def at(x, y):
        return (x - min(xs)) * scale, (max(ys) - y) * scale

    outline = " ".join("M" + " L".join(f"{_n(a)},{_n(b)}" for a, b in (at(x, y) for x, y in ring))
                       + " Z" for ring in rings)
    networks = {n.id: n for n in pub.networks}
    markers = [marker_svg(networks[c.network].shape, *at(*project(c.lon, c.lat)),
                          networks[c.network].colour, r=2.2,
                          extra=' stroke="#ffffff" stroke-width="0.5"')
               for city_list in shown_cities(pub).values() for c in city_list]
    title = pub.labels[lang]["cover_map_title"]
    return (f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{_n(width_mm)}mm" '
            f'height="{_n(height)}mm" viewBox="0 0 {_n(width_mm)} {_n(height)}">'
            f"<title>{escape(title)}</title>"
            f'<path d="{outline}" fill="{COVER_LAND}" stroke="{COVER_BORDER}" '
            f'stroke-width="0.35" stroke-linejoin="round"/>' + "".join(markers) + "</svg>")
