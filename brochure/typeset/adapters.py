"""The few places where the build relies on a library beyond its public API: WeasyPrint 70.0
(its box tree, its painter, its tagging) and pypdf 7 (objects and identifiers of a writer).

Each is small and pinned by tests/test_adapters.py, so that an upgrade that breaks one fails
there, by name, rather than somewhere in a PDF.
"""
from __future__ import annotations

import atexit
import contextlib

from .. import colour

_FONT_CONFIGURATION = None


def font_configuration():
    """One FontConfiguration per process: fonts are found and loaded once, not per document."""
    global _FONT_CONFIGURATION
    from weasyprint.text.fonts import FontConfiguration

    if _FONT_CONFIGURATION is None:
        _FONT_CONFIGURATION = FontConfiguration()
        # released while the interpreter can still run its __del__ (at exit it cannot)
        atexit.register(_release_font_configuration)
    return _FONT_CONFIGURATION


def _release_font_configuration() -> None:
    global _FONT_CONFIGURATION
    _FONT_CONFIGURATION = None


def for_screen(document):
    """A copy of the laid-out document to write without colour profiles.

    WeasyPrint keeps the @color-profile rules of the layout on the document and embeds every
    one, with an output intent, in whatever it writes: a screen PDF would carry the print
    profile (about 200 KB) and claim a CMYK printing condition."""
    copy = document.copy()
    copy.color_profiles, copy.output_intent = {}, None
    return copy


def for_print(document, intent: str = "device-cmyk"):
    """A copy of the laid-out document with the output intent of a PDF/X variant (WeasyPrint
    takes it at layout time, HTML.render, and keeps it on the document)."""
    copy = document.copy()
    copy.output_intent = intent
    return copy


@contextlib.contextmanager
def device_cmyk_colours(known: dict):
    """While active, every sRGB colour WeasyPrint paints is painted in device CMYK instead
    (colour.cmyk: the designed value of a network colour, black ink for greys).

    WeasyPrint 70.0 paints every colour through pdf.stream.Stream.set_color; converting there
    makes the print edition from the same layout as the screen edition, text, borders,
    backgrounds and SVG drawings alike."""
    from tinycss2.color5 import Color
    from weasyprint.pdf.stream import Stream

    paint = Stream.set_color

    def set_color(self, color, stroke=False):
        if color.space in ("srgb", "hsl", "hwb"):
            channels, alpha = color.to("srgb").coordinates, color.alpha
            hex_colour = "#" + "".join(f"{min(255, max(0, round(c * 255))):02x}" for c in channels)
            color = Color("device-cmyk", colour.cmyk(hex_colour, known), alpha)
        return paint(self, color, stroke)

    Stream.set_color = set_color
    try:
        yield
    finally:
        Stream.set_color = paint


# ------------------------------------------------------------------ WeasyPrint's box tree

def page_box(page):
    """The root box of a laid-out page (weasyprint.Page keeps it private)."""
    return page._page_box


def page_is_blank(page) -> bool:
    """A page that a break to a left- or right-hand page left empty (CSS :blank)."""
    return page._page_box.page_type.blank


def placed_box(box):
    """The box an absolutely positioned placeholder stands for (the box itself otherwise)."""
    from weasyprint.layout.absolute import AbsolutePlaceholder

    return box._box if isinstance(box, AbsolutePlaceholder) else box


def pdf_tag(html_tag):
    """The structure type WeasyPrint's tagging gives an element of this HTML tag."""
    from weasyprint.pdf.tags import _get_pdf_tag

    return _get_pdf_tag(html_tag)


def stream_tags(stream):
    """The marked-content numbering a WeasyPrint content stream shares with its page's other
    streams (transparency groups, patterns), or None."""
    return getattr(stream, "_tags", None)


def raster_image(box):
    """(width, height, bytes of the file) of the raster image a replaced box draws, or None
    (WeasyPrint keeps a RasterImage's data private)."""
    from weasyprint.images import RasterImage

    image = getattr(box, "replacement", None)
    if not isinstance(image, RasterImage):
        return None
    return image.width, image.height, len(image.image_data.data)


@contextlib.contextmanager
def image_resolution(cache: dict, ppi):
    """While active, the raster images of the layout whose image cache is `cache` (the dict
    given to HTML.render(cache=...)) are written at most at ppi, from the size each is drawn
    at: WeasyPrint's `dpi` option, which it reads from each image (RasterImage._dpi) when the
    PDF is written. Each image's data is restored afterwards: WeasyPrint replaces it with the
    downsampled copy, which the next PDF of the same layout must not start from."""
    from weasyprint.images import RasterImage

    images = [image for image in cache.values() if isinstance(image, RasterImage)]
    saved = [(image, image._dpi, image.image_data) for image in images]
    for image in images:
        image._dpi = ppi
    try:
        yield
    finally:
        for image, dpi, data in saved:
            image._dpi, image.image_data = dpi, data


# ------------------------------------------------------------------ pypdf's writer

def add_object(writer, obj):
    """An indirect reference to obj, added to the writer (pypdf has no public form of this)."""
    return writer._add_object(obj)


def set_identifier(writer, identifier) -> None:
    """The trailer /ID (pypdf has no public setter)."""
    writer._ID = identifier


def info(writer):
    """The writer's document information dictionary."""
    return writer._info


def set_info(writer, dictionary) -> None:
    """Replace the writer's document information dictionary (pypdf's add_metadata can only add
    text entries: /Trapped must stay a name)."""
    writer._info = dictionary
