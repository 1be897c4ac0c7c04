"""Scenarios side by side: ``sc.compare`` and ``supplychain compare`` (docs/model.md §7).

Baseline: the tiny example (scenarios/tiny-export-controls.yaml): dc_cn 0.125, fab_cn 0.25,
China loses 43.75 of its 50 units of compute per week (0.875). Without nl-litho, fab_cn is
whole (1) and dc_cn = 0.6 · 0.2 · 0.875 + 0.4 · 0.2 · 1 = 0.185: China loses 40.75 (0.815), so
the change in China's lost compute share is 0.815 − 0.875 = −0.06, in fab_cn's availability +0.75.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

import supplychain as sc
from supplychain.cli import main
from supplychain.errors import InputError


@pytest.fixture(scope="module")
def pair() -> tuple[sc.StressResult, sc.StressResult]:
    base = sc.stress(None, "tiny-export-controls")
    other = sc.stress(
        None,
        sc.Scenario.model_validate({"name": "no-litho", "extends": "tiny-export-controls", "remove": ["nl-litho"]}),
    )
    return base, other


def test_the_tidy_table_and_the_wide_view(pair: tuple[sc.StressResult, sc.StressResult]) -> None:
    cmp = sc.compare(*pair)
    assert cmp.scenarios == ["tiny-export-controls", "no-litho"]
    assert list(cmp.table.columns) == ["scenario", "country", "kind", "metric", "value"]
    wide = cmp.wide("lost_share")
    assert wide.loc[("CHN", "compute")].tolist() == pytest.approx([0.875, 0.815])
    world = cmp.wide("compute_lost").loc[("World", "all")]
    assert world.tolist() == pytest.approx([56.25, 53.25])
    with pytest.raises(KeyError, match="no metric 'nope'"):
        cmp.wide("nope")


def test_differences_come_metric_by_metric_largest_first(pair: tuple[sc.StressResult, sc.StressResult]) -> None:
    diff = sc.compare(*pair).differences
    shares = diff[diff["metric"] == "lost_share"]
    assert shares[["country", "kind"]].values.tolist()[:2] == [["CHN", "foundry"], ["CHN", "compute"]]
    row = shares[(shares["country"] == "CHN") & (shares["kind"] == "compute")].iloc[0]
    assert (row["baseline"], row["value"], row["change"]) == pytest.approx((0.875, 0.815, -0.06))
    first_country_row = int((diff["country"] != "World").to_numpy().argmax())
    assert (diff["country"].iloc[:first_country_row] == "World").all()  # the world's figures lead
    facilities = sc.compare(*pair).facilities
    assert facilities[["facility", "change"]].values.tolist() == [
        ["fab_cn", pytest.approx(0.75)],
        ["dc_cn", pytest.approx(0.06)],
    ]


def test_report_folders_compare_as_the_results_do(
    tmp_path: Path, pair: tuple[sc.StressResult, sc.StressResult]
) -> None:
    folders = [sc.write_reports(r, tmp_path / r.scenario.name) for r in pair]
    from_files = sc.compare(*folders)
    from_results = sc.compare(*pair)
    pd.testing.assert_frame_equal(from_files.table, from_results.table, check_dtype=False, atol=1e-12)
    assert from_files.scenarios == from_results.scenarios


def test_the_same_scenario_twice_is_kept_apart(pair: tuple[sc.StressResult, sc.StressResult]) -> None:
    cmp = sc.compare(pair[0], pair[0])
    assert cmp.scenarios == ["tiny-export-controls", "tiny-export-controls#2"]
    assert cmp.differences.empty
    assert cmp.facilities.empty


def test_bad_arguments_are_input_errors(tmp_path: Path, pair: tuple[sc.StressResult, sc.StressResult]) -> None:
    with pytest.raises(InputError, match="at least two"):
        sc.compare(pair[0])
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match=r"lacks countries\.csv, summary\.csv, facilities\.csv"):
        sc.compare(pair[0], tmp_path / "empty")
    with pytest.raises(InputError, match="is not a report folder"):
        sc.compare(pair[0], tmp_path / "missing")


def test_html_is_self_contained(pair: tuple[sc.StressResult, sc.StressResult]) -> None:
    page = sc.compare(*pair).to_html()
    assert "<svg" in page
    assert "tiny-export-controls vs no-litho" in page
    assert not re.search(r"""<(script|link|img)[^>]+(src|href)=["']https?://""", page)
    assert "the world loses 37.5 % of the AI compute it would bring online per week (56.25 of 150" in page


def test_cli_compare_writes_csv_and_html(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a, b, out = tmp_path / "a", tmp_path / "b", tmp_path / "cmp"
    assert main(["run", "tiny-export-controls", "--out", str(a), "--quiet", "--no-analyses"]) == 0
    assert main(["run", "taiwan-strait-blockade", "--out", str(b), "--quiet", "--no-analyses"]) == 0
    assert main(["compare", str(a), str(b), "--out", str(out)]) == 0
    table = pd.read_csv(out / "compare.csv")
    assert set(table["scenario"]) == {"tiny-export-controls", "taiwan-strait-blockade"}
    assert (out / "compare.html").read_text().startswith("<!DOCTYPE html>")
    assert main(["compare", str(a)]) == 2
    assert "at least two report folders" in capsys.readouterr().err
