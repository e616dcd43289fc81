"""The output folder: the tool's alone, and switched whole.

- **Where**: never /, the home folder or a folder holding it, the content folder, a folder
  inside it or holding it, or the builder's own package (refused before anything is read).
- **What it holds**: only what this tool wrote, as its manifest (`.brochure-manifest.json`)
  lists. Anything else in it stops the build, which never deletes what it did not write. A
  folder without a manifest (written by an earlier version, or by hand) is taken over only if
  every file in it is one this publication's build writes.
- **One build at a time**: a build holds a lock (flock on `.<name>.lock` beside the folder)
  from start to end; a second build into the same folder stops at once and says which
  process holds it.
- **All at once**: the new set of files is staged complete in a folder beside the output
  (`.<name>.staging-…`): new files written and synced, unchanged ones hard-linked from the
  current set, then one rename swaps the two folders (renameat2 RENAME_EXCHANGE). So `output/`
  holds the old set or the new one, never a mix, whatever stops the build (kill -9, Ctrl-C,
  SIGTERM, a full disk). The old set, now beside it, is removed file by file from its list.
  Leftovers of a killed build are removed by the next one, under the lock.
"""
from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import json
import os
import re
import secrets
import shutil
import signal
import stat
import sys
import threading
import time
from pathlib import Path, PurePosixPath

from .. import resources
from ..errors import OutputError, OutputRefused

MANIFEST = ".brochure-manifest.json"
TOOL = "brochure"
MAX_MANIFEST = 16 * 1024 * 1024
_UMASK = os.umask(0)
os.umask(_UMASK)
MODE = 0o666 & ~_UMASK          # what open() would give: 0644 under the usual umask 022
FOLDER_MODE = 0o777 & ~_UMASK
RENAME_EXCHANGE = 2
AT_FDCWD = -100
NO_EXCHANGE = (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.ENOTSUP)
SITE_SUFFIXES = (".html", ".css", ".svg", ".pdf", ".ttf", ".woff", ".woff2", ".txt", ".png",
                 ".jpg", ".jpeg", ".webp")     # what a web edition (a folder in `expected`) holds
PAUSE = "BROCHURE_TEST_PAUSE"   # tests: "staged" or "switched", to stop the build there
_switched: set[str] = set()     # the output folders (as given) this process switched


def switched(shown) -> bool:
    """Whether this process switched in a new set of files into the folder `shown` (so that a
    stop after it does not claim the files are unchanged)."""
    return str(shown).rstrip("/") in _switched


def refusal(path: Path, content_dir=None) -> str | None:
    """Why the folder `path` (resolved) may not be an output folder, or None."""
    if path == Path(path.anchor):
        return "is the root folder"
    home = Path(os.path.realpath(Path.home()))
    if home.is_relative_to(path):
        return "is your home folder" if home == path else f"holds your home folder {home}"
    for what, folder in (("content folder", content_dir),
                         ("builder's own package folder", resources.package_folder())):
        if folder is None:
            continue
        folder = Path(os.path.realpath(folder))
        if folder == path:
            return f"is the {what}"
        if path.is_relative_to(folder):
            return f"lies inside the {what} {folder}"
        if folder.is_relative_to(path):
            return f"holds the {what} {folder}"
    if os.path.lexists(path) and not path.is_dir():
        return "is a file, not a folder"
    if path.is_dir() and os.path.ismount(path):
        return "is a mount point (the build switches the whole folder at once: give a folder " \
               "inside it)"
    return None


