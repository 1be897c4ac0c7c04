"""The command line and the report writer under faults: bad destinations, folders that are not
ours, concurrent runs, signals, closed pipes, unreachable clusters, absurd sample counts and
time-limited solves. Each ends with exit 2 (bad input: one located paragraph, no report), 130 /
143 (SIGINT / SIGTERM: one line), or a complete report, never a traceback, and nothing of the
user's is overwritten."""

from __future__ import annotations

import contextlib
import csv
import importlib
import io
import json
import math
import os
import shutil
import signal
import socket
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import builders
import numpy as np
import pandas as pd
import pytest

import supplychain as sc
from supplychain import machine, reports
from supplychain.cli import main
from supplychain.errors import InputError
from supplychain.mcstats import distribution
from supplychain.montecarlo import sample_bytes
from supplychain.reports import MARKER, check_report_folder, to_csv_bytes, write_folder_atomically

REPO = Path(__file__).resolve().parents[1]
SCRIPT = REPO / "run_scenario.py"
BUNDLED = REPO / "scenarios" / "us-2023-10-update.yaml"
LINUX = sys.platform.startswith("linux")

CONTROLS = """\
    name: tiny-controls
    network: tiny
    controls:
      - name: us-chips
        issuer: USA
        items: ["eccn:3A090*"]
        destinations: [CHN]
        reach: {foreign_direct_product: true}
        licence_approval: 0.2
    """

MONTE_CARLO = """\
    name: tiny-mc
    network: tiny
    controls:
      - name: us-chips
        issuer: USA
        items: [chip]
        destinations: [CHN]
        reach: {foreign_direct_product: true}
        licence_approval: 0.5
    monte_carlo: {samples: 1000, seed: 1}
    """


def write(folder: Path, text: str, name: str = "scenario.yaml") -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


@pytest.fixture
def scenario(tmp_path: Path) -> Path:
    return write(tmp_path, CONTROLS)


@pytest.fixture
def mc_scenario(tmp_path: Path) -> Path:
    return write(tmp_path, MONTE_CARLO, "mc.yaml")


