"""A cache of typeset editions, under output/.cache (safe to delete): plain data and bytes,
never code, and trusted only when this tool wrote it on this machine.

Two levels: the digest of every input (the content folder's files, the package's code and
themes, the versions of every installed distribution that shapes the output) finds a whole
previous build without rendering anything; the digest of one edition's final HTML (plus its
options) finds that edition when something else changed, so only the editions a change affects
are typeset again. An edition's entry also records the digest of each content file its
typesetting read (pictures, logos): it is used only while each of them is unchanged.

An entry is one file: MAGIC, an HMAC-SHA256 of its name and of everything after it, the length
of a JSON header, the header, then the bytes it refers to (the PDFs, the web files). The key
lives outside every output and content folder ($XDG_CACHE_HOME/brochure/key, by default
~/.cache/brochure/key), made on first use and readable by its owner only. An entry copied from
elsewhere, edited or forged fails the check and is never read further; a checked entry is
still only JSON and bytes. Without a usable key (a read-only or shared home folder) the build
runs without the cache.
"""
from __future__ import annotations

import ctypes
import functools
import hashlib
import hmac
import json
import os
import platform
import re
import secrets
import stat
import zlib
from importlib import metadata
from pathlib import Path

from .. import filedigest, resources
from ..content.source import inside
from ..errors import ContentError

PACKAGE = resources.package_folder()     # the builder's code, themes and scaffold
DISTRIBUTION = "pim-brochure"
KEEP = 60            # cache entries kept; the least recently used go first
MAGIC = b"brochure-cache 2\n"
SUFFIX = ".entry"
FOLDER = ".cache"
MAX_FILES = 20_000   # a content folder with more files is surely the wrong folder
MAX_HEADER = 64 * 1024 * 1024
BLOB = "\0blob"      # {"\0blob": n} in a header stands for the n-th byte string
FONT_FOLDERS = ("/usr/share/fonts", "/usr/local/share/fonts", "~/.fonts", "~/.local/share/fonts")
NATIVE = (("pango", ("libpango-1.0.so.0", "libpango-1.0.dylib"), "pango_version_string"),
          ("harfbuzz", ("libharfbuzz.so.0", "libharfbuzz.dylib"), "hb_version_string"))


# --- what the output depends on ---------------------------------------------------------

@functools.cache
def versions() -> str:
    """Every installed distribution the builder runs on (its requirements and theirs, read at
    run time), Python, zlib, Pango, HarfBuzz and the system's fonts; a string for a digest."""
    found = [f"{name}=={_version(name)}" for name in sorted(_requirements(DISTRIBUTION))]
    found += [f"python=={platform.python_version()}", f"zlib=={zlib.ZLIB_RUNTIME_VERSION}"]
    found += [f"{name}=={_native_version(libraries, function)}"
              for name, libraries, function in NATIVE]
    return ",".join(found + [f"system-fonts={_system_fonts()}"])


def versions_known() -> bool:
    """Whether the builder's own distribution is installed, so that versions() names every
    distribution it runs on."""
    return bool(_requirements(DISTRIBUTION))


@functools.cache
def _requirements(name: str) -> set:
    """The names of the distributions `name` needs to run, and theirs: a requirement under an
    extra counts when that extra is asked for (weasyprint needs fonttools[woff]: brotli)."""
    seen: set[tuple[str, frozenset]] = set()
    todo: list[tuple[str, frozenset]] = [(name, frozenset())]
    while todo:
        current, extras = todo.pop()
        try:
            requires = metadata.requires(current) or []
        except metadata.PackageNotFoundError:
            continue
        for requirement in requires:
            extra = re.search(r"\bextra\s*==\s*['\"]([^'\"]+)['\"]", requirement)
            if extra and _normal(extra.group(1)) not in extras:
                continue
            spec = re.match(r"([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[([^\]]*)\])?", requirement)
            if spec is None:
                continue
            wanted = _normal(spec.group(1))
            asked = frozenset(_normal(e) for e in (spec.group(2) or "").split(",") if e.strip())
            if (wanted, asked) not in seen:
                seen.add((wanted, asked))
                todo.append((wanted, asked))
    return {wanted for wanted, _ in seen}


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "?"


def _native_version(libraries, function) -> str:
    for library in libraries:
        try:
            call = getattr(ctypes.CDLL(library), function)
        except (OSError, AttributeError):
            continue
        call.restype = ctypes.c_char_p
        return call().decode("ascii", "replace")
    return "?"


