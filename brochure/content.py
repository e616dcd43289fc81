"""Load and validate content/ into a Publication. Every error names file, line and the fix."""
from __future__ import annotations

import datetime as dt
import os
import re
import stat
import unicodedata
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote

import yaml

from .diagnostics import ERROR, WARNING, Diagnostic, at

from .languages import define as define_language
from .model import (PRINT_DEFAULTS, UNKNOWN, City, Event, Evidence, Figure, Network, Publication,
                    Section, Source, Stage, text_file)

PROJECT = Path(__file__).resolve().parent.parent
KINDS = ("online", "in-person", "study-visit", "conference")
SHAPES = ("circle", "square", "triangle", "diamond", "frame", "bar")   # up to six networks
LAYOUTS = ("text", "summary", "cities", "network", "timeline")
COMPUTED_FIGURES = ("cities", "networks", "events")
CITY_STATUSES = ("member", "candidate")
CONFIDENCES = ("confirmed", "inferred")
FONTS = PROJECT / "styles" / "fonts"
SECTION_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")
# Characters no content file may hold: C0 and C1 controls (tab and line breaks apart), DEL,
# bidirectional overrides and isolates (they reorder what a reader sees), a byte order mark
# inside the text.
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufeff]")
# How deep Markdown may nest: deeper nesting only slows parsing and rendering down (with the
# old Python-Markdown front end, 1,000 nested list items took 20 s and hit the recursion limit).
MAX_INDENT = 24          # columns of indentation (6 levels of nested lists or boxes)
MAX_QUOTES = 8           # '>' markers on one line
MAX_BRACKETS = 8         # '[' open at once within a paragraph


class ContentError(Exception):
    """A problem in the content that the editor must fix."""

    def __init__(self, file, line, message):
        super().__init__(f"{file}:{line}: {message}")
        self.file, self.line, self.message = str(file), line, message

    @property
    def diagnostic(self) -> Diagnostic:
        return Diagnostic(self.file, self.line, ERROR, self.message)


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


@lru_cache(maxsize=1)
def font_characters() -> frozenset:
    """Every character that the shipped fonts (styles/fonts/Lato-*.ttf) can draw."""
    from fontTools.ttLib import TTFont

    chars = set()
    for path in sorted(FONTS.glob("Lato-*.ttf")):
        with TTFont(path, lazy=True) as font:
            chars |= set(font.getBestCmap())
    return frozenset(chars)


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
                                                    f"(Lato); replace it, e.g. with a similar "
                                                    f"letter or a word")


def check_nesting(text: str, display: str, first_line: int = 1) -> None:
    """Refuse Markdown nested deeper than MAX_INDENT / MAX_QUOTES / MAX_BRACKETS."""
    brackets = 0                       # '[' still open in this paragraph
    for number, line in enumerate(text.split("\n"), start=first_line):
        if not line.strip():
            brackets = 0
            continue
        spaces = line.expandtabs(4)
        indent = len(spaces) - len(spaces.lstrip(" "))
        quotes = re.match(r"[ >]*", line).group().count(">")
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


def load_yaml(root: Path, name: str):
    path = root / name
    display = _display(root, path)
    text = read_text(path, display, root)
    data = parse_yaml(text, display)
    check_glyphs(text, display, yaml_file=True)
    if data is None:
        raise ContentError(display, 1, "the file is empty; see docs/content-model.md")
    return data, display


def load_optional_yaml(root: Path, name: str):
    """(data, display name) of a data file a publication may leave out: (None, name) without it
    (a component that needs it says so when it is used)."""
    if not (root / name).exists() and not (root / name).is_symlink():
        return None, _display(root, root / name)
    return load_yaml(root, name)


def _display(root: Path, path: Path) -> str:
    return str(Path(root.name) / path.relative_to(root))


# --- schema checks ------------------------------------------------------------------------

