"""The map of Poland (brochure/graphics/map*.py): geometry, labels, legend, accessibility."""
from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import json
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from brochure.render.graphics import maplabels, maplayout  # noqa: E402
from brochure.render.graphics.map import render_cover_map, render_map  # noqa: E402
from brochure.render.graphics.mapgeometry import (  # noqa: E402
    box_hits_polyline, boxes_overlap, point_in_polygon, projection_of, segments_cross,
)
from brochure.render.graphics.maplabels import place_labels, place_labels_or_leave_out  # noqa: E402
from brochure.render.graphics.maplayout import layout_map, legend_count, map_alt_text, polish_key  # noqa: E402
from brochure.render.graphics.svgtext import text_extents, text_width  # noqa: E402
from brochure.model import City, Network, Publication  # noqa: E402
from conftest import LABELS, _REAL  # noqa: E402

OUTLINE = _REAL.outline                 # content/data/poland.json, with its projection
project = projection_of(OUTLINE)

SVG = "{http://www.w3.org/2000/svg}"

# Coordinates: ../shared/facts/pim-facts.md, section 5 (recommended columns).
GREEN = [("Gdańsk", 54.35, 18.65), ("Kostrzyn nad Odrą", 52.59, 14.65), ("Lublin", 51.25, 22.57),
         ("Międzyrzec Podlaski", 51.99, 22.78), ("Racibórz", 50.09, 18.22), ("Ruda Śląska", 50.26, 18.86),
         ("Słupsk", 54.46, 17.03), ("Uniejów", 51.97, 18.79), ("Żory", 50.05, 18.70),
         ("Żyrardów", 52.05, 20.45)]
DIGITAL = [("Białystok", 53.13, 23.16), ("Dębica", 50.05, 21.41), ("Iłowa", 51.50, 15.20),
           ("Krzywiń", 51.96, 16.82), ("Lidzbark Warmiński", 54.13, 20.58), ("Łódź", 51.77, 19.47),
           ("Pilawa", 51.96, 21.53), ("Rzeszów", 50.04, 22.00), ("Świdnica", 50.84, 16.49),
           ("Wyszków", 52.59, 21.46)]


def networks():
    return [
        Network("zielona", {"pl": "Sieć Zielona", "en": "Green City Network"},
                {"pl": "Zielona", "en": "Green"}, "#2e7d32", (80, 10, 100, 20), "circle", 10),
        Network("ppp", {"pl": "Sieć PPP", "en": "PPP Network"},
                {"pl": "PPP", "en": "PPP"}, "#1f5fa8", (85, 50, 0, 10), "square", 10),
        Network("cyfrowa", {"pl": "Sieć Cyfrowa", "en": "Digital City Network"},
                {"pl": "Cyfrowa", "en": "Digital"}, "#7b2d8e", (60, 90, 0, 10), "triangle", 10),
    ]


def make_pub(cities=None, nets=None) -> Publication:
    if cities is None:
        cities = ([City(n, "zielona", {"pl": "", "en": ""}, lat, lon) for n, lat, lon in GREEN]
                  + [City(n, "cyfrowa", {"pl": "", "en": ""}, lat, lon) for n, lat, lon in DIGITAL])
    return Publication(
        title={"pl": "Partnerska Inicjatywa Miast 2021–2023", "en": "Cities' Partnership Initiative 2021–2023"},
        subtitle={}, publisher={}, partner={}, keywords={}, date=dt.date(2023, 8, 2),
        languages=["pl", "en"], sections=[], networks=nets if nets is not None else networks(),
        cities=list(cities), events=[], figures=[],
        root=str(ROOT / "content"), labels=LABELS, outline=OUTLINE)


@pytest.fixture(scope="module")
def pub():
    return make_pub()


@pytest.fixture(scope="module")
def layout(pub):
    return layout_map(pub, "pl")


def parse(svg: str):
    return ET.fromstring(svg)


def markers_in(root):
    g = next(e for e in root.iter(SVG + "g") if e.get("class") == "markers")
    return [(e.get("data-city"), e.get("data-network"), e.tag.replace(SVG, "")) for e in g]


def labels_in(root):
    g = next(e for e in root.iter(SVG + "g") if e.get("class") == "labels")
    return [e.text for e in g]


def legend_counts(root):
    g = next(e for e in root.iter(SVG + "g") if e.get("class") == "legend")
    return {e.get("data-network"): e.text for e in g.iter(SVG + "text") if e.get("class") == "count"}


# --------------------------------------------------------------------------- SVG


@pytest.mark.parametrize("lang", ["pl", "en"])
def test_svg_parses_and_is_accessible(pub, lang):
    svg = render_map(pub, lang)
    assert svg.startswith("<svg") and "<?xml" not in svg
    root = parse(svg)
    assert root.tag == SVG + "svg"
    assert root.get("role") == "img"
    assert root.get("width") == "170mm" and root.get("height").endswith("mm")
    vb = [float(v) for v in root.get("viewBox").split()]
    assert vb[:3] == [0, 0, 170] and vb[3] == pytest.approx(float(root.get("height")[:-2]))
    children = list(root)
    assert children[0].tag == SVG + "title" and children[1].tag == SVG + "desc"
    title = children[0].text
    assert ("Mapa" in title and "PIM" in title) if lang == "pl" else ("Map" in title and "CPI" in title)
    assert children[1].text == map_alt_text(pub, lang)


