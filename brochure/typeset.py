"""HTML -> PDF with WeasyPrint: the only module that calls it, through a sandboxed fetcher."""
from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field

from .fetch import PROJECT, fetcher_class


class TypesetError(Exception):
    """WeasyPrint could not make the PDF; the message says why."""


@dataclass
class Result:
    pdf: bytes
    pages: int
    warnings: list = field(default_factory=list)
    headings: dict = field(default_factory=dict)   # element id -> 1-based page number


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages = []

    def emit(self, record):
        self.messages.append(record.getMessage())


def typeset(html: str, variant: str, identifier: str) -> Result:
    """Lay out the HTML and write the PDF (pdf/ua-1 or pdf/x-4)."""
    import weasyprint

    fetcher_class_, refused = fetcher_class()
    collect = _Collect()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(collect)
    try:
        document = weasyprint.HTML(string=html, base_url=str(PROJECT) + "/",
                                   url_fetcher=fetcher_class_()).render(pdf_variant=variant)
        pdf = document.write_pdf(
            pdf_variant=variant, custom_metadata=True,
            pdf_identifier=hashlib.sha256(identifier.encode()).hexdigest()[:32].encode())
    except refused as err:
        raise TypesetError(str(err)) from None
    finally:
        logger.removeHandler(collect)
    return Result(pdf=pdf, pages=len(document.pages), warnings=collect.messages,
                  headings=_anchor_pages(document))


def _anchor_pages(document) -> dict:
    pages = {}
    for number, page in enumerate(document.pages, start=1):
        for anchor in page.anchors:
            pages.setdefault(anchor, number)
    return pages
