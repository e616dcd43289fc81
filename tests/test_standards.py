"""Standards, checked by tools the project did not write: PDF/UA-1 by the `page` validator
(page-validation), the structure tree by a pikepdf walk (brochure.pdfcheck), on the built
screen editions and on small documents that exercise the finisher independently of our
templates (margin boxes, a transparency group, whitespace in a list, a table)."""
import re
from collections import Counter, defaultdict

import page
import pikepdf
import pytest
import weasyprint

from brochure.typeset import tagging
from pdfcheck import walk
from conftest import page_texts
from test_bilingual import FOOTER_BAND, crop_text, footer_of

UA1 = page.ValidationProfile("ua1")
WORDS = {"pl": {"i", "w", "na", "z", "się", "oraz", "do", "dla", "jest", "miast"},
         "en": {"the", "and", "of", "to", "in", "for", "with", "is", "cities", "city"}}


@pytest.fixture(scope="module")
def screen(screen_edition):
    return screen_edition


@pytest.fixture(scope="module")
def structure(screen):
    return walk(screen[0])


# ------------------------------------------------------------------ the built editions


def test_page_validator_finds_no_failed_rule(screen):
    report = page.validate_pdf(str(screen[0]), profile=UA1)
    assert report.rules.total >= 100, report.rules          # the UA-1 rule set really ran
    failed = sorted({f.rule_id for f in report.failures})
    assert report.rules.failed == 0 and not failed, (report.rules, failed,
                                                     [f.message for f in report.failures][:5])


def test_every_structure_element_is_reachable(structure):
    assert structure.elements > 500, structure.elements
    assert not structure.orphans, f"(object, /S) not reachable: {structure.orphans[:20]}"
    assert structure.reachable == structure.elements


def test_every_marked_content_item_is_owned_or_an_artifact(structure):
    assert structure.marked > 200 and structure.artifacts > 0
    assert not structure.unowned, f"(page, MCID) owned by nothing: {structure.unowned[:20]}"


def test_page_numbers_are_pagination_artifacts(screen):
    """Every page whose footer shows a page number draws it inside /Artifact <</Type
    /Pagination>>, and no page-number text is left in structure content."""
    path, _ = screen
    pdf = pikepdf.open(path)
    missing, numbered = [], 0
    for number, pdf_page in enumerate(pdf.pages, start=1):
        height, width = float(pdf_page.mediabox[3]), float(pdf_page.mediabox[2])
        band = height * FOOTER_BAND
        printed, _ = footer_of(crop_text(path, number, 0, height - band, width, band),
                               len(pdf.pages))
        numbered += printed is not None
        if printed is not None and not pagination_artifacts(pdf_page):
            missing.append(number)
    assert numbered >= len(pdf.pages) // 2, numbered     # the footer reading sees the numbers
    assert not missing, f"pages with a page number but no pagination artifact: {missing}"


def pagination_artifacts(pdf_page) -> int:
    found = 0
    for operands, operator in pikepdf.parse_content_stream(pdf_page):
        if str(operator) == "BDC" and str(operands[0]) == "/Artifact":
            properties = operands[1]
            found += isinstance(properties, pikepdf.Dictionary) and \
                properties.get("/Type") == "/Pagination"
    return found


def elements(pdf):
    """(element, effective /Lang, 1-based page) of every reachable structure element."""
    pages = {p.obj.objgen: n for n, p in enumerate(pdf.pages, start=1)}
    stack = [(pdf.Root.StructTreeRoot.K[0], str(pdf.Root.Lang), None)]
    while stack:
        node, lang, number = stack.pop()
        lang = str(node.get("/Lang", lang))
        number = pages.get(node.Pg.objgen, number) if "/Pg" in node else number
        yield node, lang, number
        for kid in kids(node):
            if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/StructElem":
                stack.append((kid, lang, number))


def kids(node) -> list:
    k = node.get("/K")
    return list(k) if isinstance(k, pikepdf.Array) else [] if k is None else [k]


def test_lists_tables_and_spans(screen):
    """L holds only LI, L or Caption; every TH has a /Scope; no Span is empty."""
    wrong = []
    with pikepdf.open(screen[0]) as pdf:
        for node, _, number in elements(pdf):
            tag = str(node.get("/S"))
            children = [str(k.get("/S")) for k in kids(node) if isinstance(k, pikepdf.Dictionary)]
            if tag == "/L" and set(children) - tagging.LIST_KIDS:
                wrong.append((number, tag, children))
            if tag == "/TH" and str(node.get("/A", {}).get("/Scope")) not in (
                    "/Row", "/Column", "/Both"):
                wrong.append((number, tag, "no /Scope"))
            if tag == "/Span" and not kids(node):
                wrong.append((number, tag, "empty"))
    assert not wrong, wrong[:10]


def text_language(text: str):
    words = Counter(re.findall(r"\w+", text.lower()))
    score = {lang: sum(words[w] for w in common) for lang, common in WORDS.items()}
    best = max(score, key=score.get)
    return best if score[best] >= 3 and score[best] > 2 * min(score.values()) else None


