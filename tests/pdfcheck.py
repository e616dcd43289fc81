"""A structure-tree walk of a tagged PDF (needs pikepdf, a test dependency): which structure
elements the StructTreeRoot reaches, and who owns each marked-content item of the pages."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Structure:
    elements: int = 0                                 # StructElem objects in the file
    reachable: int = 0                                # reached from the StructTreeRoot
    orphans: list = field(default_factory=list)       # (object number, /S) not reached
    marked: int = 0                                   # MCIDs in the page content streams
    artifacts: int = 0                                # marked-content sequences that are /Artifact
    unowned: list = field(default_factory=list)       # (page, MCID) no reachable element owns
    owners: dict = field(default_factory=dict)        # (page, MCID) -> owning element


def walk(path) -> Structure:
    """The structure figures of the PDF at path."""
    import pikepdf

    result = Structure()
    with pikepdf.open(path) as pdf:
        pages = {page.obj.objgen: number for number, page in enumerate(pdf.pages, start=1)}
        root = pdf.Root.get("/StructTreeRoot")
        reached = {}
        if root is not None:
            _reach(root, None, pages, reached, result.owners)
        result.reachable = len(reached)
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/StructElem":
                result.elements += 1
                if obj.objgen not in reached:
                    result.orphans.append((obj.objgen[0], str(obj.get("/S"))))
        for number, page in enumerate(pdf.pages, start=1):
            for mcid, in_artifact in _marked_content(page):
                if in_artifact:
                    result.artifacts += 1
                if mcid is None:
                    continue
                result.marked += 1
                if (number, mcid) not in result.owners and not in_artifact:
                    result.unowned.append((number, mcid))
    return result


def _reach(node, page, pages, reached, owners):
    """Visit node and every structure element under it (iteratively: trees can be deep)."""
    import pikepdf

    stack = [(node, page)]
    while stack:
        node, page = stack.pop()
        if isinstance(node, pikepdf.Dictionary) and node.get("/Type") == "/StructElem":
            if node.objgen in reached:
                continue
            reached[node.objgen] = node
            if "/Pg" in node:
                page = pages.get(node.Pg.objgen)
        kids = node.get("/K")
        if kids is None:
            continue
        for kid in (kids if isinstance(kids, pikepdf.Array) else [kids]):
            if isinstance(kid, int):
                owners[(page, int(kid))] = node
            elif isinstance(kid, pikepdf.Dictionary):
                if kid.get("/Type") == "/MCR":
                    kid_page = pages.get(kid.Pg.objgen) if "/Pg" in kid else page
                    owners[(kid_page, int(kid.MCID))] = node
                elif kid.get("/Type") != "/OBJR":
                    stack.append((kid, page))


def _marked_content(page):
    """(MCID or None, inside an /Artifact?) for every marked-content sequence of the page,
    including those inside the form XObjects (transparency groups) it draws."""
    import pikepdf

    stack = [(page.obj, page.obj.get("/Resources"), ())]
    while stack:
        holder, resources, outer = stack.pop()
        open_tags = list(outer)
        for operands, operator in pikepdf.parse_content_stream(holder):
            op = str(operator)
            if op in ("BMC", "BDC"):
                tag = str(operands[0])
                inside = "/Artifact" in open_tags or tag == "/Artifact"
                mcid = None
                if op == "BDC" and isinstance(operands[1], pikepdf.Dictionary):
                    mcid = operands[1].get("/MCID")
                open_tags.append(tag)
                yield (int(mcid) if mcid is not None else None), inside
            elif op == "EMC" and open_tags:
                open_tags.pop()
            elif op == "Do" and resources is not None and "/XObject" in resources:
                form = resources.XObject.get(str(operands[0]))
                if form is not None and form.get("/Subtype") == "/Form":
                    stack.append((form, form.get("/Resources", resources), tuple(open_tags)))
