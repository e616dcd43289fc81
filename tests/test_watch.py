"""python build.py watch: the live preview follows the content, shows errors, stops cleanly.

The server runs as a subprocess on a copy of content/ in a temporary folder. The browser test
drives headless Chromium over the DevTools protocol with the small websocket client below (the
standard library has none), and measures the time from saving a file to the new heading in the
open page.
"""
import base64
import contextlib
import html
import http.client
import io
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import urlsplit
from urllib.request import urlopen

import pytest

from brochure import content
from brochure.commands import watch
from brochure.errors import ContentError
from brochure.diagnostics import Diagnostic

from conftest import pdf_text

PROJECT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
OLD_TITLE = "title: Partnerska Inicjatywa Miast\n"
HEADING = "Zmieniony nagłówek próbny"
FIRST_TITLE = "document.querySelector('h2.section-title').textContent"
LOADED_LATO = ("[...document.fonts].filter(f => f.family.replace(/[\"']/g, '') === 'Lato'"
               " && f.status === 'loaded').map(f => f.weight)")
FAILED_FONTS = "[...document.fonts].filter(f => f.status === 'error').map(f => f.family)"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def until(probe, timeout=10.0, every=0.05):
    """The first true value of probe() within timeout seconds, else its last value."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(every)


def network_rules() -> list:
    """The rule web.css must end with for each network: its colour from content/data."""
    networks = content.load(PROJECT / "content").networks
    return [f".net-{n.id} {{ --net: {n.colour}; }}" for n in networks]


def edit(path: Path, old: str, new: str) -> str:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{path.name} lacks {old!r}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return text


class Server:
    def __init__(self, tmp_path: Path, source: Path = PROJECT / "content", seed=None):
        """watch on a copy of `source`; seed: an output folder of the same content whose cache
        it starts from (the editions need no typesetting at start)."""
        self.content = tmp_path / "content"
        shutil.copytree(source, self.content)
        self.port = None
        self.output = tmp_path / "output"
        if seed:
            shutil.copytree(seed / ".cache", self.output / ".cache")
        port = self.port = free_port()
        self.url = f"http://127.0.0.1:{port}/"
        self.log_path = tmp_path / "watch.log"
        with self.log_path.open("w") as log:
            self.process = subprocess.Popen(
                [sys.executable, "build.py", "watch", "--port", str(port),
                 "--content", str(self.content), "--output", str(self.output),
                 "--lang", "pl"],      # the preview has every edition; the PDFs: Polish only
                cwd=PROJECT, stdout=log, stderr=subprocess.STDOUT)

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8")

    def get(self, path="") -> str:
        try:
            with urlopen(self.url + path, timeout=5) as response:
                return response.read().decode("utf-8")
        except OSError:
            return ""

    def page_with(self, text, path="", timeout=5.0) -> str:
        """The page at path once it contains text (within timeout seconds), else ""."""
        found = until(lambda: text in self.get(path), timeout)
        return self.get(path) if found else ""

    def wait_ready(self):
        if not until(lambda: self.get() or self.process.poll() is not None, timeout=20):
            pytest.fail(f"the preview did not answer within 20 s:\n{self.log()}")
        if self.process.poll() is not None:
            pytest.fail(f"watch stopped with exit code {self.process.returncode}:\n{self.log()}")

    def stop(self):
        """Ctrl-C; the exit code (killed if it does not stop within 15 s)."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode


@pytest.fixture
def server(tmp_path, built):
    running = Server(tmp_path, seed=built["dir"])
    try:
        running.wait_ready()
        yield running
    finally:
        running.stop()


