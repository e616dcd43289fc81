"""Layout lint on small typeset documents: each problem is found, and a clean page gives none."""
import shutil
from pathlib import Path


from brochure.commands import check
from brochure.typeset import lint as layout
from brochure.typeset import pdf as typeset
from brochure.typeset import plan

PAGE = "<style>@page { size: A6; margin: 10mm } body { font: 10pt/1.3 serif }</style>"
SECTION = [plan.Planned("s1", "content/pl/01-x.md", 1)]


def lint(body: str, sections=SECTION) -> list:
    """The findings as printed (each a Diagnostic at the section's file)."""
    html = f"<html lang='pl'><head>{PAGE}</head><body><section id='s1'>{body}</section></body></html>"
    document = typeset.lay_out(html)
    findings = layout.lint(document, plan.place(document, sections), "pim-pl.pdf")
    assert all(f.file == "content/pl/01-x.md" and f.line is None for f in findings), findings
    return [str(f) for f in findings]


FULL = "<style>p { margin: 0 }</style><h2>Tytuł</h2>" + "<p>Zdanie o mieście i sieci.</p>" * 23


def test_clean_page_has_no_findings():
    assert lint(FULL) == []


def test_a_planned_page_that_is_not_full_is_reported_with_its_fill():
    findings = lint("<h2>Tytuł</h2><p>Krótki tekst.</p>")
    assert len(findings) == 1, findings
    assert findings[0].startswith("content/pl/01-x.md: info: the content reaches ")
    fill = int(findings[0].split("reaches ")[1].split("%")[0])
    assert 5 < fill < 30, findings
    # a section without a plan is not judged
    assert lint("<h2>Tytuł</h2><p>Krótki tekst.</p>",
                [plan.Planned("s1", "content/pl/01-x.md", None)]) == []


def test_page_figures_measure_the_fill_and_the_lines():
    figures = layout.page_figures(typeset.lay_out(
        f"<html lang='pl'><head>{PAGE}</head><body><section id='s1'>{FULL}</section></body></html>"))
    assert len(figures) == 1 and 0.8 <= figures[0].fill <= 1.0, figures


def test_heading_alone_at_page_bottom():
    # WeasyPrint keeps a heading with what follows unless told otherwise: told here, so that
    # the heading lands at the page bottom as it can where a following block cannot move
    filler = "<p>Wiersz tekstu.</p>" * 14
    findings = lint("<style>h3 { break-after: auto; margin: 0 }</style>" + filler
                    + "<h3>Osierocony nagłówek</h3>" + "<p>Dalszy tekst.</p>" * 3,
                    [plan.Planned("s1", "content/pl/01-x.md", None)])
    assert any('heading "Osierocony nagłówek" is alone at the page bottom' in f
               for f in findings), findings


def test_table_cut_across_pages():
    """A short table (12 rows or fewer) is kept whole by the design: cut, it is reported; a
    longer one may continue."""
    style = "<style>tr { break-inside: avoid } td { padding: 3mm }</style>"
    short = "".join(f"<tr><td>wiersz {i}</td></tr>" for i in range(12))
    findings = lint(f"{style}<p style='height: 80mm'>x</p><table>{short}</table>",
                    [plan.Planned("s1", "content/pl/01-x.md", None)])
    assert any("a table of 12 rows is cut across pages 1–2" in f for f in findings), findings
    long = "".join(f"<tr><td>wiersz {i}</td></tr>" for i in range(60))
    findings = lint(f"<table>{long}</table>", [plan.Planned("s1", "content/pl/01-x.md", None)])
    assert not any("is cut across" in f for f in findings), findings


def test_text_overflowing_its_box():
    findings = lint("<div style='width: 15mm'><p style='hyphens: none'>"
                    "Konstantynopolitańczykowianeczka</p></div>")
    assert any('text overflows its box: "Konstantynopolitańczykowianeczka"' in f
               for f in findings), findings


def test_ladder_of_hyphens():
    words = " ".join(["konstantynopolitańczykowianeczka"] * 3)
    findings = lint(f"<p style='width: 13mm; hyphens: auto'>{words}</p>",
                    [plan.Planned("s1", "content/pl/01-x.md", None)])
    assert any("hyphenated line ends in a row" in f for f in findings), findings


def test_check_shows_the_plan_and_an_overlong_section(tmp_path):
    """Through the check command: a line per section and edition, and the mini fixture with a
    section far over its plan a warning with its pages, not an error."""
    root = tmp_path / "content"
    shutil.copytree(Path(__file__).parent / "fixtures" / "mini", root)
    load = __import__("brochure.content", fromlist=["load"]).load
    lines = [str(f) for f in check.layout_lint(load(root))]
    assert any(f.startswith("content/pl/01-wstep.md: info: pim-pl.pdf (A4): 2 planned, 1 "
                            "taken (page 2), its last page ") for f in lines), lines
    assert any(f.startswith("content/en/01-wstep.md: info: a5/pim-en-a5.pdf (A5): ")
               for f in lines), lines
    md = root / "pl" / "01-wstep.md"
    md.write_text(md.read_text(encoding="utf-8") + ("\nDługi akapit o miastach. " * 1500),
                  encoding="utf-8")
    over = [str(f) for f in check.layout_lint(load(root)) if "over" in f.message]
    assert over and over[0].startswith("content/pl/01-wstep.md: warning: pim-pl.pdf "
                                       "(A4): 2 planned, "), over
    assert "over: the tolerances tighten, side-column, continue did not fit it" in over[0]
