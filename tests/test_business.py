"""The business view, companies.csv (docs/model.md §6): worked examples, and the vectorised
table against the plain reference of ``tests/reference.py`` on random networks."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import matplotlib as mpl
import numpy as np
import pytest
from builders import facility, read_csv, recipe, supply
from hypothesis import HealthCheck, Phase, given, settings
from reference import reference_companies
from strategies import stress_cases

import supplychain as sc
from supplychain.business import COLUMNS, companies

mpl.use("Agg")
REPO = Path(__file__).resolve().parents[1]

PROPERTY = settings(
    max_examples=100,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def chain() -> sc.Network:
    """src_a (JPN) 60 % and src_b (CHN) 40 % of the m of a Korean fab (capacity 12), which
    supplies a Korean compute centre (capacity 10); every value 1."""
    return sc.Network(
        items=[{"id": "m"}, {"id": "chip"}, {"id": "ai"}],
        facilities=[
            facility("src_a", "JPN", "m", company="A", capacity=100),
            facility("src_b", "CHN", "m", company="B", capacity=100),
            facility("fab", "KOR", "chip", kind="foundry", company="F", capacity=12),
            facility("dc", "KOR", "ai", kind="compute", company="D", capacity=10),
        ],
        recipes=[recipe("fab", "m", quantity=1), recipe("dc", "chip", quantity=1)],
        supplies=[supply("src_a", "fab", "m", 0.6), supply("src_b", "fab", "m", 0.4), supply("fab", "dc", "chip")],
        name="chain",
    )


DENY = {"name": "deny", "controls": [{"name": "jp", "issuer": "JPN", "items": ["m"], "destinations": ["KOR"]}]}


def by_company(result: sc.StressResult) -> dict[str, dict[str, Any]]:
    assert result.companies is not None
    return result.companies.to_dict("index")


def test_denial_in_the_chain_worked_by_hand() -> None:
    """One denial of the Japanese 60 %: fab and dc at α = 0.4. A sells 7.2 and loses all of it;
    B sells 4.8 and loses 4.8 · 0.6 = 2.88; F makes 12 and loses 7.2, sells 10 and loses 6;
    D makes 10 and loses 6, sells nothing."""
    got = by_company(sc.stress(chain(), sc.Scenario.model_validate(DENY)))
    want = {
        "A": ("JPN", 100, 0, 0, 7.2, 7.2),
        "B": ("CHN", 100, 0, 0, 4.8, 2.88),
        "D": ("KOR", 10, 6, 0.6, 0, 0),
        "F": ("KOR", 12, 7.2, 0.6, 10, 6),
    }
    assert sorted(got) == sorted(want)
    for name, (hq, output, lost, share, sales, lost_sales) in want.items():
        row = got[name]
        assert row["hq_country"] == hq
        assert row["output_value"] == pytest.approx(output, abs=1e-12)
        assert row["lost_output_value"] == pytest.approx(lost, abs=1e-12)
        assert row["lost_output_share"] == pytest.approx(share, abs=1e-12)
        assert row["sales_value"] == pytest.approx(sales, abs=1e-12)
        assert row["lost_sales_value"] == pytest.approx(lost_sales, abs=1e-12), name
        assert row["facilities"] == 1


def test_half_licensed_flow_over_half_the_horizon_uses_the_mean_edge_factor() -> None:
    """A control at licence_approval 0.5 in force from week 26 of 52: a_e = (26 + 13) / 52 =
    0.75 on src_a -> fab, α_fab = 0.6 · 0.75 + 0.4 = 0.85. A loses 7.2 · (1 − 0.75 · 0.85)."""
    scen = sc.Scenario.model_validate(
        {"name": "later", "controls": [{**DENY["controls"][0], "licence_approval": 0.5, "start_week": 26}]}
    )
    result = sc.stress(chain(), scen)
    got = by_company(result)
    assert result.facilities.loc["fab", "availability"] == pytest.approx(0.85)
    assert got["A"]["lost_sales_value"] == pytest.approx(7.2 * (1 - 0.75 * 0.85))
    assert got["B"]["lost_sales_value"] == pytest.approx(4.8 * (1 - 0.85))


def test_tool_maker_loses_sales_while_its_output_is_whole(tiny: sc.Network) -> None:
    """tiny under the Dutch EUV denial to China: ASML still makes all its scanners (output
    1 000 per week) but its sales to fab_cn (0.001 · 25 · 1 000 = 25 of 175) stop; Applied's
    deposition tools are not controlled, yet fab_cn (α = 0.25, 13 of 52 weeks of EUV stock)
    takes only a quarter of its 25: Applied loses 18.75."""
    scen = sc.Scenario.model_validate(
        {"name": "litho", "controls": [{"name": "nl", "issuer": "NLD", "items": ["euv"], "destinations": ["CHN"]}]}
    )
    got = by_company(sc.stress(tiny, scen))
    assert got["asml"]["lost_output_value"] == 0.0
    assert got["asml"]["sales_value"] == pytest.approx(175.0)
    assert got["asml"]["lost_sales_value"] == pytest.approx(25.0)
    assert got["amat"]["lost_output_value"] == 0.0
    assert got["amat"]["lost_sales_value"] == pytest.approx(18.75)


def test_worked_example_of_the_docs(tiny: sc.Network) -> None:
    """docs/model.md's worked example, tiny-export-controls (fab_tw 0.875, fab_cn 0.25, dc_us
    0.875, dc_cn 0.125; a = 0 on asml -> fab_cn, 0.2 on the chips to dc_cn): asml loses
    150 · 0.125 + 25 = 43.75 of its 175 of sales, amat 150 · 0.125 + 25 · 0.75 = 37.5, tsmc
    2 000 · 0.125 + 600 · (1 − 0.2 · 0.125) = 835 of 2 600."""
    got = by_company(sc.stress(tiny, sc.read_scenario(REPO / "scenarios" / "tiny-export-controls.yaml")))
    assert got["asml"]["lost_sales_value"] == pytest.approx(43.75)
    assert got["amat"]["lost_sales_value"] == pytest.approx(37.5)
    assert got["tsmc"]["sales_value"] == pytest.approx(2600)
    assert got["tsmc"]["lost_sales_value"] == pytest.approx(835)
    assert got["tsmc"]["lost_output_value"] == pytest.approx(3000 * 0.125)


def test_hq_country_of_a_company_in_several_countries(tiny: sc.Network) -> None:
    """tiny's sandco has plants in CHN and USA and no hq_country: the facilities table gives
    each plant its own country, so the company lists both; one given hq_country wins."""
    result = sc.stress(tiny, sc.Scenario.model_validate({"name": "none"}))
    assert by_company(result)["sandco"]["hq_country"] == "CHN;USA"
    tables = {t: getattr(tiny, t) for t in ("items", "facilities", "recipes", "supplies")}
    tables["facilities"] = tables["facilities"].assign(hq_country="USA")
    relabelled = sc.Network(**tables, name="tiny-hq")
    assert by_company(sc.stress(relabelled, sc.Scenario.model_validate({"name": "none"})))["sandco"]["hq_country"] == (
        "USA"
    )


def test_zero_output_value_has_no_share_and_an_empty_cell(tmp_path: Path) -> None:
    """A company making only an item of value 0 has output 0: its lost_output_share is NaN
    (undefined), written as an empty cell, while its sales are still counted."""
    net = sc.Network(
        items=[{"id": "m", "value": 0}, {"id": "ai", "value": 2}],
        facilities=[facility("src", "JPN", "m", company="S", capacity=10), facility("dc", "KOR", "ai", capacity=5)],
        recipes=[recipe("dc", "m", quantity=1)],
        supplies=[supply("src", "dc", "m")],
        name="free",
    )
    scen = sc.Scenario.model_validate({"name": "stop", "disruptions": [{"facilities": ["src"], "capacity_factor": 0}]})
    result = sc.stress(net, scen)
    got = by_company(result)
    assert got["S"]["output_value"] == 0.0
    assert math.isnan(got["S"]["lost_output_share"])
    assert got["dc"]["lost_output_share"] == 1.0
    folder = sc.write_reports(result, tmp_path / "out")
    rows = {r["company"]: r for r in read_csv(folder / "companies.csv")}
    assert rows["S"]["lost_output_share"] == ""
    assert list(rows["S"])[: len(COLUMNS)] == list(COLUMNS)


def test_companies_rejects_arrays_of_the_wrong_length(tiny: sc.Network) -> None:
    with pytest.raises(ValueError, match="one value per facility"):
        companies(tiny, np.ones(3), np.ones(tiny.arrays.n_edges))


def test_plot_shows_the_largest_losers(tiny: sc.Network) -> None:
    """tiny under the Dutch EUV denial (fab_cn at 0.25, dc_cn at 0.7). Output lost: smic
    25 · 20 · 0.75 = 375, cloud_cn 50 · 0.3 = 15. Sales lost: tsmc's chips to dc_cn
    600 · 0.3 = 180, smic's 400 · 0.3 = 120, sandco's sand to fab_cn 50 · 0.75 = 37.5, asml
    25, amat 18.75; the companies that lose nothing are left out."""
    scen = sc.Scenario.model_validate(
        {"name": "litho", "controls": [{"name": "nl", "issuer": "NLD", "items": ["euv"], "destinations": ["CHN"]}]}
    )
    output_ax, sales_ax = sc.stress(tiny, scen).plot_companies()
    assert [t.get_text() for t in output_ax.get_xticklabels()] == ["smic", "cloud_cn"]
    assert [round(p.get_height(), 6) for p in output_ax.patches[2:]] == [375.0, 15.0]
    assert [t.get_text() for t in sales_ax.get_xticklabels()] == ["tsmc", "smic", "sandco", "asml", "amat"]
    assert [round(p.get_height(), 6) for p in sales_ax.patches[5:]] == [180.0, 120.0, 37.5, 25.0, 18.75]
    two = sc.stress(tiny, scen).plot_companies(top=2)
    assert [t.get_text() for t in two[1].get_xticklabels()] == ["tsmc", "smic"]


@pytest.mark.slow
@PROPERTY
@given(case=stress_cases())
def test_companies_match_reference(case: tuple[dict, dict]) -> None:
    """Every company's figures equal the reference's loop over facilities and supplies rows,
    and the invariants hold: 0 ≤ lost ≤ whole, sales sum to the value every buyer takes in."""
    tables, scenario_data = case
    net = sc.Network(**tables, name="random")
    scenario = sc.Scenario.model_validate(scenario_data)
    got = by_company(sc.stress(net, scenario))
    want = reference_companies(net, scenario)
    assert sorted(got) == sorted(want)
    for name, ref in want.items():
        row = got[name]
        assert row["hq_country"] == ref["hq_country"], name
        for column in ("output_value", "lost_output_value", "sales_value", "lost_sales_value"):
            assert row[column] == pytest.approx(ref[column], rel=1e-6, abs=1e-6), (name, column)
            assert row[column] >= -1e-9
        assert row["lost_output_value"] <= row["output_value"] * (1 + 1e-12) + 1e-9
        assert row["lost_sales_value"] <= row["sales_value"] * (1 + 1e-12) + 1e-9
        if ref["lost_output_share"] is None:
            assert math.isnan(row["lost_output_share"])
        else:
            assert row["lost_output_share"] == pytest.approx(ref["lost_output_share"], abs=1e-6)
