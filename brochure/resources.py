"""The package's own files, and the theme a publication is drawn with.

The package's files (the themes, the scaffold of `new`) are found through importlib.resources,
so that the engine works installed, outside its checkout. The package is installed as plain
files (never zipped): these are folders on disk that WeasyPrint and Jinja2 read.

A theme is a search path of folders, each holding `templates/` and `styles/` (as Hugo's and
MkDocs' themes do), the first that has a file wins:

1. the publication's own `theme/` folder, if it has one (it overrides any file, one by one);
2. the theme publication.yaml names (`theme: NAME`): a folder inside the publication, or a
   theme shipped in the package (brochure/themes/NAME/);
3. the default theme (brochure/themes/default/: PIM's look), which has every file.

Two files add up instead: `styles/tokens.css` (the design tokens: every folder's tokens.css
counts, the default's first, so a theme sets only the tokens it changes; publication.yaml's
`tokens:` come last) and `styles/theme.css` (a theme's own rules, after the default's
stylesheets; `styles/theme-web.css` likewise for the web edition).

The same search path serves Jinja's loader, the stylesheets and their url()s (typeset/fetch.py),
the fonts (the glyph check, the SVG text metrics), the design tokens, the ICC profile, the web
edition's CSS and fonts, and what `watch` watches. A folder inside the publication is judged
like its content: a file there that is a link out of the publication folder is refused.
"""
from __future__ import annotations

import contextlib
import contextvars
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from .errors import ContentError

DEFAULT_THEME = "default"
OWN_THEME = "theme"                  # a publication's own theme folder: <publication>/theme/
THEME_NAME = re.compile(r"[a-z0-9][a-z0-9_-]*")
STYLESHEETS = ("tokens.css", "brochure.css", "pictures.css")   # the documents', in order
A5_STYLESHEET = "a5.css"             # after them in an A5 edition
LAYERED = ("tokens.css", "theme.css", "theme-web.css")          # every folder's counts
FONT_TOKENS = re.compile(r"font(-[\w-]+)?")   # --font, --font-heading: families text is set in
IMPORT = re.compile(r"""^@import\s+(?:url\()?["']?([\w.-]+\.css)["']?\)?\s*;[^\n]*$""", re.M)


class ThemeError(ContentError):
    """A theme file that is missing or leads out of its folder, or a theme that is not there:
    a content error at the file (line 1)."""

    def __init__(self, file, message):
        super().__init__(file, 1, message)


# --- the package's folders ----------------------------------------------------------------

def package_folder() -> Path:
    return Path(str(resources.files("brochure")))


def theme_folder(name: str = DEFAULT_THEME) -> Path:
    return package_folder() / "themes" / name


def templates_folder(name: str = DEFAULT_THEME) -> Path:
    return theme_folder(name) / "templates"


def styles_folder(name: str = DEFAULT_THEME) -> Path:
    return theme_folder(name) / "styles"


def fonts_folder(name: str = DEFAULT_THEME) -> Path:
    return styles_folder(name) / "fonts"


def scaffold_folder() -> Path:
    return package_folder() / "scaffold"


def package_themes() -> list:
    """The names of the themes shipped in the package."""
    return sorted(p.name for p in (package_folder() / "themes").iterdir()
                  if p.is_dir() and THEME_NAME.fullmatch(p.name))


# --- a theme: folders searched in order ---------------------------------------------------

@dataclass(frozen=True)
class ThemeFolder:
    path: Path       # the folder, absolute (not resolved: messages show it as written)
    bound: Path      # its files must resolve inside this folder (the publication's, for its own)
    shown: str       # how messages name it: "raport/theme", "brochure/themes/default"
    served: str      # the name its files take in the fetcher's record: "content/theme", or ""


