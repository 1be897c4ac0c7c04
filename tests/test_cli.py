"""The command line (docs/model.md §6 and §7), end to end: ``run_scenario.py`` as a process and
``supplychain.cli.main`` in process. Exit codes: 0 success, 2 bad input (one paragraph, no
traceback, nothing written), 1 internal error."""

from __future__ import annotations

import csv
import importlib
import importlib.metadata
import io
import json
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from builders import read_csv

import supplychain as sc
from supplychain.cli import main

REPO = Path(__file__).resolve().parents[1]
SCRIPT = REPO / "run_scenario.py"
TINY_NETWORK = REPO / "supplychain" / "data" / "tiny" / "network.yaml"
REQUIRED = {"facilities.csv", "countries.csv", "controls.csv", "companies.csv", "summary.csv", "run.json"}

BAD_KEY = """\
    name: tiny-bad-key
    network: tiny
    controls:
      - name: nl-litho
        issuer: NLD
        items: [euv]
        destinatons: [CHN]
    """


def write(folder: Path, text: str, name: str = "scenario.yaml") -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def run_script(*args: str | Path, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def csv_bytes(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.csv"))}


def leftovers(folder: Path) -> list[str]:
    """Temporary folders the atomic writer may have left behind in ``folder``."""
    return sorted(p.name for p in folder.iterdir() if p.name.endswith((".tmp", ".old")))


@pytest.fixture
def scenario(tmp_path: Path, tiny_controls_path: Path) -> Path:
    """A copy of tests/data/tiny-controls.yaml: dc_cn keeps 0.125 of its capacity, limited by
    us-chips; fab_cn 0.25, limited by nl-litho; sand_us runs at 0.75."""
    return Path(shutil.copy(tiny_controls_path, tmp_path / "scenario.yaml"))


# ---- success -------------------------------------------------------------------------------


def test_script_writes_reports(tmp_path: Path, scenario: Path) -> None:
    out = tmp_path / "out"
    done = run_script(scenario, "--out", out)
    assert done.returncode == 0, done.stderr
    # in a pipe, progress is a plain line per tenth of the work; nothing else on stderr
    assert all(re.fullmatch(r"[\w -]+: \d+/\d+ \(\d+ %\) after \d+\.\d s", line) for line in done.stderr.splitlines())
    assert "tiny-controls" in done.stdout
    assert str(out) in done.stdout
    assert {p.name for p in out.iterdir()} >= REQUIRED
    assert leftovers(tmp_path) == []

    facilities = {row["facility"]: row for row in read_csv(out / "facilities.csv")}
    assert list(read_csv(out / "facilities.csv")[0])[:10] == [
        "facility",
        "name",
        "company",
        "country",
        "kind",
        "capacity",
        "availability",
        "lost_capacity",
        "limiting_item",
        "limiting_control",
    ]
    assert facilities["dc_cn"]["availability"] == "0.125"
    assert facilities["dc_cn"]["limiting_control"] == "us-chips"
    assert facilities["fab_cn"]["availability"] == "0.25"
    assert facilities["fab_cn"]["limiting_control"] == "nl-litho"
    assert facilities["sand_us"]["availability"] == "0.75"
    assert list(read_csv(out / "countries.csv")[0])[:5] == [
        "country",
        "kind",
        "capacity",
        "lost_capacity",
        "lost_share",
    ]
    controls = read_csv(out / "controls.csv")
    assert [row["control"] for row in controls] == ["nl-litho", "us-chips"]
    assert list(controls[0])[:4] == ["control", "edges_covered", "facilities_hit", "standalone_lost_compute"]
    assert list(read_csv(out / "summary.csv")[0]) == ["metric", "value"]

    info = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert info["scenario"] == "tiny-controls"
    assert info["network"] == "tiny"
    assert info["version"] == sc.__version__
    assert info["scenario_sha256"] == sc.read_scenario(scenario).sha256
    assert {"seed", "solver", "timings"} <= set(info)


def test_default_output_folder_is_reports_name_under_cwd(tmp_path: Path, scenario: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    done = run_script(scenario, cwd=work)
    assert done.returncode == 0, done.stderr
    assert {p.name for p in (work / "reports" / "tiny-controls").iterdir()} >= REQUIRED
    assert sorted(p.name for p in (work / "reports").iterdir()) == ["tiny-controls"]


def test_default_output_folder_in_process(
    tmp_path: Path, scenario: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main([str(scenario)]) == 0
    assert "reports written to reports/tiny-controls/" in capsys.readouterr().out
    assert {p.name for p in (tmp_path / "reports" / "tiny-controls").iterdir()} >= REQUIRED


def test_rerun_gives_byte_identical_csvs(tmp_path: Path, scenario: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(scenario), "--out", str(tmp_path / "a"), "--quiet"]) == 0
    assert main([str(scenario), "--out", str(tmp_path / "b"), "--quiet"]) == 0
    first = csv_bytes(tmp_path / "a")
    assert first == csv_bytes(tmp_path / "b")
    assert main([str(scenario), "--out", str(tmp_path / "a"), "--quiet"]) == 0  # replaces its own report
    assert csv_bytes(tmp_path / "a") == first

    def without_timings(folder: Path) -> dict:
        info = json.loads((folder / "run.json").read_text(encoding="utf-8"))
        info.pop("timings")
        return info

    assert without_timings(tmp_path / "a") == without_timings(tmp_path / "b")


def test_quiet_prints_nothing(tmp_path: Path, scenario: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(scenario), "--out", str(tmp_path / "out"), "--quiet"]) == 0
    assert capsys.readouterr() == ("", "")
    assert (tmp_path / "out" / "facilities.csv").is_file()


def test_validate_writes_nothing_and_prints_coverage(
    tmp_path: Path, scenario: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    before = sorted(p.name for p in tmp_path.iterdir())
    assert main([str(scenario), "--validate", "--out", str(tmp_path / "out")]) == 0
    out = capsys.readouterr().out
    assert "valid" in out
    assert "control nl-litho: covers 1 supply edge" in out
    assert "control us-chips: covers 2 supply edges" in out
    assert "disruption sand_us: hits 1 facilit" in out
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # no out/, no reports/


def test_validate_quiet_prints_nothing(scenario: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(scenario), "--validate", "--quiet"]) == 0
    assert capsys.readouterr() == ("", "")


def test_validate_reports_unknown_ids(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "name: s\nnetwork: tiny\ndisruptions:\n  - facilities: [fab_tww]\n")
    assert main([str(path), "--validate"]) == 2
    err = capsys.readouterr().err
    assert f"{path} line 4" in err
    assert "did you mean 'fab_tw'?" in err


# ---- bad input: exit 2, one paragraph, nothing written ------------------------------------


def assert_one_paragraph(err: str) -> None:
    assert err.startswith("error: "), err
    assert "Traceback" not in err
    assert "\n\n" not in err.strip()


def test_bad_input_exits_2_without_traceback_or_folder(tmp_path: Path) -> None:
    path = write(tmp_path, BAD_KEY)
    work = tmp_path / "work"
    work.mkdir()
    done = run_script(path, cwd=work)
    assert done.returncode == 2
    assert done.stdout == ""
    assert_one_paragraph(done.stderr)
    assert f"{path} line 7" in done.stderr
    assert "controls[0].destinatons" in done.stderr
    assert "did you mean 'destinations'?" in done.stderr
    assert list(work.iterdir()) == []  # no reports/ folder


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("name: s\nnetwork: tiny\nhorizon_weeks: 0\n", "horizon_weeks"),
        ("name: s\nnetwork: tiny\ndisruptions:\n  - facilities: [fab_tww]\n", "did you mean 'fab_tw'?"),
        ("name: s\nnetwork: tinny\n", "did you mean 'tiny'?"),
        ("name: s\nnetwork: tiny\ncontrols: [\n", "not valid YAML"),
        ("- just\n- a list\n", "a scenario is a YAML mapping"),
    ],
)
def test_bad_input_in_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], text: str, expected: str
) -> None:
    monkeypatch.chdir(tmp_path)
    path = write(tmp_path, text)
    out = tmp_path / "out"
    assert main([str(path), "--out", str(out)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert_one_paragraph(captured.err)
    assert expected in captured.err
    assert not out.exists()
    assert not (tmp_path / "reports").exists()


def test_missing_scenario_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(tmp_path / "nope.yaml")]) == 2
    err = capsys.readouterr().err
    assert_one_paragraph(err)
    assert "nope.yaml" in err
    assert "no such file" in err


