"""The flow LP (docs/model.md §4): exposure (time to survive / time to recover) and adaptive stress.

Worked examples first: each network is small enough to solve on paper, the docstring shows
the arithmetic, and the test checks the LP against it with every solver available here
(HiGHS and CBC must agree within 1e-6 of the objective's scale). Then invariants on random
networks (``strategies.py``): adaptive loss ≤ static loss, availability in [0, 1], TTS
non-decreasing and loss non-increasing in stock, REI in [0, 1] with a maximum of 1.

The LP, over a window of t weeks (P production, F flow, L lost final output, all ≥ 0):

    minimise Σ_final value_v L_v
    P_v ≤ cap_v t;  q_vk P_v ≤ Σ_{e into (v,k)} F_e + stock_vk q_vk c_v;  Σ_{e out of u} F_e ≤ P_u;
    F_e ≤ a_e c_v q_vk share_e t (covered edges);  P_v + L_v ≥ c_v t (final outputs)
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pulp
import pytest
from builders import facility, network, recipe, scenario, supply
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import networks, scenarios

import supplychain as sc
from supplychain.analysis.exposure import COLUMNS
from supplychain.analysis.flow import build_flow_model

SOLVERS = sc.available_solvers()  # the invariants compare every solver available here


# ---------------------------------------------------------------------------------------------
# helpers (the table builders are builders.py's)


def by_facility(frame: pd.DataFrame) -> dict[str, dict]:
    return frame.set_index("facility").to_dict("index")


def static_loss(net: sc.Network, scen: sc.Scenario) -> float:
    """Σ over final outputs of value · capacity · (1 − α), from the static engine."""
    arr = net.arrays
    alpha = sc.stress(net, scen).facilities["availability"].to_numpy()
    return float(np.sum((arr.value * arr.capacity * (1.0 - alpha))[arr.is_final]))


def close(a: float, b: float, scale: float = 1.0) -> bool:
    """Equal within 1e-6 relative to the objective's scale."""
    return abs(a - b) <= 1e-6 * max(1.0, abs(scale), abs(a), abs(b))


# ---------------------------------------------------------------------------------------------
# exposure, worked by hand


def two_suppliers() -> sc.Network:
    """s1 (60/wk, TTR 60) and s2 (80/wk, TTR 26) each supply half of b's mat; b makes 100 out/wk
    (value 2, TTR 4) from 1 mat each and holds 10 weeks of mat in stock (1 000 units)."""
    return network(
        [
            facility("s1", "USA", "mat", capacity=60, recovery_weeks=60),
            facility("s2", "USA", "mat", capacity=80, recovery_weeks=26),
            facility("b", "USA", "out", capacity=100, kind="compute", recovery_weeks=4),
        ],
        [recipe("b", "mat", 1.0, stock_weeks=10)],
        [supply("s1", "b", "mat", 0.5), supply("s2", "b", "mat", 0.5)],
        values={"out": 2.0},
    )


def test_two_suppliers_one_lost(solver: str) -> None:
    """Two suppliers of one buyer, one lost; the other has spare capacity, the buyer stock.

    s1 down: s2 delivers 80 of the 100/wk b needs, so b runs short by 20/wk and its 1 000
    units of stock last 1 000 / 20 = 50 weeks: TTS = 50 < TTR 60. Over TTR = 60 weeks b can
    make 80·60 + 1 000 = 5 800 of 6 000: 200 lost, value 2 → lost_output 400.
    s2 down: s1 delivers 60/wk, short by 40/wk: TTS = 1 000 / 40 = 25 < TTR 26. Over 26 weeks
    b makes 60·26 + 1 000 = 2 560 of 2 600: 40 lost → 80.
    b down (a final output): TTS 0; over TTR 4 weeks 400 lost → 800, the largest loss.
    REI = 400/800, 80/800, 800/800 = 0.5, 0.1, 1.
    """
    df = sc.exposure(two_suppliers(), solver=solver)
    assert list(df.columns[:6]) == list(COLUMNS)
    row = by_facility(df)
    expected = {"s1": (50, 400, 0.5), "s2": (25, 80, 0.1), "b": (0, 800, 1.0)}
    for fid, (tts, lost, rei) in expected.items():
        assert close(row[fid]["tts_weeks"], tts, 52), fid
        assert close(row[fid]["lost_output"], lost, 800), fid
        assert close(row[fid]["risk_exposure_index"], rei), fid
        assert row[fid]["tts_below_ttr"]
        assert row[fid]["status"] == "optimal"
    assert df["recovery_weeks"].tolist() == [60, 26, 4]


