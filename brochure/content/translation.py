"""Translation integrity: every text of the source language (the first of publication.yaml,
Polish here) has its translations, and none is out of date.

Each translated text records the version of the source text it translates, per paragraph, in
content/<lang>/.reviewed/ (written by `brochure reviewed content/en/FILE.md`, in a checkout
`.venv/bin/python build.py reviewed ...`, and by `translation import`); brochure/translate/
judges those texts one by one. A section without a record is judged here, per file, by the
older `source-hash:` of its front matter, until its next `reviewed`.
"""
from __future__ import annotations

import hashlib
import re
from pathlib import Path

from .. import invocation
from ..diagnostics import ERROR, WARNING, Diagnostic
from ..errors import ContentError
from ..model import text_file
from .source import load_yaml

HASH_LINE = re.compile(r"^source-hash:.*\n", re.M)     # the older file-wide record
RECORDS = ".reviewed"           # the per-text records of a language: content/en/.reviewed/


def source_hash(meta, body: str) -> str:
    """A short fingerprint of a source section: its title (and running head) and its text."""
    heads = meta["title"].strip() + ("\n" + meta["running-head"].strip() if meta.get("running-head") else "")
    text = heads + "\n" + "\n".join(ln.rstrip() for ln in body.strip().split("\n"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:10]


def problems(pub) -> list:
    """Warnings about stale translations, errors about orphan translations (Diagnostics)."""
    found = []
    root = Path(pub.root)
    for section in pub.sections:
        for lang in pub.languages[1:]:
            found += _stale(root, section, lang, pub.languages[0])
    for lang in pub.languages[1:]:
        named = {f"{s.file}.md" for s in pub.sections}
        for path in sorted((root / lang).glob("*.md")):
            if path.name not in named:
                found.append(Diagnostic(f"{root.name}/{lang}/{path.name}", 1, ERROR,
                                        f"no section of {root.name}/publication.yaml uses this "
                                        f"file; add it or delete it"))
    return found


def record_path(root, lang: str, name: str) -> Path:
    """The record of what a translated file's texts translate: en/.reviewed/01-pim.md.yaml for
    a section, en/.reviewed/data/cities.yaml for the texts of a data file."""
    return Path(root) / lang / RECORDS / (name + ".yaml" if name.endswith(".md") else name)


def _stale(root, section, lang, source) -> list:
    if record_path(root, lang, f"{section.file}.md").exists():
        return []                   # judged per text (brochure/translate/staleness.py)
    display = text_file(root, lang, section.file)
    meta = section.meta[lang]
    expected = source_hash(section.meta[source], section.bodies[source])
    recorded = meta.get("source-hash")
    line = meta.key_lines.get("source-hash", 1)
    command = f"{invocation.command()} reviewed {_as_given(root / lang / f'{section.file}.md')}"
    if recorded is None:
        return [Diagnostic(display, 1, WARNING,
                           f"the translation records no source-hash; after checking it against "
                           f"{text_file(root, source, section.file)} run: {command}")]
    if str(recorded) != expected:
        return [Diagnostic(display, line, WARNING,
                           f"stale translation: {text_file(root, source, section.file)} changed since "
                           f"this text was reviewed; update it, then run: {command}")]
    return []


def languages_of(root: Path) -> list:
    """The codes of the languages of a publication.yaml, the source first."""
    data, display = load_yaml(root, "publication.yaml")
    specs = data.get("languages") if isinstance(data, dict) else None
    codes = [spec.get("code") if isinstance(spec, dict) else spec
             for spec in (specs if isinstance(specs, list) else [])]
    if not codes or not all(isinstance(code, str) for code in codes):
        raise ContentError(display, getattr(data, "key_lines", {}).get("languages", 1),
                           "list the languages of the publication, the source first, "
                           "e.g. [pl, en]")
    return codes


def _as_given(path: Path) -> str:
    """A path to paste into a command run from here: relative when inside this folder."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path.resolve())
