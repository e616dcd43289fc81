"""`check`: everything that can be known about the content without typesetting.

One `file:line: level: message` line per finding (a diagnostics.Diagnostic; level: error,
warning or info), then a summary line. The exit code is 2 when there is an error (as for every
command), 0 with warnings only. The checks:

1. schema (content.load), 2. translations (translation.problems), 3. missing data
(content.gaps), 4. spelling with hunspell (words in content/wordlist.txt and the place
names of the data are accepted in any language), 5. typography of the source texts: what the
typography pass cannot fix, 6. Markdown markup left as text (an unclosed `**`, a link without
its ")": errors, as in the build), 7. what a word processor leaves in pasted text: the
characters the build removes (soft hyphens, zero-width spaces, manual line breaks) and quotes
of another language whose meaning is unclear, each with its line and column.
"""
from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from .. import content
from ..content import translation
from ..content import source
from ..content.gaps import missing_data
from .. import diagnostics
from ..diagnostics import ERROR, INFO, PLAN_OVERRUN, WARNING, Diagnostic, count
from ..errors import EXIT_INPUT, ContentError, TypesetError
from ..languages import get as get_language
from ..render import prose, typography
from ..translate import staleness

WORDLIST = "wordlist.txt"
SUGGESTIONS = 3           # hunspell suggestions shown per unknown word


@dataclass
class Text:
    """A paragraph (Markdown) or a text (data) in one language; lines[i] is on line + i."""
    file: str
    line: int
    lang: str
    lines: list
    raw: str | None = None     # a text of the data as written (its quotes are checked)


def run(content_dir, progress, layout=True, final=False) -> int:
    """Print every finding and a summary; with final, the sign-off before printing: the gaps
    of the page plan and of the data are errors."""
    findings = check(Path(content_dir), layout, progress)
    if final:
        findings = diagnostics.final(findings)
    for finding in findings:
        progress.report(finding)
    errors, warnings = count(findings, ERROR), count(findings, WARNING)
    progress.info(f"check: {errors} errors, {warnings} warnings")
    return EXIT_INPUT if errors else 0


def check(root: Path, layout=False, progress=None) -> list:
    """Every finding about the content in `root`, as Diagnostics.
    With layout, the editions in one language are also typeset, their page plan shown and
    their layout linted (with progress, each page's figures are told as details)."""
    try:
        pub = content.load(root)
        texts = markdown_texts(pub) + data_texts(root, pub.languages)
    except ContentError as err:
        return [err.diagnostic]
    findings = (markup_lint(pub) + translation.problems(pub) + staleness.problems(pub)
                + missing_data(pub)
                + spelling(texts, read_wordlist(root / WORDLIST, root) + place_names(pub),
                           pub.languages)
                + typography_lint(texts) + quote_lint(pub, texts) + pasted_lint(root, pub))
    if layout and not count(findings, ERROR):
        findings += layout_lint(pub, progress)
    return findings


def layout_lint(pub, progress=None) -> list:
    """Lay out each edition in one language as the build does (the page plan and its
    tolerances) and report its plan, one line per section, and what lint finds."""
    from ..build import pipeline
    from ..content.editions import select
    from ..render import html as render
    from ..typeset import lint, pdf as typeset, pictures

    found, pictured = [], set()      # a picture is named once, by the first edition
    env = render.environment(pub.theme)
    for edition in (e for e in select(pub.editions) if len(e.languages) == 1 and not e.print):
        try:
            job = pipeline.edition_job(pub, edition, env)
            document, plan = typeset.lay_out_planned(job.html, job.planned, job.tolerances,
                                                     pub.root, pub.theme)
        except (TypesetError, ContentError) as err:
            found.append(err.diagnostic if isinstance(err, ContentError)
                         else Diagnostic(edition.pdf, None, ERROR, str(err)))
            continue
        found += plan_lines(plan, edition) + lint.lint(document, plan, edition.pdf)
        blurred, oversized = pictures.problems(pictures.placements(document), edition.size)
        found += [d for d in blurred + oversized if (d.file, d.line) not in pictured]
        pictured |= {(d.file, d.line) for d in blurred + oversized}
        if progress is not None:
            for figures in lint.page_figures(document):
                progress.detail(f"{edition.pdf}: {figures.summary()}")
    return found


