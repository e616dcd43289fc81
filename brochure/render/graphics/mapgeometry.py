"""Geometry of the maps: the projection, the land's outline fitted to the page, boxes and
segments, the extent of the city markers.

The land is the publication's outline (publication.yaml's `map:`, loaded into pub.outline:
PIM's is content/data/poland.json, Natural Earth simplified once by
tools/make_poland_outline.py), with its projection; the build reads nothing else. A
`Projection` gives kilometres (x east, y north); a `Frame` turns them into millimetres on the
page (x right, y down). A `Box` is (x0, y0, x1, y1) in page millimetres.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path

EARTH_R_KM = 6371.0

MARKER_R = 1.45             # radius of a circle marker (mm); other shapes have the same area
MARKER_STROKE = 0.35        # the white ring round a marker (mm)

Box = tuple[float, float, float, float]  # (x0, y0, x1, y1), y down
Point = tuple[float, float]   # (x, y): km east and north, or mm right and down on the page


# --------------------------------------------------------------------------- the outline


def outline_for(pub):
    """The publication's outline (model.Outline); a ValueError if it has none."""
    if pub.outline is None:
        raise ValueError("the publication has no map: (an outline) to draw")
    return pub.outline


def load_outline(path: str) -> tuple:
    """Rings of (lon, lat) of a GeoJSON outline file (tools and benchmarks; the build reads the
    publication's own, checked, in content/publication.py)."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    polygons = [data["coordinates"]] if data["type"] == "Polygon" else data["coordinates"]
    return tuple(tuple((float(x), float(y)) for x, y, *_ in poly[0]) for poly in polygons)


# --------------------------------------------------------------------------- projection


@dataclass(frozen=True)
class Projection:
    """Lambert conformal conic: standard parallels and origin (lon, lat) in degrees; PIM's
    Poland: 49.5 and 54.5 N, origin 52 N 19 E (its outline's data)."""
    parallels: tuple[float, float]
    origin: tuple[float, float]
    constants: tuple = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        p1, p2, p0 = (math.radians(v) for v in (*self.parallels, self.origin[1]))
        t = lambda p: math.tan(math.pi / 4 + p / 2)  # noqa: E731
        n = math.sin(p1) if p1 == p2 else \
            math.log(math.cos(p1) / math.cos(p2)) / math.log(t(p2) / t(p1))
        f = math.cos(p1) * t(p1) ** n / n
        object.__setattr__(self, "constants", (n, f, EARTH_R_KM * f / t(p0) ** n))

    def __call__(self, lon: float, lat: float) -> Point:
        """(lon, lat) in degrees -> (x east, y north) in km."""
        n, f, rho0 = self.constants
        rho = EARTH_R_KM * f / math.tan(math.pi / 4 + math.radians(lat) / 2) ** n
        theta = n * math.radians(lon - self.origin[0])
        return rho * math.sin(theta), rho0 - rho * math.cos(theta)


def projection_of(outline) -> Projection:
    return Projection(outline.parallels, outline.origin)


@dataclass(frozen=True)
class Frame:
    """The outline fitted to a width with a margin round it: km -> mm on the page, north up."""
    left_km: float
    top_km: float
    mm_per_km: float
    margin: float
    width: float
    height: float
    project: Projection | None      # lon/lat -> km (lonlat() needs it)

    @classmethod
    def fit(cls, km_rings, width: float, margin: float = 0.0, project: Projection | None = None
            ) -> Frame:
        xs = [x for ring in km_rings for x, _ in ring]
        ys = [y for ring in km_rings for _, y in ring]
        mm_per_km = (width - 2 * margin) / (max(xs) - min(xs))
        height = (max(ys) - min(ys)) * mm_per_km + 2 * margin
        return cls(min(xs), max(ys), mm_per_km, margin, width, height, project)

    def page(self, x: float, y: float) -> Point:
        """Projected km -> page mm."""
        return (self.margin + (x - self.left_km) * self.mm_per_km,
                self.margin + (self.top_km - y) * self.mm_per_km)

    def lonlat(self, lon: float, lat: float) -> Point:
        """Degrees -> page mm."""
        assert self.project is not None, "a Frame fitted without its projection"
        return self.page(*self.project(lon, lat))


def projected_rings(lonlat_rings, project: Projection) -> list:
    return [[project(lon, lat) for lon, lat in ring] for ring in lonlat_rings]


def ring_edges(rings) -> list:
    """Every edge (p, q) of the closed rings."""
    return [(r[i], r[(i + 1) % len(r)]) for r in rings for i in range(len(r))]


# --------------------------------------------------------------------------- boxes and lines


def boxes_overlap(a: Box, b: Box, gap: float = 0.0) -> bool:
    return a[0] < b[2] + gap and b[0] < a[2] + gap and a[1] < b[3] + gap and b[1] < a[3] + gap


def inflate(b: Box, d: float) -> Box:
    return (b[0] - d, b[1] - d, b[2] + d, b[3] + d)


def box_within(inner: Box, outer: Box) -> bool:
    return outer[0] <= inner[0] and outer[1] <= inner[1] and inner[2] <= outer[2] and inner[3] <= outer[3]


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


def segment_hits_box(p: Point, q: Point, b: Box) -> bool:
    """Does segment p-q touch box b (Liang-Barsky clipping)?"""
    x0, y0 = p
    dx, dy = q[0] - x0, q[1] - y0
    t0, t1 = 0.0, 1.0
    for pk, qk in ((-dx, x0 - b[0]), (dx, b[2] - x0), (-dy, y0 - b[1]), (dy, b[3] - y0)):
        if pk == 0:
            if qk < 0:
                return False
            continue
        r = qk / pk
        if pk < 0:
            t0 = max(t0, r)
        else:
            t1 = min(t1, r)
        if t0 > t1:
            return False
    return True


def _beside(b: Box, p, q) -> bool:
    """Do both ends of p-q lie on the same outer side of box b (a quick reject)?"""
    return ((p[0] < b[0] and q[0] < b[0]) or (p[0] > b[2] and q[0] > b[2])
            or (p[1] < b[1] and q[1] < b[1]) or (p[1] > b[3] and q[1] > b[3]))


def box_hits_polyline(b: Box, edges) -> bool:
    return any(not _beside(b, p, q) and segment_hits_box(p, q, b) for p, q in edges)


def box_hits_polygon(b: Box, ring) -> bool:
    """Does box b touch polygon ring (edge crossing, or one inside the other)?"""
    if box_hits_polyline(b, ring_edges([ring])):
        return True
    return point_in_polygon(b[0], b[1], ring) or (b[0] <= ring[0][0] <= b[2] and b[1] <= ring[0][1] <= b[3])


# --------------------------------------------------------------------------- markers


def _half_square(r: float) -> float:
    """Half the side of the square with the area of a circle of radius r."""
    return r * math.sqrt(math.pi) / 2


def _triangle_side(r: float) -> float:
    """Side of the equilateral triangle with the area of a circle of radius r."""
    return r * math.sqrt(4 * math.pi / math.sqrt(3))


def marker_extent(shape: str, r: float = MARKER_R) -> Box:
    """Box of a marker centred on (0, 0), without its white ring."""
    if shape == "square":
        h = _half_square(r)
        return (-h, -h, h, h)
    if shape == "diamond":
        h = r * math.sqrt(math.pi / 2)
        return (-h, -h, h, h)
    if shape == "triangle":
        a = _triangle_side(r)
        return (-a / 2, -a / math.sqrt(3), a / 2, a / (2 * math.sqrt(3)))
    if shape == "bar":
        return (-1.3 * r, -0.6 * r, 1.3 * r, 0.6 * r)
    return (-r, -r, r, r)            # circle, frame


def marker_box(shape: str, x: float, y: float, r: float = MARKER_R) -> Box:
    """Box of a marker centred on (x, y), without its white ring."""
    e = marker_extent(shape, r)
    return (x + e[0], y + e[1], x + e[2], y + e[3])
