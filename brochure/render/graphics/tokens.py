"""The design tokens that the SVG graphics paint with.

The stylesheet and the graphics share one home for every colour: the custom properties of the
`:root` rules of the theme's styles/tokens.css (every theme folder's, the default theme's
first, then publication.yaml's `tokens:`: resources.Theme.design_tokens). SVG inlined in HTML
cannot use `var()` in WeasyPrint 70's presentation attributes, so the graphics read the values
here and write them as attributes.

    colours("map-land", "paper") -> {"map-land": "#efede6", "paper": "#ffffff"}
"""
from __future__ import annotations

from pathlib import Path

from ... import resources
from ...errors import ContentError


def design_tokens(theme: resources.Theme | None = None, path: Path | None = None) -> dict:
    """name -> value (as written) of every design token of the theme (by default the one
    being rendered), or of one CSS file; read again when a file changes (`watch`)."""
    if path is not None:
        return resources.css_tokens(path)
    return (theme or resources.current()).design_tokens()


def colours(*names: str, path: Path | None = None, theme: resources.Theme | None = None) -> dict:
    """name -> value of the named tokens; a clear error names the ones the theme lacks."""
    tokens = design_tokens(theme, path)
    missing = [f"--{name}" for name in names if name not in tokens]
    if missing:
        raise ContentError(f"styles/{path.name if path else 'tokens.css'}", 1,
                           f"the design tokens {', '.join(missing)} are missing from :root "
                           "(the SVG graphics paint with them)")
    return {name: tokens[name] for name in names}


def text_font() -> str:
    """The family the graphics set their text in: the theme's --font."""
    families = resources.current().text_families()
    return families[0] if families else "sans-serif"
