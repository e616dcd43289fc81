"""Issue 22, class 3: the output folder is the tool's alone, and switched whole.

Refused places (/, the home folder, the content folder and its relatives, files the tool did
not write), one build at a time, and the whole new set switched in at once: after a kill -9
or a SIGTERM at the moment before or after the switch, output/ is the old set or the new one,
the message says which, and the next build removes what the killed one left beside it.
"""
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import inprocess
from brochure.build import output
from brochure.commands import cli

PROJECT = Path(__file__).resolve().parent.parent
MINI = PROJECT / "tests" / "fixtures" / "mini"
BUILD = [sys.executable, "build.py"]
TITLE = "Mała publikacja 2021-2023"
NEW_TITLE = "Nowy tytuł po zmianie"
MANIFEST = ".brochure-manifest.json"


def copy_content(where: Path) -> Path:
    root = where / "content"
    shutil.copytree(MINI, root)
    return root


def retitle(root: Path) -> None:
    page = root / "publication.yaml"
    text = page.read_text(encoding="utf-8")
    assert TITLE in text
    page.write_text(text.replace(TITLE, NEW_TITLE), encoding="utf-8")


def environment(keys: Path, **extra) -> dict:
    return dict(os.environ, XDG_CACHE_HOME=str(keys), **extra)


def build(root, out, keys, *extra, env=None, timeout=300, lang="pl"):
    """build.py in this process (tests/inprocess.py); the stopped builds below run in their own."""
    languages = ["--lang", lang] if lang else []
    return inprocess.run(["--content", str(root), "--output", str(out), *languages, "--quiet",
                          *extra], env=env or environment(keys))


def snapshot(folder: Path) -> dict:
    """Every file under folder (links not followed): relative path -> bytes."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and not p.is_symlink()}


def outputs(folder: Path) -> dict:
    """The published files (the cache and the manifest, which name cache entries, aside)."""
    return {rel: data for rel, data in snapshot(folder).items()
            if not rel.startswith(".cache/") and rel != MANIFEST}


def beside(out: Path) -> list:
    """What the build keeps beside the output folder: its lock, staged and replaced sets."""
    return sorted(p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}."))


# --- refused places ------------------------------------------------------------------------

@pytest.fixture
def no_publish(monkeypatch):
    """Fail the test, instead of writing, should a refused build reach the switch."""
    def publish(*args, **kwargs):
        raise AssertionError("a refused output folder reached the switch")
    monkeypatch.setattr(output.Folder, "publish", publish)


def test_the_root_folder_is_refused(tmp_path, capsys, no_publish):
    root = copy_content(tmp_path)
    code = cli.main(["--content", str(root), "--output", "/", "--quiet"])
    err = capsys.readouterr().err
    assert code == 2, err
    assert err.startswith("error: --output / is the root folder; the output folder is the "
                          "tool's alone"), err
    assert not Path("/pim-pl.pdf").exists() and not Path("/.brochure-manifest.json").exists()


@pytest.mark.parametrize("place,reason", [
    ("home", "is your home folder"),
    ("above-home", "holds your home folder"),
    ("content", "is the content folder"),
    ("content/out", "lies inside the content folder"),
    ("content/pl", "lies inside the content folder"),
    (".", "holds the content folder"),
    ("package", "is the builder's own package folder"),
    ("theme", "lies inside the builder's own package folder"),
    ("a-file", "is a file, not a folder"),
])
def test_places_that_are_not_an_output_folder_are_refused(tmp_path, place, reason):
    root, keys = copy_content(tmp_path / "project"), tmp_path / "keys"
    home = tmp_path / "home" / "someone"
    home.mkdir(parents=True)
    (home / "notes.txt").write_text("mine")
    (tmp_path / "project" / "a-file").write_text("mine")
    where = {"home": home, "above-home": home.parent, "package": PROJECT / "brochure",
             "theme": PROJECT / "brochure" / "themes" / "default"}.get(
                 place, tmp_path / "project" / place)
    before = snapshot(where) if where.is_dir() else None
    done = build(root, where, keys, env=environment(keys, HOME=str(home)))
    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stderr.startswith(f"error: --output {where} {reason}"), done.stderr
    assert "; the output folder is the tool's alone" in done.stderr
    assert "Traceback" not in done.stderr and len(done.stderr.splitlines()) == 2
    if before is not None:
        assert snapshot(where) == before
    assert not (tmp_path / "project" / "content" / "out").exists()


@pytest.mark.parametrize("name", ["report.docx", "web/report.docx", "html/notes/x.html"])
def test_a_folder_holding_other_files_is_refused_and_left_as_it_is(tmp_path, name):
    root, out, keys = copy_content(tmp_path), tmp_path / "out", tmp_path / "keys"
    (out / name).parent.mkdir(parents=True)
    (out / name).write_bytes(b"someone's work")
    (out / "pim-pl.pdf").write_bytes(b"%PDF- an old one")
    done = build(root, out, keys)
    assert done.returncode == 2
    assert f"{out}/{name}: a file this publication's build does not write" in done.stderr
    assert snapshot(out) == {name: b"someone's work", "pim-pl.pdf": b"%PDF- an old one"}


def test_a_file_added_to_a_built_folder_stops_the_next_build(tmp_path):
    root, out, keys = copy_content(tmp_path), tmp_path / "out", tmp_path / "keys"
    assert build(root, out, keys).returncode == 0
    listed = set((out / MANIFEST).read_text(encoding="utf-8").split('"'))
    assert set(outputs(out)) <= listed
    (out / "web" / "notes.html").write_text("mine")
    before = snapshot(out)
    done = build(root, out, keys)
    assert done.returncode == 2
    assert f"{out}/web/notes.html: a file this tool did not write (it is not in " \
           f"{out}/{MANIFEST})" in done.stderr, done.stderr
    assert snapshot(out) == before
    (out / "web" / "notes.html").unlink()
    assert build(root, out, keys).returncode == 0


def test_an_output_folder_given_as_a_link_stays_a_link(tmp_path):
    root, keys = copy_content(tmp_path), tmp_path / "keys"
    real = tmp_path / "disk" / "brochure-out"
    real.mkdir(parents=True)
    link = tmp_path / "out"
    link.symlink_to(real)
    for changed in (False, True):
        if changed:
            retitle(root)
        done = build(root, link, keys)
        assert done.returncode == 0, done.stderr
        assert link.is_symlink() and (real / "pim-pl.pdf").is_file()
    assert beside(real) == []


def test_a_full_build_drops_the_files_of_an_edition_no_longer_made(tmp_path):
    """A build of every language replaces the whole set; one of some languages keeps the
    others' files as they are."""
    root, out, keys = copy_content(tmp_path), tmp_path / "out", tmp_path / "keys"
    assert build(root, out, keys).returncode == 0
    page = root / "publication.yaml"
    page.write_text(page.read_text(encoding="utf-8").replace(
        "name: pim\n", "name: pim\neditions:\n  - {id: pl, languages: [pl]}\n"
                       "  - {id: en, languages: [en]}\n"), encoding="utf-8")
    assert build(root, out, keys, lang="en").returncode == 0
    assert (out / "print" / "pim-pl-print.pdf").is_file() and (out / "pim-en.pdf").is_file()
    assert build(root, out, keys, lang=None).returncode == 0
    assert not (out / "print").exists() and (out / "pim-pl.pdf").is_file()