def run_script(*args: str | Path, cwd: Path = REPO, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def assert_one_paragraph(err: str) -> None:
    assert err.startswith("error: "), err
    assert "Traceback" not in err
    assert "\n\n" not in err.strip()


def leftovers(folder: Path) -> list[str]:
    """Temporary folders of the atomic writer left behind in ``folder``."""
    return sorted(p.name for p in folder.iterdir() if p.name.endswith((".tmp", ".old")))


def listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@pytest.fixture
def no_compute(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any computation fails loudly (exit 1), so an exit 2 shows a check ran before it."""

    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("computed before checking")

    monkeypatch.setattr(importlib.import_module("supplychain.pipeline"), "stress", boom)


# ---- exposure under a time limit: a status, an empty flag, a report written -------------------


@pytest.fixture
def every_lp_times_out(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every exposure LP stops at its time limit without a solution (as ``--time-limit 0.01``
    leaves many of them on the bundled network), deterministically."""
    from supplychain.solvers import SolveStatus

    module = importlib.import_module("supplychain.analysis.exposure")
    monkeypatch.setattr(
        module.ReusableProblem, "solve", lambda self, **kw: SolveStatus("time_limit", None, "highs", 0.0, None)
    )


@pytest.mark.usefixtures("every_lp_times_out")
def test_time_limited_exposure_says_so_and_leaves_the_flag_empty() -> None:
    table = sc.exposure(sc.read_network("tiny"), time_limit=0.01)
    assert set(table["status"]) == {"time_limit"}
    assert table["tts_weeks"].isna().all()
    assert table["lost_output"].isna().all()
    assert table["tts_below_ttr"].isna().all()  # neither LP ended optimal: unknown, not false
    rows = list(csv.DictReader(io.StringIO(to_csv_bytes(table).decode())))
    assert {row["tts_below_ttr"] for row in rows} == {""}
    assert {row["status"] for row in rows} == {"time_limit"}


@pytest.mark.usefixtures("every_lp_times_out")
def test_time_limited_run_writes_exposure_with_status(
    tmp_path: Path, scenario: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    assert main([str(scenario), "--out", str(out), "--time-limit", "0.01", "--quiet"]) == 0, capsys.readouterr().err
    rows = list(csv.DictReader(io.StringIO((out / "exposure.csv").read_text(encoding="utf-8"))))
    assert len(rows) == 8
    assert {row["status"] for row in rows} == {"time_limit"}
    assert {row["tts_below_ttr"] for row in rows} == {""}


def test_exposure_flag_comes_from_the_loss_when_the_time_to_survive_is_unknown() -> None:
    from supplychain.analysis.exposure import _below

    tts = np.array([10.0, np.nan, np.nan, np.nan, 60.0])
    lost = np.array([5.0, 7.0, 0.0, np.nan, 0.0])
    ttr = np.full(5, 26.0)
    assert _below(tts, lost, ttr).tolist() == [True, True, False, pd.NA, False]
    assert _below(tts[[0, 4]], lost[[0, 4]], ttr[:2]).dtype == bool  # nothing missing: a plain column


def test_real_time_limit_run_writes_a_report(
    tmp_path: Path, scenario: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A limit so short that HiGHS stops most solves: whatever each ends with, the run writes
    exposure.csv with a status per facility and flags that are true, false or empty."""
    out = tmp_path / "out"
    assert main([str(scenario), "--out", str(out), "--time-limit", "1e-9", "--quiet"]) == 0, capsys.readouterr().err
    rows = list(csv.DictReader(io.StringIO((out / "exposure.csv").read_text(encoding="utf-8"))))
    assert len(rows) == 8
    assert {row["status"] for row in rows} <= {"optimal", "time_limit"}
    assert {row["tts_below_ttr"] for row in rows} <= {"", "true", "false"}


def test_reports_write_every_kind_of_missing_value_as_an_empty_cell() -> None:
    table = pd.DataFrame(
        {
            "flag": pd.array([True, None, False], dtype="boolean"),
            "count": pd.array([1, None, 3], dtype="Int64"),
            "share": pd.array([0.5, None, 0.25], dtype="Float64"),
            "text": pd.array(["a", None, "=b"], dtype="string"),
            "mixed": [1.5, pd.NA, "c"],
            "when": [pd.Timestamp("2024-01-01"), pd.NaT, pd.Timestamp("2024-01-03")],
        }
    )
    lines = to_csv_bytes(table).decode().splitlines()
    assert lines[0] == "flag,count,share,text,mixed,when"
    assert lines[1] == "true,1,0.5,a,1.5,2024-01-01 00:00:00"
    assert lines[2] == ",,,,,"
    assert lines[3] == "false,3,0.25,'=b,c,2024-01-03 00:00:00"


# ---- --dask: the address form up front, an unreachable scheduler in seconds ----------------------


@pytest.mark.parametrize(
    ("address", "why"),
    [
        ("localhost", "missing port"),
        ("tcp://10.0.0.1", "missing port"),
        ("scheduler:port", "port 'port'"),
        ("127.0.0.1:99999", "port '99999'"),
        ("http://127.0.0.1:8786", "unknown scheme 'http'"),
        (":8786", "host"),
        ("[::1]8786", "IPv6"),
    ],
)
def test_malformed_dask_address_exits_2_naming_the_option(
    tmp_path: Path, mc_scenario: Path, address: str, why: str, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    assert main([str(mc_scenario), "--out", str(out), "--dask", address]) == 2
    err = capsys.readouterr().err
    assert_one_paragraph(err)
    assert "--dask" in err
    assert why in err
    assert not out.exists()


@pytest.mark.parametrize(
    "address", ["127.0.0.1:8786", "tcp://scheduler.example:8786", "tls://[::1]:8786", "inproc://x"]
)
def test_well_formed_dask_addresses_pass(address: str) -> None:
    assert machine.check_dask_address(address) == address


def test_unreachable_dask_scheduler_fails_within_seconds(
    tmp_path: Path, mc_scenario: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("distributed")
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    out = tmp_path / "out"
    started = time.perf_counter()
    assert main([str(mc_scenario), "--out", str(out), "--dask", f"tcp://127.0.0.1:{port}", "--quiet"]) == 2
    assert time.perf_counter() - started < machine.DASK_CONNECT_TIMEOUT + 10
    err = capsys.readouterr().err
    assert_one_paragraph(err)
    assert "could not connect" in err
    assert f"127.0.0.1:{port}" in err
    assert "bug" not in err
    assert not out.exists()


def test_dask_without_monte_carlo_warns_that_it_is_unused(
    tmp_path: Path, scenario: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    assert main([str(scenario), "--out", str(out), "--dask", "127.0.0.1:8786", "--quiet"]) == 0
    err = capsys.readouterr().err
    assert err.startswith("warning: ")
    assert "--dask" in err
    assert "unused" in err
    assert "monte_carlo" in err
    assert (out / "facilities.csv").exists()


# ---- --out checked before any work ------------------------------------------------------------------


@pytest.fixture
def unwritable(tmp_path: Path) -> Iterator[Path]:
    """A folder this process cannot create anything in (chmod; for root, the immutable flag)."""
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o555)
    immutable = False
    if os.access(folder, os.W_OK):  # root ignores permissions
        immutable = shutil.which("chattr") is not None and (
            subprocess.run(["chattr", "+i", str(folder)], capture_output=True, check=False).returncode == 0
        )
        if not immutable:
            folder.chmod(0o755)
            pytest.skip("cannot make a folder unwritable for this user here")
    try:
        yield folder
    finally:
        if immutable:
            subprocess.run(["chattr", "-i", str(folder)], capture_output=True, check=False)
        folder.chmod(0o755)


@pytest.mark.usefixtures("no_compute")
def test_unwritable_out_exits_2_before_any_work(
    unwritable: Path, scenario: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = unwritable / "out"
    assert main([str(scenario), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert_one_paragraph(err)
    assert str(out) in err
    assert "not writable" in err
    assert listing(unwritable) == []


@pytest.mark.usefixtures("no_compute")
def test_out_below_a_regular_file_exits_2_before_any_work(
    tmp_path: Path, scenario: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "notes.txt"
    blocker.write_text("mine\n", encoding="utf-8")
    out = blocker / "reports" / "out"
    assert main([str(scenario), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert_one_paragraph(err)
    assert str(out) in err
    assert f"{blocker} is a file" in err
    assert blocker.read_text(encoding="utf-8") == "mine\n"


@pytest.mark.usefixtures("no_compute")
def test_out_at_a_dangling_symlink_exits_2_before_any_work(
    tmp_path: Path, scenario: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    link = tmp_path / "latest"
    link.symlink_to(tmp_path / "gone")
    assert main([str(scenario), "--out", str(link)]) == 2
    err = capsys.readouterr().err
    assert_one_paragraph(err)
    assert str(link) in err
    assert "does not exist" in err
    assert link.is_symlink()
    assert not (tmp_path / "gone").exists()


@pytest.mark.usefixtures("no_compute")
def test_out_with_a_file_suffix_exits_2_before_any_work(
    tmp_path: Path, scenario: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "report.xlsx"
    assert main([str(scenario), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert_one_paragraph(err)
    assert "folder of CSV files" in err
    assert not out.exists()


# ---- write_reports refuses a file path ---------------------------------------------------------------


@pytest.mark.parametrize("name", ["out.xlsx", "out.csv", "report.JSON", "a.parquet"])
def test_write_reports_refuses_a_path_with_a_file_suffix(tmp_path: Path, name: str) -> None:
    result = sc.stress(sc.read_network("tiny"), sc.Scenario.model_validate({"name": "none"}))
    with pytest.raises(InputError, match="folder of CSV files"):
        sc.write_reports(result, tmp_path / name)
    assert listing(tmp_path) == []


def test_write_reports_takes_a_folder_name_with_a_dot(tmp_path: Path) -> None:
    result = sc.stress(sc.read_network("tiny"), sc.Scenario.model_validate({"name": "none"}))
    folder = sc.write_reports(result, tmp_path / "run.2024-05")
    assert (folder / "facilities.csv").is_file()


# ---- Monte Carlo sample counts beyond the machine's memory ----------------------------------------------


def test_absurd_sample_count_is_refused_with_the_estimate(
    tmp_path: Path, scenario: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    started = time.perf_counter()
    assert main([str(scenario), "--out", str(out), "--samples", "1000000000000"]) == 2
    assert time.perf_counter() - started < 30
    err = capsys.readouterr().err
    assert_one_paragraph(err)
    assert "--samples 1000000000000" in err
    assert "memory" in err
    assert "bytes a sample" in err
    assert "use at most" in err
    assert not out.exists()


def test_sample_count_beyond_available_memory_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """With 1 MiB available, 100 000 samples of the tiny network (a few hundred bytes each) do
    not fit; the scenario's own count is named as monte_carlo.samples."""
    monkeypatch.setattr(machine, "available_memory", lambda: 1 << 20)
    path = write(tmp_path, MONTE_CARLO.replace("samples: 1000,", "samples: 100000,"))
    out = tmp_path / "out"
    assert main([str(path), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert_one_paragraph(err)
    assert "monte_carlo.samples = 100000" in err
    assert "1.0 MiB available" in err
    assert not out.exists()


def test_sample_count_that_fits_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(machine, "available_memory", lambda: 1 << 20)
    network = sc.read_network("tiny")
    scenario = sc.read_scenario(REPO / "scenarios" / "tiny-export-controls.yaml")
    assert sc.monte_carlo(network, scenario, samples=1000, seed=1).samples == 1000


def test_available_memory_falls_back_to_sysconf(monkeypatch: pytest.MonkeyPatch) -> None:
    import builtins

    real_open = builtins.open

    def no_proc(path: object, *args: object, **kwargs: object) -> object:
        if str(path).startswith(("/proc/", "/sys/")):
            raise OSError("not here")
        return real_open(path, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(builtins, "open", no_proc)
    pages = {"SC_AVPHYS_PAGES": 1000, "SC_PAGE_SIZE": 4096}
    monkeypatch.setattr(machine.os, "sysconf", lambda name: pages[name])
    assert machine.available_memory() == 4_096_000
    monkeypatch.setattr(machine.os, "sysconf", lambda name: (_ for _ in ()).throw(ValueError(name)))
    assert machine.available_memory() is None  # unknown: no check rather than a guess


# ---- nothing of the user's is replaced; the marker; symbolic links -------------------------------------


def test_folder_with_only_a_users_summary_is_not_replaced(
    tmp_path: Path, scenario: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "mine"
    out.mkdir()
    (out / "summary.csv").write_text("metric,value\nmy,1\n", encoding="utf-8")
    assert main([str(scenario), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert_one_paragraph(err)
    assert MARKER in err
    assert listing(out) == ["summary.csv"]
    assert (out / "summary.csv").read_text(encoding="utf-8") == "metric,value\nmy,1\n"
    assert leftovers(tmp_path) == []


def test_subfolder_named_like_a_report_file_is_not_replaced(
    tmp_path: Path, scenario: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "mine"
    (out / "facilities.csv").mkdir(parents=True)
    (out / "facilities.csv" / "draft.txt").write_text("mine\n", encoding="utf-8")
    assert main([str(scenario), "--out", str(out)]) == 2
    assert "facilities.csv/" in capsys.readouterr().err
    assert (out / "facilities.csv" / "draft.txt").read_text(encoding="utf-8") == "mine\n"


def test_a_report_carries_the_marker_and_the_next_run_replaces_it(
    tmp_path: Path, scenario: Path, mc_scenario: Path
) -> None:
    out = tmp_path / "out"
    assert main([str(mc_scenario), "--out", str(out), "--quiet"]) == 0
    record = json.loads((out / MARKER).read_text(encoding="utf-8"))
    assert record["written_by"] == "supplychain"
    assert record["version"] == sc.__version__
    assert set(record["files"]) == set(listing(out)) - {MARKER}
    assert "monte_carlo.csv" in record["files"]
    assert main([str(scenario), "--out", str(out), "--quiet"]) == 0
    assert "monte_carlo.csv" not in listing(out)  # replaced whole
    assert leftovers(tmp_path) == []


def test_a_report_file_the_user_edited_is_not_replaced(
    tmp_path: Path, scenario: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    assert main([str(scenario), "--out", str(out), "--quiet"]) == 0
    with open(out / "summary.csv", "a", encoding="utf-8") as f:
        f.write("my_note,1\n")
    (out / "notes.txt").write_text("mine\n", encoding="utf-8")
    assert main([str(scenario), "--out", str(out), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "notes.txt" in err
    (out / "notes.txt").unlink()
    assert main([str(scenario), "--out", str(out), "--quiet"]) == 2
    assert "changed" in capsys.readouterr().err
    assert (out / "summary.csv").read_text(encoding="utf-8").endswith("my_note,1\n")


def test_a_symlink_out_is_followed_and_kept(tmp_path: Path, scenario: Path, mc_scenario: Path) -> None:
    target = tmp_path / "runs" / "today"
    assert main([str(mc_scenario), "--out", str(target), "--quiet"]) == 0
    link = tmp_path / "latest"
    link.symlink_to(Path("runs") / "today")
    assert main([str(scenario), "--out", str(link), "--quiet"]) == 0
    assert link.is_symlink()
    assert os.readlink(link) == str(Path("runs") / "today")
    assert "monte_carlo.csv" not in listing(target)  # the folder it points to was replaced
    assert (link / "facilities.csv").read_bytes() == (target / "facilities.csv").read_bytes()
    assert leftovers(tmp_path) == []
    assert leftovers(tmp_path / "runs") == []


def test_a_symlink_to_a_folder_not_ours_is_refused(
    tmp_path: Path, scenario: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "summary.csv").write_text("mine\n", encoding="utf-8")
    link = tmp_path / "latest"
    link.symlink_to(mine)
    assert main([str(scenario), "--out", str(link)]) == 2
    assert str(link) in capsys.readouterr().err
    assert (mine / "summary.csv").read_text(encoding="utf-8") == "mine\n"
    assert link.is_symlink()


def test_check_report_folder_returns_the_folder_a_link_points_to(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "real")
    assert check_report_folder(tmp_path / "link") == (tmp_path / "real").resolve()
    assert check_report_folder(tmp_path / "new" / "deeper") == tmp_path / "new" / "deeper"
    assert not (tmp_path / "new").exists()  # checking writes nothing


def test_swap_falls_back_to_two_renames_where_exchange_is_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "out"
    write_folder_atomically(target, {"a.csv": b"old\n"})
    monkeypatch.setattr(reports, "_exchange", lambda a, b: False)
    write_folder_atomically(target, {"a.csv": b"new\n"})
    assert (target / "a.csv").read_bytes() == b"new\n"
    assert listing(tmp_path) == ["out"]


def test_failed_exchange_keeps_the_previous_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "out"
    write_folder_atomically(target, {"a.csv": b"old\n"})

    def fail(a: Path, b: Path) -> bool:
        raise OSError("disk full")

    monkeypatch.setattr(reports, "_exchange", fail)
    with pytest.raises(OSError, match="disk full"):
        write_folder_atomically(target, {"a.csv": b"new\n"})
    assert (target / "a.csv").read_bytes() == b"old\n"
    assert listing(tmp_path) == ["out"]


# ---- concurrent writers and a reader ----------------------------------------------------------------------

WRITER = """
import sys
from pathlib import Path
from supplychain.reports import write_folder_atomically

target, who, rounds = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
for i in range(rounds):
    tag = f"{who}-{i}"
    body = (tag + ",0123456789\\n") * 4000 + "end\\n"
    names = ("facilities.csv", "countries.csv", "summary.csv")
    write_folder_atomically(target, {name: (tag + "\\n" + body).encode() for name in names})
"""


def _complete(folder: Path) -> str | None:
    """What is wrong with the report in ``folder`` as a reader finds it, or None."""
    try:
        names = set(os.listdir(folder))
    except FileNotFoundError:
        return "no folder"
    if not {"facilities.csv", "countries.csv", "summary.csv", MARKER} <= names:
        return f"files missing: {sorted(names)}"
    for name in ("facilities.csv", "countries.csv", "summary.csv"):
        try:
            text = (folder / name).read_text(encoding="utf-8")
        except FileNotFoundError:
            return f"{name} vanished"
        tag = text.split("\n", 1)[0]
        if not text.endswith("end\n") or text.count(tag + ",") != 4000:
            return f"{name} partial"
    return None


@pytest.mark.skipif(not LINUX, reason="the atomic exchange of two folders is a Linux system call")
def test_concurrent_writers_and_a_polling_reader(tmp_path: Path) -> None:
    """Four processes replace one report 25 times each while this one reads it in a loop: every
    read finds the folder with all its files, each file whole; no writer fails; nothing is left."""
    target = tmp_path / "out"
    seed = b"seed\n" + b"seed,0123456789\n" * 4000 + b"end\n"
    write_folder_atomically(target, dict.fromkeys(("facilities.csv", "countries.csv", "summary.csv"), seed))
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(target), f"w{k}", "25"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for k in range(4)
    ]
    problems: list[str] = []
    polls = 0
    try:
        while any(w.poll() is None for w in writers):
            problem = _complete(target)
            if problem is not None:
                problems.append(problem)
            polls += 1
    finally:
        results = [w.communicate(timeout=120) for w in writers]
    assert [w.returncode for w in writers] == [0, 0, 0, 0], [err for _, err in results]
    assert all(err == "" for _, err in results)
    assert polls > 10
    assert problems == []
    assert _complete(target) is None
    assert listing(tmp_path) == ["out"]  # no .tmp or .old folders


def test_concurrent_runs_to_one_out(tmp_path: Path, scenario: Path) -> None:
    out = tmp_path / "out"
    runs = [
        subprocess.Popen(
            [sys.executable, str(SCRIPT), str(scenario), "--out", str(out), "--no-analyses", "--quiet"],
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    results = [r.communicate(timeout=120) for r in runs]
    assert [r.returncode for r in runs] == [0, 0, 0, 0], [err for _, err in results]
    assert all(err == "" for _, err in results)
    assert {"facilities.csv", "summary.csv", "run.json", MARKER} <= set(listing(out))
    assert listing(tmp_path) == ["out", "scenario.yaml"]  # no .tmp or .old folders


# ---- signals ---------------------------------------------------------------------------------------------


@pytest.mark.skipif(
    not Path(f"/proc/self/task/{os.getpid()}/children").exists(), reason="reads the process tree from /proc"
)
@pytest.mark.parametrize(
    ("signum", "whole_group", "code"),
    [(signal.SIGINT, True, 130), (signal.SIGINT, False, 130), (signal.SIGTERM, False, 143)],
    ids=["ctrl-c", "sigint-parent", "sigterm-parent"],
)
def test_signals_stop_the_workers_and_exit_cleanly(
    tmp_path: Path, signum: signal.Signals, whole_group: bool, code: int
) -> None:
    samples = 1_000_000  # a few seconds of sampling: the signal comes about half a second in
    needed = samples * sample_bytes(sc.read_network("semiconductors"))
    if (machine.available_memory() or needed) < 1.5 * needed:
        pytest.skip("not enough free memory for the Monte Carlo run")
    out = tmp_path / "out"
    process = subprocess.Popen(
        [
            *(sys.executable, str(SCRIPT), str(BUNDLED), "--samples", str(samples), "--workers", "2"),
            *("--no-analyses", "--quiet", "--debug", "--out", str(out)),
        ],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        workers: list[int] = []
        while len(workers) < 2 and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
            workers = builders.children(process.pid)
        assert len(workers) >= 2, process.communicate()
        time.sleep(0.5)  # the workers are sampling
        if whole_group:
            os.killpg(process.pid, signum)  # what a terminal's Ctrl-C does
        else:
            os.kill(process.pid, signum)
        stdout, stderr = process.communicate(timeout=30)
        time.sleep(0.2)
        orphans = [w for w in workers if builders.running(w)]
    finally:
        running = process.poll() is None
        with contextlib.suppress(ProcessLookupError):  # whatever is left of the run's process group
            os.killpg(process.pid, signal.SIGKILL)
        if running:
            process.communicate()
    assert process.returncode == code, stderr
    assert "Traceback" not in stderr
    assert "Error" not in stderr
    assert stderr.count("\n") == 1, stderr
    assert stderr.startswith(f"interrupted ({signal.Signals(signum).name})")
    assert stdout == ""
    assert orphans == []
    assert not out.exists()
    assert leftovers(tmp_path) == []


SLOW_WRITE = """
import os, sys, time
from pathlib import Path
from supplychain import cli, reports

flag = Path(sys.argv[1])
real_fsync = os.fsync


def slow_fsync(fd):
    real_fsync(fd)
    flag.touch()
    time.sleep(0.5)


os.fsync = slow_fsync
sys.exit(cli.main(sys.argv[2:]))
"""

SLOW_SWAP = """
import sys, time
from pathlib import Path
from supplychain import cli, reports

flag = Path(sys.argv[1])
real_exchange = reports._exchange


def slow_exchange(a, b):
    flag.touch()
    time.sleep(1.0)
    return real_exchange(a, b)


reports._exchange = slow_exchange
sys.exit(cli.main(sys.argv[2:]))
"""


def _run_until_flag(snippet: str, tmp_path: Path, args: list[str]) -> tuple[int, str]:
    flag = tmp_path / "flag"
    process = subprocess.Popen(
        [sys.executable, "-c", snippet, str(flag), *args],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while not flag.exists() and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
        assert flag.exists(), process.communicate()
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    flag.unlink()
    return process.returncode, stderr


def test_sigterm_while_writing_removes_the_temporary_folder(tmp_path: Path, scenario: Path) -> None:
    out = tmp_path / "out"
    assert main([str(scenario), "--out", str(out), "--quiet", "--no-analyses"]) == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    code, stderr = _run_until_flag(SLOW_WRITE, tmp_path, [str(scenario), "--out", str(out), "--quiet"])
    assert code == 143, stderr
    assert "Traceback" not in stderr
    assert stderr == "interrupted (SIGTERM): stopped; no report written\n"
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before  # the previous report, untouched
    assert leftovers(tmp_path) == []


@pytest.mark.skipif(not LINUX, reason="the atomic exchange is a Linux system call")
def test_sigterm_during_the_swap_waits_for_the_report_to_be_in_place(tmp_path: Path, scenario: Path) -> None:
    out = tmp_path / "out"
    assert main([str(scenario), "--out", str(out), "--quiet", "--no-analyses"]) == 0
    code, stderr = _run_until_flag(SLOW_SWAP, tmp_path, [str(scenario), "--out", str(out), "--quiet"])
    assert code == 143, stderr
    assert stderr == f"interrupted (SIGTERM): stopped; the reports were written to {out}/\n"
    assert "exposure.csv" in listing(out)  # the new, complete report (the first had no analyses)
    assert _marker_matches(out)
    assert leftovers(tmp_path) == []


def _marker_matches(folder: Path) -> bool:
    import hashlib

    files = json.loads((folder / MARKER).read_text(encoding="utf-8"))["files"]
    on_disk = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir() if p.name != MARKER}
    return files == on_disk


# ---- schema, a subcommand of every entry point; closed pipes ----------------------------------------------


def _entry_points() -> list[list[str]]:
    points = [[sys.executable, str(SCRIPT)], [sys.executable, "-m", "supplychain"]]
    command = shutil.which("run-scenario", path=str(Path(sys.executable).parent))
    if command is not None:
        points.append([command])
    return points


@pytest.mark.parametrize("command", _entry_points(), ids=lambda c: Path(c[-1]).name)
def test_schema_is_a_subcommand_of_every_entry_point(command: list[str], tmp_path: Path) -> None:
    done = subprocess.run([*command, "schema"], cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == json.loads(json.dumps(sc.scenario_json_schema()))


def test_help_lists_the_schema_subcommand(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    assert "  schema      print the JSON Schema of the scenario format" in out
    assert "{validate,list,new,compare,schema,backtest,import-eto}" in out


@pytest.mark.parametrize(
    "command",
    [[sys.executable, "-m", "supplychain", "schema"], [sys.executable, str(SCRIPT), "schema"]],
    ids=["python -m supplychain schema", "run_scenario.py schema"],
)
def test_closed_standard_output_is_quiet(command: list[str]) -> None:
    """``… schema | head -1``: the reader is gone before the schema is written."""
    process = subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout is not None
    assert process.stderr is not None
    process.stdout.close()
    stderr = process.stderr.read().decode()
    process.stderr.close()
    process.wait(timeout=120)
    assert stderr == ""
    assert process.returncode in (0, 141)


# ---- Monte Carlo spread of equal samples ---------------------------------------------------------------------


def test_equal_samples_have_exactly_zero_spread() -> None:
    values = np.full((1000, 3), 12345.678)
    assert float(values.std(axis=0, ddof=1).max()) > 0  # the one-pass formula leaves a residue
    assert distribution(values, 0.95)["std"].tolist() == [0.0, 0.0, 0.0]
    rng = np.random.default_rng(3)
    noisy = 1e6 + rng.normal(size=(5000, 2))
    assert distribution(noisy, 0.95)["std"] == pytest.approx(noisy.std(axis=0, ddof=1), rel=1e-12)


def test_monte_carlo_group_with_a_constant_loss_reports_std_0(tmp_path: Path) -> None:
    """USA compute loses 100 · (1 − 0.1234567) in every sample; CHN compute varies."""
    scenario = sc.Scenario.model_validate(
        {
            "name": "constant-usa",
            "controls": [
                {
                    "name": "us",
                    "issuer": "USA",
                    "items": ["chip"],
                    "destinations": ["CHN"],
                    "reach": {"foreign_direct_product": True},
                    "licence_approval": 0.5,
                }
            ],
            "disruptions": [{"facilities": ["dc_us"], "capacity_factor": 0.1234567}],
        }
    )
    network = sc.read_network("tiny")
    one = sc.monte_carlo(network, scenario, samples=3000, seed=1)
    table = one.table
    assert table.loc[("USA", "compute"), "std_lost"] == 0.0
    assert math.isclose(table.loc[("USA", "compute"), "mean_lost"], 100 * (1 - 0.1234567), rel_tol=1e-12)
    assert table.loc[("CHN", "compute"), "std_lost"] > 0
    two = sc.monte_carlo(network, scenario, samples=3000, seed=1, workers=2)
    assert to_csv_bytes(one.table.reset_index()) == to_csv_bytes(two.table.reset_index())
