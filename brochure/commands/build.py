"""`build` (the default command): every edition into the output folder, then what was written."""
from __future__ import annotations

import time
from pathlib import Path

from ..build.run import build
from ..render import web


def run(args, progress) -> int:
    started = time.perf_counter()
    built = build(args.content, args.output, progress, langs=args.lang, timeout=args.timeout,
                  jobs=args.jobs)
    if built.cached:
        progress.info(f"nothing changed since the last build: outputs taken from "
                      f"{args.output}/.cache")
    for diagnostic in built.warnings + [w for r in built.results for w in r.warnings]:
        progress.report(diagnostic)
    for note in (n for r in built.results for n in r.notes):
        progress.info(note)
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
    progress.info(f"built {len(built.results)} editions in {time.perf_counter() - started:.1f} s "
                  f"({len(built.warnings)} content warnings)")
    return 0
