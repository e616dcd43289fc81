"""What a build makes of one edition, and its form in the cache: plain data and bytes."""
from __future__ import annotations

import contextlib
import signal
import threading
import time
from dataclasses import asdict, dataclass, field

from ..content.editions import Edition
from ..diagnostics import Diagnostic
from ..errors import EditionTimeout


@dataclass
class EditionResult:
    edition: Edition
    files: list = field(default_factory=list)      # (path under output/, bytes, pages or None)
    warnings: list = field(default_factory=list)
    headings: dict = field(default_factory=dict)
    plan: list = field(default_factory=list)       # a row per section (pipeline.plan_row)
    timings: dict = field(default_factory=dict)    # stage -> seconds
    inputs: dict = field(default_factory=dict)     # content file read -> SHA-256 (hex)
    pictures: list = field(default_factory=list)   # warnings about its pictures (Diagnostics)
    cached: bool = False

    def plain(self) -> dict:
        """The result as the cache stores it: JSON data, the files' bytes as bytes."""
        return {"edition": asdict(self.edition), "files": [list(f) for f in self.files],
                "warnings": [asdict(w) for w in self.warnings],
                "headings": dict(self.headings), "plan": [dict(row) for row in self.plan],
                "timings": dict(self.timings),
                "inputs": dict(self.inputs), "pictures": [asdict(w) for w in self.pictures]}

    @classmethod
    def from_plain(cls, data: dict) -> "EditionResult":
        """The result of plain(); ValueError if `data` is not one (checked field by field)."""
        try:
            edition = data["edition"]
            edition = Edition(**dict(edition, languages=tuple(edition["languages"])))
            files = [(str(path), _bytes(blob), None if pages is None else int(pages))
                     for path, blob, pages in data["files"]]
            return cls(edition, files, [Diagnostic(**w) for w in data["warnings"]],
                       {str(k): int(v) for k, v in data["headings"].items()},
                       [_plan_row(row) for row in data["plan"]],
                       {str(k): float(v) for k, v in data["timings"].items()},
                       {str(k): str(v) for k, v in data["inputs"].items()},
                       [Diagnostic(**w) for w in data.get("pictures", [])])
        except (KeyError, TypeError, ValueError, AttributeError) as err:
            raise ValueError(f"not a cached edition result: {err}") from None


def _plan_row(row: dict) -> dict:
    """A section's row of the page plan, its fields checked."""
    planned = row["planned"]
    return {"file": str(row["file"]), "planned": None if planned is None else int(planned),
            "pages": int(row["pages"]), "first": int(row["first"]), "fill": float(row["fill"]),
            "fit": [str(w) for w in row["fit"]], "tried": [str(w) for w in row["tried"]]}


def _bytes(value) -> bytes:
    if not isinstance(value, bytes):
        raise ValueError("a file's bytes are missing")
    return value


@contextlib.contextmanager
def time_limit(deadline: float, message: str):
    """Raise EditionTimeout(message) in this (main) thread when the deadline (time.monotonic)
    passes."""
    left = deadline - time.monotonic()
    if left <= 0:
        raise EditionTimeout(message)
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def expired(signum, frame):
        raise EditionTimeout(message)

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, left)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
