"""Per-text staleness for `check` and the build: which heading, paragraph, item or data text
of a translation is stale, with the old and the new source text; which are new or orphaned.
The sections without a record are judged per file by content/translation.py.
"""
from __future__ import annotations

from pathlib import Path

from .. import invocation
from ..content.source import display_path
from ..content.translation import _as_given, record_path
from ..diagnostics import WARNING, Diagnostic
from . import records
from .docx import review_notes
from .records import NEW, STALE, UNREVIEWED


def problems(pub) -> list:
    """What check and the build add to content/translation.py's findings: the stale, new and
    orphaned texts of the recorded sections and data files, and the review notes a Word
    import left."""
    root, source = Path(pub.root), pub.languages[0]
    found = []
    for section in pub.sections:
        for lang in pub.languages[1:]:
            if record_path(root, lang, f"{section.file}.md").exists():
                found += section_problems(root, section.file, lang, source)
    return found + data_problems(root, pub.languages) + review_notes(pub)


def section_problems(root, section_file: str, lang: str, source: str) -> list:
    """The stale, new and orphaned texts of one recorded section."""
    root = Path(root)
    file = records.markdown_units(root, f"{section_file}.md", source, lang)
    shown = display_path(root, file.target_path)
    command = _reviewed(file.target_path)
    if file.problem:
        return [Diagnostic(shown, 1, WARNING, f"the translation's structure changed: "
                                              f"{file.problem}; make it follow "
                                              f"{display_path(root, file.source_path)}, "
                                              f"then run: {command}")]
    found = [_unit_problem(root, file, unit, command) for unit in file.units]
    for entry, segment in file.orphans:
        if segment is not None:
            found.append(Diagnostic(shown, segment.line, WARNING,
                                    f'this text translates {source} text that was deleted '
                                    f'("{_short(entry.text)}"); delete it, then run: {command}'))
    return [f for f in found if f]


def data_problems(root, languages) -> list:
    """Stale texts of the YAML files that have a record."""
    root, found = Path(root), []
    for lang in languages[1:]:
        for name in records.yaml_sources(root):
            if not record_path(root, lang, name).exists():
                continue
            file = records.yaml_units(root, name, languages[0], lang, languages)
            command = _reviewed(root / name)
            found += [d for d in (_unit_problem(root, file, u, command, lang)
                                  for u in file.units) if d]
    return found


def _reviewed(path: Path) -> str:
    """The command that marks a file reviewed, as it runs from here."""
    return f"{invocation.command()} reviewed {_as_given(path)}"


def _export(root: Path, lang: str) -> str:
    """The command that exports the texts to translate, as it runs from here."""
    folder = _as_given(root)
    content = "" if folder == "content" else f" --content {folder}"
    return f"{invocation.command()} translation export{content} --lang {lang} -o {lang}.xlf"


def _unit_problem(root, file, unit, command, lang=None) -> Diagnostic | None:
    source_at = f"{display_path(root, file.source_path)}:{unit.source.line}"
    shown = display_path(root, file.target_path)
    if unit.state == STALE:
        line = unit.target.line if unit.target else 1
        if not unit.old:
            return Diagnostic(shown, line, WARNING,
                              f"stale translation: {display_path(root, file.source_path)} "
                              f"changed since this text was reviewed (the text it was reviewed "
                              f"against is not recorded); check it against {source_at}, then "
                              f"run: {command}")
        was, now = records.excerpt(unit.old, unit.source.source)
        what = f"the {lang} text" if lang else "this text"
        return Diagnostic(shown, line, WARNING,
                          f'stale translation: {source_at} changed since {what} was reviewed: '
                          f'was "{was}", now "{now}"; update it, then run: {command}')
    if unit.state == NEW and file.markdown:
        return Diagnostic(shown, 1, WARNING,
                          f'not translated yet: {source_at} ("{_short(unit.source.source)}"); '
                          f'translate it (here, or for a translator: '
                          f'{_export(root, file.target_path.parent.name)}), then run: {command}')
    if unit.state == UNREVIEWED and file.markdown and unit.target is not None:
        return Diagnostic(shown, unit.target.line, WARNING,
                          f"this text was never reviewed against {source_at}; after checking "
                          f"it, run: {command}")
    return None


def _short(text: str, length: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[:length - 1] + "…"