def test_preview_follows_the_content_and_shows_errors(server):
    page = server.get()                     # the web edition
    assert "<title>Partnerska Inicjatywa Miast 2021–2023</title>" in page
    assert '<h2 class="section-title">Partnerska Inicjatywa Miast</h2>' in page
    assert 'href="web.css"' in page and 'EventSource("/events?view="' in page
    # the web edition follows --lang pl as the build does (the A4 view has every edition)
    assert 'href="en/index.html"' not in page and server.get("en/") == ""
    css = server.get("web.css")
    assert all(rule in css for rule in network_rules()), css[-300:]
    with urlopen(server.url + "fonts/Lato-Regular.ttf", timeout=5) as font:
        assert font.headers["Content-Type"] == "font/ttf"
        assert font.read() == (PROJECT / "brochure/themes/default/styles/fonts/Lato-Regular.ttf").read_bytes()
    a4 = server.get("a4")                   # the HTML of the PDFs, as A4 sheets
    assert 'href="/preview.css"' in a4 and 'EventSource("/events?view="' in a4
    assert '<h2 class="section-title">Partnerska Inicjatywa Miast</h2>' in a4
    assert "Cities’ Partnership Initiative 2021–2023" in server.get("a4-en")
    assert 'id="part-pl"' in server.get("a4-pl-en") and 'id="part-en"' in server.get("a4-pl-en")
    assert "width: 210mm" in server.get("preview.css")
    with urlopen(server.url + "styles/fonts/Lato-Regular.ttf", timeout=5) as font:
        assert font.read() == (PROJECT / "brochure/themes/default/styles/fonts/Lato-Regular.ttf").read_bytes()
    for outside in ("styles/../content/publication.yaml", "styles/%2e%2e/build.py",
                    "content/publication.yaml", "build.py", "nowhere", "pdf/../watch.log",
                    "pdf/%2e%2e/%2e%2e/watch.log", "fonts/../../build.py"):
        with pytest.raises(HTTPError) as refused:
            urlopen(server.url + outside, timeout=5)
        assert refused.value.code == 404, outside

    edit(server.content / "pl" / "01-pim.md", OLD_TITLE, f"title: {HEADING}\n")
    page = server.page_with(HEADING)
    assert page and f'<h2 class="section-title">{HEADING}</h2>' in page, server.log()

    publication = server.content / "publication.yaml"
    good = edit(publication, "date: 2023-08-02", "date: [2023-08-02")
    with pytest.raises(ContentError) as expected:
        content.load(server.content)
    error = expected.value
    page = server.page_with("watch-error")
    assert page, server.log()
    assert f"{error.file}:{error.line}: " in html.unescape(page)
    assert str(error.diagnostic) in html.unescape(page)
    assert "section-title" not in page
    assert "watch-error" in server.get("index.html") and "watch-error" in server.get("a4-en")

    publication.write_text(good, encoding="utf-8")
    page = server.page_with("section-title")
    assert page and HEADING in page and "watch-error" not in page, server.log()

    # the PDFs follow in the background: a build of the fixed content names the change
    assert until(lambda: re.search(r"PDFs rebuilt in .* after .*publication\.yaml",
                                   server.log()), timeout=90, every=0.2), server.log()
    assert HEADING in pdf_text(server.output / "pim-pl.pdf")
    # then the preview lists them with their sizes: the very page the build wrote to web/
    written = (server.output / "web" / "index.html").read_text(encoding="utf-8")
    assert 'href="pdf/pim-pl.pdf"' in written
    shown = server.page_with('href="pdf/pim-pl.pdf"', timeout=10)
    assert re.sub(r"<script data-watch=.*?</script>\n", "", shown, flags=re.S) == written, \
        server.log()
    with urlopen(server.url + "pdf/pim-pl.pdf", timeout=5) as pdf:
        assert pdf.read() == (server.output / "web" / "pdf" / "pim-pl.pdf").read_bytes()

    assert server.stop() == 0, server.log()
    log = server.log()
    assert f"preview: {server.url}" in log
    assert str(error.diagnostic) in log            # the terminal shows the error too
    assert "01-pim.md: preview rendered in" in log
    assert not list(server.output.rglob("*.tmp")), "an interrupted PDF build left temporary files"


# --- issue 22: only this computer's pages, malformed requests, many at once ------------------

@pytest.fixture
def mini_server(tmp_path):
    running = Server(tmp_path, PROJECT / "tests" / "fixtures" / "mini")
    try:
        running.wait_ready()
        yield running
    finally:
        running.stop()


