"""The design tokens of styles/tokens.css that the SVG graphics paint with.

The stylesheet and the graphics share one home for every colour: the custom properties of the
`:root` rule of styles/tokens.css. SVG inlined in HTML cannot use `var()` in WeasyPrint 70's
presentation attributes, so the graphics read the values here and write them as attributes.

    colours("map-land", "paper") -> {"map-land": "#efede6", "paper": "#ffffff"}
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import tinycss2

from ... import resources
from ...errors import ContentError

TOKENS_FILE = resources.styles_folder() / "tokens.css"


def design_tokens(path: Path = TOKENS_FILE) -> dict:
    """--name -> value (as written) of every custom property of the :root rule (read again
    when the file changes: `watch` follows the theme)."""
    info = path.stat()
    return _design_tokens(path, (info.st_size, info.st_mtime_ns, info.st_ctime_ns))


@lru_cache(maxsize=4)
def _design_tokens(path: Path, stamp) -> dict:
    rules = tinycss2.parse_stylesheet(path.read_text(encoding="utf-8"),
                                      skip_comments=True, skip_whitespace=True)
    tokens = {}
    for rule in rules:
        if rule.type == "qualified-rule" and tinycss2.serialize(rule.prelude).strip() == ":root":
            for item in tinycss2.parse_declaration_list(rule.content, skip_comments=True,
                                                        skip_whitespace=True):
                if item.type == "declaration" and item.name.startswith("--"):
                    tokens[item.name[2:]] = tinycss2.serialize(item.value).strip()
    return tokens


def colours(*names: str, path: Path = TOKENS_FILE) -> dict:
    """name -> value of the named tokens; a clear error names the ones the file lacks."""
    tokens = design_tokens(path)
    missing = [f"--{name}" for name in names if name not in tokens]
    if missing:
        raise ContentError(f"styles/{path.name}", 1, f"the design tokens {', '.join(missing)} "
                           "are missing from :root (the SVG graphics paint with them)")
    return {name: tokens[name] for name in names}
