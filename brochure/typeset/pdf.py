"""HTML -> PDF with WeasyPrint: the only module that calls it, through a sandboxed fetcher.

One HTML is laid out once and may be written several times: the screen edition (PDF/UA-1,
tagged, cut to the trim) and the print edition (PDF/X-4, in device CMYK, with its bleed) of a
language share one layout. The HTML is always laid out with the bleed of the print editions.
"""
from __future__ import annotations

import contextlib
import hashlib
import logging
from dataclasses import dataclass, field

from ..errors import TypesetError
from . import adapters, finish, pictures, plan as page_plan, tagging
from .fetch import BASE_URL, THEME, fetcher_class

# WeasyPrint logs these (and goes on without the resource): each is an error for us.
FAILED_FETCH = ("Failed to load", "Failed to render", "cannot be loaded",
                "Relative URI reference without a base URI", "Unsupported stylesheet type")
SCREEN, PRINT = "pdf/ua-1", "pdf/x-4"


@dataclass(frozen=True)
class Output:
    """One PDF written from a layout."""
    variant: str                 # SCREEN or PRINT
    identifier: str              # what the document ID is derived from
    multiple: int = 1            # the page count is made a multiple of it with filler pages
    finisher: object = None      # finisher(anchor pages) -> a WeasyPrint finisher, or None
    ppi: int | None = None       # the highest resolution of its raster pictures (pictures.py)


@dataclass
class Result:
    pdf: bytes
    pages: int
    warnings: list = field(default_factory=list)
    headings: dict = field(default_factory=dict)   # element id -> 1-based page number
    padding: int = 0                               # "Notes" pages added to reach the multiple
    pictures: list = field(default_factory=list)   # pictures.Placement of the layout
    finishing: float = 0.0                         # seconds spent in the finishers
    seconds: float = 0.0                           # seconds spent writing this PDF
    plan: object = None                            # page_plan.Plan of the shared layout
    inputs: dict = field(default_factory=dict)     # content file read -> its SHA-256 (hex)


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages, self.errors = [], []

    def emit(self, record):
        message = record.getMessage()
        self.messages.append(message)
        if record.levelno >= logging.ERROR or any(sign in message for sign in FAILED_FETCH):
            self.errors.append(message)


def typeset(html: str, variant: str, identifier: str, multiple: int = 1, fillers=None,
            finisher=None, content=None, cmyk=None, theme=None) -> Result:
    """Lay out the HTML and write one PDF (see typeset_outputs)."""
    return typeset_outputs(html, [Output(variant, identifier, multiple, finisher)],
                           fillers=fillers, content=content, cmyk=cmyk, theme=theme)[0]


def typeset_outputs(html: str, outputs, fillers=None, content=None, cmyk=None, planned=(),
                    tolerances=(), theme=None) -> list:
    """Lay out the HTML once (more often when a section runs over its plan: see plan.py) and
    write one PDF per Output, in order.

    With multiple > 1, the pages of fillers[count] (an HTML document of count pages) are put
    before the last page (the back cover) to make the page count a multiple of it.
    content: the content folder whose files (images) the document may load.
    cmyk: screen colour '#rrggbb' -> designed CMYK percentages, for the print outputs.
    planned: the sections as planned (plan.Planned); tolerances: the design's, in order.
    theme: the publication's (resources.Theme): where styles/ and templates/ are found.
    """
    laid_out = LaidOut(html, fillers=fillers, content=content, cmyk=cmyk, planned=planned,
                       tolerances=tolerances, theme=theme)
    # when every output is printed on both sides (the A5 edition), the plan is made on the
    # layout for print from the start: no screen layout is needed
    laid_out.plan(duplex=all(output.multiple > 1 for output in outputs))
    return [laid_out.write(output) for output in outputs]


