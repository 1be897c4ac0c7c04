"""The Shapley attribution of lost capacity among a scenario's rules (docs/model.md §3.4).

Worked examples on the chain network (``builders.chain_network``: src_a JPN 60 % and src_b CHN
40 % of a Korean fab's input m, capacity 12; the fab feeds a Korean compute centre dc of
capacity 10), a property test against the brute-force reference of ``tests/reference.py``,
the sampled estimate beyond 10 players, and the timeline basis.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from builders import (
    JAPAN_DENIES_M,
    control,
    facility,
    network,
    read_csv,
    recipe,
    row,
    scenario,
    stress,
    supply,
)
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from reference import reference_shapley
from strategies import networks, scenarios

import supplychain as sc
from supplychain import attribution as attribution_module

# ---------------------------------------------------------------------------------------------
# worked examples


def test_two_identical_controls_split_their_loss(chain: sc.Network) -> None:
    """c1 and c2 both deny src_a -> fab (60 %), d1 halves src_b (40 % -> 20 %). Fab losses
    (capacity 12) with only S in force: {c1}, {c2}, {c1, c2}: 12 x 0.6 = 7.2; {d1}: 12 x 0.2 =
    2.4; d1 with any control: 12 x 0.8 = 9.6. d1 adds 2.4 in every order; c1 and c2 split the
    rest equally: (9.6 - 2.4) / 2 = 3.6 each. dc follows the fab (capacity 10): c1 3, c2 3,
    d1 2, summing to its loss 10 x (1 - 0.2) = 8. Equal shares tie, and the tie goes to the
    first listed: c1 is the fab's limiting control and limiting cause (3.6 > 2.4)."""
    result = stress(
        chain,
        [{"name": "c1", **JAPAN_DENIES_M}, {"name": "c2", **JAPAN_DENIES_M}],
        [{"name": "d1", "facilities": ["src_b"], "capacity_factor": 0.5}],
    )
    assert result.attribution is not None
    shares = result.attribution.shares
    assert shares.columns.tolist() == ["c1", "c2", "d1"]
    assert shares.loc["fab"].to_dict() == pytest.approx({"c1": 3.6, "c2": 3.6, "d1": 2.4}, abs=1e-12)
    assert shares.loc["dc"].to_dict() == pytest.approx({"c1": 3.0, "c2": 3.0, "d1": 2.0}, abs=1e-12)
    assert shares.loc["src_b"].to_dict() == pytest.approx({"c1": 0.0, "c2": 0.0, "d1": 50.0})
    assert row(result, "fab")["limiting_control"] == "c1"
    assert row(result, "fab")["limiting_cause"] == "c1"
    assert row(result, "src_b")["limiting_control"] == ""
    assert row(result, "src_b")["limiting_cause"] == "d1"
    assert row(result, "src_a")["limiting_cause"] == ""
    columns = result.facilities.columns.tolist()
    assert columns[columns.index("limiting_item") : columns.index("limiting_item") + 3] == [
        "limiting_item",
        "limiting_control",
        "limiting_cause",
    ]
    controls = result.controls
    assert controls["attributed_lost_compute"].to_dict() == pytest.approx({"c1": 3.0, "c2": 3.0}, abs=1e-12)
    assert controls["marginal_lost_compute"].to_dict() == {"c1": 0.0, "c2": 0.0}  # each masks the other
    disruptions = result.disruptions
    assert disruptions is not None
    assert result.table("disruptions").columns.tolist()[:4] == [
        "disruption",
        "facilities_hit",
        "standalone_lost_compute",
        "attributed_lost_compute",
    ]
    d1 = disruptions.loc["d1"]
    # d1 alone: src_b at 0.5, fab 0.8, dc 0.8: 3 facilities hit, 2 of compute lost
    assert int(d1["facilities_hit"]) == 3
    assert d1["standalone_lost_compute"] == pytest.approx(2.0)
    assert d1["attributed_lost_compute"] == pytest.approx(2.0)
    assert d1["marginal_lost_compute"] == pytest.approx(8.0 - 6.0)  # lifting d1: dc at 0.4
    total = controls["attributed_lost_compute"].sum() + disruptions["attributed_lost_compute"].sum()
    assert total == pytest.approx(result.metric("compute_lost"), abs=1e-12)
    assert result.attribution.method == "exact"
    assert result.attribution.std_error is None


