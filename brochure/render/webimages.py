"""The pictures of the web edition: output/web/ carries every picture its pages show.

The HTML the PDFs are typeset from names a picture as `content/<path>` (the sandboxed fetcher
serves it); a web page cannot. Each picture a page shows is read through the sandbox, downsized
to the widths a browser may ask for (WIDTHS, never wider than the picture itself) and written
to output/web/img/, and its <img> gets `srcset` and `sizes`, so that a phone loads the small
copy. A raster picture is re-encoded with Pillow with fixed settings (its EXIF orientation
applied, its metadata dropped): the same bytes at every build. An SVG, already checked to be
self-contained (content/images.py), is copied as it is. Each file is named after a digest of
the picture's bytes: a picture replaced under the same name gets a new name.
"""
from __future__ import annotations

import hashlib
import html as html_lib
import io
import re
from pathlib import Path
from urllib.parse import unquote

from ..content.images import RASTER_FORMATS
from ..content.source import inside

FOLDER = "img"                       # under output/web/
WIDTHS = (400, 800, 1600)            # CSS px: half, full, full on a high-density screen
DEFAULT_WIDTH = 800                  # the src a browser without srcset loads
# the space a picture takes in the web page's column (46rem, styles/web.css)
SIZES = {"small": "(min-width: 46rem) 15rem, 33vw", "half": "(min-width: 46rem) 23rem, 50vw",
         "full": "(min-width: 46rem) 46rem, 100vw"}
JPEG_QUALITY = 82
_PICTURE = re.compile(r'(?:<figure class="picture (\w+)[^"]*">)?<img\b[^>]*>')
_ATTRIBUTE = re.compile(r'\s([a-z-]+)="([^"]*)"')


def with_pictures(html: str, root, prefix: str, files: dict) -> str:
    """html with each `content/…` picture taken from output/web/img/ (prefix: the way from
    the page to output/web/, "" or "../"); the copies are added to files (path under
    output/web/ -> bytes)."""
    def picture(match: re.Match) -> str:
        tag = match.group(0)
        img = tag[tag.index("<img"):]
        attrs = dict(_ATTRIBUTE.findall(img))
        attrs.pop("data-source", None)                  # where it is written: not for readers
        src = html_lib.unescape(attrs.get("src", ""))
        if src.startswith("content/"):
            attrs.update(_copies(root, unquote(src[len("content/"):]), prefix, files,
                                 SIZES.get(match.group(1) or "", SIZES["full"])))
        rebuilt = "<img" + "".join(f' {name}="{value}"' for name, value in attrs.items()) + ">"
        return tag[:tag.index("<img")] + rebuilt
    return _PICTURE.sub(picture, html)


def _copies(root, path: str, prefix: str, files: dict, sizes: str) -> dict:
    """The attributes of a picture's copies: src, srcset, sizes, width, height."""
    root = Path(root)
    data = inside(root, root / path, f"{root.name}/{path}").read_bytes()
    digest = hashlib.sha256(data).hexdigest()[:16]
    if path.lower().endswith(".svg"):
        name = f"{FOLDER}/{digest}.svg"
        files[name] = data
        return {"src": html_lib.escape(prefix + name)}
    copies = resized(data)
    names = []
    for width, height, suffix, encoded in copies:
        name = f"{FOLDER}/{digest}-{width}.{suffix}"
        files[name] = encoded
        names.append((name, width, height))
    src = max((n for n in names if n[1] <= DEFAULT_WIDTH), key=lambda n: n[1], default=names[0])
    return {"src": html_lib.escape(prefix + src[0]),
            "srcset": ", ".join(f"{html_lib.escape(prefix + n)} {w}w" for n, w, _ in names),
            "sizes": sizes, "width": str(src[1]), "height": str(src[2])}


def resized(data: bytes) -> list:
    """(width, height, suffix, bytes) of each web copy of a raster picture, narrowest first:
    a JPEG stays a JPEG, anything else becomes a PNG."""
    from PIL import Image, ImageOps

    with Image.open(io.BytesIO(data), formats=RASTER_FORMATS) as original:
        jpeg = original.format == "JPEG"
        if jpeg:
            original.draft("RGB", (WIDTHS[-1], WIDTHS[-1]))     # decode at a reduced scale
        image = ImageOps.exif_transpose(original)
        image = image.convert("RGB") if jpeg else image.convert(
            "RGBA" if "A" in image.getbands() or "transparency" in image.info else "RGB")
    widths = [w for w in WIDTHS if w < image.width] + [min(image.width, WIDTHS[-1])]
    out = []
    for width in sorted(set(widths)):
        height = max(1, round(image.height * width / image.width))
        copy = image if width == image.width else image.resize((width, height), Image.Resampling.LANCZOS)
        buffer = io.BytesIO()
        if jpeg:
            copy.save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True)
        else:
            copy.save(buffer, "PNG", optimize=True)
        out.append((width, height, "jpg" if jpeg else "png", buffer.getvalue()))
    return out
