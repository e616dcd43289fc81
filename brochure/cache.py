"""A content-addressed cache of typeset editions, under output/.cache (safe to delete).

Two levels: the digest of every input file (content, templates, styles, fonts, the builder's
code, the library versions) finds a whole previous build without rendering anything; the
digest of one edition's final HTML (plus its options) finds that edition when something else
changed, so only the editions a change affects are typeset again.
"""
from __future__ import annotations

import functools
import hashlib
import os
import pickle
import tempfile
from importlib import metadata
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
CODE_AND_LOOKS = ("brochure", "templates", "styles")
LIBRARIES = ("weasyprint", "pydyf", "pypdf", "Jinja2", "Markdown", "PyYAML", "pyphen")
KEEP = 60            # cache entries kept; older ones are removed


def versions() -> str:
    found = []
    for name in LIBRARIES:
        try:
            found.append(f"{name}=={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            found.append(f"{name}==?")
    return ",".join(found)


def inputs_digest(content_dir, *extra: str) -> str:
    """Digest of every file the build reads (and of anything else that changes the output)."""
    digest = hashlib.sha256(versions().encode())
    for part in extra:
        digest.update(part.encode())
    folders = [Path(content_dir)] + [PROJECT / name for name in CODE_AND_LOOKS]
    for folder in folders:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            if "__pycache__" in path.parts:
                continue
            digest.update(str(path.relative_to(folder.parent)).encode() + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def key(*parts) -> str:
    """An edition's key: its parts, the library versions and the builder's code (a change in
    typesetting or finishing changes the PDF the same HTML becomes)."""
    digest = hashlib.sha256(versions().encode() + code_digest())
    for part in parts:
        digest.update(b"\0" + (part if isinstance(part, bytes) else str(part).encode()))
    return digest.hexdigest()


@functools.cache
def code_digest() -> bytes:
    digest = hashlib.sha256()
    for path in sorted((PROJECT / "brochure").rglob("*.py")):
        digest.update(path.read_bytes())
    return digest.digest()


class Cache:
    """Entries put are kept in memory until commit(), so a failed build writes nothing."""

    def __init__(self, output_dir):
        self.dir = Path(output_dir) / ".cache"
        self.pending = {}

    def get(self, name: str):
        path = self.dir / f"{name}.pickle"
        try:
            with path.open("rb") as handle:
                value = pickle.load(handle)
        except (OSError, pickle.PickleError, EOFError, AttributeError, ImportError):
            return None
        os.utime(path)          # recently used: kept longest
        return value

    def put(self, name: str, value) -> None:
        self.pending[name] = value

    def commit(self) -> None:
        if not self.pending:
            return
        self.dir.mkdir(parents=True, exist_ok=True)
        for name, value in self.pending.items():
            fd, tmp = tempfile.mkstemp(dir=self.dir, suffix=".tmp")
            with os.fdopen(fd, "wb") as handle:
                pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, self.dir / f"{name}.pickle")
        self.pending.clear()
        self._prune()

    def _prune(self) -> None:
        entries = sorted(self.dir.glob("*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in entries[KEEP:]:
            old.unlink(missing_ok=True)