def status(server, path="/", host=None) -> int:
    """The status of a GET, with the Host header given (None: the client's own)."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        connection.request("GET", path, headers={} if host is None else {"Host": host})
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def raw_status(server, request: bytes) -> int:
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(request)
        answer = sock.makefile("rb").readline()
    return int(answer.split()[1]) if answer else 0


def test_only_requests_for_this_computer_are_answered(mini_server):
    """A page of another site whose name now points at 127.0.0.1 (DNS rebinding) sends its
    own Host: refused, whatever it asks for."""
    port = mini_server.port
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"LOCALHOST:{port}", f"[::1]:{port}"):
        assert status(mini_server, "/", host) == 200, host
    for host in (f"evil.example:{port}", "evil.example", f"127.0.0.1.evil.example:{port}",
                 "127.0.0.1:1", "127.0.0.1", ""):
        for path in ("/", "/web.css", "/a4", "/pdf/pim-pl.pdf", "/styles/fonts/OFL.txt"):
            assert status(mini_server, path, host) == 400, (host, path)
    assert raw_status(mini_server, b"GET / HTTP/1.0\r\n\r\n") == 400        # no Host at all


def test_a_malformed_path_is_400_and_the_preview_goes_on(mini_server):
    for path in ("/%00", "/styles/%00x.css", "/pdf/%00", "/%ff", "/en/%0a", "/%c3%28",
                 "/styles/..%5c..%5cbuild.py"):
        assert status(mini_server, path) == 400, path
    assert status(mini_server, "/") == 200
    assert "Traceback" not in mini_server.log()


def test_two_hundred_requests_at_once_are_all_answered(mini_server):
    from concurrent.futures import ThreadPoolExecutor
    import threading

    start = threading.Barrier(200)

    def fetch(i):
        start.wait()
        try:
            return status(mini_server, ("/", "/web.css", "/a4", "/favicon.svg")[i % 4])
        except OSError as err:
            return repr(err)

    with ThreadPoolExecutor(200) as pool:
        answers = list(pool.map(fetch, range(200)))
    failed = [a for a in answers if a != 200]
    assert failed == [], f"{len(failed)} of 200 failed: {failed[:5]}"


def test_watch_refuses_an_output_folder_inside_the_content(tmp_path):
    """Its builds would change the folder it watches, and rebuild forever."""
    content = tmp_path / "content"
    shutil.copytree(PROJECT / "tests" / "fixtures" / "mini", content)
    try:
        done = subprocess.run([sys.executable, "build.py", "watch", "--content", str(content),
                               "--output", str(content / "output"), "--port", str(free_port())],
                              cwd=PROJECT, capture_output=True, text=True, timeout=30)
    except subprocess.TimeoutExpired:
        pytest.fail("watch started with its output inside the content folder")
    assert done.returncode == 2
    assert f"--output {content}/output lies inside the content folder" in done.stderr
    assert not (content / "output").exists()


# --- the PDF rebuilds: one at a time, a change drops the work in hand -----------------------

class Lines:
    def __init__(self):
        self.lines = []

    def info(self, text):
        self.lines.append(text)

    warn = info


def test_rebuilds_never_overlap_and_a_change_during_one_drops_it_for_one_more(tmp_path):
    runs, cancels = [], []

    def work(changes, stale):
        """A run of 0.6 s that ends early (dropped) when a newer change comes."""
        start = time.monotonic()
        while time.monotonic() - start < 0.6:
            if stale():
                runs.append((start, time.monotonic(), changes, "dropped"))
                raise watch.CancelledError()
            time.sleep(0.01)
        runs.append((start, time.monotonic(), changes, "done"))

    builder = watch.Builder(work, Lines(), cancel=lambda: cancels.append(time.monotonic()))
    try:
        builder.request("a.md")
        assert until(lambda: builder.running, timeout=5)
        for name in ("b.md", "c.md", "d.md", "e.md", "f.md"):   # five changes during the run
            builder.request(name)
            time.sleep(0.02)
        assert until(lambda: runs and runs[-1][3] == "done", timeout=10), runs
        time.sleep(0.8)
    finally:
        builder.stop()
    spans = [(start, end) for start, end, _, _ in runs]
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:])), runs       # never overlap
    assert runs[0][3] == "dropped" and cancels and runs[-1][3] == "done", runs
    # the run that finished names every change since the last finished one, once each
    assert runs[-1][2] == ["a.md", "b.md", "c.md", "d.md", "e.md", "f.md"], runs
    assert [r[3] for r in runs].count("done") == 1, runs


class Args:
    content, output, lang, timeout = "content", "out", None, 300


class NoPool:
    remember = 0


def test_watch_prints_the_rebuild_warnings_and_the_change_they_follow(tmp_path):
    from brochure.build import run

    warning = Diagnostic("content/pl/01.md", 4, "warning", 'unknown word "Kraków"')
    lines = Lines()
    pdfs = watch.Pdfs(watch.Preview(tmp_path, lines), NoPool(), Args(), lines,
                      build=lambda pool, known: run.Built([warning], [], []))
    pdfs(["content/pl/01.md"], lambda: False)
    assert "PDFs rebuilt" in lines.lines[0] and "after content/pl/01.md" in lines.lines[0]
    assert "into out/" in lines.lines[0] and "(1 warning)" in lines.lines[0]
    assert lines.lines[1].strip() == str(warning)


def test_a_failed_rebuild_says_why_and_stop_ends_a_running_build(tmp_path):
    from brochure.build import workers
    from brochure.errors import ContentErrors

    lines = Lines()
    broken = Diagnostic("content/x.yaml", 3, "error", "broken")

    def fails(pool, known):
        raise ContentErrors([broken])

    pdfs = watch.Pdfs(watch.Preview(tmp_path, lines), NoPool(), Args(), lines, build=fails)
    failing = watch.Builder(pdfs, lines)
    failing.request()
    assert until(lambda: lines.lines, timeout=10)
    failing.stop()
    assert "PDF rebuild failed" in lines.lines[0] and "(exit 2)" in lines.lines[0]
    assert "content/x.yaml:3: error: broken" in lines.lines[0]

    with workers.Pool(1, "forkserver") as pool:      # a typesetting that would take a minute
        def slow(changes, stale):
            pool.submit(time.sleep, 60).result()

        builder = watch.Builder(slow, Lines(), cancel=pool.cancel)
        builder.request()
        assert until(lambda: pool.workers and pool.workers[0].task, timeout=15)
        process = pool.workers[0].process
        started = time.monotonic()
        builder.stop()
        assert not builder.thread.is_alive() and time.monotonic() - started < 5
        assert until(lambda: not process.is_alive(), timeout=5)      # the worker was ended


# --- a real browser -------------------------------------------------------------------------

class DevTools:
    """A minimal DevTools protocol client: one websocket (RFC 6455), text frames, JSON calls."""

    def __init__(self, ws_url, timeout=10):
        parts = urlsplit(ws_url)
        self.sock = socket.create_connection((parts.hostname, parts.port), timeout=timeout)
        self.file = self.sock.makefile("rb")
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall(f"GET {parts.path} HTTP/1.1\r\nHost: {parts.netloc}\r\n"
                          f"Upgrade: websocket\r\nConnection: Upgrade\r\n"
                          f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
                          .encode())
        status = self.file.readline()
        assert b" 101 " in status, status
        while self.file.readline() not in (b"\r\n", b""):
            pass
        self.next_id = 0

    def _send(self, text: str):
        data, mask = text.encode(), os.urandom(4)
        size = len(data)
        head = bytes([0x81]) + (bytes([0x80 | size]) if size < 126 else
                                bytes([0x80 | 126]) + size.to_bytes(2, "big") if size < 65536
                                else bytes([0x80 | 127]) + size.to_bytes(8, "big"))
        self.sock.sendall(head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(data)))

    def _read(self, size: int) -> bytes:
        data = self.file.read(size)
        if len(data) < size:
            raise ConnectionError("DevTools closed the websocket")
        return data

    def _receive(self) -> str:
        message = b""
        while True:
            first, second = self._read(2)
            size = second & 0x7F
            if size >= 126:
                size = int.from_bytes(self._read(2 if size == 126 else 8), "big")
            payload = self._read(size)         # frames from the server are not masked
            if first & 0x0F == 0x8:
                raise ConnectionError("DevTools closed the websocket")
            if first & 0x0F in (0x0, 0x1):
                message += payload
                if first & 0x80:
                    return message.decode("utf-8")

    def call(self, method, **params) -> dict:
        self.next_id += 1
        self._send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            reply = json.loads(self._receive())
            if reply.get("id") == self.next_id:
                return reply

    def evaluate(self, expression):
        """The value of a JavaScript expression in the page; None while it (re)loads."""
        reply = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        return reply.get("result", {}).get("result", {}).get("value")

    def close(self):
        self.file.close()
        self.sock.close()


@contextlib.contextmanager
def chromium(url: str, tmp_path: Path):
    """Headless Chromium showing url, and a DevTools connection to its page."""
    port = free_port()
    with (tmp_path / "chromium.log").open("w") as log:
        process = subprocess.Popen(
            [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={tmp_path / 'chromium-profile'}",
             f"--remote-debugging-port={port}", url],
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    devtools = None
    try:
        def page_target():
            try:
                with urlopen(f"http://127.0.0.1:{port}/json/list", timeout=2) as response:
                    targets = json.load(response)
            except OSError:
                return None
            return next((t for t in targets if t["type"] == "page"
                         and t["url"].startswith(url)), None)

        target = until(page_target, timeout=15, every=0.1)
        assert target, f"no preview in Chromium:\n{(tmp_path / 'chromium.log').read_text()}"
        devtools = DevTools(target["webSocketDebuggerUrl"])
        yield devtools
    finally:
        if devtools:
            devtools.close()
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)     # its own process group: its helpers too
            process.wait()


@pytest.fixture
def browser(server, tmp_path):
    with chromium(server.url, tmp_path) as devtools:
        yield devtools


@pytest.mark.skipif(not CHROMIUM.exists(), reason="no browser: /usr/bin/chromium is not "
                    "installed (Debian: apt-get install chromium)")
def test_the_open_page_reloads_after_a_change(server, browser, record_property):
    assert until(lambda: browser.evaluate(FIRST_TITLE) == "Partnerska Inicjatywa Miast",
                 timeout=10), browser.evaluate("document.documentElement.outerHTML")
    assert browser.evaluate("document.documentElement.scrollWidth <= innerWidth")
    assert browser.evaluate("getComputedStyle(document.querySelector('main')).maxWidth") \
        == "736px"                             # the web edition's column (46rem)
    # Lato regular and bold (body, headings) load from the preview, none fails. Not
    # document.fonts.check(): it wants every face of a weight loaded, and the whole TTFs in
    # web.css are a fallback behind the WOFF2 subsets that a browser never needs for this text
    assert until(lambda: {"400", "700"} <= set(browser.evaluate(LOADED_LATO) or []), timeout=5), \
        browser.evaluate(LOADED_LATO)
    assert browser.evaluate(FAILED_FONTS) == [], browser.evaluate(FAILED_FONTS)

    browser.evaluate("window.before = true; scrollTo(0, 900)")    # forgotten by a reload
    scrolled = browser.evaluate("scrollY")
    assert scrolled > 0
    edit(server.content / "pl" / "01-pim.md", OLD_TITLE, f"title: {HEADING}\n")
    written = time.perf_counter()
    shown = until(lambda: browser.evaluate(FIRST_TITLE) == HEADING, timeout=10, every=0.02)
    refresh = time.perf_counter() - written
    assert shown, server.log()
    # the new body taken in place: not reloaded, where the editor was reading
    assert browser.evaluate("window.before") is True, server.log()
    # (within a few pixels: when the changed title above rewraps, Chromium's scroll anchoring
    # keeps the same text in view: 902 for 900 in one run)
    assert abs(browser.evaluate("scrollY") - scrolled) <= 40, (browser.evaluate("scrollY"),
                                                               scrolled)
    print(f"\nfile saved -> new heading in the browser: {refresh:.2f} s")
    record_property("refresh_seconds", round(refresh, 3))
    assert refresh < 5, (refresh, server.log())
    # an error: the error page (another head) replaces the page; fixed: the page again
    edit(server.content / "pl" / "01-pim.md", f"title: {HEADING}\n", "title: [\n")
    assert until(lambda: browser.evaluate("document.querySelector('.watch-error h1')"
                                          "?.textContent"), timeout=10, every=0.05), server.log()
    assert browser.evaluate("window.before") is None, server.log()
    edit(server.content / "pl" / "01-pim.md", "title: [\n", f"title: {HEADING}\n")
    assert until(lambda: browser.evaluate(FIRST_TITLE) == HEADING, timeout=10, every=0.05), \
        server.log()
    # the second change after the reload is taken in place too: the page listens again
    browser.evaluate("window.before = true")
    edit(server.content / "pl" / "01-pim.md", f"title: {HEADING}\n", OLD_TITLE)
    assert until(lambda: browser.evaluate(FIRST_TITLE) == "Partnerska Inicjatywa Miast",
                 timeout=10, every=0.05), server.log()
    assert browser.evaluate("window.before") is True, server.log()


def test_the_pdfs_wait_for_the_open_pages_to_load_a_change_and_no_longer(tmp_path):
    """After a change the PDFs wait until each page that showed the version before shows the
    new one (the browser first), at most the given time; a proof view is not waited for."""
    preview = watch.Preview(PROJECT / "content", Lines(), output=tmp_path / "output")
    assert preview.refresh()
    preview.viewing(1, "/", preview.version)              # the web page, loaded
    preview.viewing(2, "/proof/pl")                       # a proof view: no version
    preview.viewing(3, "/en/", "0.0")                     # a page gone long ago, still listed
    assert preview.refresh()
    assert preview.reloading == 1
    started = time.perf_counter()
    preview.settled(0.5)
    assert time.perf_counter() - started >= 0.45          # nobody loaded it: the time is up
    loaded = threading.Timer(0.1, lambda: preview.viewing(4, "/", preview.version))
    loaded.start()
    started = time.perf_counter()
    preview.settled(5)
    assert time.perf_counter() - started < 2              # done once the page came back
    loaded.join()
    preview.viewing(1, None)
    assert preview.refresh() and preview.reloading == 1   # the page that loaded last


def test_a_template_error_names_the_template_and_line(tmp_path):
    """A broken template of the publication's own theme: the preview names its file and line."""
    root = tmp_path / "content"
    shutil.copytree(PROJECT / "tests" / "fixtures" / "mini", root)
    templates = root / "theme" / "templates" / "sections"
    templates.mkdir(parents=True)
    shutil.copy(PROJECT / "brochure/themes/default/templates/sections/base.html", templates)
    edit(templates / "base.html", "{{ section.title(lang) }}", "{{ section.title(lang) }")
    line = 1 + (templates / "base.html").read_text().split(
        "{{ section.title(lang) }")[0].count("\n")
    lines = Lines()
    preview = watch.Preview(root, lines, output=tmp_path / "out")
    assert preview.refresh() is False
    page = html.unescape(preview.page("/").decode())
    assert f"content/theme/templates/sections/base.html:{line}: " in page, page
    assert preview.page("/a4") == preview.page("/")
    assert preview.page("/favicon.ico") is None
    assert f"base.html:{line}: " in lines.lines[-1]


