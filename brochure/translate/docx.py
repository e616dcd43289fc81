"""A Word document as a section's Markdown (`import FILE.docx`: commands/word.py).

pandoc (the binary inside the pypandoc-binary wheel) reads the document into its AST with every
tracked change and comment kept; this module then fits the AST to the content model and lets
pandoc write GitHub-flavoured Markdown, which is what render/prose.py reads (CommonMark + tables):

- the first heading is the section's title, the others `###` and below;
- pictures are copied into the section's image folder, `img/NAME/`, their Word alt text being
  the required description (a picture without one is an error) and the Word caption the caption;
- footnotes become superscript numbers and a `!!! note` box of notes at the section's end;
- tracked changes are applied as Word's "all markup" view shows them (insertions kept,
  deletions removed) and, like comments, each leaves a `<!-- word: ... -->` line after its
  block, which `check` and the build report as a warning until an editor deletes it;
- Word typography is normalised to what the content model expects: plain quotes (the build
  sets „…” / “…”), no soft hyphens, plain spaces for no-break spaces (the build sets its own),
  manual line breaks and empty paragraphs removed;
- what cannot be carried (text boxes, SmartArt, charts, colours, page headers) is reported.
"""
from __future__ import annotations

import json
import re
import tempfile
import zipfile
from pathlib import Path

from ..diagnostics import WARNING, Diagnostic

MARKER = re.compile(r"^[ \t]*<!-- word: (.*) -->[ \t]*$")
QUOTES = str.maketrans({"„": '"', "”": '"', "“": '"', "«": '"', "»": '"', "‘": "'", "’": "'",
                        "‚": "'", "\u00ad": None, "\u00a0": " ", "\u202f": " ", "\u2007": " ",
                        "\t": " "})
NOTES_TITLE = {"pl": "Przypisy", "en": "Notes"}
PICTURE_TYPES = {".png", ".jpg", ".jpeg", ".gif", ".svg"}


class DocxError(Exception):
    def __init__(self, block, message):
        super().__init__(message)
        self.block = block or 1          # the block (paragraph) of the document; 1: the whole


# --- the conversion ------------------------------------------------------------------------

class Result:
    def __init__(self):
        self.title, self.markdown = "", ""
        self.pictures = []          # (the picture's bytes, its name in img/SECTION/)
        self.notes = []             # the review notes, as written in the markers
        self.report = []            # what was normalised or left out


def convert(path: Path, shown: str, section: str, lang: str) -> Result:
    import pypandoc

    if not zipfile.is_zipfile(path):
        raise DocxError(None, "not a Word document (.docx); save it from Word as .docx")
    with tempfile.TemporaryDirectory() as media:
        try:
            ast = json.loads(pypandoc.convert_file(
                str(path), "json", format="docx",
                extra_args=["--track-changes=all", f"--extract-media={media}"]))
        except RuntimeError as err:
            raise DocxError(None, f"pandoc cannot read the document: {err}") from None
        fitter = _Fitter(section, lang, media)
        ast["blocks"] = fitter.blocks(ast["blocks"])
        result = fitter.result
        result.markdown = _gfm(ast) + fitter.notes_box(_gfm)
        # read before the folder goes
        result.pictures = [(Path(source).read_bytes(), name) for source, name in result.pictures]
    return result


def _gfm(ast) -> str:
    import pypandoc

    return pypandoc.convert_text(json.dumps(ast), "gfm", format="json",
                                 extra_args=["--wrap=none"])


def _text(inlines) -> str:
    """The plain text of pandoc inlines."""
    out = []
    for item in inlines:
        kind, value = item["t"], item.get("c")
        if kind == "Str":
            out.append(value)
        elif kind in ("Space", "SoftBreak", "LineBreak"):
            out.append(" ")
        elif kind in ("Emph", "Strong", "Underline", "Strikeout", "Superscript", "Subscript",
                      "SmallCaps"):
            out.append(_text(value))
        elif kind in ("Span", "Link", "Quoted"):
            out.append(_text(value[1] if kind != "Quoted" else value[1]))
        elif kind == "Code":
            out.append(value[1])
    return "".join(out)


