"""The timeline graphic: every meeting drawn, in order, inside the axis; labels that never
overlap nor run off the page; date texts in both languages."""
import copy
import datetime as dt
import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from brochure.graphics import timeline  # noqa: E402
from brochure.graphics.timeline import format_dates, render_timeline, timeline_alt_text  # noqa: E402
from brochure.model import Event, Network, Publication  # noqa: E402

SVG = "{http://www.w3.org/2000/svg}"
D = dt.date
U = "unknown"

NETWORKS = [
    Network("zielona", {"pl": "Sieć Zielona", "en": "Green City Network"},
            {"pl": "Zielona", "en": "Green"}, "#2e7d32", (80, 10, 100, 20), "circle", 10),
    Network("ppp", {"pl": "Sieć PPP", "en": "PPP Network"}, {"pl": "PPP", "en": "PPP"},
            "#1f5fa8", (85, 50, 0, 10), "square", 10),
    Network("cyfrowa", {"pl": "Sieć Cyfrowa", "en": "Digital City Network"},
            {"pl": "Cyfrowa", "en": "Digital"}, "#7b2d8e", (60, 90, 0, 10), "triangle", 10),
]

T = {  # title keys -> {pl, en}
    "open": {"pl": "Konferencja Otwarcia", "en": "Opening conference"},
    "close": {"pl": "Konferencja Zamknięcia", "en": "Closing conference"},
    "online": {"pl": "Spotkanie Sieci Online", "en": "Online network meeting"},
    "iss": {"pl": "Indywidualne Spotkanie Sieci", "en": "In-person network meeting"},
    "visit": {"pl": "Wizyta studyjna", "en": "Study visit"},
    "pim": {"pl": "Prezentacja PIM na WUF11", "en": "PIM presentation at WUF11"},
}


def place(pl, en=None):
    return {"pl": pl, "en": en or pl}


# (start, end, kind, network, title, number, place)
EVENTS = [
    (D(2022, 2, 9), None, "conference", "all", "open", None, place("online")),
    (D(2022, 3, 28), None, "online", "cyfrowa", "online", 1, None),
    (D(2022, 4, 26), None, "online", "cyfrowa", "online", 2, None),
    (D(2022, 5, 10), D(2022, 5, 12), "in-person", "cyfrowa", "iss", 1, place("Lublin")),
    (D(2022, 5, 31), D(2022, 6, 3), "study-visit", "zielona", "visit", None,
     place("Kopenhaga", "Copenhagen")),
    (D(2022, 6, 20), U, "study-visit", U, "visit", None, place("Ateny", "Athens")),
    (D(2022, 6, 29), None, "conference", "all", "pim", None, place("Katowice")),
    (D(2022, 7, 5), D(2022, 7, 7), "in-person", U, "iss", 2, place("Poznań")),
    (D(2022, 7, 14), None, "online", U, "online", 2, None),
    (D(2022, 7, 15), None, "online", "cyfrowa", "online", 3, None),
    (D(2022, 8, 9), U, "in-person", U, "iss", 2, place("Gdańsk")),
    (D(2022, 8, 11), None, "online", "cyfrowa", "online", 4, None),
    (D(2022, 8, 17), D(2022, 8, 19), "in-person", "zielona", "iss", 2,
     place("Racibórz, Ruda Śląska, Żory")),
    (D(2022, 8, 29), D(2022, 8, 31), "in-person", "cyfrowa", "iss", 3, place("Rzeszów")),
    (D(2022, 10, 3), U, "in-person", U, "iss", None, place("Łódź")),
    (D(2022, 10, 25), D(2022, 10, 28), "study-visit", U, "visit", None,
     place("Tallin", "Tallinn")),
    (D(2022, 11, 7), U, "in-person", U, "iss", 4, place("Poznań")),
    (D(2022, 11, 16), D(2022, 11, 18), "in-person", U, "iss", 4, place("Wrocław")),
    (D(2022, 12, 14), None, "online", U, "online", 3, None),
    (D(2022, 12, 21), None, "online", "cyfrowa", "online", 5, None),
    (D(2023, 1, 24), D(2023, 1, 26), "in-person", U, "iss", 5, place("Toruń")),
    (D(2023, 3, 7), None, "online", U, "online", 4, None),
    (D(2023, 3, 27), None, "in-person", "cyfrowa", "iss", 6, place("Warszawa", "Warsaw")),
    (D(2023, 3, 28), None, "conference", "all", "close", None, place("Warszawa", "Warsaw")),
]