class LaidOut:
    """An HTML laid out by its page plan, from which PDFs are written; the layout for print
    (where sides matter) is made when a print output first needs it. A worker of `watch` keeps
    it, so that the print edition of a layout made for the screen edition costs only its
    writing."""

    def __init__(self, html: str, fillers=None, content=None, cmyk=None, planned=(),
                 tolerances=(), theme=None):
        self.html, self.fillers, self.cmyk = html, fillers, cmyk
        self.planned, self.tolerances = planned, tolerances
        self.content, self.theme = content, theme
        fetcher_class_, self.refused = fetcher_class(theme or THEME, content=content)
        self.fetcher = fetcher_class_()
        self.collect = _Collect()
        self.images: dict = {}    # WeasyPrint's image cache: each image of the layout, loaded once
        self.fitted: str | None = None         # the HTML as the screen plan laid it out
        self.layouts: dict[bool, tuple] = {}   # duplex -> (document, plan)
        self.pictures: list | None = None      # pictures.Placement, measured on the first layout

    @property
    def inputs(self) -> dict:
        """Content file read -> its SHA-256 (hex)."""
        return dict(self.fetcher.read)

    def lay_out(self, source: str):
        import weasyprint

        document = weasyprint.HTML(string=source, base_url=BASE_URL, url_fetcher=self.fetcher
                                   ).render(font_config=adapters.font_configuration(),
                                            cache=self.images)
        _refuse_failed_fetches(self.fetcher, self.collect)
        return document

    def plan(self, duplex: bool = False) -> tuple:
        """(document, plan) for the screen, or for print (duplex: a spread opens on a left-hand
        page); print takes the screen layout when it keeps the sides already."""
        with self._typesetting():
            return self._plan(duplex)

    def _plan(self, duplex: bool) -> tuple:
        if duplex in self.layouts:
            return self.layouts[duplex]
        if duplex and False in self.layouts:
            screen = self.layouts[False][1]
            assert self.fitted is not None
            self.layouts[True] = (self.layouts[False] if screen.sides_kept() else
                                  page_plan.printed(self.lay_out, self.fitted, screen))
            return self.layouts[True]
        fitted, *laid_out = page_plan.lay_out_planned(
            self.lay_out, page_plan.duplex(self.html) if duplex else self.html, self.planned,
            self.tolerances)
        if not duplex:
            self.fitted = fitted
        self.layouts[duplex] = tuple(laid_out)
        if self.pictures is None:       # the same page size either way: the same drawn sizes
            self.pictures = pictures.placements(laid_out[0])
        return self.layouts[duplex]

    def write(self, output: Output) -> Result:
        """The PDF of one Output (its layout made first if needed)."""
        with self._typesetting():
            document, its_plan = self._plan(output.multiple > 1)
            with adapters.image_resolution(self.images, output.ppi):
                result = _write(document, its_plan, output, self.lay_out, self.fillers,
                                self.cmyk)
            _refuse_failed_fetches(self.fetcher, self.collect)  # SVG images: drawn when written
        result.warnings, result.inputs = list(self.collect.messages), self.inputs
        result.pictures = list(self.pictures or ())
        return result

    @contextlib.contextmanager
    def _typesetting(self):
        logger = logging.getLogger("weasyprint")
        logger.addHandler(self.collect)
        try:
            yield
        except self.refused as err:
            raise TypesetError(str(err)) from None
        finally:
            logger.removeHandler(self.collect)


