"""Issue #11, beyond the corpus: the cache's digest, all-or-nothing output, permissions,
temporary files, workers that outlive a killed build, time limits, relocation, arguments."""
import base64
import os
import resource
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

import inprocess
from conftest import EDITIONS
from hypothesis import HealthCheck, given, settings, strategies as st

from brochure.build import cache
from brochure.commands import cli
from brochure import content
from brochure.content import publication
from brochure.build import pipeline
from brochure.render import html as render
from brochure.errors import ContentError

PROJECT = Path(__file__).resolve().parent.parent
MINI = PROJECT / "tests" / "fixtures" / "mini"
BUILD = [sys.executable, "build.py"]
SENTINEL = b"%PDF-1.7\n% sentinel: a previous build's output\n"
# a band of 800 x 12 pixels: printed across the column at 194 ppi (a 1x1 PNG would be refused
# as a picture that prints blurred)
PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000003200000000c080200000015944eef0000"
                    "004d4944415478daedd63101003008c0b03135884013fe4f4cc09748e8d5c8ae0700c0"
                    "9e2f010080c1020030580000060b000083050060b000000c160000060b00c060010018"
                    "2c00000c1600c0ad010dfa00ea1cf1326d0000000049454e44ae426082")
PL = next(e for e in EDITIONS if e.id == "pl")


def copy_content(where: Path, image=False) -> Path:
    root = where / "content"
    shutil.copytree(MINI, root)
    if image:
        (root / "pl" / "img").mkdir()
        (root / "pl" / "img" / "mapa.png").write_bytes(PNG)
        page = root / "pl" / "01-wstep.md"
        page.write_text(page.read_text(encoding="utf-8").replace(
            "[[key-figures]]", "[[key-figures]]\n\n![Mapa](img/mapa.png)"), encoding="utf-8")
    return root


def build(root, out, *extra, timeout=300, process=False, **options):
    """build.py in this process (tests/inprocess.py), or in a process of its own where the test
    needs one: an environment read at start-up (TMPDIR, umask), or bytes compared between
    two processes (another hash seed each)."""
    args = ["--content", str(root), "--output", str(out), "--lang", "pl", "--quiet", *extra]
    if not (process or options):
        return inprocess.run(args)
    return subprocess.run(BUILD + args, cwd=PROJECT, capture_output=True, text=True,
                          timeout=timeout, **options)


def leftovers(folder: Path) -> list:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*.tmp"))


# --- 1. nothing outside the content folder ----------------------------------------------

def test_the_digest_refuses_a_folder_without_publication_yaml_before_reading(tmp_path,
                                                                             monkeypatch):
    for i in range(50):
        (tmp_path / f"file{i}.bin").write_bytes(b"x" * 1000)
    reads = []
    real = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda self: reads.append(self) or real(self))
    with pytest.raises(ContentError) as err:
        cache.inputs_digest(tmp_path)
    assert err.value.message == "file not found" and err.value.file.endswith("publication.yaml")
    assert reads == []


def test_the_digest_never_reads_a_link_target_outside(tmp_path, monkeypatch):
    root = copy_content(tmp_path)
    secret = tmp_path / "secret.txt"
    secret.write_text("one")
    (root / "pl" / "notes.md").symlink_to(secret)
    reads = []
    real = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda self: reads.append(self.resolve())
                        or real(self))
    before = cache.inputs_digest(root)
    secret.write_text("two, changed")
    assert cache.inputs_digest(root) == before
    assert secret not in reads


def test_a_section_that_is_a_pipe_is_refused(tmp_path):
    root = copy_content(tmp_path)
    (root / "pl" / "02-siec.md").unlink()
    os.mkfifo(root / "pl" / "02-siec.md")
    cache.inputs_digest(root)                          # does not block on the pipe
    with pytest.raises(ContentError) as err:
        content.load(root)
    assert err.value.file == "content/pl/02-siec.md"
    assert "not a regular file" in err.value.message


