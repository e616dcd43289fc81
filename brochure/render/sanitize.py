"""Raw HTML in Markdown: the policy, and the checks that enforce it on Markdown's tokens.

The policy
----------
Content is Markdown (docs/content-model.md: "Do not type HTML"). Markdown passes raw
HTML through untouched (markdown-it-py as well), and WeasyPrint would act on it: `<link rel="attachment">` or
`<a rel="attachment">` embeds any readable file into the PDF, `<img src="file:///...">` and
`<style>` with `url(...)` read local files, `<base>` moves every relative URL. So the tokens that
Markdown produces are checked before they reach a template, and anything outside a small
allow-list **stops the build** with a `ContentError` naming the Markdown file and (best effort)
the line. Nothing is silently dropped or shown as markup in the printed brochure: an editor who
typed HTML learns it at once, with the fix ("use Markdown").

Allowed elements (what the Markdown syntax and our extensions produce, plus four harmless
inline tags an editor may type: `<br>`, `<sup>`, `<sub>`, `<span>`):

    p h1-h6 ul ol li a img em strong code pre blockquote hr br sup sub span div
    table thead tbody tr th td

Allowed attributes:

- on every allowed element: `class` (letters, digits, `-`, `_`; e.g. the admonition boxes'
  `div.admonition sidebar`, `p.admonition-title`), `id` (a plain name, for `#anchor` links),
  `lang` (a language tag such as `en` or `en-GB`, for words in another language);
- `a`: `href`, `title`. A link goes to `https://`, `http://`, `mailto:` or an `#anchor` in the
  document; anything else (`file:`, `javascript:`, `vbscript:`, `data:`, `ftp:`, a relative
  path) is refused;
- `img`: `src`, `alt`, `title`. `src` is a relative path, from the Markdown file's folder, to a
  PNG, JPEG, GIF or SVG file inside the content folder (`![Mapa](img/mapa.png)` in
  `content/pl/01-pim.md` is `content/pl/img/mapa.png`). With `root` given, the file must exist
  and, after resolving `..` and symbolic links, still lie inside the content folder, and load
  (brochure/images.py: Pillow; an SVG may not refer to anything outside itself); `src` is
  then rewritten to `content/<path in the content folder>`, relative to the documents' base
  URL, which the sandboxed fetcher (brochure/fetch.py) maps to the content folder and checks
  once more at typeset time. `data:` images are refused: an image
  belongs in content/ as a file an editor can see and replace;
- `id` (from `{: #name }` or a raw tag) may not take a name the layout uses: ids starting with
  `part-`, `tl-`, `pl-`, `en-`, `divider-`, and `cover`, `back-cover`, `contents` are reserved; an id used
  twice in an edition (by the layout or by two texts) is refused by pipeline.py after rendering;
- `ol`: `start` (a number: a list starting at 3 has it); `th`, `td`: `align`, or `style`
  holding only `text-align: left|right|center` (what a table's `|:--|` writes).

Everything else is refused: any other element (`<script>`, `<style>`, `<iframe>`, `<object>`,
`<embed>`, `<link>`, `<meta>`, `<base>`, `<form>`, `<svg>`, but also `<u>`, `<font>`,
`<section>`...), any other attribute (event handlers `on...=`, `rel`, `style`, `srcset`,
`target`...), doctype, CDATA and processing-instruction markup. HTML comments are dropped
(an editor's note to self). Text is re-escaped, and the tags are re-balanced, so a stray
`</div>` cannot close the template's own elements.

Use: brochure/prose.py parses the Markdown into tokens and checks each against the policy
where it stands, so a message names the line: raw HTML (an HTML block, or an inline tag) with
`raw_html(html, file, line, root=pub.root, open_tags=...)`, and the attributes Markdown writes
(links, images, attribute lists `{: ... }`) with `attributes(tag, attrs, file, line, root)`.
The components' HTML comes from our templates and is not checked. The check runs for the
languages being built. typeset.py makes its fetcher with `fetch.fetcher_class()`, which
serves the project's own content/: an image in a content tree outside the project (`--content elsewhere/`) passes
here but is refused at typeset time unless typeset passes `content=pub.root` to it.
"""
from __future__ import annotations

import html as html_lib
import os
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import NoReturn
from urllib.parse import quote, unquote, urlsplit

from ..content import images
from ..content.source import Refused, inside
from ..errors import ContentError

