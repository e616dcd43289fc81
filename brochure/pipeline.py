"""Run the stages for each edition: render -> typeset -> finish, all in memory."""
from __future__ import annotations

import time
from dataclasses import dataclass, field

from . import finish, render, typeset


@dataclass
class EditionResult:
    edition: object
    files: list = field(default_factory=list)      # (path under output/, bytes, pages or None)
    warnings: list = field(default_factory=list)
    headings: dict = field(default_factory=dict)


def build_editions(pub, editions, progress) -> list:
    env = render.environment()
    return [build_edition(pub, edition, env, progress) for edition in editions]


def build_edition(pub, edition, env, progress) -> EditionResult:
    result = EditionResult(edition)
    t = time.perf_counter()
    html = render.render(pub, edition, env)
    progress.stage(f"render HTML       [{edition.id}]", t)
    if edition.html:
        result.files.append((edition.html, html.encode("utf-8"), None))
    t = time.perf_counter()
    try:
        typeset_result = typeset.typeset(html, edition.variant, identifier=html)
    except typeset.TypesetError as err:
        raise render.ContentError(f"edition {edition.id}", 1, str(err)) from None
    progress.stage(f"typeset (WeasyPrint) [{edition.id}]", t)
    result.warnings += [f"weasyprint [{edition.id}]: warning: {w}" for w in typeset_result.warnings]
    result.headings = typeset_result.headings
    t = time.perf_counter()
    pdf = finish.finish(typeset_result.pdf, edition.languages)
    progress.stage(f"finish (pypdf)    [{edition.id}]", t)
    result.files.append((edition.pdf, pdf, typeset_result.pages))
    return result
