"""Check an image file before it is typeset: it must load, and an SVG must not reach outside.

WeasyPrint turns an image it cannot load into a log message and prints the page without it,
and its SVG code swallows the sandbox's refusal of a file the SVG refers to. So every image
of the content is opened here first: raster images with Pillow (decoded in full, at most
MAX_PIXELS), SVG with defusedxml (no DTD, no entities) and a walk over every element. An SVG
may refer only to itself (`#id`) and to `data:` URIs: any other href, `xml:base`, `@import`,
`url(...)` to a file, a stylesheet processing instruction, `<script>` or `<foreignObject>`
is refused.
"""
from __future__ import annotations

import re
import warnings
from pathlib import Path

MAX_PIXELS = 64_000_000          # 8,000 x 8,000: far beyond 300 dpi on an A3 sheet
MAX_SVG_BYTES = 20_000_000
_URL = re.compile(r"url\(\s*(['\"]?)\s*([^'\")\s]*)", re.I)
_FORBIDDEN_SVG = ("script", "foreignObject", "iframe", "object", "embed")


def problem(path: Path) -> str | None:
    """Why the image at path cannot be used, or None when it can."""
    if path.suffix.lower() == ".svg":
        return _svg_problem(path)
    return _raster_problem(path)


def _raster_problem(path: Path) -> str | None:
    from PIL import Image, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                width, height = image.size
                if width * height > MAX_PIXELS:
                    return (f"it is {width} x {height} pixels, more than {MAX_PIXELS:,} in all; "
                            f"scale it down (300 dpi at the printed size is enough)")
                image.load()
    except UnidentifiedImageError:
        return "it is not an image Pillow can read (is it a PNG, JPEG or GIF file at all?)"
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        return f"it has more than {MAX_PIXELS:,} pixels; scale it down"
    except (OSError, SyntaxError, ValueError, EOFError) as err:
        return f"it cannot be decoded ({err}); save it again from an image editor"
    return None


def _svg_problem(path: Path) -> str | None:
    from defusedxml import DefusedXmlException, ElementTree

    try:
        raw = path.read_bytes()
    except OSError as err:
        return f"it cannot be read ({err.strerror})"
    if len(raw) > MAX_SVG_BYTES:
        return f"it is larger than {MAX_SVG_BYTES // 1_000_000} MB"
    if re.search(rb"<\?xml-stylesheet", raw, re.I):
        return "it loads a stylesheet (<?xml-stylesheet ...?>); put the styles inside the SVG"
    try:
        root = ElementTree.fromstring(raw, forbid_dtd=True)
    except DefusedXmlException:
        return "it has a DOCTYPE or entities; save it as plain SVG (no DTD)"
    except ElementTree.ParseError as err:
        return f"it is not well-formed XML ({err})"
    for element in root.iter():
        found = _element_problem(element)
        if found:
            return found
    return None


def _element_problem(element) -> str | None:
    tag = element.tag.rsplit("}", 1)[-1] if isinstance(element.tag, str) else ""
    if tag in _FORBIDDEN_SVG:
        return f"it holds a <{tag}> element; an image in the brochure cannot hold code or HTML"
    for name, value in element.attrib.items():
        local = name.rsplit("}", 1)[-1]
        if local == "base":
            return 'it sets xml:base; remove it (references must stay inside the SVG)'
        if local == "href" and not value.strip().startswith(("#", "data:")):
            return (f'it refers to "{value[:80]}"; an SVG may refer only to its own parts '
                    f'(#id) or to data: URIs')
        found = _css_problem(value)
        if found:
            return found
    if tag == "style":
        return _css_problem(element.text or "", style=True)
    return None


def _css_problem(text: str, style=False) -> str | None:
    if style and "@import" in text.lower():
        return "its styles use @import; put the styles inside the SVG"
    for match in _URL.finditer(text):
        if not match.group(2).startswith(("#", "data:")):
            return (f'its styles refer to "{match.group(2)[:80]}"; an SVG may refer only to its '
                    f'own parts (url(#id))')
    return None
