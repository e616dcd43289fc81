"""The map of the land of the publication's outline with the participating cities, drawn as
inline SVG from its layout.

    render_map(pub, lang, width_mm=170) -> str        # <svg> element, no XML declaration
    render_cover_map(pub, lang, width_mm=120) -> str  # the cover's outline with markers, no labels
    render_locator(pub, lang, width_mm=32) -> str    # a small inset: outline and markers, no names
    marker_svg(shape, x, y, colour) -> str             # a network's marker (also the month strip's)

Where things go is brochure/graphics/maplayout.py (labels: maplabels.py, projection and boxes:
mapgeometry.py); the colours are the design tokens of styles/tokens.css and the network
colours of the data. Coordinates in the SVG are millimetres at print size: the viewBox is
0 0 width_mm height_mm.

Only basic SVG that WeasyPrint 70 draws is used: path, circle, rect, polygon, line, text, g and
presentation attributes. WeasyPrint 70 ignores `paint-order` (it strokes text over its fill), so
the white halo under each label is a separate stroked copy of the text drawn first.
"""
from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

from .mapgeometry import (MARKER_R, MARKER_STROKE, Frame, marker_extent, outline_for,
                          projected_rings, projection_of)
from .maplabels import HALO, LABEL_SIZE, SEA_SIZE
from .maplayout import KM, LEGEND_COUNT_SIZE, LEGEND_NAME_SIZE, layout_map, map_alt_text, shown_cities
from .tokens import colours, text_font

COLOURS = ("paper", "map-land", "map-land-shadow", "map-border", "map-ink", "map-ink-soft",
           "map-sea", "map-leader", "cover-map-land", "cover-map-border")
SHADOW_OFFSET = (0.5, 0.6)  # the land's shadow, right and down
BORDER_WIDTH = 0.3
LEADER_WIDTH = 0.2
SCALE_WIDTH = 0.25
SCALE_TICK = 0.6            # the scale bar's end ticks, up and down
FRAME_WIDTH = 0.45          # of a frame marker's side, times its radius
COVER_MARKER_R = 2.2
COVER_RING = 0.5
COVER_BORDER_WIDTH = 0.35


def _palette() -> dict:
    return colours(*COLOURS)


def number(v: float) -> str:
    """A coordinate for SVG: at most two decimals, no trailing zeros, never '-0'."""
    s = f"{v:.2f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


# --------------------------------------------------------------------------- markers


def marker_svg(shape: str, x: float, y: float, colour: str, r: float = MARKER_R,
               ring: tuple | None = None, data: str = "") -> str:
    """A network's marker centred on (x, y). ring: (colour, width) of its outline where no
    group gives one; data: data-* attributes. A frame is outlined in the network's colour."""
    if shape == "frame":
        return _frame(x, y, colour, r, data)
    extra = (f' stroke="{ring[0]}" stroke-width="{number(ring[1])}"' if ring else "") + data
    draw = {"square": _square, "bar": _bar, "triangle": _polygon, "diamond": _polygon}.get(shape, _circle)
    return draw(shape, x, y, colour, r, extra)


def _circle(shape, x, y, colour, r, extra) -> str:
    return f'<circle cx="{number(x)}" cy="{number(y)}" r="{number(r)}" fill="{colour}"{extra}/>'


def _rect(x0, y0, w, h, attrs) -> str:
    return f'<rect x="{number(x0)}" y="{number(y0)}" width="{number(w)}" height="{number(h)}" {attrs}/>'


def _square(shape, x, y, colour, r, extra) -> str:
    h = -marker_extent(shape, r)[0]
    return _rect(x - h, y - h, 2 * h, 2 * h, f'fill="{colour}"{extra}')


def _bar(shape, x, y, colour, r, extra) -> str:
    x0, y0, x1, y1 = marker_extent(shape, r)
    return _rect(x + x0, y + y0, x1 - x0, y1 - y0, f'fill="{colour}"{extra}')


def _frame(x, y, colour, r, data) -> str:
    x0, y0, x1, y1 = marker_extent("frame", r)
    w = r * FRAME_WIDTH
    return _rect(x + x0 + w / 2, y + y0 + w / 2, x1 - x0 - w, y1 - y0 - w,
                 f'fill="{_palette()["paper"]}" stroke="{colour}" stroke-width="{number(w)}"{data}')


def _polygon(shape, x, y, colour, r, extra) -> str:
    x0, y0, x1, y1 = marker_extent(shape, r)
    if shape == "triangle":
        pts = [(x, y + y0), (x + x1, y + y1), (x + x0, y + y1)]
    else:
        pts = [(x, y + y0), (x + x1, y), (x, y + y1), (x + x0, y)]
    return f'<polygon points="{" ".join(f"{number(a)},{number(b)}" for a, b in pts)}" fill="{colour}"{extra}/>'


