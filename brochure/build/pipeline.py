"""Run the stages for each edition: render -> typeset -> finish (-> impose), all in memory.

HTML is rendered in this process (it is cheap); editions whose HTML the cache does not know are
typeset in worker processes (workers.py), up to one per core. One time limit covers both.
"""
from __future__ import annotations

import collections
import contextlib
import hashlib
import io
import os
import time
from concurrent import futures
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from ..content.editions import Edition
from ..diagnostics import INFO, PLAN_PADDING, WARNING, Diagnostic
from ..errors import ContentError, ContentErrors, EditionTimeout
from ..render import html as render, prose, sanitize
from ..typeset import pictures, plan as page_plan
from . import cache, workers
from .results import EditionResult, time_limit

SADDLE_STITCH = 4     # pages of a saddle-stitched print edition come in fours


@dataclass
class Job:
    """Everything a worker process needs to typeset and finish one edition."""
    edition: Edition
    html: str
    fillers: dict[int, str]  # padding pages count -> HTML (print editions)
    crop_marks: bool
    bleed_mm: float
    content: str             # the content folder (its images may be loaded)
    titles: dict             # section element id -> section title (link descriptions)
    cmyk: dict               # screen colour -> designed CMYK (print editions)
    notes: str               # what the filler pages are called ("Notatki")
    planned: tuple = ()      # plan.Planned of each section of the edition, in order
    tolerances: tuple = ()   # the design's tolerances, in the order they are tried
    render_warnings: tuple = ()   # what the layout's components could not do (Diagnostics)
    theme: Any = None        # resources.Theme: where the document's styles/ are found


def build_editions(pub, editions, progress, store=None, timeout=300, jobs=None,
                   deadline=None, pool=None, known=None, env=None, meanwhile=None) -> list:
    """The EditionResult of each edition, in order. Editions of the same languages and page
    size share their HTML and one layout (a language's screen and print editions); each such
    group is sent to a worker as soon as its HTML is rendered, the longest first, so that
    rendering the next overlaps typesetting the first. deadline (time.monotonic()): when the
    whole build must end (by default, timeout seconds from now). pool: worker processes
    started already (start_workers), else the build starts its own. known: cache key ->
    EditionResult typeset already (watch's proofs). env: the templates (render.environment).
    meanwhile: a call made once a core is left free (every group sent, fewer left to typeset
    than workers), before the results are taken."""
    deadline = deadline or time.monotonic() + timeout
    env = env or render.environment(pub.theme)
    results: dict[str, EditionResult] = {}     # edition id -> its result
    rendered: dict[tuple, Any] = {}           # shared HTML and fillers: see _job
    groups = _layout_groups(editions)
    with _Workers(progress, deadline, timeout, jobs, len(groups), pool) as typesetting:
        for group in groups:
            pending = []
            for edition in group:
                key, job = _render_job(pub, edition, env, deadline, timeout, progress, rendered)
                hit = (known or {}).get(key)
                if hit is not None and store:
                    store.put(key, hit.plain())
                hit = hit or _cached(store, key, edition, pub.root)
                if hit is not None:
                    progress.detail(f"[{edition.id}] unchanged: taken from the cache")
                    results[edition.id] = hit
                else:
                    pending.append((key, job))
            typesetting.submit(pending)
        if meanwhile:
            typesetting.wait_for_a_free_core()
            meanwhile()
        for key, result in typesetting.results():
            results[result.edition.id] = result
            if store:
                store.put(key, result.plain())
    return _picture_warnings([results[e.id] for e in editions])


def _picture_warnings(results) -> list:
    """Each picture's warning once (a picture is measured in every layout), with the first
    edition that has one."""
    seen = set()
    for result in results:
        for warning in result.pictures:
            if (warning.file, warning.line) not in seen and warning not in result.warnings:
                seen.add((warning.file, warning.line))
                result.warnings.append(warning)
    return results


def _cached(store, key, edition, content):
    """The edition's result from the cache, if its HTML, options and every content file its
    typesetting read (pictures) are unchanged; else None."""
    plain = store.get(key) if store else None
    if plain is None:
        return None
    try:
        result = EditionResult.from_plain(plain)
    except ValueError:
        return None
    if not cache.unchanged(result.inputs, content):
        return None
    result.edition, result.cached = edition, True
    return result


def _layout_groups(editions) -> list:
    """The editions in groups of one HTML (same languages and page size), the group with the
    most to typeset first."""
    groups: dict[tuple[tuple[str, ...], str], list[Edition]] = {}
    for edition in editions:
        groups.setdefault(edition.layout, []).append(edition)
    return sorted(groups.values(), key=lambda group: -(len(group[0].languages) + 0.4 * len(group)))


