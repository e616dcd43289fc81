"""The built English edition: content, no Polish left over, English typography, metadata,
contents numbers, bookmarks."""
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from brochure.render.dates import format_dates
from conftest import LABELS, PROJECT, normalise, page_texts, pdf_text
from test_pdf_pl import contents_entries

POLISH_LETTERS = "ąćęłńóśźżĄĆĘŁŃÓŚŹŻ"
COMMON_POLISH_WORDS = ("miasta", "oraz", "Sieć", "został", "rozwiązania", "który", "się",
                       "przez", "jest")


@pytest.fixture(scope="module")
def en(built):
    return built["dir"] / "pim-en.pdf"


@pytest.fixture(scope="module")
def raw(en):
    """Extracted text as pypdf gives it, line ends kept."""
    return "\n".join(page.extract_text() or "" for page in PdfReader(en).pages)


@pytest.fixture(scope="module")
def text(en):
    return pdf_text(en)


def loose(phrase: str) -> re.Pattern:
    """A pattern for `phrase` as it may come out of a justified, hyphenated page: any run of
    spaces may be any whitespace, a word may be broken at a line end by a hyphen (WeasyPrint's
    U+2010, which extraction may also give as "-" when the font maps both to one glyph), and a
    compound may break at its own hyphen."""
    out = []
    for i, char in enumerate(phrase):
        following = phrase[i + 1] if i + 1 < len(phrase) else ""
        if char.isspace():
            out.append(r"\s+")
        elif char in "-\u2010":
            out.append(r"[-\u2010]\s*")
        else:
            out.append(re.escape(char))
            if char.isalnum() and following.isalnum():
                out.append(r"(?:[-\u2010\u00ad]\s*\n\s*)?")
    return re.compile("".join(out))


def printed(phrase: str, raw_text: str) -> bool:
    return loose(phrase.replace("\u00a0", " ")).search(raw_text) is not None


def test_every_city_name_is_printed_with_its_diacritics(pub, text):
    assert len(pub.cities) >= 20
    with_diacritics = [c.name for c in pub.cities if set(c.name) & set(POLISH_LETTERS)]
    assert len(with_diacritics) >= 5          # the check below must mean something
    for city in pub.cities:
        assert city.name in text, city.name


def test_every_english_mid_topic_is_printed(pub, raw):
    missing = [c.mid["en"] for c in pub.cities if c.mid and not printed(c.mid["en"], raw)]
    assert not missing, missing
    assert [c.name for c in pub.cities if c.mid is None]          # left out quietly
    assert not printed(LABELS["en"]["mid_pending"], raw)


def test_every_english_timeline_date_is_printed(pub, text):
    assert len(pub.events) >= 20
    missing = [format_dates(e, LABELS["en"]) for e in pub.events
               if normalise(format_dates(e, LABELS["en"])) not in text]
    assert not missing, missing


def test_english_section_titles_are_printed(pub, raw, text):
    for section in pub.sections:
        assert printed(section.title("en"), raw), section.title("en")
    assert LABELS["en"]["contents"].upper() in text      # set in capitals


def polish_only_words() -> set:
    """Words with Polish letters in the Polish prose that the English sources (prose and data,
    which holds both languages and the Polish names) never use: none may reach the English PDF."""
    def words(paths):
        found = set()
        for path in paths:
            found |= set(re.findall(r"\w+", Path(path).read_text(encoding="utf-8")))
        return found
    content = PROJECT / "content"
    polish = {w for w in words(sorted((content / "pl").glob("*.md")))
              if set(w) & set(POLISH_LETTERS) and len(w) > 3}
    english_sources = words(sorted((content / "en").glob("*.md"))
                            + sorted((content / "data").glob("*.yaml"))
                            + [content / "publication.yaml"])
    return polish - english_sources


def test_no_polish_prose_in_the_english_edition(text):
    sample = polish_only_words()
    assert len(sample) > 50
    words = set(re.findall(r"\w+", text))
    leaked = sorted((sample | set(COMMON_POLISH_WORDS)) & words)
    assert not leaked, leaked


def test_english_typography_reaches_the_pdf(pub, raw):
    # the English prose may have no quotation at all (the editorial pass removed the last one)
    quoted = sum(line.count('"') // 2 for s in pub.sections
                 for line in s.bodies["en"].split("\n") if not line.lstrip().startswith("!!!"))
    assert raw.count("“") >= quoted and raw.count("”") >= quoted
    assert "’" in raw                                             # the CPI’s, cities’
    assert '"' not in raw, re.findall(r'.{0,30}".{0,30}', raw)
    assert "„" not in raw
    assert "2021–2023" in raw
    assert not re.search(r"\b(19|20)\d\d-(19|20)?\d\d\b", raw), \
        re.findall(r"\b(?:19|20)\d\d-\d+\b", raw)
    assert "'" not in raw, re.findall(r".{0,30}'.{0,30}", raw)   # apostrophes are ’


def test_metadata_and_language(pub, en):
    reader = PdfReader(en)
    info = reader.metadata
    assert info.title == pub.title["en"]
    assert info.author == pub.publisher["en"]
    assert info.subject == pub.subtitle["en"]
    assert info["/Keywords"] == pub.keywords["en"]
    assert info["/CreationDate"].startswith("D:" + pub.date.strftime("%Y%m%d"))
    assert reader.trailer["/Root"]["/Lang"] in ("en-GB", "en")


def test_bookmarks_mirror_english_sections(pub, en):
    outline = PdfReader(en).outline
    top = [normalise(item.title) for item in outline if not isinstance(item, list)]
    assert top == [s.title("en") for s in pub.sections]


def test_contents_page_numbers_match_where_sections_start(pub, en):
    """As in test_pdf_pl: the contents numbers equal the bookmark targets, and those pages
    carry the heading."""
    entries, contents = contents_entries(en, LABELS["en"]["contents"])
    reader = PdfReader(en)
    targets = {normalise(item.title): reader.get_destination_page_number(item) + 1
               for item in reader.outline if not isinstance(item, list)}
    pages = page_texts(en)
    assert len(entries) == len(pub.sections) - 1, entries      # not the page it stands on
    for section in pub.sections[1:]:
        title = normalise(section.title("en"))
        number = entries[title]
        assert number == targets[title], f"{title}: contents {number}, bookmark {targets[title]}"
        assert number >= contents
        assert title in pages[number - 1]