@dataclass(frozen=True)
class Theme:
    folders: tuple        # ThemeFolder, the first wins; the default theme is the last
    tokens: tuple = ()    # (name, value) of publication.yaml's tokens:, in order

    def find(self, rel: str):
        """(path, ThemeFolder) of the first folder that has `rel` ("styles/x.css"), or None.
        The path is not judged yet (see judged)."""
        for folder in self.folders:
            path = folder.path / rel
            if os.path.lexists(path):
                return path, folder
        return None

    def file(self, rel: str) -> Path:
        """The real file `rel` stands for: the first folder's, judged; ThemeError if no
        folder has it or it leads out of its folder."""
        found = self.find(rel)
        if found is None:
            raise ThemeError(rel, f"no such file in the theme ({self.describe()})")
        return judged(*found)

    def layers(self, rel: str) -> list:
        """Every folder's `rel` that exists, judged, the default theme's first."""
        out = []
        for folder in reversed(self.folders):
            path = folder.path / rel
            if os.path.lexists(path):
                out.append(judged(path, folder))
        return out

    def template_folders(self) -> list:
        return [f.path / "templates" for f in self.folders if (f.path / "templates").is_dir()]

    def watched(self) -> list:
        """The folders `watch` follows (those outside the content folder: it watches that)."""
        return [f.path for f in self.folders if not f.served]

    def describe(self) -> str:
        return ", then ".join(f.shown for f in self.folders)

    def design_tokens(self) -> dict:
        """name -> value of every design token: each tokens.css, the default's first, then
        publication.yaml's tokens:."""
        found: dict[str, str] = {}
        for path in self.layers("styles/tokens.css"):
            found.update(css_tokens(path))
        return found | dict(self.tokens)

    def font_faces(self) -> list:
        """Every @font-face of the document's stylesheets: FontFace, its file judged."""
        faces = []
        for path in self.stylesheets():
            for family, weight, italic, url in _font_faces(self.css_text(path)):
                faces.append(FontFace(family, weight, italic, self.file(f"styles/{url}")))
        return faces

    def css_text(self, path: Path, depth: int = 0) -> str:
        """A stylesheet of the theme with each `@import "x.css";` line replaced by styles/x.css
        as the theme finds it (a theme overrides an imported file like any other); the
        import of tokens.css is dropped (the tokens are emitted once, every layer)."""
        def include(match) -> str:
            name = match.group(1)
            if name == "tokens.css" or depth > 4:
                return ""
            return self.css_text(self.file(f"styles/{name}"), depth + 1).rstrip("\n")
        return IMPORT.sub(include, Path(path).read_text(encoding="utf-8"))

    def stylesheets(self, a5: bool = False) -> list:
        """The files of the document's stylesheet, in order (see render.html.stylesheet)."""
        out = self.layers("styles/tokens.css")
        out += [self.file(f"styles/{name}") for name in STYLESHEETS[1:]]
        if a5:
            out.append(self.file(f"styles/{A5_STYLESHEET}"))
        return out + self.layers("styles/theme.css")

    def text_families(self) -> list:
        """The font families text is set in: the first family of each --font* token."""
        families = []
        for name, value in self.design_tokens().items():
            if FONT_TOKENS.fullmatch(name):
                family = value.split(",")[0].strip().strip("\"'")
                if family and family not in families:
                    families.append(family)
        return families

    def text_fonts(self) -> dict:
        """family -> [FontFace] of each family text is set in (see text_families)."""
        faces = self.font_faces()
        return {family: [f for f in faces if f.family == family] for family in self.text_families()}


@dataclass(frozen=True)
class FontFace:
    family: str
    weight: int
    italic: bool
    path: Path


def judged(path: Path, folder: ThemeFolder) -> Path:
    """The real file behind `path`, if it is a regular file inside its folder's bound."""
    try:
        real = Path(path).resolve(strict=True)
    except FileNotFoundError:
        raise ThemeError(shown(path, folder), "file not found") from None
    except (OSError, RuntimeError) as err:
        raise ThemeError(shown(path, folder), f"cannot be read ({err})") from None
    if not real.is_relative_to(folder.bound):
        raise ThemeError(shown(path, folder), f"it is a link to {real}, outside "
                                               f"{folder.shown}; copy the file itself into the theme")
    if not real.is_file():
        raise ThemeError(shown(path, folder), "not a regular file")
    return real


def shown(path: Path, folder: ThemeFolder) -> str:
    """A theme file as messages name it: under its theme folder as shown."""
    try:
        rel = Path(os.path.abspath(path)).relative_to(folder.path).as_posix()
    except ValueError:
        return str(path)
    return f"{folder.shown}/{rel}"


def package_theme(name: str) -> ThemeFolder:
    path = theme_folder(name)
    return ThemeFolder(path, path.resolve(), f"brochure/themes/{name}", "")


def default_theme() -> Theme:
    return Theme((package_theme(DEFAULT_THEME),))


def single(folder) -> Theme:
    """A theme of one folder (a tree with styles/ and templates/): the tests' projects."""
    path = Path(os.path.abspath(folder))
    return Theme((ThemeFolder(path, path.resolve(), path.name, ""),))