class Folder:
    """One build's hold on its output folder: `with Folder(...) as folder:` checks the place,
    takes the lock, removes a killed build's leftovers and reads what the folder holds;
    folder.publish(...) switches in the new set."""

    def __init__(self, path, content_dir=None) -> None:
        self.shown = str(path).rstrip("/") or "/"
        self.path = Path(os.path.realpath(path))
        reason = refusal(self.path, content_dir)
        if reason:
            raise OutputRefused(f"--output {self.shown} {reason}; the output folder is the "
                                f"tool's alone (each build replaces all of it): give a new or "
                                f"empty folder of its own")
        self.parent, self.name = self.path.parent, self.path.name
        self.owned: list[str] = []           # the files of the current set, this tool's
        self.adopted: dict[str, str] = {}    # without a manifest: each file -> its kind
        self.manifest = False
        self._lock: int | None = None

    # -- the lock, the leftovers, the inventory --------------------------------------------

    def __enter__(self):
        _switched.discard(self.shown)
        self._take_lock()
        try:
            self._remove_leftovers()
            self._take_stock()
        except BaseException:
            self._release_lock()
            raise
        return self

    def __exit__(self, *exc):
        self._release_lock()

    def _beside(self, kind: str) -> Path:
        return self.parent / f".{self.name}.{kind}"

    def _take_lock(self) -> None:
        lock = self._beside("lock")
        try:
            self.parent.mkdir(parents=True, exist_ok=True)
            while True:
                fd = os.open(lock, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, MODE)
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    holder = os.read(fd, 32).decode("ascii", "replace").strip() or "?"
                    os.close(fd)
                    raise OutputRefused(f"another build is writing into {self.shown}/ (process "
                                        f"{holder}); wait until it ends, or give another "
                                        f"--output") from None
                if _same_file(fd, lock):      # not a lock file its last holder removed
                    break
                os.close(fd)
        except OSError as err:
            raise OutputRefused(self._cannot_beside(err)) from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._lock = fd

    def _release_lock(self) -> None:
        if self._lock is not None:
            with contextlib.suppress(OSError):
                os.unlink(self._beside("lock"))
            os.close(self._lock)
            self._lock = None

    def _cannot_beside(self, err: OSError) -> str:
        return (f"cannot write beside {self.shown}/ in {self.parent}/ ({err.strerror or err}); "
                f"the build stages the new output folder there and switches it in at once: "
                f"give an --output in a folder you can write to")

    def _remove_leftovers(self) -> None:
        """Staged or replaced sets of a build that was killed; the old set first put back if
        the output folder itself is missing (a switch without RENAME_EXCHANGE was cut)."""
        pattern = re.compile(rf"\.{re.escape(self.name)}\.(staging|previous)-\d+-[0-9a-f]{{8}}")
        leftovers = sorted((p for p in self.parent.iterdir() if pattern.fullmatch(p.name)),
                           key=lambda p: (".previous-" in p.name, p.name))
        previous = [p for p in leftovers if ".previous-" in p.name and (p / MANIFEST).is_file()]
        if not os.path.lexists(self.path) and previous:
            os.rename(previous[-1], self.path)
            leftovers.remove(previous[-1])
        for folder in leftovers:
            if folder.is_dir() and not folder.is_symlink():
                _remove_set(folder, _listed(folder))

    def _take_stock(self) -> None:
        """What the folder holds; refuse anything this tool did not write."""
        if not os.path.lexists(self.path):
            return
        files, folders = _inventory(self.path)
        listed = _listed(self.path)
        if listed is None:
            self.adopted = files             # checked against the new set in publish
            self._check_folders(folders, files)
            return
        self.manifest = True
        foreign = sorted(rel for rel, kind in files.items() if rel not in listed or kind != "file")
        if foreign:
            raise OutputRefused(self._foreign_message(foreign, files))
        self._check_folders(folders, files)
        self.owned = sorted(files)

    def _check_folders(self, folders, files) -> None:
        needed = {str(PurePosixPath(rel).parent) for rel in files}
        needed = {str(p) for rel in needed for p in [PurePosixPath(rel), *PurePosixPath(rel).parents]}
        stray = sorted((f for f in folders if f not in needed), key=lambda f: (-f.count("/"), f))
        if stray:
            raise OutputRefused(f"{self.shown}/{stray[0]}: a folder this tool did not make "
                                f"stands in the output folder (where the build writes a file, "
                                f"or beside its files); move it away: the output folder is the "
                                f"tool's alone")

    def _foreign_message(self, foreign, files) -> str:
        first = foreign[0]
        what = {"file": "file", "link": "symbolic link"}.get(files[first], "special file")
        more = f" (and {len(foreign) - 1} more)" if len(foreign) > 1 else ""
        return (f"{self.shown}/{first}{more}: a {what} this tool did not write (it is not in "
                f"{self.shown}/{MANIFEST}); the output folder is the tool's alone and the build "
                f"replaces all of it: move the file away, or give another --output")

    # -- the switch ---------------------------------------------------------------------------

    def expect(self, expected) -> None:
        """A folder without a manifest is taken over only if each file in it is one of
        `expected` (the paths this publication's builds write; "web/" stands for a folder) or
        a leftover of an earlier version of the builder: refuse it now if not."""
        if self.adopted:
            self._adopt(set(expected), set())
            self.owned = sorted(rel for rel in self.adopted if not _earlier(rel))

    def publish(self, files, extra=(), keep=(), expected=()) -> list:
        """Switch in the new set: every (relative path, bytes, pages) of `files`, every
        (relative path, bytes) of `extra` (cache entries), and the files `keep` names from the
        current set (unchanged, hard-linked); see expect() for `expected`. Returns (path,
        size, pages) of each of `files`."""
        planned = [(rel, data, pages) for rel, data, pages in files] + \
                  [(rel, data, None) for rel, data in extra]
        _check_paths([rel for rel, _, _ in planned])
        if self.adopted:
            self._adopt(set(expected), {rel for rel, _, _ in planned})
        new = {rel for rel, _, _ in planned}
        current = set(self.owned) | set(self.adopted)
        carried = [rel for rel in keep if rel in current and rel not in new]
        staging = self._beside(f"staging-{os.getpid()}-{secrets.token_hex(4)}")
        try:
            self._stage(staging, planned, carried, current)
            _pause("staged")
            with _signals_deferred() as caught:
                self._switch(staging)
                _switched.add(self.shown)
                _pause("switched")
                _remove_set(staging, current)
            if caught:
                raise KeyboardInterrupt
        finally:
            if self.shown not in _switched and os.path.lexists(staging):
                shutil.rmtree(staging, ignore_errors=True)
        self.owned = sorted(new | set(carried))
        return [(Path(self.shown) / rel, len(data), pages) for rel, data, pages in files]

    def _adopt(self, expected: set, new: set) -> None:
        """A folder without a manifest: each file must be one the build writes (or a leftover
        of an earlier version of it: cache entries, staged temporary files)."""
        for rel, kind in sorted(self.adopted.items()):
            earlier = _earlier(rel)
            listed = rel in expected or any(rel.startswith(p) for p in expected if p.endswith("/")) \
                and PurePosixPath(rel).suffix in SITE_SUFFIXES
            if kind != "file" or not (listed or rel in new or earlier):
                raise OutputRefused(
                    f"{self.shown}/{rel}: a {'file' if kind == 'file' else 'non-file'} this "
                    f"publication's build does not write, in an output folder without "
                    f"{MANIFEST}; the output folder is the tool's alone and the build replaces "
                    f"all of it: move it away, or give another --output")

    def _stage(self, staging: Path, planned, carried, current: set) -> None:
        try:
            staging.mkdir(mode=0o700)
            for rel, data, _ in planned:
                self._place(staging, rel, data, rel in current)
            for rel in carried:
                self._place(staging, rel, None, True)
            listing = json.dumps({"tool": TOOL, "format": 1, "files": sorted(
                [rel for rel, _, _ in planned] + carried)}, indent=0).encode()
            _write(staging / MANIFEST, listing)
            mode = stat.S_IMODE(os.stat(self.path).st_mode) if self.path.is_dir() else FOLDER_MODE
            os.chmod(staging, mode)
        except OSError as err:
            where = str(err.filename or staging)
            if where.startswith(str(staging) + "/"):
                where = f"{self.shown}/{where[len(str(staging)) + 1:]}"
            raise OutputError(f"cannot write {where} ({err.strerror or err}); nothing was "
                              f"replaced: the files in {self.shown}/ are unchanged") from None

    def _place(self, staging: Path, rel: str, data, ours: bool) -> None:
        """One file of the new set: a hard link to the same file of the current set (`ours`)
        when it holds the same bytes (or is kept as it is), else written and synced."""
        target = staging / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        old = self.path / rel
        if ours:
            try:
                info = old.lstat()
                if stat.S_ISREG(info.st_mode) and (data is None or _holds(old, info, data)):
                    os.link(old, target, follow_symlinks=False)
                    return
            except OSError:
                pass               # another file system, too many links: write a copy
        if data is None:
            data = old.read_bytes() if old.is_file() and not old.is_symlink() else None
            if data is None:
                return
        _write(target, data)

    def _switch(self, staging: Path) -> None:
        """The one step that changes what `output/` is."""
        try:
            if not os.path.lexists(self.path):
                os.rename(staging, self.path)
            else:
                try:
                    _exchange(staging, self.path)
                except OSError as err:
                    if err.errno not in NO_EXCHANGE:
                        raise
                    previous = self._beside(f"previous-{os.getpid()}-{secrets.token_hex(4)}")
                    os.rename(self.path, previous)        # a file system without exchange
                    try:
                        os.rename(staging, self.path)
                    except OSError:
                        os.rename(previous, self.path)
                        raise
                    os.rename(previous, staging)
            _sync_folder(self.parent)
        except OSError as err:
            raise OutputError(f"cannot switch in the new files ({err.strerror or err}); "
                              f"nothing was replaced: the files in {self.shown}/ are "
                              f"unchanged") from None


