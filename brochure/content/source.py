"""The files of a publication as text and data: the sandbox (nothing outside the content
folder), UTF-8 text without control characters, YAML that remembers its lines, front matter,
and the limits on what a text may hold (the fonts' characters, nesting)."""
from __future__ import annotations

import os
import re
import stat
import unicodedata
from functools import lru_cache
from pathlib import Path

import yaml

from .. import resources
from ..errors import ContentError

# Characters no content file may hold: C0 and C1 controls (tab and line breaks apart), DEL,
# bidirectional overrides and isolates (they reorder what a reader sees), a byte order mark
# inside the text.
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufeff]")
# How deep Markdown may nest: deeper nesting only slows parsing and rendering down (with the
# old Python-Markdown front end, 1,000 nested list items took 20 s and hit the recursion limit).
MAX_INDENT = 24          # columns of indentation (6 levels of nested lists or boxes)
MAX_QUOTES = 8           # '>' markers on one line
MAX_BRACKETS = 8         # '[' open at once within a paragraph


# --- YAML with line numbers ---------------------------------------------------------------

class Map(dict):
    """A YAML mapping that remembers the line of itself and of each key."""
    line = 1
    key_lines: dict


class Seq(list):
    line = 1


class _Loader(yaml.SafeLoader):
    pass


def _construct_map(loader, node):
    loader.flatten_mapping(node)
    result = Map()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, (str, int, float, bool, type(None))):
            raise ContentError(loader.name, key_node.start_mark.line + 1,
                               "a key must be a plain word, not a list or a mapping")
        if key in result:
            raise ContentError(loader.name, key_node.start_mark.line + 1,
                               f'key "{key}" appears twice; keep one')
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_node.start_mark.line + 1
    return result


def _construct_seq(loader, node):
    result = Seq(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    return result


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_map)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_seq)


def _construct_timestamp(loader, node):
    """A date such as 2022-02-30 stays text, so validation can say what is wrong with it."""
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError:
        return loader.construct_scalar(node)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)


def inside(root: Path, path: Path, display: str) -> Path:
    """The real file behind `path`, if it is a regular file inside the content folder `root`
    (after resolving ".." and symbolic links); a ContentError naming `display` otherwise."""
    base = Path(os.path.abspath(root))
    lexical = Path(os.path.abspath(path))
    if not lexical.is_relative_to(base):
        raise ContentError(display, 1, f"the file lies outside the content folder {base.name}/")
    try:
        real = lexical.resolve(strict=True)
        info = real.stat()
    except FileNotFoundError:
        raise ContentError(display, 1, "file not found") from None
    except (OSError, RuntimeError) as err:
        raise ContentError(display, 1, f"cannot read the file "
                                       f"({getattr(err, 'strerror', None) or err})") from None
    if not real.is_relative_to(base.resolve()):
        raise ContentError(display, 1, f"the file is a link to {real}, outside the content "
                                       f"folder; copy the file itself into {base.name}/")
    if not stat.S_ISREG(info.st_mode):
        raise ContentError(display, 1, "not a regular file (a folder, a device or a pipe); "
                                       "content files are plain text files")
    return real


def read_text(path: Path, display: str, root=None) -> str:
    """UTF-8 text (a BOM is dropped, CRLF becomes LF); anything else is a clear error.
    With root, the file must be a regular file inside that content folder."""
    if root is not None:
        path = inside(Path(root), path, display)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ContentError(display, 1, "file not found") from None
    except OSError as err:
        raise ContentError(display, 1, f"cannot read the file ({err.strerror})") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw[:err.start].count(b"\n") + 1
        raise ContentError(display, line, "the file is not UTF-8 text; save it as UTF-8 "
                           "(for example with your editor's 'Save as… UTF-8')") from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    control = CONTROL.search(text)
    if control:
        raise ContentError(display, text.count("\n", 0, control.start()) + 1,
                           f"the file holds an invisible control character "
                           f"{_character(control.group())}; delete it (retype the text around "
                           f"it if you cannot see it)")
    return text


def _character(ch: str) -> str:
    name = unicodedata.name(ch, "") or {"\0": "NUL", "\x1b": "ESC", "\x0c": "FORM FEED",
                                         "\x0b": "VERTICAL TAB", "\x7f": "DELETE"}.get(ch, "")
    return f"U+{ord(ch):04X}" + (f" ({name})" if name else "")


def font_characters() -> frozenset:
    """Every character that the theme's text fonts can all draw (the fonts of its --font*
    tokens, each family's faces together: resources.Theme.text_fonts)."""
    fonts = resources.current().text_fonts()
    return _characters(tuple((family, tuple((face.path, _stamp(face.path)) for face in faces))
                             for family, faces in fonts.items()))


def font_names() -> str:
    """The text fonts' families, for messages: "Lato", "Vollkorn and Lato"."""
    return " and ".join(resources.current().text_families()) or "no font"


def _stamp(path: Path) -> tuple:
    info = path.stat()
    return info.st_size, info.st_mtime_ns


@lru_cache(maxsize=8)
def _characters(families) -> frozenset:
    from fontTools.ttLib import TTFont

    found = None
    for _, faces in families:
        chars: set[int] = set()
        for path, _ in faces:
            with TTFont(path, lazy=True) as font:
                chars |= set(font.getBestCmap())
        found = chars if found is None else found & chars
    return frozenset(found or ())


