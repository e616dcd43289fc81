"""The page plan: what the content takes, section by section, against what the designer planned.

The designer plans pages per section (`pages:` in publication.yaml, per page size). The content
decides: a section that runs over keeps its pages (an overrun is a warning, an error only with
--final), after the design's own tolerances were tried, in the order the design tokens declare
(`--fit-order`). A tolerance is a word of the section's `data-fit` attribute, which the theme's
CSS gives its meaning (tighter spacing, a quote into the side column, boxes that continue).
A float that, kept whole, left a page short is set after the text that fills the gap (never
between a sentence ending in a colon and the list it introduces); a group
of table rows that runs on to the next page repeats its label there; print keeps its sides (a
spread opens on a left-hand page) in a layout of its own when the screen layout does not.

Each section starts on a new page, so its pages do not depend on the sections before it: a
section is measured by the pages that hold its own content (a page left blank by a break to a
right-hand page belongs to nobody), and a section is only ever blamed for its own length.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from . import adapters, lint


@dataclass(frozen=True)
class Planned:
    """A section of an edition as the designer planned it."""
    id: str                  # its element id, e.g. "pl-05-siec-zielona"
    file: str                # its Markdown file, for messages
    pages: int | None        # planned pages at this page size; None: no plan
    start: str | None = None  # the side it opens on in print: "left", "right" or None


@dataclass
class Placed:
    """A section as the content placed it in a laid-out edition."""
    planned: Planned
    first: int               # its first page (1-based)
    pages: int               # the pages that hold its content
    fill: float              # how far down its last page its content reaches (0-1)
    fit: tuple = ()          # the tolerances that made it fit
    tried: tuple = ()        # the tolerances tried on it (it ran over)

    @property
    def over(self) -> int:
        """Pages beyond the plan (0 when it fits or has no plan)."""
        return max(0, self.pages - self.planned.pages) if self.planned.pages else 0


@dataclass
class Plan:
    """Where every section of a laid-out edition falls, and what the plan did about it."""
    placed: list
    pages: int                               # pages of the laid-out document
    blank: list = field(default_factory=list)   # pages a break left blank (1-based)
    dividers: list = field(default_factory=list)   # the pages a further language opens on

    def sides_kept(self) -> bool:
        """Whether every section opens on its side, and every further language on a right-hand
        page, as print wants them (a screen layout need not)."""
        wrong = [p for p in self.placed if p.planned.start and
                 (p.first % 2 == 0) != (p.planned.start == "left")]
        return not wrong and all(page % 2 == 1 for page in self.dividers)

    def section(self, section_id: str) -> Placed | None:
        return next((p for p in self.placed if p.planned.id == section_id), None)

    def fits(self) -> dict:
        """section id -> the tolerances it takes, for with_fits()."""
        return {p.planned.id: p.fit for p in self.placed if p.fit}


def place(document, planned) -> Plan:
    """The Plan of a laid-out document: each planned section's pages, found by its anchor (an
    element's id is among a page's anchors on every page its boxes reach)."""
    pages = document.pages
    blank = [n for n, page in enumerate(pages, start=1) if adapters.page_is_blank(page)]
    placed = []
    for section in planned:
        own = [n for n, page in enumerate(pages, start=1)
               if section.id in page.anchors and n not in blank]
        if not own:
            continue
        fill = lint.fill(adapters.page_box(pages[own[-1] - 1]))
        placed.append(Placed(section, own[0], len(own), fill))
    dividers = [n for n, page in enumerate(pages, start=1)
                if any(anchor.startswith("divider-") for anchor in page.anchors)]
    return Plan(placed, len(pages), blank, dividers=dividers)


def lay_out_planned(lay_out, html: str, planned, tolerances) -> tuple:
    """(html, document, plan): the HTML laid out by its plan, the HTML as finally laid out
    (with the floats moved and the tolerances it took). A float that left a gap is set after
    the text that fills it, a section over its plan tries the tolerances, a group of rows that
    runs on repeats its label."""
    document = lay_out(html)
    html, document, plan = fill_gaps(lay_out, html, document, place(document, planned))
    document, plan = fit_sections(lay_out, html, planned, tolerances, (document, plan))
    html = with_fits(html, plan.fits())
    document, plan = label_continuations(lay_out, html, document, plan)
    return html, document, plan


def fit_sections(lay_out, html: str, planned, tolerances, laid_out=None) -> tuple:
    """(document, Plan) after trying the design's tolerances on each section that runs over its
    plan; lay_out(html) -> a laid-out document.

    A section takes the shortest run of tolerances, in their order, that makes it fit, or none
    when all of them together do not (it keeps its look and runs over). Layouts: one when every
    section fits; two when the tolerances together fit nothing; a few more otherwise.
    laid_out: (document, plan) of the html, when it is laid out already."""
    if laid_out is None:
        document = lay_out(html)
        laid_out = (document, place(document, planned))
    document, plan = laid_out
    over = [p.planned.id for p in plan.placed if p.over]
    if not over or not tolerances:
        return document, plan
    every = {sid: tuple(tolerances) for sid in over}
    trial = _try(lay_out, html, every, planned)
    fitting = [sid for sid in over if not trial[1].section(sid).over]
    if fitting:   # (the trial layout is a result only when it holds nothing but fitting ones)
        document, plan = _fewest(lay_out, html, planned, tolerances, fitting,
                                 trial if len(fitting) == len(over) else None)
    for placed in plan.placed:
        if placed.planned.id in every:
            placed.tried = tuple(tolerances)
    return document, plan


def _fewest(lay_out, html, planned, tolerances, fitting, trial) -> tuple:
    """The layout where each of `fitting` (sections the tolerances together make fit) takes the
    shortest run of tolerances that does; `trial`, if given, is the layout with all of them."""
    settled: dict[str, tuple] = {}
    last = None
    for step in range(1, len(tolerances)):
        trying = {sid: tuple(tolerances[:step]) for sid in fitting if sid not in settled}
        if not trying:
            break
        last = (settled | trying, _try(lay_out, html, settled | trying, planned))
        settled |= {sid: fits for sid, fits in trying.items() if not last[1][1].section(sid).over}
    settled |= {sid: tuple(tolerances) for sid in fitting if sid not in settled}
    if last is not None and last[0] == settled:
        document, plan = last[1]
    elif trial is not None and all(fits == tuple(tolerances) for fits in settled.values()):
        document, plan = trial
    else:
        document, plan = _try(lay_out, html, settled, planned)
    for placed in plan.placed:
        placed.fit = settled.get(placed.planned.id, ())
    return document, plan


def _try(lay_out, html, fits, planned) -> tuple:
    document = lay_out(with_fits(html, fits))
    return document, place(document, planned)


FIT_SLOT = 'data-fit=""'


def with_fits(html: str, fits: dict) -> str:
    """The HTML with each section's tolerances in its data-fit attribute (the section element
    is written `id="…" data-fit=""` by the theme's section template)."""
    for section_id, words in fits.items():
        html = html.replace(f'id="{section_id}" {FIT_SLOT}',
                            f'id="{section_id}" data-fit="{" ".join(words)}"', 1)
    return html



