"""Markdown prose -> tokens -> HTML, parsed once (markdown-it-py and mdit-py-plugins).

The syntax is the one docs/content-model.md gives editors: CommonMark with tables, boxes
(`!!! sidebar`, `!!! column "Title"`, `!!! quote wide ""`), attribute lists (`{: #id .class }`
on the last line of a paragraph, after a heading or right after a link or emphasis) and
`[[component]]` lines. The tokens carry their source lines, so every check names the line
it is about: the raw-HTML policy (sanitize.py), the components, the attributes. The
typography pass edits the text tokens of each paragraph together, then the HTML is written.

Markup that markdown-it leaves as text is an error at its line, in the build and in `check`
alike (markup_problems): an emphasis `**`, `*`, `__` or `_` that opens or closes nothing (it
would print as asterisks), and a link or an image whose "](" is not closed. A word longer than
source.MAX_WORD characters is an error too; a long URL is given break opportunities instead
(typography.break_long_words).
"""
from __future__ import annotations

import re
import unicodedata
from typing import Protocol

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.token import Token
from mdit_py_plugins.admon import admon_plugin

from . import sanitize, typography
from ..content.source import check_words
from ..errors import ContentError

COMPONENT = re.compile(r"\[\[([a-z-]+)(?: ([a-z0-9-]+))?\]\]")
COMPONENT_LINE = re.compile(r"[ \t]*\[\[([a-z-]+)(?: ([a-z0-9-]+))?\]\][ \t]*")
# Attribute lists, as Python-Markdown's attr_list wrote them (the colon is optional).
_ATTR_LIST = r"\{:?[ ]*([^}\n ][^}\n]*)[ ]*\}"
BLOCK_ATTRS = re.compile(rf"\n[ ]*{_ATTR_LIST}[ ]*$")
HEADING_ATTRS = re.compile(rf"[ ]+{_ATTR_LIST}[ ]*$")
INLINE_ATTRS = re.compile(rf"^{_ATTR_LIST}")
ATTR_WORD = re.compile(r"""([^ =}]+)=(?:"(.*?)"|'(.*?)'|([^ =}]+))|([^ =}]+)""")
# An inline token's children that end the text the typography rules see (a line break);
# any other tag (emphasis, links, raw <span>) is read through.
BREAKS = ("hardbreak",)
INLINE_RAW_BREAK = re.compile(r"<br\b", re.I)


class Components(Protocol):
    """What a [[name argument]] line stands for (render.py knows the components)."""

    def problem(self, name: str, argument: str | None) -> str | None: ...

    def html(self, name: str, argument: str | None) -> str: ...


class _Markdown(MarkdownIt):
    def validateLink(self, url: str) -> bool:
        return True                        # sanitize.py refuses a bad link, with its line


def _parser() -> MarkdownIt:
    md = _Markdown("commonmark", {"xhtmlOut": False}).enable("table").use(admon_plugin)
    md.core.ruler.before("inline", "attr_lists", _block_attr_lists)
    md.core.ruler.before("text_join", "unmatched_markup", _unmatched_markup)
    return md


def to_html(source: str, file: str, first_line: int, lang: str, root=None,
            components: Components | None = None, ids: list | None = None,
            blocks: bool = False, names=()) -> str:
    """The HTML of one Markdown body, checked and typeset; a ContentError at its line else.

    file: the file as messages name it; first_line: the file's line of the body's first line;
    root: the content folder (images); components: what [[name]] lines stand for (without
    them, such a line stays text); ids: a list that receives (id, line) of every element id the
    text writes; blocks: each top-level block says what it is (mark_blocks); names: proper
    names never hyphenated (the publisher's, the partner's)."""
    page = _Page(file, first_line, lang, root, components, _names_pattern(names))
    env: dict = {}
    parsed = MD.parse(source, env)
    if env.get("unmatched"):
        line, message = env["unmatched"][0]
        raise ContentError(file, first_line + line, message)
    tokens = _pictures(page.walk(_untitled_boxes(parsed)))
    if ids is not None:
        ids += page.ids
    if blocks:
        mark_blocks(tokens)
    return MD.renderer.render(tokens, MD.options, {})


TEXT_BLOCKS = ("paragraph_open", "bullet_list_open", "ordered_list_open")
FIRST_TAG = re.compile(r"<[a-zA-Z][a-zA-Z0-9-]*")


