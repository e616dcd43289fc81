"""`watch`: a live preview in the browser, and the typeset pages moments after each save.

The server (stdlib http.server, a thread per request) keeps what it shows in memory: the web
edition as output/web/ will have it (/ Polish, /en/ English, its stylesheet and fonts; its PDF
links answered from OUTPUT/web/pdf/), the HTML of the screen PDFs as A4 sheets (/a4, /a4-en,
/a4-pl-en, with a preview-only stylesheet /preview.css, never in the PDF), and the proof view of
each edition (/proof/pl, /proof/pl-a5, ...): its typeset pages as images (pdftoppm; without it,
the browser's PDF viewer), with the build's warnings for that edition beside them, each linking
to its file and line (/source/...). A thread watches content/, templates/ and styles/ with
watchfiles; after a change it loads the content again and renders the page the browser shows
first (Jinja2 and Markdown, no typesetting: a fraction of a second; the other pages when asked
for), bumps the version and tells the open pages over server-sent events (/events); each
takes the new page's body in place (a new head, such as the error page's, reloads it) and
listens again, saying which version it shows. A content error shows a box with file:line:
message instead of the page until a change fixes it.

The PDFs follow once the open pages have loaded the change (at most SETTLE seconds: the browser
gets the processors first), in worker processes kept warm across changes (WeasyPrint imported, fonts
configured, their last layouts remembered): first the edition the browser shows, whose proof is
served as soon as its PDF is written (sooner still when one section alone changed: the worker
that holds the last layout sets that section alone and puts its pages in place of the old ones,
pipeline.quick_proof, while another lays out the whole edition), then every edition, built into
the output folder as `build` does (the edition typeset already is not typeset again). A change
meanwhile drops that work, queued and running, and starts again; its report names every change
since the last one.
"""
from __future__ import annotations

import html
import mimetypes
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import CancelledError
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import jinja2
import watchfiles

from .. import content, filedigest, resources, invocation
from ..build import output, pipeline, run, workers
from ..content import translation
from ..content.editions import select
from ..diagnostics import DATA_GAP, Diagnostic
from ..errors import BrochureError, ContentError
from ..model import Publication
from ..render import html as render, web, webimages

GREY = "#7d848c"
PREVIEW_CSS = f"""\
/* python build.py watch only (never in the PDF): the document as A4 sheets on a grey desk.
   The page margins of styles/brochure.css (@page) become the padding of each sheet. */
@media screen {{
  html {{ background: {GREY}; }}
  body {{ margin: 0; padding: 8mm 0 1px; }}
  .cover, .contents, .section, .back-cover {{
    box-sizing: border-box; width: 210mm; min-height: 297mm; margin: 0 auto 8mm;
    padding: 20mm 20mm 22mm; background: #fff; box-shadow: 0 1mm 4mm rgba(0, 0, 0, .45); }}
  .cover, .back-cover {{ padding: 0; background: #14304f; overflow: hidden; }}
  .contents {{ padding-top: 50mm; }}
  /* break-before: page inside a section (the list of meetings): a gap, then a new sheet */
  .section .events {{ margin-top: 22mm; }}
  .section .events > caption::before {{ content: ""; display: block; height: 8mm;
    margin: 0 -20mm 20mm; background: {GREY}; }}
  .watch-nav {{ position: fixed; top: 8px; right: 8px; padding: 6px 8px; border-radius: 4px;
    background: rgba(20, 48, 79, .9); font: 13px/1 system-ui, sans-serif; z-index: 10; }}
  .watch-nav a {{ color: #fff; margin: 0 5px; }}
  .watch-nav a[aria-current] {{ font-weight: 700; text-decoration: underline; }}
}}
@media print {{ .watch-nav {{ display: none; }} }}
.watch-error {{ max-width: 180mm; margin: 20mm auto; padding: 6mm 8mm; background: #fff5f5;
  border: 1mm solid #c62828; border-left-width: 4mm; color: #3b0a0a;
  font: 16px/1.45 system-ui, sans-serif; box-shadow: 0 1mm 4mm rgba(0, 0, 0, .45); }}
.watch-error h1 {{ margin: 0 0 4mm; color: #c62828; font-size: 22px; }}
.watch-error pre {{ margin: 0 0 4mm; white-space: pre-wrap; font: 15px/1.45 monospace; }}
"""
REMEMBER = 2        # layouts each worker keeps (the edition viewed and its print edition)


