"""The files of a publication as text and data: the sandbox (nothing outside the content
folder), UTF-8 text without control characters, YAML that remembers its lines, front matter,
and the limits on what a text may hold (the fonts' characters, nesting, the length of a word,
aliases).

Text pasted from a word processor is normalised as it is read, in Markdown and in YAML
strings alike: NFC (a letter and its combining accent become one character, so "Gdańsk" typed
on a Mac is the same name), soft hyphens and zero-width characters removed (the build
hyphenates by itself), manual line breaks (vertical tab, U+2028, U+2029) made spaces. `check`
names each such character where it stands (`pasted_characters`), so the source can be cleaned.
"""
from __future__ import annotations

import contextlib
import gc
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
MAX_TEXT_BYTES = 16_000_000   # a content text file (20,000 cities are about 2.5 MB)
# The longest word a text may hold: WeasyPrint's line breaking grows with the cube of a word's
# length (an unbreakable 960-character word cost 13 s, 5,120 characters over 150 s). Real words
# are far shorter; a longer "word" is a paste accident. URLs may be longer: the typography pass
# gives them break opportunities.
MAX_WORD = 200
MAX_STRING = 10_000      # characters of one YAML string (a paragraph of the data)
MAX_ALIAS_NODES = 10_000  # nodes that YAML aliases (*name) may add to a file: no alias bomb
# What word processors leave in pasted text: removed, or made a space (see the module's doc).
PASTED = {"\u00ad": "", "\u200b": "", "\u200c": "", "\u200d": "", "\u2060": "", "\ufeff": "",
          "\x0b": " ", "\u2028": " ", "\u2029": " "}
PASTED_NAMES = {"\u00ad": "a soft hyphen", "\u200b": "a zero-width space",
                "\u200c": "a zero-width non-joiner", "\u200d": "a zero-width joiner",
                "\u2060": "a word joiner", "\ufeff": "a zero-width no-break space",
                "\x0b": "a manual line break (vertical tab)", "\u2028": "a line separator",
                "\u2029": "a paragraph separator"}
_PASTED = re.compile("[" + "".join(PASTED) + "]")
WORD = re.compile(r"\S{%d,}" % (MAX_WORD + 1))
URL_LIKE = re.compile(r"(?:[a-z][a-z0-9+.-]*://|www\.|mailto:)", re.I)


# --- YAML with line numbers ---------------------------------------------------------------

class Map(dict):
    """A YAML mapping that remembers the line of itself and of each key."""
    line = 1
    key_lines: dict


class Seq(list):
    line = 1
    item_lines: list


# libyaml's parser (PyYAML's C extension) where it is built: the same nodes and marks (lines,
# and positions in characters), about ten times faster than the pure-Python one; the
# constructors below are Python either way
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(SAFE_LOADER):  # type: ignore[valid-type,misc]
    may_alias = False            # the text has an "&": it may define anchors

    def get_single_node(self):
        node = super().get_single_node()
        if node is not None and self.may_alias:
            _check_aliases(node, self.name)
        return node


def _check_aliases(root, display) -> None:
    """Refuse a file whose aliases (*name) add more than MAX_ALIAS_NODES nodes, or refer to
    the node that holds them: nested aliases multiply ("billion laughs"), and whatever walks
    the data or quotes a value in a message would take the multiplied size."""
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()

    def size(node) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in open_nodes:
            raise ContentError(display, node.start_mark.line + 1,
                               "an alias (*name) refers to the value that holds it; "
                               "write the values out")
        open_nodes.add(key)
        children = node.value if isinstance(node, yaml.SequenceNode) else \
            [n for pair in node.value for n in pair] if isinstance(node, yaml.MappingNode) else []
        total = 1 + sum(size(child) for child in children)
        open_nodes.discard(key)
        sizes[key] = total
        if total - len(sizes) > MAX_ALIAS_NODES:
            raise ContentError(display, node.start_mark.line + 1,
                               f"the aliases (*name) of this file repeat more than "
                               f"{MAX_ALIAS_NODES:,} values; write the values out, without "
                               f"anchors (&name) and aliases")
        return total

    size(root)


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
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    return result


def _construct_str(loader, node):
    """A string, normalised as pasted text is (NFC, no invisible characters); a control
    character, a line break in a one-line value or an overlong word is an error at its line."""
    return checked_string(loader.construct_scalar(node), loader.name, node.start_mark.line + 1,
                          block=node.style in ("|", ">"))


