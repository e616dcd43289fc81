"""Translation units: one per heading, paragraph, list item, table cell, box title, picture
description and caption, front-matter title and running head (the Markdown, segmented by the
build's own markdown-it front end, render/prose.py), and one per {pl:, en:} text of the YAML files.

A unit's text is a tuple of parts: plain text (str) and Codes, the placeholders a translator
must keep: components ([[map]]), emphasis and links (a pair of codes around their text),
inline code, raw HTML, line breaks, inline images, attribute lists ({: lang="en" }) and the
fields of the labels ({n}, %d). Each unit knows the span of its text in its file (character
offsets), so that the import rewrites that span and nothing else.
"""
from __future__ import annotations

import hashlib
import itertools
import re
from dataclasses import dataclass

import yaml
from markdown_it.token import Token

from ..content.source import SAFE_LOADER, no_garbage_collection, split_front_matter
from ..errors import ContentError
from ..render import prose

COMPONENT_IN_TEXT = re.compile(r"\[\[[a-z-]+(?: [a-z0-9-]+)?\]\]")
LABEL_FIELD = re.compile(r"\{[a-z_]+\}|%d")
PAIRED = {"strong_open": "bold", "em_open": "italic", "link_open": "link", "s_open": "struck"}
FRONT_MATTER_TEXTS = ("title", "running-head")
PLURAL_FORMS = {"zero", "one", "two", "few", "many", "other"}
NATURAL_KEYS = ("id", "name", "file", "start")     # what names a list item better than its index
HASH_LENGTH = 10
# One line only: these kinds cannot hold a line break (a heading, a cell, a YAML title...).
SINGLE_LINE = {"heading", "cell", "box-title", "alt", "caption", "title", "running-head", "text"}
# Advisory length limits (characters) a translator sees in the notes: a heading on one line of
# the 105 mm column, a running head across the A5 page top.
LIMITS = {"heading": 70, "title": 70, "running-head": 40, "box-title": 90}


@dataclass(frozen=True)
class Code:
    """A placeholder: `ph` stands alone, `open` and `close` (same id) enclose text."""
    id: str
    kind: str
    markdown: str      # what it stands for in the file
    what: str          # for the translator: "bold", "link https://...", "component [[map]]"


@dataclass
class Segment:
    key: str               # the unit's id within its file (Markdown: s1, s2...; YAML: a path)
    kind: str              # heading, paragraph, item, cell, box-title, alt, caption, title, ...
    parts: tuple           # str and Code
    source: str            # the text as written in the file (Markdown or YAML value)
    line: int              # 1-based line in its file
    span: tuple | None     # (start, end) offsets of the written text in the file; None: unknown
    where: str = ""        # where it is printed, for the translator
    style: str = "md"      # how to write it: md, or the YAML scalar style (", ', plain)
    indent: str = ""       # the indentation of a Markdown text's continuation lines

    @property
    def hash(self) -> str:
        return text_hash(self.kind, self.source)


def text_hash(kind: str, source: str) -> str:
    return hashlib.sha256(f"{kind}\n{source}".encode("utf-8")).hexdigest()[:HASH_LENGTH]


def shape(parts) -> tuple:
    """What two texts must share to be the same: the text and the codes' ids and kinds."""
    return tuple(p if isinstance(p, str) else (p.id, p.kind) for p in parts)


OPTIONAL = ("bold", "italic", "struck")     # emphasis is the language's own: a translation
                                            # may drop it (or add its own)


def required(code: Code) -> bool:
    """A placeholder the translation must keep: links, components, code, pictures, fields."""
    return code.what not in OPTIONAL


def codes(parts) -> list:
    return [p for p in parts if isinstance(p, Code)]


def plain(parts) -> str:
    """The text with each code as the Markdown it stands for (messages, PO comments)."""
    return "".join(p if isinstance(p, str) else p.markdown for p in parts)


