"""`reviewed FILE...`: record that translated files were checked against their source text.

Each FILE must be a translated text of a publication: `<folder>/<language>/<name>.md`, where
the folder holds publication.yaml (or is --content) and the language is one of its
translations, not the source. It is read and written through the sandbox: a regular file
inside that folder, itself and not a link (a link would be written through, to whatever it
points to), and writable. The stamp is written to a new file that replaces the old one at once.
"""
from __future__ import annotations

import os
import stat
from pathlib import Path

from .. import invocation
from ..content.source import inside, read_text, split_front_matter
from ..content.translation import HASH_LINE, languages_of, source_hash
from ..errors import ContentError


def mark_reviewed(content_dir, files, progress) -> int:
    """Record the current version of the source text in each translation named. Each file's
    original is looked for beside it (../<source language>/ of its folder, the first language
    of that publication.yaml), whatever --content says."""
    if not files:
        progress.warn(f"name the translated files you have checked against the source text, "
                      f"e.g. {invocation.command()} reviewed content/en/01-pim.md")
        return 2
    for given in files:
        path = Path(os.path.abspath(given))
        root = path.parent.parent
        if not (root / "publication.yaml").is_file():
            root = Path(os.path.abspath(content_dir))
        source, name = _source_language(root, path, given), path.name
        original = root / source / name
        shown = f"{root.name}/{source}/{name}"
        pl_meta, pl_body, _ = split_front_matter(read_text(original, shown, root), shown)
        text = read_text(path, given, root)
        split_front_matter(text, given)           # the translation must be well formed
        stamp = f"source-hash: {source_hash(pl_meta, pl_body)}"
        head, sep, rest = text.partition("\n---")
        if HASH_LINE.search(head):
            head = HASH_LINE.sub(stamp, head, count=1)
        else:
            head = head + "\n" + stamp
        _replace(path, head + sep + rest, given)
        progress.info(f"{given}: marked as reviewed against {shown} ({stamp})")
    return 0


def _source_language(root: Path, path: Path, given: str) -> str:
    """The source language of the publication at root, once the file is known to be one of
    its translated texts, a file of its own inside root."""
    languages = languages_of(root)
    source, translated = languages[0], languages[1:]
    folder = path.parent.name
    where = f"{root.name}/<language>/{path.name}"
    if path.parent.parent != root or folder not in translated or path.suffix != ".md":
        if path.parent.parent == root and folder == source:
            raise ContentError(given, 1, f"this is a text of the source language ({source}); "
                                         f"reviewed records a translation against its source: "
                                         f"name the translated file, e.g. "
                                         f"{root.name}/{(translated or ['en'])[0]}/{path.name}")
        raise ContentError(given, 1, f"not a translated text of {root.name}/: give a file "
                                     f"{where} of a translated language "
                                     f"({', '.join(translated) or 'none listed'})")
    if path.is_symlink():
        raise ContentError(given, 1, "the file is a link; reviewed writes only the text file "
                                     "itself: replace the link by a copy of the file")
    real = inside(root, path, given)
    if real != root.resolve() / folder / path.name:
        raise ContentError(given, 1, f"the folder {folder}/ or the file is a link (to {real}); "
                                     f"reviewed writes only a translation's own file")
    return source


def _replace(path: Path, text: str, given: str) -> None:
    """Write text as the file's new content: a new file (the old one's mode and owner) that
    replaces the old one in one step; a read-only file is left alone."""
    info = path.lstat()
    if not os.access(path, os.W_OK) or not info.st_mode & (stat.S_IWUSR | stat.S_IWGRP
                                                           | stat.S_IWOTH):
        raise ContentError(given, 1, f"the file is read-only; make it writable (chmod u+w "
                                     f"{given}) and run reviewed again")
    staged = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        handle = os.open(staged, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW,
                         stat.S_IMODE(info.st_mode))
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
        if os.geteuid() == 0:                       # keep the editor's ownership
            os.chown(staged, info.st_uid, info.st_gid)
        os.replace(staged, path)
    except OSError as err:
        staged.unlink(missing_ok=True)
        raise ContentError(given, 1, f"cannot write the file ({err.strerror}); it is "
                                     f"unchanged") from None
