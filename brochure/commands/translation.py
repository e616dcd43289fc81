"""`translation export` and `translation import FILE`: the texts to translate as XLIFF 2,
XLIFF 1.2 or PO (translate/exchange.py), and a translated file written back into the content at
the recorded places (translate/writeback.py), marking those texts reviewed.

Each command checks everything first and writes nothing when something is wrong: one line
`file:line: error: what to fix` per problem, exit code 2.
"""
from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from .. import content
from ..content.source import display_path, parse_yaml, read_text, write_inside
from ..content.translation import HASH_LINE
from ..diagnostics import ERROR, INFO, Diagnostic
from ..errors import EXIT_INPUT, ContentError
from ..render.prose import COMPONENT_LINE
from ..translate import exchange, records, writeback
from ..translate.records import CURRENT, Entry
from ..translate.segments import (FRONT_MATTER_TEXTS, Code, codes, markdown_segments,
                                  required, shape)


def _units(root: Path, pub, target: str):
    return records.translated_files(root, [s.file for s in pub.sections], pub.languages[0],
                                    target, pub.languages)


def _shown(root, file):
    return (display_path(root, file.source_path), display_path(root, file.target_path))


# --- export --------------------------------------------------------------------------------

def export(content_dir, output, fmt="xliff2", everything=False, lang=None, progress=None) -> int:
    root = Path(content_dir)
    pub = content.load(root)
    target = lang or (pub.languages[1] if len(pub.languages) > 1 else None)
    if target not in pub.languages[1:]:
        raise ContentError(f"{root.name}/publication.yaml", 1,
                           f"--lang {target}: not a translated language of this publication "
                           f"(languages: {', '.join(pub.languages)})")
    files = _units(root, pub, target)
    chosen = [u for f in files for u in f.units if everything or u.state != CURRENT]
    shown = {f.name: _shown(root, f) for f in files}
    writer = {"xliff2": exchange.xliff2, "xliff1": exchange.xliff12, "po": exchange.po}[fmt]
    data = writer(chosen, shown, pub.languages[0], target)
    try:
        writeback.write_atomic(Path(output), data)
    except OSError as err:
        progress.report(Diagnostic(str(output), 1, ERROR, f"cannot write the file "
                                                          f"({err.strerror}); choose another"))
        return EXIT_INPUT
    counts: dict[str, int] = defaultdict(int)
    for unit in chosen:
        counts[unit.state] += 1
    summary = ", ".join(f"{n} {state}" for state, n in sorted(counts.items())) or "nothing to do"
    if progress:
        progress.info(f"{output}: {len(chosen)} units ({summary}) for translation into {target}")
    return 0


# --- import --------------------------------------------------------------------------------

class _Plan:
    """What an import will change, file by file, before anything is written."""

    def __init__(self):
        self.edits = defaultdict(list)          # path -> [(start, end, text)]
        self.reviewed = defaultdict(set)        # file name -> ids
        self.inserted = defaultdict(list)       # file name -> [(anchor unit id, unit)]
        self.report = []                        # (file, line, message)
        self.unchanged = self.skipped = 0


def import_(path, content_dir, progress) -> int:
    root = Path(content_dir)
    pub = content.load(root)
    shown_input = str(path)
    try:
        data = Path(path).read_bytes()
    except OSError as err:
        return _fail(progress, [Diagnostic(shown_input, 1, ERROR,
                                           f"cannot read the file ({err.strerror})")])
    try:
        reader = exchange.read_po if str(path).endswith((".po", ".pot")) else exchange.read_xliff
        source_lang, target_lang, incoming = reader(data)
    except exchange.ExchangeError as err:
        return _fail(progress, [Diagnostic(shown_input, err.line, ERROR, str(err))])
    problems = _languages(shown_input, source_lang, target_lang, pub)
    if problems:
        return _fail(progress, problems)
    files = {f.name: f for f in _units(root, pub, target_lang)}
    plan = _Plan()
    for item in incoming:
        problem = _plan_unit(root, files, item, plan)
        if problem:
            problems.append(Diagnostic(shown_input, item.line, ERROR, problem))
    if problems:
        return _fail(progress, problems)
    try:
        written = _write(root, files, plan, pub.languages[0], target_lang)
    except writeback.Unwritable as err:
        return _fail(progress, [Diagnostic(shown_input, 1, ERROR, str(err))])
    for file, line, message in plan.report:
        progress.report(Diagnostic(file, line, INFO, message))
    progress.info(f"{shown_input}: {sum(len(v) for v in plan.reviewed.values())} units marked "
                  f"reviewed, {len(plan.report)} written, {plan.unchanged} unchanged, "
                  f"{plan.skipped} not translated yet (left as they are); "
                  f"{len(written)} files changed" + (f": {', '.join(written)}" if written else ""))
    return 0