def limit(segment: Segment) -> int | None:
    if segment.kind in LIMITS:
        return LIMITS[segment.kind]
    if segment.kind in ("cell", "text"):
        return max(30, round(len(plain(segment.parts)) * 1.5))
    return None


# --- Markdown -----------------------------------------------------------------------------

def markdown_segments(text: str, display: str) -> list[Segment]:
    """The units of one Markdown file (front matter title and running head, then the body)."""
    meta, body, body_line = split_front_matter(text, display)
    starts = _line_starts(text)
    section = str(meta.get("title", "")).strip()
    found = _front_matter(text, starts)
    walker = _Walker(text, starts, body_line - 1, section)
    for token in prose.tokens(body):
        walker.visit(token)
    found += walker.found
    for number, segment in enumerate(found, start=1):
        segment.key = f"s{number}"
    return found


def _line_starts(text: str) -> list[int]:
    return [0] + [m.end() for m in re.finditer("\n", text)]


def _front_matter(text, starts) -> list[Segment]:
    lines = text.split("\n")
    end = next(i for i, line in enumerate(lines[1:], start=1) if line.strip() == "---")
    offset = starts[1]
    root = yaml.compose("\n".join(lines[1:end]), Loader=SAFE_LOADER)
    found = []
    for key_node, value in (root.value if isinstance(root, yaml.MappingNode) else []):
        if key_node.value in FRONT_MATTER_TEXTS and isinstance(value, yaml.ScalarNode):
            span = (offset + value.start_mark.index, offset + value.end_mark.index)
            where = ("the section's title: its heading, the contents, the bookmark and the "
                     "running head" if key_node.value == "title"
                     else "the running head of the A5 pages")
            found.append(Segment("", key_node.value, (value.value,), value.value,
                                 value.start_mark.line + 2, span, where, value.style or ""))
    return found


