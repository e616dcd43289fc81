"""The editions one source becomes, as data: the `editions:` list of publication.yaml, or the
standard set for the publication's languages.

The standard set, for languages [pl, en] and the name "pim":
    pl, en          screen A4 (PDF/UA-1)        pim-pl.pdf, pim-en.pdf
    pl-en           the bilingual volume        pim-pl-en.pdf
    pl-print, ...   press-ready A4 (PDF/X-4)    print/pim-pl-print.pdf (+ A3 booklet)
    pl-a5, ...      native A5                   a5/pim-pl-a5.pdf (+ A4 office booklet)

A draft (`draft: true`, or `build --draft`: one per one-language A4 screen edition) is for the
editorial team: it marks every gap of the content in the page; its files go to draft/.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .schema import Record

SIZES = ("A4", "A5")
ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
WEB_FOLDER = "web"       # the web edition's folder under output/ (render/web.py)
DRAFT_FOLDER = "draft"   # the draft editions' files under output/
PATH = re.compile(r"^(?:[a-z0-9][a-z0-9._-]*/)?[a-z0-9][a-z0-9._-]*$")


@dataclass(frozen=True)
class Edition:
    id: str                      # e.g. "pl", "pl-en", "pl-print"
    languages: tuple[str, ...]   # languages in volume order
    pdf: str                     # output path under output/
    html: str | None = None      # HTML preview path under output/, if any
    print: bool = False          # press-ready: CMYK, bleed, PDF/X-4
    booklets: bool = False       # also impose saddle-stitch booklets
    size: str = "A4"             # page size: A4, or A5 (typeset natively, never shrunk)
    draft: bool = False          # for the editorial team: the content's gaps marked in the page

    @property
    def cmyk(self) -> bool:
        return self.print

    @property
    def duplex(self) -> bool:
        """Printed on both sides of the sheet: the press edition, and the booklets."""
        return self.print or self.booklets

    @property
    def layout(self) -> tuple:
        """What its HTML depends on: the languages, the page size and whether it is a draft.
        Editions of one layout share it (a print one is laid out apart only where its rules
        need: plan.py)."""
        return (self.languages, self.size, self.draft)

    @property
    def variant(self) -> str:
        return "pdf/x-4" if self.print else "pdf/ua-1"

    @property
    def booklet(self) -> str | None:
        """The imposed booklet's path under output/: A4 pages two-up on A3 for a print shop,
        A5 pages two-up on A4 for an office printer; None without booklets."""
        if not self.booklets:
            return None
        stem = self.pdf.rsplit("/", 1)[-1].removesuffix(".pdf")
        if self.size == "A5":
            return f"print/{stem.removesuffix('-a5')}-booklet-a4.pdf"
        folder = self.pdf.rsplit("/", 1)[0] + "/" if "/" in self.pdf else ""
        return f"{folder}{stem.removesuffix('-print')}-booklet-a3.pdf"


def standard(name: str, languages) -> tuple:
    """The standard editions of a publication in these languages (the first is the source)."""
    languages = tuple(languages)
    out = [Edition(lang, (lang,), f"{name}-{lang}.pdf", f"html/{name}-{lang}.html")
           for lang in languages]
    if len(languages) > 1:
        volume = "-".join(languages)
        out.append(Edition(volume, languages, f"{name}-{volume}.pdf", f"html/{name}-{volume}.html"))
    out += [Edition(f"{lang}-print", (lang,), f"print/{name}-{lang}-print.pdf", print=True,
                    booklets=True) for lang in languages]
    out += [Edition(f"{lang}-a5", (lang,), f"a5/{name}-{lang}-a5.pdf", booklets=True, size="A5")
            for lang in languages]
    return tuple(out)


def from_data(rec, name: str, languages) -> tuple:
    """The editions publication.yaml lists (rec: its Record), else the standard set."""
    items = rec.data.get("editions")
    if items is None:
        return standard(name, languages)
    if not isinstance(items, list) or not items:
        rec.fail("editions", "editions must be a list of editions (or left out for the "
                             "standard set); see docs/content-model.md")
    out: list[Edition] = []
    for item in items:
        edition = _edition(item, rec, name, languages)
        _check_unique(edition, out, Record(item, rec.file, "an edition", languages))
        out.append(edition)
    return tuple(out)


def _edition(item, rec, name, languages) -> Edition:
    e = Record(item, rec.file, "an edition", languages)
    e.only("id", "languages", "size", "print", "booklets", "pdf", "html", "draft")
    ident = e.get("id", str)
    if not ID.match(ident):
        e.fail("id", f'edition id "{ident}" must be lower-case letters, digits and hyphens')
    langs = tuple(e.get("languages", list, False, [languages[0]]))
    unknown = [lang for lang in langs if lang not in languages]
    if unknown or not langs or len(set(langs)) != len(langs):
        e.fail("languages", f"the languages of edition {ident} must be some of the "
                            f"publication's ({', '.join(languages)}), each once")
    size = e.choice("size", SIZES, False, "A4")
    printed = e.get("print", bool, False, False)
    if printed and len(langs) > 1:
        e.fail("print", f"edition {ident}: a print edition has one language")
    draft = e.get("draft", bool, False, False)
    if draft and printed:
        e.fail("draft", f"edition {ident}: a draft is for the editorial team, not for print; "
                        f"remove print: true or draft: true")
    booklets = e.get("booklets", bool, False, (printed or size == "A5") and not draft)
    kind = f"{DRAFT_FOLDER}/" if draft else "print/" if printed else "a5/" if size == "A5" else ""
    pdf = e.get("pdf", str, False, f"{kind}{name}-{ident}.pdf")
    html = e.get("html", str, False, f"{DRAFT_FOLDER}/{name}-{ident}.html" if draft else
                 None if printed or size == "A5" else f"html/{name}-{ident}.html")
    for key, path, suffix in (("pdf", pdf, ".pdf"), ("html", html, ".html")):
        if path is not None and (not PATH.match(path) or not path.endswith(suffix)):
            e.fail(key, f'"{path}" must be a file name ending in {suffix}, in at most one '
                        f"folder of output/ (lower-case letters, digits, . _ -)")
    return Edition(ident, langs, pdf, html, printed, booklets, size, draft)


def _check_unique(edition, earlier, e) -> None:
    """An edition whose id or file an earlier edition has, or whose file lies in the web
    edition's folder, is an error at its own line (the key that names the file, if given)."""
    for other in earlier:
        if other.id == edition.id:
            e.fail("id", f'edition id "{edition.id}" is used twice; give each edition its own')
        for key, path in (("pdf", edition.pdf), ("html", edition.html), ("pdf", edition.booklet)):
            if path is not None and path in (other.pdf, other.html, other.booklet):
                e.fail(key if key in e.data else None,
                       f'edition {edition.id} writes "{path}", which edition {other.id} '
                       f"writes too; give each edition its own files")
    for key, path in (("pdf", edition.pdf), ("html", edition.html)):
        if path is not None and path.split("/")[0] == WEB_FOLDER:
            e.fail(key, f'"{path}" lies in {WEB_FOLDER}/, the web edition\'s folder; choose '
                        f"another folder")


def with_drafts(editions) -> tuple:
    """The editions and a draft of each one-language A4 screen edition among them (`build
    --draft`): pim-pl.pdf -> draft/pim-pl.pdf, unless an edition of that id is listed."""
    ids = {e.id for e in editions}
    drafts = []
    for e in editions:
        if e.print or e.draft or e.size != "A4" or len(e.languages) != 1 \
                or f"{e.id}-draft" in ids:
            continue
        stem = e.pdf.rsplit("/", 1)[-1].removesuffix(".pdf")
        drafts.append(Edition(f"{e.id}-draft", e.languages, f"{DRAFT_FOLDER}/{stem}.pdf",
                              f"{DRAFT_FOLDER}/{stem}.html", draft=True))
    taken = {path for e in editions for path in (e.pdf, e.html, e.booklet) if path}
    return tuple(editions) + tuple(d for d in drafts if d.pdf not in taken and d.html not in taken)


def select(editions, languages=None, edition_ids=None) -> list:
    """The editions to build: those whose languages are all asked for."""
    wanted = set(languages) if languages else None
    chosen = [e for e in editions if wanted is None or set(e.languages) <= wanted]
    if edition_ids:
        chosen = [e for e in chosen if e.id in edition_ids]
    return chosen
