"""`build` (the default command): every edition into the output folder, then what was written."""
from __future__ import annotations

import time
from pathlib import Path

from .. import invocation
from ..build.run import build
from ..diagnostics import GAPS, PLAN_UNDERFILL, REQUIRED_GAP, WARNING, Diagnostic
from ..render import web


def run(args, progress) -> int:
    started = time.perf_counter()
    built = build(args.content, args.output, progress, langs=args.lang, timeout=args.timeout,
                  jobs=args.jobs, final=args.final, draft=args.draft, editions=args.edition)
    if built.cached:
        progress.info(f"nothing changed since the last build: outputs taken from "
                      f"{args.output}/.cache")
    report(built.warnings + [w for r in built.results for w in r.warnings], progress)
    site_root = Path(args.output) / web.FOLDER
    site = [(path, size) for path, size, _ in built.written if path.is_relative_to(site_root)]
    for path, size, pages in built.written:
        if path.is_relative_to(site_root):
            continue
        unit = "sides" if "booklet" in path.name else "pages"
        progress.info(f"  {str(path):<42} {size / 1024:6.0f} KB"
                      + (f"  {pages:3d} {unit}" if pages else ""))
    if site:
        progress.info(f"  {str(site_root) + '/':<42} {sum(s for _, s in site) / 1024:6.0f} KB"
                      f"  {len(site):3d} files (web edition)")
    warnings = sum(1 for d in built.warnings if d.level == WARNING)
    progress.info(f"built {len(built.results)} editions in {time.perf_counter() - started:.1f} s "
                  f"({warnings} content warnings)")
    return 0


def report(diagnostics, progress) -> None:
    """Every finding, except that the known gaps of the data (facts the sources do not give
    yet) are one line with the command that lists them, so that a new warning stands out; and
    the short pages of the plan are left to `check` and --final."""
    gaps = [d for d in diagnostics if d.code in GAPS and d.level == WARNING]
    for diagnostic in diagnostics:
        if diagnostic not in gaps and diagnostic.code != PLAN_UNDERFILL:
            progress.report(diagnostic)
    if gaps:
        required = sum(1 for d in gaps if d.code == REQUIRED_GAP)
        progress.report(Diagnostic(None, None, WARNING, (
            f"{len(gaps)} known gaps in the data (facts the sources do not give yet: cities, "
            f"MID topics, meetings, imprint"
            + (f"; {required} of them required before --final" if required else "")
            + f"); {invocation.command()} check lists them")))
