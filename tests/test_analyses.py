"""Concentration and chokepoints (docs/model.md §4), worked by hand on the tiny network and
checked against one engine run per removal on random networks."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from strategies import stress_cases

import supplychain as sc
from supplychain.analysis.chokepoints import LEVELS

REPO = Path(__file__).resolve().parents[1]


def test_concentration_tiny(tiny: sc.Network) -> None:
    """Producers: sand 250 (CHN) + 200 (USA) -> shares 5/9, 4/9, HHI 10 000·(25 + 16)/81 =
    5061.73 by supplier and by country; chip 150 (TWN) + 25 (CHN) -> 6/7, 1/7, HHI
    10 000·37/49 = 7551.02, top fab_tw; euv and dep one supplier each -> 10 000 and single
    points of failure; compute 100 + 50 -> HHI 10 000·5/9; sand is made by one company
    (sandco) in two countries: company HHI 10 000, not a single point of failure."""
    c = sc.concentration(tiny).set_index("item")
    assert c.loc["sand", "hhi"] == pytest.approx(10_000 * 41 / 81)
    assert c.loc["sand", "country_hhi"] == pytest.approx(10_000 * 41 / 81)
    assert c.loc["sand", "company_hhi"] == pytest.approx(10_000)
    assert c.loc["sand", "top_share"] == pytest.approx(5 / 9)
    assert c.loc["chip", "hhi"] == pytest.approx(10_000 * 37 / 49)
    assert (c.loc["chip", "top_supplier"], c.loc["chip", "top_country"]) == ("fab_tw", "TWN")
    assert c.loc["compute", "hhi"] == pytest.approx(10_000 * 5 / 9)
    assert c["single_point_of_failure"].to_dict() == {
        "sand": False,
        "euv": True,
        "dep": True,
        "chip": False,
        "compute": False,
    }
    assert c["suppliers"].to_dict() == {"sand": 2, "euv": 1, "dep": 1, "chip": 2, "compute": 2}


def test_concentration_one_country_is_a_single_point_of_failure() -> None:
    """Two suppliers of x, both in JPN: suppliers 2, country HHI 10 000 -> single point of failure."""
    net = sc.Network(
        items=[{"id": "x"}, {"id": "y"}],
        facilities=[
            {"id": "a", "company": "a", "country": "JPN", "kind": "material", "produces": "x", "capacity": 1},
            {"id": "b", "company": "b", "country": "JPN", "kind": "material", "produces": "x", "capacity": 3},
            {"id": "v", "company": "v", "country": "KOR", "kind": "foundry", "produces": "y", "capacity": 1},
        ],
        recipes=[{"facility": "v", "item": "x", "quantity": 1}],
        supplies=[
            {"supplier": "a", "buyer": "v", "item": "x", "share": 0.25},
            {"supplier": "b", "buyer": "v", "item": "x", "share": 0.75},
        ],
    )
    row = sc.concentration(net).set_index("item").loc["x"]
    assert row["suppliers"] == 2
    assert row["hhi"] == pytest.approx(25**2 + 75**2)
    assert row["country_hhi"] == pytest.approx(10_000)
    assert bool(row["single_point_of_failure"])


def test_chokepoints_tiny_without_scenario(tiny: sc.Network) -> None:
    """Final outputs dc_us (100/week) and dc_cn (50/week), value 1. Removing amat stops both
    fabs (deposition, no stock): 150 lost. Removing asml: fab_tw stops, fab_cn keeps 13/52 of
    EUV = 0.25: dc_us loses 100, dc_cn 50·(1 − 0.4·0.25) = 45: 145. Removing fab_tw: dc_us 100,
    dc_cn 0.6·50 = 30: 130. Removing TWN equals removing fab_tw; USA takes amat: 150."""
    ck = sc.chokepoints(tiny)
    got = {(r.level, r.name): r for r in ck.itertuples()}
    assert got[("facility", "amat")].lost_output == pytest.approx(150)
    assert got[("facility", "asml")].lost_output == pytest.approx(145)
    assert got[("facility", "fab_tw")].lost_output == pytest.approx(130)
    assert got[("country", "TWN")].lost_output == pytest.approx(130)
    assert got[("country", "USA")].lost_output == pytest.approx(150)
    assert got[("company", "sandco")].facilities == 2
    assert got[("facility", "amat")].rank == 1
    assert set(ck["level"]) == set(LEVELS)
    assert (ck["lost_output"] == ck["lost_output_without_controls"]).all()


def test_chokepoints_tiny_with_controls(tiny: sc.Network) -> None:
    """tiny-export-controls, controls only (a(fab_tw -> dc_cn) = 0.2, a(asml -> fab_cn) = 0):
    removing fab_tw: dc_us loses 100; dc_cn keeps 0.4 · 0.2 · 0.25 = 0.02 (fab_cn on EUV stock,
    its in-country deliveries licensed at 0.2 under us-chips) and loses 49: 149 with the
    controls; without them dc_cn keeps 0.4 and loses 30: 130."""
    scen = sc.read_scenario(REPO / "scenarios" / "tiny-export-controls.yaml")
    ck = sc.chokepoints(tiny, scen).set_index(["level", "name"])
    assert ck.loc[("facility", "fab_tw"), "lost_output"] == pytest.approx(149)
    assert ck.loc[("facility", "fab_tw"), "lost_output_without_controls"] == pytest.approx(130)


def _one_by_one(net: sc.Network, scen: sc.Scenario, level: str) -> pd.Series:
    """Reference: one engine run per removal, through the public API (a disruption with
    capacity_factor 0 over the whole horizon), controls in force, no other disruption."""
    column = {"facility": "facilities", "company": "companies", "country": "countries"}[level]
    names = {
        "facility": net.facilities["id"],
        "company": net.facilities["company"],
        "country": net.facilities["country"],
    }[level].unique()
    controls = [c.model_dump(by_alias=True, exclude_none=True) for c in scen.controls]
    out = {}
    for name in names:
        removal = sc.Scenario.model_validate(
            {
                "name": "removal",
                "horizon_weeks": scen.horizon_weeks,
                "controls": controls,
                "disruptions": [{column: [name], "capacity_factor": 0}],
            }
        )
        res = sc.stress(net, removal)
        final = res.facilities["final_output"].to_numpy()
        value = net.arrays.value
        out[name] = float((value * res.facilities["lost_capacity"].to_numpy())[final].sum())
    return pd.Series(out)


@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@pytest.mark.slow
@given(case=stress_cases(max_facilities=12))
def test_chokepoint_batch_equals_one_run_per_removal(case: tuple[dict, dict]) -> None:
    """The batched removals give exactly what one stress per removal gives, at every level."""
    net = sc.Network(**case[0], name="random")
    scen = sc.Scenario.model_validate(case[1])
    ck = sc.chokepoints(net, scen)
    for level in LEVELS:
        batch = ck[ck["level"] == level].set_index("name")["lost_output"]
        reference = _one_by_one(net, scen, level)
        np.testing.assert_allclose(batch.loc[reference.index].to_numpy(), reference.to_numpy(), atol=1e-9)
        ranks = ck[ck["level"] == level]["rank"].to_numpy()
        assert sorted(ranks.tolist()) == list(range(1, len(ranks) + 1))
