"""The command a message tells the user to run: the one that started this run, so that it works
as printed (the installed `brochure`, `python -m brochure`, or a checkout's build.py with the
interpreter that has the packages, such as .venv/bin/python)."""
from __future__ import annotations

import os
import sys
from pathlib import Path


def command() -> str:
    """`brochure`, `PYTHON -m brochure` or `PYTHON build.py`, as this run was started."""
    started = Path(sys.argv[0]) if sys.argv and sys.argv[0] else Path("brochure")
    if started.name == "build.py":
        return f"{_python()} {shown(started)}"
    if started.name == "__main__.py":
        return f"{_python()} -m brochure"
    return "brochure"


def _python() -> str:
    """This interpreter, as the user can type it: relative when under the current folder
    (.venv/bin/python), else its full path."""
    return shown(Path(sys.executable)) if sys.executable else "python3"


def shown(path: Path) -> str:
    """A path to paste into a command run from here: relative when under the current folder,
    as given otherwise (no symbolic link resolved: the venv's python is a link)."""
    absolute = Path(os.path.abspath(path))
    try:
        return str(absolute.relative_to(Path.cwd()))
    except ValueError:
        return str(path)
