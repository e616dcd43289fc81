"""Print imposition: saddle-stitched booklets and crop marks (pypdf only).

Sizes are in PostScript points (1 pt = 1/72 in). Page numbers are 1-based.

Duplex orientation (short-edge flip)
------------------------------------
A booklet sheet is printed landscape on both sides and turned over its
SHORT edge ("flip on short edge" / "short-edge binding" in printer
drivers). Turning a landscape sheet over its short edge is a rotation
about the vertical axis: the top edge stays on top and only left and
right swap. So the back side needs NO rotation: it is imposed upright,
exactly like the front, without /Rotate. What lies behind the right half
of the front is the left half of the back, which is why booklet_order
gives (n, 1) on the front of sheet 1 and (2, n-1) on its back: page 2
is behind page 1, page n-1 behind page n.

(Had the sheet to be turned over its LONG edge, the back would come out
upside down and would need a 180 degree rotation; this module does not
support that mode.)
"""
from __future__ import annotations

import hashlib
import re

from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.generic import (ArrayObject, ByteStringObject, DecodedStreamObject, DictionaryObject,
                           FloatObject, NameObject, PdfObject, RectangleObject, StreamObject,
                           TextStringObject)

from ..typeset import adapters

MM = 72 / 25.4

# Landscape sheet sizes (width, height).
SHEETS = {
    "A3": (420 * MM, 297 * MM),
    "A4": (297 * MM, 210 * MM),
}
# Portrait page sizes that `scale_to` may name.
PAGES = {
    "A4": (210 * MM, 297 * MM),
    "A5": (148 * MM, 210 * MM),
}
# Sheets for a print shop keep the pages' bleed on their outer edges; office sheets do not
# (an office printer cannot print to the edge, and nobody trims the sheet).
KEEPS_BLEED = {"A3": True, "A4": False}

FIT_TOLERANCE_PT = 0.5

CROP_MARK_OFFSET_PT = 3.0       # gap between the bleed edge and a mark
CROP_MARK_LENGTH_PT = 5 * MM    # 5 mm
CROP_MARK_WIDTH_PT = 0.25


# --------------------------------------------------------------- booklet