def spliced(old: LaidOut, html: str, output: Output) -> Result | None:
    """The screen PDF of `html` made from `old`, the last layout of the same edition, when one
    section alone changed: that section is laid out by its plan with the others' pages held
    empty (plan.alone), and its pages take the place of its old ones (Document.copy), so that
    the section is seen typeset before the whole edition is laid out again. None when that
    would not be the page the whole layout makes: another part changed, a print layout, or
    the section now takes other pages than before."""
    if output.multiple != 1 or False not in old.layouts:
        return None
    document, before = old.layouts[False]
    section_id = page_plan.changed_section(old.html, html, old.planned)
    placed = before.section(section_id) if section_id else None
    if section_id is None or placed is None or before.blank:
        return None
    quick = LaidOut(page_plan.alone(html, old.planned, section_id, document, before),
                    fillers=old.fillers, content=old.content, cmyk=old.cmyk,
                    planned=old.planned, tolerances=old.tolerances, theme=old.theme)
    new_document, after = quick.plan()
    now = after.section(section_id)
    if now is None or (now.first, now.pages) != (placed.first, placed.pages):
        return None
    start, end = placed.first - 1, placed.first - 1 + placed.pages
    pages = document.pages[:start] + new_document.pages[start:end] + document.pages[end:]
    plan = page_plan.Plan([now if p is placed else p for p in before.placed], len(pages),
                          dividers=before.dividers)
    with quick._typesetting(), adapters.image_resolution(old.images | quick.images, output.ppi):
        return _write(document.copy(pages), plan, output, quick.lay_out, old.fillers, old.cmyk)


def _write(document, plan, output, lay_out, fillers, cmyk) -> Result:
    import time

    start = time.perf_counter()
    padding = -len(document.pages) % output.multiple
    if padding:
        pages, notes = document.pages, lay_out(fillers[padding]).pages
        if len(notes) != padding:
            raise RuntimeError(f"the {padding} notes page(s) were laid out as {len(notes)}")
        document = document.copy(pages[:-1] + notes + pages[-1:])
    headings = _anchor_pages(document)
    digest = hashlib.sha256(f"{output.variant}\n{output.identifier}".encode()).hexdigest()
    screen = output.variant == SCREEN
    finishers = finish.timed(finish.chain(
        finish.cut_to_trim if screen else None,
        finish.span_languages if screen else None,
        tagging.repair_structure if screen else None,
        None if screen else finish.press_ready,
        output.finisher(headings) if output.finisher else None,
        finish.stable_document_id(digest)))
    if screen:
        pdf = adapters.for_screen(document).write_pdf(
            finisher=finishers, pdf_variant=SCREEN, custom_metadata=True,
            pdf_identifier=digest[:32].encode())
    else:
        with adapters.device_cmyk_colours(cmyk or {}):
            pdf = adapters.for_print(document).write_pdf(
                finisher=finishers, pdf_variant=PRINT, custom_metadata=True,
                pdf_identifier=digest[:32].encode())
    return Result(pdf=pdf, pages=len(document.pages), headings=headings, padding=padding,
                  finishing=finishers.seconds, seconds=time.perf_counter() - start, plan=plan)


def _refuse_failed_fetches(fetcher, collect) -> None:
    """A refusal WeasyPrint swallowed, or a resource it logged it could not load, is an error."""
    if fetcher.refusals:
        raise TypesetError(fetcher.refusals[0])
    failed = [m for m in collect.errors if any(sign in m for sign in FAILED_FETCH)]
    if failed:
        raise TypesetError(f"a resource could not be loaded: {failed[0]}")


def lay_out_planned(html: str, planned, tolerances=(), content=None, theme=None) -> tuple:
    """(document, plan) of the HTML laid out as the build lays out a screen edition (its page
    plan: floats, tolerances, month labels), for inspection; no PDF is written."""
    _, document, plan = page_plan.lay_out_planned(
        lambda source: lay_out(source, content, theme), html, planned, tolerances)
    return document, plan


def lay_out(html: str, content=None, theme=None):
    """The laid-out WeasyPrint document, for inspection (layout lint); no PDF is written."""
    import weasyprint

    fetcher_class_, refused = fetcher_class(theme or THEME, content=content)
    try:
        return weasyprint.HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher_class_()
                               ).render(font_config=adapters.font_configuration())
    except refused as err:
        raise TypesetError(str(err)) from None


def _anchor_pages(document) -> dict:
    pages: dict[str, int] = {}
    for number, page in enumerate(document.pages, start=1):
        for anchor in page.anchors:
            pages.setdefault(anchor, number)
    return pages