def test_idle_facility_settled_without_its_own_lp(solver: str) -> None:
    """s1 at 200/wk can serve b alone (b needs 100/wk, and holds 1 000 units of stock).

    With nothing down the chain survives the longest window searched, 60 weeks (s1's TTR).
    A solution over 60 weeks with least production of the facilities not yet settled makes
    b's 6 000 − 1 000 = 5 000 units of mat at s1 (25 weeks of its capacity) and leaves s2 idle:
    that solution is one with s2 down, so s2's TTS is its limit max(H, 26) = 52 without an LP
    of its own, and it loses nothing over its 26 weeks. s1 down: s2's 80/wk leave b short by
    20/wk, TTS = 1 000 / 20 = 50 < 60; over 60 weeks 80·60 + 1 000 = 5 800 of 6 000 made, 200
    lost, value 2 → 400. b down: TTS 0, over 4 weeks 400 lost → 800. Only s1's and b's TTS LPs
    are solved; the same numbers come from each facility alone (one LP per question).
    """
    base = two_suppliers()
    net = sc.Network(base.items, base.facilities.assign(capacity=[200.0, 80.0, 100.0]), base.recipes, base.supplies)
    df = sc.exposure(net, solver=solver)
    row = by_facility(df)
    assert row["s2"]["tts_weeks"] == 52.0
    assert row["s2"]["lost_output"] == 0.0
    assert close(row["s1"]["tts_weeks"], 50, 52)
    assert close(row["s1"]["lost_output"], 400, 800)
    assert close(row["b"]["tts_weeks"], 0, 52)
    assert close(row["b"]["lost_output"], 800, 800)
    assert df.attrs["lps"]["tts"] == 2
    assert df.attrs["lps"]["loss"] == 2
    assert (df["status"] == "optimal").all()
    alone = sc.exposure(net, facilities=["s2"], solver=solver)
    assert alone["tts_weeks"].tolist() == [52.0]


def test_no_loss_when_recovery_within_survival(solver: str) -> None:
    """With s1's TTR cut to 40 weeks (≤ its TTS 50) the loss over TTR is 0 and no loss LP is
    needed; s2 (TTS 25 < TTR 26) still loses 80. The facilities asked for come in that order."""
    net = two_suppliers()
    fac = net.facilities.assign(recovery_weeks=[40.0, 26.0, 4.0])
    net = sc.Network(net.items, fac, net.recipes, net.supplies, name="lp")
    df = sc.exposure(net, facilities=["s2", "s1"], solver=solver)
    assert df["facility"].tolist() == ["s2", "s1"]
    row = by_facility(df)
    assert close(row["s1"]["tts_weeks"], 50, 52)
    assert row["s1"]["lost_output"] == 0.0
    assert not row["s1"]["tts_below_ttr"]
    assert close(row["s2"]["lost_output"], 80, 80)
    assert close(row["s1"]["risk_exposure_index"], 0.0)
    assert close(row["s2"]["risk_exposure_index"], 1.0)
    assert df.attrs["lps"]["tts"] == 2
    assert df.attrs["lps"]["loss"] == 1


def chain(stock_a: float, stock_f: float) -> sc.Network:
    """m (10/wk) -> a (10/wk, 1 m each, stock_a weeks of m) -> f (10/wk, 1 a each, stock_f
    weeks of a); f is the final output, value 1. TTR of m: 20 weeks."""
    return network(
        [
            facility("m", "USA", "mat", capacity=10, recovery_weeks=20),
            facility("a", "USA", "part", capacity=10),
            facility("f", "USA", "out", capacity=10, kind="compute"),
        ],
        [recipe("a", "mat", 1.0, stock_weeks=stock_a), recipe("f", "part", 1.0, stock_weeks=stock_f)],
        [supply("m", "a", "mat"), supply("a", "f", "part")],
    )


