"""Write the build results atomically: all files or none, never a half-written PDF."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_all(root: Path, files) -> list:
    """Write every (relative path, bytes, pages) under root; return (path, size, pages)."""
    staged, unchanged = [], []
    try:
        for rel, data, pages in files:
            target = root / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            if target.is_file() and target.stat().st_size == len(data) \
                    and target.read_bytes() == data:
                unchanged.append((target, len(data), pages))
                continue
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            staged.append((tmp, target, len(data), pages))
        for tmp, target, _, _ in staged:
            os.replace(tmp, target)
    finally:
        for tmp, _, _, _ in staged:
            if os.path.exists(tmp):
                os.unlink(tmp)
    return unchanged + [(target, size, pages) for _, target, size, pages in staged]
