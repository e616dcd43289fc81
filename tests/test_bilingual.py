"""The bilingual volume pim-pl-en.pdf: cover, a contents box on the first page of each part,
the divider before the English part, page numbers through the volume, bookmarks per language,
the language of each part in the structure tree, running footers."""
import re
import subprocess

import pytest
from pypdf import PdfReader

from brochure.typeset.finish import structure_elements
from conftest import LABELS, normalise, page_texts

# (language, its bookmark, the heading of its contents box as printed: upper case)
PARTS = tuple((lang, LABELS[lang]["language"], LABELS[lang]["contents"].upper())
              for lang in ("pl", "en"))
FOOTER_BAND = 0.06    # the bottom 6 % of a page: the page number, inside the 19 mm (A4) and
                      # 16 mm (A5) bottom margins, below the text
HEAD_BAND = 0.06      # the top 6 % of a page: the running head, inside the 20 mm top margin


@pytest.fixture(scope="module")
def volume(built):
    return built["dir"] / "pim-pl-en.pdf"


@pytest.fixture(scope="module")
def reader(volume):
    return PdfReader(volume)


def crop_text(pdf, page, x, y, width, height) -> str:
    """Text of a rectangle of one page (points, from the top left), by pdftotext."""
    return subprocess.run(
        ["pdftotext", "-r", "72", "-f", str(page), "-l", str(page), "-x", str(int(x)),
         "-y", str(int(y)), "-W", str(int(width)), "-H", str(int(height)), str(pdf), "-"],
        capture_output=True, text=True, check=True).stdout


def footer_of(text: str, pages: int):
    """(page number or None, running title) of a footer band's text: the number is the line
    that is only digits and could be a page of a document of `pages` pages (the cover's year,
    also a line of digits at the foot of the cover, is not)."""
    lines = [re.sub(r"\s+", " ", line).strip() for line in text.splitlines()]
    lines = [line for line in lines if line]
    numbers = [int(line) for line in lines if line.isdigit() and 1 <= int(line) <= pages]
    title = normalise(" ".join(line for line in lines if not line.isdigit())).strip()
    return (numbers[0] if len(numbers) == 1 else None), title


def footers(pdf) -> list:
    """(number, running title) of every page's footer band, in page order."""
    result, pages = [], PdfReader(pdf).pages
    for number, page in enumerate(pages, start=1):
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        band = height * FOOTER_BAND
        result.append(footer_of(crop_text(pdf, number, 0, height - band, width, band),
                                len(pages)))
    return result


def outline_tree(reader, items=None):
    """[(title, 1-based page, children)] of the bookmarks, titles with spaces normalised."""
    items = reader.outline if items is None else items
    tree = []
    for item in items:
        if isinstance(item, list):
            title, page, _ = tree[-1]
            tree[-1] = (title, page, outline_tree(reader, item))
        else:
            tree.append((item.title.replace("\u00a0", " ").replace("\u2060", ""),
                         reader.get_destination_page_number(item) + 1, []))
    return tree


def contents_box(pdf, heading):
    """({entry title: printed page number}, the page) of the contents box headed `heading`:
    each entry is a link, read (title, then the number set right) inside the link's area."""
    number = next(i for i, t in enumerate(page_texts(pdf), 1) if heading in t)
    page = PdfReader(pdf).pages[number - 1]
    top = float(page.mediabox.top)
    entries = {}
    for annotation in page.get("/Annots") or []:
        annotation = annotation.get_object()
        if annotation.get("/Subtype") != "/Link" or "/Dest" not in annotation:
            continue
        rect = [float(v) for v in annotation["/Rect"]]
        (left, right), (bottom, upper) = sorted(rect[::2]), sorted(rect[1::2])
        lines = [line.strip() for line in crop_text(pdf, number, left, top - upper,
                                                    right - left + 1, upper - bottom + 1)
                 .splitlines() if line.strip()]
        if len(lines) >= 2 and lines[-1].isdigit():
            entries[normalise(" ".join(lines[:-1])).strip()] = int(lines[-1])
    return entries, number


@pytest.fixture(scope="module")
def parts(reader):
    """lang -> (first page of the part = its contents page, {section title: start page})."""
    tree = outline_tree(reader)
    found = {}
    for lang, label, _ in PARTS:
        node = next((n for n in tree if n[0] == label), None)
        assert node is not None, [n[0] for n in tree]
        found[lang] = (node[1], {title: page for title, page, _ in node[2]})
    return found


@pytest.fixture(scope="module")
def contents(volume):
    """lang -> ({title: printed page number}, contents page), read as test_pdf_pl does."""
    return {lang: contents_box(volume, heading) for lang, _, heading in PARTS}


@pytest.fixture(scope="module")
def volume_footers(volume):
    return footers(volume)


