#!/usr/bin/env python3
"""Build a publication from a checkout: .venv/bin/python build.py [COMMAND] [options] (the same
as the installed `brochure` command)."""
import sys

from brochure.commands.cli import main

if __name__ == "__main__":
    sys.exit(main())
