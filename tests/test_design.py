"""The design as a designer measures it: the page plan, the measure, hyphen runs, the type scale,
the network colours for colour-blind readers, and the native A5 edition."""
import collections
import itertools
import re

import numpy as np
import pytest
from colorspacious import cspace_convert
from pypdf import PdfReader

from brochure import colour
from brochure import content
from brochure.typeset import lint as layout
from brochure.render import html as render
from brochure.typeset import pdf as typeset
from conftest import EDITIONS, LABELS, PROJECT, normalise, page_texts

MM = 72 / 25.4


def planned_starts(pub, size) -> dict:
    """Where each section starts when every section takes the pages publication.yaml plans for
    it (the cover is page 1) and, in print, a section planned on two pages opens on a
    left-hand page (a spread), with a Notes page before it when needed."""
    starts, page = {}, 2
    for section in pub.sections:
        if section.opens_on(size) == "left" and page % 2:
            page += 1
        starts[section.file] = page
        page += section.planned_pages(size)
    return starts


@pytest.fixture(scope="module")
def pub():
    return content.load(PROJECT / "content")


@pytest.fixture(scope="module")
def documents(pub):
    """The laid-out documents of the Polish and English editions, A4 and A5, as the build lays
    them out (their page plan; A5 as printed, its sides kept)."""
    from brochure.build import pipeline
    from brochure.typeset import plan

    env = render.environment()
    editions = {e.id: e for e in EDITIONS}
    laid_out = {}
    for eid in ("pl", "en", "pl-a5", "en-a5"):
        job = pipeline.edition_job(pub, editions[eid], env)
        html, document, its_plan = plan.lay_out_planned(
            lambda source: typeset.lay_out(source, content=pub.root), job.html, job.planned,
            job.tolerances)
        if editions[eid].duplex and not its_plan.sides_kept():
            document, _ = plan.printed(lambda source: typeset.lay_out(source, content=pub.root),
                                       html, its_plan)
        laid_out[eid] = document
    return laid_out


def _walk(box):
    yield box
    for child in getattr(box, "children", ()):
        yield from _walk(child)


@pytest.mark.parametrize("lang", ["pl", "en"])
def test_a4_page_plan_of_twelve_pages(built, pub, lang):
    reader = PdfReader(built["dir"] / f"pim-{lang}.pdf")
    assert len(reader.pages) == 12
    starts = {}
    for item in reader.outline:
        if isinstance(item, list):
            continue
        starts[normalise(item.title)] = reader.get_destination_page_number(item) + 1
    titles = {s.file: normalise(s.title(lang)) for s in pub.sections}
    plan = planned_starts(pub, "A4")
    found = {file: starts.get(titles[file]) for file in plan}
    assert found == plan == {"01-pim": 2, "02-miasta": 3, "05-siec-zielona": 4, "04-siec-ppp": 6,
                             "03-siec-cyfrowa": 8, "06-spotkania": 10}, found


@pytest.mark.parametrize("lang", ["pl", "en"])
def test_print_edition_comes_in_fours_without_filler_pages(built, lang):
    path = built["dir"] / "print" / f"pim-{lang}-print.pdf"
    texts = page_texts(path)
    assert len(texts) % 4 == 0 and len(texts) == 12
    assert not any(t.strip() in ("Notatki", "Notes") for t in texts)
    assert f"print/pim-{lang}-print.pdf: info: added" not in built["stdout"]


@pytest.mark.parametrize("eid", ["pl", "en", "pl-a5", "en-a5"])
def test_body_text_measure_is_55_to_75_characters(documents, eid):
    measured = [f for f in layout.page_figures(documents[eid]) if f.measure]
    assert len(measured) >= 5          # the prose pages of the summary and the three networks
    for figures in measured:
        mean = figures.measure[0]
        assert layout.MEASURE[0] <= mean <= layout.MEASURE[1], figures.summary()