# Once loaded, the page listens (saying which version it shows, so that `watch` knows it has
# loaded) and after a change takes the new page's body in place: no reload, the same scroll
# position; a new head (a stylesheet, the error page) or a failure reloads it whole.
RELOAD = """<script data-watch="{version}">(function () {{
  var version = document.currentScript.dataset.watch;
  function head(doc) {{
    var copy = doc.head.cloneNode(true);
    copy.querySelectorAll("script[data-watch]").forEach(function (s) {{ s.remove(); }});
    return copy.innerHTML;
  }}
  function update() {{
    fetch(location.href, {{cache: "no-store"}}).then(function (r) {{
      if (!r.ok) throw new Error(r.status);
      return r.text();
    }}).then(function (text) {{
      var next = new DOMParser().parseFromString(text, "text/html");
      var mark = next.querySelector("script[data-watch]");
      if (!mark || head(next) !== head(document) || next.body.querySelector("script")) {{
        return location.reload();
      }}
      document.body.replaceWith(document.adoptNode(next.body));
      version = mark.dataset.watch;
      listen();
    }}).catch(function () {{ location.reload(); }});
  }}
  function listen() {{
    var events = new EventSource("/events?view=" + encodeURIComponent(location.pathname)
                                 + "&version=" + version);
    events.onmessage = function (e) {{
      if (e.data !== version) {{ events.close(); update(); }}
    }};
  }}
  if (document.readyState === "complete") listen(); else addEventListener("load", listen);
}})();</script>"""
SETTLE = 1.0        # seconds the PDFs wait at most for the open pages to load a change
ERROR_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Error: {title}</title>
<link rel="stylesheet" href="/preview.css">{reload}</head>
<body><div class="watch-error" role="alert"><h1>The brochure cannot be rendered</h1>
<pre>{message}</pre><p>Fix the file and save it: this page reloads by itself.</p></div>
</body></html>
"""


@dataclass
class Rendering:
    """The content as one change left it, and its pages as far as they were asked for."""
    pub: Publication | None        # None after an error
    env: jinja2.Environment | None
    downloads: list                # the PDFs in OUTPUT/web/pdf/ (the web pages list them)
    version: str
    pages: dict = field(default_factory=dict)     # URL path -> bytes (with the reload script)
    rendered: dict = field(default_factory=dict)  # the PDFs' HTML (pipeline.edition_job)
    pictures: dict = field(default_factory=dict)  # path -> the copy the web pages show
    lock: threading.RLock = field(default_factory=threading.RLock)


class Preview:
    """The rendered pages (or the error page), their version, the open pages (viewers) and
    the proofs of the editions, shared by the threads."""

    def __init__(self, root: Path, progress, output: Path = Path("output"), languages=None):
        self.root, self.progress, self.output, self.languages = root, progress, output, languages
        self.started = f"{time.time_ns():x}"
        self.count = 0
        self.error_page: bytes | None = None
        self.state = Rendering(None, None, [], self.version)
        self.page_names = {"index.html"}
        self.closed = False
        self.changed = threading.Condition()
        # an open page -> (since, its path, the version it shows: None for a proof view)
        self.viewers: dict[int, tuple[float, str, str | None]] = {}
        self.reloading = 0        # the open pages that showed the version before this one
        self.proofs = Proofs(self.changed)
        self.theme_stamp: tuple | None = None

    @property
    def version(self) -> str:
        return f"{self.started}.{self.count}"

    @property
    def pub(self) -> Publication | None:
        return self.state.pub

    def refresh(self, what="") -> bool:
        """Load the content again and render the page the browser shows (the others when asked
        for); False (and the error page) on an error."""
        t = time.perf_counter()
        error = None
        try:
            pub = content.load(self.root)
            env = self._environment(pub)
            downloads = web.existing_downloads(self.output, pub.editions)
        except Exception as err:    # the content, a template or a builder bug: show it
            pub, env, downloads, error = None, None, [], _problem(err)
        with self.changed:
            self._next_version()
            self.state = Rendering(pub, env, downloads, self.version)
            if error is None:      # while there is an error, these pages show it
                self.page_names = {web.page_path(lang, self._web_languages(pub))
                                   for lang in self._web_languages(pub)}
            self.error_page = None if error is None else self._error_page(error)
            first = self._viewed_path()
        if error is None:
            try:
                self.page(first, errors=True)       # the page the browser shows: at once
            except Exception as err:    # a template error: every page shows it
                error = _problem(err)
                with self.changed:
                    self.error_page = self._error_page(error)
        with self.changed:
            self.changed.notify_all()
        if error:
            self.progress.warn(f"  {time.strftime('%H:%M:%S')}  {error}")
        else:
            self.progress.info(f"  {time.strftime('%H:%M:%S')}  {what}preview rendered in "
                               f"{time.perf_counter() - t:.2f} s")
        return error is None

    def relist(self) -> None:
        """After a build: the open pages reload only if the PDFs they list changed as they
        show them (their names, pages and sizes in kB or MB); the content is not read again."""
        with self.changed:
            state = self.state
        if state.pub is None or self.error_page is not None:
            return
        downloads = web.existing_downloads(self.output, state.pub.editions)
        if web.listed(downloads) == web.listed(state.downloads):
            return
        with self.changed:
            if self.state is not state:
                return               # a change came meanwhile: its pages list these PDFs
            self._next_version()
            self.state = Rendering(state.pub, state.env, downloads, self.version,
                                   rendered=state.rendered, pictures=state.pictures)
            first = self._viewed_path()
        self.page(first)
        with self.changed:
            self.changed.notify_all()

    def _next_version(self) -> None:
        # the pages showing the version before (a page gone may be listed a while: its
        # connection is found closed at its next message)
        self.reloading = sum(version == self.version for _, _, version in self.viewers.values())
        self.count += 1

    def settled(self, timeout: float = SETTLE) -> None:
        """Wait until the open pages have loaded the current version (at most timeout): the
        browser loads the change before the PDFs take the processors."""
        with self.changed:
            self.changed.wait_for(
                lambda: self.closed or self.reloading <= sum(
                    version == self.version for _, _, version in self.viewers.values()),
                timeout)

    def _environment(self, pub: Publication) -> jinja2.Environment:
        """The Jinja2 environment of the publication's theme, kept while the theme and its
        files are unchanged (it compiles each template once; its loader reloads a template
        changed on disk)."""
        stamp = (pub.theme, pipeline.theme_stamp(pub.theme))
        if stamp != self.theme_stamp or self.state.env is None:
            self.theme_stamp, env = stamp, render.environment(pub.theme)
            return env
        return self.state.env

    def _web_languages(self, pub) -> list:
        return [lang for lang in pub.languages if lang in (self.languages or pub.languages)]

    def _error_page(self, error: Diagnostic) -> bytes:
        return ERROR_PAGE.format(title=html.escape(error.file or "the build"),
                                 reload=RELOAD.format(version=self.version),
                                 message=html.escape(str(error), quote=False)).encode("utf-8")

    def routes(self) -> dict:
        """URL path -> id of a screen edition with an HTML preview: /a4 for the first,
        /a4-<id> for the others (/a4-en, /a4-pl-en)."""
        pub = self.state.pub
        screen = [e.id for e in (pub.editions if pub else ()) if e.html]
        return {("/a4" if i == 0 else f"/a4-{ident}"): ident for i, ident in enumerate(screen)}

    def page(self, path: str, errors=False):
        """The bytes at a URL path (a page or a file of the web edition), or None; rendered on
        the first request after a change. A page that cannot be rendered is the error page
        (errors: its exception is raised)."""
        with self.changed:
            state, error_page = self.state, self.error_page
        routes = self.routes()
        if path in routes:
            return error_page or self._a4(state, routes[path])
        if error_page and (path == "/a4" or path.startswith("/a4-")):
            return error_page          # the content cannot be read: no edition is known
        name = path.lstrip("/") + ("index.html" if path.endswith("/") else "")
        if error_page and name in self.page_names:
            return error_page
        if state.pub is None:
            return None
        with state.lock:
            if name not in state.pages:
                try:
                    state.pages[name] = self._site_file(state, name)
                except Exception as err:    # a template of the web edition, or a bug
                    if errors:
                        raise
                    return self._error_page(_problem(err))
            return state.pages[name]

    def _site_file(self, state: Rendering, name: str):
        """A file of the web edition: a page (with the reload script), its stylesheet, icon,
        fonts or pictures; None for any other name."""
        pub = state.pub
        assert pub is not None
        languages = self._web_languages(pub)
        pages = {web.page_path(lang, languages): lang for lang in languages}
        if name in pages:
            page = web.page(pub, pages[name], languages, state.downloads, state.env,
                            state.pictures).encode()
            return _with_reload(page, RELOAD.format(version=state.version))
        if name == "web.css":
            return web.stylesheet(pub).encode()
        if name == "favicon.svg":
            return web.favicon(pub).encode()
        if name.startswith("fonts/"):
            return dict(web.font_files(pub.theme)).get(name)
        if not name.startswith(f"{webimages.FOLDER}/"):
            return None
        if name not in state.pictures:     # a picture's copy: made as its page is rendered
            for page_name in pages:
                self.page("/" + page_name.removesuffix("index.html"))
        return state.pictures.get(name)

    def _a4(self, state: Rendering, edition_id: str):
        """The HTML of a screen PDF as A4 sheets."""
        name = f"/a4:{edition_id}"
        editions = {e.id: e for e in state.pub.editions if e.html} if state.pub else {}
        if edition_id not in editions:
            return None
        with state.lock:
            if name not in state.pages:
                try:
                    html_ = pipeline.edition_html(state.pub, editions[edition_id], state.env,
                                                  state.rendered)
                    state.pages[name] = _decorate(html_, edition_id, editions,
                                                  RELOAD.format(version=state.version))
                except Exception as err:    # a template of the PDFs only, or a builder bug
                    state.pages[name] = self._error_page(_problem(err))
            return state.pages[name]

    # --- the open pages, and what they are waiting for ----------------------------------

    def viewing(self, viewer: int, path: str | None, version: str | None = None) -> None:
        """An open page (an /events connection) shows path, at version (a page of the
        preview; None: a proof view); path None: it closed."""
        with self.changed:
            if path is None:
                self.viewers.pop(viewer, None)
            else:
                self.viewers[viewer] = (time.monotonic(), path, version)
            self.changed.notify_all()

    def _viewed_path(self) -> str:
        return max(self.viewers.values(), key=lambda v: v[0])[1] if self.viewers else "/"

    def viewed_edition(self, editions) -> str | None:
        """The id of the edition the page opened last shows (of `editions`, the ones built);
        the first screen edition when no page is open or it shows none of them."""
        with self.changed:
            path = self._viewed_path()
        ids = [e.id for e in editions]
        screen = [e for e in editions if e.html]
        wanted = None
        if path.startswith("/proof/"):
            wanted = path.removeprefix("/proof/").strip("/")
        elif path == "/a4" or path.startswith("/a4-"):
            wanted = self.routes().get(path)
        else:
            lang = path.strip("/").split("/")[0]
            wanted = next((e.id for e in screen if e.languages == (lang,)), None)
        if wanted in ids:
            return wanted
        return screen[0].id if screen else (ids[0] if ids else None)

    def wait(self, seen: tuple, timeout: float) -> tuple:
        """(version, proofs' stamp) once either differs from `seen` (or after timeout)."""
        with self.changed:
            self.changed.wait_for(lambda: self._seen() != seen or self.closed, timeout)
            return self._seen()

    def _seen(self) -> tuple:
        return self.version, self.proofs.stamp

    def close(self):
        with self.changed:
            self.closed = True
            self.changed.notify_all()


@dataclass
class Proof:
    """The last PDF of one edition, as the proof view shows it."""
    pdf: bytes | None = None
    pages: int = 0
    made: int = 0                  # which PDF: its images' URLs change with it
    warnings: list = field(default_factory=list)    # Diagnostics for this edition
    status: str = ""               # when and after what it was typeset, or what it waits for
    error: str = ""                # why the last attempt made no PDF
    images: dict = field(default_factory=dict)      # page number -> PNG bytes
    spliced: bool = False          # the changed section set into the last layout (whole next)


class Proofs:
    """The proof of each edition, and a stamp that changes with any of them (the open proof
    pages wait for it, with the preview's condition)."""

    def __init__(self, changed: threading.Condition):
        self.changed = changed
        self.by_edition: dict[str, Proof] = {}
        self.stamp = 0
        self.stamps: dict[str, int] = {}     # edition id -> the stamp of its last change
        self.made = 0

    def get(self, edition_id: str) -> Proof:
        with self.changed:
            return self.by_edition.setdefault(edition_id, Proof())

    def update(self, edition_id: str, pdf=None, pages=0, warnings=None, status=None,
               error=None, spliced=False) -> None:
        """A new PDF (its pages, the warnings for it; spliced: made of the last layout and the
        changed section), or a new status or error alone."""
        with self.changed:
            proof = self.by_edition.setdefault(edition_id, Proof())
            if pdf is not None and pdf != proof.pdf:
                self.made += 1
                proof.pdf, proof.pages, proof.made, proof.images = pdf, pages, self.made, {}
            if pdf is not None:     # the same bytes, when the whole edition's: no longer spliced
                proof.spliced = spliced
            if warnings is not None:
                proof.warnings = list(warnings)
            if status is not None:
                proof.status = status
            if error is not None:
                proof.error = error
            self.stamp += 1
            self.stamps[edition_id] = self.stamp
            self.changed.notify_all()

    def image(self, edition_id: str, made: int, number: int):
        """PNG bytes of a page of the edition's PDF number `made` (pdftoppm at 72 dpi, once),
        or None."""
        with self.changed:
            proof = self.by_edition.get(edition_id)
            if proof is None or proof.made != made or not 1 <= number <= proof.pages:
                return None
            if number in proof.images:
                return proof.images[number]
            pdf = proof.pdf
        png = page_image(pdf, number) if pdf else None
        with self.changed:
            if proof.made == made and png:
                proof.images[number] = png
        return png


PDFTOPPM = "pdftoppm"
IMAGE_DPI = 72


def page_image(pdf: bytes, number: int) -> bytes | None:
    """One page of a PDF as PNG bytes (poppler's pdftoppm); None without pdftoppm."""
    if shutil.which(PDFTOPPM) is None:
        return None
    done = subprocess.run([PDFTOPPM, "-r", str(IMAGE_DPI), "-png", "-f", str(number), "-l",
                           str(number), "-"], input=pdf, capture_output=True, timeout=60)
    return done.stdout if done.returncode == 0 and done.stdout else None


PROOF_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Proof: {title}</title>
<link rel="stylesheet" href="/preview.css"><link rel="stylesheet" href="/proof.css">
<script>new EventSource("/events?view=" + encodeURIComponent(location.pathname))
.addEventListener("proof", function (e) {{
  var seen = e.data.split(" "); if (seen[0] === "{edition}" && seen[1] !== "{stamp}") location.reload(); }});
</script></head>
<body class="proof">
<header><h1>{title}</h1><p class="proof-status" role="status">{status}</p></header>
<main>
<section class="proof-pages" aria-label="Typeset pages">
{pages}
</section>
<aside class="proof-warnings" aria-label="Warnings for this edition">
<h2>{count}</h2>
<ul>
{warnings}
</ul>
</aside>
</main>
<nav class="watch-nav" aria-label="Editions">{links}</nav>
</body></html>
"""
PROOF_CSS = """\
body.proof { margin: 0; padding: 8mm 8mm 1px; font: 15px/1.45 system-ui, sans-serif; }
.proof header { color: #fff; margin: 0 0 4mm; }
.proof header h1 { font-size: 18px; margin: 0; }
.proof-status { margin: 1mm 0 0; }
.proof main { display: flex; gap: 8mm; align-items: flex-start; }
.proof-pages { display: flex; flex-wrap: wrap; gap: 6mm; flex: 1 1 auto; }
.proof-pages img { display: block; background: #fff; box-shadow: 0 1mm 4mm rgba(0, 0, 0, .45); }
.proof-pages iframe { width: 100%; height: 90vh; border: 0; background: #fff; }
.proof-warnings { flex: 0 0 26em; position: sticky; top: 8mm; max-height: 90vh; overflow: auto;
  padding: 4mm 5mm; background: #fff; box-shadow: 0 1mm 4mm rgba(0, 0, 0, .45); }
.proof-warnings h2 { font-size: 16px; margin: 0 0 2mm; }
.proof-warnings ul { margin: 0; padding: 0 0 0 1.2em; }
.proof-warnings li { margin: 0 0 2mm; }
.proof-warnings li.error { color: #8e1b1b; }
.proof-warnings a { color: #0b4f8a; }
"""
SOURCE_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<style>body {{ margin: 0; font: 14px/1.5 monospace; }} h1 {{ font: 700 15px system-ui; margin: 4mm; }}
ol {{ margin: 0; padding: 0 0 0 5em; }} li {{ white-space: pre-wrap; padding: 0 4mm; }}
li:target {{ background: #fff3b0; outline: 2px solid #c9a400; }}</style></head>
<body><h1>{title}</h1><ol>
{lines}
</ol></body></html>
"""


def proof_page(preview, edition_id: str) -> bytes | None:
    """The proof view of an edition: its typeset pages, its warnings, the other editions."""
    pub = preview.pub
    editions = {e.id: e for e in pub.editions} if pub else {}
    if edition_id not in editions:
        return None
    proof = preview.proofs.get(edition_id)
    with preview.changed:
        stamp = preview.proofs.stamps.get(edition_id, 0)
        pdf, pages, made = proof.pdf, proof.pages, proof.made
        status, error, warnings = proof.status, proof.error, list(proof.warnings)
    edition = editions[edition_id]
    name = edition.pdf.rsplit("/", 1)[-1]
    if pdf is None:
        shown = '<p class="proof-empty">Not typeset yet.</p>'
    elif shutil.which(PDFTOPPM) is None:
        shown = (f'<iframe src="/proof/{edition_id}.pdf?v={made}" title="{name}"></iframe>'
                 f'<p>(install poppler-utils for the pages as images)</p>')
    else:
        width, height = (420, 595) if edition.size == "A5" else (595, 842)
        shown = "\n".join(
            f'<img src="/proof/{edition_id}/{made}/{n}.png" width="{width}" height="{height}" '
            f'alt="Page {n} of {pages}" loading="{"eager" if n <= 4 else "lazy"}">'
            for n in range(1, pages + 1))
    items = [f'<li class="error">{html.escape(error)}</li>'] if error else []
    items += [f'<li class="{d.level}">{_linked(preview.root, d)}</li>' for d in warnings
              if d.code != DATA_GAP]
    gaps = [f'<li class="{d.level}">{_linked(preview.root, d)}</li>' for d in warnings
            if d.code == DATA_GAP]
    if gaps:        # they stand on every build: folded, so that a new warning stands out
        items.append(f'<li class="gaps"><details><summary>{len(gaps)} known gaps in the data '
                     f'(facts the sources do not give yet)</summary><ul>\n'
                     + "\n".join(gaps) + "\n</ul></details></li>")
    links = " ".join(f'<a href="/proof/{ident}"' + (' aria-current="page"' if ident == edition_id
                                                    else "") + f">{ident}</a>"
                     for ident in editions)
    count = len(warnings) + bool(error)
    return PROOF_PAGE.format(
        title=html.escape(f"{name} ({edition_id})"), edition=edition_id, stamp=stamp,
        status=html.escape(status or "waiting for the first build")
        + (f' · <a href="/proof/{edition_id}.pdf?v={made}">the PDF</a>' if pdf else ""),
        pages=shown, count=f"{count} warning{'s' * (count != 1)}" if count else "No warnings",
        warnings="\n".join(items), links=links).encode("utf-8")


def _linked(root: Path, diagnostic: Diagnostic) -> str:
    """A diagnostic as the proof view lists it: its file:line a link to that line."""
    text = html.escape(str(diagnostic))
    where = source_path(root, diagnostic.file)
    if where is None:
        return text
    shown = html.escape(f"{diagnostic.file}" + (f":{diagnostic.line}" if diagnostic.line else ""))
    anchor = f"#L{diagnostic.line}" if diagnostic.line else ""
    rest = text[len(shown):]
    return f'<a href="/source/{html.escape(where)}{anchor}">{shown}</a>{rest}'


def source_path(root: Path, file: str | None) -> str | None:
    """The path inside the content folder of a file as messages name it (`content/pl/01.md`:
    the folder's name, then the path), or None when it is not one of its files."""
    prefix = f"{Path(root).name}/"
    if not file or not file.startswith(prefix):
        return None
    return file.removeprefix(prefix)


def source_page(root: Path, rel: str) -> bytes | None:
    """A text file of the content folder with its lines numbered (/source/...#L12 marks one);
    None outside the folder or for anything but a text file of it."""
    base = Path(root).resolve()
    target = (base / rel).resolve()
    if not target.is_relative_to(base) or not target.is_file() \
            or filedigest.size_problem(target.stat()) or target.stat().st_size > 4_000_000:
        return None
    try:
        text = target.read_text(encoding="utf-8-sig")
    except (UnicodeDecodeError, OSError):
        return None
    lines = "\n".join(f'<li id="L{n}">{html.escape(line) or " "}</li>'
                      for n, line in enumerate(text.split("\n"), start=1))
    return SOURCE_PAGE.format(title=html.escape(f"{Path(root).name}/{rel}"),
                              lines=lines).encode("utf-8")


class Builder:
    """The PDFs after each change, one run at a time: work(changes, stale) does a run, where
    changes names the changes since the last run that finished and stale() tells whether a
    newer change came. A change during a run drops its work (cancel: the queued and running
    typesetting) and starts another run."""

    def __init__(self, work, progress, cancel=None):
        self.work, self.progress = work, progress
        self.cancel = cancel or (lambda: None)
        self.wanted, self.lock = threading.Event(), threading.Lock()
        self.stopping, self.generation, self.running = False, 0, False
        self.pending: list[str] = []
        self.thread = threading.Thread(target=self._loop, daemon=True)
        self.thread.start()

    def request(self, what=""):
        """Build again for a change (`what` names it, for the line that says it is built)."""
        with self.lock:
            if what and what not in self.pending:
                self.pending.append(what)
            self.generation += 1
            running = self.running
        if running:
            self.cancel()           # the run in hand is stale: its work is dropped now
        self.wanted.set()

    def _loop(self):
        while True:
            self.wanted.wait()
            with self.lock:
                if self.stopping:
                    return
                self.wanted.clear()
                changes, generation, self.running = list(self.pending), self.generation, True
            try:
                self.work(changes, lambda run=generation: self.stopping or self.generation != run)
            except CancelledError:      # a newer change: the next run names these ones too
                continue
            except Exception as err:    # a bug of the builder: say it, keep watching
                self.progress.warn(f"  {time.strftime('%H:%M:%S')}  PDF rebuild failed: "
                                   f"internal error: {type(err).__name__}: {err}")
            finally:
                with self.lock:
                    self.running = False
            with self.lock:
                self.pending = [c for c in self.pending if c not in changes]

    def stop(self, timeout=30):
        """Drop the work in hand and end."""
        with self.lock:
            self.stopping = True
            running = self.running
        if running:
            self.cancel()
        self.wanted.set()
        self.thread.join(timeout)


class _RunPool:
    """The worker pool as one run sees it: its calls tagged with the run, refused once a newer
    change made the run stale."""

    def __init__(self, pool, stale, tag):
        self.pool, self.stale, self.tag = pool, stale, tag
        self.remember = pool.remember

    def submit(self, function, *args, priority=0, tag=None, affinity=None):
        if self.stale():
            raise CancelledError()
        return self.pool.submit(function, *args, priority=priority, tag=self.tag,
                                affinity=affinity)

    def cancel(self, which=None):
        self.pool.cancel(lambda tag: tag is self.tag)


class _Quiet:
    """The progress of a build that `watch` runs: its stage lines are not shown."""

    def stage(self, label, start):
        pass

    def took(self, label, seconds):
        pass

    def info(self, text):
        pass

    detail = warn = error = info

    def report(self, diagnostic):
        pass


class Pdfs:
    """A run of the PDFs after a change: the proof of the edition the browser shows, then every
    edition built into the output folder, in the warm worker processes of `pool`."""

    def __init__(self, preview: Preview, pool, args, progress, on_built=None, build=None):
        self.preview, self.pool, self.progress = preview, pool, progress
        self.content, self.output, self.langs = args.content, args.output, args.lang
        self.timeout = args.timeout
        self.on_built = on_built           # after a build that succeeded (the new PDF sizes)
        self.build = build or self._build  # build(pool, known) -> run.Built
        self.proof_keys: dict[str, str] = {}   # edition id -> cache key of its last proof
        self.layout_keys: dict[str, str] = {}  # edition id -> layout key of its last proof

    def __call__(self, changes, stale):
        self.preview.settled()
        started = time.perf_counter()
        after = f" after {'; '.join(changes)}" if changes else ""
        tag = object()
        pool = _RunPool(self.pool, lambda: stale(), tag)
        known: dict = {}
        try:
            self.proof(pool, known, after, started)
            built = self.build(pool, known)
        except BrochureError as err:
            if stale():
                raise CancelledError() from None
            self._failed(err, after, time.perf_counter() - started)
            return
        except CancelledError:
            raise
        except Exception:
            if stale():
                raise CancelledError() from None
            raise
        self._built(built, after, time.perf_counter() - started)

    def _build(self, pool, known):
        return run.build(self.content, self.output, _Quiet(), langs=self.langs,
                         timeout=self.timeout, pool=pool, known=known)

    def proof(self, pool, known, after, started) -> None:
        """The viewed edition's PDF, typeset first (its warnings meanwhile), served at once."""
        state = self.preview.state
        if state.pub is None:
            return                      # the content cannot be read: the build says why
        editions = select(state.pub.editions, self.langs)
        edition_id = self.preview.viewed_edition(editions)
        if edition_id is None:
            return
        edition = next(e for e in editions if e.id == edition_id)
        with state.lock:
            job = pipeline.edition_job(state.pub, edition, state.env, state.rendered)
        key = pipeline.job_key(job)
        if self.proof_keys.get(edition_id) == key:
            return                      # the change left this edition as it was
        self.preview.proofs.update(edition_id, status=f"typesetting{after}…", error="")
        old = self.layout_keys.get(edition_id)      # the worker that holds it splices
        quick = pool.submit(pipeline.quick_proof, job, old, priority=-2, affinity=old) \
            if old and not edition.print else None
        future = pool.submit(pipeline.run_jobs, [job], pool.remember, priority=-1,
                             affinity=pipeline.layout_key(job))
        found = _content_findings(state.pub)
        if quick is not None:
            self._spliced(quick, edition, after, started)
        (result,) = future.result()
        known[key] = result
        self.proof_keys[edition_id] = key
        self.layout_keys[edition_id] = pipeline.layout_key(job)
        took = time.perf_counter() - started
        warnings = _for_edition(state.pub, edition, found + run.plan_report([result])
                                + result.warnings)
        pdf = next(f for f in result.files if f[0] == edition.pdf)
        self.preview.proofs.update(
            edition_id, pdf=pdf[1], pages=pdf[2], warnings=warnings,
            status=f"typeset {time.strftime('%H:%M:%S')} in {took:.1f} s{after}")
        self.progress.info(f"  {time.strftime('%H:%M:%S')}  {edition.pdf} typeset in "
                           f"{took:.1f} s{after}, first: the proof of {edition_id}")

    def _spliced(self, quick, edition, after, started) -> None:
        """The changed section typeset into the edition's last layout, shown until the whole
        edition's proof follows (which says what is wrong, if anything is)."""
        try:
            made = quick.result()
        except CancelledError:
            raise
        except Exception:       # noqa: BLE001 (the whole edition's proof reports it)
            return
        if made is None:
            return
        took = time.perf_counter() - started
        clock = time.strftime("%H:%M:%S")
        self.preview.proofs.update(edition.id, pdf=made[0], pages=made[1], spliced=True,
                                   status=f"the changed section typeset {clock} in {took:.1f} s"
                                          f"{after}; the whole edition follows…")
        self.progress.info(f"  {clock}  {edition.pdf}: the changed section typeset in "
                           f"{took:.1f} s{after}, into its last layout")

    def _built(self, built, after, took):
        clock = time.strftime("%H:%M:%S")
        warnings = _as_build_reports(built.warnings + [w for r in built.results
                                                       for w in r.warnings])
        self.progress.info(f"  {clock}  PDFs rebuilt in {took:.1f} s into {self.output}/"
                           f"{after}" + (f" ({len(warnings)} warning{'s' * (len(warnings) != 1)})"
                                         if warnings else ""))
        for diagnostic in warnings:
            self.progress.warn(f"            {diagnostic}")
        for result in built.results:
            edition = result.edition
            pdf = next((f for f in result.files if f[0] == edition.pdf), None)
            if pdf is None:
                continue
            mine = built.warnings + run.plan_report([result]) + result.warnings
            if self.preview.pub:
                mine = _for_edition(self.preview.pub, edition, mine)
            same = self.preview.proofs.get(edition.id).pdf == pdf[1]
            self.preview.proofs.update(edition.id, pdf=pdf[1], pages=pdf[2] or 0, warnings=mine,
                                       error="", status=None if same else f"built {clock}{after}")
        if self.on_built:
            self.on_built()

    def _failed(self, err, after, took):
        clock = time.strftime("%H:%M:%S")
        diagnostics = getattr(err, "diagnostics", None) or [err.diagnostic]
        shown = "\n".join(str(d) for d in diagnostics)
        self.progress.warn(f"  {clock}  PDF rebuild{after} failed after {took:.1f} s "
                           f"(exit {err.exit_code}):\n{shown}")
        for edition_id in list(self.preview.proofs.by_edition):
            self.preview.proofs.update(edition_id, error=f"the build failed{after}: {shown}",
                                       status=f"not built {clock}{after}")


class _Reported:
    def __init__(self):
        self.found: list = []

    def report(self, diagnostic):
        self.found.append(diagnostic)


def _as_build_reports(diagnostics) -> list:
    """The warnings and errors as `build` tells them (the known data gaps in one line, the
    short pages left to `check`)."""
    from . import build as build_command
    reported = _Reported()
    build_command.report(diagnostics, reported)
    return [d for d in reported.found if d.level != "info"]


def _content_findings(pub) -> list:
    """What the build says of the content: missing data, translations, stale texts."""
    from ..translate import staleness
    return list(pub.warnings) + translation.problems(pub) + staleness.problems(pub)


def _for_edition(pub, edition, diagnostics) -> list:
    """The diagnostics an edition's proof lists: not those about a text file of a language it
    does not hold, nor about another edition's PDF; each once, in order."""
    name = Path(pub.root).name
    others = {f"{name}/{lang}/" for lang in pub.languages} - {
        f"{name}/{lang}/" for lang in edition.languages}
    files = {e.pdf for e in pub.editions} - {edition.pdf}
    seen, found = set(), []
    for d in diagnostics:
        if d.file and (d.file in files or any(d.file.startswith(o) for o in others)):
            continue
        if str(d) not in seen and d.level != "info":
            seen.add(str(d))
            found.append(d)
    return found


def _problem(err: Exception) -> Diagnostic:
    """What the preview shows instead of the page: file, line and message when known."""
    if isinstance(err, ContentError):
        return err.diagnostic
    if isinstance(err, jinja2.TemplateSyntaxError):
        return Diagnostic(_display(err.filename or err.name), err.lineno, "error", err.message or str(err))
    return Diagnostic(None, None, "error", f"internal error: {type(err).__name__}: {err}")


def _with_reload(page: bytes, reload: str) -> bytes:
    """A page of the web edition as the build writes it, and the reload script."""
    return page.replace(b"</head>", f"{reload}\n</head>".encode(), 1)


def _decorate(page: str, edition_id: str, pages: dict, reload: str) -> bytes:
    """The rendered HTML with the preview stylesheet, the reload script and a language switch."""
    first = next(iter(pages))
    links = " ".join(f'<a href="{"/a4" if id_ == first else "/a4-" + id_}"'
                     + (' aria-current="page"' if id_ == edition_id else "")
                     + f">{id_.upper()}</a>" for id_ in pages)
    page = page.replace("</head>", f'<link rel="stylesheet" href="/preview.css">\n{reload}\n'
                                   "</head>", 1)
    page = page.replace("</body>", f'<nav class="watch-nav">{links}</nav>\n</body>', 1)
    return page.encode("utf-8")


LOOPBACK = ("127.0.0.1", "localhost", "[::1]")


def allowed_host(header, port: int) -> bool:
    """Whether a request's Host names this computer's own preview: 127.0.0.1, localhost or
    [::1], with the port. A page of another site that renamed itself to 127.0.0.1 (DNS
    rebinding) still sends its own name, and is refused."""
    return header is not None and header.strip().lower() in {f"{name}:{port}" for name in LOOPBACK}


def request_path(target: str):
    """The decoded path of a request target, or None when it is malformed: not a path from /,
    not UTF-8 once decoded, or holding a control character (%00, a line break)."""
    try:
        raw = urlsplit(target).path
        path = unquote(raw, errors="strict")
    except (ValueError, UnicodeDecodeError):
        return None
    if not path.startswith("/") or any(ord(c) < 32 or ord(c) == 127 for c in path) \
            or "\\" in path:
        return None
    return path


class Server(ThreadingHTTPServer):
    """A thread per request, a queue long enough for a page's burst of requests, and no
    traceback on the terminal when a browser drops a connection."""
    daemon_threads = True
    request_queue_size = 256

    def handle_error(self, request, client_address):
        kind = sys.exc_info()[0]
        if kind is not None and not issubclass(kind, (ConnectionError, TimeoutError)):
            print(f"preview: a request failed ({kind.__name__})", file=sys.stderr, flush=True)


def _handler(preview: Preview):
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            port = self.server.server_address[1]
            if not allowed_host(self.headers.get("Host"), port):
                return self.send(400, f"the preview answers only http://127.0.0.1:{port}/ "
                                      f"(Host: 127.0.0.1:{port} or localhost:{port})".encode(),
                                 "text/plain")
            path = request_path(self.path)
            if path is None:
                return self.send(400, b"malformed path", "text/plain")
            try:
                return self.answer(path)
            except (ConnectionError, TimeoutError):
                raise
            except Exception as err:     # a bug of the preview: one line, no traceback
                self.send(500, f"internal error: {type(err).__name__}".encode(), "text/plain")

        def answer(self, path):
            if path == "/events":
                return self.events(*_view(self.path))
            if path == "/preview.css":
                return self.send(200, PREVIEW_CSS.encode(), "text/css; charset=utf-8")
            if path == "/proof.css":
                return self.send(200, PROOF_CSS.encode(), "text/css; charset=utf-8")
            if path == "/proof" or path.startswith("/proof/"):
                return self.proof(path)
            if path.startswith("/source/"):
                page = source_page(preview.root, path.removeprefix("/source/"))
                return (self.send(200, page, "text/html; charset=utf-8") if page else
                        self.send(404, b"not found: only the content folder's text files",
                                  "text/plain"))
            if path.startswith("/styles/"):      # as the theme finds it (the A4 views' CSS)
                return self.theme_file(path.removeprefix("/"))
            if path.startswith("/pdf/"):       # the web edition's links: the last build's PDFs
                pdfs = (preview.output / web.FOLDER / "pdf").resolve()
                return self.static((pdfs / path.removeprefix("/pdf/")).resolve(), pdfs)
            if not path.endswith("/") and preview.page(path + "/") is not None:
                self.send_response(301)       # /en -> /en/: the page's links are relative
                self.send_header("Location", path + "/")
                return self.end_headers()
            page = preview.page(path)
            if page is None:
                return self.send(404, b"not found: try / (Polish), /en/ (English), /a4, "
                                      b"/a4-en, /a4-pl-en (the PDFs' HTML as A4 sheets), or "
                                      b"/proof (the typeset pages)", "text/plain")
            name = path + "index.html" if path.endswith("/") else path
            kind = ("text/html" if path == "/a4" or path.startswith("/a4-")
                    else mimetypes.guess_type(name)[0])
            charset = "; charset=utf-8" if kind and kind.startswith("text/") else ""
            return self.send(200, page, (kind or "application/octet-stream") + charset)

        def proof(self, path):
            """/proof/ID: the proof view; /proof/ID.pdf its PDF; /proof/ID/MADE/N.png a page."""
            parts = path.removeprefix("/proof").strip("/").split("/")
            pub = preview.pub
            if parts == [""]:
                if pub is None:
                    return self.send(200, preview.error_page or b"", "text/html; charset=utf-8")
                self.send_response(302)
                self.send_header("Location", f"/proof/{pub.editions[0].id}")
                return self.end_headers()
            if len(parts) == 1 and parts[0].endswith(".pdf"):
                pdf = preview.proofs.get(parts[0].removesuffix(".pdf")).pdf
                return (self.send(200, pdf, "application/pdf") if pdf else
                        self.send(404, b"not typeset yet", "text/plain"))
            if len(parts) == 3 and parts[1].isdigit() and parts[2].removesuffix(".png").isdigit():
                png = preview.proofs.image(parts[0], int(parts[1]),
                                           int(parts[2].removesuffix(".png")))
                return (self.send(200, png, "image/png", **{"Cache-Control": "max-age=3600"})
                        if png else self.send(404, b"no such page", "text/plain"))
            if len(parts) == 1:
                page = proof_page(preview, parts[0]) if pub else preview.error_page
                if page:
                    return self.send(200, page, "text/html; charset=utf-8")
            return self.send(404, b"not found: /proof/ID, ID an edition of "
                                  b"publication.yaml", "text/plain")

        def theme_file(self, rel: str):
            with preview.changed:
                pub = preview.pub
            theme = pub.theme if pub else resources.current()
            found = theme.find(os.path.normpath(rel)) if ".." not in rel.split("/") else None
            try:
                target = resources.judged(*found) if found else None
            except resources.ThemeError:
                target = None
            if target is None:
                return self.send(404, b"not found", "text/plain")
            return self.static(target, target.parent)

        def static(self, target: Path, root: Path):
            if not target.is_relative_to(root) or not target.is_file():
                return self.send(404, b"not found", "text/plain")
            if filedigest.size_problem(target.stat()):
                return self.send(404, b"not served: too big", "text/plain")
            stat = target.stat()
            tag = f'"{stat.st_mtime_ns:x}-{stat.st_size:x}"'
            if self.headers.get("If-None-Match") == tag:
                return self.send(304, b"", None, ETag=tag)
            kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
            return self.send(200, target.read_bytes(), kind, ETag=tag)

        def events(self, view, version):
            """Server-sent events: the current version now, then each new one; `proof`
            events when a proof changes: its edition id, stamp (any change), which PDF it
            shows (a new one when it was typeset) and whether that is the whole edition's
            ("whole") or its changed section set into the last layout ("section"). The page
            that listens is the one the browser shows (view: its path)."""
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-cache")
            self.end_headers()
            viewer = id(self)
            if view:
                preview.viewing(viewer, view, version)
            seen, stamps = None, {}
            try:
                self.wfile.write(b"retry: 500\n\n")
                while not preview.closed:
                    now = preview.wait(seen, timeout=15)
                    message = f"data: {now[0]}\n\n" if seen is None or now[0] != seen[0] else ""
                    with preview.changed:
                        current = {ident: (stamp, preview.proofs.by_edition[ident].made,
                                           preview.proofs.by_edition[ident].spliced)
                                   for ident, stamp in preview.proofs.stamps.items()}
                    message += "".join(
                        f"event: proof\ndata: {ident} {stamp} {made} "
                        f"{'section' if spliced else 'whole'}\n\n"
                        for ident, (stamp, made, spliced) in current.items()
                        if stamps.get(ident) != (stamp, made, spliced))
                    self.wfile.write((message or ": still here\n\n").encode())
                    self.wfile.flush()
                    seen, stamps = now, current
            except OSError:     # the page went away
                pass
            finally:
                preview.viewing(viewer, None)

        def send(self, status, body: bytes, kind, **headers):
            self.send_response(status)
            if kind:
                self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            if "Cache-Control" not in headers:
                self.send_header("Cache-Control", "no-cache")
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    return Handler


def _view(target: str) -> tuple[str | None, str | None]:
    """The path of the page an /events request listens for and the version it shows
    (?view=PATH&version=V), each None unless well-formed."""
    try:
        query = parse_qs(urlsplit(target).query, errors="strict")
    except (ValueError, UnicodeDecodeError):
        return None, None
    view, version = query.get("view", [None])[0], query.get("version", [None])[0]
    if not (view and view.startswith("/") and len(view) < 300 and view.isprintable()):
        view = None
    if not (version and len(version) < 40 and all(c in "0123456789abcdef." for c in version)):
        version = None
    return view, (version if view else None)


def serve(args, progress) -> int:
    root = Path(args.content)
    if not root.is_dir():
        progress.warn(f"{args.content}: no such folder; give the content folder with --content")
        return 2
    output.Folder(args.output, root)    # never / or the content folder: its builds go there
    # the workers first: they import WeasyPrint (once, in a fork server) while the preview
    # renders; they keep their last layouts (pipeline.run_jobs)
    pool = workers.Pool(max(1, os.cpu_count() or 1), "forkserver", remember=REMEMBER)
    preview = Preview(root, progress, Path(args.output), args.lang)
    try:
        preview.refresh()
        server = Server(("127.0.0.1", args.port), _handler(preview))
    except OSError as err:
        pool.close()
        progress.warn(f"cannot serve on 127.0.0.1:{args.port}: {err.strerror}; "
                      f"choose another port with --port N")
        return 1
    pdfs = Pdfs(preview, pool, args, progress,
                on_built=preview.relist)
    builder = Builder(pdfs, progress, cancel=lambda: pool.cancel())
    builder.request()                   # the PDFs of the content as it is (or the cache's)
    stop = threading.Event()

    def changed(changes):
        names = sorted({_display(path) for _, path in changes if Path(path).exists()}
                       or {_display(path) for _, path in changes})
        what = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
        if preview.refresh(f"{what}: "):
            builder.request(what)

    def watch():
        try:
            for changes in watchfiles.watch(root, *watched_theme(root), step=10,
                                            debounce=1000, stop_event=stop,
                                            raise_interrupt=False):
                changed(changes)
        except Exception as err:     # e.g. a watched folder was removed: say so, keep serving
            progress.warn(f"watching stopped ({type(err).__name__}: {err}); the preview no "
                          f"longer follows changes: restart {invocation.command()} watch")

    main = threading.current_thread() is threading.main_thread()
    # SIGINT too: a process started in the background inherits SIGINT ignored
    previous = {sig: signal.signal(sig, _interrupt)
                for sig in (signal.SIGTERM, signal.SIGINT)} if main else {}
    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    try:            # from here on, Ctrl-C stops the preview cleanly, whenever it comes
        print(f"preview: {url}  (English: {url}en/; the PDFs' pages: {url}a4, {url}a4-en, "
              f"{url}a4-pl-en; typeset: {url}proof)\nwatching "
              f"{root}/ and the theme's templates and styles; the PDFs are rebuilt into "
              f"{args.output}/ after each change, the edition you look at first. Ctrl-C stops.",
              flush=True)
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        stop.set()
        preview.close()
        server.server_close()
        builder.stop()
        pool.close()
        watcher.join(2)
    progress.info("stopped")
    return 0


def watched_theme(root) -> list:
    """The theme's folders outside the content folder (a theme of the package, or the default):
    watch follows them too (the publication's own theme/ is inside the content folder)."""
    try:
        return content.theme_of(root).watched()
    except BrochureError:
        return resources.default_theme().watched()


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def _display(path) -> str:
    """A path as the user knows it: relative to the current folder when inside it."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return str(path)
