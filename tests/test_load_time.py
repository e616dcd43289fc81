"""Issue 22, class 6 (loading): loading grows linearly with the data, and runs inside --timeout.
(20,000 cities took 19 s and 100,000 never finished: a quadratic duplicate check, outside the
time limit.) Times are compared as ratios within one run, never against a fixed figure."""
import gc
import shutil
import subprocess
import sys
import time
from pathlib import Path

from brochure import content

PROJECT = Path(__file__).resolve().parent.parent
MINI = PROJECT / "tests" / "fixtures" / "mini"


def with_cities(where: Path, count: int) -> Path:
    root = where / f"content-{count}"
    shutil.copytree(MINI, root)
    lines = [f'- {{name: "Miasto {i}", network: zielona, mid: unknown}}' for i in range(count)]
    (root / "data" / "cities.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


def load_seconds(root: Path) -> float:
    """The CPU time of loading (this process's own: the other tests' processes running beside
    it under make test's pytest-xdist do not count, as they would in the wall time); the
    garbage of the loads before collected first, so that none of it is collected meanwhile."""
    gc.collect()
    started = time.process_time()
    pub = content.load(root)
    took = time.process_time() - started
    assert len(pub.cities) > 0
    return took


def test_loading_grows_linearly_with_the_cities(tmp_path):
    small, large = with_cities(tmp_path, 1_000), with_cities(tmp_path, 10_000)
    load_seconds(small)                                          # imports, caches
    ratio = min(load_seconds(large) for _ in range(2)) / min(load_seconds(small) for _ in range(5))
    assert ratio < 16, f"10x the cities took {ratio:.1f}x the time (linear: about 10x)"


def test_the_timeout_covers_loading(tmp_path):
    root = with_cities(tmp_path, 100_000)
    try:
        done = subprocess.run([sys.executable, "build.py", "--content", str(root), "--output",
                               str(tmp_path / "out"), "--lang", "pl", "--quiet", "--timeout",
                               "2"], cwd=PROJECT, capture_output=True, text=True, timeout=90)
    except subprocess.TimeoutExpired:
        raise AssertionError("--timeout 2 did not stop the loading") from None
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith("error: loading and checking the content took longer than "
                                  "2 s and was stopped"), done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "out").exists()