@pytest.mark.parametrize("eid", ["pl", "en", "pl-a5", "en-a5"])
def test_at_most_two_hyphenated_lines_in_a_row(documents, eid):
    runs = {f.number: f.hyphen_run for f in layout.page_figures(documents[eid])}
    assert max(runs.values()) <= layout.MAX_HYPHEN_RUN, runs


def _text_sizes(document) -> collections.Counter:
    sizes = collections.Counter()
    for page in document.pages:
        for box in _walk(page._page_box):
            if type(box).__name__ == "TextBox" and box.text.strip():
                sizes[round(box.style["font_size"] * 0.75, 2)] += 1
    return sizes


@pytest.mark.parametrize("eid", ["pl", "en", "pl-a5"])
def test_at_most_six_text_sizes(documents, eid):
    sizes = _text_sizes(documents[eid])
    assert len(sizes) <= 6, sorted(sizes)


def test_headings_cards_and_cells_are_not_hyphenated(documents):
    for page in documents["pl"].pages:
        for box in _walk(page._page_box):
            tag = getattr(box, "element_tag", "")
            classes = layout._classes(box)
            if tag in ("h1", "h2", "h3", "h4", "th") or classes & {"benefit", "chip"}:
                assert box.style["hyphens"] != "auto", (tag, classes, layout._line_text(box)[:40])


def _cam(hex_colour, cvd=None):
    rgb = np.array(colour.rgb(hex_colour))
    if cvd:
        rgb = np.clip(cspace_convert(rgb, {"name": "sRGB1+CVD", "cvd_type": cvd,
                                           "severity": 100}, "sRGB1"), 0, 1)
    return cspace_convert(rgb, "sRGB1", "CAM02-UCS")


@pytest.mark.parametrize("cvd", [None, "deuteranomaly", "protanomaly", "tritanomaly"])
def test_network_colours_stay_apart_for_colour_blind_readers(pub, cvd):
    for a, b in itertools.combinations(pub.networks, 2):
        distance = float(np.linalg.norm(_cam(a.colour, cvd) - _cam(b.colour, cvd)))
        assert distance >= 12, (a.id, b.id, cvd, round(distance, 1))


def test_network_colours_are_legible_as_text_and_have_their_own_shape(pub):
    for network in pub.networks:
        assert colour.contrast(network.colour, "#ffffff") >= 4.5, network.id
    assert len({n.shape for n in pub.networks}) == len(pub.networks)


def _inner_fills(document) -> dict:
    """Page number -> how far down its text block the content reaches, for the inner pages."""
    figures = layout.page_figures(document)
    assert figures[0].fill is None and figures[-1].fill is None      # the covers
    return {f.number: f.fill for f in figures[1:-1]}


# Pages whose content is shorter than a page's worth (issue 23): the PPP spread, since the source
# names 1 of the network's 10 cities (a sentence, not a MID table of ten; no map in a reader's
# edition): its text, stages and recommendations are about 1.6 pages at their size (review 23:
# 65 % and 56 % before the stages were set down the page, 73 % and 86 % since); the last page of
# Digital (75 %, its solutions as rows), and of the meetings, without the "(koniec nieznany)" lines.
SHORTENED = {6: 0.68, 7: 0.8, 9: 0.72, 11: 0.65}


@pytest.mark.parametrize("eid", ["pl", "en"])
def test_every_inner_a4_page_is_at_least_80_percent_full(documents, eid):
    fills = _inner_fills(documents[eid])
    assert len(fills) == 10 and None not in fills.values(), fills
    short = {n: round(f, 3) for n, f in fills.items() if f < SHORTENED.get(n, layout.TARGET_FILL)}
    assert not short, short


