"""Finishing touches on the PDF as WeasyPrint writes it: the language of each part."""
from __future__ import annotations

import re

import pydyf

LANG_TAGS = {"pl": "pl-PL", "en": "en-GB"}


def part_languages(languages, part_starts):
    """A WeasyPrint finisher declaring each language part of a volume in its own language.

    WeasyPrint 70.0 writes /Lang only on the catalog, from <html lang>, and makes one /Art
    structure element per page of an <article>. Each /Art gets the /Lang of the part its page
    belongs to (part_starts: the first page of each part, 1-based), or a screen reader would
    read the English part with Polish rules. Done while WeasyPrint writes, so the PDF is not
    parsed and written a second time.
    """
    def finisher(document, pdf):
        page_langs = {}
        for number, reference in enumerate(pdf.page_references, start=1):
            started = [lang for lang, start in zip(languages, part_starts) if start <= number]
            if started:
                page_langs[reference] = started[-1]
        tagged = 0
        for obj in pdf.objects:
            if isinstance(obj, pydyf.Dictionary) and obj.get("S") == "/Art":
                lang = page_langs.get(obj.get("Pg"))
                if lang:
                    obj["Lang"] = pydyf.String(LANG_TAGS[lang])
                    tagged += 1
        if not tagged:
            raise ValueError("no /Art structure element to tag: is the PDF tagged (pdf/ua-1)?")
    return finisher if len(languages) > 1 else None


def stable_document_id(digest: str):
    """A finisher that replaces the random xmpMM:DocumentID WeasyPrint writes into PDF/X
    metadata with one derived from the content, so that identical input gives identical bytes."""
    def finisher(document, pdf):
        for obj in pdf.objects:
            if isinstance(obj, pydyf.Stream) and obj.extra.get("Type") == "/Metadata":
                obj.stream = [re.sub(rb"xmp\.did:[0-9a-f-]{36}",
                                     f"xmp.did:{digest[:8]}-{digest[8:12]}-{digest[12:16]}-"
                                     f"{digest[16:20]}-{digest[20:32]}".encode(), part)
                              if isinstance(part, bytes) else part for part in obj.stream]
    return finisher


def chain(*finishers):
    """One finisher running the given ones (None entries skipped) in order."""
    active = [f for f in finishers if f is not None]
    if not active:
        return None

    def finisher(document, pdf):
        for each in active:
            each(document, pdf)
    return finisher


def structure_elements(reader):
    """Structure elements of a pypdf reader, depth first, in document order (for tests)."""
    tree = reader.trailer["/Root"].get("/StructTreeRoot")
    stack = [tree.get_object()] if tree is not None else []
    while stack:
        node = stack.pop()
        kids = node.get("/K")
        kids = kids if isinstance(kids, list) else [kids] if kids is not None else []
        children = [k.get_object() for k in kids
                    if hasattr(k.get_object(), "get") and k.get_object().get("/S") is not None]
        yield from children
        stack.extend(reversed(children))
