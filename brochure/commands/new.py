"""`new DIR`: a small bilingual publication to start from, which builds at once
(publication.yaml, labels.yaml, one section per language, the networks and their cities)."""
from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

from .. import invocation, resources
from ..content import translation
from ..content.source import split_front_matter
from ..errors import OutputRefused


def create(arguments, progress) -> int:
    if len(arguments) != 1:
        progress.warn(f"name the folder of the new publication: {invocation.command()} new DIR")
        return 2
    target = Path(arguments[0])
    existed = False
    try:
        existed = target.is_dir() and not target.is_symlink()
        if os.path.lexists(target) and (not existed or any(target.iterdir())):
            raise OutputRefused(f"{target}: already exists and is not an empty folder; choose "
                                f"a new folder for the new publication")
        _write_scaffold(target)
    except OSError as err:
        _remove_what_was_made(target, existed)
        raise OutputRefused(f"{target}: cannot create the publication there "
                            f"({err.strerror or err}); choose a folder you can write to, "
                            f"not inside a file") from None
    out = f"{target.as_posix().rstrip('/')}-output"
    command = invocation.command()
    progress.info(f"created {target}/: a publication in Polish and English.\n"
                  f"  build it:   {command} --content {target} --output {out}\n"
                  f"  preview it: {command} watch --content {target} --output {out}\n"
                  f"  then edit {target}/publication.yaml, {target}/pl/01-wstep.md and "
                  f"{target}/en/01-wstep.md; {target}/README.md says what each file holds, "
                  f"which components there are and how to change the look")
    return 0


def _remove_what_was_made(target: Path, existed: bool) -> None:
    """After a failure: the folder as it was (it was missing, or an empty folder)."""
    if not existed:
        shutil.rmtree(target, ignore_errors=True)
        return
    for child in target.iterdir():
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child, ignore_errors=True)
        else:
            child.unlink(missing_ok=True)


def _write_scaffold(target: Path) -> None:
    shutil.copytree(resources.scaffold_folder(), target, dirs_exist_ok=True)
    today = dt.date.today()        # the one date the builder takes from the clock: the start
    publication = target / "publication.yaml"
    publication.write_text(publication.read_text(encoding="utf-8")
                           .replace("{date}", today.isoformat())
                           .replace("{year}", str(today.year)), encoding="utf-8")
    _mark_translations_reviewed(target)


def _mark_translations_reviewed(target: Path) -> None:
    """The English texts of the scaffold translate its Polish ones: record that."""
    for english in sorted((target / "en").glob("*.md")):
        polish = target / "pl" / english.name
        meta, body, _ = split_front_matter(polish.read_text(encoding="utf-8"), str(polish))
        text = english.read_text(encoding="utf-8")
        head, rest = text.split("\n---", 1)
        english.write_text(f"{head}\nsource-hash: {translation.source_hash(meta, body)}\n---"
                           f"{rest}", encoding="utf-8")
