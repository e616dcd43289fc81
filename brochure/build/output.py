"""Write the build results atomically: all files or none, never a half-written PDF.

Every file is first staged as a temporary file beside its target (`.<name>.<random>.tmp`);
the targets are replaced only when all are staged, so a full disk, a folder standing where a
PDF goes or an unwritable folder stops the build before any output changes. Temporary files
left by a build that was killed are removed by the next one.
"""
from __future__ import annotations

import os
import stat
import tempfile
import time
from pathlib import Path

from ..errors import OutputError

STALE = 600          # seconds: a temporary file older than this belongs to a dead build
_UMASK = os.umask(0)
os.umask(_UMASK)
MODE = 0o666 & ~_UMASK          # what open() would give: 0644 under the usual umask 022


def write_all(root: Path, files, extra=()) -> list:
    """Write every (relative path, bytes, pages) under root, and every (relative path, bytes)
    of `extra` (the cache entries), all or none; return (path, size, pages) of `files`."""
    root = Path(root)
    planned = [(root / rel, data, pages) for rel, data, pages in files] + \
              [(root / rel, data, None) for rel, data in extra]
    for target, _, _ in planned:
        _check_target(target, root)
    for folder in sorted({target.parent for target, _, _ in planned}):
        prune(folder)
    staged, unchanged = [], []
    try:
        for target, data, pages in planned:
            if _same(target, data):
                unchanged.append((target, len(data), pages))
                continue
            staged.append((_stage(target, data, root), target, len(data), pages))
        _replace_all(staged, root)
    finally:
        for tmp, _, _, _ in staged:
            if os.path.lexists(tmp):
                os.unlink(tmp)
    reported = {root / rel for rel, _, _ in files}
    return [item for item in unchanged + [(t, size, p) for _, t, size, p in staged]
            if item[0] in reported]


def _check_target(target: Path, root: Path) -> None:
    try:
        info = target.lstat()
    except FileNotFoundError:
        return
    except OSError as err:
        raise OutputError(f"cannot write {target} ({err.strerror}); nothing was replaced: the "
                          f"files in {root}/ are unchanged") from None
    if not stat.S_ISREG(info.st_mode):
        raise OutputError(f"cannot write {target}: a folder or another non-file stands in its "
                          f"place; move it away. Nothing was replaced: the files in {root}/ "
                          f"are unchanged")


def _same(target: Path, data: bytes) -> bool:
    try:
        return target.stat().st_size == len(data) and target.read_bytes() == data
    except OSError:
        return False


def _stage(target: Path, data: bytes, root: Path) -> str:
    tmp = None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(handle.fileno(), MODE)
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except OSError as err:
        if tmp and os.path.lexists(tmp):
            os.unlink(tmp)
        raise OutputError(f"cannot write {target} ({err.strerror or err}); nothing was "
                          f"replaced: the files in {root}/ are unchanged") from None
    return tmp


def _replace_all(staged, root: Path) -> None:
    done: list[Path] = []
    for tmp, target, _, _ in staged:
        try:
            os.replace(tmp, target)
        except OSError as err:
            replaced = ", ".join(str(t) for t in done) or "none"
            raise OutputError(f"cannot replace {target} ({err.strerror}); already replaced: "
                              f"{replaced}; the other files in {root}/ are unchanged") from None
        done.append(target)


def prune(folder: Path, now=None) -> None:
    """Remove the temporary files that a killed build left in `folder`."""
    now = time.time() if now is None else now
    try:
        leftovers = [p for p in folder.iterdir()
                     if p.name.endswith(".tmp") and p.name.startswith((".", "tmp"))]
    except OSError:
        return
    for path in leftovers:
        try:
            if path.is_file() and now - path.lstat().st_mtime > STALE:
                path.unlink()
        except OSError:
            pass
