"""What the build, `check` and `watch` tell the editor: one Diagnostic per finding.

A Diagnostic is printed as `file:line: level: message` (the form editors' tools jump to), or as
one JSON object a line with `--json`; nothing reads a printed line back.

Its file and message quote the content (a city's name, a value, a path), so both are made safe
when a Diagnostic is made: one line (a newline in a value cannot forge a second diagnostic),
control characters and bidirectional overrides escaped (an ESC cannot reach the terminal), and
at most MAX_MESSAGE characters.
"""
from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass

ERROR, WARNING, INFO = "error", "warning", "info"
LEVELS = (ERROR, WARNING, INFO)
MAX_MESSAGE = 1000           # characters of a message; a longer one is cut, with "…"
MAX_FILE = 300
# C0 and C1 controls (tab and newline too), line and paragraph separators, bidirectional
# marks, overrides and isolates, zero-width characters, a byte order mark
UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e"
                         "\u2060-\u2069\ufeff]")


def one_line(text, limit: int = MAX_MESSAGE) -> str:
    """text as one printable line: each unprintable character written as an escape (\\n,
    \\x1b, \\u202e), at most `limit` characters."""
    text = UNPRINTABLE.sub(lambda m: _escape(m.group()), str(text))
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _escape(ch: str) -> str:
    named = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
    if ch in named:
        return named[ch]
    return f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}"


@dataclass(frozen=True)
class Diagnostic:
    file: str | None           # as the editor knows it ("content/pl/01-pim.md"); None: the build
    line: int | None           # 1-based; None when the finding is about the whole file
    level: str                 # ERROR, WARNING or INFO
    message: str
    code: str | None = None    # what kind of finding, where a command treats a kind apart
                               # (--final: the page plan's and the data's gaps are errors)

    def __post_init__(self):
        if self.level not in LEVELS:
            raise ValueError(f"unknown diagnostic level {self.level!r}")
        object.__setattr__(self, "message", one_line(self.message))
        if self.file is not None:
            object.__setattr__(self, "file", one_line(self.file, MAX_FILE))

    def __str__(self) -> str:
        where = (self.file or "") + (f":{self.line}" if self.file and self.line else "")
        return f"{where}: {self.level}: {self.message}" if where \
            else f"{self.level}: {self.message}"

    def as_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> "Diagnostic":
        return cls(**json.loads(text))


def at(source, level: str, message: str, code: str | None = None) -> Diagnostic:
    """A Diagnostic at a model.Source (file and line)."""
    return Diagnostic(source.file, source.line, level, message, code)


def count(diagnostics, level: str) -> int:
    return sum(1 for d in diagnostics if d.level == level)


def errors(diagnostics) -> list:
    return [d for d in diagnostics if d.level == ERROR]


# The codes of findings that a sign-off before printing (--final) treats as errors.
PLAN_OVERRUN = "plan-overrun"       # a section takes more pages than planned
PLAN_UNDERFILL = "plan-underfill"   # a page of the plan ends well above its foot
PLAN_PADDING = "plan-padding"       # "Notes" pages were added to reach a multiple of four
DATA_GAP = "data-gap"               # a fact the sources do not give yet
FINAL = (PLAN_OVERRUN, PLAN_UNDERFILL, PLAN_PADDING, DATA_GAP)


def final(diagnostics) -> list:
    """The diagnostics for a sign-off before printing: the plan's and the data's gaps are
    errors there."""
    return [Diagnostic(d.file, d.line, ERROR, d.message, d.code) if d.code in FINAL else d
            for d in diagnostics]
