"""Worker processes that typeset: started early, warm, one job at a time each.

A build starts its workers before it loads the content, so that they import WeasyPrint and
configure the fonts while the content loads, and hands each layout over as soon as its HTML
exists. `watch` keeps its workers across rebuilds (they remember their last layouts), runs the
edition being viewed first and drops stale work: a queued job is taken off the queue, a running
one ends with its worker, and another worker takes its place (from a fork server, so that the
new one is warm too and no thread of `watch` is forked).

Each worker writes its temporary files (WeasyPrint's font folders) into a folder of the pool,
removed when the pool closes, and ends when the process that started it ends, even by SIGKILL
(PR_SET_PDEATHSIG, and a check of its parent's pid as a fallback); the next pool removes the
folders that dead ones left behind.
"""
from __future__ import annotations

import contextlib
import ctypes
import gc
import heapq
import importlib
import itertools
import multiprocessing
import os
import shutil
import signal
import tempfile
import threading
import time
import traceback
from concurrent.futures import CancelledError, Future
from multiprocessing.connection import wait
from pathlib import Path

BUILD_TMP = "pim-build-"        # prefix of a pool's temporary folder: pim-build-<pid>-xxxx
PR_SET_PDEATHSIG = 1
# What only the workers use (WeasyPrint, pydyf, pypdf): each imports it while the content loads,
# so that the build's main process, whose imports every build waits for, never does.
WORKER_MODULES = ["weasyprint", "brochure.typeset.pdf", "brochure.press.impose"]
PRELOAD = ["brochure.build.pipeline", *WORKER_MODULES]   # a fork server imports them once
# A forked worker holds what the main process held (the content, the templates, the HTML), and
# with the default thresholds (700, 10, 10) the collector walked it again and again while
# WeasyPrint's layouts made their many objects. Frozen once warm and collected less often: 18-19 %
# less CPU time for the same layout, at about 90 MB more memory per worker (154 -> 245 MB).
COLLECTOR_THRESHOLDS = (10000, 10, 10)
WARMING_WAIT = 2.0      # seconds a worker waits for its turn to import (Pool.warming)


class WorkerDied(RuntimeError):
    """A worker ended while it held a job (not by a cancel)."""


class _Task:
    def __init__(self, function, args, priority, tag, order, affinity=None):
        self.function, self.args, self.priority, self.tag = function, args, priority, tag
        self.order, self.affinity = order, affinity
        self.future: Future = Future()

    def __lt__(self, other):
        return (self.priority, self.order) < (other.priority, other.order)


