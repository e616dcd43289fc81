"""The reader's brochure (issue 23, items 1, 2 and 6).

1. Nothing internal is printed in a reader's edition: what the content does not know is left
   out quietly; a draft edition (build --draft, or draft: true) marks every gap in its pages;
   --final refuses a gap the content marks required.
2. The content the earlier builds had lost is printed.
6. Identity and imprint are content: logo slots, imprint fields, a funding strip, each printed
   only when given, each gap listed by check.
"""
import html as htmllib
import re
import subprocess

import pytest
from PIL import Image
from pypdf import PdfReader

import inprocess
from brochure import content
from brochure.content import gaps
from brochure.diagnostics import ERROR, REQUIRED_GAP
from brochure.errors import ContentError
from brochure.render import html as render
from conftest import LABELS, edit, normalise, page_texts, pdf_text

READER_PDFS = ("pim-pl.pdf", "pim-en.pdf", "pim-pl-en.pdf", "print/pim-pl-print.pdf",
               "print/pim-en-print.pdf", "a5/pim-pl-a5.pdf", "a5/pim-en-a5.pdf")
WEB_PAGES = ("web/index.html", "web/en/index.html")
CLOSING = {"pl": "Rezultatami PIM są wzmocnione kompetencje zaangażowanych miast i ministerstw "
                 "oraz stworzona społeczność miejskich praktyków.",
           "en": "The outcomes of the CPI are stronger competences in the cities and ministries "
                 "involved and a community of urban practitioners."}
YELLOW = (0xff, 0xe1, 0x4d)          # the draft's highlight (styles/draft.css)


def internal_phrases() -> list:
    """What only an editor may read: the draft labels of both languages (labels.yaml)."""
    found = []
    for lang in ("pl", "en"):
        labels = LABELS[lang]
        found += [labels["mid_pending"], labels["source_silent"], labels["gap"], labels["draft"],
                  labels["open_date"].split("(", 1)[1].rstrip(")"),
                  labels.plural("cities_of", 10, shown=1).split(" ", 1)[1],
                  labels["cities_pending"] % 9]
    return found


def words(text) -> str:
    return normalise(text).lower()