def test_the_preview_is_the_web_edition_of_every_language(tmp_path):
    preview = watch.Preview(PROJECT / "content", Lines(), output=tmp_path / "output")
    assert preview.refresh() is True
    pl, en = preview.page("/").decode(), preview.page("/en/").decode()
    assert '<html lang="pl">' in pl and 'href="en/index.html"' in pl
    assert '<html lang="en-GB">' in en and 'href="../index.html"' in en
    assert preview.page("/en/index.html") == preview.page("/en/")
    assert preview.page("/en") is None                     # the handler redirects to /en/
    css = preview.page("/web.css").decode()
    assert all(rule in css for rule in network_rules()), css[-300:]
    fonts = PROJECT / "brochure/themes/default/styles/fonts"
    assert preview.page("/fonts/Lato-Bold.ttf") == (fonts / "Lato-Bold.ttf").read_bytes()
    assert "Pobierz PDF" in pl and 'href="pdf/' not in pl     # no PDFs built yet: none listed
    assert preview.count == 1
    preview.relist()
    assert preview.count == 1                       # no PDF built: the pages list the same
    assert preview.refresh() and preview.count == 2


# --- the proof view: the typeset pages of the edition looked at, first -----------------------

PROOF_IMAGES = ("[...document.querySelectorAll('.proof-pages img')].map(i => [i.src, i.complete "
                "&& i.naturalWidth, i.naturalHeight])")