@pytest.mark.parametrize(("stock_a", "stock_f", "tts"), [(0, 0, 0), (0, 7, 7), (3, 4, 7), (3, 0, 3)])
def test_chain_stock_covers_k_weeks(solver: str, stock_a: float, stock_f: float, tts: float) -> None:
    """m -> a -> f with no spare capacity and m down: stock is all that keeps f going.

    a can make at most min(10 t, 10·stock_a) parts (its stock of m is stock_a weeks of its
    need), f needs 10 t parts and holds 10·stock_f: f is served in full while
    10 t ≤ 10 stock_a + 10 stock_f, so TTS = stock_a + stock_f (stocks in series add up in the
    window LP, which has no timing inside the window). Over TTR = 20 weeks f loses
    10·(20 − TTS).
    """
    row = by_facility(sc.exposure(chain(stock_a, stock_f), facilities=["m"], solver=solver))["m"]
    assert close(row["tts_weeks"], tts, 52)
    assert close(row["lost_output"], 10 * (20 - tts), 200)
    assert row["risk_exposure_index"] == 1.0


def test_tts_searched_up_to_recovery(solver: str) -> None:
    """With 100 weeks of stock at f, m's loss never reaches f within H = 12 weeks nor within
    m's 20 weeks of recovery. TTS is searched up to max(H, TTR): 20 for m, 26 for a (default
    TTR), so it is not below TTR, nothing is lost and no flag is raised; all losses being 0,
    every REI is 0. With H = 26 m's search reaches H."""
    df = sc.exposure(chain(0, 100), facilities=["m", "a"], horizon_weeks=12, solver=solver)
    row = by_facility(df)
    assert close(row["m"]["tts_weeks"], 20, 26)
    assert close(row["a"]["tts_weeks"], 26, 26)
    assert (df["lost_output"] == 0.0).all()
    assert not df["tts_below_ttr"].any()
    assert df["risk_exposure_index"].tolist() == [0.0, 0.0]
    assert df.attrs["horizon_weeks"] == 12
    assert df.attrs["lps"]["loss"] == 0  # no loss LP: each survives its recovery
    row = by_facility(sc.exposure(chain(0, 100), facilities=["m"], horizon_weeks=26, solver=solver))
    assert close(row["m"]["tts_weeks"], 26, 26)


def test_tts_beyond_horizon_below_recovery(solver: str) -> None:
    """m -> a -> f with 15 weeks of stock at f, H 12, m's TTR 20: the chain survives 15 weeks,
    past the horizon but not to m's recovery, so it is flagged and loses 10 · (20 − 15) = 50."""
    row = by_facility(sc.exposure(chain(0, 15), facilities=["m"], horizon_weeks=12, solver=solver))["m"]
    assert close(row["tts_weeks"], 15, 26)
    assert row["tts_below_ttr"]
    assert close(row["lost_output"], 50, 200)


def test_one_supplier_down_covered_by_the_other(solver: str) -> None:
    """The denial chain of docs/model.md §4 (src_a 60 %, src_b 40 % of the fab's m, each of
    capacity 100, recovery 26 weeks; fab 12 -> dc 10), H = 12: either source alone can deliver
    all 12 the fab needs, so src_a or src_b down loses nothing and survives its 26 weeks (TTS
    26, beyond H, no flag); the fab or dc down loses 10 per week of the 26: 260."""
    net = network(
        [
            facility("src_a", "JPN", "m", capacity=100),
            facility("src_b", "CHN", "m", capacity=100),
            facility("fab", "KOR", "chip", kind="foundry", capacity=12),
            facility("dc", "KOR", "ai", kind="compute", capacity=10),
        ],
        [recipe("fab", "m", 1.0), recipe("dc", "chip", 1.0)],
        [supply("src_a", "fab", "m", 0.6), supply("src_b", "fab", "m", 0.4), supply("fab", "dc", "chip")],
    )
    df = sc.exposure(net, horizon_weeks=12, solver=solver)
    row = by_facility(df)
    for fid in ("src_a", "src_b"):
        assert close(row[fid]["tts_weeks"], 26, 26), fid
        assert row[fid]["lost_output"] == 0.0
        assert not row[fid]["tts_below_ttr"]
    for fid in ("fab", "dc"):
        assert close(row[fid]["tts_weeks"], 0, 26), fid
        assert close(row[fid]["lost_output"], 260, 260)
        assert row[fid]["tts_below_ttr"]
    assert (df["tts_below_ttr"] == (df["lost_output"] > 0)).all()