def test_every_part_is_in_its_language(screen):
    """The effective /Lang of the marked content of each page is the language its text is
    written in (guessed from common words); a cover holds every language of the volume, and so
    does, in a volume, the last text page with the imprint in every language."""
    path, languages = screen
    texts = page_texts(path)
    by_page = defaultdict(Counter)
    with pikepdf.open(path) as pdf:
        for node, lang, number in elements(pdf):
            by_page[number][lang.split("-")[0]] += sum(isinstance(k, int) for k in kids(node))
    wrong = []
    for number, text in enumerate(texts, start=1):
        found = {lang for lang, count in by_page[number].items() if count}
        imprint = len(languages) > 1 and number == len(texts) - 1
        if number in (1, len(texts)) or imprint:
            expected = set(languages)
        else:
            guess = text_language(text)
            expected = {guess} if guess else found
        if found != expected:
            wrong.append((number, sorted(found), sorted(expected)))
    assert not wrong, f"(page, languages tagged, language of the text): {wrong}"


# ------------------------------------------------------------------ the finisher on its own


SAMPLE = """<html lang="pl"><head><title>Próba</title><style>
@page { size: A5; margin: 20mm; @top-center { content: "Running head" }
        @bottom-right { content: counter(page) } }
ul.inline li { display: inline-block }
</style></head><body><article lang="en"><h1>Heading</h1><div class="band"><span></span></div>
<ul class="inline"><li>one</li><li>two</li>   </ul>
<table><tr><th>Name</th><th>Value</th></tr><tr><th scope="row">a</th><td>1</td></tr></table>
<p style="opacity: .5">Faded</p><p style="break-before: page">Second page</p></article>
</body></html>"""


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    """The sample written as WeasyPrint writes it, and with the structure repaired."""
    folder = tmp_path_factory.mktemp("ua")
    raw, repaired = folder / "raw.pdf", folder / "repaired.pdf"
    document = weasyprint.HTML(string=SAMPLE).render(pdf_variant="pdf/ua-1")
    document.write_pdf(raw, pdf_variant="pdf/ua-1")
    document.write_pdf(repaired, pdf_variant="pdf/ua-1", finisher=tagging.repair_structure)
    return raw, repaired


def test_sample_fails_before_and_passes_after(sample):
    """The validator and the walk see WeasyPrint's faults in the raw sample (so the checks
    can fail), and none after the finisher."""
    raw, repaired = sample
    before, after = walk(raw), walk(repaired)
    assert "PDFUA1-L-KIDS-001" in {f.rule_id for f in page.validate_pdf(str(raw),
                                                                       profile=UA1).failures}
    assert len(before.orphans) == 8 and len(before.unowned) == 4      # 2 margin boxes x 2 pages
    report = page.validate_pdf(str(repaired), profile=UA1)
    assert report.rules.failed == 0, [f.rule_id for f in report.failures]
    assert not after.orphans and not after.unowned
    assert after.marked == before.marked - 4 - 1                     # the whitespace too
    with pikepdf.open(repaired) as pdf:
        assert sum(pagination_artifacts(p) for p in pdf.pages) == 4


def test_sample_keeps_its_content(sample):
    """Only the margin boxes and the whitespace stopped being content: every word of the
    body is still owned by a structure element, and the text drawn is unchanged."""
    raw, repaired = sample
    assert page_texts(raw) == page_texts(repaired)
    after = walk(repaired)
    with pikepdf.open(repaired) as pdf:
        tags = Counter(str(node.get("/S")) for node, _, _ in elements(pdf))
        scopes = [str(node.A.Scope) for node, _, _ in elements(pdf) if node.get("/S") == "/TH"]
    assert tags["/H1"] == 1 and tags["/Table"] == 1 and tags["/LI"] == 2 and tags["/P"] == 2
    assert sorted(scopes) == ["/Column", "/Column", "/Row"]
    assert len(after.owners) == after.marked


RUNNING = """<html lang="en"><head><title>Running</title><style>
@page { size: A5; margin: 20mm; @top-left { content: element(head) }
        @bottom-center { content: counter(page) " / " counter(pages) }
        @right-middle { content: "Tab"; background: #c00; color: white } }
header { position: running(head) }
</style></head><body><header>Running <b>bold</b> head <img alt="logo" src="data:image/svg+xml,
%3Csvg xmlns='http://www.w3.org/2000/svg' width='10' height='10'%3E%3Crect width='10'
height='10'/%3E%3C/svg%3E"></header>
<article><h1>Title</h1><p>Body text.</p><p style="break-before: page">Second page</p></article>
</body></html>"""


def test_running_elements_thumb_tabs_and_margin_images_become_artifacts(tmp_path):
    """Margin boxes as a redesign may use them (a running element with markup and an image,
    a coloured thumb tab, "page / pages"): all of it becomes pagination artifacts, the body
    stays content, and the validator and the walk find nothing."""
    raw, repaired = tmp_path / "raw.pdf", tmp_path / "repaired.pdf"
    document = weasyprint.HTML(string=RUNNING).render(pdf_variant="pdf/ua-1")
    document.write_pdf(raw, pdf_variant="pdf/ua-1")
    document.write_pdf(repaired, pdf_variant="pdf/ua-1", finisher=tagging.repair_structure)
    before, after = walk(raw), walk(repaired)
    assert before.unowned and before.orphans
    assert not after.unowned and not after.orphans
    assert after.marked == before.marked - len(before.unowned)
    assert page.validate_pdf(str(repaired), profile=UA1).rules.failed == 0
    with pikepdf.open(repaired) as pdf:
        tags = Counter(str(node.get("/S")) for node, _, _ in elements(pdf))
        assert sum(pagination_artifacts(p) for p in pdf.pages) == len(before.unowned)
    assert tags["/Figure"] == 0 and tags["/H1"] == 1 and tags["/P"] == 2