class Record:
    """One YAML mapping being checked, with its file for messages."""

    def __init__(self, data, file, what, languages):
        if not isinstance(data, Map):
            line = getattr(data, "line", 1)
            raise ContentError(file, line, f"{what} must be a mapping of keys to values")
        self.data, self.file, self.what, self.languages = data, file, what, languages

    def line(self, key=None) -> int:
        return self.data.key_lines.get(key, self.data.line)

    def fail(self, key, message):
        raise ContentError(self.file, self.line(key), message)

    def only(self, *allowed):
        for key in self.data:
            if key not in allowed:
                self.fail(key, f'unknown key "{key}" in {self.what}; '
                               f'expected one of: {", ".join(allowed)}')

    def get(self, key, kind, required=True, default=None):
        if key not in self.data or self.data[key] is None:
            if required:
                self.fail(None, f'{self.what} has no "{key}"; add it ({_kind_name(kind)})')
            return default
        value = self.data[key]
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, kind) or isinstance(value, bool) and kind is not bool:
            self.fail(key, f'"{key}" of {self.what} must be {_kind_name(kind)}, '
                           f'not {_kind_name(type(value))} ({value!r})')
        return value

    def text(self, key, required=True):
        """A language-keyed text: {pl: ..., en: ...} with every language present."""
        value = self.get(key, dict, required)
        if value is None:
            return None
        for lang in self.languages:
            if not isinstance(value.get(lang), str) or not value[lang].strip():
                self.fail(key, f'"{key}" of {self.what} has no {lang} text; '
                               f'add "{lang}: ..." (translation missing)')
        for lang in value:
            if lang not in self.languages:
                self.fail(key, f'"{key}" of {self.what} has text in "{lang}"; the languages '
                               f'of the publication are: {", ".join(self.languages)} (add '
                               f'"{lang}" to languages: in publication.yaml, or remove the text)')
        return {lang: value[lang].strip() for lang in self.languages}

    def date(self, key, required=True):
        value = self.data.get(key)
        if value is None and not required:
            return None
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return value
        self.fail(key, f'"{key}" of {self.what} must be a date written YYYY-MM-DD, '
                       f'not {value!r}')

    def choice(self, key, choices, required=True, default=None):
        value = self.get(key, str, required, default)
        if value is not None and value not in choices:
            self.fail(key, f'{self.what} has {key} "{value}"; expected one of: '
                           f'{", ".join(choices)}')
        return value


def _count(rec: Record, key, required=True):
    """A whole number of 1 or more (a count of pages, cities, meetings...)."""
    value = rec.get(key, int, required)
    if value is not None and value < 1:
        rec.fail(key, f'"{key}" of {rec.what} is {value}; it counts something: write a whole '
                      f'number of 1 or more' + (" (or leave it out)" if not required else ""))
    return value


def _kind_name(kind) -> str:
    return {str: "a text", int: "a whole number", float: "a number", dict: "a mapping",
            list: "a list", bool: "true or false", Map: "a mapping", Seq: "a list",
            type(None): "empty"}.get(kind, kind.__name__)


def _records(data, file, what, languages):
    if not isinstance(data, list):
        raise ContentError(file, getattr(data, "line", 1), f"{file} must be a list of {what}s, "
                           "each item starting with '- '")
    return [Record(item, file, what, languages) for item in data]


# --- the content files --------------------------------------------------------------------

def load(root="content") -> Publication:
    from . import editions, labels

    root = Path(root)
    data, file = load_yaml(root, "publication.yaml")
    pub_rec = Record(data, file, "the publication", [])
    languages = _languages(pub_rec)
    pub_rec.languages = languages
    pub_rec.only("title", "subtitle", "publisher", "partner", "keywords", "date", "languages",
                 "sections", "print", "imprint", "logos", "name", "editions")
    name = pub_rec.get("name", str, False, "publication")
    if not editions.ID.match(name):
        pub_rec.fail("name", f'name "{name}" (the stem of the file names) must be lower-case '
                             f"letters, digits and hyphens")
    networks = _networks(root, languages)
    ids = [n.id for n in networks]
    cities, candidates = _cities(root, languages, ids)
    pub = Publication(
        title=pub_rec.text("title"), subtitle=pub_rec.text("subtitle"),
        publisher=pub_rec.text("publisher"), partner=pub_rec.text("partner"),
        keywords=pub_rec.text("keywords"), date=pub_rec.date("date"), languages=languages,
        sections=_sections(root, pub_rec, languages),
        networks=networks, cities=cities, candidates=candidates,
        events=_events(root, languages, ids), figures=[],
        ppp_stages=_stages(root, languages), nbs_benefits=_benefits(root, languages),
        print_options=_print_options(root, pub_rec), root=str(root),
        imprint=_imprint(pub_rec), logos=_logos(root, pub_rec),
        labels=labels.load(root, languages), name=name,
        editions=editions.from_data(pub_rec, name, languages))
    _check_section_networks(root, pub.sections, ids)
    pub.figures = _figures(root, languages, pub)
    pub.warnings = missing_data(pub)
    return pub