def label_continuations(lay_out, html: str, document, plan, rounds: int = 3) -> tuple:
    """(document, plan) where every group of table rows that runs on to the next page (a
    meetings month) repeats its label there: each row of a group carries data-row="KEY", and
    before it a hidden label row data-cont="KEY" ("July 2022 (cont.)"), which is shown when
    the group breaks before that row. One more layout when some group breaks, rarely two."""
    shown: set = set()
    for _ in range(rounds):
        needed = continued_rows(document)
        if needed == shown:
            break
        shown = needed
        document = lay_out(with_continuations(html, shown))
    if not shown:
        return document, plan
    again = place(document, [p.planned for p in plan.placed])
    _keep_fits(plan, again)
    return document, again


def continued_rows(document) -> set:
    """The keys of the rows at which a group of rows (a tbody) continues on a later page."""
    seen, keys = set(), set()
    for page in document.pages:
        here: dict[int, Any] = {}
        for box in lint.walk(adapters.page_box(page)):
            if type(box).__name__ == "TableRowGroupBox" and box.element is not None:
                rows = [c for c in box.children if type(c).__name__ == "TableRowBox"]
                if rows:
                    here.setdefault(id(box.element), rows[0].element)
        for group, row in here.items():
            key = row.get("data-row") or row.get("data-cont")
            if group in seen and key:
                keys.add(key)
        seen |= set(here)
    return keys


