"""The page plan on small typeset documents (brochure/typeset/plan.py): sections measured by their
own pages, tolerances tried before pages are added, floats, month labels repeated on the next
page, and the print layout that keeps spreads."""
import pytest

from brochure.typeset import pdf as typeset
from brochure.typeset import plan

PAGE = ("<style>@page { size: A6; margin: 10mm } body { font: 10pt/14pt serif; margin: 0 }"
        " section { break-before: page } p { margin: 0 0 14pt } h3 { margin: 0; break-after: avoid }"
        " .float { break-inside: avoid } tr { break-inside: avoid }"
        " .section[data-fit~='tighten'] p { margin: 0 }"
        " .section[data-fit~='smaller'] p { font-size: 8pt; line-height: 10pt }"
        " tr.continued { display: none } tr.continued, tr.first { break-after: avoid }"
        " .duplex .section[data-start='left'] { break-before: left }</style>")
LINE = "<p>Zdanie o mieście.</p>"          # one line, 28 pt with its margin


def doc(*sections, body_class="") -> str:
    """A document of sections: (id, inner HTML) each."""
    parts = "".join(f'<section class="section" id="{sid}" data-fit=""{extra}>{inner}</section>'
                    for sid, inner, *rest in sections for extra in [rest[0] if rest else ""])
    return (f"<html lang='pl'><head>{PAGE}</head><body class=\"{body_class}\">{parts}"
            f"</body></html>")


class Layouts:
    """lay_out(html) for the plan, counting its layouts."""

    def __init__(self):
        self.count = 0

    def __call__(self, html):
        self.count += 1
        return typeset.lay_out(html)


def planned(*pairs, start=None):
    return [plan.Planned(sid, f"content/pl/{sid}.md", pages, start) for sid, pages in pairs]


def test_a_section_is_measured_by_its_own_pages_not_by_where_it_starts():
    html = doc(("a", LINE * 20), ("b", LINE * 2))            # a: two pages, b: one
    laid = typeset.lay_out(html)
    found = plan.place(laid, planned(("a", 1), ("b", 1)))
    a, b = found.placed
    assert (a.first, a.pages, a.over) == (1, 2, 1)
    assert (b.first, b.pages, b.over) == (3, 1, 0)            # moved on, never blamed
    assert 0 < b.fill < 0.3 and a.fill > 0


def test_every_section_that_fits_costs_one_layout():
    layouts = Layouts()
    _, found = plan.fit_sections(layouts, doc(("a", LINE * 3)), planned(("a", 1)),
                                 ("tighten", "smaller"))
    assert layouts.count == 1 and found.placed[0].fit == () and found.placed[0].tried == ()


def test_the_shortest_run_of_tolerances_that_fits_is_taken():
    # 16 lines with margins: 2 pages; without the margins (tighten): one page
    layouts = Layouts()
    laid, found = plan.fit_sections(layouts, doc(("a", LINE * 16), ("b", LINE)),
                                    planned(("a", 1), ("b", 1)), ("tighten", "smaller"))
    a, b = found.placed
    assert (a.pages, a.fit, b.fit) == (1, ("tighten",), ())
    assert len(laid.pages) == 2
    assert layouts.count == 3          # as written, all tolerances, the first one alone


def test_a_section_no_tolerance_fits_keeps_its_look_and_runs_over():
    layouts = Layouts()
    laid, found = plan.fit_sections(layouts, doc(("a", LINE * 60)), planned(("a", 1)),
                                    ("tighten", "smaller"))
    (a,) = found.placed
    assert a.fit == () and a.over >= 1 and a.tried == ("tighten", "smaller")
    assert layouts.count == 2          # as written, and all tolerances together: no more
    assert 'data-fit=""' in plan.with_fits(doc(("a", "")), {})


def month(key, n):
    rows = "".join(
        (f'<tr class="continued" data-cont="{key}-{i}"><th>Lipiec (cd.)</th></tr>' if i else "")
        + f'<tr data-row="{key}-{i}"{" class=first" if i == 0 else ""}><td>spotkanie {i}</td></tr>'
        for i in range(n))
    return f'<tbody><tr class="month"><th>Lipiec</th></tr>{rows}</tbody>'


def test_a_month_continued_on_the_next_page_repeats_its_label_there():
    html = doc(("a", LINE * 6 + f"<table>{month('m1', 12)}</table>"))
    laid = typeset.lay_out(html)
    assert plan.continued_rows(laid)                       # the month breaks
    layouts = Layouts()
    laid, _ = plan.label_continuations(layouts, html, laid, plan.place(laid, planned(("a", 2))))
    assert layouts.count == 1
    second = laid.pages[1]
    first_row = next(box.element for box in walk(second)
                     if type(box).__name__ == "TableRowBox")
    assert first_row.get("data-cont"), first_row.attrib    # the label opens the page
    assert "Lipiec (cd.)" in text(second)
    assert "Lipiec (cd.)" not in text(laid.pages[0])