def test_an_output_folder_of_an_earlier_version_is_taken_over(tmp_path):
    """No manifest, pickles in .cache, a staged temporary file: every file is one this
    publication's build writes or an earlier version's leftover, so the folder is taken over;
    a build of one language keeps the other's files."""
    root, out, keys = copy_content(tmp_path), tmp_path / "out", tmp_path / "keys"
    assert build(root, out, keys, lang=None).returncode == 0
    (out / MANIFEST).unlink()
    for entry in list((out / ".cache").iterdir()):
        entry.rename(entry.with_suffix(".pickle"))
    (out / ".pim-pl.pdf.k2j3.tmp").write_bytes(b"half")
    english = {rel: data for rel, data in outputs(out).items() if "-en" in rel}
    assert english
    done = build(root, out, keys, lang="pl")
    assert done.returncode == 0, done.stderr
    assert {rel: outputs(out)[rel] for rel in english} == english
    assert list(out.rglob("*.pickle")) == [] and list(out.rglob("*.tmp")) == []
    listed = (out / MANIFEST).read_text(encoding="utf-8")
    assert all(f'"{rel}"' in listed for rel in outputs(out))


# --- one build at a time; the whole set at once ------------------------------------------------

def start(root, out, keys, pause, seconds=60):
    """A build that stops (BROCHURE_TEST_PAUSE) at `pause`: "staged" (the new set complete
    beside the output folder) or "switched" (just after the switch); returns the process once
    it is there."""
    env = environment(keys, BROCHURE_TEST_PAUSE=pause, BROCHURE_TEST_PAUSE_SECONDS=str(seconds))
    process = subprocess.Popen(BUILD + ["--content", str(root), "--output", str(out), "--lang",
                                        "pl", "--quiet"], cwd=PROJECT, env=env, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    line, deadline = "", time.monotonic() + 120
    while f"paused: {pause}" not in line and time.monotonic() < deadline:
        line = process.stderr.readline()
        if not line and process.poll() is not None:
            break
    assert f"paused: {pause}" in line, process.communicate()
    return process


@pytest.fixture(scope="module")
def sets(tmp_path_factory):
    """The output folder of the old content, and the new content's set built cleanly (what a
    switched folder must hold)."""
    base = tmp_path_factory.mktemp("sets")
    root, keys = copy_content(base / "old"), base / "keys"
    assert build(root, base / "old-out", keys).returncode == 0
    new_root = copy_content(base / "new")
    retitle(new_root)
    assert build(new_root, base / "new-out", keys).returncode == 0
    return {"old": base / "old-out", "new": outputs(base / "new-out"), "keys": keys}


def test_a_second_build_stops_at_once_and_says_who_holds_the_folder(sets, tmp_path):
    root, out = copy_content(tmp_path), tmp_path / "out"
    shutil.copytree(sets["old"], out)
    retitle(root)
    first = start(root, out, sets["keys"], "staged")
    try:
        started = time.monotonic()
        second = build(root, out, sets["keys"])
        assert time.monotonic() - started < 30
        assert second.returncode == 2
        assert f"another build is writing into {out}/ (process {first.pid})" in second.stderr
    finally:
        first.kill()
        first.wait()
    assert outputs(out) == outputs(sets["old"])


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM, signal.SIGINT],
                         ids=["kill-9", "SIGTERM", "Ctrl-C"])