PROOF_LINKS = ("[...document.querySelectorAll('.proof-warnings a[href^=\"/source/\"]')]"
               ".map(a => [a.getAttribute('href'), a.textContent])")
STATUS = "document.querySelector('.proof-status').textContent"


def shown_images(devtools):
    """The page images of the proof view, once every one has loaded: [(src, width, height)]."""
    devtools.evaluate("document.querySelectorAll('.proof-pages img')"
                      ".forEach(i => i.loading = 'eager')")
    images = devtools.evaluate(PROOF_IMAGES) or []
    return images if images and all(width for _, width, _ in images) else None


def rebuilt_after(log: str, name: str):
    return re.search(rf"PDFs rebuilt in .* after [^\n]*{re.escape(name)}", log)


@pytest.mark.skipif(not CHROMIUM.exists(), reason="no browser: /usr/bin/chromium is not "
                    "installed (Debian: apt-get install chromium)")
def test_the_proof_view_shows_the_typeset_pages_and_the_warnings_at_their_lines(server,
                                                                                  tmp_path):
    from pypdf import PdfReader

    with chromium(server.url + "proof/pl", tmp_path) as page:
        images = until(lambda: shown_images(page), timeout=90, every=0.2)
        assert images, page.evaluate("document.documentElement.outerHTML")
        with urlopen(server.url + "proof/pl.pdf", timeout=5) as response:
            pdf = response.read()
        assert until(lambda: "PDFs rebuilt" in server.log(), timeout=90), server.log()
        assert pdf == (server.output / "pim-pl.pdf").read_bytes()     # the edition as built
        assert len(images) == len(PdfReader(io.BytesIO(pdf)).pages) == 12
        assert all(abs(width - 596) <= 2 and abs(height - 842) <= 2      # A4 at 72 dpi
                   for _, width, height in images), images
        # each warning with a file and line links to that line of the content folder
        # (the page reloads with the build's status once it is done: read it after that)
        links = until(lambda: page.evaluate(PROOF_LINKS), timeout=10, every=0.2)
        assert links, page.evaluate("document.querySelector('.proof-warnings').outerHTML")
        for href, text in links:
            file, line = text.rsplit(":", 1)
            assert href == f"/source/{file.removeprefix('content/')}#L{line}", (href, text)
            source = server.get(href.split("#")[0].lstrip("/"))
            wanted = (server.content / file.removeprefix("content/")).read_text(
                encoding="utf-8").split("\n")[int(line) - 1]
            assert f'<li id="L{line}">{html.escape(wanted) or " "}</li>' in source, href

        edit(server.content / "pl" / "01-pim.md", OLD_TITLE, f"title: {HEADING}\n")
        # the page reloads by itself with the new proof: other images, its status
        changed = until(lambda: (shown_images(page) or [["", 0, 0]])[0][0] != images[0][0]
                        and "01-pim.md" in (page.evaluate(STATUS) or ""), timeout=90, every=0.2)
        assert changed, (page.evaluate(STATUS), server.log())
        with urlopen(server.url + "proof/pl.pdf", timeout=5) as response:
            assert HEADING in pdf_text(io.BytesIO(response.read()))
    # the viewed edition came first, the whole build after it
    assert until(lambda: rebuilt_after(server.log(), "01-pim.md"), timeout=90), server.log()
    log = server.log()
    proof = re.search(r"pim-pl\.pdf typeset in [\d.]+ s after [^\n]*01-pim\.md", log)
    assert proof and proof.start() < rebuilt_after(log, "01-pim.md").start(), log


