"""Concentration and chokepoints (docs/model.md §4), worked by hand on the tiny network and
checked against one engine run per removal on random networks."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from builders import facility, recipe, supply
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
    assert (ck["extra_lost_output"] == ck["lost_output"]).all()  # no scenario: nothing lost without removal
    pairs = ck[ck["level"] == "item_country"].set_index("name")
    assert sorted(pairs.index) == [
        "CHN:chip", "CHN:compute", "CHN:sand", "NLD:euv", "TWN:chip", "USA:compute", "USA:dep", "USA:sand"
    ]  # fmt: skip
    assert pairs.loc["USA:dep", "lost_output"] == pytest.approx(150)
    assert pairs.loc["USA:dep", "rank"] == 1
    # CHN:sand is sand_cn: fab_tw keeps 0.5 of its sand, fab_cn none: dc_us loses 50, dc_cn
    # 50 · (1 − 0.6 · 0.5) = 35
    assert pairs.loc["CHN:sand", "lost_output"] == pytest.approx(85)
    assert pairs.loc["CHN:sand", "facilities"] == 1


def test_chokepoints_tiny_with_controls(tiny: sc.Network) -> None:
    """tiny-export-controls, controls only (a(fab_tw -> dc_cn) = 0.2, a(asml -> fab_cn) = 0):
    removing fab_tw: dc_us loses 100; dc_cn keeps 0.4 · 0.2 · 0.25 = 0.02 (fab_cn on EUV stock,
    its in-country deliveries licensed at 0.2 under us-chips) and loses 49: 149 with the
    controls; without them dc_cn keeps 0.4 and loses 30: 130."""
    scen = sc.read_scenario(REPO / "scenarios" / "tiny-export-controls.yaml")
    ck = sc.chokepoints(tiny, scen).set_index(["level", "name"])
    assert ck.loc[("facility", "fab_tw"), "lost_output"] == pytest.approx(149)
    assert ck.loc[("facility", "fab_tw"), "lost_output_without_controls"] == pytest.approx(130)
    # the controls alone: dc_us keeps all, dc_cn 0.6 · 0.2 + 0.4 · 0.25 · 0.2 = 0.14 and
    # loses 43, so removing fab_tw adds 149 − 43 = 106
    assert ck.loc[("facility", "fab_tw"), "extra_lost_output"] == pytest.approx(106)
    assert ck.loc[("facility", "fab_tw"), "extra_lost_compute"] == pytest.approx(106)
    assert ck.loc[("item_country", "TWN:chip"), "extra_lost_output"] == pytest.approx(106)
    # docs/model.md's worked example: amat 150 − 43 = 107, fab_cn 44 − 43 = 1
    assert ck.loc[("facility", "amat"), "extra_lost_output"] == pytest.approx(107)
    assert ck.loc[("facility", "fab_cn"), "extra_lost_output"] == pytest.approx(1)
    assert ck.loc[("item_country", "CHN:chip"), "extra_lost_output"] == pytest.approx(1)


def chain() -> sc.Network:
    """The denial chain of docs/model.md §4 with Japan's 60 % of m split between two plants of
    two companies (src_a, src_a2: 30 % each; src_b in China 40 %), and a Japanese design house
    (ip, capacity 5, a final output of value 1) beside them. Fab (capacity 12) -> dc (10)."""
    return sc.Network(
        items=[{"id": "m"}, {"id": "chip"}, {"id": "ai"}, {"id": "ip"}],
        facilities=[
            facility("src_a", "JPN", "m", company="A", capacity=100),
            facility("src_a2", "JPN", "m", company="A2", capacity=100),
            facility("src_b", "CHN", "m", company="B", capacity=100),
            facility("ip_jp", "JPN", "ip", kind="eda_ip", company="A", capacity=5),
            facility("fab", "KOR", "chip", kind="foundry", company="F", capacity=12),
            facility("dc", "KOR", "ai", kind="compute", company="D", capacity=10),
        ],
        recipes=[recipe("fab", "m", quantity=1), recipe("dc", "chip", quantity=1)],
        supplies=[
            supply("src_a", "fab", "m", 0.3),
            supply("src_a2", "fab", "m", 0.3),
            supply("src_b", "fab", "m", 0.4),
            supply("fab", "dc", "chip"),
        ],
        name="chain",
    )


def test_item_country_removes_every_plant_of_the_item_in_the_country() -> None:
    """Without controls: JPN:m (src_a and src_a2) leaves the fab 0.4 of its m, dc loses 6;
    src_a or company A2 alone leave 0.7: 3; CHN:m (src_b) leaves 0.6: 4; company A (src_a and
    ip_jp) 3 + 5 = 8; the whole of JPN 6 + 5 = 11; JPN:ip 5. Under a Japanese denial of m to
    Korea the scenario alone loses 6 (dc at 0.4): JPN:m then adds nothing, CHN:m (src_b) adds
    the last 4, JPN adds ip_jp's 5."""
    ck = sc.chokepoints(chain()).set_index(["level", "name"])
    assert ck.loc[("item_country", "JPN:m"), "lost_output"] == pytest.approx(6)
    assert ck.loc[("item_country", "JPN:m"), "facilities"] == 2
    assert ck.loc[("facility", "src_a"), "lost_output"] == pytest.approx(3)
    assert ck.loc[("company", "A"), "lost_output"] == pytest.approx(8)
    assert ck.loc[("country", "JPN"), "lost_output"] == pytest.approx(11)
    assert ck.loc[("item_country", "JPN:ip"), "lost_output"] == pytest.approx(5)
    order = ck.xs("item_country").sort_values("rank").index.tolist()
    assert order == ["KOR:ai", "KOR:chip", "JPN:m", "JPN:ip", "CHN:m"]  # 10, 10 (tie: by name), 6, 5, 4

    deny = sc.Scenario.model_validate(
        {"name": "deny", "controls": [{"name": "jp", "issuer": "JPN", "items": ["m"], "destinations": ["KOR"]}]}
    )
    ck = sc.chokepoints(chain(), deny).set_index(["level", "name"])
    assert ck.loc[("item_country", "JPN:m"), "lost_output"] == pytest.approx(6)
    assert ck.loc[("item_country", "JPN:m"), "extra_lost_output"] == 0.0
    assert ck.loc[("item_country", "CHN:m"), "extra_lost_output"] == pytest.approx(4)
    assert ck.loc[("country", "JPN"), "extra_lost_output"] == pytest.approx(5)
    assert ck.loc[("facility", "dc"), "extra_lost_compute"] == pytest.approx(4)  # all 10, less the 6 lost anyway
    assert ck.loc[("item_country", "JPN:m"), "lost_output_without_controls"] == pytest.approx(6)


