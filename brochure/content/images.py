"""Check an image before it is typeset: it must load, and an SVG must not reach outside.

WeasyPrint turns an image it cannot load into a log message and prints the page without it,
and its SVG code swallows the sandbox's refusal of a file the SVG refers to. So every image
of the content is opened here first: raster images with Pillow (PNG, JPEG, GIF or WebP only,
decoded in full, at most MAX_PIXELS), SVG with defusedxml (no DTD, no entities) and a walk over
every element. An SVG may refer only to itself (`#id`) and to `data:` URIs: any other href,
`xml:base`, `@import`, `url(...)` to a file, a stylesheet processing instruction, `<script>`
or `<foreignObject>` is refused. A `data:` image inside an SVG is checked the same way, SVG in
SVG included (at most MAX_DEPTH deep), and the pixels of all the rasters an image holds count
together against MAX_PIXELS. The fetcher (typeset/fetch.py) checks every image it serves with
the same function, `data_problem`.
"""
from __future__ import annotations

import base64
import binascii
import io
import re
import warnings
from pathlib import Path
from urllib.parse import unquote_to_bytes

MAX_PIXELS = 64_000_000          # 8,000 x 8,000: far beyond 300 dpi on an A3 sheet
MAX_SVG_BYTES = 20_000_000
MAX_IMAGE_BYTES = 50_000_000     # an image file; the build warns far below (pictures.py)
MAX_DEPTH = 3                    # SVG images inside SVG images
RASTER_FORMATS = ("PNG", "JPEG", "GIF", "WEBP")      # what Pillow may decode: no EPS, no PSD...
IMAGE_MEDIA = {"image/png", "image/jpeg", "image/gif", "image/webp", "image/svg+xml"}
_URL = re.compile(r"url\(\s*(['\"]?)\s*([^'\")\s]*)", re.I)
_FORBIDDEN_SVG = ("script", "foreignObject", "iframe", "object", "embed")


class BadDataURI(ValueError):
    """A data: URI that cannot be decoded; the message says why."""


def problem(path: Path) -> str | None:
    """Why the image at path cannot be used, or None when it can."""
    try:
        if path.stat().st_size > MAX_IMAGE_BYTES:
            return (f"it is larger than {MAX_IMAGE_BYTES // 1_000_000} MB; save it smaller "
                    f"(300 dpi at the printed size is enough)")
        data = path.read_bytes()
    except OSError as err:
        return f"it cannot be read ({err.strerror})"
    return data_problem(data, "image/svg+xml" if path.suffix.lower() == ".svg" else None)


def data_problem(data: bytes, media: str | None = None, budget=None, depth: int = 0):
    """Why the image in data cannot be used, or None. media: its type when known (an SVG is
    recognised by it); budget: the pixels still allowed (shared by nested images)."""
    budget = budget if budget is not None else [MAX_PIXELS]
    if media == "image/svg+xml":
        return _svg_problem(data, budget, depth)
    return _raster_problem(data, budget)


def _raster_problem(data: bytes, budget: list) -> str | None:
    from PIL import ImageFile

    # WeasyPrint, once imported, lets Pillow load truncated images: not here
    lenient, ImageFile.LOAD_TRUNCATED_IMAGES = ImageFile.LOAD_TRUNCATED_IMAGES, False
    try:
        return _decoded_problem(data, budget)
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = lenient


def _decoded_problem(data: bytes, budget: list) -> str | None:
    from PIL import Image, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=RASTER_FORMATS) as image:
                width, height = image.size
                if width * height > budget[0]:
                    return (f"it is {width} x {height} pixels, more than {MAX_PIXELS:,} in all; "
                            f"scale it down (300 dpi at the printed size is enough)")
                budget[0] -= width * height
                image.load()
    except UnidentifiedImageError:
        return ("it is not an image Pillow can read as PNG, JPEG, GIF or WebP (is it an image "
                "at all?)")
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        return f"it has more than {MAX_PIXELS:,} pixels; scale it down"
    except (OSError, SyntaxError, ValueError, EOFError) as err:
        return f"it cannot be decoded ({err}); save it again from an image editor"
    return None


def _svg_problem(raw: bytes, budget: list, depth: int) -> str | None:
    from defusedxml import DefusedXmlException, ElementTree

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
        found = _element_problem(element, budget, depth)
        if found:
            return found
    return None


def _element_problem(element, budget, depth) -> str | None:
    tag = element.tag.rsplit("}", 1)[-1] if isinstance(element.tag, str) else ""
    if tag in _FORBIDDEN_SVG:
        return f"it holds a <{tag}> element; an image in the brochure cannot hold code or HTML"
    for name, value in element.attrib.items():
        local = name.rsplit("}", 1)[-1]
        if local == "base":
            return 'it sets xml:base; remove it (references must stay inside the SVG)'
        if local == "href":
            reference = value.strip()
            if reference.lower().startswith("data:"):
                found = _embedded_problem(reference, budget, depth)
            elif reference.startswith("#"):
                found = None
            else:
                found = (f'it refers to "{value[:80]}"; an SVG may refer only to its own parts '
                         f'(#id) or to data: URIs')
            if found:
                return found
        found = _css_problem(value, budget, depth)
        if found:
            return found
    if tag == "style":
        return _css_problem(element.text or "", budget, depth, style=True)
    return None


def _css_problem(text: str, budget, depth, style=False) -> str | None:
    if style and "@import" in text.lower():
        return "its styles use @import; put the styles inside the SVG"
    for match in _URL.finditer(text):
        reference = match.group(2)
        if reference.lower().startswith("data:"):
            found = _embedded_problem(reference, budget, depth)
            if found:
                return found
        elif not reference.startswith("#"):
            return (f'its styles refer to "{reference[:80]}"; an SVG may refer only to its '
                    f'own parts (url(#id))')
    return None


def _embedded_problem(uri: str, budget, depth) -> str | None:
    """A data: image inside an SVG: checked as a file would be, SVG in SVG included."""
    try:
        data, media = decode_data_uri(uri)
    except BadDataURI as err:
        return f"it holds a data: URI that {err}"
    media = media.split(";", 1)[0].strip().lower()
    if media not in IMAGE_MEDIA:
        return (f'it holds a data: URI of type "{media[:40]}"; an SVG may embed only PNG, '
                f'JPEG, GIF, WebP or SVG images')
    if media == "image/svg+xml" and depth + 1 > MAX_DEPTH:
        return f"it nests SVG images more than {MAX_DEPTH} deep"
    found = data_problem(data, media, budget, depth + 1)
    return f"an image embedded in it: {found}" if found else None


def decode_data_uri(url: str) -> tuple[bytes, str]:
    """A data: URI -> (bytes, media type); BadDataURI when it is malformed."""
    header, comma, payload = url[len("data:"):].partition(",")
    if not comma:
        raise BadDataURI('needs a ","')
    params = [p.strip() for p in header.split(";")]
    is_base64 = params[-1].lower() == "base64"
    if is_base64:
        params.pop()
    media = ";".join(params) or "text/plain;charset=US-ASCII"
    data = unquote_to_bytes(payload)
    if is_base64:
        try:
            data = base64.b64decode(b"".join(data.split()), validate=True)
        except (binascii.Error, ValueError):
            raise BadDataURI("has base64 data that is not valid") from None
    return data, media