class _Fitter:
    """Walks pandoc's blocks and fits them to the content model."""

    def __init__(self, section, lang, media):
        self.section, self.lang, self.media = section, lang, media
        self.result = Result()
        self.block = 0              # the number of the top-level block (paragraph), for messages
        self.footnotes = []
        self.counts = {"quotes": 0, "soft hyphens": 0, "no-break spaces": 0,
                       "manual line breaks": 0}
        self.level = None
        self.pending = []           # review notes of the block being read

    def blocks(self, blocks) -> list:
        out = []
        for block in blocks:
            self.block += 1
            fitted = self._block(block, top=True)
            out += fitted
            for note in self.pending:
                self.result.notes.append(note)
                out.append({"t": "RawBlock", "c": ["html", f"<!-- word: {note} -->"]})
            self.pending = []
        if not self.result.title:
            raise DocxError(1, "the document has no heading to take the section's title from; "
                               "give its first line the Word style Heading 1")
        self._report_counts()
        return out

    def _block(self, block, top=False) -> list:
        kind, value = block["t"], block.get("c")
        if kind == "Header":
            return self._header(value)
        if kind in ("Para", "Plain"):
            inlines = self._inlines(value)
            if not _text(inlines).strip() and not any(i["t"] == "Image" for i in inlines):
                return []
            return [{"t": kind, "c": inlines}]
        if kind == "Figure":
            return self._figure(value)
        if kind in ("BulletList",):
            return [{"t": kind, "c": [self._items(item) for item in value]}]
        if kind == "OrderedList":
            return [{"t": kind, "c": [value[0], [self._items(item) for item in value[1]]]}]
        if kind == "Table":
            return [self._table(block)]
        if kind == "BlockQuote":
            return [{"t": kind, "c": self._items(value)}]
        if kind == "Div":
            return self._items(value[1])
        if kind in ("HorizontalRule", "CodeBlock"):
            return [block]
        self.result.report.append(f"block {self.block}: a {kind} block was left out")
        return []

    def _items(self, blocks) -> list:
        return [b for block in blocks for b in self._block(block)]

    def _header(self, value) -> list:
        level, _, inlines = value
        text = _text(self._inlines(inlines)).strip()
        if not text:
            return []
        if not self.result.title:
            self.result.title, self.level = " ".join(text.split()), level
            return []
        depth = min(6, max(3, 3 + level - self.level - 1))
        return [{"t": "Header", "c": [depth, ["", [], []], self._inlines(inlines)]}]

    def _figure(self, value) -> list:
        _, (_, caption_blocks), body = value
        caption = " ".join(_text(b["c"]) for b in caption_blocks
                           if b["t"] in ("Para", "Plain")).strip()
        images = [i for b in body if b["t"] in ("Para", "Plain") for i in b["c"]
                  if i["t"] == "Image"]
        out = []
        for image in images:
            out.append({"t": "Para", "c": [self._image(image, caption)]})
        return out

    def _image(self, image, caption=None) -> dict:
        attr, alt, (src, title) = image["c"]
        description = " ".join(_text(alt).translate(QUOTES).split())
        source = Path(src)
        number = len(self.result.pictures) + 1
        if not description or description == source.name:
            raise DocxError(self.block, f"picture {number} (block {self.block}) has no "
                                        f"description: in Word, right-click the picture, "
                                        f"choose Edit Alt Text... and write what it shows "
                                        f"(screen readers read it), then import again")
        if source.suffix.lower() not in PICTURE_TYPES:
            raise DocxError(self.block, f"picture {number} (block {self.block}) is a "
                                        f"{source.suffix} file; save it as PNG or JPEG in Word")
        name = f"picture-{number}{source.suffix.lower()}"
        self.result.pictures.append((source, name))
        text = caption if caption and caption != description else (title or "")
        if text.startswith("fig:"):
            text = text[4:]
        return {"t": "Image", "c": [["", [], []], [{"t": "Str", "c": description}],
                                    [f"img/{self.section}/{name}",
                                     " ".join(text.translate(QUOTES).split())]]}

    def _table(self, block) -> dict:
        attr, caption, specs, head, bodies, foot = block["c"]
        for rows in [head[1]] + [b[3] for b in bodies] + [b[2] for b in bodies] + [foot[1]]:
            for row in rows:
                for cell in row[1]:
                    if cell[2] != 1 or cell[3] != 1:
                        self.result.report.append(f"block {self.block}: a table with merged "
                                                  f"cells; they were split, check the table")
                    cell[2], cell[3] = 1, 1
                    cell[4] = [{"t": "Plain", "c": self._flat(cell[4])}]
        if caption[1]:
            self.result.report.append(f"block {self.block}: the table's caption was left out "
                                      f"(write it as a paragraph above the table)")
        return {"t": "Table", "c": [["", [], []], [None, []], specs, head, bodies, foot]}

    def _flat(self, blocks) -> list:
        """A table cell's blocks as one line of inlines."""
        inlines: list[dict] = []
        for block in blocks:
            if block["t"] in ("Para", "Plain"):
                if inlines:
                    inlines.append({"t": "Space"})
                inlines += self._inlines(block["c"])
        return inlines

    def _inlines(self, inlines) -> list:
        out = []
        for item in inlines:
            out += self._inline(item)
        return out

    def _inline(self, item) -> list:
        kind, value = item["t"], item.get("c")
        if kind == "Str":
            text = value.translate(QUOTES)
            self.counts["quotes"] += sum(value.count(q) for q in "„”“‘’«»‚")
            self.counts["soft hyphens"] += value.count("\u00ad")
            self.counts["no-break spaces"] += sum(value.count(c) for c in "\u00a0\u202f\u2007")
            return [{"t": "Str", "c": text}] if text else []
        if kind == "LineBreak":
            self.counts["manual line breaks"] += 1
            return [{"t": "Space"}]
        if kind == "Note":
            self.footnotes.append(value)
            return [{"t": "Superscript", "c": [{"t": "Str", "c": str(len(self.footnotes))}]}]
        if kind == "Span":
            return self._span(value)
        if kind == "Image":
            return [self._image(item)]
        if kind in ("Emph", "Strong", "Strikeout", "Superscript", "Subscript"):
            return [{"t": kind, "c": self._inlines(value)}]
        if kind in ("Underline", "SmallCaps"):
            return self._inlines(value)
        if kind == "Link":
            attr, text, (url, title) = value
            if url.startswith("#"):
                return self._inlines(text)
            return [{"t": "Link", "c": [["", [], []], self._inlines(text), [url, ""]]}]
        if kind == "Quoted":
            return [{"t": "Str", "c": '"'}] + self._inlines(value[1]) + [{"t": "Str", "c": '"'}]
        return [item]

    def _span(self, value) -> list:
        (_, classes, attrs), inlines = value
        attrs = dict(attrs)
        who = attrs.get("author", "unknown author")
        when = attrs.get("date", "")[:10]
        by = f"by {who}" + (f", {when}" if when else "")
        text = " ".join(_text(inlines).translate(QUOTES).replace("--", "–").split())
        if "insertion" in classes:
            self.pending.append(f'tracked insertion {by}: "{text}" (kept in the text; check it)')
            return self._inlines(inlines)
        if "deletion" in classes:
            self.pending.append(f'tracked deletion {by}: "{text}" (removed from the text; check '
                                f'it)')
            return []
        if "comment-start" in classes:
            self.pending.append(f'comment {by}: "{text}"')
            return []
        if "comment-end" in classes or "paragraph-insertion" in classes:
            return []
        return self._inlines(inlines)

    def notes_box(self, write) -> str:
        """The footnotes as a `!!! note` box at the end of the section."""
        if not self.footnotes:
            return ""
        items = [[{"t": "Plain", "c": self._flat(note)}] for note in self.footnotes]
        listed = write({"pandoc-api-version": [1, 23], "meta": {},
                        "blocks": [{"t": "OrderedList",
                                    "c": [[1, {"t": "Decimal"}, {"t": "Period"}], items]}]})
        title = NOTES_TITLE.get(self.lang, "Notes")
        body = "\n".join("    " + line if line else "" for line in listed.rstrip().split("\n"))
        return f'\n!!! note "{title}"\n{body}\n'

    def _report_counts(self):
        done = [f"{n} {what}" for what, n in self.counts.items() if n]
        if done:
            self.result.report.append("Word typography normalised (the build sets its own): "
                                      + ", ".join(done))