def mark_blocks(tokens: list[Token]) -> None:
    """data-block on each top-level block: "text" (a paragraph, a list), "heading", or "float"
    (a table, a box, a picture, a component), so that the page plan may set text that follows
    a float ahead of it when the float, kept whole, left a gap (brochure/typeset/plan.py)."""
    for token in tokens:
        if token.level != 0 or token.nesting == -1:
            continue
        kind = ("text" if token.type in TEXT_BLOCKS else
                "heading" if token.type == "heading_open" else "float")
        if token.type == "html_block":
            token.content = FIRST_TAG.sub(f'\\g<0> data-block="{kind}"', token.content, count=1)
        elif token.nesting == 1:
            token.attrSet("data-block", kind)


def tokens(source: str) -> list[Token]:
    """The tokens of a Markdown body as the build reads them, unchecked (check's lint)."""
    return _untitled_boxes(MD.parse(source, {}))


def markup_problems(source: str) -> list:
    """(line index in source, message) of every emphasis or link markup that markdown-it
    leaves as text: what the build refuses, for `check` to list all at once."""
    env: dict = {}
    MD.parse(source, env)
    return env.get("unmatched", [])


# --- markup left as text ------------------------------------------------------------------

_DELIMITERS = re.compile(r"\*+|_+")
# "](" left as text: an address never closed, or one with a space (a link inside a link,
# "[a [b](x)](y)", is left as text too, whole: that is no mistake of the address)
_BROKEN_LINK = re.compile(r"\]\((?:[^)]*\s[^)]*\)|[^)]*$)")


def _unmatched_markup(state) -> None:
    """Before text_join (while escaped characters are tokens of their own): note each
    emphasis delimiter run that could open or close emphasis but was left as text, and each
    "](" of a link that was not read as one, in state.env["unmatched"]."""
    found = state.env.setdefault("unmatched", [])
    for token in state.tokens:
        if token.type != "inline" or not token.children or token.map is None:
            continue
        line = token.map[0]
        children = token.children
        for i, child in enumerate(children):
            if child.type in ("softbreak", "hardbreak"):
                line += 1
            if child.type != "text":
                continue
            urls = [m.span() for m in typography.PROTECTED.finditer(child.content)]
            for run in _DELIMITERS.finditer(child.content):
                if any(start <= run.start() < end for start, end in urls):
                    continue                       # a_b in an address is no emphasis
                before = child.content[run.start() - 1] if run.start() else _edge(children, i - 1, -1)
                after = (child.content[run.end()] if run.end() < len(child.content)
                         else _edge(children, i + 1, 0))
                opens, closes = _flanking(run.group()[0], before, after)
                if opens or closes:
                    mark = run.group()
                    what = "opens an emphasis that is never closed" if opens and not closes \
                        else "closes an emphasis that was never opened" if closes and not opens \
                        else "opens or closes no emphasis"
                    escaped = "".join("\\" + ch for ch in mark)
                    found.append((line + child.content.count("\n", 0, run.start()),
                                  f'"{mark}" {what}: add the other "{mark}", or write {escaped} '
                                  f"to print {mark}"))
            if _BROKEN_LINK.search(child.content):
                found.append((line, 'a link or an image "[…](…" is not closed: end its address '
                                    'with ")" (an address has no spaces)'))


def _edge(children, i, end) -> str:
    """The character next to a text token: of its neighbour's markup, or a space."""
    if not 0 <= i < len(children):
        return " "
    child = children[i]
    if child.type in ("text", "text_special") and child.content:
        return child.content[end]
    if child.type in ("softbreak", "hardbreak"):
        return "\n"
    return (child.markup or "[")[end] if child.type != "html_inline" else ">"


def _flanking(mark: str, before: str, after: str) -> tuple:
    """(can open, can close) of a run of `mark` between `before` and `after` (CommonMark)."""
    def punctuation(ch):
        return unicodedata.category(ch)[0] in "PS"
    left = not after.isspace() and (not punctuation(after) or before.isspace()
                                    or punctuation(before))
    right = not before.isspace() and (not punctuation(before) or after.isspace()
                                      or punctuation(after))
    if mark == "_":
        return (left and (not right or punctuation(before)),
                right and (not left or punctuation(after)))
    return left, right


def source_line(token: Token) -> int:
    """The 0-based line of the body where a block token (or a block's inline token) starts:
    markdown-it gives every one its lines."""
    if token.map is None:
        raise ValueError(f"markdown-it gave the {token.type} token no source lines")
    return token.map[0]


# --- attribute lists ----------------------------------------------------------------------