def checked_string(value: str, display: str, line: int, block: bool = False) -> str:
    value = normalise(value)
    if len(value) > MAX_STRING:
        raise ContentError(display, line, f"the text is {len(value):,} characters long; a value "
                                          f"of the data holds at most {MAX_STRING:,}")
    control = CONTROL.search(value)
    if control:
        raise ContentError(display, line, f"the text holds an invisible control character "
                                          f"{_character(control.group())}; delete it (an escape "
                                          f"such as \\u202e or \\x1b in quotes makes one)")
    if "\n" in value.rstrip("\n") and not block:
        raise ContentError(display, line, "the text holds a line break (\\n); write a value "
                                          "of one line, or a block (key: |) for several lines")
    check_words(value, display, line)
    return value


def check_words(text: str, display: str, line: int) -> None:
    """Refuse a word (a run without spaces) longer than MAX_WORD in a text that starts at
    `line`; a URL may be longer (the typography pass gives it break opportunities)."""
    for long in WORD.finditer(text):
        word = long.group()
        if URL_LIKE.match(word):
            continue
        raise ContentError(display, line + text.count("\n", 0, long.start()),
                           f'the word "{word[:20]}…" is {len(word):,} characters long; a word '
                           f"may have at most {MAX_WORD}: put spaces in it or shorten it")


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_map)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_seq)
_Loader.add_constructor("tag:yaml.org,2002:str", _construct_str)


def _construct_int(loader, node):
    try:
        return yaml.SafeLoader.construct_yaml_int(loader, node)
    except ValueError:
        raise ContentError(loader.name, node.start_mark.line + 1,
                           "the number has too many digits; write a number of ordinary "
                           "size") from None


_Loader.add_constructor("tag:yaml.org,2002:int", _construct_int)


def _construct_timestamp(loader, node):
    """A date such as 2022-02-30 stays text, so validation can say what is wrong with it."""
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError:
        return loader.construct_scalar(node)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)


class Refused(ContentError):
    """A file the sandbox does not serve; `reason` says why: outside, link, missing,
    unreadable, special (a folder, a device, a pipe) or read-only."""

    def __init__(self, file, line, message, reason="outside"):
        super().__init__(file, line, message)
        self.reason = reason

    def __reduce__(self):
        return type(self), (self.file, self.line, self.message, self.reason)


def inside(root: Path, path: Path, display: str, line: int = 1) -> Path:
    """The real file behind `path`, if it is a regular file inside the content folder `root`
    (after resolving ".." and symbolic links); a Refused naming `display` otherwise. This is
    the one sandbox of every file a command reads or writes in a publication."""
    base = Path(os.path.abspath(root))
    lexical = Path(os.path.abspath(path))
    if not lexical.is_relative_to(base):
        raise Refused(display, line, f"the file lies outside the content folder {base.name}/")
    try:
        real = lexical.resolve(strict=True)
        info = real.stat()
    except FileNotFoundError:
        raise Refused(display, line, "file not found", "missing") from None
    except (OSError, RuntimeError, ValueError) as err:
        raise Refused(display, line, f"cannot read the file "
                                     f"({getattr(err, 'strerror', None) or err})",
                      "unreadable") from None
    if not real.is_relative_to(base.resolve()):
        raise Refused(display, line, f"the file is a link to {real}, outside the content "
                                     f"folder; copy the file itself into {base.name}/", "link")
    if not stat.S_ISREG(info.st_mode):
        raise Refused(display, line, "not a regular file (a folder, a device or a pipe); "
                                     "content files are plain text files", "special")
    return real


def write_inside(root: Path, path: Path, data: bytes, display: str) -> None:
    """Write data as the file at path, inside the content folder root, whole or not at all:
    the sandbox of every file a command writes into a publication. The path and each folder
    on its way below root must not be a link (a link would be written through, to whatever it
    points to); missing folders are made; an existing file must be a regular file the user
    may write (a read-only one is refused, not replaced) and keeps its mode and owner. The
    data goes to a new file beside it that replaces the old one in one step."""
    base, lexical = Path(os.path.abspath(root)), Path(os.path.abspath(path))
    if not lexical.is_relative_to(base) or lexical == base:
        raise Refused(display, 1, f"the file lies outside the content folder {base.name}/")
    folder = base
    for part in lexical.relative_to(base).parts:
        folder = folder / part
        if folder.is_symlink():
            raise Refused(display, 1, f"{display_path(base, folder)} is a link (to "
                                      f"{os.path.realpath(folder)}); a command writes only the "
                                      f"folder's own files: replace the link by the file or "
                                      f"folder itself", "link")
    try:
        info = lexical.lstat() if lexical.exists() else None
        if info is not None and not stat.S_ISREG(info.st_mode):
            raise Refused(display, 1, "not a regular file (a folder, a device or a pipe)",
                          "special")
        if info is not None and (not os.access(lexical, os.W_OK) or not info.st_mode & 0o222):
            raise Refused(display, 1, f"the file is read-only; make it writable (chmod u+w "
                                      f"{display}) and run the command again", "read-only")
        lexical.parent.mkdir(parents=True, exist_ok=True)
        _replace(lexical, data, info)
    except OSError as err:
        raise ContentError(display, 1, f"cannot write the file "
                                       f"({err.strerror or err}); it is unchanged") from None


