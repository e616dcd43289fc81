"""Layout lint: what only a typeset pass can show (page budgets, overflow, stranded headings,
split tables, ladders of hyphens). Reads WeasyPrint's laid-out boxes; never typesets itself."""
from __future__ import annotations

from dataclasses import dataclass

from . import adapters
from ..diagnostics import ERROR, WARNING, Diagnostic

HEADINGS = ("h2", "h3", "h4")
HYPHENS = ("\u2010", "-", "\u00ad")
MAX_HYPHEN_RUN = 2       # hyphenated line ends in a row
TARGET_FILL = 0.80       # how far down its text block an inner page's content must reach
MEASURE = (55, 75)       # characters a line of body text
FULL_PAGES = ("cover", "back-cover", "divider")   # pages without a text block
BACK_COVER = "back-cover"   # the id of the back cover, which ends the last section
TOLERANCE = 0.5          # px of overflow ignored (rounding)


@dataclass
class Section:
    id: str                # element id, e.g. "pl-03-siec-cyfrowa"
    file: str              # the Markdown file, for messages
    budget: int | None     # pages allowed


def lint(document, sections, lang, a5=False) -> list:
    """The Diagnostics of one typeset language edition. a5: the A5 edition, which has no
    section budgets: a section that runs over two pages or more is judged."""
    pages = [_content(adapters.page_box(page)) for page in document.pages]
    anchors: dict[str, int] = {}      # anchor name -> first page showing it
    for number, page in enumerate(document.pages, start=1):
        for anchor in page.anchors:
            anchors.setdefault(anchor, number)
    findings = _budgets(sections, anchors, pages)
    owner = _section_of_page(sections, anchors, len(pages))
    for number, page in enumerate(pages, start=1):
        where = owner.get(number)
        if where is None:
            continue
        findings += [Diagnostic(where.file, 1, WARNING, f"{m} (page {number}, {lang})")
                     for m in _page_problems(page)]
    if not a5:              # on A5 the long tables run on, their heads repeated: by design
        findings += _split_tables(pages, owner, lang)
    # A section that takes all the pages its budget gives it is a designed page or spread: each
    # of its pages should be full. (A shorter section, such as a test fixture's, is not judged.)
    used = {s.id: sum(1 for o in owner.values() if o is s) for s in sections}
    planned = {s.id for s in sections
               if (used[s.id] >= 2 if a5 else s.budget and used[s.id] == s.budget)}
    for figures in page_figures(document):
        where = owner.get(figures.number)
        if where is not None and where.id in planned:
            findings += [Diagnostic(where.file, 1, WARNING, f"{m} (page {figures.number}, {lang})")
                         for m in figures.problems()]
    return findings


def a5_plan(document, sections, edition) -> list:
    """The A5 edition, a booklet: its page count in fours, then its pages as lint does."""
    found = []
    count = len(document.pages)
    if count % 4:
        last = sections[-1].file if sections else edition
        found.append(Diagnostic(last, 1, WARNING,
                                f"the A5 edition has {count} pages, not a multiple of 4 (the "
                                f"booklet is folded from sheets of four pages); shorten the "
                                f"text or move some ({edition})"))
    return found + lint(document, sections, edition, a5=True)


@dataclass
class PageFigures:
    """What a designer measures on a page: how far down the content reaches, the measure of the
    body text, the longest run of hyphenated line ends."""
    number: int
    fill: float | None           # None: a cover, a divider or the back cover
    measure: tuple | None        # (mean, shortest, longest) characters a line, or None
    hyphen_run: int

    def problems(self) -> list:
        found = []
        if self.fill is not None and self.fill < TARGET_FILL:
            found.append(f"the content reaches {self.fill:.0%} of the text block "
                         f"(target {TARGET_FILL:.0%}); add content or move some from a full page")
        if self.measure and not MEASURE[0] <= self.measure[0] <= MEASURE[1]:
            found.append(f"body text has {self.measure[0]:.0f} characters a line "
                         f"(target {MEASURE[0]}–{MEASURE[1]})")
        return found

    def summary(self) -> str:
        fill = "full-page design" if self.fill is None else f"filled {self.fill:.0%}"
        measure = (f", {self.measure[0]:.0f} characters a line ({self.measure[1]}–"
                   f"{self.measure[2]})" if self.measure else "")
        return f"page {self.number}: {fill}{measure}, longest hyphen run {self.hyphen_run}"


def page_figures(document) -> list:
    figures = []
    for number, page in enumerate(document.pages, start=1):
        box = adapters.page_box(page)
        content = _content(box)
        full = any(_classes(b) & set(FULL_PAGES) for b in _walk(content))
        fill = None if full else _fill(box, content)
        figures.append(PageFigures(number, fill, _measure(content), _longest_hyphen_run(content)))
    return figures


def _classes(box) -> set:
    element = getattr(box, "element", None)
    return set((element.get("class") or "").split()) if element is not None else set()


def _fill(page_box, content) -> float:
    top, height = page_box.content_box_y(), page_box.height
    bottom = max((b.position_y + b.margin_height() for b in _walk(content)
                  if type(b).__name__ in ("LineBox", "BlockReplacedBox", "InlineReplacedBox",
                                          "TableRowBox")), default=top)
    return max(0.0, min(1.0, (bottom - top) / height))