def make_pub(events=EVENTS, networks=NETWORKS) -> Publication:
    evs = [Event(start=s, end=e, kind=k, network=n, title=T[t], place=p, number=no)
           for s, e, k, n, t, no, p in events]
    return Publication(
        title={"pl": "PIM", "en": "CPI"}, subtitle={}, publisher={}, partner={}, keywords={},
        date=D(2023, 8, 2), languages=["pl", "en"], sections=[], networks=list(networks),
        cities=[], events=evs, figures=[], ppp_stages=[], nbs_benefits=[])


def load_content_pub():
    """The real data, when content/data/{networks,timeline}.yaml exist (read directly)."""
    data = ROOT / "content" / "data"
    if not (data / "timeline.yaml").exists() or not (data / "networks.yaml").exists():
        return None
    nets = yaml.safe_load((data / "networks.yaml").read_text(encoding="utf-8"))
    evs = yaml.safe_load((data / "timeline.yaml").read_text(encoding="utf-8"))
    networks = [Network(n["id"], n["name"], n["short"], n["colour"], tuple(n["cmyk"]),
                        n["shape"], n["cities_expected"]) for n in nets]
    events = [Event(start=e["start"], end=e.get("end"), kind=e["kind"], network=e["network"],
                    title=e["title"], place=e.get("place"), number=e.get("number"),
                    note=e.get("note")) for e in evs]
    pub = make_pub([], networks)
    pub.events = events
    return pub


# --- reading the SVG back ---------------------------------------------------------------------

def parse(svg: str) -> ET.Element:
    assert not svg.lstrip().startswith("<?xml")
    return ET.fromstring(svg)


def markers(root):
    return [g for g in root.iter(SVG + "g") if g.get("class") == "event"]


def geometry(root):
    """(axis top, axis bottom, month height) from the month lines of the axis."""
    axis = next(g for g in root.iter(SVG + "g") if g.get("class") == "axis")
    ys = sorted({float(line.get("y1")) for line in axis.iter(SVG + "line")
                 if line.get("y1") == line.get("y2")})
    return ys[0], ys[-1], ys[1] - ys[0]


def marker_box(g):
    """Vertical extent of a marker group from its shapes."""
    ys = []
    for el in g:
        tag = el.tag.replace(SVG, "")
        if tag == "circle":
            cy, r = float(el.get("cy")), float(el.get("r"))
            ys += [cy - r, cy + r]
        elif tag == "rect":
            y = float(el.get("y"))
            ys += [y, y + float(el.get("height"))]
        elif tag == "polygon":
            ys += [float(p.split(",")[1]) for p in el.get("points").split()]
    return min(ys), max(ys)


_widths = {}


def width(text, size, bold):
    """Independent width check with fontTools (WeasyPrint 70 sets SVG text letter by letter,
    without kerning: the advance widths add up)."""
    from fontTools.ttLib import TTFont
    style = "Bold" if bold else "Regular"
    if style not in _widths:
        font = TTFont(str(ROOT / "styles" / "fonts" / f"Lato-{style}.ttf"))
        cmap, hmtx = font.getBestCmap(), font["hmtx"]
        _widths[style] = ({cp: hmtx[g][0] for cp, g in cmap.items()}, font["head"].unitsPerEm)
    adv, upem = _widths[style]
    return sum(adv[ord(c)] for c in text) * size / upem


def text_boxes(root, group_class):
    """Boxes (x0, y0, x1, y1, text) of the text lines in the groups of one class."""
    boxes = []
    for g in root.iter(SVG + "g"):
        if g.get("class") != group_class:
            continue
        size = float(g.get("font-size") or 0)
        for t in g.iter(SVG + "text"):
            s = float(t.get("font-size") or size)
            x, y = float(t.get("x")), float(t.get("y"))
            w = width(t.text, s, t.get("font-weight") == "bold")
            if t.get("text-anchor") == "end":
                x -= w
            boxes.append((x, y - 0.8 * s, x + w, y + 0.25 * s, t.text, g))
    return boxes


def view_width(root):
    return float(root.get("viewBox").split()[2])


# --- tests --------------------------------------------------------------------------------------

