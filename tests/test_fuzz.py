"""Fuzzing: the content loader and the raw-HTML sanitizer answer any input with a ContentError
at worst, never with another exception. (The typography pass has its own fuzz tests in
tests/test_typography.py.)
"""
import datetime as dt
import re
import shutil
import tempfile
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings, strategies as st

from brochure import content
from brochure.content import source
from brochure.render import prose
from brochure.render import sanitize
from brochure.errors import ContentError

MINI = Path(__file__).parent / "fixtures" / "mini"
DATA_FILES = sorted(p.relative_to(MINI).as_posix() for p in MINI.glob("data/*.yaml")) + [
    "publication.yaml"]
FUZZ = settings(max_examples=200, deadline=None, derandomize=True, print_blob=False,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


# --- the YAML parser on any text ----------------------------------------------------------

YAML_PIECES = st.sampled_from([
    "a", "pl", "en", ":", ": ", "- ", "-", "[", "]", "{", "}", ",", "\n", "\n  ", "\t", " ",
    "#", "&a ", "*a", "!!", "!!str ", "!!int ", "!!float ", "!!map ", "!!seq ", "!!set ",
    "!!binary ", "!!timestamp ", "!!python/name:os.system ", "? ", "|", ">", "'", '"', "\\",
    "<<: ", "---", "...", "%YAML 1.1", "2022-02-30", "2022-05-10", "0x", "1e999", ".nan",
    "~", "null", "yes", "ł", "\ufeff", "\r\n", "\x00", "\x85", "\u2028",
])


def parse(text):
    try:
        source.parse_yaml(text, "content/data/x.yaml")
    except ContentError as err:
        assert err.file == "content/data/x.yaml" and err.line >= 1 and err.message


@settings(FUZZ, report_multiple_bugs=False)
@given(st.one_of(st.text(max_size=200), st.lists(YAML_PIECES, max_size=40).map("".join)))
def test_parse_yaml_raises_only_content_errors(text):
    parse(text)


@pytest.mark.parametrize("text", [
    "\x00", "title: x\x0c\n", "a: \x1f", "\x85\x9f",     # control characters (ReaderError)
    "{[1]: 2}", "? [a]\n: b", "? ? ",                  # unhashable keys (TypeError)
    "a: !!int 0x", "a: !!int ", "a: !!float --",        # explicit tags: ValueError, IndexError
    "a: !!timestamp x", "? !!seq null",                 # AttributeError
    "!!map :a",                                         # ValueError (unpack)
    "[" * 2000,                                         # RecursionError
])
def test_parse_yaml_examples_found_by_fuzzing(text):
    parse(text)


# --- the loader on a tree with YAML-shaped data -------------------------------------------

SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(-10**6, 10**12),
    st.floats(allow_nan=False, allow_infinity=False), st.dates(dt.date(1900, 1, 1)),
    st.text(max_size=12),
    st.sampled_from(["pl", "en", "zielona", "ppp", "all", "unknown", "online", "circle",
                     "#2e7d32", "2022-05-10", "network", "summary", "01-wstep", "Gdańsk"]))
KEYS = st.one_of(
    st.sampled_from(["pl", "en", "id", "name", "short", "colour", "cmyk", "shape",
                     "cities_expected", "network", "mid", "lat", "lon", "start", "end", "kind",
                     "title", "place", "number", "note", "value", "computed", "label", "steps",
                     "file", "pages", "languages", "sections", "date", "print", "bleed_mm",
                     "icc", "crop_marks"]),
    st.text(max_size=8))
ANY_DATA = st.recursive(SCALARS, lambda children: st.one_of(
    st.lists(children, max_size=4), st.dictionaries(KEYS, children, max_size=5)), max_leaves=25)


def original(name):
    return yaml.safe_load((MINI / name).read_text(encoding="utf-8"))


def paths(node, prefix=()):
    """Every place in a parsed YAML tree, as a tuple of keys and indexes."""
    yield prefix
    items = node.items() if isinstance(node, dict) else (
        enumerate(node) if isinstance(node, list) else ())
    for key, child in items:
        yield from paths(child, prefix + (key,))


def replaced(node, path, value):
    if not path:
        return value
    if isinstance(node, dict):
        return {**node, path[0]: replaced(node[path[0]], path[1:], value)}
    copy = list(node)
    copy[path[0]] = replaced(node[path[0]], path[1:], value)
    return copy


@st.composite
def broken_data(draw):
    """(file, data): one data file of the mini tree, wholly arbitrary or with one part replaced."""
    name = draw(st.sampled_from(DATA_FILES))
    if draw(st.booleans()):
        return name, draw(ANY_DATA)
    tree = original(name)
    where = draw(st.sampled_from(list(paths(tree))))
    return name, replaced(tree, where, draw(ANY_DATA))


