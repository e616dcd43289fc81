"""`watch` timed, as an editor lives with it: save, look at the page, save again.

    measure(tmp, seed, rounds) -> dict

Starts `python build.py watch` on a copy of content/ (its output folder starting from the cold
build's cache, as a second `make watch` would), waits until its first run is done, then:

proof loop: an open proof view of the Polish edition (an /events connection, as the page holds);
  each round changes one word of a paragraph of content/pl/01-pim.md to a word no round used
  before (WORDS) and times the save -> the `proof` event of a new PDF of that edition laid out
  whole (written, and served at /proof/pl.pdf), and the save -> the earlier `proof` event of
  the changed section set into the last layout ("section"), then waits for the whole build to
  follow before the next round.
preview: Chromium (playwright-core, tests/web/node_modules) shows the web edition /; first the
  page is reloaded unchanged (what showing it costs the browser), then each round changes the
  Polish title of the first section and times the save -> the new title on screen
  (bench/preview.mjs), the PDFs left to finish before the next round.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from http.client import HTTPConnection
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
NODE_MODULES = PROJECT / "tests" / "web" / "node_modules"
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
# one word of the first paragraph, then others in turn: no round lays out a text a worker
# remembers from an earlier round (it would only write it)
WORDS = ("wzmacnianie", "wzmocnienie", "umacnianie", "rozwijanie", "budowanie", "pogłębianie")
TITLE = ("title: Partnerska Inicjatywa Miast", "title: Próbny tytuł sekcji")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Events:
    """The server-sent events of one open page, each with the time it arrived."""

    def __init__(self, port: int, view: str):
        self.seen: list = []          # (time.monotonic(), event name, data)
        self.connection = HTTPConnection("127.0.0.1", port, timeout=600)
        self.connection.request("GET", f"/events?view={view}")
        self.response = self.connection.getresponse()
        self.changed = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        name = "message"
        try:
            for raw in self.response:
                line = raw.decode().rstrip("\n")
                if line.startswith("event: "):
                    name = line[7:]
                elif line.startswith("data: "):
                    with self.changed:
                        self.seen.append((time.monotonic(), name, line[6:]))
                        self.changed.notify_all()
                elif not line:
                    name = "message"
        except OSError:
            pass

    def wait(self, test, timeout=300):
        """The first event (time, name, data) that passes test, seen from now on."""
        with self.changed:
            start = len(self.seen)
            found = self.changed.wait_for(
                lambda: next((e for e in self.seen[start:] if test(e)), None), timeout)
            return found

    def since(self, start: float) -> list:
        with self.changed:
            return [e for e in self.seen if e[0] >= start]

    def made(self, edition: str) -> int:
        """The number of the last PDF of an edition its proof events told."""
        with self.changed:
            found = [int(d.split()[2]) for _, n, d in self.seen
                     if n == "proof" and d.split()[0] == edition]
        return found[-1] if found else 0

    def close(self):
        self.connection.close()


class Watch:
    def __init__(self, tmp: Path, seed: Path | None):
        self.content, self.output = tmp / "content", tmp / "output"
        shutil.copytree(PROJECT / "content", self.content)
        if seed and (seed / ".cache").is_dir():
            shutil.copytree(seed / ".cache", self.output / ".cache")
        self.port = free_port()
        self.log_path = tmp / "watch.log"
        with self.log_path.open("w") as log:
            self.process = subprocess.Popen(
                [sys.executable, "build.py", "watch", "--content", str(self.content),
                 "--output", str(self.output), "--port", str(self.port)], cwd=PROJECT,
                stdout=log, stderr=subprocess.STDOUT,
                preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8")

    def until(self, probe, timeout=600):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if probe():
                return True
            if self.process.poll() is not None:
                raise RuntimeError(f"watch ended:\n{self.log()}")
            time.sleep(0.05)
        raise RuntimeError(f"watch: timed out\n{self.log()}")

    def builds(self) -> int:
        return self.log().count("PDFs rebuilt in")

    def stop(self):
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def toggle(path: Path, pair: tuple, forward: bool) -> None:
    old, new = pair if forward else pair[::-1]
    text = path.read_text(encoding="utf-8")
    assert old in text, f"bench: {path.name} lacks {old!r}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def proof_loop(watch: Watch, rounds: int) -> dict:
    events = Events(watch.port, "/proof/pl")
    try:
        # the proof the first run made, as the page is told it on connecting: each round waits
        # for a newer one (read before this came, the first round timed that one: 0.00 s)
        watch.until(lambda: events.made("pl") > 0, timeout=60)
        times, builds, spliced = [], [], []
        assert rounds < len(WORDS), "bench: more rounds than words to change to"
        for n in range(rounds):
            made, built = events.made("pl"), watch.builds()
            start = time.monotonic()
            toggle(watch.content / "pl" / "01-pim.md", WORDS[n:n + 2], True)
            event = events.wait(lambda e, made=made: new_proof(e, made, "whole"))
            if event is None:
                raise RuntimeError(f"no new proof of pl:\n{watch.log()}")
            times.append(event[0] - start)
            quick = next((e for e in events.since(start) if new_proof(e, made, "section")), None)
            if quick is not None:
                spliced.append(quick[0] - start)
            watch.until(lambda built=built: watch.builds() > built)
            builds.append(time.monotonic() - start)
            time.sleep(0.5)
    finally:
        events.close()
    return {"proof": times, "build": builds, "spliced": spliced}


def new_proof(event, made: int, kind: str) -> bool:
    """Whether an event tells a newer PDF of pl than `made`, of this kind (whole, section)."""
    name, data = event[1], event[2].split()
    return name == "proof" and data[0] == "pl" and int(data[2]) > made and data[3] == kind


def preview(watch: Watch, rounds: int) -> dict | None:
    """Save -> the new title in Chromium's page, each round; None without node or Chromium."""
    if not (NODE_MODULES / "playwright-core").is_dir() or not CHROMIUM.exists() \
            or shutil.which("node") is None:
        return None
    node = subprocess.Popen(["node", str(PROJECT / "bench" / "preview.mjs"),
                             f"http://127.0.0.1:{watch.port}/", "h2.section-title"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert json.loads(node.stdout.readline()).get("ready")
        reloads = []
        for _ in range(rounds):
            node.stdin.write("reload\n")
            node.stdin.flush()
            reloads.append(json.loads(node.stdout.readline())["seconds"])
        times = []
        path = watch.content / "pl" / "01-pim.md"
        for n in range(rounds):
            built = watch.builds()
            old, new = TITLE if n % 2 == 0 else TITLE[::-1]
            shown = new.removeprefix("title: ")
            node.stdin.write(f"{path}\t{old}\t{new}\t{shown}\n")
            node.stdin.flush()
            answer = json.loads(node.stdout.readline())
            times.append(answer["seconds"])
            watch.until(lambda built=built: watch.builds() > built)
            time.sleep(1.5)      # and the preview refreshed for the PDFs it lists
        return {"preview": times, "reload": reloads}
    finally:
        node.stdin.close()
        node.wait(30)


def measure(tmp: Path, seed: Path | None, rounds: int = 3) -> dict:
    watch = Watch(tmp, seed)
    try:
        watch.until(lambda: watch.builds() >= 1)          # its first run: from the cache
        found = proof_loop(watch, rounds)
        found.update(preview(watch, rounds) or {})
        found["log"] = watch.log()
        return found
    finally:
        watch.stop()


def median(values) -> float:
    return statistics.median(values) if values else float("nan")