PUBS = {"fixture": make_pub}
if load_content_pub() is not None:
    PUBS["content"] = load_content_pub


@pytest.fixture(params=[(p, lang) for p in PUBS for lang in ("pl", "en")],
                ids=lambda v: f"{v[0]}-{v[1]}")
def drawn(request):
    name, lang = request.param
    pub = PUBS[name]()
    return pub, lang, parse(render_timeline(pub, lang))


def test_svg_root_is_accessible_and_sized(drawn):
    pub, lang, root = drawn
    assert root.tag == SVG + "svg"
    assert root.get("role") == "img"
    assert root.get("width") == "170mm" and root.get("height") == "230mm"
    assert root.find(SVG + "title").text.strip()
    assert str(len(pub.events)) in root.find(SVG + "desc").text


def test_only_basic_svg(drawn):
    _, _, root = drawn
    allowed = {"svg", "title", "desc", "g", "path", "line", "circle", "rect", "polygon", "text"}
    used = {el.tag.replace(SVG, "") for el in root.iter()}
    assert used <= allowed, used - allowed
    assert not any(el.get("style") for el in root.iter())


def test_every_event_has_one_marker_in_date_order(drawn):
    pub, _, root = drawn
    dates = [g.get("data-date") for g in markers(root)]
    assert len(dates) == len(pub.events)
    assert dates == sorted(dates)
    assert sorted(dates) == sorted(e.start.isoformat() for e in pub.events)
    assert len({g.get("id") for g in markers(root)}) == len(dates)


def test_markers_sit_at_their_date_inside_the_axis(drawn):
    pub, _, root = drawn
    top, bottom, month_h = geometry(root)
    first = min(e.start for e in pub.events)
    for g in markers(root):
        y0, y1 = marker_box(g)
        assert top - 5 <= y0 and y1 <= bottom + 5, g.get("id")
        d = dt.date.fromisoformat(g.get("data-date"))
        months = (d.year - first.year) * 12 + d.month - first.month
        # the marker's centre for the start day lies inside that day's month band
        centre = y0 + 3.3 if g.get("data-kind") != "study-visit" else y0 + 4.0
        assert top + months * month_h - 0.1 <= centre <= top + (months + 1) * month_h + 0.1


def test_axis_spans_whole_months_from_first_to_last_event(drawn):
    pub, lang, root = drawn
    axis = next(g for g in root.iter(SVG + "g") if g.get("class") == "axis")
    names = [t.text for t in axis.iter(SVG + "text") if not t.text.isdigit()]
    months = timeline.MONTHS[lang]
    first = min(e.start for e in pub.events)
    assert names[0] == months[first.month - 1]
    assert names[-1] == months[max(e.start for e in pub.events).month - 1]


def test_ranges_are_bars_and_unknown_ends_fade(drawn):
    pub, _, root = drawn
    top, bottom, month_h = geometry(root)
    for g in markers(root):
        y0, y1 = marker_box(g)
        end = g.get("data-end")
        if end == "unknown":
            faded = [el for el in g if el.get("fill-opacity")]
            assert len(faded) >= 3
            opacities = [float(el.get("fill-opacity")) for el in faded]
            assert opacities == sorted(opacities, reverse=True)
        elif end:
            days = (dt.date.fromisoformat(end) - dt.date.fromisoformat(g.get("data-date"))).days
            assert y1 - y0 > 6 + days * month_h / 31 - 0.5
        else:
            assert y1 - y0 < 9


def test_every_event_has_a_label_with_its_date_and_title(drawn):
    pub, lang, root = drawn
    labels = [g for g in root.iter(SVG + "g") if g.get("class") == "label"]
    assert [g.get("data-for") for g in labels] == [g.get("id") for g in markers(root)]
    texts = [" ".join(t.text for t in g.iter(SVG + "text")) for g in labels]
    events = sorted(pub.events, key=lambda e: e.start)
    for e in events:
        assert any(format_dates(e, lang) in s for s in texts), format_dates(e, lang)
    for e, s in zip(events, texts):
        if e.place:
            words = e.place[lang].split()[:1]
            assert all(w in s for w in words), (e.place, s)


def test_labels_never_overlap_and_stay_inside(drawn):
    _, _, root = drawn
    right = view_width(root)
    boxes = text_boxes(root, "label")
    assert boxes
    for x0, y0, x1, y1, text, _ in boxes:
        assert x0 >= 0 and x1 <= right + 0.01, (text, x1, right)
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            if a[5] is b[5]:
                continue
            overlap = a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
            assert not overlap, (a[4], b[4])


