"""The web edition: output/web/, a static site made from the same content as the PDFs.

One page per language (index.html in the publication's first language, en/index.html, ...),
the sections rendered by render.render_part (the components and graphics of the PDFs, the SVG
inline), the pictures of the texts in img/, downsized, with srcset (webimages.py), the theme's
styles/web.css (its imports inlined) and theme-web.css with the network colours of the data and
the tokens the theme or publication.yaml changes, the fonts it names with their licences and
copies of the PDFs this build writes, linked with their sizes. Every link is relative, so the
folder works from file:// and from any web server, and nothing outside it is requested.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

from markupsafe import Markup, escape

from .. import resources
from ..content.editions import WEB_FOLDER, Edition
from . import html as render, webimages
from .graphics import map as map_graphic, tokens

FOLDER = WEB_FOLDER                               # under output/
STYLESHEET = "styles/web.css"
FONT_URL = re.compile(r"url\((fonts/[A-Za-z0-9/_.-]+\.(?:ttf|otf|woff2?))\)")
LICENCES = ("OFL.txt", "LICENSE.txt", "LICENCE.txt")      # beside a font, its licence
TABLE = re.compile(r"<table\b.*?</table>", re.S)
CAPTION = re.compile(r"<caption>(.*?)</caption>", re.S)
TAG = re.compile(r"<[^>]+>")

@dataclass(frozen=True)
class Download:
    path: str            # under output/web/
    size: int            # bytes
    pages: int | None
    lang: str            # the language of the document (hreflang)
    kind: str            # a key of the web.files labels (content/labels.yaml)
    edition: str         # the screen edition whose name it takes
    print: bool


def site(pub, files, languages=None, env=None, prepared=None) -> list:
    """(path under output/, bytes, None) for the files of output/web/ made from the content
    (the fonts: see fonts()).

    files: the (path under output/, bytes, pages) entries of this build; its PDFs are copied
    into web/pdf/ and listed with the size of those very bytes. prepared: what prepare() made
    of the same content and languages, if it was made already.
    """
    pdfs = [(rel, data, pages) for rel, data, pages in files if rel.endswith(".pdf")]
    downloads = [d for d in (describe(rel, len(data), pages, pub.editions)
                             for rel, data, pages in pdfs) if d]
    entries = [(f"{FOLDER}/pdf/{rel}", data, None) for rel, data, _ in pdfs]
    return [(f"{FOLDER}/{rel}", data, None)
            for rel, data in pages(pub, downloads, languages, env, prepared)] + entries


@dataclass
class Prepared:
    """The pages' content apart from the list of PDFs: each language's sections and cover
    map, and the copies of the pictures they show (path under output/web/ -> bytes)."""
    parts: dict
    pictures: dict


def prepare(pub, languages=None, env=None) -> Prepared:
    """All of the web pages that does not depend on the PDFs (a build makes it while its last
    PDFs are typeset)."""
    env = env or render.environment(pub.theme)
    languages = [lang for lang in pub.languages if lang in (languages or pub.languages)]
    pictures: dict[str, bytes] = {}
    return Prepared({lang: page_content(pub, lang, languages, env, pictures)
                     for lang in languages}, pictures)


def fonts(theme=None) -> list:
    """(path under output/, bytes, None) for the fonts the web stylesheet names and their
    licences: the same for every build of the theme, so read when written, not kept in the
    build cache."""
    return [(f"{FOLDER}/{rel}", data, None) for rel, data in font_files(theme)]


def pages(pub, downloads, languages=None, env=None, prepared=None) -> list:
    """(path under output/web/, bytes): the pages, their pictures, the stylesheet and the
    icon."""
    env = env or render.environment(pub.theme)
    prepared = prepared or prepare(pub, languages, env)
    languages = list(prepared.parts)
    out = [(page_path(lang, languages),
            page(pub, lang, languages, downloads, env, content=prepared.parts[lang]).encode())
           for lang in languages]
    out += sorted(prepared.pictures.items())
    out.append(("web.css", stylesheet(pub).encode()))
    out.append(("favicon.svg", favicon(pub).encode()))
    return out


def font_files(theme=None) -> list:
    """(path under output/web/, bytes): the fonts the web stylesheet names, and the licence
    beside each (fonts/OFL.txt)."""
    theme = theme or resources.current()
    names = sorted(set(FONT_URL.findall(_theme_css(theme))))
    licences = sorted({f"{folder}/{licence}" for folder in {n.rsplit("/", 1)[0] for n in names}
                       | {"fonts"} for licence in LICENCES
                       if theme.find(f"styles/{folder}/{licence}")})
    return [(name, theme.file(f"styles/{name}").read_bytes()) for name in names + licences]


def font_licence(theme) -> str:
    """The licence of the text font, as the web edition holds it: the licence file beside
    the first face of the --font family (fonts/OFL.txt for Lato)."""
    faces: list = next(iter(theme.text_fonts().values()), [])
    for face in faces[:1]:
        for folder in theme.folders:
            styles = (folder.path / "styles").resolve()
            if face.path.is_relative_to(styles):
                for licence in LICENCES:
                    if (face.path.parent / licence).is_file():
                        return (face.path.parent / licence).relative_to(styles).as_posix()
    return "fonts/OFL.txt"


def _theme_css(theme) -> str:
    """The web stylesheet of the theme: web.css (its imports inlined) and every theme-web.css."""
    return "\n".join(theme.css_text(path) for path in
                     [theme.file(STYLESHEET)] + theme.layers("styles/theme-web.css"))


def page_path(lang, languages) -> str:
    return "index.html" if lang == languages[0] else f"{lang}/index.html"


def page(pub, lang, languages, downloads, env, pictures=None, content=None) -> str:
    """The HTML of one language's page; pictures (path under output/web/ -> bytes) receives
    the copies of the pictures it shows. content: its page_content(), if made already."""
    root = "../" * page_path(lang, languages).count("/")
    part, cover_map = content or page_content(pub, lang, languages, env, pictures)
    switch = [{"lang": other, "code": render.html_lang(other), "current": other == lang,
               "name": pub.labels[other]["language"],
               "href": root + page_path(other, languages)} for other in languages]
    with render.rendering(pub.theme):
        return env.get_template("web/page.html").render(
            pub=pub, lang=lang, part=part, labels=pub.labels[lang], t=pub.labels[lang]["web"],
            root=root, languages=switch, cover_map=cover_map,
            downloads=download_groups(downloads, pub.labels[lang], pub.editions),
            font_licence=font_licence(pub.theme))


def page_content(pub, lang, languages, env, pictures=None) -> tuple:
    """(its sections, its cover map) of one language's page; pictures receives the copies
    of the pictures it shows."""
    root = "../" * page_path(lang, languages).count("/")
    part = render.render_part(pub, lang, env, Edition(f"web-{lang}", (lang,), ""))
    for section in part["sections"]:
        shown = webimages.with_pictures(str(section["html"]), pub.root, root,
                                        {} if pictures is None else pictures)
        section["html"] = scrollable_tables(Markup(shown), section["title"])
    with render.rendering(pub.theme):
        cover_map = Markup(map_graphic.render_cover_map(pub, lang)) if pub.outline else None
    return part, cover_map


def scrollable_tables(html: str, title: str) -> Markup:
    """Each table in a box of its own that scrolls sideways when the table is wider than the
    screen (a focusable, named region, so that it can be scrolled from the keyboard)."""
    def box(match):
        caption = CAPTION.search(match.group(0))
        name = TAG.sub("", caption.group(1)) if caption else title
        return (f'<div class="table-box" role="region" tabindex="0" '
                f'aria-label="{escape(name)}">{match.group(0)}</div>')
    return Markup(TABLE.sub(box, str(html)))


def stylesheet(pub) -> str:
    """The theme's web stylesheet, the colour of each network (the data) and the design tokens
    that differ from the default theme's (another theme's tokens.css, publication.yaml's)."""
    rules = "\n".join(f".net-{n.id} {{ --net: {n.colour}; }}" for n in pub.networks)
    css = _theme_css(pub.theme) + "\n/* network colours: content/data */\n" + rules + "\n"
    base = resources.default_theme().design_tokens()
    changed = [(n, v) for n, v in pub.theme.design_tokens().items() if base.get(n) != v]
    if changed:
        css += ("/* the design tokens of the theme */\n:root { "
                + " ".join(f"--{n}: {v};" for n, v in changed) + " }\n")
    return css


