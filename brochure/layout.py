"""Layout lint: what only a typeset pass can show (page budgets, overflow, stranded headings,
split tables, ladders of hyphens). Reads WeasyPrint's laid-out boxes; never typesets itself."""
from __future__ import annotations

from dataclasses import dataclass

HEADINGS = ("h2", "h3", "h4")
HYPHENS = ("\u2010", "-", "\u00ad")
MAX_HYPHEN_RUN = 3
BACK_COVER = "back-cover"   # the id of the back cover, which ends the last section
TOLERANCE = 0.5          # px of overflow ignored (rounding)


@dataclass
class Section:
    id: str                # element id, e.g. "pl-03-siec-cyfrowa"
    file: str              # the Markdown file, for messages
    budget: int | None     # pages allowed


def lint(document, sections, lang) -> list:
    """'file:line: level: message' lines for one typeset language edition."""
    pages = [_content(page._page_box) for page in document.pages]
    anchors = {}
    for number, page in enumerate(document.pages, start=1):
        for anchor in page.anchors:
            anchors.setdefault(anchor, number)
    findings = _budgets(sections, anchors, pages)
    owner = _section_of_page(sections, anchors, len(pages))
    for number, page in enumerate(pages, start=1):
        where = owner.get(number)
        if where is None:
            continue
        findings += [f"{where.file}:1: {m} (page {number}, {lang})" for m in _page_problems(page)]
    findings += _split_tables(pages, owner, lang)
    return findings


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


def budget_message(section, used, lines=None) -> str:
    extra = len(used) - section.budget
    about = f" (about {lines} lines)" if lines is not None else ""
    return (f"{section.file}:1: error: the section takes {len(used)} pages, its budget is "
            f"{section.budget}: {extra} page(s) over{about}; shorten the text or raise "
            f"'pages' in content/publication.yaml")


def _budgets(sections, anchors, pages) -> list:
    return [budget_message(section, used,
                           sum(_count_lines(pages[n - 1]) for n in used[section.budget:]))
            for section, used in over_budget(sections, anchors, len(pages))]


def _page_problems(page) -> list:
    problems = []
    for parent, box in _walk_pairs(page):
        if type(box).__name__ == "LineBox" and _overflows(box, parent):
            text = _line_text(box).strip()[:40]
            problems.append(f"warning: text overflows its box: \"{text}\"")
    last = _last_block(page)
    if last is not None and last.element_tag in HEADINGS:
        problems.append(f"warning: heading \"{_text(last).strip()[:50]}\" is alone at the page "
                        f"bottom")
    run = _longest_hyphen_run(page)
    if run > MAX_HYPHEN_RUN:
        problems.append(f"warning: {run} hyphenated line ends in a row (more than "
                        f"{MAX_HYPHEN_RUN})")
    return problems


def _split_tables(pages, owner, lang) -> list:
    seen = {}
    for number, page in enumerate(pages, start=1):
        for box in _walk(page):
            if box.element_tag == "table" and type(box).__name__ == "TableBox":
                seen.setdefault(id(box.element), (box.element, []))[1].append(number)
    findings = []
    for element, numbers in seen.values():
        if len(set(numbers)) > 1 and owner.get(numbers[0]):
            findings.append(f"{owner[numbers[0]].file}:1: warning: a table is cut across pages "
                            f"{numbers[0]}–{numbers[-1]} ({lang})")
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