class _Worker:
    def __init__(self, context, folder, warming):
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(child, folder, os.getpid(), warming),
                                       daemon=True)
        self.process.start()
        child.close()
        self.task: _Task | None = None
        self.sent = self.cancelled = False

    def end(self, sig=signal.SIGTERM):
        if self.process.is_alive():
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.process.pid, sig)
        self.process.join(5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.conn.close()


class Pool:
    """`size` worker processes, started now. submit() queues a call (lowest priority first,
    then in order); cancel() drops the queued and running calls a test picks.

    context: "fork" (the build: the workers share what this process imported; no thread of
    this process may be forking meanwhile) or "forkserver" (watch: the workers come warm from
    a fork server that imported PRELOAD once)."""

    def __init__(self, size: int, context: str = "fork", remember: int = 0):
        self.context = multiprocessing.get_context(context)
        if context == "forkserver":
            self.context.set_forkserver_preload(PRELOAD)
        prune_build_folders()
        self.folder = tempfile.mkdtemp(prefix=f"{BUILD_TMP}{os.getpid()}-")
        self.lock = threading.Lock()
        self.queue: list[_Task] = []
        self.order = itertools.count()
        self.closed = False
        self.remember = remember           # layouts each worker keeps (pipeline.run_jobs)
        self.holders: dict = {}            # affinity -> the worker that ran the last call of it
        self.workers: list[_Worker] = []
        self.wanted = max(1, size)
        # the imports of as many workers at once as leave a core to this process, which
        # loads the content and renders the HTML the workers wait for meanwhile
        self.warming = self.context.BoundedSemaphore(max(1, (os.cpu_count() or 1) - 1))
        if context == "fork":       # now, from this thread (see above)
            self.workers = [self._worker() for _ in range(self.wanted)]
        self.wake_r, self.wake_w = self.context.Pipe(duplex=False)
        self.thread = threading.Thread(target=self._dispatch, daemon=True)
        self.thread.start()

    def _worker(self) -> "_Worker":
        return _Worker(self.context, self.folder, self.warming)

    def submit(self, function, *args, priority=0, tag=None, affinity=None) -> Future:
        """Run function(*args) in a worker; a call with an affinity goes, when it can, to the
        worker that ran the last call with the same one (it remembers that layout)."""
        task = _Task(function, args, priority, tag, next(self.order), affinity)
        with self.lock:
            if self.closed:
                raise RuntimeError("the worker pool is closed")
            heapq.heappush(self.queue, task)
        self._wake()
        return task.future

    def cancel(self, which=lambda tag: True) -> int:
        """Drop the queued calls whose tag `which` accepts, and end the workers running one
        (others take their place). The number of calls dropped."""
        dropped = 0
        with self.lock:
            kept = []
            for task in self.queue:
                if which(task.tag):
                    task.future.cancel()
                    dropped += 1
                else:
                    kept.append(task)
            heapq.heapify(kept)
            self.queue = kept
            for worker in self.workers:
                if worker.task is not None and not worker.cancelled and which(worker.task.tag):
                    worker.cancelled = True
                    dropped += 1
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(worker.process.pid, signal.SIGKILL)
        self._wake()
        return dropped

    def busy(self) -> bool:
        with self.lock:
            return bool(self.queue) or any(w.task is not None for w in self.workers)

    def close(self) -> None:
        """End every worker (a call in hand is dropped) and remove the pool's folder."""
        with self.lock:
            if self.closed:
                return
            self.closed = True
            for task in self.queue:
                task.future.cancel()
            self.queue = []
        self._wake()
        self.thread.join(10)
        for worker in self.workers:
            worker.end()
            if worker.task is not None:
                _settle(worker.task.future, exception=CancelledError())
        shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _wake(self):
        with contextlib.suppress(OSError):
            self.wake_w.send_bytes(b".")

    def _dispatch(self):
        while len(self.workers) < self.wanted:      # from a fork server: without waiting
            worker = self._worker()
            with self.lock:
                self.workers.append(worker)
                if self.closed:
                    break
        while True:
            with self.lock:
                if self.closed:
                    return
                self._assign()
                waiting = {self.wake_r: None}
                for worker in self.workers:
                    waiting[worker.conn] = waiting[worker.process.sentinel] = worker
            for ready in wait(list(waiting)):
                worker = waiting[ready]
                if worker is None:
                    with contextlib.suppress(EOFError, OSError):
                        while self.wake_r.poll():
                            self.wake_r.recv_bytes()
                elif worker in self.workers:
                    self._receive(worker, ended=ready is worker.process.sentinel)

    def _assign(self):
        for worker in self.workers:
            while worker.task is None and self.queue:
                task = self._next_for(worker)
                if task.future.set_running_or_notify_cancel():
                    worker.task = task
            if worker.task is not None and not worker.cancelled and not worker.sent:
                worker.sent = True
                with contextlib.suppress(OSError, ValueError):   # it died: its sentinel tells
                    worker.conn.send((worker.task.function, worker.task.args))

    def _next_for(self, worker) -> _Task:
        """The first queued call for this worker: one it holds the layout of, or one no other
        free worker holds, or else the first."""
        free = {id(w) for w in self.workers if w.task is None and w is not worker}
        tasks = sorted(self.queue)
        task = next((t for t in tasks if id(self.holders.get(t.affinity, worker)) not in free),
                    tasks[0])
        self.queue.remove(task)
        heapq.heapify(self.queue)
        return task

    def _receive(self, worker, ended=False):
        """Take what the worker sent; when it ended, let another take its place."""
        while True:
            try:
                if not worker.conn.poll():
                    break
                status, value = worker.conn.recv()
            except (EOFError, OSError):
                ended = True
                break
            except Exception as err:    # sent, but it cannot be read here (an exception's class)
                status, value = "error", RuntimeError(f"in a typesetting process: {err}")
            with self.lock:
                task, worker.task, worker.sent = worker.task, None, False
                cancelled, worker.cancelled = worker.cancelled, False
            if task is not None:
                if cancelled:
                    _settle(task.future, exception=CancelledError())
                elif status == "ok":
                    if task.affinity is not None:
                        self.holders[task.affinity] = worker
                    _settle(task.future, result=value)
                else:
                    _settle(task.future, exception=value)
            if not ended:
                return
        if ended:
            self._replace(worker)

    def _replace(self, worker):
        """A worker ended: its job fails (or was cancelled); with a fork server, another takes
        its place (a forked one would copy this process's threads' state: the build fails)."""
        with self.lock:
            if self.closed or worker not in self.workers:
                return
            task, cancelled = worker.task, worker.cancelled
            worker.task = None
            worker.end(signal.SIGKILL)
            self.holders = {k: w for k, w in self.holders.items() if w is not worker}
            if self.context.get_start_method() == "forkserver":
                self.workers[self.workers.index(worker)] = self._worker()
            else:
                self.workers.remove(worker)
                if not self.workers:
                    for queued in self.queue:
                        _settle(queued.future, exception=WorkerDied("no typesetting process "
                                                                    "is left"))
                    self.queue = []
        if task is not None:
            _settle(task.future, exception=CancelledError() if cancelled else WorkerDied(
                f"a typesetting process ended unexpectedly (exit code "
                f"{worker.process.exitcode})"))


def _settle(future: Future, result=None, exception=None) -> None:
    with contextlib.suppress(Exception):     # already settled (cancelled meanwhile)
        if exception is not None:
            if not (isinstance(exception, CancelledError) and future.cancel()):
                future.set_exception(exception)
        else:
            future.set_result(result)


# --- in the worker process -------------------------------------------------------------------

def _serve(conn, folder: str, creator: int, warming) -> None:
    """A worker's life: get ready, then run each call it is sent and send back its result."""
    _start(folder, creator)
    # not forever: a worker killed while it warmed (a cancel) never gives its turn back
    turn = warming.acquire(timeout=WARMING_WAIT)
    try:
        warm()
    finally:
        if turn:
            warming.release()
    while True:
        try:
            function, args = conn.recv()
        except (EOFError, OSError):
            os._exit(0)
        try:
            reply = ("ok", function(*args))
        except BaseException as err:     # noqa: B902 (sent back: the pool's caller raises it)
            reply = ("error", err)
        try:
            conn.send(reply)
        except Exception as err:         # a result or an exception that cannot be sent
            text = "".join(traceback.format_exception_only(type(err), err)).strip()
            conn.send(("error", RuntimeError(f"in a typesetting process: {text}")))


def warm() -> None:
    """Import WeasyPrint and the rest of WORKER_MODULES, configure the fonts (what every
    layout needs first) and set the collector for layouts."""
    for name in WORKER_MODULES:
        importlib.import_module(name)
    from ..typeset import adapters
    adapters.font_configuration()
    gc.freeze()
    gc.set_threshold(*COLLECTOR_THRESHOLDS)


def _start(folder: str, creator: int) -> None:
    """Temporary files in the pool's folder; end when the process that started the pool ends
    (with a fork server, that is not the parent); signals are that process's to handle."""
    tempfile.tempdir = folder
    os.environ["TMPDIR"] = folder
    # Stopped: end now. The pool's temporary folder is removed by the process that made it.
    signal.signal(signal.SIGTERM, lambda signum, frame: os._exit(1))
    signal.signal(signal.SIGINT, signal.SIG_IGN)         # Ctrl-C is the parent's to handle
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if not _running(creator):                             # died before prctl took effect
        os._exit(1)
    threading.Thread(target=_watch_creator, args=(creator,), daemon=True).start()


def _watch_creator(creator: int) -> None:
    while _running(creator):
        time.sleep(1)
    os._exit(1)


def prune_build_folders(base=None) -> None:
    """Remove the temporary folders of builds whose process no longer runs."""
    base = Path(base or tempfile.gettempdir())
    for folder in base.glob(f"{BUILD_TMP}*-*"):
        pid = folder.name[len(BUILD_TMP):].split("-", 1)[0]
        if pid.isdigit() and not _running(int(pid)) and folder.is_dir():
            shutil.rmtree(folder, ignore_errors=True)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