def listen(server, view: str):
    """An open page showing `view` (its /events connection), until closed."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    connection.request("GET", "/events?view=" + view)
    response = connection.getresponse()
    assert response.status == 200
    response.readline()                  # the stream has begun: the page is counted
    connection.stream = response         # kept open (a response collected closes it)
    return connection


def test_the_edition_looked_at_comes_first_and_a_new_change_drops_stale_work(server):
    """The A5 proof open: after a change its PDF is typeset before the other editions; a
    change during that run drops it, and the run after names both changes."""
    connection = listen(server, "/proof/pl-a5")
    try:
        assert until(lambda: "PDFs rebuilt" in server.log(), timeout=60), server.log()
        edit(server.content / "pl" / "01-pim.md", OLD_TITLE, f"title: {HEADING}\n")
        first = r"a5/pim-pl-a5\.pdf typeset in [\d.]+ s after [^\n]*01-pim\.md, first: " \
                r"the proof of pl-a5"
        assert until(lambda: re.search(first, server.log()), timeout=90), server.log()
        edit(server.content / "pl" / "02-miasta.md", "Miasta", "Miasta i gminy")
        assert until(lambda: rebuilt_after(server.log(), "02-miasta.md"), timeout=120), \
            server.log()
        with urlopen(server.url + "proof/pl-a5.pdf", timeout=5) as response:
            text = pdf_text(io.BytesIO(response.read()))
    finally:
        connection.close()
    log = server.log()
    rebuilt = [line for line in log.splitlines() if "PDFs rebuilt in" in line]
    assert all("02-miasta.md" in line for line in rebuilt if "01-pim.md" in line), log
    both = rebuilt_after(log, "02-miasta.md").group(0)
    assert "01-pim.md" in both and "02-miasta.md" in both, both
    assert HEADING in text and "Miasta i gminy" in text
    assert HEADING in pdf_text(server.output / "a5" / "pim-pl-a5.pdf")


def proof_events(connection, until_seen, timeout=120) -> list:
    """The `proof` events' data (edition, stamp, PDF number, whole or section) read from an
    open page's connection until one passes until_seen."""
    found, name = [], ""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = connection.stream.readline().decode().rstrip("\n")
        if line.startswith("event: "):
            name = line[7:]
        elif line.startswith("data: ") and name == "proof":
            found.append(line[6:].split())
            if until_seen(found[-1]):
                return found
        elif not line:
            name = ""
    raise AssertionError(f"no such proof event within {timeout} s: {found}")


