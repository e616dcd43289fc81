"""Command line: brochure [build|check|reviewed FILE...|watch|new DIR|translation export|import
FILE|import FILE.docx] [options] (in a checkout, python build.py ...); each command owns its
options (COMMAND --help)."""
from __future__ import annotations

import argparse
import math
import signal
import sys
import threading
import time

from .. import invocation
from ..diagnostics import ERROR, Diagnostic, one_line
from ..errors import EXIT_INTERNAL, EXIT_INTERRUPTED, BrochureError

MAX_TIMEOUT = 86_400


class Progress:
    """One line per stage with its time; --quiet keeps the diagnostics only; --json prints each
    diagnostic as a JSON object a line (for editors' tools and `watch`) and nothing else."""

    def __init__(self, quiet=False, verbose=False, json=False):
        self.quiet, self.verbose, self.json = quiet or json, verbose, json

    def stage(self, label, start):
        self.took(label, time.perf_counter() - start)

    def took(self, label, seconds):
        if not self.quiet:
            print(f"  {label:<34} {seconds:6.2f} s", flush=True)

    def info(self, text):
        if not self.quiet:
            print(text, flush=True)

    def detail(self, text):
        if self.verbose:
            print(f"    {text}", flush=True)

    def report(self, diagnostic: Diagnostic):
        if self.json:
            print(diagnostic.as_json(), flush=True)
        elif diagnostic.level == "info":
            self.info(str(diagnostic))
        else:
            print(diagnostic, file=sys.stderr, flush=True)

    def error(self, text):
        """An error of the build itself, about no file: `error: text`."""
        self.report(Diagnostic(None, None, ERROR, text))

    def warn(self, text):
        """A line the user must see, as it is (with --json, as an error diagnostic)."""
        if self.json:
            self.error(text)
        else:
            print(one_line(text), file=sys.stderr, flush=True)

    def nothing_written(self, output_dir):
        self.error(f"nothing was written; the files in {output_dir}/ are unchanged")


COMMANDS = ("build", "check", "reviewed", "watch", "new", "translation", "import")


def parse_args(argv):
    """The command and its options; without a command, build (python build.py --lang pl)."""
    argv = list(argv)
    if not argv or (argv[0] not in COMMANDS and argv[0] not in ("-h", "--help")):
        argv.insert(0, "build")
    shared = argparse.ArgumentParser(add_help=False)
    shared.add_argument("--content", default="content", help="content folder (default: content)")
    shared.add_argument("--quiet", action="store_true")
    shared.add_argument("--verbose", action="store_true")
    shared.add_argument("--json", action="store_true",
                        help="print each error and warning as a JSON object a line, nothing else")
    output = argparse.ArgumentParser(add_help=False)
    output.add_argument("--output", default="output", help="output folder (default: output)")
    output.add_argument("--lang", action="append", metavar="CODE",
                        help="build only the editions in this language (repeatable; a code of "
                             "publication.yaml's languages, e.g. pl); default: all")
    output.add_argument("--timeout", type=seconds, default=300,
                        help="seconds allowed for rendering and typesetting (default: 300)")
    parser = argparse.ArgumentParser(prog=invocation.command(), description="Build a publication: "
                                     "every edition of the content folder into the output folder.")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    final = argparse.ArgumentParser(add_help=False)
    final.add_argument("--final", action="store_true",
                       help="the sign-off before printing: a section over its planned pages, a "
                            "short page, an added Notes page or a missing fact the content "
                            "marks required is an error")
    build_ = commands.add_parser("build", parents=[shared, output, final],
                                 help="build every edition (the default command)")
    build_.add_argument("--jobs", type=int, default=None,
                        help="editions typeset at once (default: one per core)")
    build_.add_argument("--draft", action="store_true",
                        help="also a draft of each one-language A4 screen edition (in "
                             "output/draft/), every gap of the content marked in its pages")
    build_.add_argument("--edition", action="append", metavar="ID",
                        help="build only this edition (repeatable; an id of the publication's "
                             "editions, e.g. pl-a5); default: all")
    commands.add_parser("check", parents=[shared, final],
                                help="check the content: errors, translations, missing facts, "
                                     "spelling, typography, and the page plan of each edition")
    reviewed = commands.add_parser("reviewed", parents=[shared],
                                   help="record that English files were checked against Polish")
    reviewed.add_argument("files", nargs="+", metavar="FILE", help="the English files reviewed")
    watch = commands.add_parser("watch", parents=[shared, output],
                                help="live preview in the browser, PDFs rebuilt after each change")
    watch.add_argument("--port", type=port, default=8000, help="the preview port")
    new = commands.add_parser("new", parents=[shared], help="start a new publication in DIR")
    new.add_argument("files", nargs=1, metavar="DIR", help="the folder of the new publication")
    from . import translation
    translation.add_parsers(commands, shared)
    args = parser.parse_args(argv)
    for name, default in (("output", "output"), ("lang", None), ("jobs", None), ("files", []),
                          ("final", False), ("draft", False), ("edition", None),
                          ("timeout", 300), ("port", 8000)):
        if not hasattr(args, name):
            setattr(args, name, default)
    return args


def seconds(text: str) -> float:
    """A --timeout: a finite number of seconds above 0, at most a day."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not math.isfinite(value) or not 0 < value <= MAX_TIMEOUT:
        raise argparse.ArgumentTypeError(f"{text!r}: give a number of seconds above 0 and at "
                                         f"most {MAX_TIMEOUT}")
    return value


def port(text: str) -> int:
    if not text.isdigit() or not 0 < int(text) < 65536:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number (1-65535)")
    return int(text)


def _terminated(signum, frame):
    raise KeyboardInterrupt         # stop the workers and write nothing, as Ctrl-C does


def main(argv=None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    progress = Progress(args.quiet, args.verbose, args.json)
    previous = None
    if args.command == "build" and threading.current_thread() is threading.main_thread():
        previous = signal.signal(signal.SIGTERM, _terminated)
    try:
        return _command(args, progress)
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _command(args, progress) -> int:
    try:
        return _run(args, progress)
    except BrochureError as err:
        for diagnostic in getattr(err, "diagnostics", None) or [err.diagnostic]:
            progress.report(diagnostic)
        if args.command == "build" and err.nothing_written:
            progress.nothing_written(args.output)
        return err.exit_code
    except KeyboardInterrupt:
        progress.warn("interrupted" + _unchanged(args))
        return EXIT_INTERRUPTED
    except Exception as err:   # a bug in the builder, not in the content
        if args.verbose:
            raise
        progress.warn(f"internal error: {type(err).__name__}: {err} (run with --verbose for "
                      f"details){_unchanged(args)}")
        return EXIT_INTERNAL


def _unchanged(args) -> str:
    """What a stopped build can say of its output folder: it switches in its new files at once
    (build/output.py), so they are all in place, or none is."""
    if args.command != "build":
        return ""
    from ..build import output

    if output.switched(args.output):
        return f"; the new files are in place: {args.output}/ holds this build's files"
    return f"; the files in {args.output}/ are unchanged"


def _run(args, progress) -> int:
    if args.command == "build":
        from . import build
        return build.run(args, progress)
    if args.command == "watch":
        from . import watch
        return watch.serve(args, progress)
    if args.command == "check":
        from . import check
        return check.run(args.content, progress, final=args.final)
    if args.command == "new":
        from . import new
        return new.create(args.files, progress)
    if args.command in ("translation", "import"):
        from . import translation
        return translation.run(args, progress)
    from . import reviewed
    return reviewed.mark_reviewed(args.content, args.files, progress)
