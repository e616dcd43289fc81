"""What the build, `check` and `watch` tell the editor: one Diagnostic per finding.

A Diagnostic is printed as `file:line: level: message` (the form editors' tools jump to), or as
one JSON object a line with `--json`; nothing reads a printed line back.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass

ERROR, WARNING, INFO = "error", "warning", "info"
LEVELS = (ERROR, WARNING, INFO)


@dataclass(frozen=True)
class Diagnostic:
    file: str | None           # as the editor knows it ("content/pl/01-pim.md"); None: the build
    line: int | None           # 1-based; None when the finding is about the whole file
    level: str                 # ERROR, WARNING or INFO
    message: str

    def __post_init__(self):
        if self.level not in LEVELS:
            raise ValueError(f"unknown diagnostic level {self.level!r}")

    def __str__(self) -> str:
        where = (self.file or "") + (f":{self.line}" if self.file and self.line else "")
        return f"{where}: {self.level}: {self.message}" if where \
            else f"{self.level}: {self.message}"

    def as_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> "Diagnostic":
        return cls(**json.loads(text))


def at(source, level: str, message: str) -> Diagnostic:
    """A Diagnostic at a model.Source (file and line)."""
    return Diagnostic(source.file, source.line, level, message)


def count(diagnostics, level: str) -> int:
    return sum(1 for d in diagnostics if d.level == level)


def errors(diagnostics) -> list:
    return [d for d in diagnostics if d.level == ERROR]