class _Walker:
    """Collects the units of a body's tokens, keeping track of the block each is in."""

    def __init__(self, text, starts, first_line, section):
        self.text, self.starts, self.first = text, starts, first_line
        self.section, self.found = section, []
        self.kind, self.box, self.cursor = "paragraph", None, {}
        self.level, self.items = "h1", 0

    def visit(self, token):
        if token.type == "admonition_open":
            self.box = token.info.split()[0] if token.info.split() else "box"
        elif token.type == "admonition_close":
            self.box = None
        opening = {"heading_open": "heading", "paragraph_open": None, "th_open": "cell",
                   "td_open": "cell", "admonition_title_open": "box-title"}
        if token.type in opening:
            self.kind = opening[token.type]
            self.level = token.tag
        self.items += {"list_item_open": 1, "list_item_close": -1}.get(token.type, 0)
        if token.type == "paragraph_open":
            self.kind = "item" if self.items else "paragraph"
        if token.type == "inline":
            self._inline(token)

    def _inline(self, token):
        content = token.content
        if not content.strip() or prose.COMPONENT.fullmatch(content):
            return
        line = self.first + token.map[0]
        where = self._where()
        image = _lone_image(token)
        span = self._locate(line, content)
        if image is not None:
            self._picture(image, line, span, where)
            return
        parts = inline_parts(token.children or [])
        indent = self._indent(line, span)
        self.found.append(Segment("", self.kind, parts, content, line + 1, span,
                                  where, "md", indent))

    def _where(self) -> str:
        what = {"heading": f"a heading ({self.level})", "paragraph": "a paragraph",
                "item": "a list item", "cell": "a table cell",
                "box-title": "the title of a box"}[self.kind]
        box = f" in a box ({self.box})" if self.box and self.kind != "box-title" else ""
        return f"section «{self.section}»: {what}{box}"

    def _locate(self, line: int, content: str):
        """The offsets of content in the file, from the token's first line (0-based)."""
        lines = content.split("\n")
        file_line = self._file_line(line)
        start_at = self.cursor.get(line, 0)
        if self.kind == "heading":
            mark = file_line.lstrip(" ").lstrip("#").lstrip(" \t")     # "### " before the text
            start_at = max(start_at, len(file_line) - len(mark))
        elif self.kind == "box-title":
            start_at = max(start_at, file_line.find('"') + 1)
        first = lines[0]
        column = file_line.find(first, start_at)
        if column < 0 and self.kind == "cell":
            first = first.replace("|", "\\|")
            column = file_line.find(first, start_at)
        if column < 0:
            return None
        if len(lines) == 1:
            self.cursor[line] = column + len(first)
            return (self.starts[line] + column, self.starts[line] + column + len(first))
        last = lines[-1]
        last_line = self._file_line(line + len(lines) - 1)
        if not last_line.rstrip().endswith(last.rstrip()):
            return None
        end = self.starts[line + len(lines) - 1] + len(last_line.rstrip())
        start = self.starts[line] + column
        written = self.text[start:end].split("\n")
        if [written[0]] + [w.lstrip() for w in written[1:]] != \
                [lines[0]] + [w.lstrip() for w in lines[1:]]:
            return None
        return (start, end)

    def _file_line(self, line: int) -> str:
        end = self.starts[line + 1] - 1 if line + 1 < len(self.starts) else len(self.text)
        return self.text[self.starts[line]:end]

    def _indent(self, line, span) -> str:
        """The indentation of the text's continuation lines (a list item's, a box's)."""
        if span is None or self.kind not in ("paragraph", "item"):
            return ""
        following = self.text[span[0]:span[1]].split("\n")
        if len(following) > 1:
            return following[1][:len(following[1]) - len(following[1].lstrip(" \t"))]
        return " " * (span[0] - self.starts[line])

    def _picture(self, image, line, span, where):
        """A paragraph holding only an image: its description and its caption."""
        written = self.text[span[0]:span[1]] if span else ""
        alt = image.content
        title = image.attrs.get("title")
        alt_at = written.find(f"![{alt}]")
        if alt and alt_at >= 0:
            start = span[0] + alt_at + 2
            self.found.append(Segment("", "alt", (alt,), alt, line + 1, (start, start + len(alt)),
                                      f"{where}: the description of a picture, which screen "
                                      f"readers read (not printed)"))
        if title:
            quoted = written.find(f'"{title}"', max(alt_at, 0))
            start = span[0] + quoted + 1 if quoted >= 0 else None
            self.found.append(Segment("", "caption", (title,), title, line + 1,
                                      (start, start + len(title)) if start else None,
                                      f"{where}: the caption printed under a picture"))


def _lone_image(token):
    children = [c for c in token.children or []
                if not (c.type == "text" and not c.content.strip())]
    return children[0] if len(children) == 1 and children[0].type == "image" else None


def inline_parts(children) -> tuple:
    """The text and codes of an inline token's children, in order."""
    parts: list[str | Code] = []
    stack: list[tuple[str, Token]] = []
    ids = itertools.count(1)
    autolink = False
    for child in children:
        kind = child.type
        if autolink:
            autolink = kind != "link_close"
            continue
        if kind == "text":
            _text(parts, child.content, ids)
        elif kind == "softbreak":
            _text(parts, "\n", ids, components=False)
        elif kind == "link_open" and child.markup == "autolink":
            href = child.attrs.get("href", "")
            parts.append(Code(str(next(ids)), "ph", f"<{href}>", f"link {href}"))
            autolink = True
        elif kind in PAIRED:
            number = str(next(ids))
            stack.append((number, child))
            parts.append(Code(number, "open", _open_markdown(child), _what(child)))
        elif kind.endswith("_close") and stack:
            number, opening = stack.pop()
            parts.append(Code(number, "close", _close_markdown(opening), _what(opening)))
        else:
            parts.append(Code(str(next(ids)), "ph", _markdown(child), _what(child)))
    return _merged(parts)


