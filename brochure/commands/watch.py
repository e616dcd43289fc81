"""`watch`: a live preview in the browser; the PDFs rebuilt after each change.

The server (stdlib http.server, a thread per request) keeps the rendered pages in memory: the
web edition as output/web/ will have it (/ Polish, /en/ English, its stylesheet and fonts; its
PDF links answered from OUTPUT/web/pdf/), and the HTML of the screen PDFs as A4 sheets (/a4,
/a4-en, /a4-pl-en, with a preview-only stylesheet /preview.css, never in the PDF). A thread
watches content/, templates/ and styles/ with watchfiles; after a change it renders again
(Jinja2 and Markdown, no typesetting: a fraction of a second), bumps the version and tells the
open pages over server-sent events (/events), and they reload. A content error shows a box with
file:line: message instead of the page until a change fixes it. After each change that renders,
the normal build runs in a subprocess into the output folder: one at a time; changes during a
build queue one more; when it is done the web pages are rendered again with the new PDF sizes.
"""
from __future__ import annotations

import html
import mimetypes
import os
import signal
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

import jinja2
import watchfiles

from .. import content, filedigest, resources, invocation
from ..build import output
from ..diagnostics import Diagnostic
from ..errors import BrochureError, ContentError
from ..model import Publication
from ..render import html as render, web
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
RELOAD = ('<script>new EventSource("/events").onmessage = function (e) {{ '
          'if (e.data !== "{version}") location.reload(); }};</script>')