def _print_options(root, pub_rec) -> dict:
    """The press settings: bleed, crop marks and the CMYK output profile."""
    options = dict(PRINT_DEFAULTS)
    if pub_rec.data.get("print") is None:
        return options
    rec = Record(pub_rec.data["print"], pub_rec.file, "print", [])
    rec.only(*PRINT_DEFAULTS)
    options["bleed_mm"] = rec.get("bleed_mm", float, False, options["bleed_mm"])
    options["crop_marks"] = rec.get("crop_marks", bool, False, options["crop_marks"])
    options["icc"] = rec.get("icc", str, False, options["icc"])
    if not 0 <= options["bleed_mm"] <= 10:
        rec.fail("bleed_mm", "bleed_mm must be between 0 and 10 (millimetres; 3 is usual)")
    styles = (PROJECT / "styles").resolve()
    profile = (PROJECT / options["icc"]).resolve()
    if not profile.is_file() or not profile.is_relative_to(styles):
        rec.fail("icc", f'icc profile "{options["icc"]}" not found; give a path under styles/, '
                        f'e.g. styles/icc/coated-fogra39-argyll.icc')
    if not _is_cmyk_profile(profile):
        rec.fail("icc", f'"{options["icc"]}" is not a CMYK ICC profile (the print PDF needs '
                        f'one for its output intent), e.g. styles/icc/coated-fogra39-argyll.icc')
    return options


def _imprint(pub_rec) -> dict:
    """The imprint's facts: web address, ISBN, copyright and disclaimer (each optional)."""
    if pub_rec.data.get("imprint") is None:
        return {}
    rec = Record(pub_rec.data["imprint"], pub_rec.file, "imprint", pub_rec.languages)
    rec.only("web", "isbn", "copyright", "disclaimer")
    return {"web": rec.get("web", str, False), "isbn": rec.get("isbn", str, False),
            "copyright": rec.text("copyright", required=False),
            "disclaimer": rec.text("disclaimer", required=False)}


def _logos(root, pub_rec) -> list:
    """Logo files of the publisher and the partner, inside the content folder, with alt texts."""
    items = pub_rec.data.get("logos")
    if items is None:
        return []
    logos = []
    for rec in _records(items, pub_rec.file, "logo", pub_rec.languages):
        rec.only("file", "alt")
        name = rec.get("file", str)
        path = (root / name).resolve()
        if not path.is_relative_to(root.resolve()) or not path.is_file():
            rec.fail("file", f'logo "{name}" not found inside {root.name}/; give a path relative '
                             f'to the content folder, e.g. img/logo-mfipr.svg')
        if path.suffix.lower() not in (".svg", ".png", ".jpg", ".jpeg"):
            rec.fail("file", f'logo "{name}" must be an SVG, PNG or JPEG file')
        from . import images           # Pillow and defusedxml: loaded only when logos are given
        unusable = images.problem(path)
        if unusable:
            rec.fail("file", f'logo "{name}" cannot be used: {unusable}')
        logos.append({"src": "content/" + quote(path.relative_to(root.resolve()).as_posix()),
                      "alt": rec.text("alt")})
    return logos


def _is_cmyk_profile(path: Path) -> bool:
    """An ICC profile's header: the signature 'acsp' at byte 36, its colour space at 16."""
    try:
        with path.open("rb") as handle:
            header = handle.read(128)
    except OSError:
        return False
    return len(header) == 128 and header[36:40] == b"acsp" and header[16:20] == b"CMYK"


def _languages(rec: Record) -> list:
    """The codes of the publication's languages (languages.py knows each from then on); the
    first is the source language, the others are translated from it."""
    specs = rec.get("languages", list)
    if not specs:
        rec.fail("languages", "list the languages of the publication, the source first, "
                              "e.g. [pl, en]")
    codes = []
    for spec in specs:
        try:
            codes.append(define_language(spec).code)
        except ValueError as err:
            rec.fail("languages", str(err))
    if len(set(codes)) != len(codes):
        rec.fail("languages", f"a language is listed twice ({', '.join(codes)}); list each once")
    return codes


