"""Backtests (docs/model.md §8): the ``observed:`` block, its metrics worked by hand,
backtest.csv and the ``backtest`` command with its exit codes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from builders import read_csv

import supplychain as sc
from supplychain.backtest import run_backtests

REPO = Path(__file__).resolve().parent.parent

CHAIN = {
    "items": [{"id": "m"}, {"id": "chip"}, {"id": "ai"}],
    "facilities": [
        {"id": "src_a", "company": "A", "country": "JPN", "kind": "material", "produces": "m", "capacity": 100},
        {"id": "src_b", "company": "B", "country": "CHN", "kind": "material", "produces": "m", "capacity": 100},
        {"id": "fab", "company": "F", "country": "KOR", "kind": "foundry", "produces": "chip", "capacity": 12},
        {"id": "dc", "company": "D", "country": "KOR", "kind": "compute", "produces": "ai", "capacity": 10},
    ],
    "recipes": [{"facility": "fab", "item": "m", "quantity": 1}, {"facility": "dc", "item": "chip", "quantity": 1}],
    "supplies": [
        {"supplier": "src_a", "buyer": "fab", "item": "m", "share": 0.6},
        {"supplier": "src_b", "buyer": "fab", "item": "m", "share": 0.4},
        {"supplier": "fab", "buyer": "dc", "item": "chip", "share": 1},
    ],
}


def observation(name: str, metric: str, low: float, high: float, **more: Any) -> dict:
    return {
        "name": name,
        "select": more.pop("select", {"facilities": ["fab"]}),
        "metric": metric,
        "range": [low, high],
        "source": "hand-worked",
        **more,
    }


def backtest_file(tmp_path: Path, observed: list[dict], **scenario: Any) -> Path:
    """src_b stops in weeks 0-2 and ramps back over 1 week (0.5 in week 3), H = 10. Without
    stock fab makes 0.6, 0.6, 0.6, 0.8, then 1: weekly lost share 0.4, 0.4, 0.4, 0.2, 0, ...
    Static: o(src_b) = (0.5 + 6)/10 = 0.65, fab loses 0.4 · 0.35 = 0.14 (the timeline mean too)."""
    (tmp_path / "chain.yaml").write_text(yaml.safe_dump(CHAIN, sort_keys=False))
    data = {
        "name": "bt",
        "network": "chain.yaml",
        "horizon_weeks": 10,
        "disruptions": [{"facilities": ["src_b"], "capacity_factor": 0, "weeks": 3, "ramp_weeks": 1}],
        "observed": observed,
        **scenario,
    }
    path = tmp_path / "bt.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def table(path: Path) -> dict[str, dict]:
    return {r["observation"]: r for r in run_backtests([path]).table.to_dict("records")}


@pytest.mark.parametrize(
    ("obs", "model"),
    [
        (observation("static", "lost_share", 0, 1), 0.14),
        (observation("mean", "lost_share_timeline", 0, 1), 0.14),  # 1.4 / 10
        (observation("window", "lost_share_timeline", 0, 1, weeks=[2, 4]), 0.3),  # (0.4 + 0.2) / 2
        (observation("worst", "worst_week_lost_share", 0, 1), 0.4),
        (observation("late-worst", "worst_week_lost_share", 0, 1, weeks=[3, 10]), 0.2),
        (observation("recovery", "recovery_week", 0, 10), 4),  # ≤ 0.05 from week 4 on
        # weighted by value · capacity over the selection: fab 12 and dc 10 in KOR, same losses
        (observation("kor", "lost_share", 0, 1, select={"countries": ["KOR"]}), 0.14),
        (observation("jpn", "worst_week_lost_share", 0, 1, select={"countries": ["JPN"]}), 0.0),
        (observation("jpn-recovered", "recovery_week", 0, 10, select={"facilities": ["src_a"]}), 0),
    ],
)
def test_metrics_worked_by_hand(tmp_path: Path, obs: dict, model: float) -> None:
    got = table(backtest_file(tmp_path, [obs]))[obs["name"]]
    assert got["model"] == pytest.approx(model, abs=1e-12)
    assert got["within"]


@pytest.mark.parametrize(("src_a_capacity", "fab", "dc"), [(100.0, 0.0, 0.0), (8.0, 1 / 3, 0.2)])
def test_adaptive_metric_reroutes_to_the_other_qualified_supplier(
    tmp_path: Path, src_a_capacity: float, fab: float, dc: float
) -> None:
    """src_b is down all horizon (H = 10). Fixed shares: fab gets src_a's 0.6 (lost 0.4).
    Adaptive (docs/model.md §4): fab may take all its m from src_a, up to src_a's output.
    With capacity 100 src_a covers fab's 12 a week: nothing lost. With capacity 8 (its normal
    load is 12 x 0.6 = 7.2): fab makes 80 of its 120 over the horizon, lost 1/3, and dc gets
    those 80 chips of the 100 it needs, lost 0.2."""
    chain = {**CHAIN, "facilities": [dict(f) for f in CHAIN["facilities"]]}
    chain["facilities"][0]["capacity"] = src_a_capacity
    (tmp_path / "chain.yaml").write_text(yaml.safe_dump(chain, sort_keys=False))
    path = tmp_path / "bt.yaml"
    observed = [
        observation("fab", "lost_share_adaptive", 0, 1),
        observation("dc", "lost_share_adaptive", 0, 1, select={"facilities": ["dc"]}),
        observation("fab-static", "lost_share", 0, 1),
    ]
    data = {
        "name": "bt",
        "network": "chain.yaml",
        "horizon_weeks": 10,
        "disruptions": [{"facilities": ["src_b"], "capacity_factor": 0}],
        "observed": observed,
    }
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    got = table(path)
    assert got["fab"]["model"] == pytest.approx(fab, abs=1e-9)
    assert got["dc"]["model"] == pytest.approx(dc, abs=1e-9)
    assert got["fab-static"]["model"] == pytest.approx(0.4, abs=1e-12)
    out = tmp_path / "out"
    done = subprocess.run(
        [sys.executable, str(REPO / "run_scenario.py"), str(path), "--out", str(out), "--quiet"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    rows = {r["observation"]: r for r in read_csv(out / "backtest.csv")}
    assert float(rows["fab"]["model"]) == pytest.approx(fab, abs=1e-9)


def test_recovery_week_is_the_horizon_when_never_recovered(tmp_path: Path) -> None:
    """src_b down to the end: fab loses 0.4 every week, never ≤ 0.05: recovery_week = H = 10."""
    obs = observation("never", "recovery_week", 10, 10)
    path = backtest_file(tmp_path, [obs], disruptions=[{"facilities": ["src_b"], "capacity_factor": 0}])
    assert table(path)["never"]["model"] == 10


def test_outside_the_range_is_reported_and_counted(tmp_path: Path) -> None:
    path = backtest_file(
        tmp_path, [observation("in", "lost_share", 0.1, 0.2), observation("out", "lost_share", 0, 0.1)]
    )
    done = run_backtests([path])
    assert done.table["within"].tolist() == [True, False]
    assert done.summary() == "backtests: 1/2 observations within range"
    assert not done.passed


def _cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "supplychain", *args], capture_output=True, text=True, check=False, cwd=cwd
    )


def test_a_backtest_file_runs_as_a_scenario_and_writes_backtest_csv(tmp_path: Path) -> None:
    """A timeline metric makes the run step week by week even without timeline: true."""
    path = backtest_file(tmp_path, [observation("worst", "worst_week_lost_share", 0.35, 0.45)])
    out = tmp_path / "out"
    done = subprocess.run(
        [sys.executable, str(REPO / "run_scenario.py"), str(path), "--out", str(out), "--no-analyses", "--quiet"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    rows = read_csv(out / "backtest.csv")
    assert list(rows[0]) == ["observation", "metric", "low", "high", "model", "within", "source"]
    assert (rows[0]["model"], rows[0]["within"]) == ("0.4", "true")
    assert (out / "timeline.csv").exists()


def test_backtest_command_exit_codes(tmp_path: Path) -> None:
    good = backtest_file(tmp_path, [observation("in", "lost_share", 0.1, 0.2)])
    done = _cli("backtest", str(good))
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "backtests: 1/1 observations within range"
    assert "in (lost_share) model 0.14 observed [0.1, 0.2] within" in done.stdout
    folder = tmp_path / "many"
    folder.mkdir()
    bad = backtest_file(folder, [observation("out", "lost_share", 0, 0.1)])
    done = _cli("backtest", str(good), str(folder))
    assert done.returncode == 3
    assert done.stdout.splitlines()[-1] == "backtests: 1/2 observations within range"
    assert f"{bad}: out (lost_share) model 0.14 observed [0, 0.1] OUTSIDE" in done.stdout


def test_backtest_command_bad_input_is_exit_2(tmp_path: Path) -> None:
    done = _cli("backtest", str(tmp_path / "missing.yaml"))
    assert done.returncode == 2
    assert "no such file or folder" in done.stderr
    plain = backtest_file(tmp_path, [])
    done = _cli("backtest", str(plain))
    assert done.returncode == 2
    assert "has no observed: block" in done.stderr


def test_backtest_command_defaults_to_the_backtests_folder_here(tmp_path: Path) -> None:
    folder = tmp_path / "backtests"
    folder.mkdir()
    backtest_file(folder, [observation("in", "lost_share", 0.1, 0.2)])  # beside its network file
    done = _cli("backtest", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "backtests/bt.yaml: in (lost_share) model 0.14 observed [0.1, 0.2] within",
        "backtests: 1/1 observations within range",
    ]


@pytest.mark.parametrize(
    ("obs", "key", "words"),
    [
        (observation("a", "lost_share", 0.5, 0.1), "observed[0].range", "above high"),
        (observation("a", "lost_share_timeline", 0, 1, weeks=[4, 4]), "observed[0].weeks", "empty window"),
        (observation("a", "lost_share_timeline", 0, 1, weeks=[2, 11]), "observed[0].weeks", "past the horizon"),
        (observation("a", "lost_share_timeline", 0, 1, weeks=[2.5, 4]), "observed[0].weeks[0]", "whole number"),
        (observation("a", "lost_chare", 0, 1), "observed[0].metric", "lost_share"),
        (observation("a", "lost_share_adaptive", 0, 1, weeks=[2, 4]), "observed[0].weeks", "takes no weeks"),
        ({**observation("a", "lost_share", 0, 1), "source": ""}, "observed[0].source", "at least 1 character"),
        (observation("a", "lost_share", 0, 1, select={}), "observed[0].select", "give facilities"),
        (
            observation("a", "lost_share", 0, 1, select={"facilities": ["fbb"]}),
            "observed[0].select.facilities[0]",
            "did you mean 'fab'",
        ),
        (
            observation("a", "lost_share", 0, 1, select={"countries": ["USA"]}),
            "observed[0].select",
            "selects no facility",
        ),
    ],
)
def test_bad_observations_name_the_key(tmp_path: Path, obs: dict, key: str, words: str) -> None:
    path = backtest_file(tmp_path, [obs])
    with pytest.raises(sc.InputError) as info:
        sc.validate_scenario(None, path)
    text = str(info.value)
    assert key in text, text
    assert words in text, text


def test_observation_names_are_unique(tmp_path: Path) -> None:
    path = backtest_file(tmp_path, [observation("a", "lost_share", 0, 1), observation("a", "lost_share", 0, 1)])
    with pytest.raises(sc.InputError, match=r"observed\[1\]\.name"):
        sc.read_scenario(path)
