"""Digests of the files a build reads, read in pieces (a file is never held whole in memory),
and the size limit on any file the build reads: a huge or sparse file is refused before a
byte of it is read."""
from __future__ import annotations

import hashlib
import os
import stat

MAX_BYTES = 256 * 1024 * 1024     # no picture, font or text of a publication comes near it
CHUNK = 1024 * 1024
_known: dict = {}                 # (device, inode, size, mtime, ctime) -> digest, this process


class Unreadable(Exception):
    """The file cannot be used; str() says why, for a message about it."""


def size_problem(info: os.stat_result, limit: int = MAX_BYTES) -> str | None:
    """Why a file of this size may not be read, or None."""
    if info.st_size <= limit:
        return None
    sparse = info.st_blocks * 512 < info.st_size // 2
    return (f"the file is {human(info.st_size)}"
            + (" (a sparse file: almost none of it is on disk)" if sparse else "")
            + f"; a file the build reads may be at most {human(limit)}: remove it or move it "
              f"out of the folder")


def human(size: float) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    return ""


def sha256(path, limit: int = MAX_BYTES) -> bytes:
    """The SHA-256 of a regular file, read in pieces; Unreadable for anything else (a folder, a
    device, a pipe: opened without waiting, never read) or a file over `limit`."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as err:
        raise Unreadable(f"cannot read the file ({err.strerror})") from None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        raise Unreadable("not a regular file (a folder, a device or a pipe)")
    with open(fd, "rb", closefd=True) as handle:
        problem = size_problem(info, limit)
        if problem:
            raise Unreadable(problem)
        identity = (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)
        if identity not in _known:
            digest = hashlib.sha256()
            try:
                for piece in iter(lambda: handle.read(CHUNK), b""):
                    digest.update(piece)
            except OSError as err:
                raise Unreadable(f"cannot read the file ({err.strerror})") from None
            _known[identity] = digest.digest()
    return _known[identity]
