"""WeasyPrint alone: time HTML(string=html, base_url=<project>/).render() once per layout, then
.write_pdf(pdf_variant=...) for each edition of that layout (as the build does).

    python bench/wp_alone.py DIR sequential
    python bench/wp_alone.py DIR parallel ID,ID/ID,ID      # one group per worker

DIR holds manifest.json ([[layout id, [pdf variant, ...]], ...]) and <id>.html for each layout:
the final HTML the build typesets. Run in a fresh process, so that importing WeasyPrint and its
first-use costs (fonts, ...) are paid here as they are in a build. Prints one JSON object.

sequential: every document in manifest order, one after the other.
parallel:   WeasyPrint is imported once, then one forked process per group (as the build's
            worker pool does) typesets its group in order; the makespan is the wall time from
            the fork to the end of the last worker.
"""
from __future__ import annotations

import json
import multiprocessing
import sys
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent


def typeset(directory: Path, ident: str, variants: list) -> dict:
    import weasyprint
    html = (directory / f"{ident}.html").read_text(encoding="utf-8")
    t = time.perf_counter()
    document = weasyprint.HTML(string=html, base_url=str(PROJECT) + "/").render()
    sizes = [len(document.write_pdf(pdf_variant=variant)) for variant in variants]
    return {"id": ident, "seconds": time.perf_counter() - t, "bytes": sizes}


def _group(directory, jobs, queue):
    queue.put([typeset(directory, ident, variants) for ident, variants in jobs])


def main() -> int:
    directory, mode = Path(sys.argv[1]), sys.argv[2]
    manifest = dict(json.loads((directory / "manifest.json").read_text()))
    t = time.perf_counter()
    import weasyprint  # noqa: F401
    result = {"import_seconds": time.perf_counter() - t}
    if mode == "sequential":
        t = time.perf_counter()
        result["runs"] = [typeset(directory, ident, variants)
                          for ident, variants in manifest.items()]
        result["wall_seconds"] = time.perf_counter() - t
    else:
        groups = [[(i, manifest[i]) for i in g.split(",") if i] for g in sys.argv[3].split("/")]
        context = multiprocessing.get_context("fork")
        queue = context.Queue()
        t = time.perf_counter()
        workers = [context.Process(target=_group, args=(directory, g, queue)) for g in groups]
        for w in workers:
            w.start()
        runs = [r for _ in workers for r in queue.get()]
        for w in workers:
            w.join()
        result["wall_seconds"] = time.perf_counter() - t
        result["runs"] = runs
        result["groups"] = [[i for i, _ in g] for g in groups]
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