def _block_attr_lists(state) -> None:
    """`{: ... }` ending a paragraph or a heading: the block's attributes (before the inline
    parse, so the list is not read as text)."""
    for i, token in enumerate(state.tokens):
        if token.type != "inline" or i == 0:
            continue
        opening = state.tokens[i - 1]
        pattern = HEADING_ATTRS if opening.type == "heading_open" else BLOCK_ATTRS
        found = pattern.search(token.content)
        if not found or opening.type not in ("heading_open", "paragraph_open"):
            continue
        if opening.hidden and i >= 2 and state.tokens[i - 2].type == "list_item_open":
            opening = state.tokens[i - 2]          # a tight list's item has no <p>
        line = token.map[0] + token.content.count("\n", 0, found.start() + 1)
        opening.meta["attr_list"] = (parse_attrs(found.group(1)), line)
        token.content = token.content[:found.start()]


def parse_attrs(text: str) -> dict:
    """`#id .class key="value" key=value`, as attr_list reads them."""
    attrs, classes = {}, []
    for key, double, single, bare, word in ATTR_WORD.findall(text):
        if word.startswith("#"):
            attrs["id"] = word[1:]
        elif word.startswith("."):
            attrs.setdefault("class", "")          # in the order written
            classes.append(word[1:])
        elif word:
            attrs[word] = word
        else:
            attrs[key] = double or single or bare
    if classes:
        attrs["class"] = " ".join(filter(None, [attrs.get("class", ""), *classes]))
    return attrs


# --- the pass over the tokens -------------------------------------------------------------

