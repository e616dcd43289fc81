"""Translations written back at the recorded places: each changed text replaces the span of
its old text in the Markdown or the YAML; every other byte of the file stays as it was.
"""
from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

import yaml

from ..render import prose
from .segments import SINGLE_LINE, inline_parts

LINE_START = re.compile(r"^([ \t]*)([#>+=-]|\*(?=\s))", re.M)
NUMBER_START = re.compile(r"^([ \t]*\d+)([.)])", re.M)
ATTR_LINE = re.compile(r"[ ]*\{:?[ ]*[^}\n]*\}[ ]*")
LINE_BREAKS = re.compile(r"(?:\n(?:[ \t]*(?=\n))?)*")


class Unwritable(ValueError):
    """The text cannot be written as it is (the message says why)."""


def markdown_text(parts, kind: str, markdown_of: dict, indent: str = "") -> str:
    """A unit's Markdown: text escaped so that it stays text, each code as the Markdown it
    stands for (markdown_of: code id -> Markdown), continuation lines indented."""
    if kind in SINGLE_LINE and any(isinstance(p, str) and "\n" in p for p in parts):
        raise Unwritable("a heading, a cell, a title or a caption is one line: remove the "
                         "line break")
    if kind in ("alt", "caption", "title", "running-head", "text"):
        return "".join(p if isinstance(p, str) else markdown_of[p.id] for p in parts)
    out = []
    for part in parts:
        out.append(_escape(part, kind) if isinstance(part, str) else markdown_of[part.id])
    text = "".join(out)
    if kind in ("paragraph", "item"):
        text = NUMBER_START.sub(r"\1\\\2", LINE_START.sub(r"\1\\\2", text))
    return text.replace("\n", "\n" + indent)


def _escape(text: str, kind: str) -> str:
    text = text.replace("\\", "\\\\").replace("`", "\\`").replace("*", "\\*")
    text = re.sub(r"(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])", r"\\_", text)
    text = text.replace("[", "\\[").replace("]", "\\]")
    text = re.sub(r"<(?=[A-Za-z/!?])", r"\\<", text)
    text = re.sub(r"&(?=#?\w+;)", r"\\&", text)
    text = re.sub(r"!(?=\\\[)", r"\\!", text)
    text = re.sub(r"\{(?=:)", r"\\{", text)
    if kind == "cell":
        text = text.replace("|", "\\|")
    return text


def check_markdown(text: str, kind: str, parts) -> None:
    """Parse the Markdown a unit will be written as: it must read back as the same text and
    codes, so a translation cannot break the markup around it."""
    if kind in ("alt", "caption", "title", "running-head", "text"):
        return
    wrapped = {"heading": f"### {text}", "cell": f"| {text} |\n|---|",
               "box-title": f"x\n\n{text}"}.get(kind, text)
    inline = [t for t in prose.tokens(wrapped) if t.type == "inline"]
    if len(inline) != (2 if kind == "box-title" else 1):
        raise Unwritable("the text would make more than one block (a blank line, or a line "
                         "starting with a list or heading mark)")
    got = inline_parts(inline[-1].children or [])
    if _flat(got) != _flat(parts):
        raise Unwritable("the text reads back differently as Markdown; write it without "
                         "Markdown marks of its own")


def _flat(parts) -> str:
    text = "".join(p if isinstance(p, str) else f"\x00{p.kind}:{p.markdown}\x00"
                   for p in parts)
    return re.sub(r"\s+", " ", text).strip()


def yaml_scalar(value: str, style: str, in_flow: bool) -> str:
    """A YAML scalar holding value, in the style of the one it replaces where that can hold it."""
    if style == "'" and "\n" not in value:
        return "'" + value.replace("'", "''") + "'"
    if style == "" and value and "\n" not in value and _plain_ok(value, in_flow):
        return value
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def _plain_ok(value: str, in_flow: bool) -> bool:
    if value != value.strip() or (in_flow and any(c in value for c in ",[]{}")):
        return False
    try:
        return yaml.safe_load(f"k: {value}") == {"k": value}
    except yaml.YAMLError:
        return False


def apply(text: str, edits) -> str:
    """Replace each (start, end, new) span of text; the spans must not overlap."""
    for start, end, new in sorted(edits, reverse=True):
        text = text[:start] + new + text[end:]
    return text


def block_end(text: str, offset: int) -> int:
    """The end of the line holding offset, and of an attribute-list line right below it."""
    end = text.find("\n", offset)
    end = len(text) if end < 0 else end
    following = text.find("\n", end + 1)
    following = len(text) if following < 0 else following
    if end < len(text) and ATTR_LINE.fullmatch(text[end + 1:following]):
        end = following
    return end


def line_breaks_end(text: str, offset: int) -> int:
    """The end of the line break at offset and of the blank lines after it: the start of the
    next line with text (offset itself where no line break is)."""
    match = LINE_BREAKS.match(text, offset)
    return match.end() if match else offset


def write_atomic(path: Path, data: bytes) -> None:
    """Write a file whole or not at all (a temporary file beside it, then renamed)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
