"""The layouts a build makes, recorded for WeasyPrint alone (bench/wp_alone.py) to redo.

    record(pub, editions, folder) -> manifest

Runs the build's typesetting of each layout group (pipeline.run_jobs, in this process) with
WeasyPrint watched: every HTML it lays out (the page plan lays an edition out more than once
when it floats a table, tries tolerances, repeats a month label, keeps the sides in print, pads
with notes pages) is written to folder/<group>-<n>.html, and every PDF written is noted as
(the layout it was written from, its variant). manifest: [{"group": "pl+pl-print", "layouts":
[file, ...], "writes": [[layout index, variant], ...]}, ...], in the build's group order; also
folder/manifest.json.
"""
from __future__ import annotations

import contextlib
import json
from pathlib import Path


@contextlib.contextmanager
def watching():
    """While active: (sources, writes) fill with each HTML laid out and each PDF written."""
    import weasyprint
    from weasyprint.document import Document

    sources: list[str] = []
    writes: list[list] = []
    origin: dict[int, int] = {}            # id(document) -> index of the HTML laid out
    init, render, copy, write = (weasyprint.HTML.__init__, weasyprint.HTML.render,
                                 Document.copy, Document.write_pdf)

    def html_init(self, *args, string=None, **kwargs):
        self._bench_source = string
        init(self, *args, string=string, **kwargs)

    def html_render(self, *args, **kwargs):
        document = render(self, *args, **kwargs)
        sources.append(self._bench_source)
        origin[id(document)] = len(sources) - 1
        return document

    def document_copy(self, *args, **kwargs):
        copied = copy(self, *args, **kwargs)
        origin[id(copied)] = origin.get(id(self), -1)
        return copied

    def document_write(self, *args, **kwargs):
        writes.append([origin.get(id(self), -1), kwargs.get("pdf_variant")])
        return write(self, *args, **kwargs)

    weasyprint.HTML.__init__, weasyprint.HTML.render = html_init, html_render
    Document.copy, Document.write_pdf = document_copy, document_write
    try:
        yield sources, writes
    finally:
        weasyprint.HTML.__init__, weasyprint.HTML.render = init, render
        Document.copy, Document.write_pdf = copy, write


def record(pub, editions, folder: Path) -> list:
    from brochure.build import pipeline
    from brochure.render import html as render

    env = render.environment(pub.theme)
    rendered: dict = {}
    manifest = []
    for group in pipeline._layout_groups(editions):
        jobs = [pipeline.edition_job(pub, edition, env, rendered) for edition in group]
        name = "+".join(edition.id for edition in group)
        with watching() as (sources, writes):
            pipeline.run_jobs(jobs)
        files = []
        for n, source in enumerate(sources):
            files.append(f"{name}-{n}.html")
            (folder / files[-1]).write_text(source, encoding="utf-8")
        manifest.append({"group": name, "layouts": files, "writes": writes})
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    return manifest
