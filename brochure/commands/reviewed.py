"""`reviewed FILE...`: record that translated files were checked against their source text.

The record lists, text by text (heading, paragraph, item, cell, data text), the source text
each translation now matches: content/<lang>/.reviewed/ (translate/records.py). The older
file-wide `source-hash:` line of a Markdown file is dropped when its record is written.

Every file named, read or written goes through the sandbox (content/source.py): a Markdown
file must be `<folder>/<language>/<name>.md` of the publication, the language a translated
one (not the source: it would be marked against itself), the file itself and not a link, in a
language folder that is no link either (a link would be written through, to whatever it points
to); records and the rewritten file are written by `write_inside` (whole, never through a link,
never over a read-only file).
"""
from __future__ import annotations

import os
from pathlib import Path

from .. import invocation
from ..content.source import display_path, inside, read_text, write_inside
from ..content.translation import HASH_LINE, record_path
from ..errors import EXIT_INPUT, ContentError
from ..translate import records
from ..translate.records import Entry, publication_languages
from ..translate.segments import markdown_segments


def mark_reviewed(content_dir, files, progress) -> int:
    """Record that each translation named (Markdown of a translated language, or a YAML file
    with {pl:, en:} texts) was checked against its source as it is now. Each file's publication
    is the folder that holds it (or its language folder), whatever --content says."""
    if not files:
        progress.warn(f"name the translated files you have checked against the source text, "
                      f"e.g. {invocation.command()} reviewed content/en/01-pim.md")
        return EXIT_INPUT
    for path in (Path(f) for f in files):
        root = _publication_root(path, content_dir)
        languages = publication_languages(root)
        if path.suffix == ".md":
            _reviewed_markdown(root, path, languages, progress)
        else:
            _reviewed_yaml(root, path, languages, progress)
    return 0


def _publication_root(path: Path, content_dir) -> Path:
    """The folder of the file's publication, found where the path says (links not followed)."""
    lexical = Path(os.path.abspath(path))
    for folder in (lexical.parent, lexical.parent.parent):
        if (folder / "publication.yaml").is_file():
            return folder
    return Path(os.path.abspath(content_dir))


def _reviewed_markdown(root, path, languages, progress):
    lexical = Path(os.path.abspath(path))
    lang, source = lexical.parent.name, languages[0]
    shown = display_path(root, lexical) if lexical.is_relative_to(root) else str(path)
    if lexical.parent.parent != root:
        raise ContentError(shown, 1, f"not a translated text of {root.name}/: give a file "
                                     f"{root.name}/<language>/{lexical.name} of a translated "
                                     f"language ({', '.join(languages[1:])})")
    if lang == source:
        raise ContentError(shown, 1, f"this is a text of the source language ({source}); "
                                     f"reviewed records a translation against its source: name "
                                     f"the translated file, e.g. "
                                     f"{root.name}/{languages[1]}/{lexical.name}")
    if lang not in languages[1:]:
        raise ContentError(shown, 1, f"not a translation: its folder {lang}/ is not one of the "
                                     f"translated languages ({', '.join(languages[1:])})")
    if lexical.is_symlink():
        raise ContentError(shown, 1, "the file is a link; reviewed writes only the text file "
                                     "itself: replace the link by a copy of the file")
    real = inside(root, lexical, shown)
    if real != root.resolve() / lang / lexical.name:
        raise ContentError(shown, 1, f"the folder {lang}/ or the file is a link (to {real}); "
                                     f"reviewed writes only a translation's own file")
    text = read_text(lexical, shown, root)
    file = records.markdown_units(root, path.name, source, lang)
    english = markdown_segments(text, shown)
    if [s.kind for s in english] != [u.source.kind for u in file.units]:
        raise ContentError(shown, 1, _structure_message(file, english, root))
    entries = [Entry(u.id, u.source.kind, u.source.hash, u.source.source) for u in file.units]
    dropped = HASH_LINE.sub("", text, 1) if text.startswith("---") else text
    if dropped != text:
        write_inside(root, lexical, dropped.encode("utf-8"), shown)
    records.write_record(root, lang, source, path.name, entries)
    progress.info(f"{path}: marked as reviewed against "
                  f"{display_path(root, file.source_path)} ({len(entries)} texts, record "
                  f"{display_path(root, record_path(root, lang, path.name))})")


def _structure_message(file, english, root) -> str:
    polish = [u.source for u in file.units]
    for index, (a, b) in enumerate(zip(polish, english)):
        if a.kind != b.kind:
            return (f"the translation does not follow the structure of "
                    f"{display_path(root, file.source_path)}: its text {index + 1} (line "
                    f"{b.line}) is a {b.kind}, the source's (line {a.line}) a {a.kind}; give "
                    f"both the same headings, paragraphs, list items and boxes")
    return (f"the translation has {len(english)} texts (headings, paragraphs, items...), "
            f"{display_path(root, file.source_path)} has {len(polish)}; give both the same "
            f"structure")


def _reviewed_yaml(root, path, languages, progress):
    lexical = Path(os.path.abspath(path))
    name = lexical.relative_to(root).as_posix() if lexical.is_relative_to(root) else None
    if name is not None:
        inside(root, lexical, display_path(root, lexical))    # a file of the folder itself
    if name not in records.yaml_sources(root):
        source, target = languages[0], languages[1]
        raise ContentError(str(path), 1, f"not a translated file of {root.name}/: name a "
                                         f"Markdown file of a translation "
                                         f"({root.name}/{target}/NN-name.md) or a YAML file "
                                         f"with {{{source}:, {target}:}} texts "
                                         f"({root.name}/labels.yaml, {root.name}/data/...)")
    for lang in languages[1:]:
        file = records.yaml_units(root, name, languages[0], lang, languages)
        entries = [Entry(u.id, "text", u.source.hash, u.source.source)
                   for u in file.units if u.target is not None]
        records.write_record(root, lang, languages[0], name, entries)
        progress.info(f"{path}: the {lang} texts marked as reviewed ({len(entries)} texts)")