def test_cover_carries_both_titles(pub, volume):
    cover = page_texts(volume)[0]
    assert normalise(pub.title["pl"]) in cover
    assert normalise(pub.title["en"]) in cover
    assert normalise(pub.subtitle["pl"]) in cover and normalise(pub.subtitle["en"]) in cover


def test_bookmarks_are_one_item_per_language_with_its_sections(pub, reader):
    tree = outline_tree(reader)
    assert [title for title, _, _ in tree] == [label for _, label, _ in PARTS]
    for (lang, _, _), (_, _, children) in zip(PARTS, tree):
        assert [title for title, _, _ in children] == [s.title(lang) for s in pub.sections]


def test_contents_numbers_equal_where_each_parts_sections_start(pub, volume, parts, contents):
    """Each part's contents box, on the part's first page, lists its sections with the pages
    the bookmarks jump to (all but the summary, the page the box stands on); the Polish box
    also leads to the English divider, the page just before the English part, which carries the
    English title, and the English box back to the Polish part."""
    pages = page_texts(volume)
    other = normalise(LABELS["pl"]["other_part"])
    divider = contents["pl"][0].get(other)
    assert divider == parts["en"][0] - 1, (contents["pl"][0], parts["en"][0])
    assert normalise(pub.title["en"]) in pages[divider - 1]
    assert LABELS["en"]["language"].upper() in pages[divider - 1]
    back = normalise(LABELS["en"]["other_part"])
    assert contents["en"][0].get(back) == parts["pl"][0], (contents["en"][0], parts["pl"][0])
    for lang, label, heading in PARTS:
        entries, contents_page = contents[lang]
        first, starts = parts[lang]
        assert contents_page == first, f"{heading} on page {contents_page}, bookmark {label} {first}"
        entries = {title: n for title, n in entries.items() if title not in (other, back)}
        assert len(entries) == len(pub.sections) - 1, entries
        for section in pub.sections[1:]:
            title = normalise(section.title(lang))
            assert entries[title] == starts[title], \
                f"{lang} {title}: contents {entries[title]}, bookmark {starts[title]}"
            assert title in pages[starts[title] - 1]


def test_page_numbers_run_through_the_volume(pub, parts, contents, volume_footers):
    pl_numbers = [n for title, n in contents["pl"][0].items()
                  if title != normalise(LABELS["pl"]["other_part"])]
    en_numbers = [n for title, n in contents["en"][0].items()
                  if title != normalise(LABELS["en"]["other_part"])]
    assert min(en_numbers) > max(pl_numbers)
    assert min(en_numbers) >= parts["en"][0] > max(pl_numbers)
    printed = [(page, number) for page, (number, _) in enumerate(volume_footers, start=1)
               if number is not None]
    assert len(printed) >= 2 * len(pub.sections), printed
    assert any(page > parts["en"][0] for page, _ in printed)
    wrong = [(page, number) for page, number in printed if page != number]
    assert not wrong, f"(page, printed number): {wrong}"


def heads(pdf) -> list:
    """The running head of every page (its top band's text, spaces folded), in page order."""
    result = []
    for number, page in enumerate(PdfReader(pdf).pages, start=1):
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        text = crop_text(pdf, number, 0, 0, width, height * HEAD_BAND)
        result.append(normalise(" ".join(text.split())).strip())
    return result


def letters(text: str) -> str:
    """Text without its spaces (pdftotext reads a space at the word joiner in "2021–2023")."""
    return re.sub(r"\s+", "", text)


def test_running_heads_follow_each_parts_language(pub, volume, parts, reader):
    """One rule on every page, left or right (review 23 item 12): a section's opening page names
    the publication, the pages that continue it name the section (upper case), in the part's
    language."""
    owner, opening = {}, set()
    for lang in ("pl", "en"):
        starts = sorted((page, title) for title, page in parts[lang][1].items())
        for (start, title), nxt in zip(starts, starts[1:] + [(None, None)]):
            # the Polish part ends before the English divider
            end = nxt[0] if nxt[0] else (parts["en"][0] - 1 if lang == "pl" else len(reader.pages))
            opening.add(start)
            for page in range(start, end):
                owner[page] = (lang, title)
    # a section's head is its title, or its shorter running-head: where the front matter gives one
    short = {lang: {letters(normalise(s.title(lang)).upper()):
                    letters(normalise(s.running_head(lang) or s.title(lang)).upper())
                    for s in pub.sections} for lang in ("pl", "en")}
    checked, wrong = {"pl": 0, "en": 0}, []
    for page, head in enumerate(heads(volume), start=1):
        if page not in owner:
            continue
        lang, section = owner[page]
        if page in opening:
            expected = letters(normalise(pub.title[lang]).upper())
        else:
            expected = short[lang].get(letters(normalise(section).upper()))
        if letters(head or "") != expected:
            wrong.append((page, head, section))
        checked[lang] += 1
    assert not wrong, f"(page, running head, section of the page): {wrong}"
    assert checked["pl"] >= len(pub.sections) + 3 and checked["en"] >= len(pub.sections) + 3, \
        checked


