"""Result tables are indexed by what a row describes (docs/model.md §6); their report files keep
the key columns, in the specification's order, and empty cells for missing text."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest
from builders import read_csv

import supplychain as sc
from supplychain.results import INDEX


@pytest.fixture(scope="module")
def tiny_full() -> sc.StressResult:
    """Every step of the CLI on tiny under tiny-export-controls: analyses, Monte Carlo (200
    samples), timeline, attribution."""
    return sc.run_scenario(None, "tiny-export-controls", samples=200, seed=1, timeline=True)


def test_each_table_is_indexed_by_its_key(tiny_full: sc.StressResult) -> None:
    seen = 0
    for name, keys in INDEX.items():
        table = getattr(tiny_full, name)
        if table is None:
            continue
        seen += 1
        assert list(table.index.names) == list(keys), name
        assert not set(keys) & set(table.columns), f"{name}: a key is also a column"
    assert seen >= 9
    assert tiny_full.facilities.index.name == "facility"
    assert list(tiny_full.countries.index.names) == ["country", "kind"]
    assert tiny_full.countries.loc[("CHN", "compute"), "lost_share"] == pytest.approx(0.875, abs=1e-9)
    assert list(tiny_full.chokepoints.index.names) == ["level", "name"]


def test_summary_is_a_series_and_countries_have_their_own_table(tiny_full: sc.StressResult) -> None:
    """dc_cn loses 43.75 and dc_us 12.5 (tests/test_stress_rules.py): compute_lost is 56.25."""
    summary = tiny_full.summary
    assert isinstance(summary, pd.Series)
    assert summary.index.name == "metric"
    assert summary["compute_lost"] == pytest.approx(56.25, abs=1e-9)
    assert not any("[" in m for m in summary.index)
    by_country = tiny_full.by_country
    assert by_country.index.name == "country"
    assert by_country.loc["CHN", "compute_lost"] == pytest.approx(43.75, abs=1e-9)
    assert by_country.loc["USA", "compute_lost"] == pytest.approx(12.5, abs=1e-9)
    assert {"compute_lost_mean", "compute_lost_p95", "compute_lost_cvar"} <= set(by_country.columns)
    assert tiny_full.metric("compute_lost[CHN]") == by_country.loc["CHN", "compute_lost"]
    rows = tiny_full.table("summary")
    assert list(rows.columns) == ["metric", "value"]
    assert len(rows) == len(summary) + int(by_country.notna().to_numpy().sum())


def test_missing_text_is_nan_in_python_and_empty_in_the_csv(tiny_full: sc.StressResult, tmp_path: Path) -> None:
    """sand_cn has no input and no control: no limiting item, control or cause."""
    row = tiny_full.facilities.loc["sand_cn"]
    assert all(isinstance(row[c], float) and math.isnan(row[c]) for c in ("limiting_item", "limiting_control"))
    assert not (tiny_full.facilities.select_dtypes(["object", "string"]) == "").to_numpy().any()
    folder = sc.write_reports(tiny_full, tmp_path / "out")
    cells = {r["facility"]: r for r in read_csv(folder / "facilities.csv")}
    assert cells["sand_cn"]["limiting_item"] == ""
    assert cells["sand_cn"]["limiting_control"] == ""
    assert cells["dc_cn"]["limiting_control"] == "us-chips"


def test_report_files_keep_their_key_columns_first(tiny_full: sc.StressResult, tmp_path: Path) -> None:
    folder = sc.write_reports(tiny_full, tmp_path / "out")
    heads = {
        "facilities": ["facility", "name", "company", "country", "kind", "capacity", "availability"],
        "countries": ["country", "kind", "capacity", "lost_capacity", "lost_share"],
        "controls": ["control", "edges_covered", "facilities_hit", "standalone_lost_compute"],
        "chokepoints": ["level", "name", "lost_output", "lost_compute", "rank", "extra_lost_output"],
        "monte_carlo": ["country", "kind", "mean_lost", "std_lost", "p05", "p50", "p95", "var", "cvar"],
        "timeline": ["week", "country", "kind", "capacity", "lost_capacity", "lost_share"],
        "summary": ["metric", "value"],
    }
    for name, want in heads.items():
        header = (folder / f"{name}.csv").read_text(encoding="utf-8").splitlines()[0].split(",")
        assert header[: len(want)] == want, name
        assert tiny_full.table(name).columns.tolist()[: len(want)] == want, name


def test_table_names_what_the_run_has(tiny: sc.Network, tiny_controls_scenario: sc.Scenario) -> None:
    res = sc.stress(tiny, tiny_controls_scenario)
    with pytest.raises(KeyError, match="no 'strategy' table; it has summary, facilities"):
        res.table("strategy")


def test_sub_results_are_indexed_too(tiny: sc.Network, tiny_controls_scenario: sc.Scenario) -> None:
    mc = sc.monte_carlo(tiny, tiny_controls_scenario, samples=50, seed=3)
    assert list(mc.table.index.names) == ["country", "kind"]
    assert mc.facilities.index.name == "facility"
    assert mc.summary.index.name == "metric"
    assert mc.by_country.index.name == "country"
    tl = sc.timeline(tiny, tiny_controls_scenario)
    assert list(tl.table.index.names) == ["week", "country", "kind"]
    assert tl.facilities.index.name == "facility"