def _replace(path: Path, data: bytes, info) -> None:
    staged = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    mode = stat.S_IMODE(info.st_mode) if info is not None else 0o666     # less the umask
    handle = os.open(staged, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, mode)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        if info is not None and os.geteuid() == 0:        # keep the editor's ownership
            os.chown(staged, info.st_uid, info.st_gid)
        os.replace(staged, path)
    except BaseException:
        staged.unlink(missing_ok=True)
        raise


def normalise(text: str) -> str:
    """Text as the build reads it: NFC, without the invisible characters of PASTED."""
    if text.isascii():
        return text.replace("\x0b", " ")
    return unicodedata.normalize("NFC", _PASTED.sub(lambda m: PASTED[m.group()], text))


def pasted_characters(text: str) -> list:
    """(line, column, description) of each character word processors leave that the build
    removes or makes a space (PASTED), for `check` to name."""
    found = []
    for match in _PASTED.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        column = match.start() - text.rfind("\n", 0, match.start())
        found.append((line, column, f"{PASTED_NAMES[match.group()]} "
                                    f"(U+{ord(match.group()):04X})"))
    return found


def read_text(path: Path, display: str, root=None) -> str:
    """UTF-8 text (a BOM is dropped, CRLF becomes LF), normalised as pasted text is (see the
    module's doc); anything else is a clear error. With root, the file must be a regular file
    inside that content folder."""
    text = normalise(decoded_text(path, display, root))
    control = CONTROL.search(text)
    if control:
        raise ContentError(display, text.count("\n", 0, control.start()) + 1,
                           f"the file holds an invisible control character "
                           f"{_character(control.group())}; delete it (retype the text around "
                           f"it if you cannot see it)")
    return text


def decoded_text(path: Path, display: str, root=None) -> str:
    """The file's text as written (UTF-8, without a BOM, LF line ends), not yet normalised."""
    if root is not None:
        path = inside(Path(root), path, display)
    try:
        if path.stat().st_size > MAX_TEXT_BYTES:
            raise ContentError(display, 1, f"the file is larger than "
                                           f"{MAX_TEXT_BYTES // 1_000_000} MB; a content text "
                                           f"file is far smaller (split it, or is it text?)")
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
    return text.replace("\r\n", "\n").replace("\r", "\n")


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


@contextlib.contextmanager
def no_garbage_collection():
    """The cycle collector paused: parsing makes many objects and no garbage, and the
    collections they set off grow faster than the file (10x the cities took 24x the time)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def parse_yaml(text: str, display: str):
    loader = None
    try:
        loader = _Loader(text)
        loader.name = display
        loader.may_alias = "&" in text
        with no_garbage_collection():
            return loader.get_single_data()
    except ContentError:
        raise
    except yaml.reader.ReaderError as err:
        line, character = _reader_error_at(text, err)
        raise ContentError(display, line, f"the file holds a control character "
                                          f"({character!r}) that YAML does not allow; "
                                          f"delete it") from None
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = mark.line + 1 if mark else 1
        raise ContentError(display, line, _yaml_hint(err, text)) from None
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


def _reader_error_at(text: str, err) -> tuple[int, str]:
    """(line, character) of a character YAML refuses: libyaml gives its position in the UTF-8
    bytes and its code, the Python reader its position in the text and the character."""
    if isinstance(err.character, int):
        before = text.encode("utf-8", "surrogatepass")[:err.position].decode("utf-8", "replace")
        return before.count("\n") + 1, chr(err.character)
    return text.count("\n", 0, err.position) + 1, err.character


def _yaml_hint(err, text: str = "") -> str:
    problem = err.problem or str(err)
    mark = err.problem_mark or err.context_mark
    lines = text.split("\n")
    at = lines[mark.line] if mark and mark.line < len(lines) else ""
    indent = at[:len(at) - len(at.lstrip(" \t"))]
    if "'\\t'" in problem or "tab character" in problem or (
            "\t" in indent and "cannot start any token" in problem):
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
