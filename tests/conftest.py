import fcntl
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from brochure import content as _content  # noqa: E402

_REAL = _content.load(PROJECT / "content")
# the interface text of the real content (content/labels.yaml), as the layouts print it
LABELS = _REAL.labels
# the editions of the real content (content/publication.yaml: the standard set)
EDITIONS = _REAL.editions


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """The real content built once by the command line (a process of its own), into a temporary
    output folder; with pytest-xdist (make test), once for all the workers: the first builds
    into their shared temporary folder, the others wait for it and read what it printed."""
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        run = _build_real_content(tmp_path_factory.mktemp("output"))
    else:
        shared = tmp_path_factory.getbasetemp().parent / "session-build"
        shared.mkdir(exist_ok=True)
        with open(shared / "lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            record = shared / "run.json"
            if not record.exists():
                record.write_text(json.dumps(_build_real_content(shared / "output")))
            run = json.loads(record.read_text())
    assert run["returncode"] == 0, run["stdout"] + run["stderr"]
    return {"dir": Path(run["dir"]), "stdout": run["stdout"], "stderr": run["stderr"]}


def _build_real_content(out: Path) -> dict:
    run = subprocess.run([sys.executable, "build.py", "--output", str(out)], cwd=PROJECT,
                         capture_output=True, text=True, timeout=600)
    return {"dir": str(out), "returncode": run.returncode, "stdout": run.stdout,
            "stderr": run.stderr}


@pytest.fixture(scope="session")
def pub():
    """The real content, loaded."""
    return _REAL


MINI = Path(__file__).resolve().parent / "fixtures" / "mini"


@pytest.fixture
def tree(tmp_path):
    """A copy of the small bilingual publication tests/fixtures/mini, as tmp/content."""
    root = tmp_path / "content"
    shutil.copytree(MINI, root)
    return root


def load_error(root):
    """The ContentError that loading the content folder raises."""
    from brochure.errors import ContentError

    with pytest.raises(ContentError) as info:
        _content.load(root)
    return info.value


# the screen editions of the real content and their languages
SCREEN = {"pim-pl.pdf": ("pl",), "pim-en.pdf": ("en",), "pim-pl-en.pdf": ("pl", "en")}


@pytest.fixture(scope="module", params=sorted(SCREEN))
def screen_edition(request, built):
    """(path, languages) of each built screen edition in turn."""
    return built["dir"] / request.param, SCREEN[request.param]


def normalise(text: str) -> str:
    """Extracted PDF text as words: hyphenation at line ends undone, spaces folded."""
    text = text.replace("\u00ad", "").replace("\u2060", "")
    text = re.sub(r"\u2010\s*\n\s*", "", text)          # a hyphenation break
    text = re.sub(r"(?<=\w)-\s*\n\s*(?=\w)", "-", text)  # a compound broken at its hyphen
    text = text.replace("\u2010", "-").replace("\u00a0", " ").replace("\u202f", " ")
    return re.sub(r"\s+", " ", text)


def pdf_text(path) -> str:
    return normalise("\n".join(page.extract_text() or "" for page in PdfReader(path).pages))


def page_texts(path) -> list:
    return [normalise(page.extract_text() or "") for page in PdfReader(path).pages]


def edit(root, name, old, new):
    """Replace the first `old` in a file of a content tree (a fixture copy) with `new`."""
    path = root / name
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture {name} lacks {old!r}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