def _networks(root, languages) -> list:
    data, file = load_yaml(root, "data/networks.yaml")
    networks = []
    for rec in _records(data, file, "network", languages):
        rec.only("id", "name", "short", "colour", "cmyk", "shape", "cities_expected")
        colour = rec.get("colour", str)
        if not re.fullmatch(r"#[0-9a-fA-F]{6}", colour):
            rec.fail("colour", f'colour "{colour}" must be written #rrggbb, e.g. #2e7d32')
        cmyk = rec.get("cmyk", list)
        if len(cmyk) != 4 or not all(isinstance(v, (int, float)) and 0 <= v <= 100
                                     for v in cmyk):
            rec.fail("cmyk", "cmyk must be four percentages [c, m, y, k], each 0–100")
        network = Network(
            id=rec.get("id", str), name=rec.text("name"), short=rec.text("short"),
            colour=colour.lower(), cmyk=tuple(cmyk), shape=rec.choice("shape", SHAPES),
            cities_expected=_count(rec, "cities_expected"), source=Source(file, rec.line()))
        if network.id in (n.id for n in networks):
            rec.fail("id", f'network "{network.id}" is defined twice')
        if not re.fullmatch(r"[a-z][a-z0-9-]*", network.id) or network.id in ("all", UNKNOWN):
            rec.fail("id", f'network id "{network.id}" must be lower-case letters, digits and '
                           '"-", and not "all" or "unknown"')
        networks.append(network)
    return networks


def _network_ref(rec, key, ids, extra=()):
    value = rec.get(key, str)
    if value not in ids and value not in extra:
        rec.fail(key, f'{rec.what} has network "{value}"; expected one of: '
                      f'{", ".join(list(ids) + list(extra))}')
    return value


def _cities(root, languages, ids) -> tuple:
    """(members, candidates): candidates are inferred only and never printed."""
    data, file = load_yaml(root, "data/cities.yaml")
    if data == Seq() or data is None:
        return [], []
    cities = []
    for rec in _records(data, file, "city", languages):
        rec.only("name", "network", "mid", "lat", "lon", "status", "source")
        city = City(name=rec.get("name", str).strip(), network=_network_ref(rec, "network", ids),
                    mid=_mid(rec),
                    lat=rec.get("lat", float, False), lon=rec.get("lon", float, False),
                    source=Source(file, rec.line()),
                    status=rec.choice("status", CITY_STATUSES, False, "member"))
        rec.what = f'city "{city.name}"'
        city.evidence = _evidence(rec)
        if any(c.name == city.name for c in cities):
            rec.fail("name", f'city "{city.name}" is listed twice; keep one entry')
        if (city.lat is None) != (city.lon is None):
            rec.fail("lat", f"{rec.what} needs both lat and lon, or neither")
        if city.lat is not None and not (49 <= city.lat <= 55 and 14 <= city.lon <= 24.2):
            rec.fail("lat", f"{rec.what} lies outside Poland ({city.lat}, {city.lon}); "
                            "check lat (49–55) and lon (14–24)")
        _check_status(rec, city)
        cities.append(city)
    return ([c for c in cities if c.status == "member"],
            [c for c in cities if c.status == "candidate"])


def _mid(rec):
    """The MID topic, or None where it is not known (`mid: unknown` or no `mid`)."""
    value = rec.data.get("mid")
    if value == UNKNOWN:
        return None
    if isinstance(value, str):
        rec.fail("mid", f'"mid" of {rec.what} must be {{pl: "…", en: "…"}}, or unknown when '
                        f'the source does not give the topic; not {value!r}')
    return rec.text("mid", required=False)


def _evidence(rec):
    """The city's `source:` {id, url, confidence, note}, or None."""
    if rec.data.get("source") is None:
        return None
    if not isinstance(rec.data["source"], Map):
        rec.fail("source", f"the source of {rec.what} must be a mapping such as "
                           f"{{id: PIESZ, url: \"https://…\", confidence: confirmed}}")
    src = Record(rec.data["source"], rec.file, f"the source of {rec.what}", [])
    src.only("id", "url", "confidence", "note")
    evidence = Evidence(confidence=src.choice("confidence", CONFIDENCES),
                        id=src.get("id", str, False), url=src.get("url", str, False),
                        note=src.get("note", str, False))
    if evidence.id is None and evidence.url is None:
        src.fail(None, f"the source of {rec.what} needs an id (e.g. PIESZ) or a url")
    return evidence


