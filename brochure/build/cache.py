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
import stat
from importlib import metadata
from pathlib import Path

from .. import resources
from ..content.source import inside
from ..errors import ContentError

PACKAGE = resources.package_folder()     # the builder's code, themes and scaffold
LIBRARIES = ("weasyprint", "pydyf", "pypdf", "Jinja2", "Markdown", "PyYAML", "pyphen", "pillow",
             "fonttools", "defusedxml")
KEEP = 60            # cache entries kept; older ones are removed
MAGIC = b"pim-cache 1\n"   # then the SHA-256 of the pickle, then the pickle
MAX_FILES = 20_000   # a content folder with more files is surely the wrong folder


def versions() -> str:
    found = []
    for name in LIBRARIES:
        try:
            found.append(f"{name}=={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            found.append(f"{name}==?")
    return ",".join(found)


def inputs_digest(content_dir, *extra: str) -> str:
    """Digest of every file the build reads (and of anything else that changes the output).

    Paths enter it relative to their folder's parent ("content/pl/01-pim.md"), so a moved
    project keeps its digest. Nothing outside the folders is read: a link leading out enters
    as its target's name only (the build itself then refuses to use it), and so do devices,
    pipes and unreadable files.
    """
    root = Path(content_dir)
    inside(root, root / "publication.yaml", f"{root.name}/publication.yaml")
    digest = hashlib.sha256(versions().encode())
    for part in extra:
        digest.update(part.encode())
    for folder in (root, PACKAGE):
        for path in _files(folder, root):
            digest.update(str(path.relative_to(folder.parent)).encode() + b"\0")
            digest.update(_file_digest(path, folder))
    return digest.hexdigest()


def _files(folder: Path, root: Path) -> list:
    """The files under folder, sorted, without following links to folders."""
    found = []
    for top, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        found += [Path(top) / name for name in names]
        if len(found) > MAX_FILES:
            raise ContentError(f"{root.name}/publication.yaml", 1,
                               f"the content folder {folder} holds more than {MAX_FILES} "
                               f"files; is --content the right folder?")
    return sorted(found)


def _file_digest(path: Path, folder: Path) -> bytes:
    try:
        real = path.resolve()
        if not real.is_relative_to(folder.resolve()):
            return b"link outside:" + os.fsencode(real)
        if not stat.S_ISREG(real.stat().st_mode):
            return b"not a regular file"
        return hashlib.sha256(real.read_bytes()).digest()
    except (OSError, RuntimeError) as err:
        return f"unreadable: {err}".encode()


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
    for path in sorted(PACKAGE.rglob("*.py")):
        digest.update(path.read_bytes())
    return digest.digest()


class Cache:
    """Entries put are kept in memory until commit(), so a failed build writes nothing."""

    def __init__(self, output_dir):
        self.dir = Path(output_dir) / ".cache"
        self.pending = {}

    def get(self, name: str):
        """The entry, if its checksum holds; a damaged entry is removed, never unpickled."""
        path = self.dir / f"{name}.pickle"
        try:
            raw = path.read_bytes()
        except OSError:
            return None
        head, checksum, payload = raw[:len(MAGIC)], raw[len(MAGIC):len(MAGIC) + 32], \
            raw[len(MAGIC) + 32:]
        if head != MAGIC or hashlib.sha256(payload).digest() != checksum:
            path.unlink(missing_ok=True)
            return None
        try:
            value = pickle.loads(payload)
            os.utime(path)          # recently used: kept longest
        except Exception:           # written by another version of the builder
            return None
        return value

    def put(self, name: str, value) -> None:
        self.pending[name] = value

    def entries(self) -> list:
        """(path under the output folder, bytes) of each pending entry, for output.write_all,
        which writes them with the outputs, all or none."""
        files = []
        for name, value in self.pending.items():
            payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
            files.append((f"{self.dir.name}/{name}.pickle",
                          MAGIC + hashlib.sha256(payload).digest() + payload))
        return files

    def committed(self) -> None:
        """The pending entries were written: forget them and drop the oldest entries."""
        self.pending.clear()
        try:
            entries = sorted(self.dir.glob("*.pickle"), key=lambda p: p.stat().st_mtime,
                             reverse=True)
            for old in entries[KEEP:]:
                old.unlink(missing_ok=True)
        except OSError:
            pass