ERROR_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Error: {title}</title>
<link rel="stylesheet" href="/preview.css">{reload}</head>
<body><div class="watch-error" role="alert"><h1>The brochure cannot be rendered</h1>
<pre>{message}</pre><p>Fix the file and save it: this page reloads by itself.</p></div>
</body></html>
"""


class Preview:
    """The rendered pages (or the error page) and their version, shared by the threads."""
    pages: dict[str, bytes]        # edition id -> its A4 view, rendered on the first request
    site: dict[str, bytes]         # path -> the web edition's file, pages with the reload script
    raw_site: dict[str, bytes]     # the same as rendered, to tell whether a refresh changed it
    error_page: bytes | None
    pub: Publication | None        # None until the content first loads, or after an error
    env: jinja2.Environment | None

    def __init__(self, root: Path, progress, output: Path = Path("output"), languages=None):
        self.root, self.progress, self.output, self.languages = root, progress, output, languages
        self.started = f"{time.time_ns():x}"
        self.count, self.pages, self.site, self.raw_site, self.error_page = 0, {}, {}, {}, None
        self.pub = self.env = None
        self.page_names = {"index.html"}
        self.closed = False
        self.changed = threading.Condition()

    @property
    def version(self) -> str:
        return f"{self.started}.{self.count}"

    def refresh(self, what="", only_if_changed=False) -> bool:
        """Render the web edition again; False (and the error page) on an error. The A4 view
        is rendered when asked for (see page). only_if_changed: the open pages reload only if
        a page changed."""
        t = time.perf_counter()
        pub, env, site, error = None, None, {}, None
        try:
            pub = content.load(self.root)
            env = render.environment(pub.theme)
            site = dict(web.pages(pub, web.existing_downloads(self.output, pub.editions), self.languages, env)
                        + web.font_files(pub.theme))
        except Exception as err:    # the content, a template or a builder bug: show it
            error = _problem(err)
        with self.changed:
            if only_if_changed and error is None and self.error_page is None \
                    and site == self.raw_site:
                return True
            self.count += 1
            reload = RELOAD.format(version=self.version)
            self.pub, self.env, self.raw_site, self.pages = pub, env, site, {}
            if error is None:      # while there is an error, these pages show it
                self.page_names = {name for name in site if name.endswith(".html")}
            self.site = {path: _with_reload(data, reload) if path.endswith(".html") else data
                         for path, data in site.items()}
            self.error_page = None if error is None else self._error_page(error)
            self.changed.notify_all()
        if error:
            self.progress.warn(f"  {time.strftime('%H:%M:%S')}  {error}")
        else:
            self.progress.info(f"  {time.strftime('%H:%M:%S')}  {what}preview rendered in "
                               f"{time.perf_counter() - t:.2f} s")
        return error is None

    def _error_page(self, error: Diagnostic) -> bytes:
        return ERROR_PAGE.format(title=html.escape(error.file or "the build"),
                                 reload=RELOAD.format(version=self.version),
                                 message=html.escape(str(error), quote=False)).encode("utf-8")

    def routes(self) -> dict:
        """URL path -> id of a screen edition with an HTML preview: /a4 for the first,
        /a4-<id> for the others (/a4-en, /a4-pl-en)."""
        with self.changed:
            pub = self.pub
        screen = [e.id for e in (pub.editions if pub else ()) if e.html]
        return {("/a4" if i == 0 else f"/a4-{ident}"): ident for i, ident in enumerate(screen)}

    def page(self, path: str):
        """The bytes at a URL path (a page or a file of the web edition), or None."""
        routes = self.routes()
        if path in routes:
            return self._a4(routes[path])
        if self.error_page and (path == "/a4" or path.startswith("/a4-")):
            return self.error_page          # the content cannot be read: no edition is known
        with self.changed:
            name = path.lstrip("/") + ("index.html" if path.endswith("/") else "")
            if self.error_page and name in self.page_names:
                return self.error_page
            return self.site.get(name)

    def _a4(self, edition_id: str):
        """The HTML of a screen PDF as A4 sheets, rendered on the first request after a change."""
        with self.changed:
            if self.error_page or edition_id in self.pages:
                return self.error_page or self.pages[edition_id]
            pub, env, version = self.pub, self.env, self.version
        if pub is None:             # nothing rendered yet: routes() offers no A4 view
            return None
        editions = {e.id: e for e in pub.editions if e.html}
        if edition_id not in editions:
            return None
        reload = RELOAD.format(version=version)
        try:
            page = _decorate(render.render(pub, editions[edition_id], env), edition_id,
                             editions, reload)
        except Exception as err:    # a template of the PDFs only, or a builder bug
            page = self._error_page(_problem(err))
        with self.changed:
            if self.version == version:
                self.pages[edition_id] = page
        return page

    def wait(self, seen: str, timeout: float) -> str:
        with self.changed:
            self.changed.wait_for(lambda: self.version != seen or self.closed, timeout)
            return self.version

    def close(self):
        with self.changed:
            self.closed = True
            self.changed.notify_all()


def _problem(err: Exception) -> Diagnostic:
    """What the preview shows instead of the page: file, line and message when known."""
    if isinstance(err, ContentError):
        return err.diagnostic
    if isinstance(err, jinja2.TemplateSyntaxError):
        return Diagnostic(_display(err.filename or err.name), err.lineno, "error", err.message or str(err))
    return Diagnostic(None, None, "error", f"internal error: {type(err).__name__}: {err}")


def _diagnostics(out: str):
    """The build's --json output: (its diagnostics, the lines that are not one)."""
    found, other = [], []
    for line in out.splitlines():
        try:
            found.append(Diagnostic.from_json(line))
        except (ValueError, TypeError):
            if line.strip():
                other.append(line)
    return found, other


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
                return self.events()
            if path == "/preview.css":
                return self.send(200, PREVIEW_CSS.encode(), "text/css; charset=utf-8")
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
                return self.send(404, b"not found: try / (Polish), /en/ (English), or /a4, "
                                      b"/a4-en, /a4-pl-en (the PDFs' HTML as A4 sheets)",
                                 "text/plain")
            name = path + "index.html" if path.endswith("/") else path
            kind = ("text/html" if path == "/a4" or path.startswith("/a4-")
                    else mimetypes.guess_type(name)[0])
            charset = "; charset=utf-8" if kind and kind.startswith("text/") else ""
            return self.send(200, page, (kind or "application/octet-stream") + charset)

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

        def events(self):
            """Server-sent events: the current version now, then each new one."""
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-cache")
            self.end_headers()
            seen = None
            try:
                self.wfile.write(b"retry: 500\n\n")
                while not preview.closed:
                    version = preview.wait(seen, timeout=15)
                    self.wfile.write(f"data: {version}\n\n".encode() if version != seen
                                     else b": still here\n\n")
                    self.wfile.flush()
                    seen = version
            except OSError:     # the page went away
                pass

        def send(self, status, body: bytes, kind, **headers):
            self.send_response(status)
            if kind:
                self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-cache")
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    return Handler