# --- helpers -------------------------------------------------------------------------------

def _earlier(rel: str) -> bool:
    """A file the builder's earlier versions left in the output folder: cache entries (pickles,
    never read), staged temporary files."""
    name = PurePosixPath(rel).name
    return rel.startswith(".cache/") or name.startswith(".") and name.endswith(".tmp")


def _same_file(fd: int, path: Path) -> bool:
    try:
        here, there = os.fstat(fd), os.stat(path, follow_symlinks=False)
    except FileNotFoundError:
        return False
    return (here.st_dev, here.st_ino) == (there.st_dev, there.st_ino)


def _inventory(root: Path) -> tuple:
    """({relative path: "file", "link" or "other"}, [relative folders]) under root, links not
    followed."""
    files, folders = {}, []
    for top, dirs, names in os.walk(root):
        base = PurePosixPath(os.path.relpath(top, root))
        for name in list(dirs):
            if os.path.islink(os.path.join(top, name)):
                dirs.remove(name)
                names.append(name)
            else:
                folders.append(str(base / name) if str(base) != "." else name)
        for name in names:
            rel = str(base / name) if str(base) != "." else name
            if rel == MANIFEST:
                continue
            mode = os.lstat(os.path.join(top, name)).st_mode
            files[rel] = "file" if stat.S_ISREG(mode) else "link" if stat.S_ISLNK(mode) \
                else "other"
    return files, folders