def _measure(content):
    """Characters a line in the body paragraphs of the main column (last lines left out)."""
    body_size = content.style["font_size"]
    counts = []
    for box, inside in _walk_inside(content, False):
        if not inside or box.element_tag != "p" or abs(box.style["font_size"] - body_size) > 0.1:
            continue
        lines = [c for c in box.children if type(c).__name__ == "LineBox"]
        counts += [len(_line_text(line).strip()) for line in lines[:-1]]
    if not counts:
        return None
    return (sum(counts) / len(counts), min(counts), max(counts))


def _walk_inside(box, inside):
    """(box, whether it lies in the main column's own flow: inside .prose, not in a box)."""
    classes = _classes(box)
    if "prose" in classes:
        inside = True
    elif classes & {"admonition", "full", "mid", "imprint"}:
        inside = False
    yield box, inside
    for child in getattr(box, "children", ()):
        yield from _walk_inside(child, inside)


def _section_of_page(sections, anchors, last_page) -> dict:
    starts = sorted((anchors[s.id], s) for s in sections if s.id in anchors)
    owner = {}
    for i, (start, section) in enumerate(starts):
        end = starts[i + 1][0] if i + 1 < len(starts) else anchors.get(BACK_COVER, last_page + 1)
        for number in range(start, end):
            owner[number] = section
    return owner


def over_budget(sections, anchors, page_count) -> list:
    """(section, pages used) for each section that takes more pages than its budget."""
    owner = _section_of_page(sections, anchors, page_count)
    found = []
    for section in sections:
        used = sorted(n for n, s in owner.items() if s is section)
        if section.budget is not None and len(used) > section.budget:
            found.append((section, used))
    return found


def budget_message(section, used, lines=None) -> Diagnostic:
    extra = len(used) - section.budget
    about = f" (about {lines} lines)" if lines is not None else ""
    return Diagnostic(section.file, 1, ERROR,
                      f"the section takes {len(used)} pages, its budget is {section.budget}: "
                      f"{extra} page(s) over{about}; shorten the text or raise 'pages' in "
                      f"{section.file.split('/')[0]}/publication.yaml")


def _budgets(sections, anchors, pages) -> list:
    return [budget_message(section, used,
                           sum(_count_lines(pages[n - 1]) for n in used[section.budget:]))
            for section, used in over_budget(sections, anchors, len(pages))]


def _page_problems(page) -> list:
    problems = []
    for parent, box in _walk_pairs(page):
        if type(box).__name__ == "LineBox" and _overflows(box, parent):
            text = _line_text(box).strip()[:40]
            problems.append(f"text overflows its box: \"{text}\"")
    last = _last_block(page)
    if last is not None and last.element_tag in HEADINGS:
        problems.append(f"heading \"{_text(last).strip()[:50]}\" is alone at the page "
                        f"bottom")
    run = _longest_hyphen_run(page)
    if run > MAX_HYPHEN_RUN:
        problems.append(f"{run} hyphenated line ends in a row (more than "
                        f"{MAX_HYPHEN_RUN})")
    return problems


def _split_tables(pages, owner, lang) -> list:
    seen: dict[int, tuple[object, list[int]]] = {}   # id(table element) -> (it, its pages)
    for number, page in enumerate(pages, start=1):
        for box in _walk(page):
            if box.element_tag == "table" and type(box).__name__ == "TableBox":
                seen.setdefault(id(box.element), (box.element, []))[1].append(number)
    findings = []
    for _element, numbers in seen.values():
        if len(set(numbers)) > 1 and owner.get(numbers[0]):
            findings.append(Diagnostic(owner[numbers[0]].file, 1, WARNING,
                                       f"a table is cut across pages {numbers[0]}–{numbers[-1]} "
                                       f"({lang})"))
    return findings


def _content(page_box):
    """The page's laid-out document, without its margin boxes (running footers)."""
    return next(b for b in page_box.children if getattr(b, "element_tag", None) == "html")


def _walk_pairs(box, parent=None):
    """(parent, box) for every box below box, depth first."""
    yield parent, box
    for child in getattr(box, "children", ()):
        yield from _walk_pairs(child, box)


def _walk(box):
    yield box
    for child in getattr(box, "children", ()):
        yield from _walk(child)


def _overflows(line, block) -> bool:
    """A line whose content reaches past the content width of its block."""
    right = block.content_box_x() + block.width
    for child in getattr(line, "children", ()):
        if child.position_x + child.margin_width() > right + TOLERANCE:
            return True
    return False


def _line_text(box) -> str:
    return "".join(getattr(b, "text", "") for b in _walk(box))


_text = _line_text


def _last_block(page):
    """The last line of text or picture on the page (a line's element_tag is its block's)."""
    last = None
    for box in _walk(page):
        if type(box).__name__ in ("LineBox", "BlockReplacedBox", "InlineReplacedBox"):
            last = box
    return last


def _longest_hyphen_run(page) -> int:
    longest = 0
    for box in _walk(page):
        lines = [c for c in getattr(box, "children", ()) if type(c).__name__ == "LineBox"]
        run = 0
        for line in lines:
            run = run + 1 if _line_text(line).rstrip().endswith(HYPHENS) else 0
            longest = max(longest, run)
    return longest


def _count_lines(page) -> int:
    return sum(1 for box in _walk(page) if type(box).__name__ == "LineBox")
