"""Layout lint: what only a typeset pass can show (overflowing text, stranded headings, short
tables cut across pages, ladders of hyphens, pages short of the plan's fill). Reads WeasyPrint's
laid-out boxes; never typesets itself. The pages a section owns come from its page plan
(plan.py): every finding is at that section's Markdown file."""
from __future__ import annotations

from dataclasses import dataclass

from . import adapters
from ..diagnostics import INFO, PLAN_UNDERFILL, WARNING, Diagnostic

HEADINGS = ("h2", "h3", "h4")
HYPHENS = ("\u2010", "-", "\u00ad")
MAX_HYPHEN_RUN = 2       # hyphenated line ends in a row
TARGET_FILL = 0.80       # how far down its text block a planned page's content must reach
MEASURE = (55, 75)       # characters a line of body text
FULL_PAGES = ("cover", "back-cover", "divider")   # pages without a text block
TOLERANCE = 0.5          # px of overflow ignored (rounding)
SHORT_TABLE = 12         # rows of a table that is never split (a longer one continues)


def lint(document, plan, where: str) -> list:
    """The Diagnostics of one laid-out edition (`where`: its name in messages), each at the
    file of the section that owns the page. A planned section's pages should each be full
    (short ones are reported as the plan's, an error only with --final)."""
    pages = [_content(adapters.page_box(page)) for page in document.pages]
    owner = {number: placed for placed in plan.placed
             for number in range(placed.first, placed.first + placed.pages)}
    findings = []
    for number, page in enumerate(pages, start=1):
        if number in owner:
            findings += [Diagnostic(owner[number].planned.file, None, WARNING,
                                    f"{m} (page {number}, {where})") for m in _page_problems(page)]
    findings += _split_tables(pages, owner, where)
    for figures in page_figures(document):
        placed = owner.get(figures.number)
        if placed is None or not placed.planned.pages:
            continue
        findings += [Diagnostic(placed.planned.file, None,
                                INFO if "reaches" in m else WARNING, f"{m} (page {figures.number}, "
                                f"{where})", PLAN_UNDERFILL if "reaches" in m else None)
                     for m in figures.problems()]
    return findings


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
        if self.fill is not None and round(self.fill, 2) < TARGET_FILL:
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
        full = any(_classes(b) & set(FULL_PAGES) for b in walk(content))
        fill = None if full else _fill(box, content)
        figures.append(PageFigures(number, fill, _measure(content), _longest_hyphen_run(content)))
    return figures


def _classes(box) -> set:
    element = getattr(box, "element", None)
    return set((element.get("class") or "").split()) if element is not None else set()


def fill(page_box) -> float:
    """How far down its text block a laid-out page's content reaches (0-1)."""
    return _fill(page_box, _content(page_box))


def _fill(page_box, content) -> float:
    top, height = page_box.content_box_y(), page_box.height
    bottom = max((b.position_y + b.margin_height() for b in walk(content)
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


def _split_tables(pages, owner, where) -> list:
    """A short table (at most SHORT_TABLE rows) cut across pages: the design keeps those whole
    (a longer one may continue, its header repeated)."""
    seen: dict[int, tuple[object, list[int]]] = {}   # id(table element) -> (it, its pages)
    for number, page in enumerate(pages, start=1):
        for box in walk(page):
            if box.element_tag == "table" and type(box).__name__ == "TableBox":
                seen.setdefault(id(box.element), (box.element, []))[1].append(number)
    findings = []
    for element, numbers in seen.values():
        rows = _body_rows(element)
        if len(set(numbers)) > 1 and rows <= SHORT_TABLE and owner.get(numbers[0]):
            findings.append(Diagnostic(owner[numbers[0]].planned.file, None, WARNING,
                                       f"a table of {rows} rows is cut across pages "
                                       f"{numbers[0]}–{numbers[-1]} ({where})"))
    return findings


def _body_rows(table) -> int:
    """The rows of a table's body (of the table, when it has no tbody)."""
    body = [row for group in table if group.tag == "tbody" for row in group if row.tag == "tr"]
    return len(body) or sum(1 for row in table.iter("tr"))


def _content(page_box):
    """The page's laid-out document, without its margin boxes (running footers)."""
    return next(b for b in page_box.children if getattr(b, "element_tag", None) == "html")


def _walk_pairs(box, parent=None):
    """(parent, box) for every box below box, depth first."""
    yield parent, box
    for child in getattr(box, "children", ()):
        yield from _walk_pairs(child, box)


def walk(box):
    """box and every box below it, depth first."""
    yield box
    for child in getattr(box, "children", ()):
        yield from walk(child)


def _overflows(line, block) -> bool:
    """A line whose content reaches past the content width of its block."""
    right = block.content_box_x() + block.width
    for child in getattr(line, "children", ()):
        if child.position_x + child.margin_width() > right + TOLERANCE:
            return True
    return False


def _line_text(box) -> str:
    return "".join(getattr(b, "text", "") for b in walk(box))


_text = _line_text


def _last_block(page):
    """The last line of text or picture on the page (a line's element_tag is its block's)."""
    last = None
    for box in walk(page):
        if type(box).__name__ in ("LineBox", "BlockReplacedBox", "InlineReplacedBox"):
            last = box
    return last


def _longest_hyphen_run(page) -> int:
    longest = 0
    for box in walk(page):
        lines = [c for c in getattr(box, "children", ()) if type(c).__name__ == "LineBox"]
        run = 0
        for line in lines:
            run = run + 1 if _line_text(line).rstrip().endswith(HYPHENS) else 0
            longest = max(longest, run)
    return longest