def plan_lines(plan, edition) -> list:
    """The page plan of an edition, a line per section: pages planned and taken, where, how
    full its last page is, the tolerance that fitted it; an overrun is a warning."""
    found = []
    for placed in plan.placed:
        last = placed.first + placed.pages - 1
        where = f"page {placed.first}" if last == placed.first else \
            f"pages {placed.first}–{last}"
        planned = placed.planned.pages
        text = (f"{edition.pdf} ({edition.size}): {planned or 'no'} planned, {placed.pages} "
                f"taken ({where}), its last page {placed.fill:.0%} full")
        if placed.fit:
            text += f"; fitted with the tolerance {' + '.join(placed.fit)}"
        if placed.over:
            found.append(Diagnostic(placed.planned.file, None, WARNING, text + (
                f"; {placed.over} over: the tolerances {', '.join(placed.tried)} did not fit "
                f"it" if placed.tried else f"; {placed.over} over"), PLAN_OVERRUN))
        else:
            found.append(Diagnostic(placed.planned.file, None, INFO, text))
    return found


# --- pasted text and markup ---------------------------------------------------------------

def markup_lint(pub) -> list:
    """Emphasis and links that markdown-it leaves as text: the build's errors, all of them."""
    found = []
    for section in pub.sections:
        for lang in pub.languages:
            found += [Diagnostic(pub.text_file(section, lang), section.body_lines[lang] + line,
                                 ERROR, message)
                      for line, message in prose.markup_problems(section.bodies[lang])]
    return found


def quote_lint(pub, texts) -> list:
    """Curly quotes of another language that the build cannot convert: in the Markdown at
    their line and column, in the data at the line of their text."""
    found = []
    for section in pub.sections:
        for lang in pub.languages:
            lines = section.bodies[lang].split("\n")
            for i, line in enumerate(lines):
                found += [_unclear_quote(pub.text_file(section, lang), section.body_lines[lang] + i,
                                         line[at], f"column {at + 1}", lang)
                          for at in typography.unclear_quotes(line, lang)]
    for text in (t for t in texts if t.raw is not None):
        found += [_unclear_quote(text.file, text.line + text.raw.count("\n", 0, at), text.raw[at],
                                 f"character {at + 1} of the {text.lang} text", text.lang)
                  for at in typography.unclear_quotes(text.raw, text.lang)]
    return found


def _unclear_quote(file, line, quote, where, lang) -> Diagnostic:
    opening, closing = get_language(lang).quotes[0], get_language(lang).quotes[1]
    return Diagnostic(file, line, WARNING, f"the quote {quote} ({where}) is not a {lang} quote "
                                           f"and its place does not say whether it opens or "
                                           f"closes; write {opening}…{closing} or a straight \"")


def pasted_lint(root: Path, pub) -> list:
    """The characters of pasted text that the build removes or makes a space, where they
    stand in the files (one warning a line)."""
    files = [root / "publication.yaml", root / "labels.yaml", root / WORDLIST]
    files += sorted((root / "data").glob("*.yaml"))
    files += [root / lang / f"{s.file}.md" for s in pub.sections for lang in pub.languages]
    found = []
    for path in files:
        if not path.is_file():
            continue
        display = source.display_path(root, path)
        per_line: dict[int, list[str]] = {}
        for line, column, what in source.pasted_characters(
                source.decoded_text(path, display, root)):
            per_line.setdefault(line, []).append(f"{what} at column {column}")
        found += [Diagnostic(display, line, WARNING, f"{'; '.join(items)}: pasted from a word "
                                                     f"processor? the build removes it (a line "
                                                     f"break becomes a space); delete it here")
                  for line, items in per_line.items()]
    return found


# --- the texts ----------------------------------------------------------------------------

HIDDEN = "§"               # stands for a URL or code: not a word, not a space


def paragraphs(file, lang, body, first_line) -> list:
    """The prose of a Markdown body as the build parses it (brochure/prose.py), one Text per
    paragraph, heading, list item, box title or table cell, each line at its line; no markup,
    URLs and code as HIDDEN, [[component]] lines left out."""
    blocks = []
    for token in prose.tokens(body):
        if token.type != "inline" or prose.COMPONENT.fullmatch(token.content):
            continue
        lines = prose_lines(token.children or [])
        if any(line.strip() for line in lines):
            blocks.append(Text(file, first_line + prose.source_line(token), lang, lines))
    return blocks


def prose_lines(children) -> list:
    """The lines of text of one inline token's children."""
    lines, hidden = [""], False
    for child in children:
        if child.type in ("softbreak", "hardbreak"):
            lines.append("")
        elif child.type == "link_open" and child.markup == "autolink":
            hidden = True                          # <https://...>: the URL is the text
            lines[-1] += HIDDEN
        elif child.type == "link_close":
            hidden = False
        elif child.type == "code_inline":
            lines[-1] += HIDDEN
        elif child.type == "text" and not hidden:
            lines[-1] += typography.PROTECTED.sub(HIDDEN, child.content)
    return lines