class _Page:
    """One Markdown body on its way to HTML: checks, components, typography."""

    def __init__(self, file, first_line, lang, root, components, names=None):
        self.file, self.first_line, self.lang = file, first_line, lang
        self.root, self.components, self.names = root, components, names
        self.ids = []          # (id, line) of the elements this text names

    def walk(self, tokens: list[Token]) -> list[Token]:
        out, i = [], 0
        while i < len(tokens):
            token = tokens[i]
            placed = self._component(tokens, i)
            if placed is not None:
                out.append(placed)
                i += 3
                continue
            out.append(self._block(token))
            if token.type == "inline" and i and tokens[i - 1].type == "paragraph_open":
                token.children = _hold_last_word(token.children or [])
            i += 1
        return out

    def _line(self, token_line: int) -> int:
        return self.first_line + token_line

    def _block(self, token: Token) -> Token:
        if "attr_list" in token.meta:
            attrs, line = token.meta.pop("attr_list")
            token.attrs.update(self._attributes(token.tag, attrs, line))
        if token.type == "admonition_open":
            self._attributes("div", {"class": token.attrs["class"]}, source_line(token))
        elif token.type == "html_block":
            check_words(token.content, self.file, self._line(source_line(token)))
            open_tags: list[str] = []
            token.content = (sanitize.raw_html(token.content, self.file,
                                               self._line(source_line(token)), self.root, open_tags,
                                               smarten=self._smarten)
                             + sanitize.close_tags(open_tags))
            self._raw_ids(token.content, source_line(token))
        elif token.type == "inline":
            self._check_component_lines(token)
            self._inline(token)
        return token

    def _smarten(self, parts) -> list[str]:
        return typography.smarten_run(parts, self.lang)

    def _attributes(self, tag, attrs, token_line) -> dict:
        checked = sanitize.attributes(tag, attrs, self.file, self._line(token_line), self.root)
        if checked.get("id"):
            self.ids.append((checked["id"], self._line(token_line)))
        return checked

    def _raw_ids(self, html, token_line) -> None:
        self.ids += [(name, self._line(token_line + offset))
                     for name, offset in sanitize.element_ids(html)]

    # --- components

    def _component(self, tokens, i) -> Token | None:
        """A paragraph holding only [[name]]: the component's HTML in its place."""
        if (tokens[i].type != "paragraph_open" or tokens[i].hidden
                or i + 2 >= len(tokens) or tokens[i + 1].type != "inline"):
            return None
        found = COMPONENT.fullmatch(tokens[i + 1].content)
        if not found or self.components is None:
            return None
        self._check_component(found, tokens[i].map[0])
        block = Token("html_block", "", 0, map=tokens[i].map)
        block.content = self.components.html(found.group(1), found.group(2)) + "\n"
        return block

    def _check_component(self, found: re.Match, token_line: int) -> None:
        problem = self.components.problem(found.group(1), found.group(2))
        if problem:
            raise ContentError(self.file, self._line(token_line), problem)

    def _check_component_lines(self, token: Token) -> None:
        """A [[name]] line inside a paragraph (not placed: it stays text) is checked too."""
        if self.components is None or "[[" not in token.content:
            return
        for number, text in enumerate(token.content.split("\n")):
            found = COMPONENT_LINE.fullmatch(text)
            if found:
                self._check_component(found, source_line(token) + number)

    # --- inline tokens

    def _inline(self, token: Token) -> None:
        children, line = [], source_line(token)
        open_tags: list[str] = []
        for child in token.children or []:
            if child.type in ("softbreak", "hardbreak"):
                line += 1
                if child.type == "softbreak":      # the rules may bind across a soft wrap
                    child = Token("text", "", 0, content="\n")
            elif child.type == "html_inline":
                child.content = sanitize.raw_html(child.content, self.file, self._line(line),
                                                  self.root, open_tags)
                self._raw_ids(child.content, line)
            elif child.type in ("link_open", "image"):
                child.attrs.update(self._attributes(child.tag, _own_attrs(child), line))
            if child.type == "image":
                self._picture(child, line)
            elif child.type in ("text", "code_inline"):
                check_words(child.content, self.file, self._line(line))
            child.meta["line"] = line
            children.append(child)
        if open_tags:
            children.append(Token("html_inline", "", 0,
                                  content=sanitize.close_tags(open_tags)))
        token.children = self._inline_attr_lists(children)
        self._typeset(token.children)
        if self.names:
            token.children = _hold_names(token.children, self.names)

    def _picture(self, image: Token, line: int) -> None:
        """An image says what it shows (its alt text, which screen readers read as written:
        no typography, no no-break spaces) and its caption (the title, "...") is typeset as
        printed text."""
        if not image.content.strip():
            raise ContentError(self.file, self._line(line),
                               f'the image {image.attrs.get("src", "")} has no description: '
                               f'write what it shows between the brackets, e.g. '
                               f'![Mapa miast sieci](img/mapa.png "Podpis pod obrazem"); '
                               f'screen readers read it to people who cannot see the picture')
        if image.attrs.get("title"):
            image.attrs["title"] = self._smarten([(str(image.attrs["title"]), False)])[0]
        image.meta["source"] = f"{self.file}:{self._line(line)}"     # a picture's is measured

    def _inline_attr_lists(self, children) -> list[Token]:
        """`[x](url){: ... }`, `*x*{: ... }`: attributes of the element just closed."""
        for i, child in enumerate(children):
            if child.type != "text" or i == 0:
                continue
            found = INLINE_ATTRS.match(child.content)
            target = _opening(children, i - 1) if found else None
            if found is None or target is None:
                continue
            target.attrs.update(self._attributes(target.tag, parse_attrs(found.group(1)),
                                                 child.meta["line"]))
            child.content = child.content[found.end():]
        return children

    def _typeset(self, children: list[Token]) -> None:
        run: list[Token] = []
        for child in children + [None]:
            if child is None or child.type in BREAKS or (
                    child.type == "html_inline" and INLINE_RAW_BREAK.match(child.content)):
                texts = self._smarten([(t.content, t.type == "code_inline") for t in run])
                for t, text in zip(run, texts):
                    if t.type == "text":
                        t.content = typography.break_long_words(text)
                run = []
            elif child.type in ("text", "code_inline"):
                run.append(child)


def _names_pattern(names):
    """A pattern that finds the names in typeset text, in any case of a declension (a longer
    word's last two letters may change: "Ministerstwa Funduszy", "Banku Światowego"; the
    spaces may have become no-break spaces or word joiners), or None."""
    def word(w: str) -> str:
        stem = w[:-2] if len(w) > 4 else w
        return re.escape(stem) + r"\w*" if len(w) > 3 else re.escape(w)
    alternatives = [r"[\s\u00a0\u2060]+".join(word(w) for w in name.split())
                    for name in names if name and name.strip()]
    return re.compile("|".join(sorted(alternatives, key=len, reverse=True))) if alternatives else None


def _hold_names(children: list[Token], pattern) -> list[Token]:
    """Each name in a text wrapped in <span class="name">, which the stylesheet never
    hyphenates: "Ministerstwo Funduszy i Polityki Regional-/nej" reads as a broken name."""
    out: list[Token] = []
    for child in children:
        if child.type != "text" or not pattern.search(child.content):
            out.append(child)
            continue
        at = 0
        for found in pattern.finditer(child.content):
            out += [_text(child, typography.hold_across(child.content[at:found.start()])),
                    Token("html_inline", "", 0, content='<span class="name">'),
                    _text(child, found.group(0)), Token("html_inline", "", 0, content="</span>")]
            at = found.end()
        out.append(_text(child, child.content[at:]))
    return [t for t in out if t.type != "text" or t.content]