INLINE_RAW = ("br", "sup", "sub", "span")          # the raw tags an editor may type
TAGS = frozenset((
    "p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "a", "img", "em", "strong",
    "code", "pre", "blockquote", "hr", "div", "table", "thead", "tbody", "tr", "th", "td")
    + INLINE_RAW)
VOID = frozenset(("br", "hr", "img"))
# Tags a line of text runs through (the typography rules see across them); code is frozen.
INLINE = frozenset(("a", "em", "strong", "code", "span", "sup", "sub"))
CODE = frozenset(("code", "pre"))
GLOBAL_ATTRIBUTES = ("class", "id", "lang")
ATTRIBUTES = {"a": ("href", "title"), "img": ("src", "alt", "title"), "ol": ("start",),
              "th": ("align", "style"), "td": ("align", "style")}
LINK_SCHEMES = ("https", "http", "mailto")
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".svg")
# Elements and attributes that get a message of their own: they are how a document reads files,
# runs code or changes what other URLs mean.
DANGEROUS = frozenset(("script", "style", "iframe", "frame", "frameset", "object", "embed",
                       "applet", "link", "meta", "base", "form", "input", "button", "textarea",
                       "select", "svg", "math", "video", "audio", "source", "track", "picture",
                       "portal", "template", "noscript"))

_CLASS = re.compile(r"[A-Za-z0-9_ \t-]*")
_ID = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")
_LANG = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*")
_START = re.compile(r"[0-9]{1,6}")
_ALIGN = re.compile(r"left|right|center|justify", re.I)
_TABLE_STYLE = re.compile(r"\s*text-align\s*:\s*(?:left|right|center)\s*;?\s*", re.I)
HINT = "use Markdown (see docs/content-model.md)"
# Ids the layout gives its own elements (the parts, the sections <lang>-<file>, the list of
# meetings <lang>-events, the timeline's tl-..., the covers): an id in the text may not take
# them, or a link, the contents or the PDF's language tagging would land on the wrong element.
RESERVED_ID_PREFIXES = ("part-", "tl-", "pl-", "en-", "divider-")
RESERVED_IDS = ("cover", "back-cover", "contents")


def raw_html(html: str, file: str, line: int, root=None, open_tags=None,
             smarten=None) -> str:
    """Raw HTML an editor typed (an HTML block, or one inline tag of a paragraph) checked
    against the policy above; a ContentError otherwise. Text is re-escaped, comments dropped,
    and end tags balanced against `open_tags` (the tags still open in this block: a stray end
    tag is dropped, so it cannot close the template's elements).

    file: the Markdown file as messages name it ("content/pl/01-pim.md"); line: the line the
    HTML starts on; root: the content folder, to check and resolve image paths (without it, an
    image path is only checked to be relative); smarten([(text, frozen), ...]) -> texts: the
    typography of the text of an HTML block, one line of text (up to a block tag) at a time.
    """
    cleaner = _Cleaner(file, line, root, [] if open_tags is None else open_tags)
    try:
        cleaner.feed(html)
        cleaner.close()
    except ContentError:
        raise
    except Exception as err:     # html.parser is lenient, but never let a crash through
        raise ContentError(file, line, f"the HTML in this text cannot be read ({err}); "
                                       f"{HINT}") from None
    if smarten is not None:
        cleaner.smarten(smarten)
    return "".join(cleaner.out)


