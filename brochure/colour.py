"""Colours: contrast of screen colours, and their CMYK form for the print editions."""
from __future__ import annotations


def rgb(hex_colour: str) -> tuple:
    """'#1c2430' or '#fff' -> (r, g, b) in 0..1."""
    digits = hex_colour.lstrip("#")
    if len(digits) == 3:
        digits = "".join(d * 2 for d in digits)
    return tuple(int(digits[i:i + 2], 16) / 255 for i in (0, 2, 4))


def luminance(hex_colour: str) -> float:
    """Relative luminance (WCAG 2.1)."""
    def channel(c):
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(c) for c in rgb(hex_colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two colours, 1..21."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def cmyk(hex_colour: str, known: dict) -> tuple:
    """CMYK fractions for a screen colour: the designed value where the data gives one (network
    colours), black ink only for greys (no four-colour grey on press), else a plain conversion."""
    key = hex_colour.lower()
    if key in known:
        return tuple(v / 100 for v in known[key])
    r, g, b = rgb(key)
    k = 1 - max(r, g, b)
    if abs(r - g) < 0.02 and abs(g - b) < 0.02:
        return (0, 0, 0, round(k, 3))
    return tuple(round((1 - c - k) / (1 - k), 3) for c in (r, g, b)) + (round(k, 3),)