def test_a_disruption_can_be_the_limiting_cause(chain: sc.Network) -> None:
    """c licenses half of src_a's 60 % (loses 30 % of the fab's need), d stops src_b (40 %).
    Fab losses (capacity 12): {c} 3.6, {d} 4.8, both 12 x 0.7 = 8.4: additive, so Shapley
    c 3.6, d 4.8. The limiting cause is the disruption d; the limiting control is still c."""
    result = stress(
        chain,
        [{"name": "c", **JAPAN_DENIES_M, "licence_approval": 0.5}],
        [{"name": "d", "facilities": ["src_b"], "capacity_factor": 0.0}],
    )
    assert result.attribution is not None
    assert result.attribution.shares.loc["fab"].to_dict() == pytest.approx({"c": 3.6, "d": 4.8}, abs=1e-12)
    assert row(result, "fab")["limiting_control"] == "c"
    assert row(result, "fab")["limiting_cause"] == "d"


def test_the_tiny_worked_example(tiny: sc.Network) -> None:
    """scenarios/tiny-export-controls.yaml, dc_cn (capacity 50) with players n = nl-litho, u =
    us-chips, d = sand-us-outage: alpha(S) = 0.6 a_u alpha_tw + 0.4 a_u alpha_cn, a_u = 0.2
    with u, alpha_tw = 0.875 with d, alpha_cn = 0.25 with n. Losses: {} 0, {n} 15, {u} 40,
    {d} 3.75, {n,u} 43, {n,d} 18.75, {u,d} 40.75, all 43.75.
    n: 15/3 + (3 + 15)/6 + 3/3 = 9; u: 40/3 + (28 + 37)/6 + 25/3 = 32.5;
    d: 3.75/3 + (3.75 + 0.75)/6 + 0.75/3 = 2.25 (sum 43.75)."""
    result = sc.stress(tiny, sc.read_scenario(Path("scenarios/tiny-export-controls.yaml")))
    assert result.attribution is not None
    assert result.attribution.shares.loc["dc_cn"].to_dict() == pytest.approx(
        {"nl-litho": 9.0, "us-chips": 32.5, "sand-us-outage": 2.25}, abs=1e-12
    )
    assert row(result, "dc_cn")["limiting_cause"] == "us-chips"
    assert row(result, "fab_tw")["limiting_cause"] == "sand-us-outage"
    assert row(result, "fab_tw")["limiting_control"] == ""
    assert repr(result.attribution).startswith("<Attribution exact, static loss, among 2 controls and 1 disruption")


def test_reports_write_disruptions_and_attributed_columns(chain: sc.Network, tmp_path: Path) -> None:
    """disruptions.csv has one row per disruption; unnamed disruptions are disruption-<i>;
    controls.csv and disruptions.csv attributed columns sum to the compute lost."""
    result = stress(
        chain,
        [{"name": "c1", **JAPAN_DENIES_M}],
        [{"facilities": ["src_b"], "capacity_factor": 0.5}, {"facilities": ["dc"], "capacity_factor": 0.5}],
    )
    folder = sc.write_reports(result, tmp_path / "out")
    disruptions = read_csv(folder / "disruptions.csv")
    assert [d["disruption"] for d in disruptions] == ["disruption-1", "disruption-2"]
    controls = read_csv(folder / "controls.csv")
    attributed = sum(float(r["attributed_lost_compute"]) for r in controls + disruptions)
    assert attributed == pytest.approx(result.metric("compute_lost"), abs=1e-9)
    assert all(float(r["attributed_lost_compute_std_error"]) == 0.0 for r in controls + disruptions)
    facilities = read_csv(folder / "facilities.csv")
    assert {r["facility"]: r["limiting_cause"] for r in facilities}["dc"] in {"c1", "disruption-2"}


def test_disruption_names_must_be_unique_across_rules() -> None:
    with pytest.raises(sc.InputError, match=r"repeats controls\[0\]\.name"):
        scenario([control(name="x")], [{"name": "x", "countries": ["TWN"]}])
    with pytest.raises(sc.InputError, match=r"repeats the default name of disruptions\[0\]"):
        scenario([], [{"countries": ["TWN"]}, {"name": "disruption-1", "countries": ["KOR"]}])
    assert scenario([], [{"countries": ["TWN"]}, {"name": "b", "countries": ["KOR"]}]).disruption_names == (
        "disruption-1",
        "b",
    )


def test_no_players_no_shares(chain: sc.Network) -> None:
    result = stress(chain)
    assert result.attribution is not None
    assert result.attribution.shares.shape == (4, 0)
    assert result.facilities["limiting_cause"].isna().all()  # no cause: NaN, an empty cell in the CSV
    assert result.disruptions is not None
    assert result.disruptions.empty


# ---------------------------------------------------------------------------------------------
# against the brute-force reference

