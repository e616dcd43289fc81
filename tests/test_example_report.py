"""The second publication, examples/report: a bilingual report in a theme of its own
(examples/report/theme/: Vollkorn, its colours, its cover; no map, no networks), built with
every edition and validated like PIM's: PDF/UA-1 by page-validation and the structure walk
(test_standards), PDF/X-4 (test_print), the web edition in a browser (axe-core, test_web)."""
import re
import shutil

import pikepdf
import pytest
from pypdf import PdfReader

import test_print
import test_standards
import inprocess
from brochure import content
from conftest import PROJECT, page_texts, pdf_text
from pdfcheck import walk
from test_web import Page, in_browser, needs_browser

REPORT = PROJECT / "examples" / "report"
PAGES = {"konsultacje-pl.pdf": 7, "konsultacje-en.pdf": 7, "konsultacje-pl-en.pdf": 13,
         "print/konsultacje-pl-print.pdf": 8, "print/konsultacje-en-print.pdf": 8,
         "a5/konsultacje-pl-a5.pdf": 12, "a5/konsultacje-en-a5.pdf": 12}
SCREEN = {"konsultacje-pl.pdf": ("pl",), "konsultacje-en.pdf": ("en",),
          "konsultacje-pl-en.pdf": ("pl", "en")}
PRINT = ("print/konsultacje-pl-print.pdf", "print/konsultacje-en-print.pdf")
# The web edition does not copy the pictures of the texts on main yet (the branch harden-b,
# 476d28d, does: web/img/): until it is merged, these requests fail and only these may.


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The report built by the command line into a temporary output folder."""
    out = tmp_path_factory.mktemp("report") / "output"
    run = inprocess.run(["--content", str(REPORT), "--output", str(out)])
    assert run.returncode == 0, run.stdout + run.stderr
    return {"dir": out, "stdout": run.stdout, "stderr": run.stderr}


@pytest.fixture(scope="module")
def pub():
    return content.load(REPORT)


def test_its_theme_is_its_own_folder_over_the_default(pub):
    folders = [f.shown for f in pub.theme.folders]
    assert folders == ["report/theme", "brochure/themes/default"]
    assert pub.theme.text_families() == ["Vollkorn"]
    assert pub.theme.design_tokens()["navy"] == "#1f4d3a"           # the report's tokens.css
    assert pub.theme.design_tokens()["fit-order"]                    # the default's, kept
    assert not pub.networks and not pub.cities and pub.outline is None and not pub.events


def test_every_edition_with_the_pages_of_its_plan(built):
    for name, pages in PAGES.items():
        assert len(PdfReader(built["dir"] / name).pages) == pages, name
    assert 6 <= PAGES["konsultacje-pl.pdf"] <= 10
    for booklet in ("konsultacje-pl-booklet-a3.pdf", "konsultacje-pl-booklet-a4.pdf"):
        assert (built["dir"] / "print" / booklet).is_file()
    assert ": warning:" not in built["stdout"] + built["stderr"]    # reviewed, no overrun


def test_set_in_the_theme_s_font_only(built):
    """Every font of every PDF is Vollkorn, embedded (no Lato of the default theme, no
    system fallback)."""
    for name in PAGES:
        with pikepdf.open(built["dir"] / name) as pdf:
            fonts = {str(font.get("/BaseFont")) for p in pdf.pages
                     for font in (p.Resources.get("/Font") or {}).values()}
        assert fonts and all("Vollkorn" in f for f in fonts), (name, fonts)


def test_a_cover_without_map_or_networks_and_the_report_s_blocks(built):
    pages = page_texts(built["dir"] / "konsultacje-pl.pdf")
    assert "Park nad Młynówką" in pages[0] and "RAPORT Z KONSULTACJI SPOŁECZNYCH" in pages[0]
    assert "fikcyjne" in pages[0]                                    # its own cover.html
    assert "Sieć" not in " ".join(pages) and "Mapa" not in " ".join(pages)
    text = pdf_text(built["dir"] / "konsultacje-pl.pdf")
    for words in ("Oświetlenie alejek 214 68%", "Ankieta internetowa", "Podstawa konsultacji",
                  "412", "Rekomendacje dla projektu"):
        assert words in text, words
    with pikepdf.open(built["dir"] / "konsultacje-pl.pdf") as pdf:
        tags = [(str(node.get("/S")), str(node.get("/Alt", ""))) for node, _, _ in
                test_standards.elements(pdf)]
    assert sum(tag == "/Table" for tag, _ in tags) >= 2
    assert any(tag == "/Figure" and alt.startswith("Plan parku") for tag, alt in tags), tags


@pytest.mark.parametrize("name", sorted(SCREEN))
def test_screen_editions_pass_pdf_ua1(built, name):
    screen = (built["dir"] / name, SCREEN[name])
    test_standards.test_page_validator_finds_no_failed_rule(screen)
    test_standards.test_page_numbers_are_pagination_artifacts(screen)
    test_standards.test_lists_tables_and_spans(screen)
    structure = walk(screen[0])
    assert structure.elements > 100 and not structure.orphans
    assert structure.reachable == structure.elements and not structure.unowned


@pytest.mark.parametrize("name", PRINT)
def test_print_editions_are_pdfx4(built, pub, name):
    pdf = built["dir"] / name
    reader = PdfReader(pdf)
    test_print.test_page_count_is_a_multiple_of_four(reader)
    test_print.test_trim_bleed_and_media_boxes(pub, reader)
    test_print.test_output_intent_is_pdfx_with_the_cmyk_profile(pub, reader)
    test_print.test_xmp_declares_pdfx4_only(reader)
    test_print.test_pdf_version_and_no_annotations(pdf, reader)
    test_print.test_no_device_rgb_anywhere(reader)
    with pikepdf.open(pdf) as document:          # the picture: ICC-based, never device RGB
        spaces = [image.get("/ColorSpace") for p in document.pages
                  for image in p.get_images().values()]
    assert spaces and all(isinstance(s, pikepdf.Array) and s[0] == "/ICCBased" for s in spaces)


def test_the_web_edition_has_the_theme_s_fonts_and_colours(built):
    site = built["dir"] / "web"
    css = (site / "web.css").read_text(encoding="utf-8")
    assert "font-family: Vollkorn" in css and "Lato-" not in css and "--navy: #1f4d3a" in css
    named = set(re.findall(r"url\((fonts/[^)]+)\)", css))
    copied = {p.relative_to(site).as_posix() for p in (site / "fonts").rglob("*.ttf")}
    assert copied == named and len(named) == 3, (copied, named)
    licence = (site / "fonts" / "OFL.txt").read_text(encoding="utf-8")
    assert "Vollkorn" in licence
    html = (site / "index.html").read_text(encoding="utf-8")
    assert 'href="fonts/OFL.txt"' in html and "<svg" not in html        # no map
    assert Page(html).headings[0] == 1


@needs_browser
def test_the_web_edition_in_a_browser(built, tmp_path):
    served = tmp_path / "copy" / "web"
    shutil.copytree(built["dir"] / "web", served)
    report, code = in_browser(served, ("index.html", "en/index.html"), "--widths", "1280,375")
    assert report["results"]
    for r in report["results"]:
        where = f"{r['page']} at {r['width']} px"
        assert not r["violations"], f"{where}: {r['violations']}"
        assert not r["failed"] and not r["outside"] and not r["errors"], (where, r["failed"])
        assert r["scrollWidth"] <= r["innerWidth"], f"{where}: scrolls sideways"
        assert r["passes"] > 10 and any("Vollkorn" in f for f in r["fonts"]), (where, r["fonts"])
    assert code == 0