def test_svg_uses_only_what_weasyprint_70_draws(pub):
    root = parse(render_map(pub, "pl"))
    allowed = {"svg", "title", "desc", "g", "path", "circle", "rect", "polygon", "line", "text"}
    tags = {e.tag.replace(SVG, "") for e in root.iter()}
    assert tags <= allowed, tags - allowed
    for e in root.iter():
        assert "style" not in e.attrib and "filter" not in e.attrib and "mask" not in e.attrib
    for t in root.iter(SVG + "text"):
        fam = next((a.get("font-family") for a in [t, *root.iter(SVG + "g")] if a.get("font-family")), None)
        assert fam == "Lato"


def test_render_is_deterministic(pub):
    assert render_map(pub, "pl") == render_map(pub, "pl")
    assert render_map(pub, "pl") != render_map(pub, "en")


# --------------------------------------------------------------------------- cities


@pytest.mark.parametrize("lang", ["pl", "en"])
def test_every_city_with_coordinates_has_a_marker_and_a_label(lang):
    cities = make_pub().cities + [
        City("Bez Współrzędnych", "zielona", {}, None, None),      # no coordinates: not on the map
        City("Nieznana Sieć", "brak-sieci", {}, 52.0, 19.0),      # network not in the data
    ]
    pub = make_pub(cities)
    root = parse(render_map(pub, lang))
    expected = {n for n, _, _ in GREEN + DIGITAL}
    markers = markers_in(root)
    assert {m[0] for m in markers} == expected and len(markers) == 20
    assert sorted(labels_in(root)) == sorted(expected)
    shapes = {net: tag for _, net, tag in markers}
    assert shapes == {"zielona": "circle", "cyfrowa": "polygon"}
    svg = render_map(pub, lang)
    assert "Bez Współrzędnych" not in svg and "Nieznana Sieć" not in svg


def test_marker_colours_and_shapes_follow_the_network(pub):
    root = parse(render_map(pub, "pl"))
    g = next(e for e in root.iter(SVG + "g") if e.get("class") == "markers")
    for e in g:
        net = next(n for n in pub.networks if n.id == e.get("data-network"))
        assert e.get("fill") == net.colour
        if net.shape == "triangle":
            assert len(e.get("points").split()) == 3


def test_projection_keeps_geography(layout):
    m = layout.marker_of
    assert m("Gdańsk").y < m("Łódź").y                  # north is up
    assert m("Białystok").x > m("Świdnica").x           # east is right
    assert m("Kostrzyn nad Odrą").x < m("Krzywiń").x < m("Łódź").x < m("Lublin").x
    assert m("Rzeszów").y > m("Lublin").y > m("Wyszków").y
    assert m("Racibórz").x < m("Żory").x < m("Ruda Śląska").x
    x, y = project(19.0, 52.0)                          # the projection's origin
    assert abs(x) < 1e-6 and abs(y) < 1e-6
    # 1 degree of latitude is about 111 km
    assert project(19, 53)[1] - project(19, 52)[1] == pytest.approx(111.2, rel=0.01)


def test_every_city_inside_the_outline(layout):
    ring = max(layout.rings, key=len)
    for mk in layout.markers:
        assert point_in_polygon(mk.x, mk.y, ring), mk.city
    # and the test can fail: places abroad are outside
    for lon, lat in [(13.40, 52.52), (25.28, 54.69), (21.01, 49.00), (18.0, 55.2), (24.03, 49.84)]:
        assert not point_in_polygon(*layout.project(lon, lat), ring), (lon, lat)


def test_outline_file_is_small_and_plausible():
    path = ROOT / "content" / "data" / "poland.json"
    assert path.stat().st_size < 8000
    data = json.loads(path.read_text(encoding="utf-8"))
    rings = [data["coordinates"][0]] if data["type"] == "Polygon" else [p[0] for p in data["coordinates"]]
    n = sum(len(r) for r in rings)
    assert 150 <= n <= 400
    for r in rings:
        assert r[0] == r[-1]
    lons = [p[0] for r in rings for p in r]
    lats = [p[1] for r in rings for p in r]
    assert 14.0 < min(lons) < 14.3 and 24.0 < max(lons) < 24.3
    assert 48.9 < min(lats) < 49.1 and 54.7 < max(lats) < 54.95
    assert (ROOT / "content" / "data" / "poland.SOURCE.md").is_file()


# --------------------------------------------------------------------------- labels


