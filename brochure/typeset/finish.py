"""Finishing touches on the PDF as WeasyPrint writes it (WeasyPrint finishers on pydyf objects):
the language of each part, link descriptions, stable identifiers, and the PDF/X-4 press finish."""
from __future__ import annotations

import io
import re
import time

import pydyf

from . import adapters
from ..languages import get as get_language


def part_languages(languages, part_starts, back_cover):
    """A WeasyPrint finisher declaring each language part of a volume in its own language.

    WeasyPrint 70.0 writes /Lang only on the catalog, from <html lang>. Every top-level
    structure element of a page of a part (whatever its type: WeasyPrint makes them per page)
    gets the /Lang of the part that page belongs to (part_starts: the first page of each part,
    1-based; the back cover starts at page back_cover). On the covers, which hold every
    language, each language is an <article> (/Art) of its own, in volume order. Without this a
    screen reader would read the English text with Polish rules.
    """
    def finisher(document, pdf):
        page_langs = _page_languages(pdf, languages, part_starts, back_cover)
        for element in _top_level_elements(pdf):
            lang = page_langs.get(element.get("Pg"))
            if lang is not None:
                element["Lang"] = pydyf.String(get_language(lang).tag)
        on_cover = {}
        for obj in _art_elements(pdf):
            page = obj.get("Pg")
            if page_langs.get(page) is None:     # a cover: its articles come one per language
                order = on_cover.setdefault(page, 0)
                on_cover[page] = order + 1
                obj["Lang"] = pydyf.String(get_language(languages[order % len(languages)]).tag)
    return finisher if len(languages) > 1 else None


def span_languages(document, pdf):
    """A finisher giving the /Span of every <span lang> its /Lang (WeasyPrint 70.0 writes /Lang
    only on the catalog): the bilingual cover names each network in both languages on one line.

    WeasyPrint makes one structure element per box, in box order, page by page; the spans of a
    page's boxes and the /Span elements of that page (those holding no marked content of their
    own) are therefore in the same order. Run it before tagging.repair_structure, which empties
    elements. A page where the two counts differ is left alone."""
    from weasyprint.formatting_structure import boxes

    def spans(box):
        box = adapters.placed_box(box)
        tag = None if box.element is None else box.element_tag
        if adapters.pdf_tag(tag) == "Span" and not isinstance(
                box, (boxes.PageBox, boxes.MarginBox, boxes.LineBox, boxes.TextBox)):
            yield box.element.get("lang")
        children = getattr(box, "children", ())
        if tag == "table" and getattr(box, "is_table_wrapper", False) and box.get_wrapped_table():
            table = box.get_wrapped_table()       # tagged as the table, its captions inside
            children = [c for child in children for c in (child.children if child is table
                                                          else [child])]
        for child in children:
            yield from spans(child)

    elements = {}
    for obj in pdf.objects:
        if isinstance(obj, pydyf.Dictionary) and obj.get("S") == "/Span" and \
                not any(isinstance(kid, int) for kid in obj.get("K", ())):
            elements.setdefault(obj.get("Pg"), []).append(obj)
    for page, reference in zip(document.pages, pdf.page_references):
        langs, found = list(spans(adapters.page_box(page))), elements.get(reference, [])
        if len(langs) != len(found):
            continue
        for lang, element in zip(langs, found):
            if lang:
                element["Lang"] = pydyf.String(lang)


def _top_level_elements(pdf):
    """The children of the /Document structure element."""
    root = _resolve(pdf, pdf.catalog.get("StructTreeRoot"))
    if root is None:
        return
    document = _resolve(pdf, root["K"][0])
    for reference in document.get("K", []):
        element = _resolve(pdf, reference)
        if isinstance(element, pydyf.Dictionary) and element.get("S"):
            yield element


def _page_languages(pdf, languages, part_starts, back_cover) -> dict:
    langs = {}
    for number, reference in enumerate(pdf.page_references, start=1):
        started = [lang for lang, start in zip(languages, part_starts) if start <= number]
        if started and number < back_cover:
            langs[reference] = started[-1]
    return langs


def _art_elements(pdf):
    for obj in pdf.objects:
        if isinstance(obj, pydyf.Dictionary) and obj.get("S") == "/Art":
            yield obj


def link_descriptions(titles):
    """A finisher giving each internal link a readable /Contents (the title of the section it
    leads to) instead of the target's id, which WeasyPrint 70.0 writes and screen readers read."""
    def finisher(document, pdf):
        for obj in pdf.objects:
            if isinstance(obj, pydyf.Dictionary) and obj.get("Subtype") == "/Link":
                target = (_string_value(obj.get("Contents")) or "").lstrip("#")
                if target in titles:
                    obj["Contents"] = pydyf.String(titles[target])
    return finisher


def _string_value(value):
    """The text of a pydyf String (or None)."""
    return getattr(value, "string", None) if value is not None else None


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


