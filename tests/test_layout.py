"""Layout lint on small typeset documents: each problem is found, and a clean page gives none."""
import shutil
from pathlib import Path


from brochure.commands import check
from brochure.typeset import lint as layout
from brochure.typeset import pdf as typeset

PAGE = "<style>@page { size: A6; margin: 10mm } body { font: 10pt/1.3 serif }</style>"
SECTION = [layout.Section("s1", "content/pl/01-x.md", 1)]


def lint(body: str, sections=SECTION) -> list:
    """The findings as printed (each a Diagnostic at the section's file)."""
    html = f"<html lang='pl'><head>{PAGE}</head><body><section id='s1'>{body}</section></body></html>"
    findings = layout.lint(typeset.lay_out(html), sections, "pl")
    assert all(f.file == "content/pl/01-x.md" and f.line == 1 for f in findings), findings
    return [str(f) for f in findings]


FULL = "<style>p { margin: 0 }</style><h2>Tytuł</h2>" + "<p>Zdanie o mieście i sieci.</p>" * 23


def test_clean_page_has_no_findings():
    assert lint(FULL) == []


def test_a_planned_page_that_is_not_full_is_reported_with_its_fill():
    findings = lint("<h2>Tytuł</h2><p>Krótki tekst.</p>")
    assert len(findings) == 1, findings
    assert findings[0].startswith("content/pl/01-x.md:1: warning: the content reaches ")
    fill = int(findings[0].split("reaches ")[1].split("%")[0])
    assert 5 < fill < 30, findings
    # a section shorter than its budget is not a designed page: not judged
    assert lint("<h2>Tytuł</h2><p>Krótki tekst.</p>",
                [layout.Section("s1", "content/pl/01-x.md", 2)]) == []


def test_page_figures_measure_the_fill_and_the_lines():
    figures = layout.page_figures(typeset.lay_out(
        f"<html lang='pl'><head>{PAGE}</head><body><section id='s1'>{FULL}</section></body></html>"))
    assert len(figures) == 1 and 0.8 <= figures[0].fill <= 1.0, figures


def test_section_over_budget_is_an_error_with_pages_and_lines():
    findings = lint("<h2>Tytuł</h2>" + "<p>Zdanie o mieście i sieci. </p>" * 60)
    budget = [f for f in findings if "budget" in f]
    assert len(budget) == 1
    assert budget[0].startswith("content/pl/01-x.md:1: error: the section takes ")
    assert "its budget is 1" in budget[0] and "page(s) over (about" in budget[0]


def test_heading_alone_at_page_bottom():
    # WeasyPrint keeps a heading with what follows unless told otherwise: told here, so that
    # the heading lands at the page bottom as it can where a following block cannot move
    filler = "<p>Wiersz tekstu.</p>" * 14
    findings = lint("<style>h3 { break-after: auto; margin: 0 }</style>" + filler
                    + "<h3>Osierocony nagłówek</h3>" + "<p>Dalszy tekst.</p>" * 3,
                    [layout.Section("s1", "content/pl/01-x.md", None)])
    assert any('heading "Osierocony nagłówek" is alone at the page bottom' in f
               for f in findings), findings


def test_table_cut_across_pages():
    rows = "".join(f"<tr><td>wiersz {i}</td></tr>" for i in range(60))
    findings = lint(f"<table>{rows}</table>", [layout.Section("s1", "content/pl/01-x.md", None)])
    assert any("a table is cut across pages 1–" in f for f in findings), findings


def test_text_overflowing_its_box():
    findings = lint("<div style='width: 15mm'><p style='hyphens: none'>"
                    "Konstantynopolitańczykowianeczka</p></div>")
    assert any('text overflows its box: "Konstantynopolitańczykowianeczka"' in f
               for f in findings), findings


def test_ladder_of_hyphens():
    words = " ".join(["konstantynopolitańczykowianeczka"] * 3)
    findings = lint(f"<p style='width: 13mm; hyphens: auto'>{words}</p>",
                    [layout.Section("s1", "content/pl/01-x.md", None)])
    assert any("hyphenated line ends in a row" in f for f in findings), findings


def test_check_reports_an_overlong_section(tmp_path):
    """Through the check command: the mini fixture with a section far over its budget."""
    root = tmp_path / "content"
    shutil.copytree(Path(__file__).parent / "fixtures" / "mini", root)
    md = root / "pl" / "01-wstep.md"
    md.write_text(md.read_text(encoding="utf-8") + ("\nDługi akapit o miastach. " * 1500),
                  encoding="utf-8")
    findings = check.layout_lint(__import__("brochure.content", fromlist=["load"]).load(root))
    over = [str(f) for f in findings if "budget" in f.message]
    assert over and over[0].startswith("content/pl/01-wstep.md:1: error: the section takes")


def test_the_a5_plan_counts_pages_in_fours_and_judges_sections_of_two_pages_or_more():
    """On A5 there are no section budgets: a section that runs over two pages or more is judged
    (its short last page is reported), and the page count must come in fours."""
    body = FULL + "<p>Zdanie o mieście i sieci.</p>" * 5          # a page and five lines
    document = typeset.lay_out(f"<html lang='pl'><head>{PAGE}</head><body><section id='s1'>"
                               f"{body}</section></body></html>")
    assert len(document.pages) == 2
    unbudgeted = [layout.Section("s1", "content/pl/01-x.md", None)]
    assert layout.lint(document, unbudgeted, "pl") == []          # A4: not a planned page
    findings = [str(f) for f in layout.a5_plan(document, unbudgeted, "pl-a5")]
    assert findings[0] == ("content/pl/01-x.md:1: warning: the A5 edition has 2 pages, not a "
                           "multiple of 4 (the booklet is folded from sheets of four pages); "
                           "shorten the text or move some (pl-a5)"), findings
    short = [f for f in findings if " the content reaches " in f]
    assert len(short) == 1 and short[0].endswith("(page 2, pl-a5)"), findings
    # one page of A5: a short section, not judged
    one = typeset.lay_out(f"<html lang='pl'><head>{PAGE}</head><body><section id='s1'>"
                          "<h2>Tytuł</h2><p>Krótki tekst.</p></section></body></html>")
    assert [f for f in layout.a5_plan(one, unbudgeted, "pl-a5") if "reaches" in f.message] == []


def test_check_reports_the_a5_editions_too(tmp_path):
    """Through the check command: the figures of every page of the A5 editions, and a warning
    when a section grows so that the A5 booklet no longer comes in fours."""
    root = tmp_path / "content"
    shutil.copytree(Path(__file__).parent / "fixtures" / "mini", root)
    findings = [str(f) for f in
                check.layout_lint(__import__("brochure.content", fromlist=["load"]).load(root))]
    for lang in ("pl", "en"):
        pages = [f for f in findings if f.startswith("a5/") and f"-{lang}-a5.pdf:" in f
                 and ": info: page " in f]
        assert pages, findings
    assert not [f for f in findings if "A5 edition has" in f], findings    # 4 pages: in fours
    md = root / "pl" / "01-wstep.md"
    md.write_text(md.read_text(encoding="utf-8") + ("\nDługi akapit o miastach. " * 120),
                  encoding="utf-8")
    findings = [str(f) for f in
                check.layout_lint(__import__("brochure.content", fromlist=["load"]).load(root))]
    assert any("the A5 edition has" in f and "(pl-a5)" in f for f in findings), \
        [f for f in findings if "a5" in f]
