"""The built Polish edition: content, pages, contents numbers, metadata, bookmarks, fonts."""
import re
import subprocess

import pytest
from pypdf import PdfReader

from brochure.render.dates import format_dates
from conftest import LABELS, PROJECT, normalise, page_texts, pdf_text

A4 = (595.28, 841.89)


@pytest.fixture(scope="module")
def pl(built):
    return built["dir"] / "pim-pl.pdf"


@pytest.fixture(scope="module")
def text(pl):
    return pdf_text(pl)


def test_every_city_and_mid_topic_is_printed(pub, text):
    """Every city and every known MID topic; a topic not known is left out quietly (a draft
    edition marks it: tests/test_reader.py)."""
    assert len(pub.cities) >= 20
    for city in pub.cities:
        assert city.name in text, city.name
        if city.mid:
            assert normalise(city.mid["pl"]) in text, city.mid["pl"]
    assert LABELS["pl"]["mid_pending"] not in text


def test_candidate_cities_are_never_printed(pub, pl, text):
    """Inferred cities stay out of the map, the city list and the network's MID table."""
    assert {c.name for c in pub.candidates} >= {"Kołobrzeg", "Koszalin", "Poznań"}
    places = {p for e in pub.events if e.place for p in e.place["pl"].split(", ")}
    titles = [s.title("pl") for s in pub.sections if s.layout == "cities" or s.network == "ppp"]
    pages = [t for t in page_texts(pl) if any(normalise(title) in t for title in titles)]
    assert len(pages) >= 2
    for city in pub.candidates:
        assert not any(city.name in page for page in pages), city.name
        if city.name not in places:          # Poznań is printed as a meeting place
            assert city.name not in text, city.name


def test_every_timeline_date_is_printed(pub, text):
    assert len(pub.events) >= 20
    for event in pub.events:
        assert normalise(format_dates(event, LABELS["pl"])) in text, format_dates(event, LABELS["pl"])


def test_headings_are_printed(pub, text):
    for section in pub.sections:
        assert normalise(section.title("pl")) in text
    for heading in ("Sieć Zielona", "Sieć PPP", "Sieć Cyfrowa"):
        assert heading in text
    assert LABELS["pl"]["contents"].upper() in text        # the contents box's label


def test_no_ocr_spellings(text):
    for wrong in ("Sie¢", "zréwnowazonego", "todz", "Racibérz", "Gdanisk", "Stupsk", "Miedzyrzec",
                  "Whnioski", "Prlany", "ltowa"):
        assert wrong not in text
    assert "zrównoważonego" in text


def test_polish_typography_reaches_the_pdf(pl):
    raw = "\n".join(p.extract_text() for p in PdfReader(pl).pages)
    assert "2021–2023" in raw and "2021-2023" not in raw
    assert "„" in raw and '"' not in raw
    # no one-letter word at a line end
    lonely = re.findall(r"(?m)(?:^|\s)([aiouwzAIOUWZ])\n", raw)
    assert not lonely, lonely


@pytest.mark.parametrize("name", ["pim-pl.pdf", "pim-pl-en.pdf", "a5/pim-pl-a5.pdf",
                                  "print/pim-pl-print.pdf"])
def test_no_line_holds_only_the_first_half_of_a_hyphenated_word(built, name):
    """review-23 Major 3: "dostrze-" alone on a line, the paragraph going on under it."""
    layout = subprocess.run(["pdftotext", "-layout", str(built["dir"] / name), "-"],
                            capture_output=True, text=True, check=True).stdout
    lone = re.findall(r"(?m)^[ \t]*(\S+[\u2010-])[ \t]*$", layout)
    assert not lone, f"{name}: lines of one hyphenated fragment {lone}"


def test_pages_are_a4(pl):
    for page in PdfReader(pl).pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert (round(width, 1), round(height, 1)) == (round(A4[0], 1), round(A4[1], 1))


# The contents box: the side column of the part's first page (18 mm margin + 105 mm main column
# + 7 mm gutter; 62 mm wide), from under the section head to about the middle of the page.
SIDE_COLUMN_PT = (130 * 72 / 25.4, 40 * 72 / 25.4, 62 * 72 / 25.4, 110 * 72 / 25.4)


