"""HTML -> PDF with WeasyPrint: the only module that calls it, through a sandboxed fetcher."""
from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

PROJECT = Path(__file__).resolve().parent.parent
SERVED = ("content", "styles", "templates")   # the only folders a document may read from


class TypesetError(Exception):
    """WeasyPrint could not make the PDF; the message says why."""


@dataclass
class Result:
    pdf: bytes
    pages: int
    warnings: list = field(default_factory=list)
    headings: dict = field(default_factory=dict)   # element id -> 1-based page number


def allowed_path(url: str, project: Path = PROJECT) -> Path | None:
    """The file a file: URL names, if it lies inside the served folders; else None."""
    parts = urlsplit(url)
    if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
        return None
    path = Path(unquote(parts.path)).resolve()
    for folder in SERVED:
        root = (project / folder).resolve()
        if path.is_relative_to(root) and path.is_file():
            return path
    return None


def _fetcher_class():
    from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

    class Refused(FatalURLFetchingError):
        pass

    class SandboxedFetcher(URLFetcher):
        """Serves data: URIs and files inside content/, styles/, templates/; refuses the rest."""

        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            path = allowed_path(url)
            if path is None:
                raise Refused(f'refused to load "{url}": only files inside content/, styles/ '
                              f'and templates/ (and data: URIs) may be used')
            return URLFetcherResponse(path.as_uri(), path.read_bytes(),
                                      {"Content-Type": _mime(path)})

    return SandboxedFetcher, Refused


def _mime(path: Path) -> str:
    return {".css": "text/css", ".ttf": "font/ttf", ".otf": "font/otf", ".svg": "image/svg+xml",
            ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
            ".icc": "application/vnd.iccprofile", ".html": "text/html"}.get(
                path.suffix.lower(), "application/octet-stream")


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages = []

    def emit(self, record):
        self.messages.append(record.getMessage())


def typeset(html: str, variant: str, identifier: str) -> Result:
    """Lay out the HTML and write the PDF (pdf/ua-1 or pdf/x-4)."""
    import weasyprint

    fetcher_class, refused = _fetcher_class()
    collect = _Collect()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(collect)
    try:
        document = weasyprint.HTML(string=html, base_url=str(PROJECT) + "/",
                                   url_fetcher=fetcher_class()).render(pdf_variant=variant)
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