def test_loss_within_tolerance_counts_as_none_and_tts_follows(solver: str) -> None:
    """m supplies one final output of value 1e-9 per unit (capacity 1, no stock). With m down
    it stops at once (the TTS LP finds 0), but over m's 26 weeks of recovery it loses
    2.6e-8 of value, below LOSS_TOLERANCE (1e-6): that is no loss, so the flag is false and
    tts_weeks is reported as the 26 weeks the chain survives within tolerance, not 0."""
    net = network(
        [facility("m", "USA", "mat", capacity=10), facility("f", "USA", "out", capacity=1, kind="compute")],
        [recipe("f", "mat", 1.0)],
        [supply("m", "f", "mat")],
        values={"out": 1e-9},
    )
    row = by_facility(sc.exposure(net, facilities=["m"], horizon_weeks=12, solver=solver))["m"]
    assert row["lost_output"] == 0.0
    assert not row["tts_below_ttr"]
    assert row["tts_weeks"] == 26


def test_final_output_of_no_value_does_not_end_survival(solver: str) -> None:
    """m supplies f (value 0, no stock) and g (value 1, 100 weeks of stock). With m down f
    stops at once but loses no value; g lasts past m's recovery. TTS counts what loses value
    (searched to 26 weeks), so nothing is lost and nothing flagged, not a TTS of 0 beside a
    loss of 0."""
    net = network(
        [
            facility("m", "USA", "mat", capacity=100),
            facility("f", "USA", "free", capacity=10, kind="compute"),
            facility("g", "USA", "out", capacity=10, kind="compute"),
        ],
        [recipe("f", "mat", 1.0), recipe("g", "mat", 1.0, stock_weeks=100)],
        [supply("m", "f", "mat"), supply("m", "g", "mat")],
        values={"free": 0.0},
    )
    row = by_facility(sc.exposure(net, facilities=["m"], horizon_weeks=12, solver=solver))["m"]
    assert close(row["tts_weeks"], 26, 26)
    assert row["lost_output"] == 0.0
    assert not row["tts_below_ttr"]


def test_control_caps_exposure(solver: str) -> None:
    """The scenario's controls apply in exposure (its disruptions do not). b (CHN, 100/wk)
    buys half its mat from s_us (USA, 100/wk), half from s_cn (CHN, 100/wk), no stock. A US
    control on mat to CHN with licence 0.2 caps s_us -> b at 0.2 · 0.5 · 100 = 10/wk.
    s_cn down: b gets 10/wk, TTS 0, and over TTR 26 weeks loses 90·26 = 2 340.
    s_us down: s_cn alone covers b's 100/wk: TTS = H = 52, loss 0.
    The disruption of s_cn in the scenario is ignored (s_us's row would read TTS 0 otherwise).
    """
    net = network(
        [
            facility("s_us", "USA", "mat", capacity=100),
            facility("s_cn", "CHN", "mat", capacity=100),
            facility("b", "CHN", "out", capacity=100, kind="compute"),
        ],
        [recipe("b", "mat", 1.0)],
        [supply("s_us", "b", "mat", 0.5), supply("s_cn", "b", "mat", 0.5)],
    )
    scen = scenario(
        [{"name": "mat", "issuer": "USA", "items": ["mat"], "destinations": ["CHN"], "licence_approval": 0.2}],
        [{"facilities": ["s_cn"], "capacity_factor": 0.0}],
    )
    row = by_facility(sc.exposure(net, facilities=["s_cn", "s_us"], scenario=scen, solver=solver))
    assert close(row["s_cn"]["tts_weeks"], 0, 52)
    assert close(row["s_cn"]["lost_output"], 2340, 2600)
    assert close(row["s_us"]["tts_weeks"], 52, 52)
    assert row["s_us"]["lost_output"] == 0.0


def test_tiny_exposure(tiny: sc.Network, solver: str) -> None:
    """The bundled tiny network without a scenario (H = 52, every TTR 26 weeks).

    asml down: fab_tw has no EUV stock and stops, so dc_us (100 chips/wk, only from fab_tw)
    is short at once: TTS 0. Over 26 weeks dc_us loses 2 600; fab_cn has 13 weeks of EUV
    stock, so it makes 25·13 = 325 chips, all for dc_cn (50/wk: 1 300 needed), and fab_tw
    none: dc_cn loses 975. lost_output = 3 575 (compute, value 1).
    amat down: both fabs need its deposition tools and hold none: both compute centres lose
    everything, 150·26 = 3 900, the largest loss: REI 1 (asml: 3 575/3 900).
    """
    df = sc.exposure(tiny, solver=solver)
    row = by_facility(df)
    assert close(row["asml"]["tts_weeks"], 0, 52)
    assert row["asml"]["tts_below_ttr"]
    assert close(row["asml"]["lost_output"], 3575, 3900)
    assert close(row["amat"]["lost_output"], 3900, 3900)
    assert close(row["asml"]["risk_exposure_index"], 3575 / 3900)
    assert df["risk_exposure_index"].max() == 1.0
    assert df["risk_exposure_index"].between(0, 1).all()