def test_bad_network_exits_2_naming_row_and_sum(tmp_path: Path) -> None:
    network = TINY_NETWORK.read_text(encoding="utf-8")
    row = "{supplier: sand_us, buyer: fab_tw, item: sand, share: 0.5}"
    assert row in network
    (tmp_path / "bad-shares-network.yaml").write_text(network.replace(row, row.replace("0.5", "0.4")), encoding="utf-8")
    path = write(tmp_path, "name: tiny-bad-shares\nnetwork: bad-shares-network.yaml\n", "bad-shares.yaml")
    done = run_script(path, "--out", tmp_path / "out")
    assert done.returncode == 2
    assert_one_paragraph(done.stderr)
    for word in ("bad-shares-network.yaml", "fab_tw", "sand", "0.9"):
        assert word in done.stderr
    assert not (tmp_path / "out").exists()


def test_out_folder_with_user_files_is_left_alone(
    tmp_path: Path, scenario: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("my notes\n", encoding="utf-8")
    (out / "facilities.csv").write_text("not yours to replace either\n", encoding="utf-8")
    assert main([str(scenario), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert_one_paragraph(err)
    assert "notes.txt" in err
    assert sorted(p.name for p in out.iterdir()) == ["facilities.csv", "notes.txt"]
    assert (out / "notes.txt").read_text(encoding="utf-8") == "my notes\n"
    assert (out / "facilities.csv").read_text(encoding="utf-8") == "not yours to replace either\n"
    assert leftovers(tmp_path) == []


def test_out_is_a_file(tmp_path: Path, scenario: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "report.csv"
    out.write_text("keep\n", encoding="utf-8")
    assert main([str(scenario), "--out", str(out)]) == 2
    assert_one_paragraph(capsys.readouterr().err)
    assert out.read_text(encoding="utf-8") == "keep\n"


def test_previous_report_folder_is_replaced(tmp_path: Path, scenario: Path) -> None:
    out = tmp_path / "out"
    assert main([str(scenario), "--out", str(out), "--quiet", "--samples", "10"]) == 0  # a previous report
    assert "monte_carlo.csv" in {p.name for p in out.iterdir()}
    assert main([str(scenario), "--out", str(out), "--quiet"]) == 0
    names = {p.name for p in out.iterdir()}
    assert "monte_carlo.csv" not in names  # this run has no Monte Carlo: the stale file is gone
    assert names >= REQUIRED
    assert (out / "facilities.csv").read_text(encoding="utf-8").startswith("facility,")
    assert leftovers(tmp_path) == []


def test_bad_argument_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["--no-such-option"])
    assert info.value.code == 2
    assert "usage" in capsys.readouterr().err


# ---- spreadsheet safety -------------------------------------------------------------------


def test_formula_like_text_is_escaped(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    network = TINY_NETWORK.read_text(encoding="utf-8")
    for before, after in [
        ("name: Fab TW, company: tsmc", 'name: "=cmd|\' /C calc\'!A0", company: "+tsmc"'),
        ("name: DC CN", 'name: "@SUM(A1)"'),
        ("name: Fab CN", 'name: "-2+3"'),
    ]:
        assert before in network
        network = network.replace(before, after)
    (tmp_path / "evil.yaml").write_text(network, encoding="utf-8")
    path = write(
        tmp_path,
        """\
        name: evil
        network: evil.yaml
        controls:
          - name: "-chips"
            issuer: USA
            items: [chip]
            destinations: [CHN]
            reach: {foreign_direct_product: true}
        """,
    )
    out = tmp_path / "out"
    assert main([str(path), "--out", str(out), "--quiet"]) == 0
    facilities = {row["facility"]: row for row in read_csv(out / "facilities.csv")}
    assert facilities["fab_tw"]["name"] == "'=cmd|' /C calc'!A0"
    assert facilities["fab_tw"]["company"] == "'+tsmc"
    assert facilities["dc_cn"]["name"] == "'@SUM(A1)"
    assert facilities["fab_cn"]["name"] == "'-2+3"
    assert facilities["dc_cn"]["limiting_control"] == "'-chips"
    assert read_csv(out / "controls.csv")[0]["control"] == "'-chips"
    for name in ("facilities.csv", "countries.csv", "controls.csv", "summary.csv"):
        for row in csv.reader(io.StringIO((out / name).read_text(encoding="utf-8"))):
            for cell in row:
                # numbers may be negative; any other cell must not start like a formula
                if cell[:1] in ("=", "+", "@") or (cell.startswith("-") and not _is_number(cell)):
                    pytest.fail(f"{name}: unescaped cell {cell!r}")


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


# ---- internal errors ------------------------------------------------------------------------


@pytest.fixture
def broken_stress(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(importlib.import_module("supplychain.pipeline"), "stress", boom)


@pytest.mark.usefixtures("broken_stress")
def test_internal_error_exits_1_without_traceback(
    tmp_path: Path, scenario: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    assert main([str(scenario), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert "internal error: RuntimeError: boom" in err
    assert "--debug" in err
    assert not out.exists()


@pytest.mark.usefixtures("broken_stress")
def test_internal_error_with_debug_shows_traceback(
    tmp_path: Path, scenario: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([str(scenario), "--out", str(tmp_path / "out"), "--debug"]) == 1
    err = capsys.readouterr().err
    assert "Traceback" in err
    assert "RuntimeError: boom" in err


# ---- version, help and the console command --------------------------------------------------


def test_version_in_process(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0
    assert capsys.readouterr().out.strip() == f"supplychain {sc.__version__}"


def test_version_script() -> None:
    done = run_script("--version")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"supplychain {importlib.metadata.version('supplychain')}"


def test_help_names_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    for option in ("--out", "--quiet", "--validate", "--debug", "--version", "--exposure-controls"):
        assert option in out
    assert "Exit codes" in out


def test_console_script_entry_point() -> None:
    points = importlib.metadata.entry_points(group="console_scripts", name="run-scenario")
    assert [p.value for p in points] == ["supplychain.cli:main"]
    assert next(iter(points)).load() is main


def test_console_script_runs(tmp_path: Path) -> None:
    command = shutil.which("run-scenario", path=str(Path(sys.executable).parent))
    if command is None:
        pytest.skip("run-scenario is not installed beside this Python (pip install -e .)")
    done = subprocess.run(
        [command, "--version"], cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"supplychain {importlib.metadata.version('supplychain')}"


@pytest.mark.parametrize(
    ("flags", "words"),
    [
        (["--workers", "0"], ["--workers", "at least 1"]),
        (["--seed", "-1"], ["--seed", "at least 0"]),
        (["--samples", "0"], ["--samples", "at least 1"]),
        (["--solver", "gurobi"], ["gurobi", "highs", "cbc"]),
        (["--exposure-controls", "--no-exposure"], ["--exposure-controls", "--no-exposure"]),
        (["--exposure-controls", "--no-analyses"], ["--exposure-controls", "--no-analyses"]),
    ],
)
def test_bad_run_options_exit_2_before_any_work(
    tmp_path: Path, scenario: Path, flags: list[str], words: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    """Options are checked even when the scenario would not use them (no monte_carlo block)."""
    out = tmp_path / "out"
    assert main([str(scenario), "--out", str(out), *flags]) == 2
    err = capsys.readouterr().err
    assert all(w in err for w in words), err
    assert "Traceback" not in err
    assert not out.exists()


def test_exposure_controls_flag_applies_the_controls_to_exposure(tmp_path: Path, scenario: Path) -> None:
    """tiny-controls, fab_cn down for its 26 recovery weeks. Without controls fab_tw's spare 20
    chips a week make up dc_cn's 20 from fab_cn: nothing lost, no flag. With
    --exposure-controls fab_tw's chips to dc_cn are licensed at 20 % under us-chips: dc_cn is
    short, the loss is positive and flagged; run.json says which run applied the controls."""
    plain, controlled = tmp_path / "plain", tmp_path / "controlled"
    assert run_script(scenario, "--out", plain, "--quiet").returncode == 0
    done = run_script(scenario, "--out", controlled, "--quiet", "--exposure-controls")
    assert done.returncode == 0, done.stderr
    without = {r["facility"]: r for r in read_csv(plain / "exposure.csv")}
    with_controls = {r["facility"]: r for r in read_csv(controlled / "exposure.csv")}
    assert without["fab_cn"]["lost_output"] == "0"
    assert without["fab_cn"]["tts_below_ttr"] == "false"
    assert float(with_controls["fab_cn"]["lost_output"]) > 0
    assert with_controls["fab_cn"]["tts_below_ttr"] == "true"
    assert float(with_controls["fab_cn"]["tts_weeks"]) < 26
    assert json.loads((plain / "run.json").read_text(encoding="utf-8"))["exposure_controls"] is False
    assert json.loads((controlled / "run.json").read_text(encoding="utf-8"))["exposure_controls"] is True
    for name in ("facilities.csv", "chokepoints.csv", "companies.csv"):  # only exposure changes
        assert (plain / name).read_bytes() == (controlled / name).read_bytes()