PROPERTY = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@pytest.mark.slow
@PROPERTY
@given(data=st.data())
def test_shapley_matches_brute_force_reference(data: Any) -> None:
    """On random networks (cycles included) with up to 4 controls and 2 disruptions, every
    facility's shares equal the brute-force Shapley values over all n! orders, and sum to its
    lost capacity."""
    tables = data.draw(networks(max_facilities=12), label="network")
    scen = data.draw(scenarios(tables, max_controls=4, max_disruptions=2), label="scenario")
    net = sc.Network(**tables, name="random")
    result = sc.stress(net, sc.Scenario.model_validate(scen))
    assert result.attribution is not None
    got = result.attribution.shares
    want = reference_shapley(net, scen)
    capacity = result.facilities["capacity"]
    lost = result.facilities["lost_capacity"]
    for v, shares in want.items():
        tol = 1e-6 * max(1.0, float(capacity[v]))
        assert got.loc[v].to_dict() == pytest.approx(shares, abs=tol), v
        assert float(got.loc[v].sum()) == pytest.approx(float(lost[v]), abs=tol), v
        assert (got.loc[v] >= -tol).all(), v  # adding a rule never raises availability


@pytest.mark.slow
@settings(PROPERTY, max_examples=25)
@given(data=st.data())
def test_cone_engine_matches_level_engine(data: Any, monkeypatch_module: Any) -> None:
    """The cone engine (used on large networks) gives the level engine's shares."""
    tables = data.draw(networks(max_facilities=15), label="network")
    scen = sc.Scenario.model_validate(data.draw(scenarios(tables), label="scenario"))
    net = sc.Network(**tables, name="random")
    dense = sc.attribute(net, scen).shares
    monkeypatch_module.setattr(attribution_module, "DENSE_ENTRIES", 0)
    try:
        cone = sc.attribute(net, scen).shares
    finally:
        monkeypatch_module.undo()
    np.testing.assert_allclose(cone.to_numpy(), dense.to_numpy(), atol=1e-9)


@pytest.fixture(scope="module")
def monkeypatch_module() -> Any:
    with pytest.MonkeyPatch.context() as patch:
        yield patch


# ---------------------------------------------------------------------------------------------
# sampled beyond 10 players

COUNTRIES12 = ("USA", "NLD", "JPN", "KOR", "TWN", "DEU", "FRA", "GBR", "ISR", "SGP", "MYS", "IND")


def _twelve_supplier_network() -> sc.Network:
    """dc (CHN, compute, capacity 120) needs x from six suppliers and y from six others, 1/6
    each, every supplier in its own country (COUNTRIES12: the first six make x)."""
    facilities = [facility(f"s{i}", c, "x" if i < 6 else "y") for i, c in enumerate(COUNTRIES12)]
    facilities.append(facility("dc", "CHN", "ai", kind="compute", capacity=120))
    supplies = [supply(f"s{i}", "dc", "x" if i < 6 else "y", 1 / 6) for i in range(12)]
    return network(facilities, [recipe("dc", "x"), recipe("dc", "y")], supplies)


def _twelve_controls(approval: float) -> list[dict]:
    return [control(name=f"c{i}", issuer=c, licence_approval=approval) for i, c in enumerate(COUNTRIES12)]


def test_sampled_is_exact_for_an_additive_game() -> None:
    """Twelve controls on x: the first six each deny one supplier of x (1/6 of dc's x), the
    other six license everything (their countries make y, so they cover nothing anyway). The
    loss is additive, 120 / 6 = 20 per denial, so every order gives each of the six exactly 20,
    the others 0, and the standard error is 0."""
    net = _twelve_supplier_network()
    controls = [
        control(name=f"c{i}", issuer=c, items=["x"], licence_approval=0.0 if i < 6 else 1.0)
        for i, c in enumerate(COUNTRIES12)
    ]
    att = sc.attribute(net, scenario(controls), orders=16)
    assert att.method == "sampled"
    assert att.orders == 16
    assert att.shares.loc["dc"].to_dict() == pytest.approx({f"c{i}": 20.0 if i < 6 else 0.0 for i in range(12)})
    assert att.std_error is not None
    assert float(att.std_error.to_numpy().max()) == pytest.approx(0.0, abs=1e-9)


