"""`import FILE.docx --section NAME --lang CODE`: a Word document as a section's Markdown
(translate/docx.py converts it). Everything is checked before anything is written: one
`file:line: error: what to fix` line and exit code 2, the content folder unchanged."""
from __future__ import annotations

from pathlib import Path

from ..content.publication import SECTION_NAME
from ..content.source import (check_glyphs, display_path, load_yaml, read_text,
                              split_front_matter, write_inside)
from ..diagnostics import ERROR, WARNING, Diagnostic
from ..errors import EXIT_INPUT, ContentError
from ..translate import writeback
from ..translate.docx import DocxError, convert, marker_line, unsupported
from ..translate.records import publication_languages


def run(path, content_dir, section, lang, force, progress) -> int:
    root, shown = Path(content_dir), str(path)
    try:
        target = _target(root, section, lang, publication_languages(root), force)
        result = convert(Path(path), shown, section, lang)
    except DocxError as err:
        return _fail(progress, Diagnostic(shown, err.block, ERROR, str(err)))
    markdown = _front_matter(root, target, result.title) + result.markdown
    try:
        check_glyphs(markdown, display_path(root, target))
    except ContentError as err:
        return _fail(progress, Diagnostic(shown, None, ERROR,
                                          f"the text has a character the brochure's fonts lack "
                                          f"({err.message}); replace it in Word"))
    pictures = target.parent / "img" / section
    _write(root, target, markdown, result.pictures, pictures)
    shown_target = display_path(root, target)
    for note in result.notes:
        progress.report(Diagnostic(shown_target, marker_line(markdown, note), WARNING,
                                   f"Word {note}"))
    for line in result.report + unsupported(Path(path), markdown):
        progress.report(Diagnostic(shown, None, WARNING, line))
    listed = _listed(root, section)
    progress.info(f"{shown_target}: written from {shown} ({markdown.count(chr(10))} lines, "
                  f"{len(result.pictures)} pictures in {display_path(root, pictures)}/, "
                  f"{len(result.notes)} review notes)" +
                  ("" if listed else f"; add {{file: {section}}} to sections: in "
                                     f"{root.name}/publication.yaml to print it"))
    return 0


def _fail(progress, diagnostic) -> int:
    progress.report(diagnostic)
    progress.error("nothing was written; the content folder is unchanged")
    return EXIT_INPUT


def _target(root, section, lang, languages, force) -> Path:
    if not SECTION_NAME.fullmatch(section) or ".." in section:
        raise DocxError(None, f'--section "{section}": give a plain name of letters, digits, '
                              f'"-" and "_", e.g. 07-nowa-siec')
    if lang not in languages:
        raise DocxError(None, f"--lang {lang}: not a language of this publication "
                              f"({', '.join(languages)})")
    target = root / lang / f"{section}.md"
    if target.exists() and not force:
        raise DocxError(None, f"{display_path(root, target)} exists; add --force to replace "
                              f"its text (its front matter is kept)")
    return target


def _front_matter(root, target: Path, title: str) -> str:
    """The front matter of the section: the one it has (with the new title), or a new one."""
    value = writeback.yaml_scalar(title, "", False)
    if target.exists():
        text = read_text(target, display_path(root, target), root)
        _, _, body_line = split_front_matter(text, display_path(root, target))
        lines = text.split("\n")[:body_line - 1]
        lines = [f"title: {value}" if ln.startswith("title:") else ln for ln in lines]
        return "\n".join(lines) + "\n"
    return f"---\ntitle: {value}\nlayout: text\n---\n"


def _write(root, target, markdown, pictures, folder):
    """The pictures and the section, each through the sandbox of writing (content/source.py)."""
    for data, name in pictures:
        write_inside(root, folder / name, data, display_path(root, folder / name))
    write_inside(root, target, markdown.encode("utf-8"), display_path(root, target))


def _listed(root, section) -> bool:
    data, _ = load_yaml(root, "publication.yaml")
    return any(isinstance(s, dict) and s.get("file") == section
               for s in data.get("sections") or [])