def contents_entries(pdf, heading):
    """(title -> page number, the number of the page holding the contents), read from the
    contents box as laid out: an entry may take two lines, its number ends its last line."""
    pages = page_texts(pdf)
    number = next(i for i, t in enumerate(pages, 1) if heading.upper() in t)   # set in capitals
    x, y, w, h = (str(round(v)) for v in SIDE_COLUMN_PT)
    layout = subprocess.run(["pdftotext", "-layout", "-f", str(number), "-l", str(number),
                             "-x", x, "-y", y, "-W", w, "-H", h, str(pdf), "-"],
                            capture_output=True, text=True, check=True).stdout
    entries, pending = {}, []
    for line in normalise_lines(layout):
        if not line or re.sub(r"\s", "", line).upper() == re.sub(r"\s", "", heading).upper():
            continue                                     # the box's label, letter-spaced
        match = re.fullmatch(r"(.*?) *(\d+)", line)
        pending.append(match.group(1) if match else line)
        if match:
            entries[normalise(" ".join(pending)).strip()] = int(match.group(2))
            pending = []
    return entries, number


def normalise_lines(text):
    return [re.sub(r"[ \u00a0]+", " ", line.replace("\u2060", "")).strip()
            for line in text.splitlines()]


def test_contents_page_numbers_match_where_sections_start(pub, pl):
    """The numbers printed in the contents equal the pages the bookmarks jump to, and those
    pages carry the heading (as extracted text) while the page before does not."""
    entries, contents = contents_entries(pl, LABELS["pl"]["contents"])
    reader = PdfReader(pl)
    targets = {normalise(item.title): reader.get_destination_page_number(item) + 1
               for item in reader.outline if not isinstance(item, list)}
    pages = page_texts(pl)
    assert len(entries) == len(pub.sections) - 1, entries      # not the page it stands on
    for section in pub.sections[1:]:
        title = normalise(section.title("pl"))
        number = entries[title]
        assert number == targets[title], f"{title}: contents {number}, bookmark {targets[title]}"
        assert title in pages[number - 1]
        if number - 1 != contents:
            assert not pages[number - 2].startswith(title)


def test_metadata(pl):
    reader = PdfReader(pl)
    info = reader.metadata
    assert info.title.startswith("Partnerska Inicjatywa Miast")
    assert "Ministerstwo Funduszy i Polityki Regionalnej" in info.author
    assert info.subject and info["/Keywords"]
    assert info["/CreationDate"].startswith("D:20230802")
    assert reader.trailer["/Root"]["/Lang"] == "pl"


def test_bookmarks_mirror_sections(pub, pl):
    outline = PdfReader(pl).outline
    top = [normalise(item.title) for item in outline if not isinstance(item, list)]
    assert top == [s.title("pl") for s in pub.sections]


def test_fonts_are_embedded_project_fonts(pl):
    listing = subprocess.run(["pdffonts", str(pl)], capture_output=True, text=True,
                             check=True).stdout.splitlines()[2:]
    assert listing
    for line in listing:
        name, emb, sub = line.split()[0], line.split()[-5], line.split()[-4]
        assert re.fullmatch(r"[A-Z]{6}\+Lato(-\w+)?", name), line
        assert (emb, sub) == ("yes", "yes"), line


def test_qpdf_check_passes(built):
    for pdf in built["dir"].rglob("*.pdf"):
        run = subprocess.run(["qpdf", "--check", str(pdf)], capture_output=True, text=True)
        assert run.returncode == 0, f"{pdf}: {run.stdout}{run.stderr}"


def test_the_build_sums_up_the_known_data_gaps_and_check_lists_them(pub, built):
    """The gaps an editor cannot act on today are one line of the build, with the command that
    lists them (so that a new warning stands out); that command lists each."""
    from brochure.content.gaps import missing_data

    gaps = missing_data(pub)
    listed = len(pub.cities_of("ppp"))
    assert listed < 10 and gaps
    assert 'network "ppp" lists' not in built["stderr"]
    line = next(ln for ln in built["stderr"].splitlines() if "known gaps in the data" in ln)
    assert line.startswith(f"warning: {len(gaps)} known gaps in the data")
    command = line.rsplit("; ", 1)[1].removesuffix(" lists them")
    assert command.endswith("build.py check"), line
    checked = subprocess.run(command, shell=True, cwd=PROJECT, capture_output=True, text=True,
                             timeout=600)         # run as printed
    assert f'network "ppp" lists {listed} of 10 cities' in checked.stderr
    for city in pub.candidates:
        assert f'city "{city.name}" is only a candidate' in checked.stderr, city.name