def _fail(progress, problems) -> int:
    for problem in problems:
        progress.report(problem)
    progress.error("nothing was written; the content folder is unchanged")
    return EXIT_INPUT


def _languages(shown, source_lang, target_lang, pub) -> list:
    found = []
    if source_lang != pub.languages[0]:
        found.append(Diagnostic(shown, 1, ERROR, f"the file translates from \"{source_lang}\"; "
                                                 f"this publication's source language is "
                                                 f"{pub.languages[0]}"))
    if target_lang not in pub.languages[1:]:
        found.append(Diagnostic(shown, 1, ERROR, f"the file translates into \"{target_lang}\", "
                                                 f"not a language of this publication "
                                                 f"({', '.join(pub.languages[1:])})"))
    return found


def _plan_unit(root, files, item, plan) -> str | None:
    """Check one incoming unit and plan its writing; the problem as a message, or None."""
    file = files.get(item.name)
    if file is None:
        return f'unknown file "{item.name}": the publication has no such text; export again'
    unit = next((u for u in file.units if u.id == item.id), None)
    if unit is None:
        return f'unknown unit "{item.id}" of {item.name}; export again'
    source_at = f"{display_path(root, file.source_path)}:{unit.source.line}"
    if not file.target_path.exists():
        return (f"{display_path(root, file.target_path)} does not exist yet: copy "
                f"{display_path(root, file.source_path)} to it, then import again (the "
                f"import replaces its texts)")
    if shape(item.source) != shape(unit.source.parts):
        return (f"unit {unit.full_id}: its Polish text changed since the file was exported "
                f"(now {source_at}); export again and translate the new text")
    if item.target is None or not "".join(p for p in item.target if isinstance(p, str)).strip():
        plan.skipped += 1
        return None
    current = exchange.target_parts(unit)
    problem = _check_codes(unit, item.target, current)
    if problem:
        return f"unit {unit.full_id}: {problem}"
    if current is not None and shape(item.target) == shape(current):
        if item.confirmed:
            plan.reviewed[file.name].add(unit.id)
        else:
            plan.unchanged += 1
        return None
    try:
        _plan_text(root, file, unit, item.target, current, plan)
    except writeback.Unwritable as err:
        return f"unit {unit.full_id}: {err}"
    plan.reviewed[file.name].add(unit.id)
    return None


def _check_codes(unit, target, current) -> str | None:
    source = {(c.id, c.kind) for c in codes(unit.source.parts)}
    pairs = {c.id for c in codes(target) if c.kind == "open"} ^ \
        {c.id for c in codes(target) if c.kind == "close"}
    if pairs:
        return f"placeholder {sorted(pairs)[0]} is opened or closed only once"
    extra = {(c.id, c.kind) for c in codes(current or ()) if c.id.startswith("x")}
    seen = [(c.id, c.kind) for c in codes(target)]
    for code in seen:
        if code not in source | extra:
            return f"placeholder {code[0]} is not in the source; remove it"
        if seen.count(code) > 1:
            return f"placeholder {code[0]} appears twice; keep it once"
    needed = {(c.id, c.kind) for c in codes(unit.source.parts) if required(c)}
    missing = sorted({c[0] for c in needed - set(seen)})
    if missing:
        legend = {c.id: c.what for c in codes(unit.source.parts)}
        return ("placeholders missing: " + ", ".join(f"{m} ({legend[m]})" for m in missing)
                + "; keep every placeholder of the source")
    return None


def _plan_text(root, file, unit, target, current, plan) -> None:
    markdown_of = {(c.id, c.kind): c.markdown for c in codes(unit.source.parts)}
    markdown_of.update({(c.id, c.kind): c.markdown for c in codes(current or ())})
    parts = tuple(Code(p.id, p.kind, markdown_of[(p.id, p.kind)], "") if isinstance(p, Code)
                  else p for p in target)
    kind = unit.source.kind
    indent = unit.target.indent if unit.target else unit.source.indent
    text = _serialise(parts, kind, indent)
    if file.markdown:
        writeback.check_markdown(text, kind, parts)
    display_target = display_path(root, file.target_path)
    if not file.markdown:
        scalar = writeback.yaml_scalar(text, unit.target.style, True)
        plan.edits[file.target_path].append((*unit.target.span, scalar))
        plan.report.append((display_target, unit.target.line, f"{unit.full_id} updated"))
    elif unit.target is not None:
        if unit.target.span is None:
            raise writeback.Unwritable(f"its place in {display_target} cannot be found; edit "
                                       f"line {unit.target.line} by hand")
        if kind in ("title", "running-head"):
            text = writeback.yaml_scalar(text, unit.target.style, False)
        plan.edits[file.target_path].append((*unit.target.span, text))
        plan.report.append((display_target, unit.target.line, f"{unit.full_id} updated"))
    else:
        anchor = _anchor(file, unit, plan)
        plan.inserted[file.name].append((anchor, unit, text))
        plan.report.append((display_target, None, f"{unit.full_id} inserted (new in "
                                                  f"{display_path(root, file.source_path)}:"
                                                  f"{unit.source.line}); check its place"))


