"""The command line run in the test's own process: `run(args)` answers what
`subprocess.run([sys.executable, "build.py", *args], cwd=PROJECT, capture_output=True, text=True)`
answers (the exit code, stdout and stderr), without a new Python that imports WeasyPrint and
configures its fonts again (about 1.5 s of CPU a build): brochure.commands.cli.main runs with
sys.argv[0] = build.py in the same folder, so every command a message prints is the same.

File descriptors 1 and 2 go to files for the call, so what the build's forked workers print is
caught too, as a pipe would catch it. Tests that need a process of its own (signals, kills, the
installed entry point, a command run as printed) keep subprocess.run."""
import contextlib
import io
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import brochure.build.pipeline  # noqa: F401  (imported once: the build's forked workers are warm)
from brochure.commands import cli
from brochure.typeset import adapters

PROJECT = Path(__file__).resolve().parent.parent


def run(args, cwd=PROJECT, env=None) -> subprocess.CompletedProcess:
    """`build.py ARGS` run from cwd with env (default: this process's environment)."""
    args = [str(arg) for arg in args]
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        with _environment(env), _folder(cwd), _argv(["build.py", *args]), _fresh_fonts(), \
                _descriptors(out, err):
            try:
                code = cli.main(args)
            except SystemExit as stop:          # argparse: a usage error, or --help
                code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None
                                                                      else 1)
        out.seek(0)
        err.seek(0)
        return subprocess.CompletedProcess(["build.py", *args], code,
                                           out.read().decode("utf-8", "replace"),
                                           err.read().decode("utf-8", "replace"))


@contextlib.contextmanager
def _environment(env):
    if env is None:
        yield
        return
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


@contextlib.contextmanager
def _fresh_fonts():
    """No font configuration of this process's earlier layouts (another theme's fonts): the
    build and its forked workers find and load their fonts as a new process does."""
    saved = adapters._FONT_CONFIGURATION
    adapters._FONT_CONFIGURATION = None
    try:
        yield
    finally:
        adapters._FONT_CONFIGURATION = saved


@contextlib.contextmanager
def _folder(cwd):
    saved = os.getcwd()
    os.chdir(cwd)
    try:
        yield
    finally:
        os.chdir(saved)


@contextlib.contextmanager
def _argv(argv):
    saved = sys.argv
    sys.argv = argv
    try:
        yield
    finally:
        sys.argv = saved


@contextlib.contextmanager
def _descriptors(out, err):
    """fd 1 and 2 (and sys.stdout, sys.stderr) into out and err for the call."""
    for stream in (sys.stdout, sys.stderr):
        stream.flush()
    saved_fds = os.dup(1), os.dup(2)
    saved_streams = sys.stdout, sys.stderr
    os.dup2(out.fileno(), 1)
    os.dup2(err.fileno(), 2)
    sys.stdout = io.TextIOWrapper(io.FileIO(1, "w", closefd=False), encoding="utf-8",
                                  write_through=True)
    sys.stderr = io.TextIOWrapper(io.FileIO(2, "w", closefd=False), encoding="utf-8",
                                  write_through=True)
    try:
        yield
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        sys.stdout, sys.stderr = saved_streams
        os.dup2(saved_fds[0], 1)
        os.dup2(saved_fds[1], 2)
        os.close(saved_fds[0])
        os.close(saved_fds[1])