def _text(parts, text, ids, components=True):
    """Text, with the attribute list that closes a link or emphasis ({: lang="en" }) and
    any [[component]] as codes."""
    found = prose.INLINE_ATTRS.match(text)
    if found and parts and isinstance(parts[-1], Code) and parts[-1].kind != "open":
        last = parts[-1]
        parts[-1] = Code(last.id, last.kind, last.markdown + found.group(), last.what)
        text = text[found.end():]
    pieces = COMPONENT_IN_TEXT.split(text) if components else [text]
    names = COMPONENT_IN_TEXT.findall(text) if components else []
    for piece, name in itertools.zip_longest(pieces, names):
        if piece:
            parts.append(piece)
        if name:
            parts.append(Code(str(next(ids)), "ph", name, f"component {name}"))


def _merged(parts) -> tuple:
    out: list[str | Code] = []
    for part in parts:
        if isinstance(part, str) and out and isinstance(out[-1], str):
            out[-1] += part
        else:
            out.append(part)
    return tuple(out)


def _open_markdown(token) -> str:
    return "[" if token.type == "link_open" else token.markup


def _close_markdown(opening) -> str:
    if opening.type != "link_open":
        return opening.markup
    href, title = opening.attrs.get("href", ""), opening.attrs.get("title")
    href = f"<{href}>" if " " in href else href
    return f"]({href}" + (f' "{title}"' if title else "") + ")"


def _markdown(token) -> str:
    if token.type == "code_inline":
        fence = token.markup
        pad = " " if token.content.startswith("`") or token.content.endswith("`") else ""
        return f"{fence}{pad}{token.content}{pad}{fence}"
    if token.type == "image":
        title = token.attrs.get("title")
        return (f'![{token.content}]({token.attrs.get("src", "")}'
                + (f' "{title}"' if title else "") + ")")
    if token.type == "hardbreak":
        return "\\\n"
    return token.content or token.markup


def _what(token) -> str:
    if token.type == "link_open":
        return f'link {token.attrs.get("href", "")}'
    if token.type == "image":
        return f'picture {token.attrs.get("src", "")}'
    return {"code_inline": "code", "html_inline": "HTML", "hardbreak": "line break"}.get(
        token.type, PAIRED.get(token.type, token.type))


# --- YAML ---------------------------------------------------------------------------------

@dataclass
class Pair:
    """A {pl:, en:} text of a YAML file: the source unit and the target (None: no text yet)."""
    key: str
    source: Segment
    target: Segment | None


def yaml_pairs(text: str, display: str, source: str, target: str,
               languages: list) -> list[Pair]:
    """The translatable texts of a YAML file: every mapping of language codes (data), or the
    blocks of labels.yaml (a block per language, the same keys in each)."""
    try:
        with no_garbage_collection():
            root = yaml.compose(text, Loader=SAFE_LOADER)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        raise ContentError(display, mark.line + 1 if mark else 1, f"YAML error: {err}") from None
    if root is None:
        return []
    note = _yaml_note(display)
    if isinstance(root, yaml.MappingNode) and _keys(root) and set(_keys(root)) <= set(languages):
        return _label_pairs(_value(root, source), _value(root, target), [], note)
    pairs: list[Pair] = []
    _walk(root, [], source, target, set(languages), pairs, note)
    return pairs


def _keys(node) -> list:
    return [k.value for k, _ in node.value if isinstance(k, yaml.ScalarNode)]


def _value(node, key):
    if not isinstance(node, yaml.MappingNode):
        return None
    return next((v for k, v in node.value if getattr(k, "value", None) == key), None)