def test_art_elements_carry_the_language_of_their_page(volume, reader, parts):
    page_of = {page.indirect_reference.idnum: number
               for number, page in enumerate(reader.pages, start=1)}
    en_start = parts["en"][0]
    divider = en_start - 1
    arts = [e for e in structure_elements(reader) if e.get("/S") == "/Art"]
    assert arts
    seen = set()
    for art in arts:
        assert "/Pg" in art, "an /Art without /Pg"
        page = page_of[art.raw_get("/Pg").idnum]
        seen.add(page)
        if page in (1, len(reader.pages)):   # the covers: one /Art per language, tested below
            continue
        want = "en-GB" if page >= en_start else "pl-PL"
        assert art.get("/Lang") == want, f"/Art on page {page}: {art.get('/Lang')}, want {want}"
    # every page of both parts with text on it (first contents page .. last page before the
    # back cover), but the divider, a section of its own
    texts = page_texts(volume)
    pages = {n for n in range(parts["pl"][0], len(reader.pages)) if texts[n - 1].strip()}
    assert pages - {divider} <= seen, (sorted(pages - {divider} - seen), sorted(seen))


def test_divider_is_declared_english(reader, parts):
    """The divider before the English part is English text (its title, "English"): every
    top-level structure element of its page is declared en-GB, not the catalog's Polish."""
    divider = reader.pages[parts["en"][0] - 2]
    document = reader.trailer["/Root"]["/StructTreeRoot"]["/K"][0].get_object()
    on_divider = [e.get_object() for e in document["/K"]
                  if e.get_object().raw_get("/Pg").idnum == divider.indirect_reference.idnum]
    assert on_divider, "no structure element on the divider page"
    assert all(e.get("/Lang") == "en-GB" for e in on_divider), \
        [(e.get("/S"), e.get("/Lang")) for e in on_divider]


def test_catalog_language_is_the_first_part(reader):
    assert reader.trailer["/Root"]["/Lang"] in ("pl", "pl-PL")


def marked_text(page) -> dict:
    """MCID -> text of one page's marked content."""
    current, found = [None], {}

    def before(operator, operands, cm, tm):
        if operator == b"BDC" and len(operands) > 1 and hasattr(operands[1], "get") \
                and "/MCID" in operands[1]:
            current[0] = operands[1]["/MCID"]
        elif operator == b"EMC":
            current[0] = None

    def text(chunk, cm, tm, font, size):
        if current[0] is not None:
            found[current[0]] = found.get(current[0], "") + chunk

    page.extract_text(visitor_operand_before=before, visitor_text=text)
    return found


def effective_lang(element, catalog_lang):
    """/Lang of a structure element, else of its nearest ancestor, else of the catalog."""
    while element is not None and hasattr(element, "get"):
        if "/Lang" in element:
            return str(element["/Lang"])
        parent = element.get("/P")
        element = parent.get_object() if parent is not None else None
    return str(catalog_lang)


def test_english_text_on_the_covers_is_declared_english(pub, reader):
    """The cover and the back cover lie outside the two language parts; their English lines
    (title, subtitle, network names, publisher, partner) must still be read as English: the
    structure element holding each has /Lang en-GB itself or from an ancestor, not the
    catalog's Polish. Polish lines stay Polish."""
    catalog_lang = reader.trailer["/Root"]["/Lang"]
    pages = {page.indirect_reference.idnum: n for n, page in enumerate(reader.pages, start=1)}
    covers = {1, len(reader.pages)}
    texts = {n: marked_text(reader.pages[n - 1]) for n in covers}

    def lines(lang):
        found = {pub.title[lang], pub.subtitle[lang], pub.publisher[lang], pub.partner[lang],
                 f"{pub.publisher[lang]} · {pub.partner[lang]}"}
        found |= {n.name[lang] for n in pub.networks}
        return {normalise(s).strip() for s in found}

    english, polish = lines("en"), lines("pl")
    checked, wrong = {"en": 0, "pl": 0}, []
    for element in structure_elements(reader):
        if "/Pg" not in element or pages.get(element.raw_get("/Pg").idnum) not in covers:
            continue
        k = element.get("/K")
        mcids = [m for m in (k if isinstance(k, list) else [k]) if isinstance(m, int)]
        if not mcids:
            continue
        page = pages[element.raw_get("/Pg").idnum]
        said = normalise("".join(texts[page].get(m, "") for m in mcids)).strip()
        for lang, expected in (("en", english), ("pl", polish)):
            if said in expected:
                checked[lang] += 1
                got = effective_lang(element, catalog_lang)
                if got.split("-")[0] != lang:
                    wrong.append((page, said, got))
    assert checked["en"] >= len(pub.networks) + 2 and checked["pl"] >= len(pub.networks) + 2, \
        checked
    assert not wrong, f"(page, text, language it is read in): {wrong}"