def check_glyphs(text: str, display: str, yaml_file=False) -> None:
    """Refuse a character the shipped fonts lack (it would print as an empty box, or in
    another font); YAML comments are not printed and not checked."""
    known = font_characters()
    for number, line in enumerate(text.split("\n"), start=1):
        if line.isascii() or yaml_file and line.lstrip().startswith("#"):
            continue
        for column, ch in enumerate(line, start=1):
            if ord(ch) not in known and ch not in "\t":
                raise ContentError(display, number, f"the character {_character(ch)} (column "
                                                    f"{column}) is not in the brochure's fonts "
                                                    f"({font_names()}); replace it, e.g. with "
                                                    f"a similar letter or a word")


def check_nesting(text: str, display: str, first_line: int = 1) -> None:
    """Refuse Markdown nested deeper than MAX_INDENT / MAX_QUOTES / MAX_BRACKETS."""
    brackets = 0                       # '[' still open in this paragraph
    for number, line in enumerate(text.split("\n"), start=first_line):
        if not line.strip():
            brackets = 0
            continue
        spaces = line.expandtabs(4)
        indent = len(spaces) - len(spaces.lstrip(" "))
        quotes = line[:len(line) - len(line.lstrip(" >"))].count(">")
        deepest = brackets
        for ch in line:
            if ch == "[":
                brackets += 1
                deepest = max(deepest, brackets)
            elif ch == "]":
                brackets = max(brackets - 1, 0)
        if indent > MAX_INDENT:
            where = f"is indented by {indent} columns (at most {MAX_INDENT})"
        elif quotes > MAX_QUOTES:
            where = f"nests {quotes} quotes '>' (at most {MAX_QUOTES})"
        elif deepest > MAX_BRACKETS:
            where = f"opens more than {MAX_BRACKETS} brackets '[' at once"
        else:
            continue
        raise ContentError(display, number, f"this line {where}; the text nests too deeply: "
                                            f"flatten the lists, quotes or brackets")


def parse_yaml(text: str, display: str):
    loader = None
    try:
        loader = _Loader(text)
        loader.name = display
        return loader.get_single_data()
    except ContentError:
        raise
    except yaml.reader.ReaderError as err:
        line = text.count("\n", 0, err.position) + 1
        raise ContentError(display, line, f"the file holds a control character "
                                          f"({err.character!r}) that YAML does not allow; "
                                          f"delete it") from None
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = mark.line + 1 if mark else 1
        raise ContentError(display, line, _yaml_hint(err)) from None
    except yaml.YAMLError as err:
        raise ContentError(display, 1, f"YAML error: {err}") from None
    except RecursionError:
        raise ContentError(display, 1, "the YAML nests too deeply; check the brackets") from None
    except (ValueError, TypeError, AttributeError, IndexError) as err:
        # explicit tags such as !!int on a value that is none, or a list used as a key
        line = getattr(loader, "line", 0) + 1 if loader else 1
        raise ContentError(display, line, f"a value YAML cannot read ({err}); write plain "
                                          f"values without '!!' tags") from None
    finally:
        if loader is not None:
            loader.dispose()


def _yaml_hint(err) -> str:
    problem = err.problem or str(err)
    if "'\\t'" in problem:
        return "a tab character is used for indentation; indent with spaces"
    return f"YAML syntax error: {problem}; check the indentation and the quotes on this line"


def load_yaml(root: Path, name: str, glyphs: bool = True):
    """(data, display name) of a YAML file of the publication; glyphs: check its characters
    against the theme's fonts (publication.yaml is checked once its theme is known)."""
    path = root / name
    display = display_path(root, path)
    text = read_text(path, display, root)
    data = parse_yaml(text, display)
    if glyphs:
        check_glyphs(text, display, yaml_file=True)
    if data is None:
        raise ContentError(display, 1, "the file is empty; see docs/content-model.md")
    return data, display


def load_optional_yaml(root: Path, name: str):
    """(data, display name) of a data file a publication may leave out: (None, name) without it
    (a component that needs it says so when it is used)."""
    if not (root / name).exists() and not (root / name).is_symlink():
        return None, display_path(root, root / name)
    return load_yaml(root, name)


def display_path(root: Path, path: Path) -> str:
    return str(Path(root.name) / path.relative_to(root))



def split_front_matter(text: str, display: str):
    """Markdown with a YAML front matter between '---' lines -> (meta, body, body line)."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        raise ContentError(display, 1, "the file must start with a front matter: a line '---', "
                                       "title: and layout:, and another line '---'")
    for i, line in enumerate(lines[1:], start=1):
        if line.strip() == "---":
            # A blank first line keeps YAML's line numbers equal to the file's.
            meta = parse_yaml("\n".join([""] + lines[1:i]), display)
            if not isinstance(meta, Map):
                raise ContentError(display, 2, "the front matter must hold keys such as "
                                               "title: and layout:")
            return meta, "\n".join(lines[i + 1:]), i + 2
    raise ContentError(display, 1, "the front matter is not closed: add a line '---' after "
                                   "its last key")