def _serialise(parts, kind, indent) -> str:
    """The unit's text as written in its file (codes keyed by id and kind: a pair's two
    codes share an id)."""
    markdown_of: dict[str, str] = {}
    numbered: list[str | Code] = []
    for part in parts:
        if isinstance(part, str):
            numbered.append(part)
        else:
            key = f"{part.id}:{part.kind}"
            markdown_of[key] = part.markdown
            numbered.append(Code(key, part.kind, part.markdown, ""))
    return writeback.markdown_text(numbered, kind, markdown_of, indent)


def _anchor(file, unit, plan):
    """The unit after whose text a new one goes: the nearest one before it that has a
    translation (or is being inserted); None: the start of the body."""
    index = file.units.index(unit)
    inserted = {u.id for _, u, _ in plan.inserted[file.name]}
    for before in reversed(file.units[:index]):
        if before.target is not None or before.id in inserted:
            return before
    return None


def _write(root, files, plan, source_lang, target_lang) -> list[str]:
    """Apply the plan in memory, check the results, then write every changed file."""
    paths = set(plan.edits) | {files[n].target_path for n in plan.inserted}
    paths |= {files[n].target_path for n in plan.reviewed if files[n].markdown}
    # as records read it (the spans count no BOM, no CR, no pasted invisible character)
    originals = {path: read_text(path, display_path(root, path), root) for path in paths}
    edits = {path: list(plan.edits.get(path, [])) for path in paths}
    for name, inserts in plan.inserted.items():
        # placed in the original text, where the recorded spans are, with the changed texts
        path = files[name].target_path
        edits[path] += _insertions(files[name], originals[path], inserts)
    outputs = {path: writeback.apply(originals[path], edits[path]) for path in paths}
    for name in plan.reviewed:
        file = files[name]
        if file.markdown:
            outputs[file.target_path] = HASH_LINE.sub("", outputs[file.target_path], 1)
        entries = _entries(file, plan, name)
        path = records.record_path(root, target_lang, name)
        outputs[path] = records.record_text(entries, target_lang, source_lang, name)
    for path, text in outputs.items():
        _verify(root, path, text, source_lang, target_lang)
    written = []
    for path, text in outputs.items():
        shown = display_path(root, path)
        if path.exists() and not path.is_symlink() and read_text(path, shown, root) == text:
            continue
        write_inside(root, path, text.encode("utf-8"), shown)     # the sandbox of writing
        written.append(shown)
    return sorted(written)


def _insertions(file, text, inserts) -> list[tuple[int, int, str]]:
    """The new texts as edits of the translation's text: the line breaks after each one's
    anchor become the new blocks, set off from their neighbours as the source sets them off
    (one blank line between blocks, a line break between the items of a tight list)."""
    polish = file.source_path.read_text(encoding="utf-8")
    spans = {u.id: u.target.span for u in file.units if u.target is not None}
    placed: dict[str, int] = {}
    groups: dict[int, list] = defaultdict(list)       # several blocks at one place: in order
    for anchor, unit, english in inserts:
        start, end = unit.source.span
        line_start = polish.rfind("\n", 0, start) + 1
        block_end = writeback.block_end(polish, end)
        block = polish[line_start:start] + english + polish[end:block_end]
        at = _place(polish, text, anchor, unit, line_start, spans, placed)
        placed[unit.id] = at
        groups[at].append((_gap_before(polish, line_start), block,
                           _gap_after(polish, block_end)))
    edits = []
    for at, group in groups.items():
        breaks_end = writeback.line_breaks_end(text, at)
        new = group[0][0]
        for _, block, after in group[:-1]:
            new += block + after
        # at the end of the file, the file's own ending
        ending = group[-1][2] if text[breaks_end:].strip() else text[at:breaks_end]
        edits.append((at, breaks_end, new + group[-1][1] + ending))
    return edits


