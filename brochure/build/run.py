"""A whole build: content -> every edition -> the output folder, in one call.

The output folder is checked and locked first (output.py). An unchanged build is answered from
the cache; otherwise the content is loaded and checked, each edition rendered, typeset and
finished (pipeline.py), the web edition made, all within the time limit, and the whole new set
of files switched in at once. A failure raises a BrochureError before any output changes.
"""
from __future__ import annotations

import contextlib
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .. import content
from ..content import translation
from ..content.editions import select, with_drafts
from .. import diagnostics
from ..content.source import inside
from ..diagnostics import ERROR, INFO, PLAN_OVERRUN, PLAN_UNDERFILL, WARNING, Diagnostic, errors
from ..errors import BrochureError, ContentErrors
from ..render import html as render, web
from ..typeset.lint import TARGET_FILL
from . import cache, output
from .results import EditionResult, time_limit


@dataclass
class Built:
    warnings: list                  # Diagnostics about the content
    results: list                   # EditionResult of each edition
    site: list                      # (path under output/, bytes, None) of the web edition
    expected: list = field(default_factory=list)  # what this publication's builds write
    written: list = field(default_factory=list)   # (path, size, pages) of every file written
    cached: bool = False            # nothing changed: taken whole from the cache

    def plain(self) -> dict:
        return {"warnings": [asdict(w) for w in self.warnings],
                "results": [r.plain() for r in self.results],
                "site": [list(item) for item in self.site], "expected": list(self.expected)}

    @classmethod
    def from_plain(cls, data) -> "Built":
        """A whole build from the cache; ValueError if `data` is not one."""
        try:
            site = [(str(path), blob, None) for path, blob, _ in data["site"]]
            if not all(isinstance(blob, bytes) for _, blob, _ in site):
                raise ValueError("a web file's bytes are missing")
            return cls([Diagnostic(**w) for w in data["warnings"]],
                       [EditionResult.from_plain(r) for r in data["results"]], site,
                       [str(p) for p in data["expected"]], cached=True)
        except (KeyError, TypeError, AttributeError) as err:
            raise ValueError(f"not a cached build: {err}") from None


def build(content_dir, output_dir, progress, langs=None, timeout=300, jobs=None,
          final=False, draft=False, editions=None, pool=None, known=None) -> Built:
    """Build every edition (of `langs`; of the ids in `editions`) into the output folder.
    final: the sign-off before printing, where an overrun, a short page, an added "Notes" page
    or a gap the content marks required is an error (and nothing is written). draft: also a
    draft of each one-language A4 screen edition (output/draft/), the content's gaps marked in
    its pages. pool: warm worker processes to typeset in (watch); known: cache key ->
    EditionResult typeset already (watch's proofs)."""
    deadline = time.monotonic() + timeout
    publication_file(content_dir)         # the content folder first: is it a publication?
    with output.Folder(output_dir, content_dir) as folder:
        store = _cache(folder, content_dir, progress)
        with time_limit(deadline, f"reading the content took longer than {timeout:g} s and "
                                  f"was stopped (is a file or a data list huge?)"):
            t = time.perf_counter()
            digest = "build-" + cache.inputs_digest(content_dir, repr(sorted(langs or [])),
                                                    repr(sorted(editions or [])),
                                                    " draft" if draft else "")
            built = _previous(store, digest)
            progress.stage("look for an unchanged build", t)
        if built is None:
            choice = Choice(langs, editions, jobs, pool, known, draft)
            built = _build(content_dir, progress, store, choice, deadline, timeout, folder)
            store.put(digest, built.plain())
        if final:
            _sign_off(built)
        t = time.perf_counter()
        folder.expect(built.expected)
        files = [f for r in built.results for f in r.files] + built.site + web.fonts(content.theme_of(content_dir))
        keep = store.kept(folder.owned)
        if langs or editions:     # the other languages' (editions') files stay as they are
            keep += [rel for rel in folder.owned if not rel.startswith(f"{cache.FOLDER}/")]
        built.written = folder.publish(files, store.entries(), keep, set(built.expected))
        progress.stage("write output (all at once)", t)
    return built


def publication_file(content_dir) -> Path:
    """The content folder's publication.yaml; a ContentError if it has none."""
    root = Path(content_dir)
    return inside(root, root / "publication.yaml", f"{root.name}/publication.yaml")


def _cache(folder, content_dir, progress) -> cache.Cache:
    """The cache of this output folder, or an empty one (said once) when its entries could not
    be trusted: no private key, or the installed versions unknown."""
    try:
        if not cache.versions_known():
            raise cache.KeyUnusable(f"the installed versions cannot be read (the distribution "
                                    f"{cache.DISTRIBUTION} is not installed)")
        key = cache.signing_key(folder.path, content_dir)
    except cache.KeyUnusable as err:
        progress.info(f"the cache is off: {err}; every edition is typeset")
        key = None
    return cache.Cache(folder.path, key)


