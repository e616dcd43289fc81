"""Load and validate a publication folder (see publication.py)."""
from .publication import load, theme_of

__all__ = ["load", "theme_of"]