def test_chokepoint_levels_can_be_chosen(tiny: sc.Network) -> None:
    ck = sc.chokepoints(tiny, levels=("item_country",))
    assert set(ck["level"]) == {"item_country"}
    with pytest.raises(sc.InputError, match="item_country"):
        sc.chokepoints(tiny, levels=("items",))


def _lost_output(net: sc.Network, scen: sc.Scenario, disruptions: list[dict]) -> float:
    """Σ over final outputs of value · lost capacity, with the scenario's controls and only
    the given disruptions."""
    controls = [c.model_dump(by_alias=True, exclude_none=True) for c in scen.controls]
    removal = sc.Scenario.model_validate(
        {"name": "removal", "horizon_weeks": scen.horizon_weeks, "controls": controls, "disruptions": disruptions}
    )
    res = sc.stress(net, removal)
    final = res.facilities["final_output"].to_numpy()
    return float((net.arrays.value * res.facilities["lost_capacity"].to_numpy())[final].sum())


def _one_by_one(net: sc.Network, scen: sc.Scenario, level: str) -> pd.Series:
    """Reference: one engine run per removal, through the public API (a disruption with
    capacity_factor 0 over the whole horizon), controls in force, no other disruption; an
    item_country removal names the facilities of the country that make the item."""
    fac = net.facilities
    if level == "item_country":
        members = {f"{c}:{k}": ids.tolist() for (c, k), ids in fac.groupby(["country", "produces"])["id"]}
        selectors = {name: {"facilities": ids} for name, ids in members.items()}
    else:
        column = {"facility": "facilities", "company": "companies", "country": "countries"}[level]
        key = {"facility": "id", "company": "company", "country": "country"}[level]
        selectors = {name: {column: [name]} for name in fac[key].unique()}
    return pd.Series(
        {name: _lost_output(net, scen, [{**chosen, "capacity_factor": 0}]) for name, chosen in selectors.items()}
    )


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
    """The batched removals give exactly what one stress per removal gives, at every level, and
    the extra loss is that less the scenario's controls' own loss."""
    net = sc.Network(**case[0], name="random")
    scen = sc.Scenario.model_validate(case[1])
    ck = sc.chokepoints(net, scen)
    own_loss = _lost_output(net, scen, [])
    for level in LEVELS:
        rows = ck[ck["level"] == level].set_index("name")
        reference = _one_by_one(net, scen, level)
        assert sorted(rows.index) == sorted(reference.index)
        np.testing.assert_allclose(rows.loc[reference.index, "lost_output"].to_numpy(), reference.to_numpy(), atol=1e-9)
        np.testing.assert_allclose(
            rows.loc[reference.index, "extra_lost_output"].to_numpy(), reference.to_numpy() - own_loss, atol=1e-8
        )
        assert (rows["extra_lost_output"] >= 0).all()
        ranks = ck[ck["level"] == level]["rank"].to_numpy()
        assert sorted(ranks.tolist()) == list(range(1, len(ranks) + 1))