def with_continuations(html: str, keys) -> str:
    """The HTML with the label rows of these keys shown."""
    if not keys:
        return html
    rules = ", ".join(f'tr[data-cont="{key}"]' for key in sorted(keys))
    # !important: the theme hides the label rows with a rule of its own, which may be more specific
    return html.replace("</head>", f"<style>{rules} {{ display: table-row !important; }}</style>\n</head>", 1)


def printed(lay_out, html: str, plan) -> tuple:
    """(document, plan) of the layout for print, where the sides matter: a section opens on the
    side it should (a spread on a left-hand page), a further language on a right-hand page,
    a page left blank before them is a "Notes" page. `html` holds the plan's tolerances."""
    html = duplex(html)
    document = lay_out(html)
    again = place(document, [p.planned for p in plan.placed])
    _keep_fits(plan, again)
    return label_continuations(lay_out, html, document, again)


def duplex(html: str) -> str:
    """The HTML as print lays it out: sections and languages open on their sides."""
    return html if '<body class="duplex ' in html else html.replace(
        '<body class="', '<body class="duplex ', 1)


def _keep_fits(before, after) -> None:
    """The tolerances the plan chose, told by the plan of the same content laid out again."""
    for old, new in zip(before.placed, after.placed):
        new.fit, new.tried = old.fit, old.tried


# --- floats: text set ahead of a table or a box that, kept whole, left a gap -----------------

GAP = 0.75    # a page before a section's last that its content fills less than this has a gap


def fill_gaps(lay_out, html: str, document, plan) -> tuple:
    """(html, document, plan) where a float (a table, a box, a picture: data-block="float",
    with the heading that introduces it) that did not fit on a page and left it short is set
    after as much of the text that follows it as fills the gap, as a typesetter floats a
    table to the next page; a paragraph ending in a colon takes the block it introduces along.
    One more layout when a section has such a gap; kept only if no section takes more pages
    for it."""
    moves = [m for placed in plan.placed for m in _gaps(document, placed)]
    if not moves:
        return html, document, plan
    moved, trial, again = _moved(lay_out, html, moves, plan)
    grown = {m.section for m in moves if m.whole is not None and again.section(m.section).over}
    if grown:   # a lead-in left behind with its list made its section run over: take them along
        moves = [m.whole if m.section in grown else m for m in moves]
        moved, trial, again = _moved(lay_out, html, moves, plan)
    ends = {m.section for m in moves if m.kept_together and again.section(m.section).over}
    if ends:    # a list kept with its lead-in left no room for the float: try it at the end
        second = _moved(lay_out, html, _to_end(moves, ends), plan)
        better = {sid for sid in ends
                  if second[2].section(sid).pages < again.section(sid).pages}
        if better == ends:
            moved, trial, again = second
        elif better:
            moved, trial, again = _moved(lay_out, html, _to_end(moves, better), plan)
    if any(new.pages > old.pages for old, new in zip(plan.placed, again.placed)):
        return html, document, plan
    _keep_fits(plan, again)
    return moved, trial, again