@pytest.mark.parametrize("eid", ["pl-a5", "en-a5"])
def test_a5_sections_start_where_the_plan_puts_them_and_nothing_is_stranded(pub, documents, eid):
    """The A5 booklet follows its own plan (publication.yaml's A5 pages), its spreads kept; its
    pages have no overflowing text, stranded heading, cut short table or ladder of hyphens."""
    from brochure.typeset import plan

    lang = eid.split("-")[0]
    document = documents[eid]
    starts = {}
    for number, page in enumerate(document.pages, start=1):
        for anchor in page.anchors:
            starts.setdefault(anchor, number)
    expected = planned_starts(pub, "A5")
    found = {file: starts.get(f"{lang}-{file}") for file in expected}
    assert found == expected, found
    planned = [plan.Planned(f"{lang}-{s.file}", f"{lang}/{s.file}.md", s.planned_pages("A5"))
               for s in pub.sections]
    warnings = [str(f) for f in layout.lint(document, plan.place(document, planned), eid)
                if f.level == "warning"]
    assert not warnings, warnings


@pytest.mark.parametrize("lang", ["pl", "en"])
def test_a5_is_a_booklet_of_16_pages_without_notes(built, lang):
    """The A5 booklet fits its plan: cover, 14 pages of content, back cover; no "Notes" page
    pads it (an A5 page of content is never a page of ruled lines)."""
    texts = page_texts(built["dir"] / "a5" / f"pim-{lang}-a5.pdf")
    assert len(texts) == 16, len(texts)
    notes = {"pl": "NOTATKI", "en": "NOTES"}[lang]
    assert not [n for n, t in enumerate(texts, 1) if t.strip().upper() == notes], texts
    assert f"a5/pim-{lang}-a5.pdf: info: added" not in built["stdout"]


def test_a5_edition_is_typeset_natively(built, documents):
    for lang in ("pl", "en"):
        reader = PdfReader(built["dir"] / "a5" / f"pim-{lang}-a5.pdf")
        assert len(reader.pages) % 4 == 0
        for page in reader.pages:
            box = page.mediabox
            assert (round(float(box.width) / MM), round(float(box.height) / MM)) == (148, 210)
    paragraphs = [box.style["font_size"] * 0.75 for page in documents["pl-a5"].pages
                  for box in _walk(page._page_box) if getattr(box, "element_tag", "") == "p"]
    body = collections.Counter(round(s, 2) for s in paragraphs).most_common(1)[0][0]
    assert body >= 8.5, body                 # the body text, not a shrunken A4 page (7.2 pt)


def test_a5_benefits_are_a_three_by_three_grid(documents):
    """The nine NBS benefits on A5 in three rows of three (not 2+2+2+2+1)."""
    cards = {}                                     # the element's outermost box: the card
    for page in documents["pl-a5"].pages:
        for box in _walk(page._page_box):
            if "benefit" in layout._classes(box) and getattr(box, "element_tag", "") == "li":
                cards.setdefault(id(box.element), box)
    rows = collections.Counter(round(box.position_y, 1) for box in cards.values())
    assert len(cards) == 9 and sorted(rows.values()) == [3, 3, 3], rows


def test_the_volume_has_one_imprint_in_both_languages_at_its_end(built):
    texts = page_texts(built["dir"] / "pim-pl-en.pdf")
    with_imprint = [i + 1 for i, t in enumerate(texts) if "STOPKA REDAKCYJNA" in t.upper()]
    assert with_imprint == [len(texts) - 1], with_imprint     # the last page before the back cover
    last = normalise(texts[-2])
    assert "Wydawca" in last and "Publisher" in last and "IMPRINT" in last.upper()


# ---- one template for the network sections ------------------------------------------------

def _element_boxes(document, section_id, cls, every=False) -> list:
    """(page number, outermost box) of each element of class `cls` in a section, in order: its
    first box, or (every) its outermost box on each page it reaches."""
    found, inside = {}, None
    for number, page in enumerate(document.pages, start=1):
        for box in _walk(page._page_box):
            element = getattr(box, "element", None)
            if element is None:
                continue
            if inside is None and element.get("id") == section_id:
                inside = {id(e) for e in element.iter()}
            if inside and id(element) in inside and cls in (element.get("class") or "").split():
                key = (id(element), number) if every else id(element)
                found.setdefault(key, (number, box))
    return list(found.values())


MM_PX = 96 / 25.4       # a millimetre in the layout's CSS pixels