def test_tiny_exposure_with_scenario_file(tiny: sc.Network, tiny_controls_scenario: sc.Scenario, solver: str) -> None:
    """The worked scenario tests/data/tiny-controls.yaml: asml's TTS (0) is below its TTR (26);
    REI in [0, 1], max 1. With its controls in force dc_cn is short even with nothing down (chips
    from fab_tw are capped at 20 % and fab_cn lacks EUV), so every facility's TTS is 0."""
    df = sc.exposure(tiny, scenario=tiny_controls_scenario, solver=solver)
    assert df.attrs["controls"]
    assert not sc.exposure(tiny, facilities=["asml"], solver=solver).attrs["controls"]
    row = by_facility(df)
    assert row["asml"]["tts_weeks"] < row["asml"]["recovery_weeks"] == 26
    assert df["risk_exposure_index"].between(0, 1).all()
    assert df["risk_exposure_index"].max() == 1.0
    assert (df["tts_weeks"] == 0).all()


def test_exposure_arguments(tiny: sc.Network) -> None:
    """Unknown ids are reported at once with the nearest valid id; a horizon that contradicts
    the scenario's, or is not positive, is an input error; progress sees every step."""
    net = tiny
    with pytest.raises(sc.InputError, match="did you mean 'asml'") as err:
        sc.exposure(net, facilities=["asmll", "fab_tw", "nowhere"])
    assert len(err.value.problems) == 2
    with pytest.raises(sc.InputError, match="contradicts"):
        sc.exposure(net, scenario=scenario(horizon_weeks=26), horizon_weeks=52)
    with pytest.raises(sc.InputError, match="positive"):
        sc.exposure(net, horizon_weeks=0)
    calls: list[tuple[int, int]] = []
    df = sc.exposure(net, facilities="asml", progress=lambda done, total: calls.append((done, total)))
    assert df["facility"].tolist() == ["asml"]
    assert calls == [(1, 2), (2, 2)]
    assert set(df.attrs["timings"]) >= {"build_s", "solve_s", "total_s"}
    assert sc.exposure(net, facilities=[]).empty


def test_exposure_time_limit_is_reported_not_raised() -> None:
    """A solve that does not end optimal leaves NaN and says why in ``status``: with a time
    limit far below what one LP needs, HiGHS stops every LP at the limit."""
    df = sc.exposure(
        sc.read_network("semiconductors"), facilities=["asml_euv", "tsmc_fab18"], solver="highs", time_limit=1e-9
    )
    assert (df["status"] == "time_limit").all()
    assert df["tts_weeks"].isna().all()
    assert df["tts_below_ttr"].isna().all()


def test_exposure_warm_equals_cold(tiny: sc.Network) -> None:
    """Re-solving one model from the previous basis gives what a fresh model gives."""
    net = tiny
    together = sc.exposure(net)
    alone = pd.concat([sc.exposure(net, facilities=[f]) for f in net.facilities["id"]], ignore_index=True)
    for column in ("tts_weeks", "lost_output"):
        np.testing.assert_allclose(together[column], alone[column], rtol=1e-9, atol=1e-9)


# ---------------------------------------------------------------------------------------------
# adaptive stress, worked by hand


def test_adaptive_reroutes_around_a_lost_supplier(solver: str) -> None:
    """b (100/wk) buys mat half from s1, half from s2 (200/wk each); s1 is down all horizon.

    Static: α_b = 0.5·0 + 0.5·1 = 0.5, loss 100·0.5 = 50/wk. Adaptive: s2 has the capacity for
    all of b's need, so α_b = 1 and the loss is 0. s2 can still make its full output (it ships
    100 of its 200/wk): availability 1; s1: 0.
    """
    net = network(
        [
            facility("s1", "USA", "mat", capacity=200),
            facility("s2", "USA", "mat", capacity=200),
            facility("b", "USA", "out", capacity=100, kind="compute"),
        ],
        [recipe("b", "mat", 1.0)],
        [supply("s1", "b", "mat", 0.5), supply("s2", "b", "mat", 0.5)],
    )
    scen = scenario(disruptions=[{"facilities": ["s1"], "capacity_factor": 0.0}])
    result = sc.adaptive_stress(net, scen, solver=solver)
    assert isinstance(result, sc.AdaptiveResult)
    assert result.status == "optimal"
    assert close(static_loss(net, scen), 50)
    assert close(result.lost_output, 0.0, 50)
    np.testing.assert_allclose(result.availability, [0.0, 1.0, 1.0], atol=1e-7)