def visible_text(page: str) -> str:
    """A web page's text as a reader or a screen reader gets it (tags out, SVG titles in)."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return htmllib.unescape(re.sub(r"<[^>]+>", " ", page))


# --------------------------------------------------------------------- 1. reader editions

@pytest.mark.parametrize("name", READER_PDFS + WEB_PAGES)
def test_no_editorial_note_in_a_readers_edition(built, name):
    path = built["dir"] / name
    text = words(pdf_text(path) if name.endswith(".pdf") else visible_text(path.read_text("utf-8")))
    printed = [p for p in internal_phrases() if p.lower() in text]
    assert not printed, (name, printed)
    unknown = {"pl": "nieznana", "en": "unknown"}
    assert not [w for w in unknown.values() if re.search(rf"\b{w}\b", text)], name


@pytest.mark.parametrize("lang", ["pl", "en"])
def test_a_meeting_of_no_known_network_is_one_networks_without_its_number(built, pub, lang):
    """Review 23 item 4: no empty network cell and no "#2" that looks like a duplicate: such a
    meeting is "jedna z Sieci" with the strip's neutral dot, in its row and in the key (which
    lists only the marks used); a number, which counts within its network's series, is printed
    only where the table shows that series whole (#1, #2, ... of a known network)."""
    series: dict = {}
    for e in pub.events:
        if e.number and e.network != "unknown":
            series.setdefault((e.network, e.kind), []).append(e.number)
    whole = {k for k, v in series.items() if sorted(v) == list(range(1, len(v) + 1))}
    assert whole and len(whole) < len(series)                # some series printed, some not
    page = (built["dir"] / "html" / f"pim-{lang}.html").read_text("utf-8").replace("\xa0", " ")
    used = {e.network for e in pub.events}
    assert "unknown" in used and "ppp" not in used          # what the test is about
    one = pub.labels[lang]["one_network"]
    legend = re.search(r'<p class="legend".*?</p>', page, re.S).group(0)
    assert set(re.findall(r'class="chip (?:net-)?([a-z]+)"', legend)) == used - {"unknown"} | {"one"}
    assert one in legend and "shape-one" in legend
    rows = re.findall(r'<tr data-row[^>]*>(.*?)</tr>', page, re.S)
    assert len(rows) == len(pub.events)
    for row, event in zip(rows, pub.events):
        cell = re.search(r'<td class="meeting-network">(.*?)</td>', row, re.S).group(1)
        assert cell.strip(), event.start                   # never an empty cell
        assert (one in cell) == (event.network == "unknown"), event.start
        numbered = event.number and (event.network, event.kind) in whole
        assert (f"&nbsp;#{event.number}<" in row or f"&nbsp;#{event.number}&" in row) == bool(numbered), event.start
    strip = re.search(r'<svg[^>]*class="strip".*?</svg>', page, re.S).group(0)
    assert "stroke-dasharray" not in strip                  # the draft's mark of the unknown
    assert strip.count('class="neutral"') == sum(e.network == "unknown" for e in pub.events)


@pytest.mark.parametrize("lang", ["pl", "en"])
def test_an_unknown_end_prints_the_first_day_alone(built, pub, lang):
    """"9.08.2022" / "9 August 2022", the meeting's title next: no "(koniec nieznany)"."""
    text = pdf_text(built["dir"] / f"pim-{lang}.pdf")
    open_ended = [e for e in pub.events if e.end == "unknown"]
    assert len(open_ended) == 4
    for event in open_ended:
        d = event.start
        day = f"{d.day}.{d.month:02d}.{d.year}" if lang == "pl" else f"{d.day} {d:%B} {d.year}"
        assert normalise(f"{day} {event.title[lang]}") in text, day


def test_a_network_whose_cities_are_mostly_unknown_is_a_sentence(built, pub):
    ppp = pub.network("ppp")
    assert ppp.mostly_unknown(len(pub.cities_of("ppp")))
    assert "Sieć PPP liczyła 10 miast, w tym Pieszyce." in pdf_text(built["dir"] / "pim-pl.pdf")
    assert "The PPP Network had 10 cities, including Pieszyce." in \
        pdf_text(built["dir"] / "pim-en.pdf")
    for lang in ("pl", "en"):
        page = (built["dir"] / "html" / f"pim-{lang}.html").read_text("utf-8")
        section = re.search(rf'<section[^>]*id="{lang}-04-siec-ppp".*?</section>', page, re.S)
        assert "<table" not in section.group(0) and "graphic-network-map" not in section.group(0)
        green = re.search(rf'<section[^>]*id="{lang}-05-siec-zielona".*?</section>', page, re.S)
        assert "<table" in green.group(0)          # a network listed in full keeps its table


@pytest.mark.parametrize("expected, table", [(5, False), (4, True), (2, True)])
def test_the_table_or_the_sentence_is_decided_by_the_data(tree, expected, table):
    """Fewer than half of the expected cities listed: a sentence and no map of the network's
    own; half or more: the table and the map (mini fixture: 2 Green cities listed)."""
    edit(tree, "data/networks.yaml", "cities_expected: 2", f"cities_expected: {expected}")
    edit(tree, "pl/02-siec.md", "[[mid-table]]", "[[network-map side]]\n\n[[mid-table]]")
    edit(tree, "en/02-siec.md", "[[mid-table]]", "[[network-map side]]\n\n[[mid-table]]")
    pub = content.load(tree)
    page = render.render(pub, next(e for e in pub.editions if e.id == "pl"))
    assert ("<table" in page, 'class="graphic graphic-network-map' in page) == (table, table)
    sentence = f"Sieć Zielona liczyła {expected}\u00a0miast, w\u00a0tym Gdańsk i\u00a0Żory."
    assert (sentence in page) == (not table)


# --------------------------------------------------------------------- drafts

@pytest.fixture(scope="module")
def drafted(tmp_path_factory):
    """The real content, Polish only, built with --draft."""
    out = tmp_path_factory.mktemp("drafted")
    run = inprocess.run(["--lang", "pl", "--draft", "--output", str(out)])
    assert run.returncode == 0, run.stdout + run.stderr
    return out


def test_a_draft_goes_beside_the_readers_files_and_changes_none_of_them(built, drafted):
    assert (drafted / "draft" / "pim-pl.pdf").is_file()
    assert (drafted / "draft" / "pim-pl.html").is_file()
    for name in ("pim-pl.pdf", "print/pim-pl-print.pdf", "a5/pim-pl-a5.pdf"):
        assert (drafted / name).read_bytes() == (built["dir"] / name).read_bytes(), name
    assert not list((drafted / "web").rglob("*draft*"))       # never offered to readers
    assert "draft" not in (drafted / "web" / "index.html").read_text("utf-8")


def test_every_page_of_a_draft_says_so(drafted):
    mark = LABELS["pl"]["draft"].upper()
    pages = page_texts(drafted / "draft" / "pim-pl.pdf")
    assert len(pages) >= 12
    assert [i + 1 for i, text in enumerate(pages) if mark not in text.upper()] == []


def test_a_draft_marks_each_gap_in_the_page(drafted, pub):
    text = pdf_text(drafted / "draft" / "pim-pl.pdf")
    labels = LABELS["pl"]
    unknown_network = sum(e.network == "unknown" for e in pub.events)
    assert len(re.findall(rf"\b{labels['unknown']}\b", text)) == unknown_network + 1   # + key
    assert text.count("(koniec nieznany)") == sum(e.end == "unknown" for e in pub.events)
    assert "pozostałe miasta (9)" in text                     # the PPP cities not listed
    for key in ("translator", "design", "edition", "isbn", "disclaimer"):
        assert f"{labels['credits'][key]}: {labels['gap']}" in text, key
    page = (drafted / "draft" / "pim-pl.html").read_text("utf-8")
    assert page.count('<mark class="gap') >= unknown_network + 4 + 6
    assert 'graphic-network-map side gap' in page            # the PPP map a reader does not get
    assert page.count('logo-slot gap') == 4                   # the cover's and the back's


def test_the_marks_of_a_draft_are_highlighted(built, drafted):
    """The imprint page: yellow marks in the draft, none in the reader's edition."""
    def yellow(pdf) -> int:
        page = len(PdfReader(pdf).pages) - 1                   # the imprint, before the back cover
        png = pdf.parent / f"{pdf.stem}-{page}"
        subprocess.run(["pdftoppm", "-r", "40", "-png", "-f", str(page), "-l", str(page),
                        "-singlefile", str(pdf), str(png)], check=True)
        data = Image.open(f"{png}.png").convert("RGB").tobytes()
        pixels = (data[i:i + 3] for i in range(0, len(data), 3))
        return sum(1 for p in pixels if all(abs(a - b) < 12 for a, b in zip(p, YELLOW)))
    assert yellow(drafted / "draft" / "pim-pl.pdf") > 200
    assert yellow(built["dir"] / "pim-pl.pdf") == 0


def test_an_edition_listed_as_a_draft(tree):
    edit(tree, "publication.yaml", "name: pim\n",
         "name: pim\neditions:\n  - {id: pl}\n  - {id: robocza, languages: [pl], draft: true}\n"
         "  - {id: robocza-a5, languages: [pl], size: A5, draft: true}\n")
    pub = content.load(tree)
    drafts = [(e.pdf, e.html, e.booklet) for e in pub.editions if e.draft]
    assert drafts == [("draft/pim-robocza.pdf", "draft/pim-robocza.html", None),
                      ("draft/pim-robocza-a5.pdf", "draft/pim-robocza-a5.html", None)]
    page = render.render(pub, pub.editions[1])
    assert 'class="draft-mark"' in page and "draft.css" not in page and "mark.gap" in page
    assert 'class="draft-mark"' not in render.render(pub, pub.editions[0])


def test_a_draft_for_print_is_refused_at_its_line(tree):
    edit(tree, "publication.yaml", "name: pim\n",
         "name: pim\neditions:\n  - {id: a, languages: [pl], print: true, draft: true}\n")
    with pytest.raises(ContentError) as info:
        content.load(tree)
    lines = (tree / "publication.yaml").read_text(encoding="utf-8").splitlines()
    assert (info.value.file, info.value.line) == \
        ("content/publication.yaml", next(i for i, ln in enumerate(lines, 1) if "draft:" in ln))
    assert "not for print" in str(info.value)


# --------------------------------------------------------------------- --final

def check_final(root):
    from brochure.commands import check

    found = []

    class Progress:
        def report(self, diagnostic):
            found.append(diagnostic)

        def info(self, text):
            pass

    return check.run(root, Progress(), layout=False, final=True), found


def test_final_refuses_only_the_gaps_the_content_marks_required(tree):
    code, found = check_final(tree)
    ppp = [d for d in found if 'network "ppp" lists 0 of 3' in d.message]
    assert code == 0 and ppp and ppp[0].level == "warning"         # a gap, left out quietly
    edit(tree, "data/networks.yaml", "  cities_expected: 3", "  cities_expected: 3\n  required: [cities]")
    code, found = check_final(tree)
    ppp = [d for d in found if 'network "ppp" lists 0 of 3' in d.message]
    assert code == 2 and ppp[0].level == ERROR and "--final refuses" in ppp[0].message
    assert ppp[0].code == REQUIRED_GAP


def test_build_final_writes_nothing_while_a_required_gap_remains(tree, tmp_path):
    edit(tree, "data/cities.yaml", '  mid: {pl: "Zazielenianie małych przestrzeni", en: "Greening small spaces"}',
         "  mid: unknown\n  required: [mid]")
    out = tmp_path / "out"
    run = inprocess.run(["--content", str(tree), "--output", str(out), "--final", "--quiet"])
    assert run.returncode == 2, run.stdout + run.stderr
    assert 'content/data/cities.yaml:1: error: city "Gdańsk" has no known MID topic' in run.stderr
    assert not out.exists() or not any(out.rglob("*.pdf"))


@pytest.mark.parametrize("where, old, new", [
    ("data/cities.yaml", "  lon: 18.65\n", "  lon: 18.65\n  required: [topic]\n"),
    ("data/timeline.yaml", "  network: all\n", "  network: all\n  required: [place]\n"),
    ("data/networks.yaml", "  cities_expected: 3", "  cities_expected: 3\n  required: yes please"),
])
def test_required_names_what_may_be_unknown(tree, where, old, new):
    edit(tree, where, old, new)
    with pytest.raises(ContentError) as info:
        content.load(tree)
    lines = (tree / where).read_text(encoding="utf-8").splitlines()
    assert info.value.line == next(i for i, ln in enumerate(lines, 1) if "required:" in ln)
    assert "required of" in str(info.value) and "true, or a list" in str(info.value)


# --------------------------------------------------------------------- 2. restored content

@pytest.mark.parametrize("name, lang", [
    ("pim-pl.pdf", "pl"), ("pim-en.pdf", "en"), ("pim-pl-en.pdf", "pl"), ("pim-pl-en.pdf", "en"),
    ("a5/pim-pl-a5.pdf", "pl"), ("a5/pim-en-a5.pdf", "en"), ("print/pim-pl-print.pdf", "pl"),
    ("web/index.html", "pl"), ("web/en/index.html", "en")])
def test_the_originals_closing_statement_is_printed(built, name, lang):
    path = built["dir"] / name
    text = pdf_text(path) if name.endswith(".pdf") else normalise(visible_text(path.read_text("utf-8")))
    assert normalise(CLOSING[lang]) in text


def test_the_seeds_wording_of_the_utilities_solution(built):
    assert normalise("Digitalizacja monitorowania i zarządzania zużyciem mediów (np. prądu, "
                     "ogrzewania, wody w budynkach publicznych)") in pdf_text(built["dir"] / "pim-pl.pdf")


# --------------------------------------------------------------------- 6. identity, imprint

def test_logo_slots_print_the_names_until_the_artwork_comes(built, pub):
    assert [slot.src for slot in pub.logos] == [None, None]
    listed = [d.message for d in gaps.missing_data(pub) if d.message.startswith("logo file")]
    assert [m.split('"')[1] for m in listed] == ["img/logo-mfipr.svg", "img/logo-bank-swiatowy.svg"]
    page = (built["dir"] / "html" / "pim-pl.html").read_text("utf-8")
    cover = re.search(r'<section class="cover.*?</section>', page, re.S).group(0)
    assert [normalise(name) for name in re.findall(
        r'class="org logo-slot"><span class="logo-name">([^<]+)', cover)] == \
        [pub.publisher["pl"], pub.partner["pl"]]
    first, last = page_texts(built["dir"] / "pim-pl.pdf")[0], page_texts(built["dir"] / "pim-pl.pdf")[-1]
    for name in (pub.publisher["pl"], pub.partner["pl"]):
        assert name in first and name in last


def test_a_logo_file_given_takes_its_slot(tree):
    (tree / "img").mkdir()
    (tree / "img" / "logo.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="10"><rect width="40" '
        'height="10"/></svg>', encoding="utf-8")
    edit(tree, "publication.yaml", "name: pim\n",
         "name: pim\nlogos:\n  - {org: publisher, file: img/logo.svg}\n"
         "  - {org: partner, file: img/partner.svg}\n")
    pub = content.load(tree)
    page = render.render(pub, next(e for e in pub.editions if e.id == "pl"))
    assert page.count('<img src="content/img/logo.svg" alt="Ministerstwo Funduszy i Polityki '
                      'Regionalnej" data-source="content/publication.yaml:') == 2  # covers
    assert page.count('class="org logo-slot"><span class="logo-name">Bank Światowy') == 2
    missing = [d.message for d in gaps.missing_data(pub) if d.message.startswith("logo file")]
    assert len(missing) == 1 and "img/partner.svg" in missing[0]


def test_the_imprint_prints_the_facts_given_and_no_other(built):
    pl = page_texts(built["dir"] / "pim-pl.pdf")[-2]                # the imprint's page
    credits = LABELS["pl"]["credits"]
    assert "Opracowanie: Bank Światowy" in pl
    assert not [credits[k] for k in ("translator", "design", "isbn", "disclaimer")
                if credits[k] in pl]
    en = page_texts(built["dir"] / "pim-en.pdf")[-2]
    assert "Prepared by: World Bank" in en and "ISBN" not in en


IMPRINT = """imprint:
  web: www.example.org
  authors: {pl: "Zespół Banku Światowego", en: "The World Bank team"}
  translator: Anna Nowak
  design: unknown
  edition: {pl: "Wydanie I", en: "First edition"}
  isbn: "978-83-00000-00-0"
  disclaimer: {pl: "Treść nie wyraża stanowiska Banku.", en: "The content does not reflect the Bank's views."}
  required: [design]
funding:
  text: {pl: "Projekt finansowany ze środków UE.", en: "Funded by the EU."}
"""


def test_imprint_fields_and_the_funding_strip_are_content(tree):
    edit(tree, "publication.yaml", "name: pim\n", "name: pim\n" + IMPRINT)
    pub = content.load(tree)
    volume = next(e for e in pub.editions if e.id == "pl-en")
    page = render.render(pub, volume)
    for text in ("Opracowanie: Zespół Banku Światowego", "Prepared by: The World Bank team",
                 "Tłumaczenie: Anna Nowak", "Translation: Anna Nowak", "Wydanie I",
                 "First edition", "ISBN 978-83-00000-00-0", "Treść nie wyraża stanowiska Banku.",
                 "Projekt finansowany ze środków UE.", "www.example.org"):
        assert text.replace(" ", "\u00a0") in page.replace(" ", "\u00a0"), text
    assert "Projekt graficzny:" not in page and "Design:" not in page   # unknown: left out
    a5 = render.render(pub, next(e for e in pub.editions if e.id == "pl-a5"))
    assert "ISBN 978-83-00000-00-0" in a5 and "Tłumaczenie: Anna Nowak" in a5   # its back cover
    design = [d for d in gaps.missing_data(pub) if '"design"' in d.message]
    assert len(design) == 1 and design[0].code == REQUIRED_GAP


def test_a_funding_strip_not_known_yet_is_a_gap_and_prints_nothing(tree):
    edit(tree, "publication.yaml", "name: pim\n", "name: pim\nfunding: unknown\n")
    pub = content.load(tree)
    page = render.render(pub, next(e for e in pub.editions if e.id == "pl"))
    assert 'class="funding' not in page
    assert [d.message for d in gaps.missing_data(pub) if "funding" in d.message] == [
        "the funding line is unknown; a reader's edition prints no funding strip"]
