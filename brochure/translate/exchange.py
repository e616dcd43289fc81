"""The units as exchange files for translators, and back: XLIFF 2.0 (lxml), XLIFF 1.2
(translate-toolkit) and PO (polib).

Placeholders: XLIFF 2 `<pc>` around emphasis and link texts and `<ph/>` for the rest, the
Markdown they stand for in `<originalData>`; XLIFF 1.2 `<g>` and `<x/>`; PO visible tokens
`<1>…</1>` and `<2/>`, explained in the entry's comment.

Reading gives, per unit, an Incoming: the file's name and line (for messages), the ids, the
source and target parts and whether the translator confirmed it.
"""
from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

import polib
from lxml import etree
from translate.storage import xliff as tt_xliff
from translate.storage.placeables import StringElem
from translate.storage.placeables import xliff as tt_placeables

from .records import CURRENT, NEW, STALE, Unit
from .segments import Code, codes, limit, required

XLIFF2 = "urn:oasis:names:tc:xliff:document:2.0"
XLIFF12 = "urn:oasis:names:tc:xliff:document:1.2"
FORMATS = ("xliff2", "xliff1", "po")
TOKEN = re.compile(r"<(/?)(x?\d+)(/?)>")
CONFIRMED_2 = {"translated", "reviewed", "final"}
CONFIRMED_12 = {"translated", "final", "signed-off"}


class ExchangeError(ValueError):
    def __init__(self, line, message):
        super().__init__(message)
        self.line = line


@dataclass
class Incoming:
    line: int
    name: str                  # the file the unit belongs to (03-siec-cyfrowa.md)
    id: str
    source: tuple
    target: tuple | None
    confirmed: bool            # the translator marked it translated (not fuzzy / initial)


def target_parts(unit: Unit) -> tuple | None:
    """The current translation with its codes numbered as the source codes they match (the
    same markup, in order); markup of the translation only: x1, x2..."""
    if unit.target is None:
        return None
    free = [c for c in codes(unit.source.parts) if c.kind != "close"]
    mapping, extra = {}, itertools.count(1)
    for code in codes(unit.target.parts):
        if code.kind == "close":
            continue
        family = [c for c in free if c.kind == code.kind and
                  c.what.split()[0] == code.what.split()[0]]
        match = next((c for c in family if c.markdown == code.markdown), None) or \
            (family[0] if family else None)
        if match is not None:
            free.remove(match)
        mapping[code.id] = match.id if match else f"x{next(extra)}"
    return tuple(Code(mapping[p.id], p.kind, p.markdown, p.what) if isinstance(p, Code) else p
                 for p in unit.target.parts)


def notes(unit: Unit, source_file: str, target_file: str) -> list[tuple[str, str]]:
    found = [("location", f"{source_file}:{unit.source.line}"),
             ("where", unit.source.where)]
    if unit.target is not None:
        found.append(("translation", f"{target_file}:{unit.target.line}"))
    most = limit(unit.source)
    if most:
        found.append(("length", f"at most about {most} characters"))
    if unit.state == STALE:
        found.append(("state", "the Polish changed since the English was reviewed" +
                      (f"; it was: {unit.old}" if unit.old else "")))
    elif unit.state == NEW:
        found.append(("state", "new: not translated yet"))
    elif unit.state != CURRENT:
        found.append(("state", "the English was never reviewed against this Polish"))
    closing = {c.id: c.markdown for c in codes(unit.source.parts) if c.kind == "close"}
    legend = "; ".join(f"{c.id}: {c.what} ({c.markdown.strip()}"
                       + (f"…{closing[c.id]}" if c.kind == "open" else "") + ")"
                       + ("" if required(c) else ", may be dropped")
                       for c in codes(unit.source.parts) if c.kind != "close")
    if legend:
        found.append(("placeholders", f"keep the placeholders: {legend}"))
    return found


# --- XLIFF 2 (lxml) -----------------------------------------------------------------------

