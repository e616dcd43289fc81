"""The editor-change matrix (tools/editor_matrix.py) in every CI run: the real content built
after one ordinary editor change, every invariant an editor relies on checked on the files.

The quick tier (every run) takes the cases that exercise each rule of the page plan, each built
in the editions of one language (the press edition and the A5 booklet with it), one case with
every edition (the volume and the booklets); EDITOR_MATRIX=full runs every case with every
edition (`.venv/bin/python tools/editor_matrix.py` writes the same as a report)."""
import os
import sys

import pytest

import inprocess
from conftest import PROJECT

sys.path.insert(0, str(PROJECT / "tools"))
import editor_matrix as matrix  # noqa: E402

PL = ("pl", "pl-print", "pl-a5")
EN = ("en", "en-print", "en-a5")
QUICK = {                              # case -> the editions it builds (None: all)
    "cities-ppp+8": None,              # a network's table grows: every edition, the booklets
    "picture-network-half": PL,        # a picture: a float, a section over its plan, padding
    "text-summary-1.5x": PL,           # a one-page section takes two: the spreads after it
    "section-new-text": PL,            # a new section (an annex with a table)
    "section-removed-ppp": PL,         # fewer pages: padding to fours again
    "sections-reordered": PL,          # spreads where today's plan had none
    "meetings+20": PL,                 # long months continued on the next page
    "english-1.3x": EN,                # the translation longer than its original
}
FULL = os.environ.get("EDITOR_MATRIX") == "full"
CASES = [name for name, _ in matrix.CASES] if FULL else list(QUICK)


@pytest.fixture(autouse=True)
def in_this_process(monkeypatch):
    """The case's builds (and `reviewed`) run build.py's command line in this process: the same
    exit code and messages, without a new Python importing WeasyPrint (tests/inprocess.py)."""
    monkeypatch.setattr(matrix, "command_line", lambda args, timeout=None: inprocess.run(args))


@pytest.fixture(scope="session")
def work(tmp_path_factory):
    return tmp_path_factory.mktemp("matrix")


@pytest.fixture(scope="session")
def baselines(built):
    """The unchanged content as built: the session build of every edition. A set of editions
    of one language is the same files (the same HTML and options: its cache entries seed the
    case's build, and its PDFs are what the case is compared with)."""
    outputs = matrix.Outputs(built["dir"])
    return lambda editions: outputs


@pytest.mark.parametrize("name", CASES)
def test_an_editor_change_keeps_every_edition_press_ready(name, work, baselines):
    editions = None if FULL else QUICK[name]
    change = dict(matrix.CASES)[name]
    (run,) = matrix.run_case(name, change, work, baselines(editions), editions, lift=False)
    outputs = matrix.Outputs(run.out)
    failures = matrix.check(outputs, run)
    assert not failures, f"{name}: {failures}\n{run.stderr}"
    # the build said what it did: a section over its plan is a warning with the page counts
    assert run.exit == 0 and not run.errors, run.stderr