def _check_status(rec, city):
    """Only confirmed cities are printed: an inferred one must be a candidate, and back."""
    confidence = city.evidence.confidence if city.evidence else None
    if city.status == "candidate" and confidence != "inferred":
        rec.fail("status", f"{rec.what} is a candidate: give it a source with confidence "
                           f"inferred, or remove 'status: candidate' to print it")
    if city.status == "member" and confidence == "inferred":
        rec.fail("source", f"{rec.what} is only inferred: add 'status: candidate' (not "
                           f"printed) until a source confirms it")


def _events(root, languages, ids) -> list:
    data, file = load_optional_yaml(root, "data/timeline.yaml")
    if data is None:
        return []
    events = []
    for rec in _records(data, file, "event", languages):
        rec.only("start", "end", "kind", "network", "number", "title", "place", "note")
        start = rec.date("start")
        end = rec.data.get("end")
        if end != UNKNOWN:
            end = rec.date("end", required=False)
            if end is not None and end < start:
                rec.fail("end", f"the event ends ({end:%d.%m.%Y}) before it starts "
                                f"({start:%d.%m.%Y}); check both dates")
        events.append(Event(
            start=start, end=end, kind=rec.choice("kind", KINDS),
            network=_network_ref(rec, "network", ids, ("all", UNKNOWN)),
            title=rec.text("title"), place=rec.text("place", required=False),
            number=_count(rec, "number", False), note=rec.get("note", str, False),
            source=Source(file, rec.line())))
    return sorted(events, key=lambda e: e.start)


def _figures(root, languages, pub) -> list:
    data, file = load_optional_yaml(root, "data/figures.yaml")
    if data is None:
        return []
    figures = []
    for rec in _records(data, file, "key figure", languages):
        rec.only("value", "computed", "label", "note", "group")
        if "computed" in rec.data:
            value = _computed(rec, pub)
        else:
            value = _count(rec, "value")
        figures.append(Figure(value=value, label=rec.text("label"),
                              note=rec.text("note", required=False),
                              group=rec.get("group", str, False, "main"),
                              source=Source(file, rec.line())))
    return figures


def _computed(rec, pub) -> int:
    what = rec.choice("computed", COMPUTED_FIGURES)
    if what == "networks":
        return len(pub.networks)
    if what == "events":
        return len(pub.events)
    # The number of cities the programme had, even where the data does not list them all.
    return sum(max(n.cities_expected, len(pub.cities_of(n.id))) for n in pub.networks)


def _stages(root, languages) -> list:
    data, file = load_optional_yaml(root, "data/ppp-stages.yaml")
    if data is None:
        return []
    stages = []
    for rec in _records(data, file, "PPP stage", languages):
        rec.only("name", "steps")
        steps = []
        for i, _ in enumerate(rec.get("steps", list)):
            step = Record(Map({"step": rec.data["steps"][i]}), file, "a step", languages)
            step.data.line = rec.line("steps")
            step.data.key_lines = {}
            steps.append(step.text("step"))
        stages.append(Stage(name=rec.text("name"), steps=steps))
    return stages


def _benefits(root, languages) -> list:
    data, file = load_optional_yaml(root, "data/nbs-benefits.yaml")
    if data is None:
        return []
    benefits = []
    for item in data if isinstance(data, list) else [data]:
        rec = Record(Map(text=item), file, "an NBS benefit", languages)
        rec.data.line = getattr(item, "line", getattr(data, "line", 1))
        rec.data.key_lines = {}
        benefits.append(rec.text("text"))
    return benefits


# --- sections -----------------------------------------------------------------------------

def _sections(root, pub_rec, languages) -> list:
    sections = []
    for i, item in enumerate(pub_rec.get("sections", list)):
        rec = Record(item, pub_rec.file, f"section {i + 1}", languages)
        rec.data.line = getattr(item, "line", pub_rec.line("sections"))
        rec.only("file", "pages")
        name = rec.get("file", str)
        if not SECTION_NAME.fullmatch(name) or ".." in name:
            rec.fail("file", f'section file "{name}" must be a plain name of letters, digits, '
                             f'"-" and "_" (the Markdown files are <language>/<name>.md), '
                             f'without "/", ".." or an absolute path')
        if any(s.file == name for s in sections):
            rec.fail("file", f'section "{name}" is listed twice; list each section once')
        section = Section(file=name, pages=_count(rec, "pages", False), bodies={}, meta={},
                          body_lines={}, source=Source(pub_rec.file, rec.line()))
        for lang in languages:
            _read_section(root, section, lang, rec)
        _check_section_meta(root, section)
        sections.append(section)
    return sections


