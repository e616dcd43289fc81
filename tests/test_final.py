"""--final, the sign-off before printing: what a build or check reports as warnings (a section
over its planned pages, a short page, an added Notes page, a fact the sources do not give) is an
error there, and `build --final` writes nothing."""
import shutil

from brochure.commands import cli
from conftest import MINI


def run(capsys, *argv):
    code = cli.main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_build_final_refuses_a_gap_and_writes_nothing(tmp_path, capsys):
    """The mini fixture lists fewer PPP cities than the network has (a data gap): a warning
    without --final, an error with it, and the output folder is left as it was."""
    root = tmp_path / "content"
    shutil.copytree(MINI, root)
    out = tmp_path / "output"
    code, _, err = run(capsys, "build", "--content", str(root), "--output", str(out),
                       "--lang", "pl", "--quiet")
    assert code == 0, err
    assert "known gaps in the data" in err and ": error:" not in err
    before = {p: p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}
    code, _, err = run(capsys, "build", "--final", "--content", str(root), "--output", str(out),
                       "--lang", "pl", "--quiet")
    assert code == 2, err
    assert 'data/networks.yaml:' in err and ': error: network "ppp" lists' in err, err
    assert "--final: " in err and "stop the sign-off" in err
    after = {p: p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}
    assert after == before                                  # nothing written


def test_check_final_turns_the_plans_and_the_datas_gaps_into_errors(tmp_path, capsys):
    root = tmp_path / "content"
    shutil.copytree(MINI, root)
    md = root / "pl" / "01-wstep.md"           # far over its two planned pages
    md.write_text(md.read_text(encoding="utf-8") + "\nDługi akapit o miastach. " * 900,
                  encoding="utf-8")
    code, _, err = run(capsys, "check", "--content", str(root))
    overrun = [ln for ln in err.splitlines() if "01-wstep.md" in ln and " over" in ln]
    assert overrun and all(": warning: " in ln for ln in overrun), err
    code, out, err = run(capsys, "check", "--final", "--content", str(root))
    assert code == 2
    errors = [ln for ln in err.splitlines() if ": error: " in ln]
    assert any("01-wstep.md" in ln and " over" in ln for ln in errors), errors
    assert any('network "ppp" lists' in ln for ln in errors), errors
