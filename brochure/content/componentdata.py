"""The data of the theme's components: data/NAME.yaml, which [[NAME]] shows, checked against
the shape the theme declares for it in templates/components.yaml, so that a wrong value is an
error at its line in the data file, not a template error inside the theme.

A shape is `text` (a text in every language: {pl: ..., en: ...}), `string`, `number`,
`[SHAPE]` (a list of them), or a mapping of field names to shapes (a name ending in "?" may be
left out). Data without a declared shape is passed on as written, its texts checked."""
from __future__ import annotations

import math

from .. import resources
from ..errors import ContentError
from .schema import shown
from .source import parse_yaml, read_text

SHAPES_FILE = "templates/components.yaml"
WORDS = {"text": "a text in every language ({pl: ..., en: ...})", "string": "a word or a sentence",
         "number": "a number"}


def declared_shapes(theme: resources.Theme) -> tuple:
    """(NAME -> shape, the file's name in messages) of the theme's templates/components.yaml;
    ({}, None) when the theme declares none."""
    found = theme.find(SHAPES_FILE)
    if found is None:
        return {}, None
    path = resources.judged(*found)
    display = resources.shown(*found)
    shapes = parse_yaml(read_text(path, display), display) or {}
    if not isinstance(shapes, dict):
        raise resources.ThemeError(display, "components.yaml maps each component's name to the "
                                            "shape of its data, e.g. benefits: [text]")
    for name, shape in shapes.items():
        _check_shape(shape, display, getattr(shapes, "key_lines", {}).get(name, 1))
    return dict(shapes), display


def _check_shape(shape, display, line) -> None:
    if isinstance(shape, list) and len(shape) == 1:
        return _check_shape(shape[0], display, line)
    if isinstance(shape, dict):
        for value in shape.values():
            _check_shape(value, display, line)
        return None
    if shape not in WORDS:
        raise ContentError(display, line, f"unknown shape {shown(shape)}: a shape is text, string, "
                                          f"number, [SHAPE] or a mapping of fields")
    return None


def checked(data, shape, file: str, languages, what: str):
    """`data` if it has `shape`, as plain lists and dicts with its texts stripped; a ContentError
    at the line of the first value that does not."""
    return _value(data, shape, file, languages, what, getattr(data, "line", 1))


def _value(node, shape, file, languages, what, line):
    if isinstance(shape, list):
        if not isinstance(node, list):
            raise ContentError(file, line, f"{what} must be a list (lines starting with \"- \"), "
                                           f"not {shown(node)}")
        lines = getattr(node, "item_lines", [])
        return [_value(item, shape[0], file, languages, f"item {i} of {what}",
                       lines[i - 1] if i <= len(lines) else line)
                for i, item in enumerate(node, start=1)]
    if isinstance(shape, dict):
        return _fields(node, shape, file, languages, what, line)
    if shape == "text":
        return _text(node, file, languages, what, line)
    if shape == "number" and isinstance(node, (int, float)) and not isinstance(node, bool) \
            and math.isfinite(node):
        return node
    if shape == "string" and isinstance(node, str) and node.strip():
        return node.strip()
    raise ContentError(file, line, f"{what} must be {WORDS[shape]}, not {shown(node)}")


def _fields(node, shape, file, languages, what, line):
    if not isinstance(node, dict):
        raise ContentError(file, line, f"{what} must be a mapping with {_names(shape)}, "
                                       f"not {shown(node)}")
    known = {name.rstrip("?") for name in shape}
    lines = getattr(node, "key_lines", {})
    for key in node:
        if key not in known:
            raise ContentError(file, lines.get(key, line), f'{what} has "{key}", which the theme\'s '
                                                           f"component does not show; expected "
                                                           f"{_names(shape)}")
    out = {}
    for name, field_shape in shape.items():
        key = name.rstrip("?")
        if key not in node:
            if name.endswith("?"):
                continue
            raise ContentError(file, getattr(node, "line", line), f'{what} has no "{key}"; add it')
        out[key] = _value(node[key], field_shape, file, languages, f'"{key}" of {what}',
                          lines.get(key, line))
    return out


def _text(node, file, languages, what, line):
    if not isinstance(node, dict):
        raise ContentError(file, line, f"{what} must be {WORDS['text']}, not {shown(node)}")
    lines = getattr(node, "key_lines", {})
    for lang in node:
        if lang not in languages:
            raise ContentError(file, lines.get(lang, line),
                               f'{what} has text in "{lang}"; the languages of the publication '
                               f'are: {", ".join(languages)} (add "{lang}" to languages: in '
                               f"publication.yaml, or remove the text)")
    for lang in languages:
        if not isinstance(node.get(lang), str) or not node[lang].strip():
            raise ContentError(file, lines.get(lang, line),
                               f'{what} has no {lang} text; add "{lang}: ..." (translation missing)')
    return {lang: node[lang].strip() for lang in languages}


def texts_checked(node, file, languages):
    """Data without a declared shape: plain lists and dicts; a mapping with a key that is a
    language is a text, which must give every language."""
    if isinstance(node, dict):
        if set(node) & set(languages):
            return _text(node, file, languages, "a text", getattr(node, "line", 1))
        return {key: texts_checked(value, file, languages) for key, value in node.items()}
    if isinstance(node, list):
        return [texts_checked(item, file, languages) for item in node]
    return node



def _names(shape: dict) -> str:
    return ", ".join(f'"{name.rstrip("?")}"' + (" (may be left out)" if name.endswith("?") else "")
                     for name in shape)