# --------------------------------------------------------------------------- the map


def render_map(pub, lang: str, width_mm: float = 170, draft: bool = True) -> str:
    """The map as an <svg> element (mm user units), ready to inline in HTML."""
    return render_map_and_gaps(pub, lang, width_mm, draft)[0]


def render_map_and_gaps(pub, lang: str, width_mm: float = 170, draft: bool = True) -> tuple:
    """(the map's <svg>, the cities whose names found no room on it: their markers stand
    without a label, the description still names them). draft: the legend and description
    say how many cities the map lacks (a reader's edition leaves it out)."""
    layout = layout_map(pub, lang, width_mm, draft)
    ink = _palette()
    w, h = number(layout.width), number(layout.height)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="map" role="img" '
           f'width="{w}mm" height="{h}mm" viewBox="0 0 {w} {h}">',
           f"<title>{escape(layout.title)}</title>",
           f"<desc>{escape(layout.desc)}</desc>"]
    out += _land(layout.rings, ink)
    out += _sea(layout.sea, ink)
    out += _leaders(layout.labels, ink)
    out += _markers(layout.markers, ink)
    out += _labels(layout.labels, ink)
    out += _legend(layout.legend, layout.scale, ink)
    out.append("</svg>")
    return "\n".join(out), layout.unlabelled


def _path(rings, dx: float = 0.0, dy: float = 0.0) -> str:
    return " ".join("M" + " L".join(f"{number(x + dx)},{number(y + dy)}" for x, y in r) + " Z" for r in rings)


def _land(rings, ink) -> list:
    return [f'<path class="land-shadow" d="{_path(rings, *SHADOW_OFFSET)}" fill="{ink["map-land-shadow"]}" '
            f'stroke="none"/>',
            f'<path class="land" d="{_path(rings)}" fill="{ink["map-land"]}" stroke="{ink["map-border"]}" '
            f'stroke-width="{BORDER_WIDTH}" stroke-linejoin="round"/>']


def _sea(sea, ink) -> list:
    if not sea:
        return []
    return [f'<text class="sea" x="{number(sea["x"])}" y="{number(sea["baseline"])}" font-family="{text_font()}" '
            f'font-style="italic" font-size="{number(SEA_SIZE)}" letter-spacing="{sea["spacing"]}" '
            f'fill="{ink["map-sea"]}">{escape(sea["text"])}</text>']


def _leaders(labels, ink) -> list:
    leaders = [lb.leader for lb in labels if lb.leader]
    if not leaders:
        return []
    return ([f'<g class="leaders" stroke="{ink["map-leader"]}" stroke-width="{LEADER_WIDTH}" fill="none">']
            + [f'<path d="M{number(x1)},{number(y1)} L{number(x2)},{number(y2)}"/>'
               for (x1, y1), (x2, y2) in leaders]
            + ["</g>"])


def _markers(markers, ink) -> list:
    return ([f'<g class="markers" stroke="{ink["paper"]}" stroke-width="{MARKER_STROKE}" stroke-linejoin="round">']
            + [marker_svg(m.shape, m.x, m.y, m.colour,
                          data=f" data-city={quoteattr(m.city)} data-network={quoteattr(m.network)}")
               for m in markers]
            + ["</g>"])


def _labels(labels, ink) -> list:
    """The halo first (a stroked copy), then the ink: WeasyPrint 70 has no paint-order."""
    text_attrs = f'font-family="{text_font()}" font-size="{number(LABEL_SIZE)}"'
    halos = [f'<text x="{number(lb.x)}" y="{number(lb.baseline)}">{escape(lb.name)}</text>' for lb in labels]
    names = [f'<text x="{number(lb.x)}" y="{number(lb.baseline)}" data-city={quoteattr(lb.name)}>'
             f'{escape(lb.name)}</text>' for lb in labels]
    return ([f'<g class="label-halos" {text_attrs} fill="{ink["paper"]}" stroke="{ink["paper"]}" '
             f'stroke-width="{HALO}" stroke-linejoin="round" aria-hidden="true">'] + halos + ["</g>"]
            + [f'<g class="labels" {text_attrs} fill="{ink["map-ink"]}">'] + names + ["</g>"])


