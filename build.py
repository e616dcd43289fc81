#!/usr/bin/env python3
"""Build the PIM brochure: python build.py [build|check|reviewed FILE...] [--lang pl|en]."""
import sys

from brochure.cli import main

if __name__ == "__main__":
    sys.exit(main())
