"""The ``supplychain`` command's subcommands (docs/model.md §7): ``run`` (the default),
``validate``, ``list`` and ``new``, end to end through ``supplychain.cli.main`` and once as the
installed console command."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

import supplychain as sc
from supplychain.cli import main


def test_list_names_every_bundled_network_and_scenario(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    assert "networks:\n  semiconductors: 434 facilities" in out
    assert "  tiny: 8 facilities, 5 items, 4 countries" in out
    assert "  tiny-export-controls (tiny, 52 weeks, 2 controls, 1 disruption): Teaching example" in out
    assert "  us-2023-10-update (semiconductors, 52 weeks, 6 controls, 0 disruptions)" in out


def test_run_by_name_is_the_default_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "tiny-export-controls", "--out", str(tmp_path / "a"), "--quiet", "--no-analyses"]) == 0
    assert main(["tiny-export-controls", "--out", str(tmp_path / "b"), "--quiet", "--no-analyses"]) == 0
    a = (tmp_path / "a" / "facilities.csv").read_bytes()
    assert a == (tmp_path / "b" / "facilities.csv").read_bytes()
    assert b"dc_cn" in a


def test_validate_checks_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["validate", "tiny-export-controls"]) == 0
    out = capsys.readouterr().out
    assert "tiny-export-controls: valid." in out
    assert "control nl-litho: covers 1 supply edge" in out
    assert not (tmp_path / "reports").exists()


def test_new_writes_a_template_that_runs_and_never_overwrites(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["new", "mine"]) == 0
    written = tmp_path / "mine.yaml"
    scen = sc.read_scenario(written)
    assert (scen.name, scen.network, [c.name for c in scen.controls]) == ("mine", "semiconductors", ["example-control"])
    before = written.read_bytes()
    assert main(["new", "mine"]) == 2
    assert "mine.yaml exists; nothing written" in capsys.readouterr().err
    assert written.read_bytes() == before


def test_new_from_a_bundled_scenario_extends_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["new", "tighter", "--from", "tiny-export-controls"]) == 0
    text = (tmp_path / "tighter.yaml").read_text()
    assert "extends: tiny-export-controls" in text
    assert "#   us-chips: issuer USA, licence_approval 0.2" in text
    parent, child = sc.read_scenario("tiny-export-controls"), sc.read_scenario(tmp_path / "tighter.yaml")
    assert child.name == "tighter"
    assert [c.model_dump() for c in child.controls] == [c.model_dump() for c in parent.controls]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["new", "no spaces"], "is not a scenario name"),
        (["new", "x", "--from", "tiny-export-control"], "did you mean 'tiny-export-controls'"),
        (["new", "x", "--out", "missing/x.yaml"], "folder missing does not exist"),
    ],
)
def test_new_refuses_bad_input(
    argv: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 2
    assert message in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_the_console_command_is_installed() -> None:
    exe = shutil.which("supplychain")
    if exe is None:
        pytest.skip("the supplychain console command is not on PATH (package not installed in this environment)")
    done = subprocess.run([exe, "--help"], capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0
    for name in ("run", "validate", "list", "new", "schema", "backtest", "import-eto"):
        assert f"\n  {name:<11} " in done.stdout