def xliff2(units, files, source_lang, target_lang) -> bytes:
    """files: name -> (source display, target display)."""
    default_namespace: dict = {None: XLIFF2}
    root = etree.Element(f"{{{XLIFF2}}}xliff", nsmap=default_namespace)
    root.set("version", "2.0")
    root.set("srcLang", source_lang)
    root.set("trgLang", target_lang)
    for number, (name, group) in enumerate(_by_file(units), start=1):
        file = etree.SubElement(root, f"{{{XLIFF2}}}file", id=f"f{number}", original=name)
        for unit in group:
            _unit2(file, unit, *files[name])
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _by_file(units):
    return [(name, list(group)) for name, group in itertools.groupby(units, lambda u: u.name)]


def _unit2(file, unit, source_file, target_file):
    element = etree.SubElement(file, f"{{{XLIFF2}}}unit", id=unit.id, name=unit.full_id)
    notes_element = etree.SubElement(element, f"{{{XLIFF2}}}notes")
    for category, text in notes(unit, source_file, target_file):
        etree.SubElement(notes_element, f"{{{XLIFF2}}}note", category=category).text = text
    target = target_parts(unit)
    data = _original_data(unit.source.parts + (target or ()))
    if data:
        original = etree.SubElement(element, f"{{{XLIFF2}}}originalData")
        for (markdown, _), ref in data.items():
            etree.SubElement(original, f"{{{XLIFF2}}}data", id=ref).text = markdown
    segment = etree.SubElement(element, f"{{{XLIFF2}}}segment")
    segment.set("state", "translated" if unit.state == CURRENT else "initial")
    _inline2(etree.SubElement(segment, f"{{{XLIFF2}}}source"), unit.source.parts, data, True)
    if target is not None:
        _inline2(etree.SubElement(segment, f"{{{XLIFF2}}}target"), target, data, False)


def _original_data(parts) -> dict:
    data: dict[tuple[str, str], str] = {}
    for code in codes(parts):
        data.setdefault((code.markdown, code.kind), f"d{len(data) + 1}")
    return data


def _inline2(element, parts, data, source):
    stack = [element]
    for part in parts:
        if isinstance(part, str):
            _append_text(stack[-1], part)
        elif part.kind == "ph":
            ph = etree.SubElement(stack[-1], f"{{{XLIFF2}}}ph", id=part.id,
                                  dataRef=data[(part.markdown, "ph")], disp=part.markdown)
            if source and required(part):
                ph.set("canDelete", "no")
        elif part.kind == "open":
            pc = etree.SubElement(stack[-1], f"{{{XLIFF2}}}pc", id=part.id,
                                  dataRefStart=data[(part.markdown, "open")])
            if source and required(part):
                pc.set("canDelete", "no")
            stack.append(pc)
        else:
            stack.pop().set("dataRefEnd", data[(part.markdown, "close")])


def _append_text(element, text):
    if len(element):
        element[-1].tail = (element[-1].tail or "") + text
    else:
        element.text = (element.text or "") + text


def _parser():
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                           huge_tree=False, remove_comments=True)


def read_xliff(data: bytes) -> tuple[str, str, list[Incoming]]:
    """(source language, target language, units) of an XLIFF 2.0 or 1.2 file."""
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as err:
        raise ExchangeError(err.lineno or 1, f"not well-formed XML: {err.msg}") from None
    if root.tag == f"{{{XLIFF2}}}xliff":
        return _read2(root)
    if root.tag == f"{{{XLIFF12}}}xliff" or root.tag.endswith("}xliff"):
        return _read12(data)
    raise ExchangeError(root.sourceline, "not an XLIFF file (the root element is not <xliff>)")