def booklet_order(n: int) -> list[tuple[int | None, int | None]]:
    """Sheet sides of an n-page saddle-stitched booklet, in print order.

    Each side is (left, right); pages past n (padding up to a multiple
    of 4) are None. Front of sheet 1: (n, 1), its back: (2, n-1), front
    of sheet 2: (n-2, 3), its back: (4, n-3), ... (n padded).
    """
    if n < 1:
        raise ValueError(f"a booklet needs at least one page, got {n}")
    total = -(-n // 4) * 4

    def page(p: int) -> int | None:
        return p if p <= n else None

    sides = []
    for i in range(total // 4):
        low, high = 2 * i + 1, total - 2 * i
        sides.append((page(high), page(low)))            # front (outer)
        sides.append((page(low + 1), page(high - 1)))    # back (inner)
    return sides


def impose_booklet(src, dst, sheet="A3", scale_to=None, bleed_pt=0, keep_bleed=None,
                   crop_marks=False):
    """Impose the pages of `src` as a saddle-stitched booklet into `dst`.

    Two pages per landscape sheet side, in booklet_order(); padding
    positions stay empty. Back sides are upright, for duplex printing
    with short-edge flip (see the module docstring).

    sheet: "A3" (A4 pages, for a print shop or an A3 printer) or "A4"
    (A5 pages, for office duplex printers). Pages are placed at 100 %:
    the page size chooses the sheet, never a scale, and a page that does
    not fit half the sheet is a ValueError (impose the A5 edition on A4).
    scale_to: None (100 %), a number (the scale factor) or a page size
    name from PAGES ("A5": fit pages to A5).
    bleed_pt: only for sources without a /TrimBox: the bleed to cut off
    each side of the MediaBox. A /TrimBox, when present, wins.
    keep_bleed: keep each page's bleed (its /BleedBox) on the sheet's
    outer edges, none at the fold; the sheet's TrimBox is then the
    spread, its BleedBox the spread plus the bleed on all four sides.
    Default: KEEPS_BLEED[sheet]. crop_marks: with keep_bleed, the eight
    crop marks outside the bleed, as add_crop_marks() draws them.

    The left page is set flush against the fold from the left, the right
    page from the right, both centred vertically. Page content is copied,
    no annotations or outlines; the title, language, document information
    and XMP metadata come from the source, and so does its PDF/X output
    intent (the booklet is then PDF/X-4 too: PDF 1.6, else PDF 1.4, the
    first version with the transparency the pages use).
    """
    width, height = SHEETS[sheet]
    reader = PdfReader(src)
    keep_bleed = KEEPS_BLEED[sheet] if keep_bleed is None else keep_bleed
    bleed = _source_bleed(reader.pages, bleed_pt) if keep_bleed else 0.0
    margin = CROP_MARK_OFFSET_PT + CROP_MARK_LENGTH_PT if crop_marks and keep_bleed else 0.0
    edge = bleed + margin
    spread = RectangleObject((edge, edge, edge + width, edge + height))
    writer = PdfWriter()
    forms = {}
    for pair in booklet_order(len(reader.pages)):
        side = writer.add_page(PageObject.create_blank_page(None, width + 2 * edge,
                                                            height + 2 * edge))
        side.trimbox, side.bleedbox = spread, _grow(spread, bleed)
        drawing = []
        for slot, number in enumerate(pair):
            if number is None:
                continue
            page = reader.pages[number - 1]
            if (number, slot) not in forms:
                visible = _visible_box(page, slot, bleed, bleed_pt)
                forms[number, slot] = _form(writer, page, visible)
            name = f"/P{number}"
            _add_xobject(side, name, forms[number, slot])
            scale = _scale(page, sheet, scale_to, bleed_pt)
            drawing.append(_placement(spread, page, slot, scale, bleed_pt, name))
        if margin:
            marks = _crop_marks(spread, bleed, CROP_MARK_OFFSET_PT, CROP_MARK_LENGTH_PT)
            drawing.append(marks.decode("ascii"))
        _set_contents(writer, side, "\n".join(drawing).encode())
    identity = f"{reader.trailer.get('/ID')} {sheet} {scale_to} {bleed:.3f} {margin:.3f}"
    _describe(writer, reader, hashlib.sha256(identity.encode()).hexdigest())
    writer.compress_identical_objects(remove_duplicates=True, remove_unreferenced=True)
    _identify(writer, identity.encode())
    writer.write(dst)


def _source_bleed(pages, bleed_pt: float) -> float:
    """The bleed every page of the source has on all sides: its BleedBox beyond its TrimBox
    (bleed_pt for a page without a TrimBox)."""
    found = []
    for page in pages:
        if "/TrimBox" not in page:
            found.append(bleed_pt)
            continue
        trim, box = page.trimbox, page.bleedbox
        found.append(min(float(trim.left) - float(box.left),
                         float(trim.bottom) - float(box.bottom),
                         float(box.right) - float(trim.right),
                         float(box.top) - float(trim.top)))
    return max(0.0, min(found))


def _visible_box(page: PageObject, slot: int, bleed: float, bleed_pt: float):
    """The part of the page drawn on the sheet: its trim box, grown by the bleed on every side
    but the fold (the right side of a left page, the left side of a right page)."""
    left, bottom, right, top = (float(v) for v in _trim_box(page, bleed_pt))
    if slot == 0:
        return RectangleObject((left - bleed, bottom - bleed, right, top + bleed))
    return RectangleObject((left, bottom - bleed, right + bleed, top + bleed))


def _describe(writer: PdfWriter, reader: PdfReader, digest: str) -> None:
    """Title, language, document information and XMP from the source; its output intent and
    PDF version when it is PDF/X. The XMP keeps its PDF/X identification (the booklet keeps what
    PDF/X asks: the output intent, trim and bleed boxes, no annotations) but not a PDF/UA claim
    (the booklet is not tagged), and gets a document ID of its own."""
    root = reader.root_object
    info = reader.trailer.get("/Info")
    if info is not None:
        adapters.set_info(writer, info.get_object().clone(writer))   # keeps /Trapped a name
        producer = str(info.get_object().get("/Producer", "")).strip()
        adapters.info(writer)[NameObject("/Producer")] = TextStringObject(
            f"{producer}; imposed with pypdf" if producer else "pypdf")
    for key in ("/Lang", "/ViewerPreferences"):
        if key in root:
            writer.root_object[NameObject(key)] = root[key].clone(writer)
    if "/Metadata" in root:
        xmp = _stream(root["/Metadata"]).get_data()
        xmp = re.sub(rb'\s*pdfuaid:part(?:="\d+"|>\d+</pdfuaid:part>)', b"", xmp)
        xmp = re.sub(rb"xmp\.did:[0-9a-f-]{36}", f"xmp.did:{_uuid(digest)}".encode(), xmp)
        writer.xmp_metadata = xmp
        _stream(writer.root_object["/Metadata"]).update({
            NameObject("/Type"): NameObject("/Metadata"),
            NameObject("/Subtype"): NameObject("/XML")})
    intents = root.get("/OutputIntents")
    if intents:
        writer.root_object[NameObject("/OutputIntents")] = intents.clone(writer)
    writer.pdf_header = "%PDF-1.6" if intents else "%PDF-1.4"


def _stream(metadata: PdfObject) -> StreamObject:
    if not isinstance(metadata, StreamObject):
        raise ValueError(f"the PDF's /Metadata is a {type(metadata).__name__}, not a stream")
    return metadata


def _uuid(digest: str) -> str:
    return f"{digest[:8]}-{digest[8:12]}-{digest[12:16]}-{digest[16:20]}-{digest[20:32]}"


def _form(writer: PdfWriter, page: PageObject, trim: RectangleObject):
    """The page as a Form XObject whose bounding box is its trim box, so drawing it crops
    the bleed away. Each page is copied once, without parsing its drawing operators."""
    form = DecodedStreamObject()
    contents = page.get_contents()          # None: a blank page (/Contents is optional)
    form.set_data(contents.get_data() if contents is not None else b"")
    form.update({
        NameObject("/Type"): NameObject("/XObject"),
        NameObject("/Subtype"): NameObject("/Form"),
        NameObject("/BBox"): ArrayObject([FloatObject(v) for v in
                                          (trim.left, trim.bottom, trim.right, trim.top)]),
        NameObject("/Resources"): page["/Resources"].clone(writer),
    })
    return adapters.add_object(writer, form.flate_encode())


def _add_xobject(side: PageObject, name: str, form) -> None:
    resources = side.setdefault(NameObject("/Resources"), DictionaryObject())
    xobjects = resources.setdefault(NameObject("/XObject"), DictionaryObject())
    xobjects[NameObject(name)] = form


def _set_contents(writer: PdfWriter, side: PageObject, operators: bytes) -> None:
    stream = DecodedStreamObject()
    stream.set_data(operators)
    side[NameObject("/Contents")] = adapters.add_object(writer, stream.flate_encode())


def _identify(writer: PdfWriter, source: bytes) -> None:
    """A file identifier made from the source, not from chance: same input, same bytes."""
    digest = ByteStringObject(hashlib.sha256(source).digest()[:16])
    adapters.set_identifier(writer, ArrayObject([digest, digest]))


def _trim_box(page: PageObject, bleed_pt: float) -> RectangleObject:
    """The page's /TrimBox, else its MediaBox less bleed_pt on each side."""
    if "/TrimBox" in page:
        return page.trimbox
    box = page.mediabox
    return RectangleObject((box.left + bleed_pt, box.bottom + bleed_pt,
                            box.right - bleed_pt, box.top - bleed_pt))


def _scale(page: PageObject, sheet: str, scale_to, bleed_pt: float) -> float:
    """Scale factor for `page`; ValueError if it does not fit a half sheet."""
    trim = _trim_box(page, bleed_pt)
    if scale_to is None:
        scale = 1.0
    elif isinstance(scale_to, str):
        page_w, page_h = PAGES[scale_to]
        scale = min(page_w / float(trim.width), page_h / float(trim.height))
    else:
        scale = float(scale_to)
    width, height = SHEETS[sheet]
    if (scale * float(trim.width) > width / 2 + FIT_TOLERANCE_PT
            or scale * float(trim.height) > height + FIT_TOLERANCE_PT):
        raise ValueError(f"page {float(trim.width) / MM:.0f} x {float(trim.height) / MM:.0f} mm "
                         f"at {scale:.0%} does not fit half of an {sheet} sheet (impose pages "
                         f"of half the sheet: A5 on A4, A4 on A3)")
    return scale


def _placement(spread: RectangleObject, page: PageObject, slot: int, scale: float,
               bleed_pt: float, name: str) -> str:
    """Operators drawing the page's form into the left (0) or right (1) half of the spread:
    flush against the fold, centred vertically."""
    trim = _trim_box(page, bleed_pt)
    fold = (float(spread.left) + float(spread.right)) / 2
    page_w, page_h = scale * float(trim.width), scale * float(trim.height)
    x = fold - page_w if slot == 0 else fold
    y = float(spread.bottom) + (float(spread.height) - page_h) / 2
    e, f = x - scale * float(trim.left), y - scale * float(trim.bottom)
    return f"q {scale:.6f} 0 0 {scale:.6f} {e:.4f} {f:.4f} cm {name} Do Q"


def add_crop_marks(src, dst, bleed_pt, offset_pt=None, length_pt=None):
    """Add the eight corner crop marks to every page of `src`, into `dst`.

    The pages must have MediaBox = BleedBox = TrimBox + bleed_pt on each
    side (WeasyPrint with `@page { bleed: ... }`); ValueError otherwise.
    The MediaBox (and CropBox) grow by offset_pt + length_pt on each
    side, i.e. to TrimBox + bleed_pt + offset_pt + length_pt; TrimBox and
    BleedBox stay where they were. The marks lie on the lines extending
    the trim edges, start offset_pt (default 3 pt) beyond the bleed edge,
    are length_pt (default 5 mm) long and 0.25 pt wide, stroked in 100 %
    K ("0 0 0 1 K"). The original content is wrapped in q ... Q and the
    marks follow as a separate content stream.
    """
    offset = CROP_MARK_OFFSET_PT if offset_pt is None else offset_pt
    length = CROP_MARK_LENGTH_PT if length_pt is None else length_pt
    writer = PdfWriter(clone_from=src)
    for page in writer.pages:
        trim, bleed = _check_bleed(page, bleed_pt)
        media = _grow(bleed, offset + length)
        page.trimbox, page.bleedbox = trim, bleed
        page.mediabox, page.cropbox = media, media
        _append_content(page, _crop_marks(trim, bleed_pt, offset, length))
    writer.write(dst)


def _grow(box: RectangleObject, margin: float) -> RectangleObject:
    return RectangleObject((float(box.left) - margin, float(box.bottom) - margin,
                            float(box.right) + margin, float(box.top) + margin))


def _check_bleed(page: PageObject, bleed_pt: float):
    """(TrimBox, BleedBox) copies; ValueError unless MediaBox = trim + bleed."""
    trim = RectangleObject(page.trimbox)
    bleed = _grow(trim, bleed_pt)
    if any(abs(float(a) - float(b)) > FIT_TOLERANCE_PT
           for a, b in zip(page.mediabox, bleed)):
        raise ValueError(f"MediaBox {list(page.mediabox)} is not TrimBox "
                         f"{list(trim)} + {bleed_pt} pt bleed")
    return trim, bleed


def crop_mark_segments(trim, bleed_pt, offset_pt, length_pt):
    """The eight crop marks as ((x1, y1), (x2, y2)) line segments."""
    left, bottom, right, top = (float(v) for v in trim)
    near, far = bleed_pt + offset_pt, bleed_pt + offset_pt + length_pt
    segments = []
    for x, sx in ((left, -1), (right, 1)):
        for y, sy in ((bottom, -1), (top, 1)):
            segments.append(((x + sx * near, y), (x + sx * far, y)))  # horizontal
            segments.append(((x, y + sy * near), (x, y + sy * far)))  # vertical
    return segments


def _crop_marks(trim, bleed_pt, offset_pt, length_pt) -> bytes:
    """Content stream operators drawing the crop marks in 100 % K."""
    lines = [f"q 0 0 0 1 K {CROP_MARK_WIDTH_PT:g} w"]
    for (x1, y1), (x2, y2) in crop_mark_segments(trim, bleed_pt, offset_pt, length_pt):
        lines.append(f"{x1:.3f} {y1:.3f} m {x2:.3f} {y2:.3f} l S")
    lines.append("Q")
    return ("\n".join(lines) + "\n").encode("ascii")


def _append_content(page: PageObject, operators: bytes) -> None:
    """Wrap the page content in q ... Q and append `operators` after it."""
    parts = ArrayObject()
    original = page.get_contents()
    if original is not None:
        original.isolate_graphics_state()
        parts.append(original.flate_encode())
    extra = DecodedStreamObject()
    extra.set_data(operators)
    parts.append(extra)
    page.replace_contents(parts)
