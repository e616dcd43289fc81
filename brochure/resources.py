"""The package's own files: the themes (templates, styles, fonts, the ICC profile) and the
scaffold of `new`, found through importlib.resources, so that the engine works installed,
outside its checkout. The package is installed as plain files (never zipped): these are
folders on disk that WeasyPrint and Jinja2 read."""
from __future__ import annotations

from importlib import resources
from pathlib import Path

DEFAULT_THEME = "default"


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
