"""The page plan: what the content takes, section by section, against what the designer planned.

The designer plans pages per section (`pages:` in publication.yaml, per page size). The content
decides: a section that runs over keeps its pages (an overrun is a warning, an error only with
--final), after the design's own tolerances were tried, in the order the design tokens declare
(`--fit-order`). A tolerance is a word of the section's `data-fit` attribute, which the theme's
CSS gives its meaning (a map into the side column, tighter spacing, tables that continue).

Each section starts on a new page, so its pages do not depend on the sections before it: a
section is measured by the pages that hold its own content (a page left blank by a break to a
right-hand page belongs to nobody), and a section is only ever blamed for its own length.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from . import adapters, lint


@dataclass(frozen=True)
class Planned:
    """A section of an edition as the designer planned it."""
    id: str                  # its element id, e.g. "pl-05-siec-zielona"
    file: str                # its Markdown file, for messages
    pages: int | None        # planned pages at this page size; None: no plan


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

    @property
    def under(self) -> int:
        """Planned pages the content leaves unused."""
        return max(0, self.planned.pages - self.pages) if self.planned.pages else 0


@dataclass
class Plan:
    """Where every section of a laid-out edition falls, and what the plan did about it."""
    placed: list
    pages: int                               # pages of the laid-out document
    blank: list = field(default_factory=list)   # pages a break left blank (1-based)
    tried: tuple = ()                           # the tolerances tried on sections running over

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
    return Plan(placed, len(pages), blank)


def fit_sections(lay_out, html: str, planned, tolerances) -> tuple:
    """(document, Plan) after trying the design's tolerances on each section that runs over its
    plan; lay_out(html) -> a laid-out document.

    A section takes the shortest run of tolerances, in their order, that makes it fit, or none
    when all of them together do not (it keeps its look and runs over). Layouts: one when every
    section fits; two when the tolerances together fit nothing; a few more otherwise."""
    document = lay_out(html)
    plan = place(document, planned)
    over = [p.planned.id for p in plan.placed if p.over]
    if not over or not tolerances:
        return document, plan
    every = {sid: tuple(tolerances) for sid in over}
    trial = _try(lay_out, html, every, planned)
    fitting = [sid for sid in over if not trial[1].section(sid).over]
    if fitting:   # (the trial layout is a result only when it holds nothing but fitting ones)
        document, plan = _fewest(lay_out, html, planned, tolerances, fitting,
                                 trial if len(fitting) == len(over) else None)
    plan.tried = tuple(tolerances)
    for placed in plan.placed:
        if placed.planned.id in every:
            placed.tried = tuple(tolerances)
    return document, plan


def _fewest(lay_out, html, planned, tolerances, fitting, trial) -> tuple:
    """The layout where each of `fitting` (sections the tolerances together make fit) takes the
    shortest run of tolerances that does; `trial`, if given, is the layout with all of them."""
    settled, last = {}, None
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
    for before, after in zip(plan.placed, again.placed):
        after.fit, after.tried = before.fit, before.tried
    again.tried = plan.tried
    return document, again


def continued_rows(document) -> set:
    """The keys of the rows at which a group of rows (a tbody) continues on a later page."""
    seen, keys = set(), set()
    for page in document.pages:
        here = {}
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
    return html.replace("</head>", f"<style>{rules} {{ display: table-row; }}</style>\n</head>", 1)