def _check_labels(L):
    inside = (0, 0, L.width, L.height)
    for a, b in itertools.combinations(L.labels, 2):
        assert not boxes_overlap(a.box, b.box), (a.name, b.name)
    for lb in L.labels:
        assert inside[0] <= lb.box[0] and inside[1] <= lb.box[1], lb.name
        assert lb.box[2] <= inside[2] and lb.box[3] <= inside[3], lb.name
        assert not boxes_overlap(lb.box, L.legend_box), lb.name
        for mk in L.markers:
            assert not boxes_overlap(lb.box, mk.box), (lb.name, mk.city)
        if L.sea:
            assert not boxes_overlap(lb.box, L.sea["box"]), lb.name
    for mk in L.markers:
        assert not boxes_overlap(mk.box, L.legend_box), mk.city
    leaders = [lb.leader for lb in L.labels if lb.leader]
    for (p, q), (r, s) in itertools.combinations(leaders, 2):
        assert not segments_cross(p, q, r, s)


@pytest.mark.parametrize("lang,width", [("pl", 170), ("en", 170), ("pl", 130), ("en", 110)])
def test_labels_never_collide(lang, width):
    pub = make_pub(make_pub().cities + [City("Poznań", "ppp", {}, 52.41, 16.93)])
    L = layout_map(pub, lang, width)
    assert len(L.labels) == len(L.markers) == 21
    _check_labels(L)


def test_labels_sit_next_to_their_cities(layout):
    for lb in layout.labels:
        mx, my = lb.anchor
        cx = min(max(mx, lb.box[0]), lb.box[2])
        cy = min(max(my, lb.box[1]), lb.box[3])
        limit = 4.0 if lb.leader is None else 25.0
        assert ((cx - mx) ** 2 + (cy - my) ** 2) ** 0.5 < limit, lb.name
    # the crowded places of the real data
    names = {lb.name for lb in layout.labels}
    assert {"Racibórz", "Ruda Śląska", "Żory", "Pilawa", "Wyszków", "Krzywiń"} <= names


def test_label_width_comes_from_the_font(layout):
    lb = next(lb for lb in layout.labels if lb.name == "Ruda Śląska")
    assert lb.width == pytest.approx(text_width("Ruda Śląska", maplabels.LABEL_SIZE))
    assert text_width("Międzyrzec Podlaski", 2.6) > text_width("Żory", 2.6)
    assert text_width("Łódź", 5.2) == pytest.approx(2 * text_width("Łódź", 2.6))
    w, asc, desc = text_extents("Żory", 2.6)
    assert asc > 0.72 * 2.6 and desc > 0                # Ż reaches above cap height; y descends


def test_place_labels_handles_a_tight_cluster():
    pts = []
    for i, (dx, dy) in enumerate([(0, 0), (3.5, 1), (1, 3.5), (-3, 2), (4, -3), (-1, -4)]):
        x, y = 60 + dx, 40 + dy
        pts.append((f"Miasto {i}", x, y, (x - 1.2, y - 1.2, x + 1.2, y + 1.2)))
    labels = place_labels(pts, (0, 0, 120, 80))
    assert len(labels) == 6
    for a, b in itertools.combinations(labels, 2):
        assert not boxes_overlap(a.box, b.box)
    for lb in labels:
        for _, _, _, mb in pts:
            assert not boxes_overlap(lb.box, mb)
    assert any(lb.leader for lb in labels)


def test_place_labels_fails_loudly_when_there_is_no_room():
    pts = [("Kostrzyn nad Odrą", 5, 5, (4, 4, 6, 6))]
    with pytest.raises(ValueError, match="Kostrzyn"):
        place_labels(pts, (0, 0, 10, 10))


def test_a_label_with_no_room_is_left_out_and_the_others_are_placed():
    pts = [("Kostrzyn nad Odrą", 5, 5, (4, 4, 6, 6)), ("Łódź", 40, 30, (39, 29, 41, 31))]
    walled_in = [(0, 0, 30, 30)]           # no room anywhere near Kostrzyn
    labels, left_out = place_labels_or_leave_out(pts, (0, 0, 60, 40), obstacles=walled_in)
    assert left_out == ["Kostrzyn nad Odrą"] and [lb.name for lb in labels] == ["Łódź"]
    with pytest.raises(ValueError, match="Kostrzyn"):
        place_labels(pts, (0, 0, 60, 40), obstacles=walled_in)


def test_a_city_the_map_cannot_name_keeps_its_marker_and_the_build_says_so(pub):
    """Green's side map on A5 (48 mm) with one more city in the Silesian cluster: every marker
    is drawn, the names that find no room are left out, and the render says which (a warning at
    the city's line), instead of stopping the build."""
    from brochure.render.graphics.map import render_map_and_gaps

    crowded = make_pub([City(n, "zielona", {"pl": "", "en": ""}, lat, lon)
                        for n, lat, lon in GREEN + [("Gliwice", 50.29, 18.67),
                                                    ("Bytom", 50.35, 18.92)]],
                       nets=[n for n in networks() if n.id == "zielona"])
    svg, unlabelled = render_map_and_gaps(crowded, "pl", width_mm=48)
    assert unlabelled, "the test needs a map too crowded to name every city"
    root = parse(svg)
    texts = {t.text for t in root.iter("{http://www.w3.org/2000/svg}text")}
    assert not set(unlabelled) & texts
    marked = {e.get("data-city") for e in root.iter() if e.get("data-network")}
    assert {"Gliwice", "Bytom"} | set(unlabelled) <= marked               # every marker drawn
    assert all(name in root.find("{http://www.w3.org/2000/svg}desc").text for name in unlabelled)