def _walk(node, path, source, target, languages, pairs, note):
    if isinstance(node, yaml.MappingNode):
        keys = _keys(node)
        if keys and source in keys and set(keys) <= languages and \
                isinstance(_value(node, source), yaml.ScalarNode):
            pairs.append(_pair(path, _value(node, source), _value(node, target), note))
            return
        for key_node, value in node.value:
            _walk(value, path + [str(key_node.value)], source, target, languages, pairs, note)
    elif isinstance(node, yaml.SequenceNode):
        names = []
        for index, item in enumerate(node.value):
            name = _natural_key(item) or str(index + 1)
            names.append(name)
            if names.count(name) > 1:
                name = f"{name}-{names.count(name)}"
            _walk(item, path + [name], source, target, languages, pairs, note)


def _natural_key(item) -> str | None:
    for key in NATURAL_KEYS:
        value = _value(item, key)
        if isinstance(value, yaml.ScalarNode) and value.value:
            return value.value
    return None


def _label_pairs(source, target, path, note) -> list:
    pairs = []
    if isinstance(source, yaml.ScalarNode):
        return [_pair(path, source, target if isinstance(target, yaml.ScalarNode) else None,
                      note)]
    if not isinstance(source, yaml.MappingNode):
        return []
    keys = _keys(source)
    if keys and set(keys) <= PLURAL_FORMS and isinstance(target, yaml.MappingNode):
        # plural forms: one unit per form of the target language, from the same form or other
        for form in _keys(target):
            origin = _value(source, form) or _value(source, "other")
            if isinstance(origin, yaml.ScalarNode):
                pairs.append(_pair(path + [form], origin, _value(target, form), note))
        return pairs
    for key in keys:
        pairs += _label_pairs(_value(source, key), _value(target, key), path + [key], note)
    return pairs


def _pair(path, source, target, note) -> Pair:
    key = ".".join(_token(p) for p in path) or "text"
    where = note(path)
    return Pair(key, _scalar(key, source, where),
                _scalar(key, target, where) if isinstance(target, yaml.ScalarNode) else None)


def _token(name: str) -> str:
    """A path step as an XML name token (XLIFF ids): letters, digits, '.', '-', '_'."""
    return re.sub(r"[^\w.-]", "_", name)


def _scalar(key, node, where) -> Segment:
    value = node.value
    return Segment(key, "text", label_parts(value), value, node.start_mark.line + 1,
                   (node.start_mark.index, node.end_mark.index), where, node.style or "")


def label_parts(value: str) -> tuple:
    parts: list[str | Code] = []
    ids = itertools.count(1)
    at = 0
    for found in LABEL_FIELD.finditer(value):
        if found.start() > at:
            parts.append(value[at:found.start()])
        parts.append(Code(str(next(ids)), "ph", found.group(), "filled in by the layout"))
        at = found.end()
    if at < len(value):
        parts.append(value[at:])
    return tuple(parts)


YAML_NOTES = {
    "cities.yaml mid": "a city's MID topic: a cell of the network's MID table (about 45 "
                       "characters a line) and the city list",
    "networks.yaml name": "a network's name: headings, tables, the map's legend",
    "networks.yaml short": "a network's short name: the map's legend and the chips of the "
                           "timeline; one short word",
    "timeline.yaml title": "a meeting: a cell of the timeline table",
    "timeline.yaml place": "a meeting's place: a cell of the timeline table",
    "figures.yaml label": "a key-figure card: the words after the number",
    "figures.yaml note": "a key-figure card: the small line under it",
    "labels.yaml": "a word of the layouts (table headings, fixed phrases, the web edition); "
                   "keep the {fields} and %d",
    "publication.yaml": "the publication's metadata: cover, imprint, PDF properties",
}


def _yaml_note(display: str):
    name = display.split("/")[-1]

    def note(path) -> str:
        fields = [p for p in path if not p[:1].isdigit() and p not in PLURAL_FORMS]
        for field in reversed(fields):
            if f"{name} {field}" in YAML_NOTES:
                return YAML_NOTES[f"{name} {field}"]
        return YAML_NOTES.get(name, f"{name}: {'.'.join(path)}")
    return note