class Builder:
    """The normal build in a subprocess, one at a time: a request during a build queues one.
    The build runs with --json, so its diagnostics arrive as objects, not lines to parse."""

    def __init__(self, command, output, progress, on_built=None):
        self.command, self.output, self.progress = command, output, progress
        self.on_built = on_built       # after a build that succeeded (the new PDF sizes)
        self.wanted, self.lock = threading.Event(), threading.Lock()
        self.stopping, self.process, self.pending = False, None, []
        self.thread = threading.Thread(target=self._loop, daemon=True)
        self.thread.start()

    def request(self, what=""):
        """Build again for a change (`what` names it, for the line that says it is built)."""
        with self.lock:
            if what and what not in self.pending:
                self.pending.append(what)
        self.wanted.set()

    def _loop(self):
        while True:
            self.wanted.wait()
            with self.lock:
                if self.stopping:
                    return
                self.wanted.clear()
                changes, self.pending = self.pending, []
                started = time.perf_counter()
                self.process = subprocess.Popen(self.command, stdout=subprocess.PIPE,
                                                stderr=subprocess.STDOUT, text=True,
                                                start_new_session=True)
            out, _ = self.process.communicate()
            if self.stopping:
                return
            self._report(out, changes, time.perf_counter() - started)

    def _report(self, out: str, changes: list, took: float):
        clock = time.strftime("%H:%M:%S")
        after = f" after {'; '.join(changes)}" if changes else ""
        diagnostics, other = _diagnostics(out)
        if self.process.returncode == 0:
            warnings = [d for d in diagnostics if d.level == "warning"]
            self.progress.info(f"  {clock}  PDFs rebuilt in {took:.1f} s into {self.output}/"
                               f"{after}" + (f" ({len(warnings)} warning{'s' * (len(warnings) != 1)})"
                                  if warnings else ""))
            for diagnostic in warnings:
                self.progress.warn(f"            {diagnostic}")
            if self.on_built:
                self.on_built()
        else:
            shown = "\n".join([str(d) for d in diagnostics] + other)
            self.progress.warn(f"  {clock}  PDF rebuild{after} failed after {took:.1f} s "
                               f"(exit {self.process.returncode}):\n{shown}")

    def stop(self):
        with self.lock:
            self.stopping = True
            process = self.process
        self.wanted.set()
        if process and process.poll() is None:
            process.send_signal(signal.SIGINT)     # the build stops its workers, writes nothing
            self.thread.join(10)
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)   # its own process group: see Popen
        self.thread.join(5)


def serve(args, progress) -> int:
    root = Path(args.content)
    if not root.is_dir():
        progress.warn(f"{args.content}: no such folder; give the content folder with --content")
        return 2
    output.Folder(args.output, root)    # never / or the content folder: its builds go there
    preview = Preview(root, progress, Path(args.output), args.lang)
    preview.refresh()
    try:
        server = Server(("127.0.0.1", args.port), _handler(preview))
    except OSError as err:
        progress.warn(f"cannot serve on 127.0.0.1:{args.port}: {err.strerror}; "
                      f"choose another port with --port N")
        return 1
    command = [sys.executable, "-m", "brochure", "build", "--json",
               "--content", str(args.content), "--output", str(args.output)]
    command += [arg for lang in args.lang or () for arg in ("--lang", lang)]
    builder = Builder(command, args.output, progress,
                      on_built=lambda: preview.refresh("PDFs rebuilt: ", only_if_changed=True))
    stop = threading.Event()

    def changed(changes):
        names = sorted({_display(path) for _, path in changes if Path(path).exists()}
                       or {_display(path) for _, path in changes})
        what = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
        if preview.refresh(f"{what}: "):
            builder.request(what)

    def watch():
        try:
            for changes in watchfiles.watch(root, *watched_theme(root), step=50,
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
              f"{url}a4-pl-en)\nwatching "
              f"{root}/ and the theme's templates and styles; the PDFs are rebuilt into {args.output}/ after "
              f"each change. Ctrl-C stops.", flush=True)
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
