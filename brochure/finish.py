"""pypdf post-processing of a typeset PDF: per-part languages in the structure tree."""
from __future__ import annotations

import io

from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject, TextStringObject

LANG_TAGS = {"pl": "pl-PL", "en": "en-GB"}


def finish(pdf: bytes, languages) -> bytes:
    """Declare each language part (a top-level /Art, in volume order) in its own language.

    WeasyPrint 70.0 writes /Lang only on the catalog, from <html lang>; the bilingual volume
    needs the English part's structure element to say en-GB, or a screen reader reads it
    with Polish rules.
    """
    if len(languages) < 2:
        return pdf
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    parts = [e for e in structure_elements(writer) if e.get("/S") == "/Art"]
    if len(parts) != len(languages):
        raise ValueError(f"expected {len(languages)} language parts in the structure tree, "
                         f"found {len(parts)}")
    for element, lang in zip(parts, languages):
        element[NameObject("/Lang")] = TextStringObject(LANG_TAGS[lang])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def structure_elements(pdf):
    """Structure elements of a PdfReader or PdfWriter, depth first, in document order."""
    root = pdf.root_object if hasattr(pdf, "root_object") else pdf.trailer["/Root"]
    tree = root.get("/StructTreeRoot")
    if tree is None:
        return
    stack = [tree.get_object()]
    while stack:
        node = stack.pop()
        kids = node.get("/K")
        if kids is None:
            continue
        kids = kids if isinstance(kids, list) else [kids]
        children = [k.get_object() for k in kids if hasattr(k.get_object(), "get")
                    and k.get_object().get("/S") is not None]
        yield from children
        stack.extend(reversed(children))