def _render_job(pub, edition, env, deadline, timeout, progress, rendered):
    """(cache key, Job) of one edition; its HTML rendered within the time limit."""
    t = time.perf_counter()
    with time_limit(deadline, f"edition {edition.id}: rendering the HTML took longer "
                               f"than {timeout:g} s and was stopped (is a section huge?)"):
        job = edition_job(pub, edition, env, rendered)
    progress.stage(f"render HTML          [{edition.id}]", t)
    return job_key(job), job


def job_key(job) -> str:
    """The cache key of an edition's job: its HTML and every option of its typesetting."""
    return cache.key(job.html, job.edition, sorted(job.fillers.items()), job.crop_marks,
                     job.bleed_mm, job.planned, job.tolerances)


def edition_job(pub, edition, env, rendered=None) -> Job:
    """The edition's job. rendered: (languages, page size) -> HTML, shared by the editions it
    is the same for (the HTML depends on nothing else)."""
    rendered = {} if rendered is None else rendered
    layout = edition.layout
    html = edition_html(pub, edition, env, rendered)
    fillers = {}
    if edition.print or edition.booklets:
        if (layout, "fillers") not in rendered:
            rendered[layout, "fillers"] = {n: render.render_notes(pub, edition, n, env)
                                           for n in range(1, SADDLE_STITCH)}
        fillers = rendered[layout, "fillers"]
    titles = {f"{lang}-{s.file}": s.title(lang) for lang in edition.languages
              for s in pub.sections}
    # the first part's contents box also links to the divider page of each other part
    titles |= {f"divider-{other}": pub.labels[edition.languages[0]]["other_part"]
               for other in edition.languages[1:]}
    # and the further parts' back to the first (in the second language's words)
    titles |= {f"part-{edition.languages[0]}": pub.labels[other]["other_part"]
               for other in edition.languages[1:2]}
    planned = tuple(page_plan.Planned(f"{lang}-{s.file}", pub.text_file(s, lang),
                                      s.planned_pages(edition.size), s.opens_on(edition.size))
                    for lang in edition.languages for s in pub.sections)
    return Job(edition, html, fillers, edition.print and pub.print_options["crop_marks"],
               pub.print_options["bleed_mm"], pub.root, titles, render.known_colours(pub),
               pub.labels[edition.languages[0]]["notes"], planned, render.tolerances(pub.theme),
               tuple(rendered[layout, "warnings"]), pub.theme)


def edition_html(pub, edition, env, rendered) -> str:
    """The edition's HTML, rendered once for the editions it is the same for (rendered:
    (languages, page size) -> HTML, and the warnings of its components)."""
    layout = edition.layout
    if layout not in rendered:
        warnings: list = []
        html = render.render(pub, edition, env, warnings)
        _check_unique_ids(pub, edition, html)
        rendered[layout, "warnings"], rendered[layout] = warnings, html
    return rendered[layout]


def _check_unique_ids(pub, edition, html: str) -> None:
    """An id written in a text that the layout, or another text, also uses in this edition is
    an error at the line that wrote it (sanitize.py refuses the reserved names earlier)."""
    seen: set[str] = set()
    twice: set[str] = set()
    for name, _ in sanitize.element_ids(html):
        (twice if name in seen else seen).add(name)
    if not twice:
        return
    for lang in edition.languages:
        for section in pub.sections:
            written: list[tuple[str, int]] = []      # (id, line)
            prose.to_html(section.bodies[lang], pub.text_file(section, lang),
                          section.body_lines[lang], lang, pub.root, ids=written)
            for name, line in written:
                if name in twice:
                    raise ContentError(
                        pub.text_file(section, lang), line,
                        f'the id "{name}" is used twice in the edition {edition.id} (by the '
                        f'layout or another text); ids must be unique: choose another name')