def _to_end(moves, sections) -> list:
    return [m.to_end() if m.section in sections else m for m in moves]


def _moved(lay_out, html, moves, plan) -> tuple:
    """(html, document, plan) with the moves made."""
    for move in moves:
        html = move.apply(html)
    document = lay_out(html)
    return html, document, place(document, [p.planned for p in plan.placed])


@dataclass
class _Move:
    """Blocks [first, after) of a section (its data-block elements, in order) set after the
    text blocks [after, until)."""
    section: str
    first: int
    after: int
    until: int
    kept_together: bool = False   # `until` was pushed on to keep a lead-in with its list
    end: int = 0                  # the number of blocks in the section
    whole: "_Move | None" = None  # the move with the lead-in and its list, when this one leaves them

    def to_end(self) -> "_Move":
        """The same float set at the end of its section, after every block that follows it."""
        return _Move(self.section, self.first, self.after, self.end, True, self.end)

    def apply(self, html: str) -> str:
        start, end = _section_span(html, self.section)
        body = html[start:end]
        cuts = [m.start() for m in _BLOCK_TAG.finditer(body)] + [_blocks_end(body)]
        group = body[cuts[self.first]:cuts[self.after]]
        text = body[cuts[self.after]:cuts[self.until]]
        body = body[:cuts[self.first]] + text + group + body[cuts[self.until]:]
        return html[:start] + body + html[end:]


def _gaps(document, placed) -> list:
    """The move that fills the gap of each short page of the section before its last."""
    blocks = _blocks(document, placed.planned.id)
    moves = []
    for number in range(placed.first, placed.first + placed.pages - 1):
        box = adapters.page_box(document.pages[number - 1])
        fill = lint.fill(box)
        if fill >= GAP:
            continue
        move = _pull_up(blocks, number, (1 - fill) * box.height, placed.planned.id)
        if move:
            moves.append(move)
    return moves[:1]        # one a section and layout: a move shifts the pages after it


def _pull_up(blocks, page, gap, section):
    """The move of the float group that opens page + 1 behind the text that follows it."""
    starts = [i for i, b in enumerate(blocks) if b.pages and b.pages[0] == page + 1]
    if not starts:
        return None
    first = starts[0]
    if not (0 < first and blocks[first - 1].pages and blocks[first - 1].pages[-1] <= page):
        return None                                   # the page before must end before it
    after = first + 1
    if blocks[first].kind == "heading":
        if after >= len(blocks) or blocks[after].kind != "float":
            return None
        after += 1
    elif blocks[first].kind != "float":
        return None
    until, height = after, 0.0
    while until < len(blocks) and blocks[until].kind == "text" and height < gap:
        height += blocks[until].height
        until += 1
    if until == after:
        return None
    whole = until
    while whole < len(blocks) and blocks[whole - 1].leads_in:
        whole += 1      # a sentence ending in ":" keeps what it introduces (a list, cards)
    move = _Move(section, first, after, whole, whole > until, len(blocks))
    if whole > until and until - 1 > after and height + sum(b.height for b in blocks[until:whole]) > gap:
        # the lead-in and its list are more than the gap holds: the lead-in stays behind the
        # float with its list (the float's page then holds the lead-in and the list's start);
        # if its section runs over so, the whole move is tried
        return _Move(section, first, after, until - 1, False, len(blocks), whole=move)
    return move


@dataclass
class _Block:
    kind: str                     # text, heading or float
    pages: list                   # the pages its boxes are on
    height: float                 # their height, in px
    leads_in: bool = False        # a paragraph ending in ":", introducing the next block