def favicon(pub) -> str:
    """The networks' colours as bands on navy: the icon of the browser tab. Without an icon
    of its own a browser asks the server's root for /favicon.ico, outside the folder."""
    width = 32 / max(1, len(pub.networks))
    bands = "".join(f'<rect x="{i * width:g}" y="22" width="{width:g}" height="10" '
                    f'fill="{n.colour}"/>' for i, n in enumerate(pub.networks))
    return ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">'
            f'<rect width="32" height="32" fill="{tokens.colours("navy", theme=pub.theme)["navy"]}"/>'
            f'{bands}</svg>\n')


# --------------------------------------------------------------------------- downloads

def describe(rel: str, size: int, pages, editions) -> Download | None:
    """What a PDF of the build is, from the edition list; None for a file no edition makes."""
    for edition in editions:
        lang = edition.languages[0]
        if rel == edition.pdf:
            a5 = edition.size == "A5"
            kind = "print" if edition.print else "a5" if a5 else edition.id
            return Download(f"pdf/{rel}", size, pages, lang, kind, lang if edition.print or a5
                            else edition.id, edition.print)
        if rel == edition.booklet:
            sheet = "a4" if edition.size == "A5" else "a3"
            return Download(f"pdf/{rel}", size, None, lang, f"booklet-{sheet}", lang, True)
    return None