def test_place_labels_respects_obstacles():
    pts = [("Łódź", 20, 20, (19, 19, 21, 21))]
    free = place_labels(pts, (0, 0, 60, 40))[0]
    assert free.position == "right"
    blocked = place_labels(pts, (0, 0, 60, 40), obstacles=[(21.5, 10, 40, 30)])[0]
    assert blocked.position != "right" and not boxes_overlap(blocked.box, (21.5, 10, 40, 30))


# --------------------------------------------------------------------------- legend and counts


def test_plural_pl():
    forms = {n: LABELS["pl"].plural("cities", n).split()[1]
             for n in (0, 1, 2, 3, 4, 5, 10, 11, 12, 13, 14, 15, 21, 22, 23, 24, 25, 102, 112)}
    assert forms == {0: "miast", 1: "miasto", 2: "miasta", 3: "miasta", 4: "miasta", 5: "miast",
                     10: "miast", 11: "miast", 12: "miast", 13: "miast", 14: "miast", 15: "miast",
                     21: "miast", 22: "miasta", 23: "miasta", 24: "miasta", 25: "miast",
                     102: "miasta", 112: "miast"}


def test_legend_count_wording():
    assert legend_count(10, 10, LABELS["pl"]) == "10 miast"
    assert legend_count(10, 10, LABELS["en"]) == "10 cities"
    assert legend_count(3, 3, LABELS["pl"]) == "3 miasta"
    assert legend_count(1, 1, LABELS["en"]) == "1 city"
    assert legend_count(0, 10, LABELS["pl"]) == "0 z 10 miast na mapie"
    assert legend_count(0, 10, LABELS["en"]) == "0 of 10 cities shown"
    assert legend_count(1, 10, LABELS["pl"]) == "1 z 10 miast na mapie"
    assert legend_count(11, 10, LABELS["pl"]) == "11 miast"


def test_legend_count_in_a_readers_edition():
    """Review 23 item 8: the key agrees with the network's count and says which are shown."""
    assert legend_count(1, 10, LABELS["pl"], draft=False, names=["Pieszyce"]) == "10 miast (na mapie: Pieszyce)"
    assert legend_count(1, 10, LABELS["en"], draft=False, names=["Pieszyce"]) == "10 cities (on the map: Pieszyce)"
    assert legend_count(2, 10, LABELS["pl"], draft=False, names=["A", "B"]) == "10 miast (na mapie: A, B)"
    assert legend_count(3, 10, LABELS["pl"], draft=False, names=["A", "B", "C"]) == "10 miast (na mapie: 3 miasta)"
    assert legend_count(0, 10, LABELS["pl"], draft=False) == ""
    assert legend_count(10, 10, LABELS["pl"], draft=False, names=["A"] * 10) == "10 miast"


def test_legend_matches_the_data(pub):
    assert legend_counts(parse(render_map(pub, "pl"))) == {
        "zielona": "10 miast", "ppp": "0 z 10 miast na mapie", "cyfrowa": "10 miast"}
    assert legend_counts(parse(render_map(pub, "en"))) == {
        "zielona": "10 cities", "ppp": "0 of 10 cities shown", "cyfrowa": "10 cities"}
    root = parse(render_map(pub, "pl"))
    legend = next(e for e in root.iter(SVG + "g") if e.get("class") == "legend")
    texts = [t.text for t in legend.iter(SVG + "text")]
    assert texts[0::2][:3] == ["Sieć Zielona", "Sieć PPP", "Sieć Cyfrowa"]


def test_a_city_without_coordinates_lowers_the_count():
    cities = [c if c.name != "Lublin" else dataclasses.replace(c, lat=None, lon=None) for c in make_pub().cities]
    root = parse(render_map(make_pub(cities), "pl"))
    assert legend_counts(root)["zielona"] == "9 z 10 miast na mapie"
    assert "Lublin" not in {m[0] for m in markers_in(root)}
    assert "Sieć Zielona (9 z 10): " in map_alt_text(make_pub(cities), "pl")