def markdown_texts(pub) -> list:
    """The titles and bodies of content/<lang>/*.md."""
    texts = []
    for section in pub.sections:
        for lang in pub.languages:
            file = pub.text_file(section, lang)
            meta = section.meta[lang]
            texts.append(Text(file, meta.key_lines["title"], lang, [str(meta["title"])]))
            texts += paragraphs(file, lang, section.bodies[lang], section.body_lines[lang])
    return texts


def data_texts(root: Path, languages) -> list:
    """Every language-keyed text ({pl: ..., en: ...}) of publication.yaml and data/*.yaml."""
    texts = []
    for path in [root / "publication.yaml"] + sorted((root / "data").glob("*.yaml")):
        display = f"{root.name}/{path.relative_to(root).as_posix()}"
        data = source.parse_yaml(source.read_text(path, display, root), display)
        for line, lang, text in keyed_texts(data, languages):
            shown = typography.PROTECTED.sub(HIDDEN, text)
            texts.append(Text(display, line, lang, shown.split("\n"), text))
    return texts


def keyed_texts(node, languages):
    """(line, lang, text) of every {pl: ..., en: ...} mapping in a parsed YAML tree."""
    if isinstance(node, source.Map):
        if node and set(node) <= set(languages) \
                and all(isinstance(v, str) for v in node.values()):
            for lang in languages:
                if lang in node:
                    yield node.key_lines[lang], lang, node[lang]
            return
        node = list(node.values())
    if isinstance(node, list):
        for item in node:
            yield from keyed_texts(item, languages)


# --- spelling -----------------------------------------------------------------------------

def place_names(pub) -> list:
    """The names of places in the data, known words to the spelling check: every city of
    cities.yaml (candidates too) and every place of the timeline, as a whole ("Ruda Śląska")
    and word by word ("Międzyrzec" of "Zielony Międzyrzec")."""
    names = [c.name for c in pub.cities + pub.candidates]
    names += [place.strip() for e in pub.events if e.place
              for text in e.place.values() for place in text.split(",")]
    words = [w for name in names for w in name.split() if w[:1].isupper()]
    return sorted({n for n in names + words if n and not n.islower()})


def read_wordlist(path: Path, root=None) -> list:
    """The accepted words: one a line, `#` starts a comment. No file: no words."""
    if not path.is_file() and not path.is_symlink():
        return []
    lines = source.read_text(path, str(path), root).split("\n")
    return [w for w in (line.split("#", 1)[0].strip() for line in lines) if w]


def wordlist_pattern(words):
    """A regex matching the listed words; a lower-case entry matches in any case."""
    exact = sorted((re.escape(w) for w in words if not w.islower()), key=len, reverse=True)
    anycase = sorted((re.escape(w) for w in words if w.islower()), key=len, reverse=True)
    parts = ([f"(?:{'|'.join(exact)})"] if exact else []) + \
            ([f"(?i:{'|'.join(anycase)})"] if anycase else [])
    return re.compile(rf"(?<!\w)(?:{'|'.join(parts)})(?!\w)") if parts else None


def spelling(texts, words, languages) -> list:
    """Unknown words of every text, one hunspell process per language."""
    if shutil.which("hunspell") is None:
        return [Diagnostic("check", None, WARNING, "hunspell not installed; spelling skipped")]
    accepted = wordlist_pattern(words)
    found = []
    for lang in languages:
        lines = [(t.file, t.line + i, line) for t in texts if t.lang == lang
                 for i, line in enumerate(t.lines)]
        masked = [accepted.sub(lambda m: " " * len(m.group()), ln) if accepted else ln
                  for _, _, ln in lines]
        dictionary = get_language(lang).hunspell
        results = hunspell(dictionary, masked)
        if results is None:
            found.append(Diagnostic("check", None, WARNING, f"hunspell {dictionary} dictionary "
                                                            f"not installed; spelling of {lang} "
                                                            f"skipped"))
            continue
        for (file, number, _), misses in zip(lines, results):
            found += [unknown_word(file, number, lang, word, hints) for word, hints in misses]
    return found


def unknown_word(file, line, lang, word, hints) -> Diagnostic:
    message = f'unknown word "{word}" ({lang})'
    return Diagnostic(file, line, WARNING, message + (
        f"; did you mean: {', '.join(hints[:SUGGESTIONS])}?" if hints else ""))