def _read2(root):
    units = []
    for file in root.iterfind(f"{{{XLIFF2}}}file"):
        for unit in file.iterfind(f".//{{{XLIFF2}}}unit"):
            segments = unit.findall(f"{{{XLIFF2}}}segment")
            if len(segments) != 1:
                raise ExchangeError(unit.sourceline, f'unit "{unit.get("id")}" must hold one '
                                                     f'<segment> (it holds {len(segments)})')
            segment = segments[0]
            source = segment.find(f"{{{XLIFF2}}}source")
            target = segment.find(f"{{{XLIFF2}}}target")
            units.append(Incoming(
                unit.sourceline, file.get("original", ""), unit.get("id", ""),
                _parts(source, "pc", "ph") if source is not None else (),
                _parts(target, "pc", "ph") if target is not None else None,
                segment.get("state", "initial") in CONFIRMED_2))
    return root.get("srcLang", ""), root.get("trgLang", ""), units


def _parts(element, pair, single) -> tuple:
    """Text and codes of an inline element (XLIFF 2: pc/ph, XLIFF 1.2: g/x)."""
    out = [element.text] if element.text else []
    for child in element:
        name = etree.QName(child).localname
        if name == single:
            out.append(Code(child.get("id", ""), "ph", "", ""))
        elif name == pair:
            out.append(Code(child.get("id", ""), "open", "", ""))
            out += _parts(child, pair, single)
            out.append(Code(child.get("id", ""), "close", "", ""))
        else:
            raise ExchangeError(child.sourceline, f"<{name}> is not a placeholder of this file "
                                                  f"(only <{pair}> and <{single}/>); keep the "
                                                  f"placeholders as exported")
        if child.tail:
            out.append(child.tail)
    return tuple(_join(out))


def _join(parts):
    out = []
    for part in parts:
        if isinstance(part, str) and out and isinstance(out[-1], str):
            out[-1] += part
        else:
            out.append(part)
    return out


# --- XLIFF 1.2 (translate-toolkit) --------------------------------------------------------

class _Unit12(tt_xliff.xliffunit):
    namespace = XLIFF12


class Xliff12File(tt_xliff.xlifffile):
    UnitClass = _Unit12
    namespace = XLIFF12
    XMLskeleton = (f"<?xml version='1.0' ?>\n<xliff version='1.2' xmlns='{XLIFF12}'>\n"
                   "<file original='NoName' source-language='pl' datatype='plaintext'>\n"
                   "<body>\n</body>\n</file>\n</xliff>")


def xliff12(units, files, source_lang, target_lang) -> bytes:
    store = Xliff12File(sourcelanguage=source_lang, targetlanguage=target_lang)
    for unit in units:
        item = store.addsourceunit("", filename=unit.name, createifmissing=True)
        item.setid(unit.id)
        item.rich_source = [_rich(unit.source.parts)]
        target = target_parts(unit)
        if target is not None:
            item.rich_target = [_rich(target)]
            item.markapproved(unit.state == CURRENT)
            item.markfuzzy(unit.state != CURRENT)
        for category, text in notes(unit, *files[unit.name]):
            item.addnote(f"{category}: {text}", origin="developer")
    # the skeleton's empty first <file> is dropped when every unit named its own
    root = store.document.getroot()
    for file in root.findall(f"{{{XLIFF12}}}file"):
        body = file.find(f"{{{XLIFF12}}}body")
        if file.get("original") == "NoName" and (body is None or not len(body)):
            root.remove(file)
    for file in root.findall(f"{{{XLIFF12}}}file"):
        file.set("target-language", target_lang)
        file.set("source-language", source_lang)
    return bytes(store)


def _rich(parts) -> StringElem:
    out: list[str] = []
    stack: list[list[StringElem]] = [[]]
    for part in parts:
        if isinstance(part, str):
            stack[-1].append(StringElem(part))
        elif part.kind == "ph":
            stack[-1].append(tt_placeables.X(id=part.id))
        elif part.kind == "open":
            stack.append([])
            out.append(part.id)
        else:
            sub = stack.pop()
            stack[-1].append(tt_placeables.G(id=out.pop(), sub=sub or [StringElem("")]))
    return StringElem(stack[0])