def test_adding_a_city_changes_the_map(pub):
    before = parse(render_map(pub, "pl"))
    more = make_pub(pub.cities + [City("Poznań", "ppp", {}, 52.41, 16.93)])
    svg = render_map(more, "pl")
    after = parse(svg)
    assert len(markers_in(after)) == len(markers_in(before)) + 1
    assert ("Poznań", "ppp", "rect") in markers_in(after)
    assert "Poznań" in labels_in(after)
    assert legend_counts(after)["ppp"] == "1 z 10 miast na mapie"
    assert legend_counts(parse(render_map(more, "en")))["ppp"] == "1 of 10 cities shown"
    assert "Sieć PPP (1 z 10): Poznań" in map_alt_text(more, "pl")
    # an eleventh Green city: the count follows the data
    eleven = make_pub(pub.cities + [City("Toruń", "zielona", {}, 53.01, 18.60)])
    assert legend_counts(parse(render_map(eleven, "pl")))["zielona"] == "11 miast"


def test_network_without_data_still_in_legend():
    root = parse(render_map(make_pub(cities=[]), "pl"))
    assert markers_in(root) == []
    assert legend_counts(root) == {"zielona": "0 z 10 miast na mapie", "ppp": "0 z 10 miast na mapie",
                                   "cyfrowa": "0 z 10 miast na mapie"}


# --------------------------------------------------------------------------- alt text


def test_alt_text_lists_every_city(pub):
    pl = map_alt_text(pub, "pl")
    en = map_alt_text(pub, "en")
    for name, _, _ in GREEN + DIGITAL:
        assert name in pl and name in en
    assert pl.startswith("Sieć Zielona (10): Gdańsk, Kostrzyn nad Odrą, Lublin, ")
    assert "Sieć Cyfrowa (10): Białystok, Dębica, Iłowa, Krzywiń, Lidzbark Warmiński, Łódź, Pilawa, " in pl
    assert "Sieć PPP: brak danych" in pl
    assert "PPP Network: no data" in en and "Green City Network (10): Gdańsk" in en
    # every city belongs to the right network's part
    green_part = pl.split(";")[0]
    assert all(n in green_part for n, _, _ in GREEN) and not any(n in green_part for n, _, _ in DIGITAL)


def test_polish_order():
    names = ["Żory", "Łódź", "Lublin", "Świdnica", "Słupsk", "Zabrze", "Lidzbark Warmiński"]
    assert sorted(names, key=polish_key) == ["Lidzbark Warmiński", "Lublin", "Łódź", "Słupsk", "Świdnica",
                                             "Zabrze", "Żory"]


# --------------------------------------------------------------------------- the real content


def test_real_content_if_present():
    yaml = pytest.importorskip("yaml")
    nets_f, cities_f = ROOT / "content/data/networks.yaml", ROOT / "content/data/cities.yaml"
    if not (nets_f.is_file() and cities_f.is_file()):
        pytest.skip("content/data/*.yaml not there yet")
    nets = [Network(n["id"], n["name"], n["short"], n["colour"], tuple(n["cmyk"]), n["shape"],
                    n["cities_expected"]) for n in yaml.safe_load(nets_f.read_text(encoding="utf-8"))]
    cities = [City(c["name"], c["network"], c.get("mid", {}), c.get("lat"), c.get("lon"))
              for c in yaml.safe_load(cities_f.read_text(encoding="utf-8")) or []]
    pub = make_pub(cities, nets)
    for lang in ("pl", "en"):
        root = parse(render_map(pub, lang))
        on_map = {c.name for c in cities if c.lat is not None and c.lon is not None
                  and c.network in {n.id for n in nets}}
        assert {m[0] for m in markers_in(root)} == on_map
        assert set(labels_in(root)) == on_map
        counts = legend_counts(root)
        for n in nets:
            k = sum(1 for c in cities if c.network == n.id and c.name in on_map)
            assert counts[n.id] == legend_count(k, n.cities_expected, LABELS[lang])
        _check_labels(layout_map(pub, lang))


def test_cover_map_shows_every_city_without_labels(pub):
    root = ET.fromstring(render_cover_map(pub, "pl"))
    shapes = [e for e in root.iter() if e.tag.split("}")[-1] in ("circle", "rect", "polygon")]
    with_coordinates = [c for c in pub.cities if c.lat is not None]
    assert len(shapes) == len(with_coordinates)
    assert not [e for e in root.iter() if e.tag.split("}")[-1] == "text"]
    assert root.find("{http://www.w3.org/2000/svg}title").text


def test_cover_map_leaves_out_a_network_whose_cities_are_mostly_unknown(pub):
    """One marker of a network of ten reads as a network of one (review 23 item 8): the cover
    draws a network only when at least half its cities are known."""
    def drawn(p):
        root = ET.fromstring(render_cover_map(p, "pl"))
        return [e.tag.split("}")[-1] for e in root.iter() if e.tag.split("}")[-1] in ("circle", "rect", "polygon")]
    ppp = [City(name, "ppp", {"pl": "", "en": ""}, 50.71 + i / 10, 16.58 + i / 5)
           for i, name in enumerate(["Pieszyce", "B", "C", "D", "E"])]
    assert "rect" not in drawn(make_pub(pub.cities + ppp[:1]))          # 1 of 10: left out
    assert len(drawn(make_pub(pub.cities + ppp[:1]))) == len(pub.cities)
    assert drawn(make_pub(pub.cities + ppp)).count("rect") == 5          # 5 of 10: drawn


