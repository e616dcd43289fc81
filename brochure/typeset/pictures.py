"""Pictures at the resolution their edition needs, and a word about those that do not fit.

WeasyPrint embeds a picture as its file has it: a 3 MB photo printed 35 mm wide went into every
PDF at 1,453 ppi. Each PDF now embeds its raster pictures at most at the resolution its edition
needs, from the size each is drawn at: PRINT_PPI for the print editions and the editions
imposed as booklets (they are printed), SCREEN_PPI for the screen editions. The downsampling is
WeasyPrint's own, with Pillow (adapters.image_resolution), so the bytes are the same at every
build.

After the layout each picture of the texts and each logo (an <img> with data-source="file:line")
is measured: one printed below MIN_PPI would print blurred, an error at its line that names the
picture, its pixels, its printed size and its ppi; one with more than OVERSIZED_PPI, or a file
over WARN_BYTES, is a warning (it is embedded downsampled, but the content folder carries the
weight, and so does the web edition's source).
"""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import unquote

from ..diagnostics import ERROR, WARNING, Diagnostic
from . import adapters

PRINT_PPI = 300
SCREEN_PPI = 150
MIN_PPI = 150                     # below: blurred in print, soft on screen
OVERSIZED_PPI = 2 * PRINT_PPI     # above: far more pixels than any edition uses
WARN_BYTES = 4_000_000
MM_PER_PX = 25.4 / 96             # a CSS pixel


@dataclass(frozen=True)
class Placement:
    """One picture as laid out: where it is written, its file and pixels, its printed size."""
    source: str                   # "content/pl/01-pim.md:12"
    src: str                      # "content/pl/img/foto.jpg"
    pixels: tuple                 # (width, height)
    printed_mm: tuple             # (width, height) as drawn on the page
    size: int                     # bytes of the file

    @property
    def ppi(self) -> float:
        return self.pixels[0] / (self.printed_mm[0] / 25.4)

    @property
    def shown(self) -> str:
        """The picture's file as messages name it: the src "content/…" is the content folder
        of the file it is written in."""
        folder = self.source.split("/", 1)[0]
        return f"{folder}/{unquote(self.src.removeprefix('content/'))}"

    @property
    def where(self) -> tuple:
        file, _, line = self.source.rpartition(":")
        return file, int(line) if line.isdigit() else None


def ppi_for(edition) -> int:
    """The resolution an edition's pictures are embedded at, at most."""
    return PRINT_PPI if edition.print or edition.booklets else SCREEN_PPI


def placements(document) -> list:
    """Every measured picture of a laid-out document, once per picture and size."""
    found: dict[tuple, Placement] = {}
    for page in document.pages:
        for box in _walk(adapters.page_box(page)):
            placed = _placement(box)
            if placed is not None:
                found.setdefault((placed.source, placed.printed_mm), placed)
    return list(found.values())


def _placement(box) -> Placement | None:
    element = getattr(box, "element", None)
    if element is None or not element.get("data-source"):
        return None
    image = adapters.raster_image(box)
    if image is None:
        return None                          # an SVG: it has no pixels to count
    width, height, size = image
    box_w, box_h = box.width, box.height
    if not (width and height and box_w and box_h):
        return None
    drawn_w = min(box_w, box_h * width / height)          # object-fit: contain
    drawn_mm = (round(drawn_w * MM_PER_PX, 1), round(drawn_w * height / width * MM_PER_PX, 1))
    return Placement(element.get("data-source"), element.get("src", ""), (width, height),
                     drawn_mm, size)


def _walk(box):
    yield box
    for child in getattr(box, "children", ()):
        yield from _walk(child)


def problems(placed: list, edition: str = "") -> tuple:
    """(errors, warnings) about the measured pictures, as Diagnostics."""
    errors, warnings = [], []
    for p in placed:
        file, line = p.where
        described = (f"the picture {p.shown} ({p.pixels[0]} x "
                     f"{p.pixels[1]} px, printed {p.printed_mm[0]:g} x {p.printed_mm[1]:g} mm"
                     f"{', ' + edition if edition else ''})")
        if round(p.ppi) < MIN_PPI:            # as the message says it
            need = round(p.printed_mm[0] / 25.4 * PRINT_PPI)
            errors.append(Diagnostic(file, line, ERROR,
                                     f"{described} has {p.ppi:.0f} ppi and would print blurred "
                                     f"(at least {MIN_PPI}); give a picture of about {need} px "
                                     f"wide, or print it smaller ({{: .half }}, {{: .small }})"))
        elif p.ppi > OVERSIZED_PPI or p.size > WARN_BYTES:
            need = round(p.printed_mm[0] / 25.4 * PRINT_PPI)
            warnings.append(Diagnostic(file, line, WARNING,
                                       f"{described} is {p.size / 1_000_000:.1f} MB at "
                                       f"{p.ppi:,.0f} ppi; the PDFs embed it at {PRINT_PPI} ppi "
                                       f"(print) and {SCREEN_PPI} (screen), but about {need} px "
                                       f"wide would do: save it smaller"))
    return errors, warnings