def _previous(store, digest):
    plain = store.get(digest)
    if plain is None:
        return None
    try:
        return Built.from_plain(plain)
    except ValueError:
        return None


def _sign_off(built) -> None:
    """Refuse a build for print while the plan or the data has a gap (--final)."""
    found = errors(diagnostics.final(built.warnings + [w for r in built.results
                                                        for w in r.warnings]))
    if found:
        raise ContentErrors(found + [Diagnostic(None, None, ERROR, (
            f"--final: {len(found)} problem(s) above stop the sign-off; fix them, or build "
            f"without --final to look at the editions"))])


@dataclass
class Choice:
    """What to build and with what: the languages and edition ids asked for (None: all),
    --jobs, warm worker processes (None: the build starts its own), results known already,
    and whether drafts are built too."""
    langs: list | None = None
    editions: list | None = None
    jobs: int | None = None
    pool: object = None
    known: dict | None = None
    draft: bool = False


def _build(content_dir, progress, store, choice, deadline, timeout, folder) -> Built:
    """A build that the cache did not know (folder: the output folder, checked against what
    the publication writes before anything is typeset)."""
    from ..translate import staleness
    from . import pipeline

    with contextlib.ExitStack() as stack:
        pool = choice.pool or stack.enter_context(pipeline.start_workers(choice.jobs))
        t = time.perf_counter()       # the workers import WeasyPrint while the content loads
        with time_limit(deadline, f"loading and checking the content took longer than "
                                  f"{timeout:g} s and was stopped (is a data list huge?)"):
            pub = content.load(content_dir)
            findings = translation.problems(pub) + staleness.problems(pub)
        progress.stage("load and validate content", t)
        folder.expect(_expected(pub, choice.draft))
        if errors(findings):
            raise ContentErrors(errors(findings))
        editions = chosen(pub, choice.langs, choice.editions, choice.draft)
        languages = {lang for e in editions for lang in e.languages}
        env = render.environment(pub.theme)
        prepared: list = []

        too_long = f"making the web edition took longer than {timeout:g} s and was stopped"

        def prepare_web():      # while the last editions are typeset
            t = time.perf_counter()
            with time_limit(deadline, too_long):
                prepared.append(web.prepare(pub, languages, env))
            progress.stage("web pages, made while typesetting", t)

        results = pipeline.build_editions(pub, editions, progress, store, timeout=timeout,
                                          jobs=choice.jobs, deadline=deadline, pool=pool,
                                          known=choice.known, env=env, meanwhile=prepare_web)
    t = time.perf_counter()
    with time_limit(deadline, too_long):
        site = web.site(pub, [f for r in results if not r.edition.draft for f in r.files],
                        languages, env, prepared[0] if prepared else None)
    progress.stage("web edition (output/web)", t)
    return Built(pub.warnings + findings + plan_report(results), results, site,
                 _expected(pub, choice.draft))


def chosen(pub, langs=None, ids=None, draft=False) -> list:
    """The editions of the languages and ids asked for; a BrochureError when none is."""
    unknown = sorted(set(ids or ()) - {e.id for e in pub.editions})
    if unknown:
        raise BrochureError(f"the publication has no edition {', '.join(unknown)} (its "
                            f"editions: {', '.join(e.id for e in pub.editions)})")
    editions = select(with_drafts(pub.editions) if draft else pub.editions, langs, ids)
    if not editions:
        raise BrochureError(f"the publication has no edition in {', '.join(langs or ())} "
                            f"(its languages: {', '.join(pub.languages)})"
                            + (f" among {', '.join(ids)}" if ids else ""))
    return editions


def _expected(pub, draft=False) -> list:
    """Every path a build of this publication writes, in any language (an output folder
    without a manifest is taken over only if it holds nothing else); "web/" stands for the
    whole web edition."""
    editions = with_drafts(pub.editions) if draft else pub.editions
    paths = [path for e in editions for path in (e.pdf, e.html, e.booklet) if path]
    return sorted(paths) + [f"{web.FOLDER}/"]


def plan_report(results) -> list:
    """What the page plan did, once per section and page size (its languages' editions share
    it): an overrun is a warning that says by how much, what was tried and the page counts
    that result; a tolerance that fitted a section is said; a short last page is noted (an
    error with --final)."""
    found = []
    results = [r for r in results if not r.edition.draft]    # a draft is not the plan
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