# --------------------------------------------------------------------------- the real maps

def _gap(a, b) -> float:
    """The distance between two boxes (0 when they touch or overlap)."""
    dx = max(a[0] - b[2], b[0] - a[2], 0.0)
    dy = max(a[1] - b[3], b[1] - a[3], 0.0)
    return (dx * dx + dy * dy) ** 0.5


def _real_maps():
    import copy
    from brochure import content
    from brochure.render import html as render
    real = content.load(ROOT / "content")
    for size in ("A4", "A5"):
        yield f"all-{size}", real, render.MAP_MM[size]
        for n in real.networks:
            one = copy.copy(real)
            one.networks, one.cities = [real.network(n.id)], real.cities_of(n.id)
            yield f"{n.id}-{size}", one, render.NETWORK_MAP_MM[size]
            yield f"{n.id}-side", one, 62


@pytest.mark.parametrize("lang", ["pl", "en"])
def test_real_map_labels_stand_apart_and_inside_the_outline_box(lang):
    """No two labels read as one ("Krzywiń Uniejów" 1 mm apart), none stands nearer another
    city's marker than the required gap (Rzeszów's label between Dębica and Rzeszów), and
    every label stays inside the outline's bounding box."""
    for name, pub, width in _real_maps():
        L = layout_map(pub, lang, width)
        ring_box = (min(x for r in L.rings for x, _ in r), min(y for r in L.rings for _, y in r),
                    max(x for r in L.rings for x, _ in r), max(y for r in L.rings for _, y in r))
        for i, a in enumerate(L.labels):
            for b in L.labels[i + 1:]:
                assert _gap(a.box, b.box) >= maplabels.LABEL_SEPARATION, (name, a.name, b.name)
            for m in L.markers:
                if m.city != a.name:
                    assert _gap(a.box, m.box) >= maplabels.OTHER_MARKER_GAP, (name, a.name, m.city)
            margin = maplayout.MARGIN
            assert ring_box[0] - margin <= a.box[0] and a.box[2] <= ring_box[2] + margin, (name, a.name)
            assert ring_box[1] - margin <= a.box[1] and a.box[3] <= ring_box[3] + margin, (name, a.name)


@pytest.mark.parametrize("lang", ["pl", "en"])
def test_cities_map_labels_do_not_cross_the_border(lang):
    """On the map of all cities (A4 and A5) no name straddles the border ("Podlaski")."""
    for name, pub, width in _real_maps():
        if not name.startswith("all"):
            continue
        L = layout_map(pub, lang, width)
        edges = [(r[i], r[(i + 1) % len(r)]) for r in L.rings for i in range(len(r))]
        crossing = [lb.name for lb in L.labels if box_hits_polyline(lb.box, edges)]
        assert not crossing, (name, crossing)


# --------------------------------------------------------------------------- placement, piece by piece


INK = maplabels.Ink(width=10.0, ascent=2.0, descent=0.5, cap=1.8)
MBOX = (48.0, 28.0, 52.0, 32.0)                      # a marker at (50, 30), ring included


def test_candidates_come_in_rising_cost_beside_the_marker_first():
    """_best_label stops at the first candidate dearer than the best found: that needs the
    candidates in rising base cost, the eight places beside the marker before any leader."""
    found = list(maplabels.candidates(50.0, 30.0, MBOX, INK))
    beside = [c.cost for c in found[:8]]
    assert beside == sorted(beside)
    rings = [found[8 + i * maplabels.LEADER_DIRECTIONS: 8 + (i + 1) * maplabels.LEADER_DIRECTIONS]
             for i in range(len(maplabels.LEADER_DISTANCES))]
    assert max(beside) < min(c.cost for c in rings[0])
    for nearer, further in zip(rings, rings[1:]):
        assert max(c.cost for c in nearer) < min(c.cost for c in further)
    assert [c.position for c in found[:8]] == ["right", "left", "above", "below", "above-right",
                                               "above-left", "below-right", "below-left"]
    assert all(c.leader is None for c in found[:8]) and all(c.leader for c in found[8:])
    assert len(found) == 8 + len(maplabels.LEADER_DISTANCES) * maplabels.LEADER_DIRECTIONS


def test_right_and_left_candidates_keep_the_gap_and_centre_the_capitals():
    found = {c.position: c for c in maplabels.candidates(50.0, 30.0, MBOX, INK)}
    right, left = found["right"], found["left"]
    assert right.x == pytest.approx(52.0 + maplabels.LABEL_GAP)
    assert left.x + INK.width == pytest.approx(48.0 - maplabels.LABEL_GAP)
    assert right.baseline - INK.cap / 2 == pytest.approx(30.0)     # capitals centred on the marker
    assert found["above"].baseline + INK.descent < 28.0 < 32.0 < found["below"].baseline - INK.ascent


