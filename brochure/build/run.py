"""A whole build: content -> every edition -> the output folder, in one call.

An unchanged build is answered from the cache; otherwise the content is loaded and checked,
each edition rendered, typeset and finished (pipeline.py), the web edition made, and every file
written at once (output.py). A failure raises a BrochureError before any output changes.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from .. import content
from ..content import translation
from ..content.editions import select
from ..diagnostics import errors
from ..errors import BrochureError, ContentErrors
from ..render import web
from . import cache, output


@dataclass
class Built:
    warnings: list                  # Diagnostics about the content
    results: list                   # pipeline.EditionResult of each edition
    site: list                      # (path under output/, bytes) of the web edition
    written: list = field(default_factory=list)   # (path, size, pages) of every file written
    cached: bool = False            # nothing changed: taken whole from the cache


def build(content_dir, output_dir, progress, langs=None, timeout=300, jobs=None) -> Built:
    store = cache.Cache(output_dir)
    t = time.perf_counter()
    digest = "build-" + cache.inputs_digest(content_dir, repr(sorted(langs or [])))
    previous = store.get(digest)
    progress.stage("look for an unchanged build", t)
    if previous is None:
        warnings, results, site = _build(content_dir, progress, store, langs, timeout, jobs)
        store.put(digest, (warnings, results, site))
        built = Built(warnings, results, site)
    else:
        built = Built(*previous, cached=True)
    t = time.perf_counter()
    files = [f for r in built.results for f in r.files] + built.site + web.fonts()
    built.written = output.write_all(Path(output_dir), files, store.entries())
    store.committed()
    progress.stage("write output (atomic)", t)
    return built


def _build(content_dir, progress, store, langs, timeout, jobs):
    """(content warnings, edition results, web files) of a build that the cache did not know."""
    from . import pipeline

    t = time.perf_counter()
    pub = content.load(content_dir)
    findings = translation.problems(pub)
    progress.stage("load and validate content", t)
    if errors(findings):
        raise ContentErrors(errors(findings))
    editions = select(pub.editions, langs)
    if not editions:
        raise BrochureError(f"the publication has no edition in {', '.join(langs)} (its "
                            f"languages: {', '.join(pub.languages)})")
    results = pipeline.build_editions(pub, editions, progress, store, timeout=timeout, jobs=jobs)
    over = _budget_errors(pub, results)
    if over:
        raise ContentErrors(over)
    t = time.perf_counter()
    site = web.site(pub, [f for r in results for f in r.files],
                    languages={lang for e in editions for lang in e.languages})
    progress.stage("web edition (output/web)", t)
    return pub.warnings + findings, results, site


def _budget_errors(pub, results) -> list:
    """Sections of the single-language screen editions that take more pages than allowed."""
    from ..typeset import lint

    found = []
    for result in results:
        edition = result.edition
        if len(edition.languages) != 1 or edition.print or edition.size != "A4":
            continue
        lang = edition.languages[0]
        sections = [lint.Section(f"{lang}-{s.file}", pub.text_file(s, lang),
                                 s.pages) for s in pub.sections]
        pages = next(p for path, _, p in result.files if path == edition.pdf)
        found += [lint.budget_message(section, used)
                  for section, used in lint.over_budget(sections, result.headings, pages)]
    return found