def _listed(folder: Path):
    """The files the manifest in `folder` lists, or None without a readable one."""
    try:
        fd = os.open(folder / MANIFEST, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_MANIFEST:
            return None
        try:
            data = json.loads(handle.read().decode("utf-8"))
        except (ValueError, UnicodeDecodeError):
            return None
    if not isinstance(data, dict) or data.get("tool") != TOOL or \
            not isinstance(data.get("files"), list):
        return None
    files = data["files"]
    if not all(isinstance(rel, str) and _clean(rel) for rel in files):
        return None
    return set(files)


def _clean(rel: str) -> bool:
    parts = rel.split("/")
    return bool(rel) and not rel.startswith("/") and "\0" not in rel and \
        all(part not in ("", ".", "..") for part in parts) and rel != MANIFEST


def _check_paths(paths) -> None:
    seen = set()
    for rel in paths:
        if not _clean(rel):
            raise OutputError(f"an output path {rel!r} is not a plain path inside the output "
                              f"folder; nothing was written")
        if rel in seen:
            raise OutputError(f"two outputs are named {rel}; nothing was written")
        seen.add(rel)


def _holds(path: Path, info, data: bytes) -> bool:
    if info.st_size != len(data):
        return False
    try:
        with open(path, "rb") as handle:
            return handle.read(len(data) + 1) == data
    except OSError:
        return False


def _write(target: Path, data: bytes) -> None:
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC,
                 MODE)
    with os.fdopen(fd, "wb") as handle:
        os.fchmod(handle.fileno(), MODE)
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def _exchange(first: Path, second: Path) -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    rename = getattr(libc, "renameat2", None)
    if rename is None:
        raise OSError(errno.ENOSYS, "renameat2 is not available")
    if rename(AT_FDCWD, os.fsencode(first), AT_FDCWD, os.fsencode(second), RENAME_EXCHANGE):
        code = ctypes.get_errno()
        raise OSError(code, os.strerror(code), str(second))


def _sync_folder(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _remove_set(folder: Path, listed) -> list:
    """Remove a replaced set: the files it lists (all of it when it has no list: a staged set
    or one taken over whole), then its folders that are empty. Returns what stays (files
    this tool did not write, which it never deletes)."""
    if listed is None:
        shutil.rmtree(folder, ignore_errors=True)
        return []
    for rel in sorted(listed | {MANIFEST}):
        with contextlib.suppress(OSError):
            os.unlink(folder / rel)
    for top, _, _ in sorted(os.walk(folder), key=lambda item: -len(item[0])):
        with contextlib.suppress(OSError):
            os.rmdir(top)
    if not os.path.lexists(folder):
        return []
    stays = sorted(_inventory(folder)[0])
    print(f"warning: kept {folder}: it holds files this tool did not write "
          f"({', '.join(stays[:3])}); move them, then delete the folder", file=sys.stderr)
    return stays


@contextlib.contextmanager
def _signals_deferred():
    """Ctrl-C and SIGTERM wait until the block ends (then KeyboardInterrupt): the switch and
    the record of it are not cut apart. Yields the list of signals that came."""
    caught = []
    if threading.current_thread() is not threading.main_thread():
        yield caught
        return
    previous = {sig: signal.signal(sig, lambda signum, frame: caught.append(signum))
                for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield caught
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _pause(point: str) -> None:
    """For the tests of kills and signals: stop here for BROCHURE_TEST_PAUSE_SECONDS."""
    if os.environ.get(PAUSE) == point:
        print(f"paused: {point}", file=sys.stderr, flush=True)
        time.sleep(float(os.environ.get(f"{PAUSE}_SECONDS", "5")))