def download_groups(downloads, labels, editions) -> list:
    texts = labels["web"]
    groups = []
    order = [e.id for e in editions] + list(texts["files"])
    downloads = sorted(downloads, key=lambda d: (order.index(d.edition), order.index(d.kind)))
    for printing, title in ((False, texts["screen"]), (True, texts["print"])):
        files = [{"href": d.path, "hreflang": render.html_lang(d.lang), "label": label(d, labels),
                  "details": details(d, labels)} for d in downloads if d.print == printing]
        if files:
            groups.append({"title": title, "files": files})
    return groups


def label(d: Download, labels) -> str:
    """The download's name: its edition's (web.files in labels.yaml), else its language's."""
    files = labels["web"]["files"]
    name = files.get(d.edition) or files.get(d.lang) or d.edition
    return files.get(d.kind, "{name}").format(name=name)


def details(d: Download, labels) -> str:
    """"PDF, 14 stron, 109 kB" / "PDF, 14 pages, 109 kB"."""
    parts = ["PDF"]
    if d.pages:
        parts.append(labels.plural("web.pages", d.pages))
    parts.append(file_size(d.size, labels))
    return ", ".join(parts)


def file_size(size: int, labels) -> str:
    return _rounded_size(size).replace(".", labels["web"]["decimal"])


def _rounded_size(size: int) -> str:
    if size < 1000 * 1000:
        return f"{max(1, round(size / 1000))} kB"
    return f"{size / 1000 / 1000:.1f} MB"


def listed(downloads) -> list:
    """The downloads as a page lists them: a change of a few bytes is the same list."""
    return [(d.path, d.pages, d.lang, d.kind, d.edition, _rounded_size(d.size))
            for d in downloads]


def existing_downloads(output: Path, editions) -> list:
    """The PDFs already in output/web/pdf/ (the watch preview lists them with their sizes)."""
    from pypdf.errors import PyPdfError   # not at the top: a build's main process never needs it

    folder = Path(output) / FOLDER / "pdf"
    found = []
    for path in sorted(folder.rglob("*.pdf")) if folder.is_dir() else ():
        d = describe(path.relative_to(folder).as_posix(), path.stat().st_size, None, editions)
        if d and d.kind.startswith("booklet"):
            found.append(d)
        elif d:
            try:
                found.append(replace(d, pages=_page_count(path)))
            except (OSError, PyPdfError):     # being written: listed without pages
                found.append(d)
    return found


_PAGE_COUNTS: dict = {}      # (path, size, mtime) -> pages: watch lists the same PDFs often


def _page_count(path: Path) -> int:
    stat = path.stat()
    key = (str(path), stat.st_size, stat.st_mtime_ns)
    if key not in _PAGE_COUNTS:
        if len(_PAGE_COUNTS) > 1000:
            _PAGE_COUNTS.clear()
        from pypdf import PdfReader

        _PAGE_COUNTS[key] = len(PdfReader(path).pages)
    return _PAGE_COUNTS[key]