def test_a_float_that_left_a_gap_is_set_after_the_text_that_fills_it():
    table = '<div class="float" data-block="float" style="height: 110mm">tabela</div>'
    inner = (LINE.replace("<p>", '<p data-block="text">') * 3 + '<h3 data-block="heading">Tabela</h3>'
             + table + LINE.replace("<p>", '<p data-block="text">') * 4)
    html = doc(("a", f'<div class="prose">{inner}</div>'))
    laid = typeset.lay_out(html)
    before = plan.place(laid, planned(("a", 2)))
    assert before.placed[0].pages == 3 and "Tabela" in text(laid.pages[1])
    moved, laid, after = plan.fill_gaps(typeset.lay_out, html, laid, before)
    assert moved.index("Zdanie") < moved.index("Tabela")
    assert moved.count("Zdanie") == 7 and moved.count("tabela") == 1     # nothing lost
    assert after.placed[0].pages == 2
    page_one = text(laid.pages[0])
    assert page_one.count("Zdanie") > 3 and "Tabela" not in page_one   # the gap is filled


def test_a_float_never_comes_between_a_sentence_ending_in_a_colon_and_its_list():
    para = '<p data-block="text">Zdanie o mieście.</p>'
    table = '<div class="float" data-block="float" style="height: 90mm">tabela</div>'
    lead_in = '<p data-block="text">' + "Wiersz<br>" * 14 + "Podejście objęło:</p>"
    items = '<ul data-block="text"><li>punkt listy</li><li>punkt drugi</li></ul>'
    inner = (para * 5 + '<h3 data-block="heading">Tabela</h3>' + table + para + lead_in + items
             + para * 2)
    html = doc(("a", f'<div class="prose">{inner}</div>'))
    laid = typeset.lay_out(html)
    before = plan.place(laid, planned(("a", 3)))
    assert "Tabela" in text(laid.pages[1]) and "Tabela" not in text(laid.pages[0])
    moved, laid, after = plan.fill_gaps(typeset.lay_out, html, laid, before)
    assert moved.index("Zdanie") < moved.index("Tabela")                              # it moved
    lead, table, item = (moved.index(w) for w in ("Podejście", "Tabela", "punkt listy"))
    assert not lead < table < item                      # never between the lead-in and its list
    assert moved.count("tabela") == 1 and moved.count("punkt") == 2                  # nothing lost
    assert after.placed[0].pages <= before.placed[0].pages


def _lead_in_case(paras_after):
    para = '<p data-block="text">Zdanie o mieście.</p>'
    table = '<div class="float" data-block="float" style="height: 80mm">tabela</div>'
    lead_in = '<p data-block="text">Wiersz<br>Wiersz<br>Podejście objęło:</p>'
    items = '<ul data-block="text">' + "<li>punkt listy</li>" * 14 + '</ul>'
    inner = (para * 10 + '<h3 data-block="heading">Tabela</h3>' + table + para * 2 + lead_in + items
             + para * paras_after)
    return doc(("a", f'<div class="prose">{inner}</div>'))


def test_a_lead_in_whose_list_is_more_than_the_gap_stays_with_its_list_after_the_float():
    """The text before it fills the gap; the lead-in and its list follow the float, which is
    then set between the text it was written after and the sentence that introduces the list."""
    html = _lead_in_case(0)
    laid = typeset.lay_out(html)
    before = plan.place(laid, planned(("a", 3)))
    moved, laid, after = plan.fill_gaps(typeset.lay_out, html, laid, before)
    assert moved.count("Zdanie") == 12 and moved.rindex("Zdanie") < moved.index("Tabela")
    assert moved.index("Tabela") < moved.index("Podejście") < moved.index("punkt listy")
    assert after.placed[0].pages <= before.placed[0].pages


def test_when_leaving_the_lead_in_behind_runs_over_the_lead_in_and_its_list_move_too():
    """Planned on two pages, the section runs over either way: the move that leaves the
    lead-in behind is tried first, then the one that takes the lead-in and its list along."""
    html = _lead_in_case(0)
    laid = typeset.lay_out(html)
    before = plan.place(laid, planned(("a", 2)))
    moves = [m for p in before.placed for m in plan._gaps(laid, p)]
    assert moves and moves[0].whole is not None                    # the case is the one meant
    layouts = Layouts()
    moved, laid, after = plan.fill_gaps(layouts, html, laid, before)
    assert layouts.count >= 2                                       # the second move was tried
    assert moved.index("Podejście") < moved.index("punkt listy") < moved.index("Tabela")