def unsupported(path: Path, markdown: str) -> list[str]:
    """What the document holds that the import cannot carry (read from its XML), and the
    empty paragraphs (pandoc drops them before the AST)."""
    try:
        with zipfile.ZipFile(path) as archive:
            document = archive.read("word/document.xml").decode("utf-8", "replace")
            headers = [n for n in archive.namelist() if re.match(r"word/(header|footer)\d*\.xml", n)
                       and re.search(r"<w:t[ >]", archive.read(n).decode("utf-8", "replace"))]
    except (KeyError, zipfile.BadZipFile):
        return []
    found = []
    empty = sum(1 for p in re.findall(r"<w:p[ >].*?</w:p>|<w:p/>", document, re.S)
                if not "".join(re.findall(r"<w:t[^>]*>([^<]*)</w:t>", p)).strip()
                and not re.search(r"<w:drawing|<w:pict|<w:object", p))
    if empty:
        found.append(f"Word typography normalised: {empty} empty paragraphs removed")
    for box in re.findall(r"<w:txbxContent>(.*?)</w:txbxContent>", document, re.S):
        text = " ".join("".join(re.findall(r"<w:t[^>]*>([^<]*)</w:t>", box)).split())
        found.append(f'not carried: a text box ("{text[:60]}"): ' + (
            "its text is in the Markdown where the box was anchored; check its place"
            if text and text in markdown else "left out; copy its text into the section "
                                              "where it belongs"))
    checks = [
        (r"<dgm:relIds", "SmartArt diagrams: left out; write them as a list or a picture"),
        (r'graphicData uri="[^"]*chart', "charts: left out; add them as pictures"),
        (r"<m:oMath", "equations: check them, the brochure prints text only"),
        (r'<w:color w:val="(?!auto|000000)', "runs of coloured text: the colour was dropped "
                                             "(the design sets the colours)"),
        (r"<w:highlight ", "highlighted runs: the highlighting was dropped"),
        (r'<w:shd [^>]*w:fill="(?!auto|FFFFFF)', "shaded paragraphs or cells: the shading was "
                                                 "dropped"),
    ]
    for pattern, what in checks:
        count = len(re.findall(pattern, document))
        if count:
            found.append(f"not carried: {count} {what}")
    if headers:
        found.append(f"not carried: the page headers and footers ({len(headers)}); the "
                     f"brochure makes its own")
    return found


def marker_line(markdown: str, note: str) -> int | None:
    """The line of the review note's marker in the Markdown written."""
    for number, line in enumerate(markdown.split("\n"), start=1):
        found = MARKER.match(line)
        if found and found.group(1) == note:
            return number
    return None


# --- the review notes in check ---------------------------------------------------------------

def review_notes(pub) -> list:
    """A warning for every `<!-- word: ... -->` line an import left in the Markdown."""
    found = []
    for section in pub.sections:
        for lang, body in section.bodies.items():
            first = section.body_lines[lang]
            for number, line in enumerate(body.split("\n"), start=first):
                marked = MARKER.match(line)
                if marked:
                    found.append(Diagnostic(pub.text_file(section, lang), number, WARNING,
                                            f"Word {marked.group(1)}; resolve it in the text, "
                                            f"then delete this line"))
    return found
