"""What each translated text translates, and which texts are stale.

Each translated language keeps, beside its texts, a record of the source it was last reviewed
against: `content/en/.reviewed/03-siec-cyfrowa.md.yaml` for the Markdown section,
`content/en/.reviewed/data/cities.yaml` for the English texts of a data file. A record lists
the units in the order of the English file, each with its id, its kind, the hash of the Polish
text it translates and that Polish text (to show what changed). The Markdown stays free of
bookkeeping and the record is written only by `reviewed` and `translation import`.

Ids stay stable: the record's units are aligned with the current Polish units by their hashes
(difflib), so an inserted or deleted paragraph does not renumber the others; an edited one
keeps its id and is stale; a new one gets the next free number.

A section without a record but with the old `source-hash:` in its front matter is judged as
before, per file, until its next `reviewed` or import writes its record (and drops the key).
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .. import invocation
from ..content.source import (display_path, load_yaml, parse_yaml, read_text,
                              split_front_matter, write_inside)
from ..content.translation import _as_given, record_path, source_hash
from ..errors import ContentError
from .segments import Segment, markdown_segments, yaml_pairs

YAML_SOURCES = ("publication.yaml", "labels.yaml")     # and every data/*.yaml
CURRENT, STALE, NEW, UNREVIEWED = "current", "stale", "new", "unreviewed"
HEADER = ("# What each {lang} text of {name} translates: the {source} text it was last "
          "reviewed against.\n# Written by `reviewed` and `translation import`; do not edit.\n")


@dataclass
class Entry:
    id: str
    kind: str
    hash: str
    text: str          # the source text the translation was reviewed against ("" unknown)


@dataclass
class Unit:
    name: str                  # the file the id belongs to: 03-siec-cyfrowa.md, data/cities.yaml
    id: str
    source: Segment
    target: Segment | None     # None: no translation yet
    state: str                 # current, stale, new, unreviewed
    old: str | None = None     # the source text last reviewed (stale units), "" when unknown

    @property
    def full_id(self) -> str:
        return f"{self.name}#{self.id}"


@dataclass
class FileUnits:
    """The units of one translated file, and what the record knows that the source lost."""
    name: str
    source_path: Path
    target_path: Path
    units: list
    entries: list                      # the record, in the order of the target file
    paired: dict = field(default_factory=dict)     # entry index -> unit
    orphans: list = field(default_factory=list)    # (entry, target segment): source deleted
    problem: str | None = None         # why the target could not be paired with the source
    legacy_hash: bool = False          # the target file still has a source-hash: line

    @property
    def markdown(self) -> bool:
        return self.name.endswith(".md")


def read_record(root: Path, lang: str, name: str) -> list[Entry] | None:
    path = record_path(root, lang, name)
    if not path.exists():
        return None
    shown = display_path(root, path)
    data = parse_yaml(read_text(path, shown, root), shown)
    translated = root / lang / name if name.endswith(".md") else root / name
    again = (f"delete the file, check the translation and run: {invocation.command()} reviewed "
             f"{_as_given(translated)}")
    units = data.get("units") if isinstance(data, dict) else None
    if not isinstance(units, list):
        raise ContentError(shown, 1, f"a translation record holds `units:`, a list; {again}")
    entries = []
    for item in units:
        if not isinstance(item, dict) or not {"id", "kind", "hash"} <= set(item):
            raise ContentError(shown, getattr(item, "line", 1),
                               f"each unit of a translation record has id, kind and hash; {again}")
        entries.append(Entry(str(item["id"]), str(item["kind"]), str(item["hash"]),
                             str(item.get("text") or "")))
    return entries


def record_text(entries, lang: str, source: str, name: str) -> str:
    units = [{"id": e.id, "kind": e.kind, "hash": e.hash, "text": e.text} for e in entries]
    body = yaml.safe_dump({"source": f"{source}/{name}" if name.endswith(".md") else name,
                           "units": units}, allow_unicode=True, sort_keys=False, width=100)
    return HEADER.format(lang=lang, name=name, source=source) + body


def publication_languages(root: Path) -> list[str]:
    """The language codes of a publication.yaml, the source first (at least two)."""
    data, shown = load_yaml(root, "publication.yaml")
    found: list = [ln.get("code") if isinstance(ln, dict) else ln
                   for ln in (data.get("languages") if isinstance(data, dict) else None) or []]
    if len(found) < 2 or not all(isinstance(c, str) for c in found):
        raise ContentError(shown, getattr(data, "key_lines", {}).get("languages", 1),
                           "list the languages of the publication, the source first, "
                           "e.g. [pl, en]")
    return found


# --- the units of a publication ------------------------------------------------------------

def translated_files(root: Path, section_files, source: str, target: str,
                     languages) -> list[FileUnits]:
    """Every translated file of a publication: its sections, then the YAML files."""
    found = [markdown_units(root, f"{name}.md", source, target) for name in section_files]
    for name in yaml_sources(root):
        found.append(yaml_units(root, name, source, target, languages))
    return found


def yaml_sources(root: Path) -> list[str]:
    names = [n for n in YAML_SOURCES if (root / n).is_file()]
    return names + [f"data/{p.name}" for p in sorted((root / "data").glob("*.yaml"))]


def markdown_units(root: Path, name: str, source: str, target: str) -> FileUnits:
    source_path, target_path = root / source / name, root / target / name
    polish = markdown_segments(_read(root, source_path), display_path(root, source_path))
    english = []
    if target_path.exists():
        english = markdown_segments(_read(root, target_path), display_path(root, target_path))
    entries = read_record(root, target, name)
    result = FileUnits(name, source_path, target_path, [], [])
    if entries is None:
        entries = _legacy_entries(root, source_path, target_path, polish, result)
    result.entries = entries
    matches = align(entries, polish)
    targets = _pair_targets(entries, english, polish, matches, result)
    next_id = _next_number(entries)
    for index, segment in enumerate(polish):
        entry_index = matches.get(index)
        if entry_index is None:
            unit = Unit(name, f"s{next_id}", segment, None, NEW)
            next_id += 1
        else:
            entry = entries[entry_index]
            state = CURRENT if entry.hash == segment.hash else (UNREVIEWED if entry.hash == ""
                                                                and not entry.text else STALE)
            unit = Unit(name, entry.id, segment, targets.get(entry_index), state,
                        entry.text if state == STALE else None)
            if unit.target is None:
                unit.state = NEW
            result.paired[entry_index] = unit
        result.units.append(unit)
    result.orphans = [(entries[i], targets.get(i)) for i in range(len(entries))
                      if i not in result.paired]
    return result


def _read(root, path) -> str:
    return read_text(path, display_path(root, path), root)


def _legacy_entries(root, source_path, target_path, polish, result) -> list[Entry]:
    """No record yet: the units pair by position; the old file-wide source-hash says whether
    they are all current (its hash matches) or all stale, without their old text."""
    if not target_path.exists():
        return []
    meta, _, _ = split_front_matter(_read(root, target_path), display_path(root, target_path))
    recorded = meta.get("source-hash")
    result.legacy_hash = recorded is not None
    pl_meta, pl_body, _ = split_front_matter(_read(root, source_path), display_path(root, source_path))
    current = recorded is not None and str(recorded) == source_hash(pl_meta, pl_body)
    if recorded is None:
        return [Entry(s.key, s.kind, "", "") for s in polish]
    return [Entry(s.key, s.kind, s.hash if current else "?", "" if current else "")
            for s in polish]


def align(entries: list[Entry], segments: list[Segment]) -> dict:
    """segment index -> entry index: equal hashes first (difflib), then within each replaced
    run the units of the same kind in order (edited: stale)."""
    old = [(e.kind, e.hash) for e in entries]
    new = [(s.kind, s.hash) for s in segments]
    matches = {}
    opcodes = difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes()
    for tag, i1, i2, j1, j2 in opcodes:
        if tag == "equal":
            matches.update({j1 + k: i1 + k for k in range(i2 - i1)})
        elif tag == "replace":
            free = list(range(i1, i2))
            for j in range(j1, j2):
                same = next((i for i in free if entries[i].kind == segments[j].kind), None)
                if same is not None:
                    free = free[free.index(same) + 1:]
                    matches[j] = same
    if not entries and segments:
        return {}
    return matches


def _pair_targets(entries, english, polish, matches, result) -> dict:
    """entry index -> target segment: the target file follows its record, one unit each."""
    if [e.kind for e in entries] == [s.kind for s in english]:
        return dict(enumerate(english))
    if not english:
        return {}
    if [s.kind for s in polish] == [s.kind for s in english]:
        # the record is out of step but the structure follows the source: pair by position
        return {matches[j]: english[j] for j in range(len(polish)) if j in matches}
    result.problem = (f"its {len(english)} texts (headings, paragraphs, items, cells...) no "
                      f"longer follow the {len(entries)} of its record")
    return {}


def _next_number(entries) -> int:
    numbers = [int(e.id[1:]) for e in entries if re.fullmatch(r"s\d+", e.id)]
    return max(numbers, default=0) + 1


def yaml_units(root: Path, name: str, source: str, target: str, languages) -> FileUnits:
    path = root / name
    pairs = yaml_pairs(_read(root, path), display_path(root, path), source, target, languages)
    entries = read_record(root, target, name)
    known = {e.id: e for e in entries or []}
    result = FileUnits(name, path, path, [], entries or [])
    for pair in pairs:
        entry = known.get(pair.key)
        if entries is None:
            state, old = CURRENT, None          # never recorded: the data was not tracked
        elif entry is None:
            state, old = UNREVIEWED, None
        else:
            state = CURRENT if entry.hash == pair.source.hash else STALE
            old = entry.text if state == STALE else None
        if pair.target is None:
            state = NEW
        result.units.append(Unit(name, pair.key, pair.source, pair.target, state, old))
    return result


def entries_now(file: FileUnits, reviewed: set) -> list[Entry]:
    """The record after the units in `reviewed` (ids) were reviewed; YAML: every unit."""
    if not file.markdown:
        old = {e.id: e for e in file.entries}
        return [_entry(u) if u.id in reviewed or u.id not in old else old[u.id]
                for u in file.units if u.target is not None]
    entries = list(file.entries)
    for index, unit in file.paired.items():
        if unit.id in reviewed:
            entries[index] = _entry(unit)
    return entries


def _entry(unit: Unit) -> Entry:
    return Entry(unit.id, unit.source.kind, unit.source.hash, unit.source.source)


def write_record(root: Path, lang: str, source: str, name: str, entries) -> bool:
    """Write the record if it changed; True when written."""
    path = record_path(root, lang, name)
    shown = display_path(root, path)
    text = record_text(entries, lang, source, name)
    if path.exists() and not path.is_symlink() and read_text(path, shown, root) == text:
        return False
    write_inside(root, path, text.encode("utf-8"), shown)      # the sandbox of writing
    return True


# --- messages ------------------------------------------------------------------------------

def excerpt(old: str, new: str, words: int = 5) -> tuple[str, str]:
    """The changed stretch of two texts with a few words around it, as "…a b c…"."""
    a, b = old.split(" "), new.split(" ")
    start = 0
    while start < min(len(a), len(b)) and a[start] == b[start]:
        start += 1
    end = 0
    while end < min(len(a), len(b)) - start and a[-1 - end] == b[-1 - end]:
        end += 1

    def cut(seq):
        first, last = max(0, start - words), len(seq) - max(0, end - words)
        text = " ".join(seq[first:last])
        return ("…" if first else "") + text + ("…" if last < len(seq) else "")
    return cut(a), cut(b)
