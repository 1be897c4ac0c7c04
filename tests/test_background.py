"""The adaptive stress and the exposure LPs in a second process (``supplychain._background``):
the same results as in this process, the child's errors raised here, and nothing left behind
when a run stops."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import builders
import pandas as pd
import pytest
from builders import TINY_OPTIMISE

import supplychain as sc
import supplychain.pipeline as pipeline
from supplychain._background import Background
from supplychain.errors import InputError, SolverError

REPO = Path(__file__).resolve().parents[1]


def test_background_results_equal_the_ones_computed_here(tiny: sc.Network) -> None:
    """The tiny optimise scenario in the background and in line: the same exposure frame and
    the same adaptive columns, number for number (the same LPs in the same order from fresh
    models); the background run says how long it waited, and progress reaches 100 %."""
    seen: list[tuple[int, int]] = []

    def progress(done: int, total: int) -> None:
        seen.append((done, total))

    here = sc.run_scenario(tiny, TINY_OPTIMISE, background=False)
    there = sc.run_scenario(tiny, TINY_OPTIMISE, background=True, progress=progress)
    pd.testing.assert_frame_equal(here.exposure, there.exposure, check_exact=True)
    pd.testing.assert_frame_equal(here.facilities, there.facilities, check_exact=True)
    pd.testing.assert_series_equal(here.summary, there.summary, check_exact=True)
    for table in ("strategy", "frontier"):  # the verification read the world's "before" from the child
        pd.testing.assert_frame_equal(here.table(table), there.table(table), check_exact=True)
    assert "world_before_s" in there.timings
    assert "availability_adaptive" in there.facilities.columns
    assert "background_wait_s" in there.timings
    assert "background_wait_s" not in here.timings
    assert there.timings["exposure_s"] > 0
    assert there.timings["adaptive_s"] > 0
    exposure_steps = [p for p in seen if p[1] == seen[-1][1]]
    assert exposure_steps[-1][0] == exposure_steps[-1][1]


def test_automatic_choice(tiny: sc.Network, monkeypatch: pytest.MonkeyPatch) -> None:
    """None: in the background when the optimiser runs and two CPUs are there, else in line."""
    monkeypatch.setattr(pipeline, "_cpus", lambda: 2)
    assert "background_wait_s" in sc.run_scenario(tiny, TINY_OPTIMISE).timings
    assert "background_wait_s" not in sc.run_scenario(tiny, TINY_OPTIMISE, optimise=False).timings
    monkeypatch.setattr(pipeline, "_cpus", lambda: 1)
    assert "background_wait_s" not in sc.run_scenario(tiny, TINY_OPTIMISE).timings


def test_child_error_is_raised_here_and_nothing_is_left(tiny: sc.Network) -> None:
    """An InputError in the child reaches the caller as that InputError; the child has ended
    and its folder is gone after ``cancel``."""
    job = Background({"exposure": {"network": tiny, "scenario": None, "horizon_weeks": -1.0}})
    try:
        with pytest.raises(InputError, match="horizon_weeks must be a positive number"):
            job.result()
    finally:
        job.cancel()
    assert job._process.returncode is not None
    assert not job._folder.exists()


def test_child_killed_gives_a_solver_error(tiny: sc.Network) -> None:
    """A child that dies without a result (killed) gives a SolverError naming its exit code."""
    job = Background({"exposure": {"network": tiny, "scenario": None}})
    job._process.kill()
    try:
        with pytest.raises(SolverError, match="ended without a result"):
            job.result()
    finally:
        job.cancel()
    assert not job._folder.exists()


def test_unknown_task_is_refused(tiny: sc.Network) -> None:
    with pytest.raises(ValueError, match="unknown background tasks"):
        Background({"chokepoints": {"network": tiny}})


def test_cancel_stops_a_running_child(tiny: sc.Network) -> None:
    """``cancel`` while the child still works: it is ended and its folder removed."""
    job = Background({"exposure": {"network": tiny, "scenario": None}})
    job.cancel()
    assert job._process.poll() is not None
    assert not job._folder.exists()


def test_script_without_main_guard(tmp_path: Path) -> None:
    """A plain script calling ``run_scenario`` at top level (no ``if __name__ ==
    "__main__":``) runs once: the child is a command of its own, not a re-run of the script."""
    script = tmp_path / "plain.py"
    script.write_text(
        textwrap.dedent(
            f"""
            import supplychain as sc
            res = sc.run_scenario(None, {str(TINY_OPTIMISE)!r}, background=True)
            print("rows", len(res.exposure))
            """
        )
    )
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300, cwd=REPO)
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("rows") == 1


@pytest.mark.skipif(
    not Path(f"/proc/self/task/{os.getpid()}/children").exists(), reason="reads the process tree from /proc"
)
@pytest.mark.parametrize(
    ("signum", "whole_group"), [(signal.SIGINT, True), (signal.SIGTERM, False)], ids=["ctrl-c", "sigterm"]
)
def test_signal_during_the_optimiser_ends_the_background_child(
    tmp_path: Path, signum: signal.Signals, whole_group: bool
) -> None:
    """Ctrl-C (the whole process group) or SIGTERM (the run alone) while the optimiser runs
    beside the background child: the run exits with its one line, the child is gone and so is
    its temporary folder (TMPDIR points at ``tmp_path``)."""
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    out = tmp_path / "out"
    process = subprocess.Popen(
        [sys.executable, str(REPO / "run_scenario.py"), "open-certification-consortium", "--quiet", "--out", str(out)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        env={**os.environ, "TMPDIR": str(temporary)},
    )
    try:
        deadline = time.monotonic() + 60
        children: list[int] = []
        while not children and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
            children = [c for c in builders.children(process.pid) if builders.running(c)]
        assert children, process.communicate()
        time.sleep(1.0)  # the child is solving
        if whole_group:
            os.killpg(process.pid, signum)
        else:
            os.kill(process.pid, signum)
        _, stderr = process.communicate(timeout=60)
        time.sleep(0.2)
        orphans = [c for c in children if builders.running(c)]
    finally:
        running = process.poll() is None
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        if running:
            process.communicate()
    assert process.returncode == 128 + signum, stderr
    assert stderr.startswith(f"interrupted ({signal.Signals(signum).name})"), stderr
    assert "Traceback" not in stderr
    assert orphans == []
    assert not out.exists()
    assert list(temporary.iterdir()) == []