class _Workers:
    """The typesetting of one build: its groups handed to worker processes as they come, their
    results in the order submitted, within the time limit. The pool is the one given (started
    before the content was loaded, kept by its owner) or one of this build's own, started with
    the first group. Leaving the block with an exception drops the build's work: a worker may
    be busy for minutes."""

    def __init__(self, progress, deadline, timeout, jobs, groups, pool=None):
        self.progress, self.deadline, self.timeout = progress, deadline, timeout
        self.size = max(1, min(jobs or os.cpu_count() or 1, groups))
        self.pool, self.own = pool, pool is None
        self.submitted: list = []

    def __enter__(self):
        return self

    def submit(self, group) -> None:
        """Typeset a group of (key, Job) of one HTML in a worker."""
        if not group:
            return
        if self.pool is None:
            self.pool = workers.Pool(self.size)
        remember = getattr(self.pool, "remember", 0)
        future = self.pool.submit(run_jobs, [job for _, job in group], remember, tag=self,
                                  affinity=layout_key(group[0][1]) if remember else None)
        self.submitted.append((group, future))

    def wait_for_a_free_core(self) -> None:
        """Until fewer groups are left to typeset than there are workers (or time is up: the
        results then say so)."""
        pending = [future for _, future in self.submitted]
        while len(pending) >= self.size and time.monotonic() < self.deadline:
            done, _ = futures.wait(pending, timeout=self.deadline - time.monotonic(),
                                   return_when=futures.FIRST_COMPLETED)
            pending = [future for future in pending if future not in done]

    def results(self):
        """(key, EditionResult) for each submitted job, in the order submitted."""
        for group, future in self.submitted:
            names = " and ".join(job.edition.id for _, job in group)
            try:
                results = future.result(timeout=max(0.1, self.deadline - time.monotonic()))
            except FutureTimeout:
                raise EditionTimeout(f"edition {names}: typesetting took longer than "
                                     f"{self.timeout:g} s and was stopped (is a section huge?)"
                                     ) from None
            for (key, job), result in zip(group, results):
                for stage, seconds in result.timings.items():
                    self.progress.took(f"{stage:<20} [{job.edition.id}]", seconds)
                yield key, result

    def __exit__(self, kind, error, traceback):
        if self.pool is None:
            return
        if self.own:
            self.pool.close()
        elif kind is not None:
            self.pool.cancel(lambda tag: tag is self)


def start_workers(jobs=None):
    """The worker processes of a build, started before its content is loaded (their imports
    meanwhile): one per core, or `jobs`."""
    return workers.Pool(max(1, jobs or os.cpu_count() or 1))


prune_build_folders = workers.prune_build_folders


_MEMORY: collections.OrderedDict = collections.OrderedDict()   # layout_key -> typeset.LaidOut


def run_jobs(jobs, remember: int = 0) -> list:
    """Typeset the jobs of one HTML (in a worker process): one layout, and for each edition
    its PDF, finished (and imposed): an EditionResult each. remember: how many layouts this
    worker keeps (watch), so that another edition of the same HTML is only written."""
    from ..typeset import pdf as typeset    # a worker's (workers.WORKER_MODULES)

    t = time.perf_counter()
    first = jobs[0]
    outputs = [typeset.Output(
        job.edition.variant, job.html,
        multiple=SADDLE_STITCH if job.edition.print or job.edition.booklets else 1,
        finisher=None if job.edition.print else partial(_screen_finisher, job.edition.languages,
                                                        job.titles),
        ppi=pictures.ppi_for(job.edition))
        for job in jobs]
    fillers: dict[int, str] = next((job.fillers for job in jobs if job.fillers), {})
    key = layout_key(first) if remember else None
    laid_out = _MEMORY.pop(key, None)
    fresh = laid_out is None or not cache.unchanged(laid_out.inputs, first.content)
    if fresh:
        laid_out = typeset.LaidOut(first.html, fillers=fillers, content=first.content,
                                   cmyk=first.cmyk, planned=first.planned,
                                   tolerances=first.tolerances, theme=first.theme)
        # every output printed on both sides (A5): its plan made on the print layout at once
        laid_out.plan(duplex=all(output.multiple > 1 for output in outputs))
    laid_out.fillers = fillers or laid_out.fillers
    typeset_results = [laid_out.write(output) for output in outputs]
    if key:
        _MEMORY[key] = laid_out
        while len(_MEMORY) > remember:
            _MEMORY.popitem(last=False)
    blurred, oversized = pictures.problems(typeset_results[0].pictures, first.edition.size)
    if blurred:
        raise ContentErrors(blurred)
    layout = time.perf_counter() - t - sum(r.seconds for r in typeset_results)
    results = []
    for job, typeset_result in zip(jobs, typeset_results):
        result = _finish_job(job, typeset_result)
        result.plan = [plan_row(placed) for placed in typeset_result.plan.placed]
        result.pictures = oversized
        if job is first and fresh:      # the layout's: told once
            result.warnings += list(job.render_warnings)
        # the shared layout is counted once, with the first edition
        result.timings["typeset (WeasyPrint)"] = (typeset_result.seconds
                                                  - typeset_result.finishing
                                                  + (layout if job is first else 0.0))
        results.append(result)
    return results


def quick_proof(job, old_key: str) -> tuple | None:
    """(PDF, pages) of a screen edition made from the layout this worker remembers under
    old_key (its last one), with only the one section that changed laid out again
    (typeset.spliced); None when there is no such layout or it cannot be used."""
    from ..typeset import pdf as typeset    # a worker's (workers.WORKER_MODULES)

    old = _MEMORY.get(old_key)
    if old is None or job.edition.print or job.edition.booklets \
            or not cache.unchanged(old.inputs, job.content):
        return None
    output = typeset.Output(job.edition.variant, job.html,
                            finisher=partial(_screen_finisher, job.edition.languages, job.titles),
                            ppi=pictures.ppi_for(job.edition))
    result = typeset.spliced(old, job.html, output)
    return None if result is None else (result.pdf, result.pages)