def _system_fonts() -> str:
    """Name, size and time of each font file fontconfig may fall back to (a glyph Lato lacks)."""
    digest = hashlib.sha256()
    for folder in FONT_FOLDERS:
        for top, dirs, names in os.walk(os.path.expanduser(folder)):
            dirs.sort()
            for name in sorted(names):
                try:
                    info = os.stat(os.path.join(top, name))
                except OSError:
                    continue
                digest.update(f"{top}/{name}:{info.st_size}:{info.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:16]


@functools.cache
def package_digest() -> bytes:
    """Every file of the package: code, themes (templates, styles, fonts, ICC), scaffold."""
    digest = hashlib.sha256()
    for path in _files(PACKAGE, PACKAGE):
        digest.update(str(path.relative_to(PACKAGE)).encode() + b"\0")
        digest.update(_file_digest(path, PACKAGE, "brochure"))
    return digest.digest()


def inputs_digest(content_dir, *extra: str) -> str:
    """Digest of every file the build may read (and of anything else that changes the output).

    Paths enter it relative to the content folder's parent ("content/pl/01-pim.md"), so a moved
    project keeps its digest. Nothing outside the folder is read: a link leading out enters as
    its target's name only (the build itself then refuses to use it), and so do devices, pipes
    and unreadable files. A file over filedigest.MAX_BYTES is refused before it is read.
    """
    root = Path(content_dir)
    inside(root, root / "publication.yaml", f"{root.name}/publication.yaml")
    digest = hashlib.sha256(versions().encode() + package_digest())
    for part in extra:
        digest.update(b"\0" + part.encode())
    for path in _files(root, root):
        shown = str(path.relative_to(root.parent))
        digest.update(shown.encode() + b"\0")
        digest.update(_file_digest(path, root, shown))
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


def _file_digest(path: Path, folder: Path, shown: str) -> bytes:
    try:
        real = path.resolve()
        if not real.is_relative_to(folder.resolve()):
            return b"link outside:" + os.fsencode(real)
        if not stat.S_ISREG(real.stat().st_mode):
            return b"not a regular file"
    except (OSError, RuntimeError) as err:
        return f"unreadable: {err}".encode()
    try:
        return filedigest.sha256(real)
    except filedigest.Unreadable as err:
        if "may be at most" in str(err):
            raise ContentError(shown, 1, str(err)) from None
        return f"unreadable: {err}".encode()


def key(*parts) -> str:
    """An edition's key: its parts, the versions and the package's files (a change in
    typesetting, finishing or the theme changes the PDF the same HTML becomes)."""
    digest = hashlib.sha256(versions().encode() + package_digest())
    for part in parts:
        digest.update(b"\0" + (part if isinstance(part, bytes) else str(part).encode()))
    return digest.hexdigest()


def unchanged(inputs: dict, content_dir) -> bool:
    """Whether each content file an edition's typesetting read ({"content/pl/img/x.png":
    sha256 hex}) still holds the same bytes."""
    root = Path(content_dir)
    for name, wanted in inputs.items():
        folder, _, rest = name.partition("/")
        if folder != "content":
            return False
        try:
            path = inside(root, root / rest, name)
            if filedigest.sha256(path).hex() != wanted:
                return False
        except (ContentError, filedigest.Unreadable):
            return False
    return True


# --- the key that signs the entries -----------------------------------------------------

class KeyUnusable(Exception):
    """The signing key cannot be kept safely; str() says why."""


def key_file() -> Path:
    base = os.environ.get("XDG_CACHE_HOME", "")
    folder = Path(base) if os.path.isabs(base) else Path.home() / ".cache"
    return folder / "brochure" / "key"


def signing_key(*not_inside) -> bytes:
    """This user's key on this machine (made on first use); KeyUnusable when it cannot be kept
    private: a folder that cannot be written, owned by another user or writable by others, or
    a key inside one of the folders `not_inside` (the output and content folders)."""
    path = key_file()
    try:
        real = Path(os.path.realpath(path))
        for folder in not_inside:
            if real.is_relative_to(Path(os.path.realpath(folder))):
                raise KeyUnusable(f"its key {path} would lie inside {folder}")
        path.parent.mkdir(parents=True, mode=0o700, exist_ok=True)
        _check_private(path.parent, "folder", 0o022)
        if not path.exists():
            _create_key(path)
        secret = _read_key(path)
    except OSError as err:
        raise KeyUnusable(f"its key {path} cannot be kept ({err.strerror or err})") from None
    return hmac.new(secret, b"brochure cache\0" + _machine_id(), hashlib.sha256).digest()


def _check_private(path: Path, kind: str, forbidden: int, info=None) -> None:
    info = info or os.stat(path)
    if not (stat.S_ISDIR if kind == "folder" else stat.S_ISREG)(info.st_mode):
        raise KeyUnusable(f"{path} is not a {kind}")
    if info.st_uid != os.geteuid():
        raise KeyUnusable(f"{path} belongs to another user")
    if info.st_mode & forbidden:
        raise KeyUnusable(f"{path} may be changed by other users (chmod go-w {path})")


def _create_key(path: Path) -> None:
    """Write a new key under a temporary name, then link it in place: a build that starts at the
    same moment finds either no key or the whole of one."""
    temporary = path.with_name(f".key-{os.getpid()}-{secrets.token_hex(4)}")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(secrets.token_bytes(32))
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass
    finally:
        os.unlink(temporary)


def _read_key(path: Path) -> bytes:
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    with os.fdopen(fd, "rb") as handle:
        _check_private(path, "file", 0o077, os.fstat(fd))
        secret = handle.read(33)
    if len(secret) != 32:
        raise KeyUnusable(f"{path} is not a key this tool wrote (delete it: a new one is made)")
    return secret


def _machine_id() -> bytes:
    for name in ("/etc/machine-id", "/var/lib/dbus/machine-id"):
        try:
            with open(name, "rb") as handle:
                return handle.read(64).strip()
        except OSError:
            continue
    return b""


# --- the entries ------------------------------------------------------------------------

class Cache:
    """Entries of output/.cache. get() reads and checks one; put() keeps one in memory until
    the build writes its outputs (entries()), so a failed build writes none. key None: no
    cache (every get misses, nothing is written)."""

    def __init__(self, output_dir, key: bytes | None):
        self.dir = Path(output_dir) / FOLDER
        self.key = key
        self.pending: dict[str, object] = {}

    def get(self, name: str):
        """The entry's value (JSON data, with bytes where bytes were put), if this tool wrote
        it here under this name; None otherwise."""
        if self.key is None:
            return None
        path = self.dir / f"{name}{SUFFIX}"
        raw = _read_entry(path)
        if raw is None or not raw.startswith(MAGIC):
            return None
        mac, signed = raw[len(MAGIC):len(MAGIC) + 32], raw[len(MAGIC) + 32:]
        if not hmac.compare_digest(mac, self._mac(name, signed)):
            return None
        value = _decode(signed)
        if value is not None:
            try:
                os.utime(path, follow_symlinks=False)     # recently used: kept longest
            except OSError:
                pass
        return value

    def put(self, name: str, value) -> None:
        if self.key is not None:
            self.pending[name] = value

    def entries(self) -> list:
        """(path under the output folder, bytes) of each pending entry."""
        files = []
        for name, value in self.pending.items():
            signed = _encode(value)
            files.append((f"{FOLDER}/{name}{SUFFIX}", MAGIC + self._mac(name, signed) + signed))
        return files

    def kept(self, existing) -> list:
        """Of the entries in the output folder now (paths under it), those to keep beside the
        pending ones: the most recently used, KEEP in all."""
        if self.key is None:
            return []
        pending = {f"{FOLDER}/{name}{SUFFIX}" for name in self.pending}
        old = [p for p in existing if p.startswith(f"{FOLDER}/") and p.endswith(SUFFIX)
               and p not in pending]
        old.sort(key=lambda p: _mtime(self.dir.parent / p), reverse=True)
        return old[:max(0, KEEP - len(pending))]

    def _mac(self, name: str, signed: bytes) -> bytes:
        assert self.key is not None          # get() and put() use no key-less cache
        return hmac.new(self.key, name.encode() + b"\0" + signed, hashlib.sha256).digest()


def _read_entry(path: Path):
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or filedigest.size_problem(info):
            return None
        return handle.read()


def _mtime(path: Path) -> float:
    try:
        return path.lstat().st_mtime
    except OSError:
        return 0.0


def _encode(value) -> bytes:
    """Plain data (dict, list, tuple, str, int, float, bool, None, bytes) -> the signed part of
    an entry: header length, JSON header, blobs."""
    blobs = []

    def plain(item):
        if isinstance(item, bytes):
            blobs.append(item)
            return {BLOB: len(blobs) - 1}
        if isinstance(item, dict):
            return {str(k): plain(v) for k, v in item.items()}
        if isinstance(item, (list, tuple)):
            return [plain(v) for v in item]
        if item is None or isinstance(item, (str, int, float, bool)):
            return item
        raise TypeError(f"the cache stores plain data, not {type(item).__name__}")

    header = json.dumps({"value": plain(value), "blobs": [len(b) for b in blobs]},
                        ensure_ascii=False, allow_nan=False).encode("utf-8")
    return len(header).to_bytes(8, "big") + header + b"".join(blobs)


def _decode(signed: bytes):
    """The value of a signed part, or None if it is not what _encode writes."""
    try:
        size = int.from_bytes(signed[:8], "big")
        if size > MAX_HEADER or 8 + size > len(signed):
            return None
        header = json.loads(signed[8:8 + size].decode("utf-8"))
        lengths = header["blobs"]
        if not isinstance(lengths, list) or not all(type(n) is int and n >= 0 for n in lengths) \
                or 8 + size + sum(lengths) != len(signed):
            return None
        blobs, at = [], 8 + size
        for length in lengths:
            blobs.append(signed[at:at + length])
            at += length
        return _with_blobs(header["value"], blobs)
    except (ValueError, KeyError, TypeError, IndexError, RecursionError):
        return None


def _with_blobs(item, blobs):
    if isinstance(item, dict):
        if set(item) == {BLOB}:
            return blobs[item[BLOB]]
        return {k: _with_blobs(v, blobs) for k, v in item.items()}
    if isinstance(item, list):
        return [_with_blobs(v, blobs) for v in item]
    return item