# Characterised printing conditions of the ICC registry (https://www.color.org), by the name
# their profiles carry in their description.
REGISTERED_CONDITIONS = {
    "FOGRA39": "Coated FOGRA39 (ISO 12647-2:2004)",
    "FOGRA51": "PSO Coated v3 (ISO 12647-2:2013), FOGRA51",
    "FOGRA52": "PSO Uncoated v3 (ISO 12647-2:2013), FOGRA52",
}
ICC_REGISTRY = "http://www.color.org"
# XMP properties PDF/X-1a and PDF/X-3 define and PDF/X-4 does not (WeasyPrint writes them all).
PDFX3_ONLY = re.compile(rb"<pdfx:GTS_PDFX(?:Version|Conformance)>[^<]*</pdfx:GTS_PDFX\w+>")


def press_ready(document, pdf):
    """A finisher for the PDF/X-4 print editions: no annotations (links mean nothing on paper,
    and preflight rejects annotations inside the bleed box), an output intent naming its
    characterised printing condition, XMP identification as PDF/X-4 only, and pictures in
    an ICC-based sRGB (a device RGB picture is not allowed beside a CMYK output intent)."""
    _drop_annotations(pdf)
    _rgb_pictures_in_srgb(pdf)
    for intent in _output_intents(pdf):
        _register_condition(pdf, intent)
    for obj in pdf.objects:
        if isinstance(obj, pydyf.Stream) and obj.extra.get("Type") == "/Metadata":
            obj.stream = [PDFX3_ONLY.sub(b"", part) if isinstance(part, bytes) else part
                          for part in obj.stream]


def cut_to_trim(document, pdf):
    """A finisher for the screen editions: every page cut to its trim box. (The layout has the
    bleed of the print editions, which a reader on screen must not see.)"""
    for reference in pdf.page_references:
        page = pdf.objects[int(reference.split()[0])]
        if "TrimBox" in page:
            page["MediaBox"] = page["BleedBox"] = page["TrimBox"]


def _drop_annotations(pdf):
    for reference in pdf.page_references:
        page = pdf.objects[int(reference.split()[0])]
        for annotation in page.pop("Annots", None) or []:
            target = _resolve(pdf, annotation)
            if target is not None:
                target.clear()          # unreferenced now: written as an empty dictionary


def _rgb_pictures_in_srgb(pdf):
    """Tag every DeviceRGB image with an ICC-based sRGB colour space (one profile, shared):
    the pixels stay as they are, the press's RIP converts them to its CMYK."""
    images = [obj for obj in pdf.objects if isinstance(obj, pydyf.Stream)
              and obj.extra.get("Subtype") == "/Image" and obj.extra.get("ColorSpace") == "/DeviceRGB"]
    if not images:
        return
    profile = pydyf.Stream([srgb_profile()], {"N": 3, "Alternate": "/DeviceRGB"}, compress=True)
    pdf.add_object(profile)
    for image in images:
        image.extra["ColorSpace"] = pydyf.Array(["/ICCBased", profile.reference])


def srgb_profile() -> bytes:
    """LittleCMS's sRGB profile with a fixed creation date (else every PDF would differ)."""
    import struct

    from PIL import ImageCms

    data = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    return data[:24] + struct.pack(">6H", 2000, 1, 1, 0, 0, 0) + data[36:]


def _output_intents(pdf):
    for intent in pdf.catalog.get("OutputIntents") or []:
        intent = _resolve(pdf, intent) if isinstance(intent, bytes) else intent
        if isinstance(intent, pydyf.Dictionary):
            yield intent


def _register_condition(pdf, intent):
    """OutputConditionIdentifier, OutputCondition and RegistryName from the profile's own
    description: a registered condition when it names one, else "Custom" (PDF/X-4 allows it,
    with the profile embedded, which it always is here)."""
    profile = _resolve(pdf, intent.get("DestOutputProfile"))
    description = profile_description(b"".join(
        part for part in profile.stream if isinstance(part, bytes))) if profile else ""
    known = next((key for key in REGISTERED_CONDITIONS if key in description.upper()), None)
    if known:
        intent["OutputConditionIdentifier"] = pydyf.String(known)
        intent["OutputCondition"] = pydyf.String(REGISTERED_CONDITIONS[known])
        intent["RegistryName"] = pydyf.String(ICC_REGISTRY)
    else:
        intent["OutputConditionIdentifier"] = pydyf.String("Custom")
        intent["OutputCondition"] = pydyf.String(description or "Custom CMYK condition")
        intent.pop("RegistryName", None)
    intent["Info"] = pydyf.String(description or intent["OutputCondition"].string)


def profile_description(data: bytes) -> str:
    """The description an ICC profile gives itself ("" if it cannot be read)."""
    from PIL import ImageCms

    try:
        return ImageCms.ImageCmsProfile(io.BytesIO(data)).profile.profile_description or ""
    except (OSError, ValueError):
        return ""


def _resolve(pdf, reference):
    if isinstance(reference, bytes) and reference.endswith(b" R"):
        return pdf.objects[int(reference.split()[0])]
    return None


def chain(*finishers):
    """One finisher running the given ones (None entries skipped) in order."""
    active = [f for f in finishers if f is not None]
    if not active:
        return None

    def finisher(document, pdf):
        for each in active:
            each(document, pdf)
    return finisher


def timed(finisher):
    """The finisher, counting the seconds it takes in its .seconds."""
    def run(document, pdf):
        start = time.perf_counter()
        if finisher is not None:
            finisher(document, pdf)
        run.seconds += time.perf_counter() - start
    run.seconds = 0.0
    return run


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
