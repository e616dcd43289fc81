"""Measure text for SVG layout with the theme's own fonts (the faces of its --font family).

WeasyPrint 70 lays out SVG <text> one letter at a time (no kerning), so the sum of the hmtx
advance widths is exactly the width it draws. Sizes are in any unit (mm, pt, px): the result
is in the same unit.

    from brochure.graphics.svgtext import text_width, text_extents
    text_width("Ruda Śląska", 2.65)                 # -> width in mm for a 2.65 mm font size
    text_extents("Ruda Śląska", 2.65, "Bold")       # -> (width, ascent, descent) of the ink
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from ... import resources

PT_MM = 25.4 / 72          # one point in millimetres
STYLES = {"Regular": (400, False), "Italic": (400, True), "Bold": (700, False),
          "BoldItalic": (700, True), "Semibold": (600, False), "Light": (300, False),
          "Black": (900, False)}     # style -> (font-weight, italic)


@dataclass
class FontMetrics:
    units_per_em: int
    advances: dict          # codepoint -> advance width (font units)
    notdef_advance: int
    cap_height: int
    x_height: int
    ascender: int           # hhea ascender (font units)
    descender: int          # hhea descender (font units, negative)
    _font: Any = field(default=None, repr=False)     # fontTools TTFont (untyped)
    _cmap: dict = field(default_factory=dict, repr=False)
    _bounds: dict = field(default_factory=dict, repr=False)

    def bounds(self, cp: int):
        """(yMin, yMax) of the glyph for codepoint cp in font units, None if blank or missing;
        read lazily (parsing every outline of the font would cost a few tenths of a second)."""
        if cp not in self._bounds:
            name = self._cmap.get(cp)
            b = None
            if name is not None and "glyf" in self._font:
                glyf = self._font["glyf"]
                g = glyf[name]
                if g.numberOfContours:          # composite glyphs (Ż, Ś) resolve via the table
                    g.recalcBounds(glyf)
                    b = (g.yMin, g.yMax)
            self._bounds[cp] = b
        return self._bounds[cp]


def font_metrics(style: str = "Regular") -> FontMetrics:
    """Metrics of the theme's face of its --font family for a style (Regular, Bold, Italic,
    Semibold, ...): the face of that weight and slant, else the nearest weight."""
    theme = resources.current()
    return _metrics(_face(theme, style, theme.design_tokens().get("font")))


@lru_cache(maxsize=64)
def _face(theme, style: str, font) -> Path:
    weight, italic = STYLES[style]
    faces: list = next(iter(theme.text_fonts().values()), [])
    if not faces:
        raise ValueError(f"the theme has no @font-face for its --font ({font})")
    best = min(faces, key=lambda f: (f.italic != italic, abs(f.weight - weight)))
    return best.path


@lru_cache(maxsize=None)
def _metrics(path: Path) -> FontMetrics:
    from fontTools.ttLib import TTFont

    font = TTFont(str(path), lazy=True)
    # Lato's head.created is 0; fontTools logs a harmless warning about it: keep it quiet.
    head_log = logging.getLogger("fontTools.ttLib.tables._h_e_a_d")
    level = head_log.level
    head_log.setLevel(logging.ERROR)
    try:
        units_per_em = font["head"].unitsPerEm
    finally:
        head_log.setLevel(level)
    cmap = font.getBestCmap()
    hmtx = font["hmtx"]
    os2 = font["OS/2"]
    return FontMetrics(
        units_per_em=units_per_em,
        advances={cp: hmtx[name][0] for cp, name in cmap.items()},
        notdef_advance=hmtx[".notdef"][0],
        cap_height=getattr(os2, "sCapHeight", 0) or int(units_per_em * 0.7),
        x_height=getattr(os2, "sxHeight", 0) or int(units_per_em * 0.5),
        ascender=font["hhea"].ascent,
        descender=font["hhea"].descent,
        _font=font,
        _cmap=cmap,
    )


def text_width(text: str, size: float, style: str = "Regular", letter_spacing: float = 0.0) -> float:
    """Advance width of `text` set at `size` (same unit out as in)."""
    m = font_metrics(style)
    units = sum(m.advances.get(ord(ch), m.notdef_advance) for ch in text)
    return units * size / m.units_per_em + letter_spacing * max(len(text) - 1, 0)


def text_extents(text: str, size: float, style: str = "Regular") -> tuple:
    """(width, ascent, descent) of the ink of `text`: ascent above the baseline, descent below it,
    both positive. Accented capitals (Ż, Ś) reach higher than the cap height; g, y, ą, ę descend."""
    m = font_metrics(style)
    lo, hi = 0, 0
    for ch in text:
        b = m.bounds(ord(ch))
        if b:
            lo, hi = min(lo, b[0]), max(hi, b[1])
    k = size / m.units_per_em
    return text_width(text, size, style), hi * k, -lo * k


def cap_height(size: float, style: str = "Regular") -> float:
    """Cap height at `size`: half of it below a point centres capitals on that point."""
    m = font_metrics(style)
    return m.cap_height * size / m.units_per_em


def pt(points: float) -> float:
    """Points to millimetres."""
    return points * PT_MM