def _read_section(root, section, lang, rec):
    path = root / lang / f"{section.file}.md"
    display = _display(root, path)
    if not path.exists() and not path.is_symlink():
        rec.fail("file", f'section "{section.file}" has no {lang} text: {display} does not '
                         f'exist; create it or fix the name (translation missing)')
    text = read_text(path, display, root)
    check_glyphs(text, display)
    meta, body, body_line = split_front_matter(text, display)
    check_nesting(body, display, body_line)
    section.meta[lang], section.bodies[lang], section.body_lines[lang] = meta, body, body_line
    meta_rec = Record(meta, display, "the front matter", [lang])
    meta_rec.only("title", "running-head", "layout", "network", "source-hash")
    meta_rec.get("title", str)
    meta_rec.get("running-head", str, required=False)
    meta_rec.choice("layout", LAYOUTS, required=False)
    meta.setdefault("layout", "text")


def _check_section_meta(root, section):
    first = section.meta[next(iter(section.meta))]
    for lang, meta in section.meta.items():
        for key in ("layout", "network"):
            if meta.get(key) != first.get(key):
                raise ContentError(text_file(root, lang, section.file),
                                   meta.key_lines.get(key, 1),
                                   f'{key} "{meta.get(key)}" differs from the Polish file '
                                   f'{root.name}/{next(iter(section.meta))}/{section.file}.md '
                                   f'("{first.get(key)}"); the language versions must match')


def _check_section_networks(root, sections, ids):
    for section in sections:
        for lang, meta in section.meta.items():
            network, line = meta.get("network"), meta.key_lines.get("network", 1)
            file = text_file(root, lang, section.file)
            if network is not None and network not in ids:
                raise ContentError(file, line, f'network "{network}" is not in '
                                               f'{root.name}/data/networks.yaml; expected one '
                                               f'of: {", ".join(ids)}')
            if meta["layout"] == "network" and network is None:
                raise ContentError(file, meta.key_lines.get("layout", 1),
                                   "layout network needs a network: line in the front matter "
                                   f'(one of: {", ".join(ids)})')


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


def missing_data(pub) -> list:
    """Warnings (Diagnostics) about facts the content does not have yet."""
    warnings = []
    for network in pub.networks:
        listed = len(pub.cities_of(network.id))
        candidates = [c.name for c in pub.candidates if c.network == network.id]
        also = f" (candidates, not printed: {', '.join(candidates)})" if candidates else ""
        cities_file = Path(network.source.file).with_name("cities.yaml").as_posix()
        if listed < network.cities_expected:
            warnings.append(at(network.source, WARNING,
                               f"network \"{network.id}\" lists {listed} of "
                               f"{network.cities_expected} cities{also}; add the missing cities "
                               f"to {cities_file}"))
    for city in pub.cities:
        if city.lat is None:
            warnings.append(at(city.source, WARNING, f"city \"{city.name}\" has no coordinates "
                                                     f"(lat, lon); it is left off the map"))
        if city.mid is None:
            warnings.append(at(city.source, WARNING, f"city \"{city.name}\" has no known MID "
                                                     f"topic; the MID table says it is unknown"))
    for city in pub.candidates:
        warnings.append(at(city.source, WARNING,
                           f"city \"{city.name}\" is only a candidate for network "
                           f"\"{city.network}\" ({city.evidence}); it is not printed until a "
                           f"source confirms it"))
    for what, events in (("network", [e for e in pub.events if e.network == UNKNOWN]),
                         ("end date", [e for e in pub.events if e.end == UNKNOWN])):
        if events:
            dates = ", ".join(f"{e.start:%d.%m.%Y} (line {e.source.line})" for e in events)
            warnings.append(at(events[0].source, WARNING,
                               f"{len(events)} events have no known {what}: {dates}"))
    return warnings