class _Ids(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []

    def handle_starttag(self, tag, attrs):
        self.found += [(value, self.getpos()[0] - 1) for name, value in attrs
                       if name == "id" and value]

    handle_startendtag = handle_starttag


def element_ids(html: str) -> list:
    """(id, line index in `html`) of every element with an id, in document order."""
    parser = _Ids()
    parser.feed(html)
    parser.close()
    return parser.found


def close_tags(open_tags: list) -> str:
    """The end tags of the raw tags left open at the end of a block (they are then closed)."""
    closing = "".join(f"</{tag}>" for tag in reversed(open_tags))
    open_tags.clear()
    return closing


def attributes(tag: str, attrs: dict, file: str, line: int, root=None) -> dict:
    """The attributes Markdown gives an element (a link's href, an image's src, an attribute
    list's names) checked against the policy; an image's src is resolved as above."""
    cleaner = _Cleaner(file, line, root, [])
    return {name: cleaner.attribute(tag, name, "" if value is None else str(value))
            for name, value in attrs.items()}


class _Cleaner(HTMLParser):
    def __init__(self, file, line, root, open_tags):
        super().__init__(convert_charrefs=True)
        self.file, self.first_line = str(file), line
        self.root = Path(root).resolve() if root is not None else None
        self.out, self.open = [], open_tags
        self.runs, self.code = [[]], 0      # the text of each line: (index in out, text, code)

    # --- the parser's events ------------------------------------------------------------

    def handle_starttag(self, tag, attrs):
        self._start(tag, attrs)

    def handle_startendtag(self, tag, attrs):
        self._start(tag, attrs)
        if tag not in VOID:
            self._end(tag)

    def handle_endtag(self, tag):
        if tag not in TAGS:
            self._refuse_tag(tag, closing=True)
        self._end(tag)

    def handle_data(self, data):
        self.runs[-1].append((len(self.out), data, self.code > 0))
        self.out.append(html_lib.escape(data, quote=False))

    def smarten(self, smarten) -> None:
        for run in filter(None, self.runs):
            texts = smarten([(text, code) for _, text, code in run])
            for (i, _, _), text in zip(run, texts):
                self.out[i] = html_lib.escape(text, quote=False)

    def _text_ends(self, tag, opening) -> None:
        if tag in CODE:
            self.code += 1 if opening else -1
        if tag not in INLINE:
            self.runs.append([])

    def handle_comment(self, data):
        pass                                            # an editor's note: not printed

    def handle_decl(self, decl):
        self._fail(f"raw HTML <!{_short(decl)}> is not allowed; "
                                                f"{HINT}")

    def unknown_decl(self, data):
        self.handle_decl(data)

    def handle_pi(self, data):
        self._fail(f"raw HTML <?{_short(data)}> is not allowed; {HINT}")

    # --- elements -----------------------------------------------------------------------

    def _start(self, tag, attrs):
        if tag not in TAGS:
            self._refuse_tag(tag)
        kept, seen = [], set()
        for name, value in attrs:
            value = "" if value is None else value
            value = self.attribute(tag, name, value)
            if name not in seen:                        # HTML uses the first of duplicates
                seen.add(name)
                kept.append(f' {name}="{html_lib.escape(value, quote=True)}"')
        self.out.append(f"<{tag}{''.join(kept)}>")
        if tag not in VOID:
            self.open.append(tag)
            self._text_ends(tag, True)
        elif tag not in INLINE:
            self.runs.append([])

    def _end(self, tag):
        if tag in VOID or tag not in self.open:
            return                                      # a stray end tag: dropped
        while self.open:
            top = self.open.pop()
            self.out.append(f"</{top}>")
            self._text_ends(top, False)
            if top == tag:
                break

    def _refuse_tag(self, tag, closing=False):
        shown = f"</{_short(tag, 20)}>" if closing else f"<{_short(tag, 20)}>"
        if tag in DANGEROUS:
            why = (" (it can run code, load files or change the page)"
                   if tag not in ("svg", "math") else " (put graphics in an image file)")
        else:
            why = ""
        self._fail(f"raw HTML {shown} is not allowed{why}; use Markdown (the only "
                            f"HTML tags allowed are {', '.join(f'<{t}>' for t in INLINE_RAW)})")

    # --- attributes ---------------------------------------------------------------------

    def attribute(self, tag, name, value) -> str:
        if name.startswith("on"):
            self._fail(f'the event attribute {name}= on <{tag}> is not allowed '
                                     f'(it runs code); {HINT}')
        if name == "rel":
            self._fail(f'the attribute rel="{_short(value)}" on <{tag}> is not '
                                     f'allowed (rel="attachment" would embed a file in the PDF); '
                                     f'{HINT}')
        if name not in GLOBAL_ATTRIBUTES + ATTRIBUTES.get(tag, ()):
            allowed = GLOBAL_ATTRIBUTES + ATTRIBUTES.get(tag, ())
            self._fail(f'the attribute {name}= on <{tag}> is not allowed; '
                                     f'allowed on <{tag}>: {", ".join(allowed)}')
        checks = {"class": _CLASS, "id": _ID, "lang": _LANG, "start": _START, "align": _ALIGN,
                  "style": _TABLE_STYLE}
        if name in checks and not checks[name].fullmatch(value):
            self._fail(f'{name}="{_short(value)}" on <{tag}> is not allowed; '
                                     + _VALUE_HINTS[name])
        if name == "id" and (value.lower().startswith(RESERVED_ID_PREFIXES)
                             or value.lower() in RESERVED_IDS):
            self._fail(f'the id "{_short(value)}" is reserved for the layout (ids starting with '
                       f'{", ".join(RESERVED_ID_PREFIXES)} and {", ".join(RESERVED_IDS)}); '
                       f'choose another name')
        if name == "href":
            return self._link(value)
        if name == "src":
            return self._image(value)
        return value

    def _link(self, href) -> str:
        url = href.strip()
        if url.startswith("#"):
            return url
        try:
            parts = urlsplit(url)
        except ValueError:
            parts = urlsplit("")
        scheme = parts.scheme.lower()
        if (scheme in LINK_SCHEMES and url[:len(scheme) + 1].lower() == scheme + ":"
                and (parts.netloc or scheme == "mailto")):
            return url
        if scheme in ("javascript", "vbscript", "data"):
            why = "it would run code or embed data"
        elif scheme == "file":
            why = "it points to a file on this computer"
        elif scheme:
            why = f'"{scheme}:" links are not used in the brochure'
        else:
            why = "a relative link leads nowhere in a PDF"
        self._fail(f'the link "{_short(href)}" is not allowed ({why}); a link must start with '
                   f'https://, http://, mailto: or # (a heading of this document)')

    def _image(self, src) -> str:
        try:
            parts = urlsplit(src.strip())
        except ValueError:
            parts = None
        path = unquote(parts.path) if parts else ""
        if (parts is None or parts.scheme or parts.netloc or not path
                or path.startswith(("/", "\\")) or "\0" in path):
            self._fail(f'the image "{_short(src)}" must be a relative path to a file '
                              f'inside the content folder, e.g. img/mapa.png (no http://, '
                              f'file:, data: or absolute paths)')
        if not path.lower().endswith(IMAGE_SUFFIXES):
            self._fail(f'the image "{_short(src)}" must be a PNG, JPEG, GIF or SVG file '
                              f'({", ".join(IMAGE_SUFFIXES)})')
        if self.root is None:
            return src.strip()
        return self._image_file(path, src)

    def _image_file(self, path, src) -> str:
        folder = self._markdown_folder()
        lexical = Path(os.path.normpath(folder / path))
        root = self.root
        shown_root = Path(root.name)
        shown = (shown_root / lexical.relative_to(root)).as_posix() \
            if lexical.is_relative_to(root) else src
        try:
            resolved = inside(root, lexical, shown)
        except Refused as refused:
            self._fail(self._refusal(refused.reason, src, shown, lexical))
        if not resolved.name.lower().endswith(IMAGE_SUFFIXES):
            self._fail(f'the image {shown} is a link to {resolved.name}, not to a PNG, '
                       f'JPEG, GIF or SVG file')
        unusable = images.problem(resolved)
        if unusable:
            self._fail(f"the image {shown} cannot be used: {unusable}")
        # relative to the documents' base URL (fetch.BASE_URL): the same wherever content lies
        return "content/" + quote(resolved.relative_to(root).as_posix())

    def _refusal(self, reason, src, shown, lexical) -> str:
        """What the sandbox's refusal of an image means to the editor."""
        content = f"{self.root.name}/"
        if reason == "outside":
            return (f'the image "{_short(src)}" lies outside the content folder ("..", or an '
                    f"absolute path); copy the image into {content} and refer to it from there")
        if reason == "link":
            return (f"the image {shown} is a link to {lexical.resolve()}, outside the content "
                    f"folder; copy the image itself into {content}")
        if reason == "missing":
            return (f"image not found: {shown} (an image's path is relative to the folder of "
                    f"its Markdown file); check the name (letters' case counts) or add the file")
        if reason == "special":
            return f"the image {shown} is not a regular file"
        return f'the image "{_short(src)}" cannot be read ({shown})'

    def _markdown_folder(self) -> Path:
        """The folder of the Markdown file: file is "<root name>/<lang>/<name>.md"."""
        parts = Path(self.file).parts
        if len(parts) > 1 and parts[0] == self.root.name:
            return self.root.joinpath(*parts[1:-1])
        return self.root

    # --- messages -----------------------------------------------------------------------

    def _fail(self, message: str) -> NoReturn:
        """At the line of the tag being read (the parser counts the lines of a block)."""
        raise ContentError(self.file, self.first_line + self.getpos()[0] - 1, message)


_VALUE_HINTS = {
    "class": "a class is one or more names of letters, digits, - and _",
    "id": "an id is a name of letters, digits, - and _, starting with a letter",
    "lang": "write a language tag such as en or en-GB",
    "start": "start is the number of the first list item",
    "align": "align is left, right, center or justify",
    "style": "the only style allowed is a table column's text-align (left, right or center)",
}


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[:limit - 1] + "…"