def test_a_build_stopped_before_the_switch_leaves_the_old_set(sets, tmp_path, sig):
    root, out = copy_content(tmp_path), tmp_path / "out"
    shutil.copytree(sets["old"], out)
    retitle(root)
    process = start(root, out, sets["keys"], "staged")
    process.send_signal(sig)
    _, err = process.communicate(timeout=30)
    assert outputs(out) == outputs(sets["old"])
    if sig != signal.SIGKILL:
        assert process.returncode == 130
        assert f"interrupted; the files in {out}/ are unchanged" in err
        assert beside(out) == []
    else:
        assert [name for name in beside(out) if ".staging-" in name]     # the killed set
    after = build(root, out, sets["keys"])
    assert after.returncode == 0, after.stderr
    assert outputs(out) == sets["new"] and beside(out) == []


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM], ids=["kill-9", "SIGTERM"])
def test_a_build_stopped_after_the_switch_leaves_the_new_set_and_says_so(sets, tmp_path, sig):
    root, out = copy_content(tmp_path), tmp_path / "out"
    shutil.copytree(sets["old"], out)
    retitle(root)
    process = start(root, out, sets["keys"], "switched", seconds=3)
    process.send_signal(sig)
    _, err = process.communicate(timeout=30)
    assert outputs(out) == sets["new"]
    if sig == signal.SIGTERM:
        assert process.returncode == 130
        assert f"interrupted; the new files are in place: {out}/ holds this build's files" in err
        assert "unchanged" not in err and beside(out) == []
    else:
        assert [name for name in beside(out) if ".staging-" in name]     # the old set
    after = build(root, out, sets["keys"])
    assert after.returncode == 0, after.stderr
    assert outputs(out) == sets["new"] and beside(out) == []


def test_publish_stages_everything_before_the_switch(tmp_path):
    """A file that cannot be staged stops the build before output/ changes."""
    out = tmp_path / "out"
    with output.Folder(out) as folder:
        folder.publish([("a.pdf", b"old a", 1)])
    with output.Folder(out) as folder:
        with pytest.raises(output.OutputError, match="nothing was replaced"):
            folder.publish([("a.pdf", b"new a", 1), ("a.pdf/b.pdf", b"new b", 1)])
    assert outputs(out) == {"a.pdf": b"old a"} and beside(out) == []


def test_without_rename_exchange_the_switch_still_gives_one_set(tmp_path, monkeypatch):
    """A file system without RENAME_EXCHANGE: two renames (a killed build between them is put
    back by the next, from the replaced set beside the folder)."""
    import errno

    def unsupported(first, second):
        raise OSError(errno.EINVAL, "Invalid argument")

    monkeypatch.setattr(output, "_exchange", unsupported)
    out = tmp_path / "out"
    for text in (b"old", b"new"):
        with output.Folder(out) as folder:
            folder.publish([("a.pdf", text, 1), ("web/index.html", text, None)])
    assert outputs(out) == {"a.pdf": b"new", "web/index.html": b"new"} and beside(out) == []
    out.rename(tmp_path / ".out.previous-1-0123abcd")      # killed between the two renames
    with output.Folder(out):
        pass
    assert outputs(out) == {"a.pdf": b"new", "web/index.html": b"new"} and beside(out) == []


# --- new DIR: the output of `new` ------------------------------------------------------------

@pytest.mark.parametrize("target,reason", [
    ("/etc/hostname/raport", "Not a directory"),
    ("/proc/raport", "No such file or directory"),
    ("/etc/hostname", "already exists and is not an empty folder"),
])
def test_new_where_it_cannot_write_is_one_clear_line(target, reason):
    done = inprocess.run(["new", target])
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith(f"error: {target}: "), done.stderr
    assert reason in done.stderr and len(done.stderr.splitlines()) == 1
    assert "internal error" not in done.stderr and "output/" not in done.stderr


def test_new_that_fails_halfway_leaves_no_half_publication(tmp_path, monkeypatch, capsys):
    from brochure.commands import new

    def fail(*args, **kwargs):
        (tmp_path / "raport" / "pl").mkdir(parents=True)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(new.shutil, "copytree", fail)
    assert cli.main(["new", str(tmp_path / "raport")]) == 2
    assert "No space left on device" in capsys.readouterr().err
    assert not (tmp_path / "raport").exists()