def hunspell(dictionary, lines):
    """For each line, its unknown words as (word, suggestions); None without the dictionary."""
    # '^' makes hunspell read each line as text, never as a command.
    feed = "".join("^" + line.replace("’", "'") + "\n" for line in lines)
    proc = subprocess.run(["hunspell", "-d", dictionary, "-i", "utf-8", "-a"], input=feed,
                          capture_output=True, text=True, encoding="utf-8")
    if proc.returncode != 0 or "Can't open" in proc.stderr:
        return None
    return parse_pipe(proc.stdout, len(lines))


def parse_pipe(output: str, count: int) -> list:
    """hunspell -a output: a banner, then per input line its results and a blank line."""
    groups: list[list[tuple[str, list[str]]]] = []
    current: list[tuple[str, list[str]]] = []      # (misspelt word, suggestions) of one line
    for row in output.split("\n")[1:]:
        if not row:
            groups.append(current)
            current = []
        elif row[0] == "&":                       # & word count offset: hint, hint
            head, _, hints = row.partition(": ")
            current.append((head.split(" ")[1], hints.split(", ")))
        elif row[0] == "#":                       # # word offset (no suggestions)
            current.append((row.split(" ")[1], []))
    if len(groups) < count:
        raise RuntimeError(f"hunspell answered {len(groups)} of {count} lines")
    return groups[:count]


# --- typography ---------------------------------------------------------------------------

_DOUBLE_SPACE = re.compile(r"\S+ {2,}\S+")
# A space before , . ; : ! ? ) -- not before an ellipsis "..." (the build makes it "…").
_SPACE_BEFORE = re.compile(r"\S+[ \t]+(?:[,;:!?)]|\.(?!\.\.))")
_NB = "[ \u00a0]"
# After smarten(): a hyphen still between two numbers ("2021 -2023", "10- 12") ...
_NUMBER_RANGE = re.compile(rf"(?<![\w.,\-–])\d+(?:[.,]\d+)*(?:{_NB}+-|-{_NB}+)\d+(?![\w\-])")
# ... or between two months ("styczeń-marzec", "luty 2022-marzec 2023").
_MONTH_RANGE: dict[str, re.Pattern[str]] = {}   # lang -> pattern, made when a language is first checked


def _month_range(lang: str):
    if lang not in _MONTH_RANGE:
        m = typography.months(lang)
        _MONTH_RANGE[lang] = re.compile(rf"(?<!\w){m}(?:{_NB}\d{{4}})?{_NB}*-{_NB}*{m}(?!\w)")
    return _MONTH_RANGE[lang]
# "i)", "ii)", "a)", "1)" with no "(" open: an enumeration label, not a closing parenthesis.
_LABEL = re.compile(r"(?<!\S)(?:[ivx]+|[a-z]|\d+)\)")


def typography_lint(texts) -> list:
    found = []
    for text in texts:
        for i, line in enumerate(text.lines):
            found += [Diagnostic(text.file, text.line + i, WARNING, m)
                      for m in line_problems(line, text.lang)]
        found += [Diagnostic(text.file, text.line + i, WARNING, m)
                  for i, m in balance_problems(text.lines)]
    return found


def line_problems(line: str, lang: str) -> list:
    """Double spaces, spaces before punctuation and ranges the build leaves with a hyphen."""
    problems = [f'double space in "{m.group()}"' for m in _DOUBLE_SPACE.finditer(line)]
    problems += [f'space before "{m.group()[-1]}" in "{m.group()}"'
                 for m in _SPACE_BEFORE.finditer(line)]
    smart = typography.smarten(line, lang)
    for rx in (_NUMBER_RANGE, _month_range(lang)):
        problems += [f'hyphen in the range "{m.group()}"; write an en dash (–) or put '
                     f'spaces on both sides of the hyphen'
                     for m in rx.finditer(smart.replace("\u00a0", " "))]
    return problems


def balance_problems(lines) -> list:
    """(line index, message) for parentheses and quotes left open or never opened."""
    text = "\n".join(lines)
    labels = {m.end() - 1 for m in _LABEL.finditer(text)}
    problems = []
    for opening, closing in (("(", ")"), ("„“", "”")):
        opened = []
        for pos, ch in enumerate(text):
            if ch in opening:
                opened.append(pos)
            elif ch in closing and opened:
                opened.pop()
            elif ch in closing and pos not in labels:
                problems.append((pos, f'"{ch}" closes nothing'))
        problems += [(pos, f'"{text[pos]}" is never closed') for pos in opened]
    straight = [pos for pos, ch in enumerate(text) if ch == '"']
    if len(straight) % 2:
        problems.append((straight[-1], 'odd number of straight quotes (") in the paragraph'))
    return [(text.count("\n", 0, pos), message) for pos, message in sorted(problems)]