def _blocks(document, section_id) -> list:
    """The top-level blocks of a section (data-block), in the order of its HTML: what they
    are, the pages their boxes are on, how tall they are (a hidden one: no pages)."""
    found: dict = {}
    root = None
    for number, page in enumerate(document.pages, start=1):
        for box in lint.walk(adapters.page_box(page)):
            element = getattr(box, "element", None)
            if element is None:
                continue
            if root is None and element.get("id") == section_id:
                root = element
            kind = element.get("data-block")
            if kind is None:
                continue
            block = found.setdefault(id(element), _Block(kind, [], 0.0, _leads_in(element)))
            if not block.pages or block.pages[-1] != number:     # its outermost box here
                block.pages.append(number)
                block.height += box.margin_height()
    if root is None:
        return []
    return [found.get(id(el), _Block(el.get("data-block"), [], 0.0, _leads_in(el)))
            for el in root.iter() if el.get("data-block")]


def _leads_in(element) -> bool:
    """Whether a block is a paragraph whose last words, ending in a colon, introduce the next."""
    return element.tag == "p" and "".join(element.itertext()).rstrip().endswith(":")


_BLOCK_TAG = re.compile(r'<[a-zA-Z][a-zA-Z0-9-]*\b[^<>]*?\bdata-block="')


def _section_span(html: str, section_id: str) -> tuple:
    """Where a section's HTML starts and ends (the theme's section template writes its id)."""
    start = html.index(f'id="{section_id}"')
    ends = [i for i in (html.find('<section class="section', start), html.find("</article>", start),
                        html.find("</body>", start)) if i != -1]
    return start, min(ends)


def _blocks_end(body: str) -> int:
    """Where the last block of a section's HTML ends: at the close of its prose."""
    return body.rfind("</div>", 0, body.rindex("</section>"))


# --- a quick proof: one changed section set alone, its pages put into the last layout --------

_ID = re.compile(r'\bid="([^"]+)"')


def sections_of(html: str, planned) -> tuple | None:
    """(the HTML with each planned section's element replaced by a mark, {section id: its
    element}); None when the sections cannot be told apart."""
    spans = {}
    for section in planned:
        at = html.find(f'id="{section.id}"')
        if at != -1:
            spans[section.id] = (html.rfind("<section", 0, at), _section_span(html, section.id)[1])
    frame, last = [], 0
    for section_id, (start, end) in sorted(spans.items(), key=lambda item: item[1]):
        if start < last:
            return None
        frame += [html[last:start], f"\0{section_id}\0"]
        last = end
    return "".join(frame) + html[last:], {sid: html[s:e] for sid, (s, e) in spans.items()}


def changed_section(old_html: str, new_html: str, planned) -> str | None:
    """The id of the one section whose HTML changed, when nothing else did (the covers, the
    contents and its titles, the other sections); else None."""
    old, new = sections_of(old_html, planned), sections_of(new_html, planned)
    if old is None or new is None or old[0] != new[0]:
        return None
    changed = [sid for sid, element in new[1].items() if old[1].get(sid) != element]
    return changed[0] if len(changed) == 1 else None


def alone(html: str, planned, section_id: str, document, plan) -> str:
    """The HTML with every other section replaced by as many empty pages as it took in the
    last layout (`document`, `plan`), each holding the ids that were on it: the section keeps
    its pages' numbers and sides, a reference to another section (the contents' page numbers)
    finds its page, and nothing else of the sections is set."""
    found = sections_of(html, planned)
    assert found is not None, "alone() is given an HTML whose sections changed_section() found"
    frame, elements = found
    for sid, element in elements.items():
        placed = plan.section(sid)
        if sid != section_id:
            ids = set(_ID.findall(element))
            elements[sid] = "".join(_held(document.pages[n - 1], ids)
                                    for n in range(placed.first, placed.first + placed.pages)
                                    ) if placed else ""
    for sid, element in elements.items():
        frame = frame.replace(f"\0{sid}\0", element, 1)
    return frame


def _held(page, ids) -> str:
    anchors = "".join(f'<div id="{name}"></div>' for name in sorted(ids & set(page.anchors)))
    return f'<div class="page-held" style="break-before: page">{anchors}</div>'