@pytest.fixture(scope="module")
def scratch():
    with tempfile.TemporaryDirectory() as folder:
        yield Path(folder)


@FUZZ
@given(change=broken_data())
def test_load_raises_only_content_errors(scratch, change):
    root = scratch / "content"
    if root.exists():
        shutil.rmtree(root)
    shutil.copytree(MINI, root)
    name, data = change
    (root / name).write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    try:
        content.load(root)
    except ContentError as err:
        assert err.line >= 1 and err.message
        assert err.file.startswith("content/"), err.file


# --- the sanitizer on HTML-ish text -------------------------------------------------------

HTML_PIECES = st.sampled_from([
    "<", ">", "</", "/>", "=", '"', "'", " ", "\n", "\t", "&", "&#", ";", "x", "script",
    "SCRIPT", "scr", "ipt", "iframe", "style", "a", "img", "p", "div", "span", "br", "em",
    "!--", "--", "![CDATA[", "]]>", "?", "!DOCTYPE", " on", "onclick", "onerror", "OnLoad",
    "=alert(1)", " href=", " src=", " rel=attachment", " class=", "javascript:", "java\tscript:",
    "&#106;", "&#x6A;", "&colon;", "data:", "file:///etc/passwd", "https://example.com",
    "img/mapa.png", "#", "\x00", "ł", "\u2028",
])
TAG_NAMES = st.sampled_from(sorted(sanitize.TAGS) + ["script", "SCRIPT", "iframe", "style",
                                                     "link", "object", "svg", "base", "x-y"])
ATTRIBUTE_NAMES = st.sampled_from(["href", "src", "alt", "title", "class", "id", "lang", "rel",
                                   "style", "start", "align", "onclick", "ONERROR", "onload",
                                   "srcset", "target", "data-x", "xlink:href"])
VALUES = st.one_of(st.text(max_size=20), st.sampled_from([
    "javascript:alert(1)", " JaVaScRiPt:x", "java&#x09;script:x", "&#106;avascript:x",
    "vbscript:x", "data:text/html,x", "file:///etc/passwd", "https://example.com", "mailto:a@b",
    "#anchor", "img/mapa.png", "../../x.png", "attachment", "text-align: left;", "3", "en-GB",
    "admonition note", '" onclick="x', "' onclick='x"]))


@st.composite
def elements(draw):
    """Tag soup made of real-looking elements and attributes."""
    parts = []
    for _ in range(draw(st.integers(1, 6))):
        tag = draw(TAG_NAMES)
        attrs = "".join(f' {name}="{value}"' if quote else f" {name}={value}"
                        for name, value, quote in draw(st.lists(
                            st.tuples(ATTRIBUTE_NAMES, VALUES, st.booleans()), max_size=3)))
        parts.append(f"<{tag}{attrs}>{draw(st.text(max_size=8))}")
        if draw(st.booleans()):
            parts.append(f"</{draw(TAG_NAMES)}>")
    return "".join(parts)


HTMLISH = st.one_of(st.text(max_size=200), st.lists(HTML_PIECES, max_size=50).map("".join),
                    elements())


class _Tags(HTMLParser):
    """What a browser-like parser sees in the cleaned HTML: tag and attribute names."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags, self.attributes = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attributes += [(tag, name, value) for name, value in attrs]

    handle_startendtag = handle_starttag


@FUZZ
@given(HTMLISH)
def test_the_front_end_never_lets_script_or_event_attributes_through(text):
    """Any text as Markdown (raw HTML in it): refused with its line, or safe HTML."""
    try:
        html = prose.to_html(text, "content/pl/01-pim.md", 5, "pl")
    except ContentError as err:
        assert err.file == "content/pl/01-pim.md" and err.line >= 5 and err.message
        return
    assert not re.search(r"<\s*/?\s*script", html, re.I)
    tags = _Tags()
    tags.feed(html)
    tags.close()
    assert set(tags.tags) <= sanitize.TAGS
    for _tag, name, value in tags.attributes:
        assert not name.startswith("on")
        assert name != "rel"
        if name in ("href", "src"):
            assert not re.match(r"\s*(javascript|vbscript|data|file):", value or "", re.I)


@FUZZ
@given(HTMLISH)
def test_raw_html_with_a_content_root_raises_only_content_errors(scratch, text):
    root = scratch / "site" / "content"
    (root / "pl" / "img").mkdir(parents=True, exist_ok=True)
    for check in (lambda: sanitize.raw_html(text, "content/pl/01-pim.md", 1, root=root),
                  lambda: prose.to_html(text, "content/pl/01-pim.md", 1, "en", root=root)):
        try:
            check()
        except ContentError:
            pass