def test_sampled_estimate_converges_to_the_exact_value() -> None:
    """Twelve controls at approval 0.5, six on x and six on y: dc makes min(A_x, A_y), an
    interaction. The exact values (forcing every one of the 4 096 subsets) are equal by
    symmetry (60 / 12 = 5 each: the loss with all is 120 x (1 - 0.5)). The sampled estimate
    sums to the loss exactly in every case, lies within 4 standard errors of the exact value,
    its standard error shrinks about as 1 / sqrt(orders), and the same seed repeats it."""
    net = _twelve_supplier_network()
    scen = scenario(_twelve_controls(0.5))
    exact = sc.attribute(net, scen, exact_max_players=12)
    assert exact.method == "exact"
    assert exact.shares.loc["dc"].to_numpy() == pytest.approx(np.full(12, 5.0))
    few = sc.attribute(net, scen, orders=64, seed=3)
    many = sc.attribute(net, scen, orders=1024, seed=3)
    for att in (few, many):
        assert att.std_error is not None
        estimate, error = att.shares.loc["dc"].to_numpy(), att.std_error.loc["dc"].to_numpy()
        assert float(estimate.sum()) == pytest.approx(60.0, abs=1e-9)
        assert (np.abs(estimate - 5.0) <= 4 * error + 1e-9).all()
        assert (error > 0).all()
    assert few.std_error is not None
    assert many.std_error is not None
    ratio = float(few.std_error.loc["dc"].mean() / many.std_error.loc["dc"].mean())
    assert 2.5 < ratio < 6.0  # sqrt(1024 / 64) = 4
    again = sc.attribute(net, scen, orders=64, seed=3)
    assert again.shares.equals(few.shares)
    other = sc.attribute(net, scen, orders=64, seed=4)
    assert not other.shares.equals(few.shares)
    assert many.compute["std_error"].to_numpy() == pytest.approx(many.std_error.loc["dc"].to_numpy())


def test_stress_samples_beyond_ten_players() -> None:
    """sc.stress with 12 players uses the sampled attribution and still names a limiting
    control per facility from the shares."""
    net = _twelve_supplier_network()
    result = sc.stress(net, scenario(_twelve_controls(0.5)))
    assert result.attribution is not None
    assert result.attribution.method == "sampled"
    assert row(result, "dc")["limiting_control"] in {f"c{i}" for i in range(12)}
    assert result.controls["attributed_lost_compute"].sum() == pytest.approx(60.0, abs=1e-9)
    assert (result.controls["attributed_lost_compute_std_error"] > 0).all()


def test_orders_must_be_at_least_two(chain: sc.Network) -> None:
    with pytest.raises(sc.InputError, match="orders"):
        sc.attribute(chain, scenario([{"name": "c1", **JAPAN_DENIES_M}]), orders=1)


# ---------------------------------------------------------------------------------------------
# the timeline basis


def _staggered() -> tuple[sc.Network, sc.Scenario]:
    """dc (CHN, compute, capacity 100) needs x from sx (USA) and y from sy (NLD), no stock;
    c1 denies x in weeks 0-25, c2 denies y in weeks 26-51 (H = 52)."""
    facilities = [facility("sx", "USA", "x"), facility("sy", "NLD", "y")]
    facilities.append(facility("dc", "CHN", "ai", kind="compute", capacity=100))
    net = network(
        facilities, [recipe("dc", "x"), recipe("dc", "y")], [supply("sx", "dc", "x"), supply("sy", "dc", "y")]
    )
    scen = sc.Scenario.model_validate(
        {
            "name": "staggered",
            "timeline": True,
            "controls": [
                control(name="c1", items=["x"], end_week=26),
                control(name="c2", issuer="NLD", items=["y"], start_week=26),
            ],
        }
    )
    return net, scen


def test_timeline_attribution_of_staggered_shortages() -> None:
    """Static: a_x = a_y = 0.5 horizon-average, alpha = min(0.5, 0.5) = 0.5 with either or both:
    losses {c1} 50, {c2} 50, both 50, so 25 each. Week by week dc stops in weeks 0-25 under c1
    and in 26-51 under c2: losses {c1} 50, {c2} 50, both 100 (mean alpha 0): additive, 50 each,
    summing to the timeline's loss 100 x (1 - availability_timeline)."""
    net, scen = _staggered()
    static = sc.attribute(net, scen)
    assert static.shares.loc["dc"].to_dict() == pytest.approx({"c1": 25.0, "c2": 25.0})
    weekly = sc.attribute(net, scen, basis="timeline")
    assert weekly.basis == "timeline"
    assert weekly.shares.loc["dc"].to_dict() == pytest.approx({"c1": 50.0, "c2": 50.0})
    result = sc.run_scenario(net, scen, analyses=False)
    assert result.attribution is not None
    assert result.attribution.basis == "timeline"
    assert result.controls["attributed_lost_compute"].tolist() == pytest.approx([50.0, 50.0])
    assert result.metric("compute_lost_timeline") == pytest.approx(100.0)
    assert row(result, "dc")["availability_timeline"] == pytest.approx(0.0)
    assert row(result, "dc")["limiting_control"] == "c1"  # a tie: the first listed
    assert sc.run_scenario(net, scen, analyses=False, timeline=False).attribution.basis == "static"  # type: ignore[union-attr]


def test_attribute_rejects_an_unknown_basis(chain: sc.Network) -> None:
    with pytest.raises(sc.InputError, match="basis"):
        sc.attribute(chain, scenario(), basis="weekly")  # type: ignore[arg-type]