@pytest.mark.parametrize(
    ("licence", "cn_capacity", "adaptive", "static"),
    [
        (0.0, 100, 1.0, 0.5),
        (0.2, 60, 0.7, 0.6),
        (1.0, 60, 1.0, 1.0),
    ],
)
def test_adaptive_control_caps_flow(
    solver: str, licence: float, cn_capacity: float, adaptive: float, static: float
) -> None:
    """A control covering s_us -> b (USA to CHN) with licence approval a caps that edge at
    a · share · c_b · H; the other supplier s_cn (inside China) is uncapped but has its capacity.

    b needs 100/wk, half from each. Licence 0, s_cn 100/wk: s_us delivers nothing, s_cn all
    100: adaptive α_b = 1 (static 0.5·0 + 0.5·1 = 0.5). Licence 0.2, s_cn 60/wk: s_us at most
    0.2·0.5·100 = 10/wk, s_cn 60/wk: α_b = 0.7 (static 0.5·0.2 + 0.5·1 = 0.6), loss 30/wk.
    Licence 1: the edge is effectively uncapped, α_b = 1 both ways.
    """
    net = network(
        [
            facility("s_us", "USA", "mat", capacity=100),
            facility("s_cn", "CHN", "mat", capacity=cn_capacity),
            facility("b", "CHN", "out", capacity=100, kind="compute"),
        ],
        [recipe("b", "mat", 1.0)],
        [supply("s_us", "b", "mat", 0.5), supply("s_cn", "b", "mat", 0.5)],
    )
    scen = scenario(
        [{"name": "mat", "issuer": "USA", "items": ["mat"], "destinations": ["CHN"], "licence_approval": licence}]
    )
    result = sc.adaptive_stress(net, scen, solver=solver)
    assert close(result.availability[2], adaptive)
    assert close(result.lost_output, 100 * (1 - adaptive), 100)
    assert close(static_loss(net, scen), 100 * (1 - static), 100)


def test_adaptive_tiny(tiny: sc.Network, tiny_controls_scenario: sc.Scenario, solver: str) -> None:
    """The tiny network under tests/data/tiny-controls.yaml (H = 52).

    Sand: fab_tw needs 300/wk and fab_cn 50/wk; sand_cn makes 250 and sand_us 200·0.75 = 150:
    enough, so fab_tw runs at 1. fab_cn: EUV denied, 13 of 52 weeks from stock: 0.25.
    dc_cn needs 50 chips/wk: fab_tw -> dc_cn is capped at 0.2·0.6·50 = 6/wk, and fab_cn ->
    dc_cn (inside China, but fab_cn's chips are within US foreign-direct-product reach) at
    0.2·0.4·50 = 4/wk of the 0.25·25 = 6.25/wk fab_cn makes: 10/50 = 0.2; dc_us gets its
    100/wk from fab_tw's 150: 1. Adaptive loss 50·0.8 = 40/wk against the static
    100·0.125 + 50·0.875 = 56.25/wk.
    sand_us makes at most 0.75 of its normal output.
    """
    net, scen = tiny, tiny_controls_scenario
    result = sc.adaptive_stress(net, scen, solver=solver)
    alpha = dict(zip(net.facilities["id"], result.availability, strict=True))
    expected = {
        "sand_cn": 1,
        "sand_us": 0.75,
        "asml": 1,
        "amat": 1,
        "fab_tw": 1,
        "fab_cn": 0.25,
        "dc_us": 1,
        "dc_cn": 0.2,
    }
    for fid, value in expected.items():
        assert close(alpha[fid], value), fid
    assert close(result.lost_output, 40.0, 150)
    assert close(static_loss(net, scen), 56.25, 150)
    assert "optimal" in repr(result)


