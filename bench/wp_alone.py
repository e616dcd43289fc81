"""WeasyPrint alone, on the layouts a build made (bench/layouts.py recorded them).

    python bench/wp_alone.py sequential DIR ROOT [--collector=build]
    python bench/wp_alone.py warm DIR ROOT N [--collector=build]

ROOT is a folder where the HTML's relative URLs resolve as in the build (styles/, content/):
the bench links the theme's and the content's folders there. Run in a fresh process, so that
importing WeasyPrint and its first-use costs are paid here as they are in a build. Prints one
JSON object. Every layout shares one FontConfiguration, as WeasyPrint's docs advise for
several documents (the build does the same).

sequential: for each group of DIR/manifest.json, in order, HTML(string).render() of each of its
            layouts, then .write_pdf(pdf_variant=...) of each PDF the build wrote, from the
            layout it wrote it from: the seconds of each group (its layouts depend on each other:
            one worker does them in a row, in the build as in a schedule).
            --collector=build (both modes): with the garbage collector set as the build's
            workers set it (brochure.build.workers.COLLECTOR_THRESHOLDS, the imports frozen),
            not Python's defaults: what the build gains by that alone, apart from its overheads.
warm:       the first group of DIR/manifest.json (one edition's layouts and its PDF) once
            (imports, fonts), then N more times, each timed: what a warm worker of `watch`
            would take at best for that edition.
"""
from __future__ import annotations

import gc
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def typeset_group(directory: Path, root: Path, group: dict, fonts) -> dict:
    import weasyprint  # noqa: F401  (its import is timed)

    start = time.perf_counter()
    laid_out, seconds = [], []
    for name in group["layouts"]:
        t = time.perf_counter()
        html = (directory / name).read_text(encoding="utf-8")
        laid_out.append(weasyprint.HTML(string=html, base_url=f"{root}/").render(
            font_config=fonts))
        seconds.append(time.perf_counter() - t)
    for index, variant in group["writes"]:
        laid_out[index].write_pdf(pdf_variant=variant)
    return {"group": group["group"], "seconds": time.perf_counter() - start,
            "layouts": seconds}


def main() -> int:
    mode = sys.argv[1]
    t = time.perf_counter()
    import weasyprint  # noqa: F401  (its import is timed)
    from weasyprint.text.fonts import FontConfiguration
    result: dict = {"import_seconds": time.perf_counter() - t}
    fonts = FontConfiguration()
    if "--collector=build" in sys.argv:
        from brochure.build.workers import COLLECTOR_THRESHOLDS
        gc.freeze()
        gc.set_threshold(*COLLECTOR_THRESHOLDS)
    if mode == "sequential":
        directory, root = Path(sys.argv[2]), Path(sys.argv[3])
        manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
        t = time.perf_counter()
        result["runs"] = [typeset_group(directory, root, group, fonts) for group in manifest]
        result["wall_seconds"] = time.perf_counter() - t
    else:
        directory, root, rounds = Path(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4])
        group = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))[0]
        times = [typeset_group(directory, root, group, fonts)["seconds"]
                 for _ in range(rounds + 1)]
        result["first"], result["seconds"] = times[0], times[1:]
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