def test_a_leader_label_sits_beyond_its_leader_end():
    for c in maplabels.candidates(50.0, 30.0, MBOX, INK):
        if c.leader is None:
            continue
        (sx, sy), (ex, ey) = c.leader
        box = maplabels.label_box(c, INK)
        assert not (box[0] < ex < box[2] and box[1] < ey < box[3]), c    # the text does not cover the end
        assert not boxes_overlap(box, MBOX), c                           # nor the marker
        assert ((sx - 50) ** 2 + (sy - 30) ** 2) ** 0.5 < 3.0 < ((ex - 50) ** 2 + (ey - 30) ** 2) ** 0.5


def test_label_box_is_the_ink_grown_by_the_halo():
    c = maplabels.Candidate("right", 0, 10.0, 20.0, None)
    half = maplabels.HALO / 2
    assert maplabels.label_box(c, INK) == pytest.approx((10.0 - half, 18.0 - half, 20.0 + half, 20.5 + half))


def test_densest_first_starts_in_the_crowd_and_ends_with_the_loner():
    pts = [("Samotne", 5, 5, (4, 4, 6, 6)), ("B", 50, 50, (49, 49, 51, 51)),
           ("A", 52, 50, (51, 49, 53, 51)), ("C", 51, 53, (50, 52, 52, 54))]
    order = maplabels.densest_first(pts)
    assert order[-1] == 0
    assert {pts[i][0] for i in order[:3]} == {"A", "B", "C"}
    # equally crowded: by name
    twins = [("Zet", 10, 10, (9, 9, 11, 11)), ("Alfa", 14, 10, (13, 9, 15, 11))]
    assert maplabels.densest_first(twins) == [1, 0]


def test_cost_counts_each_unlabelled_neighbours_slot_and_the_border():
    """A label costs more for each unlabelled neighbour whose right or left place it takes
    (NEIGHBOUR_SLOT mm each side of the marker, a cap height up and down) and for crossing
    the border; a neighbour already labelled no longer counts."""
    pts = [("A", 30, 30, (29, 29, 31, 31)), ("B", 44, 30, (43, 29, 45, 31)), ("C", 44, 31, (43, 30, 45, 32))]
    scene = maplabels.Scene(pts, (0, 0, 80, 60), (), (((38.0, 0.0), (38.0, 60.0)),), 1.9,
                            [p[3] for p in pts])
    order = [0, 1, 2]
    near_b_and_c = (32.0, 29.0, 37.0, 31.0)                # inside both slots, short of the border
    assert scene.cost(0, near_b_and_c, 1.0, order) == pytest.approx(1.0 + 2 * maplabels.NEIGHBOUR_COST)
    assert scene.cost(0, (32.0, 40.0, 37.0, 42.0), 1.0, order) == pytest.approx(1.0)   # below the slots
    across = (32.0, 40.0, 40.0, 42.0)
    assert scene.cost(0, across, 1.0, order) == pytest.approx(1.0 + maplabels.BORDER_COST)
    scene.add(1, maplabels.Label("B", 46, 31, 3, (46, 29, 49, 31), (44, 30)))
    assert scene.cost(0, near_b_and_c, 1.0, order) == pytest.approx(1.0 + maplabels.NEIGHBOUR_COST)


def test_border_crossing_is_avoided_when_a_short_move_helps():
    """A vertical 'border' just right of the marker: the label goes left instead."""
    pts = [("Graniczne", 30, 30, (29, 29, 31, 31))]
    free = place_labels(pts, (0, 0, 80, 60))[0]
    assert free.position == "right"
    border = [((33.0, 0.0), (33.0, 60.0))]
    moved = place_labels(pts, (0, 0, 80, 60), soft_lines=border)[0]
    assert moved.position == "left" and not box_hits_polyline(moved.box, border)


def test_sea_goes_to_its_target_when_free_and_moves_off_what_is_taken():
    bounds, target = (0, 0, 100, 60), (50.0, 20.0)
    free = maplabels.place_sea("Morze", target, bounds, [], [], [])
    assert free["x"] + (free["box"][2] - free["box"][0] - 2 * maplabels.SEA_PAD) / 2 == pytest.approx(50.0)
    assert free["baseline"] == pytest.approx(20.0)
    taken = [inflate_box(free["box"], 0.1)]
    moved = maplabels.place_sea("Morze", target, bounds, taken, [], [])
    assert moved and not boxes_overlap(moved["box"], taken[0], maplabels.SEA_CLEARANCE)
    assert moved["baseline"] >= 20.0                       # the search goes south only
    land = [[(0, 0), (100, 0), (100, 60), (0, 60)]]        # all land: no sea name
    assert maplabels.place_sea("Morze", target, bounds, [], [], land) is None


def inflate_box(b, d):
    return (b[0] - d, b[1] - d, b[2] + d, b[3] + d)


# --------------------------------------------------------------------------- geometry, against brute force


def _samples(p, q, n=400):
    return [(p[0] + (q[0] - p[0]) * t / n, p[1] + (q[1] - p[1]) * t / n) for t in range(n + 1)]