def test_no_final_outputs(solver: str) -> None:
    """a and b supply each other (each needs 0.1 of the other's output per unit), so there is
    no final output and nothing can be lost: every loss is 0, every TTS is H. With a at half
    capacity, b still gets the 10/wk it needs from a's 50/wk: availabilities 0.5 and 1."""
    net = network(
        [facility("a", "USA", "ia", capacity=100), facility("b", "USA", "ib", capacity=100)],
        [recipe("a", "ib", 0.1, stock_weeks=2), recipe("b", "ia", 0.1)],
        [supply("b", "a", "ib"), supply("a", "b", "ia")],
    )
    result = sc.adaptive_stress(
        net, scenario(disruptions=[{"facilities": ["a"], "capacity_factor": 0.5}]), solver=solver
    )
    assert result.lost_output == 0.0
    np.testing.assert_allclose(result.availability, [0.5, 1.0], atol=1e-9)
    df = sc.exposure(net, solver=solver)
    assert (df["tts_weeks"] == 52).all()
    assert (df["lost_output"] == 0).all()
    assert (df["risk_exposure_index"] == 0).all()


def test_flow_model_rows(tiny: sc.Network) -> None:
    """One row per facility (capacity), recipe, supplier, covered edge and final output."""
    net = tiny
    factor = np.ones(net.arrays.n_edges)
    factor[[0, 4]] = 0.5
    model = build_flow_model(net, edge_factor=factor)
    assert model.rows == {"capacity": 8, "recipe": 8, "supply": 6, "control": 2, "demand": 2}
    assert len(model.problem.constraints()) == 26
    assert "2 capped by controls" in repr(model)


# ---------------------------------------------------------------------------------------------
# invariants on random networks

