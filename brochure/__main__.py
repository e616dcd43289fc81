"""python -m brochure: the same as the `brochure` command."""
import sys

from .commands.cli import main

sys.exit(main())