def test_a_changed_paragraph_is_seen_typeset_in_its_section_before_the_whole_edition(server):
    """The proof view of pl open: after a word of one section changed, the section is set into
    the last layout and shown (a `section` proof), then the whole edition laid out again is
    (a `whole` one: the same PDF, when the section's pages are the same); both have the new
    word."""
    connection = listen(server, "/proof/pl")
    try:
        first = proof_events(connection, lambda data: data[0] == "pl" and int(data[2]) > 0)
        made = int(first[-1][2])
        edit(server.content / "pl" / "01-pim.md", "celem jest wzmacnianie",
             "celem jest wzmocnienie")
        seen = proof_events(connection, lambda data: data[0] == "pl" and int(data[2]) > made
                            and data[3] == "whole")
    finally:
        connection.close()
    new = [data for data in seen if data[0] == "pl" and int(data[2]) > made]
    assert [data[3] for data in new if data[3] == "section"] == ["section"], seen
    assert new[0][3] == "section" and int(new[0][2]) <= int(new[-1][2]), seen
    log = server.log()
    assert re.search(r"pim-pl\.pdf: the changed section typeset in [\d.]+ s after "
                     r"[^\n]*01-pim\.md, into its last layout", log), log
    with urlopen(server.url + "proof/pl.pdf", timeout=5) as response:
        assert "wzmocnienie" in pdf_text(io.BytesIO(response.read()))