RANDOM = settings(
    derandomize=True,
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@st.composite
def network_and_scenario(draw: Any) -> tuple[sc.Network, sc.Scenario]:
    tables = draw(networks(max_facilities=15))
    return sc.Network(**tables, name="random"), sc.Scenario.model_validate(draw(scenarios(tables)))


@pytest.mark.slow
@RANDOM
@given(network_and_scenario())
def test_adaptive_never_worse_than_static(case: tuple[sc.Network, sc.Scenario]) -> None:
    """The static plan is feasible for the adaptive LP, so adaptive loss ≤ static loss; the
    adaptive availability is in [0, 1]; HiGHS and CBC find the same loss."""
    net, scen = case
    arr = net.arrays
    scale = float(np.sum((arr.value * arr.capacity)[arr.is_final]))
    results = [sc.adaptive_stress(net, scen, solver=s) for s in SOLVERS]
    for result in results:
        assert result.status == "optimal"
        assert result.lost_output <= static_loss(net, scen) + 1e-6 * max(1.0, scale)
        assert np.all((result.availability >= 0) & (result.availability <= 1))
    for other in results[1:]:
        assert close(other.lost_output, results[0].lost_output, scale)


def _with_more_stock(net: sc.Network, extra: np.ndarray) -> sc.Network:
    recipes = net.recipes.assign(stock_weeks=net.recipes["stock_weeks"].to_numpy(dtype=float) + extra)
    return sc.Network(net.items, net.facilities, recipes, net.supplies, name=net.name)


@pytest.mark.slow
@RANDOM
@given(network_and_scenario(), st.data())
def test_exposure_monotone_in_stock(case: tuple[sc.Network, sc.Scenario], data: st.DataObject) -> None:
    """More stock never shortens the time to survive nor raises the loss (it only loosens
    recipe rows); REI is in [0, 1] with a maximum of 1 when any loss is positive."""
    net, scen = case
    extra = np.asarray(
        data.draw(
            st.lists(st.sampled_from([0.0, 0.0, 1.0, 5.0, 30.0]), min_size=len(net.recipes), max_size=len(net.recipes))
        ),
        dtype=float,
    )
    use_scenario = data.draw(st.booleans())
    kwargs: dict[str, Any] = {"scenario": scen} if use_scenario else {"horizon_weeks": 52}
    before = sc.exposure(net, **kwargs)
    after = sc.exposure(_with_more_stock(net, extra), **kwargs)
    assert (before["status"] == "optimal").all()
    assert np.all(after["tts_weeks"].to_numpy() >= before["tts_weeks"].to_numpy() - 1e-6)
    arr = net.arrays
    scale = float(np.sum((arr.value * arr.capacity)[arr.is_final])) * 200
    assert np.all(after["lost_output"].to_numpy() <= before["lost_output"].to_numpy() + 1e-6 * max(1.0, scale))
    for frame in (before, after):
        rei = frame["risk_exposure_index"]
        assert rei.between(0, 1).all()
        if (frame["lost_output"] > 0).any():
            assert rei.max() == 1.0
        else:
            assert (rei == 0).all()
        limit = np.maximum(frame.attrs["horizon_weeks"], frame["recovery_weeks"].to_numpy())
        assert ((frame["tts_weeks"] >= 0) & (frame["tts_weeks"] <= limit)).all()
        # the flag means what it says: exactly the facilities that lose output
        flagged = frame["tts_below_ttr"].to_numpy(dtype=bool)
        assert (flagged == (frame["lost_output"].to_numpy() > 0)).all()
        assert (flagged == (frame["tts_weeks"] < frame["recovery_weeks"] - 1e-6)).all()


def _plain_exposure(net: sc.Network, scen: sc.Scenario | None, horizon: float) -> pd.DataFrame:
    """The reference loop: for each facility a fresh flow LP for its TTS (max t ≤ max(H, TTR)
    with it down and no valued loss) and, unless it survives its TTR, a fresh one for its loss
    over TTR; no shared model, no basis, no certificate."""
    edge_factor = None if scen is None else sc.compile_scenario(net, scen).edge_factor()[0]
    rows = []
    for j, ttr in enumerate(net.facilities["recovery_weeks"].to_numpy(dtype=float)):
        limit = max(horizon, ttr)
        model = build_flow_model(net, edge_factor=edge_factor)
        model.production[j].upBound = 0.0
        for var, weight in zip(model.lost, model.loss_weight, strict=True):
            var.upBound = 0.0 if weight > 0 else None
        model.window.upBound = limit
        model.problem.setObjective(model.window_objective())
        model.problem.sense = pulp.LpMaximize
        model.problem.solve(pulp.HiGHS(msg=False))
        tts = min(max(float(model.window.varValue), 0.0), limit)
        lost = 0.0
        if ttr > tts + 1e-6:
            for var in model.lost:
                var.upBound = None
            model.window.lowBound = model.window.upBound = ttr
            model.problem.setObjective(model.loss_objective())
            model.problem.sense = pulp.LpMinimize
            model.problem.solve(pulp.HiGHS(msg=False))
            lost = float(pulp.value(model.problem.objective))
        rows.append((tts, lost))
    return pd.DataFrame(rows, columns=["tts_weeks", "lost_output"])


@settings(derandomize=True, max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(network_and_scenario(), st.booleans())
def test_exposure_equals_plain_loop(case: tuple[sc.Network, sc.Scenario], with_controls: bool) -> None:
    """The shared model with its certificates (idle facilities settled from other solutions,
    bases reused) gives the TTS and losses of a fresh LP per facility and question."""
    net, scen = case
    kwargs: dict[str, Any] = {"scenario": scen} if with_controls else {"horizon_weeks": float(scen.horizon_weeks)}
    fast = sc.exposure(net, **kwargs)
    plain = _plain_exposure(net, scen if with_controls else None, float(scen.horizon_weeks))
    arr = net.arrays
    scale = float(np.sum((arr.value * arr.capacity)[arr.is_final])) * float(net.facilities["recovery_weeks"].max())
    np.testing.assert_allclose(fast["tts_weeks"], plain["tts_weeks"], rtol=0, atol=1e-6 * 52)
    np.testing.assert_allclose(fast["lost_output"], plain["lost_output"], rtol=0, atol=1e-6 * max(1.0, scale))


@settings(derandomize=True, max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(network_and_scenario())
def test_exposure_solvers_agree(case: tuple[sc.Network, sc.Scenario]) -> None:
    """HiGHS and CBC give the same TTS and losses within 1e-6 of the objective's scale."""
    net, scen = case
    frames = [sc.exposure(net, scenario=scen, solver=s) for s in SOLVERS]
    arr = net.arrays
    scale = float(np.sum((arr.value * arr.capacity)[arr.is_final])) * float(net.facilities["recovery_weeks"].max())
    for other in frames[1:]:
        np.testing.assert_allclose(other["tts_weeks"], frames[0]["tts_weeks"], rtol=0, atol=1e-6 * 52)
        np.testing.assert_allclose(other["lost_output"], frames[0]["lost_output"], rtol=0, atol=1e-6 * max(1.0, scale))
