"""HTML -> PDF with WeasyPrint: the only module that calls it, through a sandboxed fetcher."""
from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field

from . import finish, tagging
from .fetch import BASE_URL, fetcher_class

# WeasyPrint logs these (and goes on without the resource): each is an error for us.
FAILED_FETCH = ("Failed to load", "Failed to render", "cannot be loaded",
                "Relative URI reference without a base URI", "Unsupported stylesheet type")


class TypesetError(Exception):
    """WeasyPrint could not make the PDF; the message says why."""


@dataclass
class Result:
    pdf: bytes
    pages: int
    warnings: list = field(default_factory=list)
    headings: dict = field(default_factory=dict)   # element id -> 1-based page number
    padding: int = 0                               # blank pages added to reach the multiple
    finishing: float = 0.0                         # seconds spent in the finishers


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
            finisher=None, content=None) -> Result:
    """Lay out the HTML and write the PDF (pdf/ua-1 or pdf/x-4).

    With multiple > 1, the pages of fillers[count] (an HTML document of count pages) are put
    before the last page (the back cover) to make the page count a multiple of it. finisher(anchor pages),
    if given, returns a WeasyPrint finisher that edits the PDF objects before they are written.
    content: the content folder whose files (images) the document may load.
    """
    import weasyprint

    fetcher_class_, refused = fetcher_class(content=content)
    collect = _Collect()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(collect)
    fetcher = fetcher_class_()
    try:
        def lay_out(source):
            document = weasyprint.HTML(string=source, base_url=BASE_URL,
                                       url_fetcher=fetcher).render(pdf_variant=variant)
            _refuse_failed_fetches(fetcher, collect)
            return document

        document = lay_out(html)
        padding = -len(document.pages) % multiple
        if padding:
            pages = document.pages
            extra = lay_out(fillers[padding]).pages
            document = document.copy(pages[:-1] + extra + pages[-1:])
        headings = _anchor_pages(document)
        digest = hashlib.sha256(identifier.encode()).hexdigest()
        finishers = finish.timed(finish.chain(
            finish.span_languages if variant == "pdf/ua-1" else None,
            tagging.repair_structure if variant == "pdf/ua-1" else None,
            finish.press_ready if variant == "pdf/x-4" else None,
            finisher(headings) if finisher else None,
            finish.stable_document_id(digest)))
        pdf = document.write_pdf(finisher=finishers, pdf_variant=variant, custom_metadata=True,
                                 pdf_identifier=digest[:32].encode())
        _refuse_failed_fetches(fetcher, collect)     # SVG images are drawn only now
    except refused as err:
        raise TypesetError(str(err)) from None
    finally:
        logger.removeHandler(collect)
    return Result(pdf=pdf, pages=len(document.pages), warnings=collect.messages,
                  headings=headings, padding=padding, finishing=finishers.seconds)


def _refuse_failed_fetches(fetcher, collect) -> None:
    """A refusal WeasyPrint swallowed, or a resource it logged it could not load, is an error."""
    if fetcher.refusals:
        raise TypesetError(fetcher.refusals[0])
    failed = [m for m in collect.errors if any(sign in m for sign in FAILED_FETCH)]
    if failed:
        raise TypesetError(f"a resource could not be loaded: {failed[0]}")


def lay_out(html: str, content=None):
    """The laid-out WeasyPrint document, for inspection (layout lint); no PDF is written."""
    import weasyprint

    fetcher_class_, refused = fetcher_class(content=content)
    try:
        return weasyprint.HTML(string=html, base_url=BASE_URL,
                               url_fetcher=fetcher_class_()).render()
    except refused as err:
        raise TypesetError(str(err)) from None


def _anchor_pages(document) -> dict:
    pages = {}
    for number, page in enumerate(document.pages, start=1):
        for anchor in page.anchors:
            pages.setdefault(anchor, number)
    return pages