def test_segment_hits_box_agrees_with_sampling():
    import random

    from brochure.render.graphics.mapgeometry import segment_hits_box

    rng = random.Random(7)
    box = (10.0, 10.0, 20.0, 15.0)
    for _ in range(400):
        p = (rng.uniform(0, 30), rng.uniform(0, 25))
        q = (rng.uniform(0, 30), rng.uniform(0, 25))
        sampled = any(box[0] <= x <= box[2] and box[1] <= y <= box[3] for x, y in _samples(p, q))
        if sampled:                                    # sampling can miss a corner, never invent a hit
            assert segment_hits_box(p, q, box), (p, q)
        elif segment_hits_box(p, q, box):
            near = inflate_box(box, 0.2)
            assert any(near[0] <= x <= near[2] and near[1] <= y <= near[3] for x, y in _samples(p, q))


def test_frame_fits_the_outline_to_the_width_and_the_cover_shares_it():
    from brochure.render.graphics.mapgeometry import Frame, outline_for, projected_rings

    km_rings = projected_rings(outline_for(make_pub()).rings, project)
    framed = Frame.fit(km_rings, 170, 1.5, project)
    xs = [framed.page(x, y)[0] for r in km_rings for x, y in r]
    ys = [framed.page(x, y)[1] for r in km_rings for x, y in r]
    assert min(xs) == pytest.approx(1.5) and max(xs) == pytest.approx(168.5)
    assert min(ys) == pytest.approx(1.5) and max(ys) == pytest.approx(framed.height - 1.5)
    cover = Frame.fit(km_rings, 120, project=project)
    gx, gy = framed.lonlat(18.65, 54.35)              # Gdańsk on both
    cx, cy = cover.lonlat(18.65, 54.35)
    assert (gx - 1.5) / 167 == pytest.approx(cx / 120) and (gy - 1.5) / 167 == pytest.approx(cy / 120)


# --------------------------------------------------------------------------- colours and shapes


def test_every_colour_of_the_maps_is_a_design_token_or_a_network_colour(pub):
    from brochure.render.graphics.tokens import design_tokens

    allowed = set(design_tokens().values()) | {n.colour for n in pub.networks} | {"none"}
    for svg in (render_map(pub, "pl"), render_map(pub, "en", 110), render_cover_map(pub, "pl")):
        painted = {e.get(a) for e in parse(svg).iter() for a in ("fill", "stroke") if e.get(a)}
        assert painted and painted <= allowed, painted - allowed


def test_the_graphics_code_has_no_colour_literals():
    """Colours come from styles/tokens.css or the data (docstrings may show examples)."""
    import ast
    import re

    hex_colour = re.compile(r"#[0-9a-fA-F]{3}(?:[0-9a-fA-F]{3})?\b")
    found = []
    for path in sorted((ROOT / "brochure" / "render" / "graphics").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                      if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef)) and node.body
                      and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)}
        found += [f"{path.name}:{node.lineno}: {node.value!r}" for node in ast.walk(tree)
                  if isinstance(node, ast.Constant) and isinstance(node.value, str)
                  and id(node) not in docstrings and hex_colour.search(node.value)]
    assert not found, found


def test_a_missing_design_token_is_a_clear_error(tmp_path):
    from brochure.errors import ContentError
    from brochure.render.graphics.tokens import colours

    css = tmp_path / "tokens.css"
    css.write_text(":root { --paper: #ffffff; /* --map-land: #000; */ }\n.x { --map-land: red; }\n")
    assert colours("paper", path=css) == {"paper": "#ffffff"}
    with pytest.raises(ContentError, match=r"tokens\.css:1: .*--map-land"):
        colours("paper", "map-land", path=css)


def test_map_text_colours_read_on_paper():
    from brochure import colour
    from brochure.render.graphics.tokens import colours

    t = colours("paper", "map-ink", "map-ink-soft", "map-sea")
    for name in ("map-ink", "map-ink-soft", "map-sea"):
        assert colour.contrast(t[name], t["paper"]) >= 4.5, name


def test_six_networks_have_six_shapes_with_their_data_on_every_marker():
    shapes = ["circle", "square", "triangle", "diamond", "frame", "bar"]
    nets = [Network(f"n{i}", {"pl": f"Sieć {i}", "en": f"Network {i}"}, {"pl": str(i), "en": str(i)},
                    "#2e7d32", (80, 10, 100, 20), shape, 3) for i, shape in enumerate(shapes)]
    cities = [City(name, f"n{i % 6}", {}, lat, lon) for i, (name, lat, lon) in enumerate(GREEN + DIGITAL)]
    pub = make_pub(cities, nets)
    root = parse(render_map(pub, "pl"))
    markers = markers_in(root)
    assert len(markers) == 20 and all(city and net for city, net, _ in markers), markers
    assert {tag for _, _, tag in markers} == {"circle", "rect", "polygon"}
    assert set(legend_counts(root)) == {n.id for n in nets}
    _check_labels(layout_map(pub, "pl"))
