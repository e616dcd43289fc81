"""Run the stages for each edition: render -> typeset -> finish (-> impose), all in memory."""
from __future__ import annotations

import io
import time
from dataclasses import dataclass, field

from . import finish, impose, render, typeset

SADDLE_STITCH = 4     # pages of a saddle-stitched print edition come in fours


@dataclass
class EditionResult:
    edition: object
    files: list = field(default_factory=list)      # (path under output/, bytes, pages or None)
    warnings: list = field(default_factory=list)
    notes: list = field(default_factory=list)      # things the build did that the user should know
    headings: dict = field(default_factory=dict)


def build_editions(pub, editions, progress) -> list:
    env = render.environment()
    return [build_edition(pub, edition, env, progress) for edition in editions]


def build_edition(pub, edition, env, progress) -> EditionResult:
    result = EditionResult(edition)
    t = time.perf_counter()
    html = render.render(pub, edition, env)
    progress.stage(f"render HTML          [{edition.id}]", t)
    if edition.html:
        result.files.append((edition.html, preview_html(html), None))
    t = time.perf_counter()
    typeset_result = _typeset(pub, edition, env, html)
    progress.stage(f"typeset (WeasyPrint) [{edition.id}]", t)
    result.warnings += [f"weasyprint [{edition.id}]: warning: {w}" for w in typeset_result.warnings]
    result.headings = typeset_result.headings
    if typeset_result.padding:
        label = render.LABELS[edition.languages[0]]["notes"]
        result.notes.append(f"{edition.pdf}: added {typeset_result.padding} \"{label}\" page(s) "
                            f"before the back cover: {typeset_result.pages} pages, a multiple "
                            f"of {SADDLE_STITCH} for saddle stitching")
    t = time.perf_counter()
    pdf = typeset_result.pdf
    if edition.booklets:
        result.files += _booklets(edition, pdf, typeset_result.pages)
    if edition.print and pub.print_options["crop_marks"]:
        pdf = _bytes(impose.add_crop_marks, io.BytesIO(pdf),
                     bleed_pt=pub.print_options["bleed_mm"] * impose.MM)
    progress.stage(f"finish (pypdf)       [{edition.id}]", t)
    result.files.append((edition.pdf, pdf, typeset_result.pages))
    return result


def _typeset(pub, edition, env, html):
    if not edition.print:
        return typeset.typeset(html, edition.variant, identifier=html, finisher=lambda anchors:
                               finish.part_languages(edition.languages,
                                                     [anchors[f"part-{lang}"]
                                                      for lang in edition.languages]))
    return typeset.typeset(html, edition.variant, identifier=html, multiple=SADDLE_STITCH,
                           filler=lambda count: render.render_notes(pub, edition, count, env))


def _booklets(edition, pdf, pages) -> list:
    """Saddle-stitch imposition: A4 pages on A3 sheets, and an A5 booklet on A4 sheets."""
    stem = edition.pdf.removesuffix("-print.pdf")
    return [(f"{stem}-booklet-{sheet.lower()}.pdf",
             _bytes(impose.impose_booklet, io.BytesIO(pdf), sheet=sheet), pages // 2)
            for sheet in ("A3", "A4")]


def _bytes(function, source, **options) -> bytes:
    out = io.BytesIO()
    function(source, out, **options)
    return out.getvalue()


def preview_html(html: str) -> bytes:
    """The typeset HTML, made viewable from output/html/: its paths are relative to the project."""
    return html.replace("<head>", '<head>\n<base href="../../">', 1).encode("utf-8")