def _place(polish, text, anchor, unit, line_start, spans, placed) -> int:
    """Where in the translation a new block goes: the end of its anchor's block, past the
    component lines that follow the anchor in both languages; a new text of the body with no
    anchor in the body goes at the start of the body."""
    if anchor is not None and anchor.id in placed:
        return placed[anchor.id]
    in_front_matter = unit.source.kind in FRONT_MATTER_TEXTS
    if anchor is None and in_front_matter:
        return text.index("\n")                 # after the front matter's first line
    if anchor is None or (anchor.source.kind in FRONT_MATTER_TEXTS and not in_front_matter):
        at, anchor_end = _body_start(text), _body_start(polish)
    else:
        at = writeback.block_end(text, spans[anchor.id][1])
        anchor_end = anchor.source.span[1]
    return _after_components(polish, anchor_end, line_start, text, at)


def _body_start(text) -> int:
    """The end of the line that closes the front matter."""
    return text.index("\n---", 3) + 4


def _gap_before(polish, line_start) -> str:
    return _gap(polish[len(polish[:line_start].rstrip()):line_start])


def _gap_after(polish, block_end) -> str:
    rest = polish[block_end:]
    return _gap(rest[:len(rest) - len(rest.lstrip())])


def _gap(whitespace) -> str:
    """One blank line where the source has one or more between two blocks, else a line
    break."""
    return "\n\n" if whitespace.count("\n") > 1 else "\n"


def _after_components(polish, anchor_end, new_start, text, at) -> int:
    """Past the component lines ([[map]]) that stand between the anchor and the new text in
    the source, where the translation has them right after the anchor too."""
    for line in polish[anchor_end:new_start].split("\n"):
        if not COMPONENT_LINE.fullmatch(line):
            continue
        found = text.find("\n" + line, at)
        between = text[at:found] if found >= 0 else "x"
        if all(not ln.strip() or COMPONENT_LINE.fullmatch(ln) for ln in between.split("\n")):
            at = writeback.block_end(text, found + 1)
    return at


def _entries(file, plan, name) -> list:
    reviewed = plan.reviewed[name]
    entries = records.entries_now(file, reviewed)
    if not file.markdown:
        return entries
    after = defaultdict(list)
    for anchor, unit, _ in plan.inserted[name]:
        after[anchor.id if anchor else None].append(
            Entry(unit.id, unit.source.kind, unit.source.hash, unit.source.source))

    def following(anchor_id):          # an inserted unit may anchor another
        found = []
        for entry in after.get(anchor_id, []):
            found += [entry] + following(entry.id)
        return found

    out = following(None)
    for entry in entries:
        out += [entry] + following(entry.id)
    return out


def _verify(root, path, text, source_lang, target_lang) -> None:
    """The file as it will be written must read back (a failure here is a bug)."""
    shown = display_path(root, path)
    try:
        if path.suffix == ".md":
            markdown_segments(text, shown)
        else:
            parse_yaml(text, shown)
    except ContentError as err:
        raise writeback.Unwritable(f"{shown}: the result would not read back ({err}); "
                                   f"nothing was written") from None


# --- the command line ------------------------------------------------------------------------

def add_parsers(commands, shared) -> None:
    """`translation export|import` and `import FILE.docx` (cli.py registers them here)."""
    translation = commands.add_parser("translation", parents=[shared],
                                      help="exchange files for translators: export, import")
    actions = translation.add_subparsers(dest="action", metavar="ACTION", required=True)
    out = actions.add_parser("export", parents=[shared],
                             help="the new and stale texts (or --all) as XLIFF 2, XLIFF 1.2 or PO")
    out.add_argument("--all", action="store_true", dest="everything",
                     help="every text, not only the new and stale ones")
    out.add_argument("--format", choices=exchange.FORMATS, default="xliff2")
    out.add_argument("--lang", help="the language to translate into (default: the second "
                                    "of publication.yaml's languages)")
    out.add_argument("-o", "--output", required=True, metavar="FILE", dest="exchange_file",
                     help="the file to write")
    back = actions.add_parser("import", parents=[shared],
                              help="write a translated XLIFF or PO file back into the content")
    back.add_argument("file", metavar="FILE", help="the translated .xlf, .xliff or .po file")
    word = commands.add_parser("import", parents=[shared],
                               help="a Word document (.docx) as the Markdown of a section")
    word.add_argument("file", metavar="FILE.docx")
    word.add_argument("--section", required=True, metavar="NAME",
                      help="the section's file name, e.g. 03-siec-cyfrowa")
    word.add_argument("--lang", required=True, metavar="CODE", help="the document's language")
    word.add_argument("--force", action="store_true",
                      help="replace the section's Markdown if it exists")


def run(args, progress) -> int:
    if args.command == "import":
        from . import word
        return word.run(args.file, args.content, args.section, args.lang, args.force,
                        progress)
    if args.action == "export":
        return export(args.content, args.exchange_file, args.format, args.everything,
                      args.lang, progress)
    return import_(args.file, args.content, progress)