def _network_sections(pub, lang) -> list:
    return [f"{lang}-{s.file}" for s in pub.sections if s.network]


def _section_top(document, section_id):
    boxes = _element_boxes(document, section_id, "section-head")
    return boxes[0] if boxes else None


@pytest.mark.parametrize("eid", ["pl", "en", "pl-a5", "en-a5"])
def test_networks_share_one_recommendations_component(pub, documents, eid):
    """Every network's recommendations box stands in the same place across the text block, as
    wide, and sets its text in one size (its title in one other)."""
    document, lang = documents[eid], eid.split("-")[0]
    looks = {}
    for sid in _network_sections(pub, lang):
        fragments = [box for _, box in _element_boxes(document, sid, "recommendations", every=True)]
        box = fragments[0]
        texts = [b for f in fragments for b in _walk(f)
                 if type(b).__name__ == "TextBox" and b.text.strip()]
        sizes = {round(b.style["font_size"] * 0.75, 2) for b in texts
                 if "admonition-title" not in layout._classes(b)}
        title = {round(b.style["font_size"] * 0.75, 2) for b in texts
                 if "admonition-title" in layout._classes(b)}
        assert len(sizes) == 1, (sid, sizes)
        looks[sid] = (round(box.position_x), round(box.margin_width()), sizes.pop(), tuple(title))
    assert len(set(looks.values())) == 1, looks


@pytest.mark.parametrize("eid", ["pl", "en", "pl-a5", "en-a5"])
def test_networks_open_with_their_inset_in_one_place(pub, documents, eid):
    """A network's map is its opener's inset, at the top right of its first page, in the same
    place for every network that has one (A4: the side column beside the lead; A5: beside the
    head, a map without names); no network map stands anywhere else. A network without a map
    (its cities mostly unknown) keeps the slot for its first side box on A4."""
    document, lang = documents[eid], eid.split("-")[0]
    places = {}
    for sid in _network_sections(pub, lang):
        maps = _element_boxes(document, sid, "graphic-network-map")
        head = _section_top(document, sid)
        if not maps:
            continue
        (page, box), = maps
        assert "side" in layout._classes(box) and page == head[0], (sid, page, head[0])
        right = box.position_x + box.margin_width()
        places[sid] = (right, box.position_y - head[1].position_y)
        assert places[sid][1] < 30 * MM_PX, (sid, places[sid])
    assert places, places
    for right, top in places.values():                 # the same place, to a millimetre
        assert all(abs(right - r) < MM_PX and abs(top - t) < MM_PX for r, t in places.values()), places
    if eid.endswith("a5"):
        green = f"{lang}-05-siec-zielona"
        assert green in places, f"the A5 {green} has no inset map"


@pytest.mark.parametrize("name", ["pim-pl.pdf", "pim-en.pdf", "pim-pl-en.pdf", "print/pim-pl-print.pdf",
                                  "a5/pim-pl-a5.pdf", "a5/pim-en-a5.pdf"])
def test_every_page_of_meetings_opens_with_its_month(built, name):
    """A month of meetings that runs on to the next page repeats its label there ("LIPIEC
    2022 (CD.)"): under the repeated table head, the first row is a month, never a meeting."""
    import subprocess

    path = built["dir"] / name
    for number in range(1, len(PdfReader(path).pages) + 1):
        lines = [ln.strip() for ln in subprocess.run(
            ["pdftotext", "-layout", "-f", str(number), "-l", str(number), str(path), "-"],
            capture_output=True, text=True, check=True).stdout.splitlines() if ln.strip()]
        heads = [i for i, ln in enumerate(lines) if any(re.match(
            rf"{LABELS[lang]['date']}\s+{LABELS[lang]['meeting']}\s+{LABELS[lang]['network']}$", ln, re.I)
            for lang in ("pl", "en"))]
        for i in heads:
            first = lines[i + 1]
            assert re.match(r"^[^\W\d_]+ \d{4}( \(.+\))?$", first) and first == first.upper(), \
                (name, number, first)
