"""The editions one source becomes, as data."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Edition:
    id: str                      # e.g. "pl", "pl-en", "pl-print"
    languages: tuple             # languages in volume order
    pdf: str                     # output path under output/
    html: str | None = None      # HTML preview path under output/, if any
    print: bool = False          # press-ready: CMYK, bleed, PDF/X-4
    booklets: bool = False       # also impose saddle-stitch booklets
    size: str = "A4"             # page size: A4, or A5 (typeset natively, never shrunk)

    @property
    def cmyk(self) -> bool:
        return self.print

    @property
    def variant(self) -> str:
        return "pdf/x-4" if self.print else "pdf/ua-1"


EDITIONS = (
    Edition("pl", ("pl",), "pim-pl.pdf", "html/pim-pl.html"),
    Edition("en", ("en",), "pim-en.pdf", "html/pim-en.html"),
    Edition("pl-en", ("pl", "en"), "pim-pl-en.pdf", "html/pim-pl-en.html"),
    Edition("pl-print", ("pl",), "print/pim-pl-print.pdf", print=True, booklets=True),
    Edition("en-print", ("en",), "print/pim-en-print.pdf", print=True, booklets=True),
    Edition("pl-a5", ("pl",), "a5/pim-pl-a5.pdf", booklets=True, size="A5"),
    Edition("en-a5", ("en",), "a5/pim-en-a5.pdf", booklets=True, size="A5"),
)


def select(languages=None, edition_ids=None, available=("pl", "en")) -> list:
    """The editions to build: those whose languages are all asked for and available."""
    wanted = set(languages or available)
    chosen = [e for e in EDITIONS if set(e.languages) <= wanted & set(available)]
    if edition_ids:
        chosen = [e for e in chosen if e.id in edition_ids]
    return chosen