def for_publication(root, named: str | None = None, tokens=()) -> Theme:
    """The theme of the publication in folder `root`: its own theme/ folder if it has one,
    the theme named by publication.yaml's `theme:`, the default theme (see the module's
    docstring). ThemeError when `named` names no folder inside the publication and no theme
    of the package."""
    root = Path(os.path.abspath(root))
    folders = []
    own = root / OWN_THEME
    if own.is_dir():
        folders.append(_publication_folder(root, own))
    if named:
        folder = _named(root, named)
        if folder.path not in [f.path for f in folders]:
            folders.append(folder)
    if theme_folder(DEFAULT_THEME) not in [f.path for f in folders]:
        folders.append(package_theme(DEFAULT_THEME))
    return Theme(tuple(folders), tuple(tokens))


def _publication_folder(root: Path, path: Path) -> ThemeFolder:
    rel = path.relative_to(root).as_posix()
    return ThemeFolder(path, root.resolve(), f"{root.name}/{rel}", f"content/{rel}")


def _named(root: Path, named: str) -> ThemeFolder:
    candidate = Path(os.path.normpath(root / named))
    if not Path(named).is_absolute() and candidate.is_relative_to(root) and candidate != root \
            and candidate.is_dir():
        if not candidate.resolve().is_relative_to(root.resolve()):
            raise ThemeError("publication.yaml", f'theme "{named}" is a link to {candidate.resolve()}, outside '
                             f"{root.name}/; copy the theme's folder into the publication")
        return _publication_folder(root, candidate)
    if THEME_NAME.fullmatch(named) and theme_folder(named).is_dir():
        return package_theme(named)
    raise ThemeError("publication.yaml", f'theme "{named}" is neither a folder inside {root.name}/ nor a theme of '
                     f'the builder ({", ".join(package_themes())}); give the folder of the '
                     f"theme's templates/ and styles/, e.g. theme: theme")


# --- CSS read by the builder: the tokens, the fonts ---------------------------------------

def css_tokens(path: Path) -> dict:
    """--name -> value (as written) of every custom property of the :root rules of a CSS file
    (read again when the file changes: `watch` follows the theme)."""
    return dict(_css_tokens(str(path), _stamp(path)))


def _stamp(path: Path) -> tuple:
    info = Path(path).stat()
    return info.st_size, info.st_mtime_ns, info.st_ctime_ns


@lru_cache(maxsize=16)
def _css_tokens(path: str, stamp) -> tuple:
    import tinycss2

    rules = tinycss2.parse_stylesheet(Path(path).read_text(encoding="utf-8"),
                                      skip_comments=True, skip_whitespace=True)
    tokens = []
    for rule in rules:
        if rule.type == "qualified-rule" and tinycss2.serialize(rule.prelude).strip() == ":root":
            for item in tinycss2.parse_declaration_list(rule.content, skip_comments=True,
                                                        skip_whitespace=True):
                if item.type == "declaration" and item.name.startswith("--"):
                    tokens.append((item.name[2:], tinycss2.serialize(item.value).strip()))
    return tuple(tokens)


@lru_cache(maxsize=32)
def _font_faces(css: str) -> tuple:
    """(family, weight, italic, url) of each @font-face of a stylesheet."""
    import tinycss2

    faces = []
    rules = tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)
    for rule in rules:
        if rule.type != "at-rule" or rule.lower_at_keyword != "font-face" or rule.content is None:
            continue
        found = {item.lower_name: item.value for item in tinycss2.parse_declaration_list(
            rule.content, skip_comments=True, skip_whitespace=True) if item.type == "declaration"}
        urls = [t.value for t in found.get("src", []) if t.type == "url"] + \
            [t.arguments[0].value for t in found.get("src", []) if t.type == "function"
             and t.lower_name == "url" and t.arguments and t.arguments[0].type == "string"]
        if not urls or "font-family" not in found:
            continue
        family = tinycss2.serialize(found["font-family"]).strip().strip("\"'")
        weight = tinycss2.serialize(found.get("font-weight", [])).strip() or "400"
        style = tinycss2.serialize(found.get("font-style", [])).strip() or "normal"
        faces.append((family, {"normal": 400, "bold": 700}.get(weight, int(weight) if weight.isdigit() else 400),
                      style in ("italic", "oblique"), urls[0]))
    return tuple(faces)


# --- the theme being rendered -------------------------------------------------------------

_CURRENT: contextvars.ContextVar[Theme | None] = contextvars.ContextVar("theme", default=None)


def current() -> Theme:
    """The theme of the publication being loaded or rendered (the default theme outside)."""
    return _CURRENT.get() or default_theme()


@contextlib.contextmanager
def using(theme: Theme | None):
    """Load or render with `theme` (the graphics and the glyph check read current())."""
    token = _CURRENT.set(theme)
    try:
        yield theme
    finally:
        _CURRENT.reset(token)