def _read12(data: bytes):
    try:
        store = tt_xliff.xlifffile.parsestring(data)
    except Exception as err:   # translate-toolkit raises several kinds on a broken file
        raise ExchangeError(1, f"cannot read the XLIFF 1.2 file: {err}") from None
    units = []
    for unit in store.getunits():
        element = unit.xmlelement
        file = next(a for a in element.iterancestors() if etree.QName(a).localname == "file")
        source = element.find(f"{{{store.namespace}}}source")
        target = element.find(f"{{{store.namespace}}}target")
        state = target.get("state") if target is not None else None
        confirmed = unit.isapproved() or (state in CONFIRMED_12)
        units.append(Incoming(element.sourceline, file.get("original", ""), element.get("id", ""),
                              _parts(source, "g", "x") if source is not None else (),
                              _parts(target, "g", "x") if target is not None else None,
                              confirmed and not unit.isfuzzy()))
    return store.sourcelanguage or "", store.targetlanguage or "", units


# --- PO (polib) ---------------------------------------------------------------------------

def po(units, files, source_lang, target_lang) -> bytes:
    catalog = polib.POFile(wrapwidth=0)
    catalog.metadata = {"Content-Type": "text/plain; charset=UTF-8",
                        "Content-Transfer-Encoding": "8bit",
                        "Language": target_lang, "X-Source-Language": source_lang}
    for unit in units:
        target = target_parts(unit)
        comment = "\n".join(f"{k}: {v}" for k, v in notes(unit, *files[unit.name])
                            if k not in ("location", "state"))
        entry = polib.POEntry(msgctxt=unit.full_id, msgid=tokens(unit.source.parts),
                              msgstr=tokens(target) if target is not None else "",
                              comment=comment,
                              occurrences=[(files[unit.name][0], str(unit.source.line))])
        if unit.state != CURRENT and target is not None:
            entry.flags.append("fuzzy")
        if unit.state == STALE and unit.old:
            entry.previous_msgid = unit.old
        catalog.append(entry)
    return str(catalog).encode("utf-8")


def tokens(parts) -> str:
    out = []
    for part in parts:
        if isinstance(part, str):
            out.append(part)
        else:
            out.append({"ph": f"<{part.id}/>", "open": f"<{part.id}>",
                        "close": f"</{part.id}>"}[part.kind])
    return "".join(out)


def read_po(data: bytes) -> tuple[str, str, list[Incoming]]:
    try:
        catalog = polib.pofile(data.decode("utf-8"))
    except (UnicodeDecodeError, OSError, ValueError) as err:
        raise ExchangeError(1, f"cannot read the PO file: {err}") from None
    units = []
    for entry in catalog:
        name, _, unit_id = (entry.msgctxt or "").rpartition("#")
        line = entry.linenum or 1
        units.append(Incoming(line, name, unit_id, untokens(entry.msgid, line),
                              untokens(entry.msgstr, line) if entry.msgstr else None,
                              "fuzzy" not in entry.flags and not entry.obsolete))
    return (catalog.metadata.get("X-Source-Language", ""), catalog.metadata.get("Language", ""),
            units)


def untokens(text: str, line: int) -> tuple:
    out: list[str | Code] = []
    open_ids: list[str] = []
    at = 0
    for found in TOKEN.finditer(text):
        if found.start() > at:
            out.append(text[at:found.start()])
        closing, number, single = found.groups()
        if closing and single:
            raise ExchangeError(line, f"{found.group()} is not a placeholder; write <{number}/>")
        if single:
            out.append(Code(number, "ph", "", ""))
        elif closing:
            if not open_ids or open_ids[-1] != number:
                raise ExchangeError(line, f"{found.group()} closes a placeholder that is not "
                                          f"open here; keep <{number}>…</{number}> around "
                                          f"the same words, nested as in the source")
            open_ids.pop()
            out.append(Code(number, "close", "", ""))
        else:
            open_ids.append(number)
            out.append(Code(number, "open", "", ""))
        at = found.end()
    if open_ids:
        raise ExchangeError(line, f"<{open_ids[-1]}> is not closed; add </{open_ids[-1]}>")
    if at < len(text):
        out.append(text[at:])
    return tuple(out)
