"""The map laid out from the data (the land of the publication's outline): where the outline,
every city marker, its label, the legend, the scale bar and the sea's name go. Pure: the same data give the same layout.

    layout_map(pub, lang, width_mm=170) -> MapLayout   # every position, in mm
    map_alt_text(pub, lang) -> str                      # the text equivalent of the map
    shown_cities(pub) -> {network id: [City]}           # the cities the map shows
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

from ...model import City
from .mapgeometry import (MARKER_R, Box, Frame, box_hits_polygon, inflate, marker_box, outline_for,
                          projected_rings, projection_of, ring_edges)
from .maplabels import place_labels_or_leave_out, place_sea
from .svgtext import cap_height, pt, text_width

MARGIN = 1.5                # round the outline
SEA_MIN_WIDTH = 80          # a smaller map has no room for the sea name
LEGEND_NAME_SIZE = pt(8.5)
LEGEND_COUNT_SIZE = pt(7.5)
LEGEND_PAD = 1.2            # empty space the legend needs round it in a corner
LEGEND_CLEARANCE = 0.6      # labels keep this from the legend
BAND_GAP = 2.0              # a legend band under the map: the gap above it
COLUMN_GAP, ROW_GAP = 6.0, 2.2
SYMBOL_WIDTH = 2 * MARKER_R + 1.6   # a legend entry's marker and the space after it
SYMBOL_INSET = 0.4          # the marker's edge from the entry's left
NAME_DROP = 0.3             # the entry's top to the name's cap height
COUNT_LEADING = 1.25        # the name's baseline to the count's, times the count's size
ENTRY_FOOT = 0.35           # below the count's baseline, times its size
SCALE_MAX = 30              # mm: the scale bar's longest length
SCALE_KM = (200, 100, 50, 25, 10, 5)
SCALE_ABOVE = 0.8           # room above the bar (its ticks)
SCALE_TEXT_DROP = 1.2       # the bar to the cap height of "100 km"
SCALE_TEXT_NUDGE = 0.2      # ... and on to its baseline
SCALE_BELOW = 0.8           # room under the text
SCALE_SIDE = 0.6            # room beside the bar or text, whichever is longer
SCALE_INSET = 0.4           # in a column: the bar's left end from the legend's left
BAND_SCALE_DROP = 1.0       # in a band: the row's top to the bar
KM = "km"


# --------------------------------------------------------------------------- words


def legend_count(shown: int, expected: int | None, labels, draft: bool = True, names=()) -> str:
    """Legend line under a network name: '10 miast'; when the map shows fewer cities than the
    network had, in a reader's edition the count and those shown, '10 miast (na mapie:
    Pieszyce)' (more than two: '… (na mapie: 3 miasta)'), nothing when it shows none; in a draft
    '1 z 10 miast na mapie' (labels: the language's, content/labels.yaml)."""
    if expected and shown < expected:
        if draft:
            return labels.plural("cities_of", expected, shown=shown)
        if not shown:
            return ""
        which = ", ".join(names) if 0 < len(names) <= 2 else labels.plural("cities", shown)
        return labels["on_map"].format(count=labels.plural("cities", expected), names=which)
    return labels.plural("cities", shown)


_PL_ORDER = "aąbcćdeęfghijklłmnńoópqrsśtuvwxyzźż"


def polish_key(s: str) -> tuple:
    """Sort key in Polish alphabetical order (Ł after L, Ś after S, Ż last)."""
    return tuple((_PL_ORDER.index(ch) if ch in _PL_ORDER else 100 + ord(ch)) for ch in s.lower())


def _in_lang(text: dict, lang: str) -> str:
    return text.get(lang) or next(iter(text.values()))


# --------------------------------------------------------------------------- data


def shown_cities(pub) -> dict[str, list[City]]:
    """network id -> cities on the map (with coordinates), in pub.networks order, Polish-sorted.
    Cities without coordinates or whose network is not in pub.networks are left out."""
    out: dict[str, list[City]] = {n.id: [] for n in pub.networks}
    for c in pub.cities:
        if c.network in out and c.lat is not None and c.lon is not None:
            out[c.network].append(c)
    for cities in out.values():
        cities.sort(key=lambda c: polish_key(c.name))
    return out


def map_alt_text(pub, lang: str, draft: bool = True) -> str:
    """The map as text, by network: 'Sieć Zielona (10): Gdańsk, ...; Sieć PPP: Pieszyce.'; a
    draft also says how many are missing: 'Sieć PPP (1 z 10): …', 'Sieć X: brak danych'."""
    shown = shown_cities(pub)
    labels = pub.labels[lang]
    parts = []
    for n in pub.networks:
        cities = shown[n.id]
        name = _in_lang(n.name, lang)
        if not cities:
            if draft:
                parts.append(f"{name}: {labels['no_data']}")
            continue
        k = len(cities)
        if n.cities_expected and k < n.cities_expected:
            head = f" ({labels['count_of'].format(shown=k, n=n.cities_expected)})" if draft else ""
        else:
            head = f" ({k})"
        parts.append(f"{name}{head}: " + ", ".join(c.name for c in cities))
    return "; ".join(parts) + "." if parts else ""


# --------------------------------------------------------------------------- the layout


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

    def moved(self, dx: float, dy: float) -> LegendEntry:
        return replace(self, marker=_moved(self.marker, dx, dy), name_xy=_moved(self.name_xy, dx, dy),
                       count_xy=_moved(self.count_xy, dx, dy))


@dataclass
class ScaleBar:
    x: float                    # left end of the bar
    y: float
    length: float               # mm
    km: int
    text_xy: tuple              # text start, baseline

    def moved(self, dx: float, dy: float) -> ScaleBar:
        return replace(self, x=self.x + dx, y=self.y + dy, text_xy=_moved(self.text_xy, dx, dy))


@dataclass
class Legend:
    entries: list               # [LegendEntry]
    scale: ScaleBar
    width: float
    height: float

    def moved(self, dx: float, dy: float) -> Legend:
        return replace(self, entries=[e.moved(dx, dy) for e in self.entries], scale=self.scale.moved(dx, dy))


def _moved(xy: tuple, dx: float, dy: float) -> tuple:
    return (xy[0] + dx, xy[1] + dy)


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
    scale: ScaleBar
    sea: dict | None            # {"text", "x", "baseline", "box", "spacing"} or None
    title: str
    desc: str
    project: object = field(repr=False, default=None)   # (lon, lat) -> (x, y) in mm
    unlabelled: list = field(default_factory=list)       # cities whose names found no room

    def marker_of(self, city: str) -> Marker:
        return next(m for m in self.markers if m.city == city)


def layout_map(pub, lang: str, width_mm: float = 170, draft: bool = True) -> MapLayout:
    """Positions of everything on the map, in mm. Pure: the same data give the same layout.
    draft: the legend and the description say how many cities the map lacks (a reader's
    edition leaves that out)."""
    outline = outline_for(pub)
    project = projection_of(outline)
    km_rings = projected_rings(outline.rings, project)
    frame = Frame.fit(km_rings, width_mm, MARGIN, project)
    rings = [[frame.page(x, y) for x, y in r] for r in km_rings]
    shown = shown_cities(pub)
    legend, legend_box, height = _placed_legend(pub, lang, shown, frame, rings, draft)
    markers = _markers(pub, shown, frame)
    # labels stay inside the outline's bounding box (with its margin)
    bounds = (0.0, 0.0, width_mm, max(y for r in rings for _, y in r) + MARGIN)
    labels, unlabelled = place_labels_or_leave_out(
        [(m.city, m.x, m.y, m.box) for m in markers], bounds,
        obstacles=[inflate(legend_box, LEGEND_CLEARANCE)], soft_lines=ring_edges(rings))
    sea = _sea(pub.labels[lang]["sea"], outline.sea, frame, bounds,
               [legend_box] + [m.box for m in markers], labels, rings)
    return MapLayout(width_mm, height, lang, rings, markers, labels, legend.entries, legend_box,
                     legend.scale, sea, pub.labels[lang]["map_title"], map_alt_text(pub, lang, draft),
                     frame.lonlat, unlabelled)


def _sea(text, target, frame: Frame, bounds, taken, labels, rings) -> dict | None:
    """The sea's name in open water near `target` (lon, lat: the outline's "sea"; PIM's is off
    the coast between Kołobrzeg and Łeba), if it fits once the cities are labelled (never on
    a small map, nor without a target)."""
    if frame.width < SEA_MIN_WIDTH or target is None:
        return None
    return place_sea(text, frame.lonlat(*target), bounds, taken + [lb.box for lb in labels],
                     [lb.leader for lb in labels if lb.leader], rings)


def _markers(pub, shown, frame: Frame) -> list:
    markers = []
    for n in pub.networks:
        for c in shown[n.id]:
            x, y = frame.lonlat(c.lon, c.lat)
            markers.append(Marker(c.name, n.id, n.shape, n.colour, x, y, marker_box(n.shape, x, y)))
    return markers


# --------------------------------------------------------------------------- the legend


def _placed_legend(pub, lang, shown, frame: Frame, rings, draft=True):
    """The legend in an empty corner of the outline's bounding box if one is free, else in a
    band under the map: (Legend, its box, the map's height)."""
    items = _legend_items(pub, lang, shown, draft)
    legend = _legend_column(items, _scale_bar(frame.mm_per_km))
    corner = _free_corner(legend.width, legend.height, frame, rings)
    height = frame.height
    if corner is None:
        row_width = frame.width - 2 * MARGIN
        legend = _legend_band(items, _scale_bar(frame.mm_per_km), row_width)
        corner = (MARGIN, height + BAND_GAP)
        height = corner[1] + legend.height + MARGIN
    ox, oy = corner
    return legend.moved(ox, oy), (ox, oy, ox + legend.width, oy + legend.height), height


def _free_corner(w: float, h: float, frame: Frame, rings):
    """Top-left of the first corner where a w x h block keeps clear of the land, or None."""
    corners = [(MARGIN, frame.height - MARGIN - h),                   # south-west (Czech border side)
               (frame.width - MARGIN - w, frame.height - MARGIN - h),  # south-east
               (frame.width - MARGIN - w, MARGIN),                    # north-east
               (MARGIN, MARGIN)]                                      # north-west
    for cx, cy in corners:
        if not any(box_hits_polygon(inflate((cx, cy, cx + w, cy + h), LEGEND_PAD), r) for r in rings):
            return cx, cy
    return None


def _legend_items(pub, lang, shown, draft=True) -> list:
    """(network, name, count line, width) for each network."""
    items = []
    for n in pub.networks:
        name = _in_lang(n.name, lang)
        count = legend_count(len(shown[n.id]), n.cities_expected, pub.labels[lang], draft,
                             [c.name for c in shown[n.id]])
        w = SYMBOL_WIDTH + max(text_width(name, LEGEND_NAME_SIZE, "Bold"), text_width(count, LEGEND_COUNT_SIZE))
        items.append((n, name, count, w))
    return items


def _entry_height() -> float:
    return (cap_height(LEGEND_NAME_SIZE, "Bold") + NAME_DROP + LEGEND_COUNT_SIZE * COUNT_LEADING
            + LEGEND_COUNT_SIZE * ENTRY_FOOT)


def _entry(n, name, count, x, y) -> LegendEntry:
    """A legend entry whose block starts at (x, y): the marker, the name, the count under it."""
    name_cap = cap_height(LEGEND_NAME_SIZE, "Bold")
    name_baseline = y + name_cap + NAME_DROP
    count_baseline = name_baseline + LEGEND_COUNT_SIZE * COUNT_LEADING
    return LegendEntry(n.id, name, count, n.shape, n.colour,
                       (x + MARKER_R + SYMBOL_INSET, name_baseline - name_cap / 2),
                       (x + SYMBOL_WIDTH, name_baseline), (x + SYMBOL_WIDTH, count_baseline))


def _scale_bar(mm_per_km: float) -> ScaleBar:
    """The longest round distance that fits SCALE_MAX, at (0, 0) (placed with the legend)."""
    km = next((k for k in SCALE_KM if k * mm_per_km <= SCALE_MAX), SCALE_KM[-1])
    return ScaleBar(0.0, 0.0, km * mm_per_km, km, (0.0, 0.0))


def _scale_size(scale: ScaleBar) -> tuple:
    """Width and height of the scale bar with its text."""
    width = max(scale.length, text_width(f"{scale.km} {KM}", LEGEND_COUNT_SIZE)) + SCALE_SIDE
    height = SCALE_ABOVE + SCALE_TEXT_DROP + cap_height(LEGEND_COUNT_SIZE) + SCALE_BELOW
    return width, height


def _scale_at(scale: ScaleBar, x: float, y: float) -> ScaleBar:
    """The scale bar with its left end at (x, y) and its text under it."""
    return replace(scale, x=x, y=y,
                   text_xy=(x, y + SCALE_TEXT_DROP + cap_height(LEGEND_COUNT_SIZE) + SCALE_TEXT_NUDGE))


def _legend_column(items, scale: ScaleBar) -> Legend:
    """The entries stacked from (0, 0), the scale bar as the last row."""
    entries, y, width = [], 0.0, 0.0
    for n, name, count, w in items:
        entries.append(_entry(n, name, count, 0.0, y))
        width = max(width, w)
        y += _entry_height() + ROW_GAP
    scale_w, scale_h = _scale_size(scale)
    scale = _scale_at(scale, SCALE_INSET, y + SCALE_ABOVE)
    return Legend(entries, scale, max(width, scale.x + scale_w), y + scale_h)


def _legend_band(items, scale: ScaleBar, row_width: float) -> Legend:
    """The entries in rows across row_width from (0, 0); the scale bar ends the last row."""
    entries, x, y = [], 0.0, 0.0
    for n, name, count, w in items:
        if x > 0 and x + w > row_width:
            x, y = 0.0, y + _entry_height() + ROW_GAP
        entries.append(_entry(n, name, count, x, y))
        x += w + COLUMN_GAP
    scale_w, scale_h = _scale_size(scale)
    if x > 0 and x + scale_w > row_width:
        x, y = 0.0, y + _entry_height() + ROW_GAP
    scale = _scale_at(scale, row_width - scale_w + SCALE_SIDE / 2, y + BAND_SCALE_DROP)
    return Legend(entries, scale, row_width, max(y + _entry_height(), scale.y - SCALE_ABOVE + scale_h))
