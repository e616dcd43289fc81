"""PDF/UA-1 repair of the structure tree WeasyPrint 70.0 writes, as a finisher on pydyf objects.

It works on what any markup produces, not on our templates:
- marked content whose structure element the StructTreeRoot cannot reach (the text of page-margin
  boxes: running heads, page numbers; WeasyPrint issue #1836) becomes a pagination artifact, and
  those elements and their ParentTree entries are dropped;
- marked content that paints nothing (a whitespace text box) becomes an artifact too;
- structure elements left with no content (an empty Span, the Div of a colour band) are dropped;
- a list (L) child that is not LI, L or Caption is wrapped in LI > LBody;
- every table header cell (TH) gets a /Scope: Row in a row that has data cells, else Column.

References in pydyf are bytes like b"12 0 R"; object n is pdf.objects[n]. Marked content is a
token sequence in a content stream: "/Span", <<MCID n>>, b"BDC" ... b"EMC".
"""
from __future__ import annotations

import pydyf

from . import adapters

LIST_KIDS = {"/LI", "/L", "/Caption"}
# Elements kept even when empty: a table keeps its grid, a figure its /Alt.
KEEP_EMPTY = {"/Table", "/THead", "/TBody", "/TFoot", "/TR", "/TH", "/TD", "/Figure", "/Form"}
PAINTING = {b"TJ", b"Tj", b"'", b'"', b"Do", b"sh", b"f", b"F", b"f*", b"B", b"B*", b"b", b"b*",
            b"S", b"s", b"BI"}
NULL = "null"


def repair_structure(document, pdf):
    """The finisher: see the module docstring."""
    root = _catalog_object(pdf, "StructTreeRoot")
    if root is None:
        return
    parent_tree = _page_parent_tree(pdf, root)
    reachable = _reachable(pdf, root)
    for page, streams in _page_streams(pdf).items():
        owners = parent_tree.get(page, [])
        for stream in streams:
            _retag(pdf, stream, owners, reachable)
    _forget_unreachable(pdf, parent_tree, reachable)
    _drop_unreachable(pdf, reachable)
    document_element = _object(pdf, root["K"][0])
    _prune_empty(pdf, document_element)
    for element in _elements_under(pdf, document_element):
        if element.get("S") == "/L":
            _wrap_list_kids(pdf, element)
        elif element.get("S") == "/TR":
            _scope_headers(pdf, element)


# ------------------------------------------------------------------ objects


def _object(pdf, reference):
    """The object a pydyf reference names (None if it is not a reference)."""
    if isinstance(reference, bytes) and reference.endswith(b" R"):
        return pdf.objects[int(reference.split()[0])]
    return None


def _catalog_object(pdf, key):
    value = pdf.catalog.get(key)
    return _object(pdf, value) if isinstance(value, bytes) else value