def test_labels_follow_date_order(drawn):
    _, _, root = drawn
    tops = [float(g.get("data-box").split()[1]) for g in root.iter(SVG + "g")
            if g.get("class") == "label"]
    assert tops == sorted(tops)


def leader_ends(path):
    """(y of the leader's first horizontal run, y at the label) of a leader path."""
    nums = [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?", path)]
    y, start, i = None, None, 0
    for c in re.findall(r"[MLHVC]", path):
        if c in "ML":
            y, i = nums[i + 1], i + 2
        elif c == "V":
            y, i = nums[i], i + 1
        elif c == "C":
            y, i = nums[i + 5], i + 6
        else:
            start = y if start is None else start
            i += 1
    return start, y


def test_leaders_do_not_cross(drawn):
    _, _, root = drawn
    leaders = [p for p in root.iter(SVG + "path") if p.get("data-for")]
    assert [p.get("data-for") for p in leaders] == [g.get("id") for g in markers(root)]
    ends = [leader_ends(p.get("d")) for p in leaders]
    starts, tips = [a for a, _ in ends], [b for _, b in ends]
    assert starts == sorted(starts) and tips == sorted(tips)


def test_legend_names_kinds_and_networks(drawn):
    pub, lang, root = drawn
    legend = next(g for g in root.iter(SVG + "g") if g.get("class") == "legend")
    texts = [t.text for t in legend.iter(SVG + "text")]
    for n in pub.networks:
        assert n.short[lang] in texts
    assert ("nieznana" if lang == "pl" else "unknown") in texts
    for kind in ("online", "in-person", "study-visit", "conference"):
        assert timeline.TEXTS[lang][kind] in texts
    right = view_width(root)
    assert all(0 <= b[0] and b[2] <= right for b in text_boxes(root, "legend"))


def test_colours_and_shapes_follow_network_and_kind():
    root = parse(render_timeline(make_pub(), "pl"))
    by_date = {g.get("data-date"): g for g in markers(root)}

    def main_shape(g):
        return [el for el in g if not el.get("fill-opacity")][-1]

    online = main_shape(by_date["2022-03-28"])
    assert online.get("fill") == "#ffffff" and online.get("stroke") == "#7b2d8e"
    assert main_shape(by_date["2022-05-31"]).tag == SVG + "polygon"
    assert main_shape(by_date["2022-05-31"]).get("fill") == "#2e7d32"
    conf = main_shape(by_date["2022-02-09"])
    assert conf.tag == SVG + "rect" and not conf.get("rx")
    assert conf.get("fill") == timeline.GREY_ALL
    assert main_shape(by_date["2022-07-05"]).get("fill") == timeline.GREY_UNKNOWN
    assert main_shape(by_date["2022-05-10"]).get("rx")           # in-person range: a pill


def test_adding_an_event_adds_a_marker():
    before = parse(render_timeline(make_pub(), "en"))
    extra = EVENTS + [(D(2022, 9, 14), D(2022, 9, 15), "in-person", "ppp", "iss", 3,
                       place("Kraków", "Krakow"))]
    after = parse(render_timeline(make_pub(extra), "en"))
    assert len(markers(after)) == len(markers(before)) + 1
    new = [g for g in markers(after) if g.get("data-date") == "2022-09-14"]
    assert len(new) == 1 and new[0].get("data-network") == "ppp"
    assert any(el.get("fill") == "#1f5fa8" for el in new[0])
    assert "14–15 September 2022" in render_timeline(make_pub(extra), "en")


def test_axis_grows_with_the_events():
    extra = EVENTS + [(D(2023, 5, 4), None, "online", U, "online", 7, None)]
    root = parse(render_timeline(make_pub(extra), "en"))
    axis = next(g for g in root.iter(SVG + "g") if g.get("class") == "axis")
    names = [t.text for t in axis.iter(SVG + "text") if not t.text.isdigit()]
    assert names[-1] == "May" and len(names) == 16


def test_long_titles_wrap_inside_the_width():
    long = copy.deepcopy(EVENTS)
    long[3] = long[3][:6] + (place("Racibórz, Ruda Śląska, Żory, Gliwice, Zabrze, Bytom, "
                                   "Chorzów, Tychy, Jaworzno, Mysłowice i Siemianowice Śląskie"),)
    root = parse(render_timeline(make_pub(long), "pl", width_mm=120))
    label = [g for g in root.iter(SVG + "g") if g.get("class") == "label"][3]
    assert len(list(label.iter(SVG + "text"))) == 3           # date + two title lines
    right = view_width(root)
    for x0, y0, x1, y1, text, _ in text_boxes(root, "label"):
        assert x1 <= right + 0.01, text


def test_dense_events_still_do_not_overlap():
    dense = EVENTS + [(D(2022, 7, d), None, "online", "ppp", "online", d, None)
                      for d in range(16, 31)]
    root = parse(render_timeline(make_pub(dense), "en"))
    boxes = text_boxes(root, "label")
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            if a[5] is not b[5]:
                assert not (a[1] < b[3] and b[1] < a[3]), (a[4], b[4])


def test_svg_has_no_xml_declaration_and_escapes_text():
    evs = EVENTS + [(D(2022, 9, 1), None, "online", U, "online", None, place("A & B <C>"))]
    svg = render_timeline(make_pub(evs), "pl")
    assert "A &amp; B &lt;C&gt;" in svg
    parse(svg)


def ev(start, end=None):
    return Event(start=start, end=end, kind="online", network="all", title=T["online"])


@pytest.mark.parametrize("start,end,pl,en", [
    (D(2022, 2, 9), None, "9.02.2022", "9 February 2022"),
    (D(2022, 2, 9), D(2022, 2, 9), "9.02.2022", "9 February 2022"),
    (D(2022, 5, 10), D(2022, 5, 12), "10–12.05.2022", "10–12 May 2022"),
    (D(2022, 5, 31), D(2022, 6, 3), "31.05–3.06.2022", "31 May – 3 June 2022"),
    (D(2022, 12, 30), D(2023, 1, 2), "30.12.2022–2.01.2023", "30 December 2022 – 2 January 2023"),
    (D(2022, 8, 9), "unknown", "9.08.2022 (koniec nieznany)",
     "9 August 2022 (end unknown)"),
])
def test_format_dates(start, end, pl, en):
    assert format_dates(ev(start, end), "pl") == pl
    assert format_dates(ev(start, end), "en") == en


@pytest.mark.parametrize("lang", ["pl", "en"])
def test_interface_words_agree_between_graphic_and_tables(lang):
    from brochure.render import LABELS
    assert LABELS[lang]["unknown"] == timeline.TEXTS[lang]["unknown"]
    assert LABELS[lang]["all"] == timeline.TEXTS[lang]["all"]
    # the legend's "end unknown" is the wording of the printed dates
    assert timeline.TEXTS[lang]["open"] in format_dates(ev(D(2022, 8, 9), "unknown"), lang)


def test_alt_text():
    pub = make_pub()
    pl, en = timeline_alt_text(pub, "pl"), timeline_alt_text(pub, "en")
    assert "24 spotkania" in pl and "lutego 2022" in pl and "marca 2023" in pl
    assert "wykaz" in pl
    assert "24 programme meetings" in en and "February 2022" in en and "March 2023" in en
    assert "follows" in en
    one = make_pub(EVENTS[:1])
    assert "1 spotkanie" in timeline_alt_text(one, "pl")
    assert "25 spotkań" in timeline_alt_text(make_pub(EVENTS + EVENTS[:1]), "pl")


def test_no_events_gives_an_empty_but_valid_svg():
    root = parse(render_timeline(make_pub([]), "en"))
    assert root.get("role") == "img" and not markers(root)


def test_tests_can_fail_overlap_is_detected():
    """The overlap check itself works: two labels forced onto one line are caught."""
    svg = render_timeline(make_pub(), "en")
    root = parse(svg)
    labels = [g for g in root.iter(SVG + "g") if g.get("class") == "label"]
    t0, t1 = list(labels[0].iter(SVG + "text"))[0], list(labels[1].iter(SVG + "text"))[0]
    t1.set("y", t0.get("y"))
    boxes = text_boxes(root, "label")
    a = next(b for b in boxes if b[5] is labels[0])
    b = next(b for b in boxes if b[5] is labels[1])
    assert a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
    assert re.search(r'data-date="2022-02-09"', svg)
