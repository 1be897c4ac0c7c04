"""The backtest library (backtests/*.yaml) on the bundled `semiconductors` network.

Every file is a historical event written as a scenario with an ``observed:`` block
(docs/model.md §8). Each observation is one test, ``FILE::OBSERVATION``: the model's value must
lie within the observed range. Where the model does not reproduce an observation and the cause in
the model or the data is known, the test is a strict xfail naming it (``OUTSIDE`` below), so the
suite stays green and the test flips when the data or the model is fixed; the ranges are never
moved to fit the model.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from supplychain.backtest import backtest_files, run_backtests
from supplychain.scenario import read_scenario

BACKTESTS = Path(__file__).resolve().parent.parent / "backtests"
FILES = backtest_files([BACKTESTS])
MAX_WIDTH = 0.5  # a range no wider than half its metric's scale (shares 0-1); recovery_week excepted

OUTSIDE = {
    "renesas-naka-2021-fire.yaml::naka-n3-first-14-weeks": (
        "a disruption ramps back linearly (SPEC §3.1); Naka's ramp was front-loaded (50 % two weeks after the "
        "restart, 88 % after six), which a linear ramp over the announced three months cannot express"
    ),
    "us-tx-2021-winter-storm.yaml::samsung-austin-recovery": (
        "the model has no restart time of its own after a full halt (tool requalification, scrapped WIP): "
        "recovery is the input ramp, and facilities' recovery_weeks is not used by the timeline"
    ),
}


def _observations() -> list:
    params = []
    for path in FILES:
        for obs in yaml.safe_load(path.read_text(encoding="utf-8"))["observed"]:
            key = f"{path.name}::{obs['name']}"
            marks = [pytest.mark.xfail(strict=True, reason=OUTSIDE[key])] if key in OUTSIDE else []
            params.append(pytest.param(key, id=key, marks=marks))
    return params


@pytest.fixture(scope="module")
def results() -> dict[str, dict]:
    table = run_backtests(FILES).table
    return {f"{Path(r['file']).name}::{r['observation']}": r for r in table.to_dict("records")}


def test_library_has_the_events():
    assert len(FILES) >= 9


def test_outside_list_names_only_existing_observations():
    known = {p.values[0] for p in _observations()}
    assert set(OUTSIDE) <= known


@pytest.mark.parametrize("key", _observations())
def test_observation_within_range(results: dict[str, dict], key: str):
    row = results[key]
    assert row["within"], f"{key}: model {row['model']:.4g} outside observed [{row['low']}, {row['high']}]"


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_observations_have_sources_and_narrow_ranges(path: Path):
    scenario = read_scenario(path)
    assert scenario.observed, f"{path.name}: no observed: block"
    for obs in scenario.observed:
        assert "http" in obs.source, f"{path.name}::{obs.name}: the source names no URL"
        low, high = obs.range
        if obs.metric == "recovery_week":
            assert 0 <= low <= high <= scenario.horizon_weeks
        else:
            assert 0.0 <= low <= high <= 1.0
            assert high - low <= MAX_WIDTH + 1e-12, f"{path.name}::{obs.name}: range wider than {MAX_WIDTH}"
        if obs.metric in ("lost_share_timeline", "worst_week_lost_share"):
            assert obs.weeks is not None, f"{path.name}::{obs.name}: no weeks"