def _kids(element) -> list:
    kids = element.get("K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, (list, pydyf.Array)) else [kids]


def _is_element(obj) -> bool:
    return isinstance(obj, pydyf.Dictionary) and obj.get("Type") == "/StructElem"


def _reachable(pdf, root) -> set:
    """Object numbers of the structure elements the StructTreeRoot reaches."""
    seen, stack = set(), _kids(root)
    while stack:
        obj = _object(pdf, stack.pop())
        if _is_element(obj) and obj.number not in seen:
            seen.add(obj.number)
            stack.extend(_kids(obj))
    return seen


def _elements_under(pdf, element):
    """The structure elements under element, depth first."""
    stack = [element]
    while stack:
        node = stack.pop()
        children = [c for c in (_object(pdf, k) for k in _kids(node)) if _is_element(c)]
        yield from children
        stack.extend(children)


def _page_parent_tree(pdf, root) -> dict:
    """Page index -> the ParentTree's array of owners, indexed by MCID (a live pydyf Array)."""
    tree = _object(pdf, root.get("ParentTree")) or {}
    nums = tree.get("Nums", [])
    pages = len(pdf.page_references)
    return {key: value for key, value in zip(nums[0::2], nums[1::2])
            if isinstance(key, int) and key < pages and isinstance(value, (list, pydyf.Array))}


def _page_streams(pdf) -> dict:
    """Page index -> the content streams that carry its marked content: the page's own, and the
    transparency groups and patterns WeasyPrint drew for it (they share the page's MCID
    numbering, which WeasyPrint keeps in the stream's _tags: the same dict for one page)."""
    pages, by_tags = {}, {}
    for index, reference in enumerate(pdf.page_references):
        stream = _object(pdf, _object(pdf, reference)["Contents"])
        pages[index] = [stream]
        if adapters.stream_tags(stream) is not None:
            by_tags[id(adapters.stream_tags(stream))] = index
    for obj in pdf.objects:
        tags = adapters.stream_tags(obj)
        if isinstance(obj, pydyf.Stream) and tags is not None and id(tags) in by_tags:
            streams = pages[by_tags[id(tags)]]
            if obj not in streams:
                streams.append(obj)
    return pages


# ------------------------------------------------------------------ content streams


def _retag(pdf, stream, owners, reachable) -> None:
    """Make artifacts of the stream's marked content that no reachable element owns or that
    paints nothing; their ParentTree entries become null."""
    tokens = stream.stream
    for start, end, mcid in _marked_sequences(tokens):
        if mcid is None or mcid >= len(owners):
            continue
        owner = _object(pdf, owners[mcid])
        if owner is None or owner.number not in reachable:
            kind = "/Pagination"
        elif not _paints(tokens[start + 3:end]):
            kind = "/Layout"
            owner["K"] = pydyf.Array(k for k in _kids(owner) if k != mcid)
        else:
            continue
        tokens[start] = "/Artifact"
        tokens[start + 1] = pydyf.Dictionary({"Type": kind})
        owners[mcid] = NULL


def _marked_sequences(tokens):
    """(index of the tag, index of its EMC, MCID or None) of each marked-content sequence."""
    open_at = []
    for index, token in enumerate(tokens):
        if token in (b"BDC", b"BMC"):
            has_properties = token == b"BDC"
            start = index - 2 if has_properties else index - 1
            properties = tokens[index - 1] if has_properties else None
            mcid = properties.get("MCID") if isinstance(properties, dict) else None
            open_at.append((start, mcid))
        elif token == b"EMC" and open_at:
            start, mcid = open_at.pop()
            yield start, index, mcid


def _paints(tokens) -> bool:
    """Whether the operators draw anything (text, an image or form, a path)."""
    for token in tokens:
        if isinstance(token, bytes) and token.rsplit(b" ", 1)[-1] in PAINTING:
            return True
    return False


# ------------------------------------------------------------------ structure elements


def _forget_unreachable(pdf, parent_tree, reachable) -> None:
    """Null the ParentTree entries still naming an unreachable element (marked content in a
    stream this module did not find: the structure walk of the tests reports it)."""
    for owners in parent_tree.values():
        for mcid, reference in enumerate(owners):
            owner = _object(pdf, reference)
            if _is_element(owner) and owner.number not in reachable:
                owners[mcid] = NULL


def _drop_unreachable(pdf, reachable) -> None:
    """Empty the structure elements the tree does not reach: nothing references them any more
    (their ParentTree entries are null), so they are written as empty dictionaries."""
    for obj in pdf.objects:
        if _is_element(obj) and obj.number not in reachable:
            obj.clear()


def _prune_empty(pdf, element) -> bool:
    """Drop the elements under element that hold no content; True if element itself is empty."""
    kept = []
    for kid in _kids(element):
        child = _object(pdf, kid)
        if _is_element(child):
            if _prune_empty(pdf, child) and child.get("S") not in KEEP_EMPTY:
                child.clear()
                continue
        kept.append(kid)
    element["K"] = pydyf.Array(kept)
    return not kept and "Alt" not in element


def _wrap_list_kids(pdf, element) -> None:
    """Put each child of a list that is not LI, L or Caption into an LI > LBody of its own."""
    kids = []
    for kid in _kids(element):
        child = _object(pdf, kid)
        if _is_element(child) and child.get("S") in LIST_KIDS:
            kids.append(kid)
            continue
        item = _new_element(pdf, "/LI", element)
        body = _new_element(pdf, "/LBody", item)
        item["K"].append(body.reference)
        body["K"].append(kid)
        if _is_element(child):
            child["P"] = body.reference
        kids.append(item.reference)
    element["K"] = pydyf.Array(kids)


def _new_element(pdf, tag, parent):
    element = pydyf.Dictionary({"Type": "/StructElem", "S": tag, "K": pydyf.Array(),
                                "P": parent.reference})
    if "Pg" in parent:
        element["Pg"] = parent["Pg"]
    pdf.add_object(element)
    return element


def _scope_headers(pdf, row) -> None:
    """/Scope of each TH in a table row: Row when the row also has data cells, else Column."""
    cells = [c for c in (_object(pdf, k) for k in _kids(row)) if _is_element(c)]
    scope = "/Row" if any(c.get("S") == "/TD" for c in cells) else "/Column"
    for cell in cells:
        if cell.get("S") == "/TH":
            attributes = cell.setdefault("A", pydyf.Dictionary({"O": "/Table"}))
            attributes.setdefault("Scope", scope)