def test_an_unreadable_file_is_a_content_error(tmp_path, monkeypatch, capsys):
    root = copy_content(tmp_path)
    locked = (root / "data" / "timeline.yaml").resolve()
    real = Path.read_bytes

    def read_bytes(self):                              # chmod 000 does not stop root
        if self.resolve() == locked:
            raise PermissionError(13, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    code = cli.main(["--content", str(root), "--output", str(tmp_path / "out"), "--quiet"])
    err = capsys.readouterr().err
    assert code == 2, err
    assert err.startswith("content/data/timeline.yaml:1: error: cannot read the file "
                          "(Permission denied)"), err
    assert "internal error" not in err


def test_the_word_list_may_not_link_outside(tmp_path):
    root = copy_content(tmp_path)
    (root / "wordlist.txt").symlink_to("/etc/hostname")
    done = inprocess.run(["check", "--content", str(root)])
    assert done.returncode == 2, done.stderr
    assert "wordlist.txt:1: error: the file is a link to /etc/hostname" in done.stderr, done.stderr


def test_only_cmyk_icc_profiles_pass(tmp_path):
    header = bytearray(128)
    header[36:40] = b"acsp"
    for space, expected in ((b"CMYK", True), (b"RGB ", False), (b"GRAY", False)):
        header[16:20] = space
        (tmp_path / "p.icc").write_bytes(bytes(header) + b"\0" * 400)
        assert publication._is_cmyk_profile(tmp_path / "p.icc") is expected
    (tmp_path / "p.icc").write_bytes(b"acsp CMYK")                 # too short: no header
    assert not publication._is_cmyk_profile(tmp_path / "p.icc")
    assert publication._is_cmyk_profile(PROJECT / "brochure/themes/default/styles/icc/coated-fogra39-argyll.icc")


# --- 2. arguments and any content: no internal error --------------------------------------

@pytest.mark.parametrize("value", ["inf", "nan", "-1", "0", "1e400", "soon"])
def test_a_timeout_must_be_a_finite_positive_number(tmp_path, value):
    done = build(MINI, tmp_path / "out", f"--timeout={value}", timeout=120)
    assert done.returncode == 2, done.stderr
    assert "argument --timeout" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("folder", ["/proc", "/dev/null", "/nonexistent", "/"])
def test_odd_content_folders_are_refused_clearly(tmp_path, folder):
    done = build(folder, tmp_path / "out", timeout=120)
    assert done.returncode == 2, done.stderr
    assert "publication.yaml:1: " in done.stderr, done.stderr
    assert "internal error" not in done.stderr and "Traceback" not in done.stderr


MARKDOWN = st.sampled_from([
    "a", " ", "\n", "\n\n", "    ", "\t", "- ", "1. ", "> ", "# ", "!!! note", '!!! note "x"',
    "[", "]", "(", ")", "*", "**", "_", "`", "```", "{: #x }", "{: #part-pl }", "{: .c }",
    "{#pl-01-wstep}", "[[map]]", "[[key-figures]]", "[[timeline]]", "[[nope]]", "![a](b.png)",
    "[l](https://x.pl)", "<span>", "</span>", '<span id="back-cover">', "<br>", "&amp;", "&",
    "|a|b|\n|-|-|\n|1|2|", "\u00a0", "ł", "„", "\u202e", "\x00", "\x0c", "漢", "~~~", "---"])


@settings(max_examples=60, deadline=None, derandomize=True, print_blob=False,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.lists(MARKDOWN, max_size=30).map("".join))
def test_any_markdown_renders_or_is_a_content_error(tmp_path_factory, body):
    root = copy_content(tmp_path_factory.mktemp("fuzz"))
    page = root / "pl" / "01-wstep.md"
    page.write_text("---\ntitle: Wstęp\nlayout: summary\n---\n" + body, encoding="utf-8")
    try:
        pub = content.load(root)
        pipeline.edition_job(pub, PL, render.environment())
    except ContentError as err:
        assert err.file.startswith("content/") and err.line >= 1 and err.message


# --- 3. all or nothing; 6. permissions; 5. temporary files ------------------------------

@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The mini content built once with umask 022 and a private TMPDIR, over an output
    folder holding stale and fresh temporary files of earlier builds."""
    base = tmp_path_factory.mktemp("built")
    root, out, tmp = copy_content(base), base / "out", base / "tmp"
    (out / ".cache").mkdir(parents=True)
    tmp.mkdir()
    stale = [out / ".pim-pl.pdf.k2j3.tmp", out / ".cache" / "tmpab12.tmp"]
    fresh = out / ".pim-en.pdf.x7y8.tmp"
    for path in stale + [fresh]:
        path.write_bytes(b"half")
    day_ago = time.time() - 86_400
    for path in stale:
        os.utime(path, (day_ago, day_ago))
    done = build(root, out, env=dict(os.environ, TMPDIR=str(tmp)),
                 preexec_fn=lambda: os.umask(0o022))
    assert done.returncode == 0, done.stderr
    return {"root": root, "out": out, "tmp": tmp, "fresh": fresh}


def test_outputs_have_ordinary_permissions(built):
    files = [p for p in built["out"].rglob("*") if p.is_file() and p != built["fresh"]]
    assert len(files) >= 6
    assert {oct(p.stat().st_mode & 0o777) for p in files} == {"0o644"}


def test_stale_temporary_files_are_pruned(built):
    """Fresh ones too (issue 22): a build holds the output folder's lock, so no other build is
    writing them; the builds since stage beside the folder, never in it."""
    assert leftovers(built["out"]) == []


def test_workers_leave_no_temporary_folders(built):
    assert sorted(p.name for p in built["tmp"].iterdir()) == []


# A forged or damaged cache entry: tests/test_cache.py (issue 22: no pickle at all).


def test_a_folder_in_place_of_an_output_fails_before_anything_is_replaced(tmp_path):
    root, out = copy_content(tmp_path), tmp_path / "out"
    (out / "print" / "pim-pl-booklet-a4.pdf").mkdir(parents=True)
    (out / "pim-pl.pdf").write_bytes(SENTINEL)
    done = build(root, out)
    assert done.returncode == 2, done.stderr
    assert f"{out}/print/pim-pl-booklet-a4.pdf: a folder this tool did not make stands in the " \
           f"output folder (where the build writes a file" in done.stderr, done.stderr
    assert f"nothing was written; the files in {out}/ are unchanged" in done.stderr
    assert (out / "pim-pl.pdf").read_bytes() == SENTINEL
    assert sorted(str(p.relative_to(out)) for p in out.rglob("*")) == [
        "pim-pl.pdf", "print", "print/pim-pl-booklet-a4.pdf"]


def test_a_full_disk_replaces_nothing_and_leaves_no_cache(tmp_path, monkeypatch, capsys):
    root, out = copy_content(tmp_path), tmp_path / "out"
    out.mkdir()
    (out / "pim-pl.pdf").write_bytes(SENTINEL)
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    typeset_all = pipeline.build_editions

    def then_the_disk_fills(*args, **kwargs):
        results = typeset_all(*args, **kwargs)
        # every output fits; the cache entry of the whole build (it holds them all) does not
        largest = max(len(data) for result in results for _, data, _ in result.files)
        resource.setrlimit(resource.RLIMIT_FSIZE, (largest + 4096, hard))
        return results

    monkeypatch.setattr(pipeline, "build_editions", then_the_disk_fills)
    previous = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    try:
        code = cli.main(["--content", str(root), "--output", str(out), "--lang", "pl",
                         "--quiet"])
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, previous)
    err = capsys.readouterr().err
    assert code == 2, err
    assert "nothing was replaced" in err and "internal error" not in err, err
    assert (out / "pim-pl.pdf").read_bytes() == SENTINEL
    assert leftovers(out) == [] and list(out.rglob("*.pickle")) == []


# Staging before replacing: tests/test_output.py (issue 22: the whole set switched at once).


# --- 4. the time limit covers rendering ---------------------------------------------------

def test_the_timeout_stops_a_slow_rendering(monkeypatch):
    pub = content.load(MINI)

    def slow(*args, **kwargs):
        time.sleep(5)
        raise AssertionError("the rendering was not stopped")

    monkeypatch.setattr(render, "render", slow)
    started = time.monotonic()
    with pytest.raises(pipeline.EditionTimeout, match="rendering the HTML took longer"):
        pipeline.build_editions(pub, [PL], cli.Progress(quiet=True), timeout=0.5)
    assert time.monotonic() - started < 3


# --- 5. a killed build leaves no worker behind --------------------------------------------

def children(pid: int) -> list:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(p) for p in text.split()]


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"])
def test_killing_the_build_ends_its_workers(tmp_path, sig):
    root, tmp = copy_content(tmp_path), tmp_path / "tmp"
    tmp.mkdir()
    with (root / "pl" / "01-wstep.md").open("a", encoding="utf-8") as page:
        page.write("\n\n" + " ".join(f"Zdanie numer {i} o miastach." for i in range(30_000)))
    process = subprocess.Popen(BUILD + ["--content", str(root), "--output",
                                        str(tmp_path / "out"), "--lang", "pl", "--quiet"],
                               cwd=PROJECT, env=dict(os.environ, TMPDIR=str(tmp)),
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while len(children(process.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        workers = children(process.pid)
        assert workers, "no worker started"
        time.sleep(2)                                  # the workers are inside WeasyPrint
        process.send_signal(sig)
        process.wait(10)
        deadline = time.monotonic() + 15
        while any(alive(w) for w in workers) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not any(alive(w) for w in workers)
    finally:
        for pid in [process.pid] + children(process.pid):
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
        process.wait()
    pipeline.prune_build_folders(tmp)                  # what the next build does first
    assert list(tmp.iterdir()) == []


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_watch_stops_on_sigint_even_when_started_with_it_ignored(tmp_path):
    root = copy_content(tmp_path)
    process = subprocess.Popen(
        BUILD + ["watch", "--content", str(root), "--output", str(tmp_path / "out"),
                 "--port", str(free_port())], cwd=PROJECT, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN))
    try:
        assert "preview:" in process.stdout.readline() + process.stdout.readline()
        process.send_signal(signal.SIGINT)
        assert process.wait(15) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


# --- 7. the same build wherever the project lies ------------------------------------------

def test_a_moved_content_folder_builds_the_same_bytes(tmp_path):
    results = []
    for where in (tmp_path / "a", tmp_path / "somewhere" / "much" / "deeper"):
        root = copy_content(where, image=True)
        done = build(root, where / "out", process=True)
        assert done.returncode == 0, done.stderr
        results.append({str(p.relative_to(where / "out")): p.read_bytes()
                        for p in (where / "out").rglob("*") if p.is_file()
                        and ".cache" not in p.parts})
        html = (where / "out" / "html" / "pim-pl.html").read_text(encoding="utf-8")
        assert "file:" not in html and str(where) not in html
        assert 'src="content/pl/img/mapa.png"' in html
    assert sorted(results[0]) == sorted(results[1])
    assert [n for n in results[0] if results[0][n] != results[1][n]] == []


# --- 2. what WeasyPrint would only log is an error ----------------------------------------

def test_a_refusal_that_weasyprint_swallows_still_stops_typesetting():
    from brochure.typeset import pdf as typeset

    svg = ('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
           '<image href="file:///etc/hostname" width="10" height="10"/></svg>')
    html = ('<html lang="pl"><head><title>t</title></head><body><img alt="x" '
            f'src="data:image/svg+xml;base64,{base64.b64encode(svg.encode()).decode()}">'
            '</body></html>')
    with pytest.raises(typeset.TypesetError, match="/etc/hostname"):
        typeset.typeset(html, "pdf/ua-1", identifier="x")


def test_an_image_weasyprint_cannot_load_stops_typesetting():
    from brochure.typeset import pdf as typeset

    html = ('<html lang="pl"><head><title>t</title></head><body>'
            '<img alt="x" src="styles/fonts/OFL.txt"></body></html>')
    with pytest.raises(typeset.TypesetError, match="Failed to load image"):
        typeset.typeset(html, "pdf/ua-1", identifier="x")


def test_the_base_url_stands_for_the_content_and_project_folders(tmp_path):
    from brochure.typeset import fetch

    root = copy_content(tmp_path, image=True)
    assert fetch.resolve(fetch.BASE_URL + "content/pl/img/mapa.png", content=root) == \
        (root / "pl" / "img" / "mapa.png").resolve()
    assert fetch.resolve(fetch.BASE_URL + "styles/brochure.css") == \
        (PROJECT / "brochure/themes/default/styles/brochure.css").resolve()
    for path in ("brochure/cli.py", "content/../../etc/passwd", "../etc/passwd",
                 "content/../brochure/cli.py"):
        with pytest.raises(fetch.NotServed):
            fetch.resolve(fetch.BASE_URL + path, content=root)


# --- issue 25: what the cold build's speed rests on ------------------------------------------

def test_a_worker_collects_garbage_less_often_once_warm():
    """The collector's thresholds of WeasyPrint's layouts (workers.COLLECTOR_THRESHOLDS) and
    what the imports made frozen: set in the worker, not in the process that started it."""
    import gc

    from brochure.build import workers
    with workers.Pool(1) as pool:
        threshold = pool.submit(gc.get_threshold).result(60)
        frozen = pool.submit(gc.get_freeze_count).result(60)
    assert threshold == workers.COLLECTOR_THRESHOLDS != gc.get_threshold()
    assert frozen > 10_000


def test_a_builds_main_process_imports_no_typesetting_library(tmp_path):
    """WeasyPrint, pydyf and pypdf are the workers' to import, while the content loads: the
    main process, whose start every build waits for, does without them."""
    script = ("import sys\nfrom brochure.commands import cli\n"
              f"code = cli.main(['--content', {str(copy_content(tmp_path))!r}, '--output', "
              f"{str(tmp_path / 'out')!r}, '--lang', 'pl', '--quiet'])\n"
              "print(code, sorted({m.split('.')[0] for m in sys.modules} & "
              "{'weasyprint', 'pydyf', 'pypdf'}))\n")
    done = subprocess.run([sys.executable, "-c", script], cwd=PROJECT, capture_output=True,
                          text=True, timeout=300)
    assert done.stdout.split("\n")[-2] == "0 []", done.stdout + done.stderr
    assert (tmp_path / "out" / "pim-pl.pdf").stat().st_size > 10_000


def test_the_web_pages_are_made_once_a_core_is_free():
    """build_editions' `meanwhile` (the web pages) runs when fewer editions are left to
    typeset than there are workers, not while every worker is busy."""
    import threading
    from concurrent.futures import Future

    futures = [Future() for _ in range(3)]

    class Pool:
        remember = 0

        def submit(self, *args, **kwargs):
            return futures[len(typesetting.submitted)]

    typesetting = pipeline._Workers(None, time.monotonic() + 60, 60, 2, 3, Pool())
    for n in range(3):
        typesetting.submit([(f"key {n}", pipeline.Job(*[None] * 11))])
    waiting = threading.Thread(target=typesetting.wait_for_a_free_core)
    waiting.start()
    futures[1].set_result([])
    waiting.join(0.5)
    assert waiting.is_alive()               # two left on two workers: both busy
    futures[0].set_result([])
    waiting.join(5)
    assert not waiting.is_alive()           # one left: a core is free