def layout_key(job) -> str:
    """What a layout depends on: the HTML, the plan, the content folder (and the files it
    read, checked apart), the theme and its files."""
    return hashlib.sha256(repr((job.html, job.planned, job.tolerances, job.content, job.theme,
                                theme_stamp(job.theme))).encode()).hexdigest()


def theme_stamp(theme) -> tuple:
    """The size and modification time of each file of the theme's folders (templates and
    styles): what watch's Jinja2 environment and remembered layouts depend on."""
    found = []
    for folder in theme.folders if theme else ():
        for path in sorted(Path(folder.path).rglob("*")):
            with contextlib.suppress(OSError):
                stat = path.stat()
                found.append((str(path), stat.st_size, stat.st_mtime_ns))
    return tuple(found)


def plan_row(placed) -> dict:
    """One section of an edition's page plan, as plain data (for the build's report and the
    cache)."""
    return {"file": placed.planned.file, "planned": placed.planned.pages, "pages": placed.pages,
            "first": placed.first, "fill": round(placed.fill, 3), "fit": list(placed.fit),
            "tried": list(placed.tried)}


def _finish_job(job, typeset_result) -> EditionResult:
    """The edition's files from its PDF: the PDF (with crop marks if asked) and its booklets."""
    from ..press import impose     # a worker's (workers.WORKER_MODULES)

    edition = job.edition
    result = EditionResult(edition)
    if edition.html:
        result.files.append((edition.html, preview_html(job.html), None))
    result.timings["finish (pydyf)"] = typeset_result.finishing
    result.warnings += [Diagnostic(edition.pdf, None, WARNING, f"WeasyPrint: {w}")
                        for w in typeset_result.warnings]
    result.headings = typeset_result.headings
    result.inputs = typeset_result.inputs
    notes = notes_message(typeset_result, job.notes)
    if notes:
        result.warnings.append(Diagnostic(edition.pdf, None, INFO, notes, PLAN_PADDING))
    t = time.perf_counter()
    pdf = typeset_result.pdf
    if edition.booklets:
        result.files += _booklets(edition, pdf, typeset_result.pages, job.crop_marks)
    if job.crop_marks:
        pdf = _bytes(impose.add_crop_marks, io.BytesIO(pdf), bleed_pt=job.bleed_mm * impose.MM)
    result.timings["finish (pypdf)"] = time.perf_counter() - t
    result.files.append((edition.pdf, pdf, typeset_result.pages))
    return result


def notes_message(typeset_result, label: str) -> str | None:
    """What the plan added: the Notes pages before a section that opens on its side, and those
    that make a print edition a multiple of four; None when it added none."""
    gaps, padding = len(typeset_result.plan.blank), typeset_result.padding
    if not gaps and not padding:
        return None
    where = [f"{gaps} before a section that opens on its side" if gaps else "",
             f"{padding} before the back cover" if padding else ""]
    fours = (f", a multiple of {SADDLE_STITCH} for saddle stitching"
             if typeset_result.pages % SADDLE_STITCH == 0 else "")
    return (f"added {gaps + padding} \"{label}\" page(s) ({', '.join(w for w in where if w)}): "
            f"{typeset_result.pages} pages{fours}")


def _screen_finisher(languages, titles, anchors):
    """Languages of the parts and readable link descriptions (tagged screen editions)."""
    from ..typeset import finish

    # a further part starts at its divider page (English text, so declared English)
    starts = [anchors.get(f"divider-{lang}", anchors[f"part-{lang}"]) for lang in languages]
    return finish.chain(finish.part_languages(languages, starts, anchors["back-cover"]),
                        finish.link_descriptions(titles))


def _booklets(edition, pdf, pages, crop_marks) -> list:
    """Saddle-stitch imposition at 100 %: the A4 print edition on A3 sheets (with its bleed,
    PDF/X-4) for a print shop; the native A5 edition on A4 sheets for an office printer."""
    from ..press import impose

    if edition.size == "A5":
        return [(edition.booklet, _bytes(impose.impose_booklet, io.BytesIO(pdf), sheet="A4"),
                 pages // 2)]
    return [(edition.booklet,
             _bytes(impose.impose_booklet, io.BytesIO(pdf), sheet="A3", crop_marks=crop_marks),
             pages // 2)]


def _bytes(function, source, **options) -> bytes:
    out = io.BytesIO()
    function(source, out, **options)
    return out.getvalue()


def preview_html(html: str) -> bytes:
    """The typeset HTML, made viewable from output/html/: its paths are relative to the project."""
    return html.replace("<head>", '<head>\n<base href="../../">', 1).encode("utf-8")