LAST_WORD = re.compile(r"(?<![^\s\u00a0\u2060])([^\W\d_][\w\u00ad-]{5,}[^\w\s]*)(\s*)$")


def _hold_last_word(children: list[Token]) -> list[Token]:
    """A paragraph's last word in <span class="last">, never hyphenated: "zainteresowa-/niem."
    would leave a last line of five letters (a word of six letters or more; shorter ones are
    not broken anyway)."""
    for i in range(len(children) - 1, -1, -1):
        child = children[i]
        if child.type == "code_inline" or (child.type == "text" and child.content.strip()):
            break
    else:
        return children
    found = LAST_WORD.search(child.content) if child.type == "text" else None
    if found is None:
        return children
    return (children[:i] + [_text(child, typography.hold_across(child.content[:found.start()])),
                            Token("html_inline", "", 0, content='<span class="last">'),
                            _text(child, found.group(1)), Token("html_inline", "", 0, content="</span>"),
                            _text(child, found.group(2))] + children[i + 1:])


def _text(like: Token, content: str) -> Token:
    token = Token("text", "", 0, content=content)
    token.meta = dict(like.meta)
    return token


PICTURE_SIZES = ("small", "half", "full")    # a third, half, all of the text column


def _pictures(tokens: list[Token]) -> list[Token]:
    """A paragraph holding only an image is a picture: <figure> with the image at its size
    class (`{: .half }`; full width without one) and its title as the caption."""
    out, i = [], 0
    while i < len(tokens):
        image = _lone_image(tokens, i)
        if image is None:
            out.append(tokens[i])
            i += 1
            continue
        block = Token("html_block", "", 0, map=tokens[i].map)
        block.content = _figure(image) + "\n"
        out.append(block)
        i += 3
    return out


def _lone_image(tokens, i) -> Token | None:
    if tokens[i].type != "paragraph_open" or i + 2 >= len(tokens):
        return None
    children = [c for c in tokens[i + 1].children or []
                if not (c.type == "text" and not c.content.strip())]
    if len(children) != 1 or children[0].type != "image":
        return None
    image = children[0]
    block_classes = tokens[i].attrs.get("class")       # {: .half } on the line below
    if block_classes:
        image.attrs["class"] = f'{block_classes} {image.attrs.get("class", "")}'.strip()
    return image


def _figure(image: Token) -> str:
    classes = str(image.attrs.pop("class", "")).split()
    size = next((c for c in classes if c in PICTURE_SIZES), "full")
    others = " ".join(c for c in classes if c not in PICTURE_SIZES)
    caption = image.attrs.pop("title", None)
    if "source" in image.meta:          # where it is written: typeset/pictures.py measures it
        image.attrs["data-source"] = image.meta["source"]
    img = MD.renderer.render([image], MD.options, {})    # as renderInline: no inline token
    figcaption = f"<figcaption>{escapeHtml(str(caption))}</figcaption>" if caption else ""
    return f'<figure class="picture {size}{" " + others if others else ""}">{img}{figcaption}</figure>'


def _own_attrs(token: Token) -> dict:
    """A link's or an image's attributes as Markdown wrote them (alt is the image's text)."""
    return {name: value for name, value in token.attrs.items() if name != "alt"}


def _opening(children, i) -> Token | None:
    """The element that children[i] ends: an image, or the opening of a link or emphasis."""
    closing = children[i]
    if closing.type == "image":
        return closing
    if not closing.type.endswith("_close"):
        return None
    depth = 0
    for j in range(i, -1, -1):
        depth += children[j].nesting
        if depth == 0:
            return children[j]
    return None


def _untitled_boxes(tokens: list[Token]) -> list[Token]:
    """`!!! sidebar` (no title in quotes): a box without a title, not one called "Sidebar"."""
    out, skip = [], 0
    for i, token in enumerate(tokens):
        if skip:
            skip -= 1
            continue
        if (token.type == "admonition_open" and '"' not in token.info
                and i + 1 < len(tokens) and tokens[i + 1].type == "admonition_title_open"):
            token.attrs["class"] = " ".join(["admonition", *token.info.split()])
            skip = 3
        out.append(token)
    return out


MD = _parser()
