"""Load and validate a publication folder (see publication.py)."""
from .publication import load

__all__ = ["load"]
