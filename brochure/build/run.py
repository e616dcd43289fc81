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
from .. import diagnostics
from ..diagnostics import ERROR, INFO, PLAN_OVERRUN, PLAN_UNDERFILL, WARNING, Diagnostic, errors
from ..errors import BrochureError, ContentErrors
from ..render import web
from ..typeset.lint import TARGET_FILL
from . import cache, output


@dataclass
class Built:
    warnings: list                  # Diagnostics about the content
    results: list                   # pipeline.EditionResult of each edition
    site: list                      # (path under output/, bytes) of the web edition
    written: list = field(default_factory=list)   # (path, size, pages) of every file written
    cached: bool = False            # nothing changed: taken whole from the cache


def build(content_dir, output_dir, progress, langs=None, timeout=300, jobs=None,
          final=False) -> Built:
    """Build every edition (of `langs`) into the output folder. final: the sign-off before
    printing, where an overrun, a short page, an added "Notes" page or a data gap is an error
    (and nothing is written)."""
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
        warnings, results, site = previous
        built = Built(warnings, results, site, cached=True)
    if final:
        _sign_off(built)
    t = time.perf_counter()
    files = [f for r in built.results for f in r.files] + built.site + web.fonts()
    built.written = output.write_all(Path(output_dir), files, store.entries())
    store.committed()
    progress.stage("write output (atomic)", t)
    return built


def _sign_off(built) -> None:
    """Refuse a build for print while the plan or the data has a gap (--final)."""
    found = errors(diagnostics.final(built.warnings + [w for r in built.results
                                                        for w in r.warnings]))
    if found:
        raise ContentErrors(found + [Diagnostic(None, None, ERROR, (
            f"--final: {len(found)} problem(s) above stop the sign-off; fix them, or build "
            f"without --final to look at the editions"))])


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
    t = time.perf_counter()
    site = web.site(pub, [f for r in results for f in r.files],
                    languages={lang for e in editions for lang in e.languages})
    progress.stage("web edition (output/web)", t)
    return pub.warnings + findings + plan_report(results), results, site


def plan_report(results) -> list:
    """What the page plan did, once per section and page size (its languages' editions share
    it): an overrun is a warning that says by how much, what was tried and the page counts
    that result; a tolerance that fitted a section is said; a short last page is noted (an
    error with --final)."""
    found = []
    for (file, size), row in _plan_rows(results).items():
        editions = _page_counts(results, file, size)
        if row["planned"] and row["pages"] > row["planned"]:
            over = row["pages"] - row["planned"]
            tried = (f"the tolerances {', '.join(row['tried'])} did not fit it; "
                     if row["tried"] else "")
            found.append(Diagnostic(file, None, WARNING,
                                    f"{size}: the section takes {row['pages']} pages, "
                                    f"{row['planned']} planned ({over} over); {tried}so "
                                    f"{editions}", PLAN_OVERRUN))
        elif row["fit"]:
            found.append(Diagnostic(file, None, INFO,
                                    f"{size}: fits its {row['planned']} planned pages with the "
                                    f"tolerance {' + '.join(row['fit'])}"))
        if row["planned"] and row["fill"] < TARGET_FILL:
            found.append(Diagnostic(file, None, INFO,
                                    f"{size}: its last page (page {row['first'] + row['pages'] - 1}"
                                    f" of {editions.split(':')[0]}) is {row['fill']:.0%} filled "
                                    f"(target {TARGET_FILL:.0%})", PLAN_UNDERFILL))
    return found


def _plan_rows(results) -> dict:
    """(section file, page size) -> its plan row, from the first edition that has it."""
    rows: dict[tuple[str, str], dict] = {}
    for result in results:
        for row in result.plan:
            rows.setdefault((row["file"], result.edition.size), row)
    return rows


def _page_counts(results, file, size) -> str:
    """The page counts of the editions of that size that hold the section."""
    counts = [f"{path}: {pages} pages" for r in results if r.edition.size == size
              and any(row["file"] == file for row in r.plan)
              for path, _, pages in r.files if path == r.edition.pdf]
    return ", ".join(counts)