def _legend(entries, scale, ink) -> list:
    out = [f'<g class="legend" font-family="{text_font()}">']
    for e in entries:
        out.append(marker_svg(e.shape, e.marker[0], e.marker[1], e.colour, ring=(ink["paper"], MARKER_STROKE),
                              data=f" data-network={quoteattr(e.network)}"))
        out.append(f'<text x="{number(e.name_xy[0])}" y="{number(e.name_xy[1])}" '
                   f'font-size="{number(LEGEND_NAME_SIZE)}" font-weight="bold" fill="{ink["map-ink"]}">'
                   f'{escape(e.name)}</text>')
        if e.count:
            out.append(f'<text x="{number(e.count_xy[0])}" y="{number(e.count_xy[1])}" '
                       f'font-size="{number(LEGEND_COUNT_SIZE)}" fill="{ink["map-ink-soft"]}" '
                       f'data-network={quoteattr(e.network)} class="count">{escape(e.count)}</text>')
    out += _scale_bar(scale, ink)
    out.append("</g>")
    return out


def _scale_bar(scale, ink) -> list:
    x0, y0, x1 = number(scale.x), scale.y, number(scale.x + scale.length)
    up, mid, down = number(y0 - SCALE_TICK), number(y0), number(y0 + SCALE_TICK)
    return [f'<path class="scale" d="M{x0},{up} L{x0},{down} M{x0},{mid} L{x1},{mid} '
            f'M{x1},{up} L{x1},{down}" stroke="{ink["map-ink-soft"]}" stroke-width="{SCALE_WIDTH}" fill="none"/>',
            f'<text x="{number(scale.text_xy[0])}" y="{number(scale.text_xy[1])}" '
            f'font-size="{number(LEGEND_COUNT_SIZE)}" fill="{ink["map-ink-soft"]}">{scale.km} {KM}</text>']


# --------------------------------------------------------------------------- the cover


def cover_networks(pub) -> list[str]:
    """The networks the cover map draws: not one whose cities are mostly unknown (one marker of
    a network of ten reads as a network of one; its section names them in a sentence)."""
    return [n.id for n in pub.networks if not n.mostly_unknown(len(pub.cities_of(n.id)))]


def render_cover_map(pub, lang: str, width_mm: float = 120) -> str:
    """The outline of the land with the participating cities as network markers, no labels:
    the cover's picture, made from the same data and projection as the map."""
    ink = _palette()
    project = projection_of(outline_for(pub))
    km_rings = projected_rings(outline_for(pub).rings, project)
    frame = Frame.fit(km_rings, width_mm, project=project)
    outline = _path([[frame.page(x, y) for x, y in ring] for ring in km_rings])
    networks = {n.id: n for n in pub.networks}
    markers = [marker_svg(networks[c.network].shape, *frame.page(*project(*c.lonlat())),
                          networks[c.network].colour, r=COVER_MARKER_R, ring=(ink["paper"], COVER_RING))
               for network_id in cover_networks(pub) for c in shown_cities(pub)[network_id]]
    title = pub.labels[lang]["cover_map_title"]
    return (f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{number(width_mm)}mm" '
            f'height="{number(frame.height)}mm" viewBox="0 0 {number(width_mm)} {number(frame.height)}">'
            f"<title>{escape(title)}</title>"
            f'<path d="{outline}" fill="{ink["cover-map-land"]}" stroke="{ink["cover-map-border"]}" '
            f'stroke-width="{COVER_BORDER_WIDTH}" stroke-linejoin="round"/>' + "".join(markers) + "</svg>")


def render_locator(pub, lang: str, width_mm: float = 32, draft: bool = True) -> str:
    """A small map without names: the outline of Poland and the cities as network markers, for
    an inset too small for legible labels (the names are in the table beside it; the title and
    description name every city for screen readers)."""
    ink = _palette()
    project = projection_of(outline_for(pub))
    km_rings = projected_rings(outline_for(pub).rings, project)
    frame = Frame.fit(km_rings, width_mm, project=project)
    rings = [[frame.page(x, y) for x, y in ring] for ring in km_rings]
    networks = {n.id: n for n in pub.networks}
    markers = [marker_svg(networks[c.network].shape, *frame.page(*project(*c.lonlat())),
                          networks[c.network].colour)
               for city_list in shown_cities(pub).values() for c in city_list]
    w, h = number(width_mm), number(frame.height)
    return "\n".join([f'<svg xmlns="http://www.w3.org/2000/svg" class="map locator" role="img" '
                      f'width="{w}mm" height="{h}mm" viewBox="0 0 {w} {h}">',
                      f"<title>{escape(pub.labels[lang]['map_title'])}</title>",
                      f"<desc>{escape(map_alt_text(pub, lang, draft))}</desc>", *_land(rings, ink),
                      f'<g class="markers" stroke="{ink["paper"]}" stroke-width="{MARKER_STROKE}" '
                      f'stroke-linejoin="round">', *markers, "</g>", "</svg>"])