def test_print_keeps_a_spread_on_a_left_hand_page_with_a_notes_page_before_it():
    html = doc(("a", LINE * 20), ("b", LINE * 20, ' data-start="left"'))
    laid = typeset.lay_out(html)
    screen = plan.place(laid, [plan.Planned("a", "a.md", 2), plan.Planned("b", "b.md", 2, "left")])
    assert screen.placed[1].first == 3 and not screen.sides_kept()
    printed, found = plan.printed(typeset.lay_out, html, screen)
    assert found.placed[1].first == 4 and found.sides_kept() and found.blank == [3]
    assert len(printed.pages) == 5 and len(laid.pages) == 4


def walk(page):
    from brochure.typeset import adapters, lint
    return lint.walk(adapters.page_box(page))


def text(page) -> str:
    return " ".join(getattr(box, "text", "") for box in walk(page))


# --- a quick proof (watch): one changed section set into the last layout ----------------------

NUMBERED = "<style>@page { @bottom-center { content: counter(page) } } a.ref::after " \
           "{ content: target-counter(attr(href), page) }</style>"
CONTENTS = '<p>B: <a class="ref" href="#b"></a>, C: <a class="ref" href="#c"></a></p>'
B_LINE = "<p>Zdanie o gminie.</p>"


def numbered(*sections) -> str:
    return doc(*sections).replace("</head>", NUMBERED + "</head>", 1)


def page_texts(pdf: bytes) -> list:
    import io

    from pypdf import PdfReader
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


@pytest.mark.parametrize("old, new, page", [("o gminie", "o powiecie", 2),
                                            ("o mieście", "o powiecie", 1)], ids=["b", "a"])
def test_one_changed_section_is_set_into_the_last_layout_as_a_whole_layout_sets_it(old, new,
                                                                                   page):
    """b: its own pages and numbers; a: its contents find the pages of b and c, which are
    held empty in its layout."""
    sections = planned(("a", 1), ("b", 3), ("c", 1))
    before = numbered(("a", CONTENTS + LINE), ("b", B_LINE + LINE * 40), ("c", LINE * 3))
    after = before.replace(old, new, 1)
    output = typeset.Output(typeset.PRINT, "test")
    last = typeset.LaidOut(before, planned=sections)
    last.plan()
    spliced = typeset.spliced(last, after, output)
    whole = typeset.LaidOut(after, planned=sections).write(output)
    assert spliced is not None and spliced.pages == whole.pages == 6
    texts = page_texts(spliced.pdf)
    assert texts == page_texts(whole.pdf)
    assert "o powiecie" in texts[page - 1] and texts[page - 1].rstrip().endswith(str(page))
    assert "B: 2, C: 6" in texts[0]


def test_no_quick_proof_when_more_than_one_section_changed_or_the_pages_moved():
    sections = planned(("a", 1), ("b", 3), ("c", 1))
    before = numbered(("a", CONTENTS + LINE), ("b", B_LINE + LINE * 40), ("c", LINE * 3))
    last = typeset.LaidOut(before, planned=sections)
    last.plan()
    output = typeset.Output(typeset.PRINT, "test")
    for after in (before.replace("o gminie", "o powiecie").replace(
                      LINE * 3 + "</section>", LINE * 2 + "</section>"),          # b and c
                  before.replace(B_LINE, B_LINE * 30),                  # b takes a page more
                  before.replace("<body", "<body data-x=\"\"", 1)):      # outside the sections
        assert after != before
        assert typeset.spliced(last, after, output) is None


def test_the_other_sections_are_held_as_empty_pages_with_their_ids():
    sections = planned(("a", 1), ("b", 1))
    html = doc(("a", '<p id="inner">x</p>' + LINE * 30), ("b", LINE))

    class Page:
        def __init__(self, anchors):
            self.anchors = anchors

    class Document:
        pages = [Page({"a": None}), Page({"a": None, "inner": None}), Page({"b": None})]

    last = plan.Plan([plan.Placed(sections[0], 1, 2, 1.0), plan.Placed(sections[1], 3, 1, 0.1)], 3)
    reduced = plan.alone(html, sections, "b", Document(), last)
    assert LINE * 30 not in reduced and '<section class="section" id="b"' in reduced
    assert reduced.count('class="page-held"') == 2
    held = '<div class="page-held" style="break-before: page">'
    assert f'{held}<div id="a"></div></div>{held}<div id="a"></div><div id="inner"></div></div>' \
        in reduced
