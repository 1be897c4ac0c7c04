"""The strategy optimiser (docs/model.md §5): worked examples, enumeration, invariants.

The worked example is the acceptance scenario (tests/data/optimise.yaml): both
controls deny licences, dc_cn can only draw chips from fab_cn, which has 13 of 52 weeks of EUV
stock. Doing nothing loses (50 − 25 · 13/52) = 43.75 compute per week; qualifying litho_jp for
fab_cn (cost 5) restores fab_cn's 25 chips, so 25 per week are lost; the certification (cost
8) would do the same but is over the budget of 6.

On small variants the MILP optimum must equal the best plan found by enumerating every subset
of candidates and certifications, each evaluated by the second-stage LP directly.
"""

from __future__ import annotations

import copy
import dataclasses
import itertools
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import supplychain as sc
from supplychain.cli import main
from supplychain.optimise import Strategy, _instance, _Recourse, _reduced_samples, _Samples, optimise
from supplychain.optimise.reduction import weighted_cvar
from supplychain.solvers import available_solvers, get_solver

DATA = Path(__file__).parent / "data"  # optimise.yaml and its network, opt-network.yaml
SOLVERS = available_solvers()

CONTROLS = [
    {"name": "nl-litho", "issuer": "NLD", "items": ["euv"], "destinations": ["CHN"], "licence_approval": 0},
    {
        "name": "us-chips",
        "issuer": "USA",
        "items": ["eccn:3A090*"],
        "destinations": ["CHN"],
        "reach": {"foreign_direct_product": True},
        "licence_approval": 0,
    },
]


@pytest.fixture(scope="module")
def network() -> sc.Network:
    return sc.read_network(DATA / "opt-network.yaml")


@pytest.fixture(scope="module")
def variant(network: sc.Network) -> sc.Network:
    """The optimiser's tiny network with more choices: the candidate and the certification open
    the same edge with different shares and leads (the larger share and the shorter lead count
    when both are bought), a second EUV source candidate for fab_tw, a sand candidate that
    helps only when sand_cn is down, and a candidate on an edge already qualified."""
    candidates = pd.DataFrame(
        [
            {"supplier": "litho_jp", "buyer": "fab_cn", "item": "euv", "cost": 5, "lead_weeks": 0, "max_share": 0.5},
            {"supplier": "sand_us", "buyer": "fab_cn", "item": "sand", "cost": 1, "lead_weeks": 4, "max_share": 1},
            {"supplier": "fab_tw", "buyer": "dc_cn", "item": "chip", "cost": 2, "lead_weeks": 0, "max_share": 1},
            {"supplier": "litho_jp", "buyer": "fab_tw", "item": "euv", "cost": 3, "lead_weeks": 13, "max_share": 1},
        ]
    )
    certifications = pd.DataFrame(
        [
            {"supplier": "litho_jp", "item": "euv", "cost": 8, "lead_weeks": 26, "max_share": 1},
            {"supplier": "amat", "item": "dep", "cost": 1, "lead_weeks": 0, "max_share": 1},  # opens nothing new
        ]
    )
    return network.replace(candidates=candidates, certifications=certifications)


def scenario(optimise_block: dict[str, Any], *, monte_carlo: bool = False, name: str = "opt") -> sc.Scenario:
    data: dict[str, Any] = {
        "name": name,
        "horizon_weeks": 52,
        "controls": [dict(c) for c in CONTROLS],
        "optimise": optimise_block,
    }
    if monte_carlo:
        data["controls"][0]["probability"] = 0.7
        data["controls"][1]["probability"] = 0.6
        data["controls"][1]["licence_approval"] = 0.3
        data["disruptions"] = [
            {"facilities": ["sand_cn"], "capacity_factor": 0.0, "weeks": 26, "probability": 0.4},
            {"facilities": ["asml"], "capacity_factor": 0.0, "probability": 0.2},
        ]
        data["monte_carlo"] = {"samples": 300, "seed": 3}
    return sc.Scenario.model_validate(data)


def risk(losses: np.ndarray, weight: np.ndarray, objective: str, alpha: float) -> float:
    if objective == "expected":
        return float(weight @ losses)
    if objective == "cvar":
        return weighted_cvar(losses, weight, alpha)
    return float(losses.max())


def enumerate_best(net: sc.Network, scen: sc.Scenario, k: int = 20) -> tuple[float, float, list[float]]:
    """(best objective, cheapest cost among the best, every subset's objective) by enumeration."""
    inst = _instance(net, scen)
    samples = _reduced_samples(inst, None, None, k)
    recourse = _Recourse(inst, get_solver("highs" if "highs" in SOLVERS else None))
    settings = scen.optimise
    assert settings is not None
    values = []
    for subset in itertools.product([0.0, 1.0], repeat=inst.n_binary):
        plan = inst.complete(np.concatenate([subset, np.zeros(inst.n_plan - inst.n_binary)]))
        cost = float(inst.cost @ plan)
        if settings.budget is not None and cost > settings.budget + 1e-9:
            continue
        losses, _, _ = recourse.losses(plan, samples)
        r = risk(losses, samples.weight, settings.objective, settings.cvar_alpha)
        value = r if settings.penalty is None else cost + settings.penalty * r
        values.append((value, cost))
    best = min(v for v, _ in values)
    tol = 1e-7 * max(1.0, abs(best))
    cheapest = min(c for v, c in values if v <= best + tol)
    return best, cheapest, [v for v, _ in values]


def model_value(strategy: Strategy, net: sc.Network, scen: sc.Scenario, k: int = 20) -> tuple[float, float]:
    inst = _instance(net, scen)
    samples = _reduced_samples(inst, None, None, k)
    recourse = _Recourse(inst, get_solver("highs" if "highs" in SOLVERS else None))
    losses, _, _ = recourse.losses(strategy.plan, samples)
    settings = scen.optimise
    assert settings is not None
    r = risk(losses, samples.weight, settings.objective, settings.cvar_alpha)
    cost = float(inst.cost @ strategy.plan)
    return (r if settings.penalty is None else cost + settings.penalty * r), cost


# ---------------------------------------------------------------------------------------------
# the worked example


def test_acceptance_scenario_gives_one_qualification(network: sc.Network) -> None:
    scen = sc.read_scenario(DATA / "optimise.yaml")
    strategy = optimise(network, scen)
    acts = strategy.actions
    assert acts[["action", "supplier", "buyer", "item"]].values.tolist() == [["qualify", "litho_jp", "fab_cn", "euv"]]
    assert acts["cost"].tolist() == [5.0]
    assert strategy.cost == 5.0
    assert strategy.expected_loss_before == pytest.approx(43.75)
    assert strategy.expected_loss_after == pytest.approx(25.0)
    assert strategy.verification["confirmed"]
    assert strategy.status == "optimal"
    fab_cn = network.arrays.index["fab_cn"]
    assert strategy.availability_after is not None
    assert strategy.availability_after[fab_cn] == pytest.approx(1.0)
    assert "qualify" in repr(strategy)


def test_do_nothing_loss_is_the_adaptive_stress(network: sc.Network) -> None:
    """The second-stage LP with nothing bought is the adaptive stress of docs/model.md §4."""
    scen = sc.read_scenario(DATA / "optimise.yaml")
    adaptive = sc.adaptive_stress(network, scen)
    strategy = optimise(network, scen, frontier=False)
    assert strategy.expected_loss_before == pytest.approx(adaptive.lost_output, rel=1e-9)


def test_apply_returns_a_new_valid_network(network: sc.Network) -> None:
    scen = sc.read_scenario(DATA / "optimise.yaml")
    before = network.supplies.copy()
    strategy = optimise(network, scen, frontier=False)
    applied = strategy.apply(network)
    pd.testing.assert_frame_equal(network.supplies, before)
    rows = applied.supplies[(applied.supplies["buyer"] == "fab_cn") & (applied.supplies["item"] == "euv")]
    assert rows[["supplier", "share"]].values.tolist() == [["litho_jp", 1.0]]
    static = sc.stress(applied, scen)
    assert static.metric("lost_output") < sc.stress(network, scen).metric("lost_output")


def test_apply_two_new_suppliers_into_one_need(network: sc.Network) -> None:
    """Two opened edges into fab_cn's EUV need (max_share 0.5 and 0.75): together 1.25 > 1, so
    they are scaled to 0.4 and 0.6 and asml's existing share 1 shrinks once, to 1 − 1 = 0
    (dropped); the shares of (fab_cn, euv) sum to 1 and the network validates."""
    scen = sc.read_scenario(DATA / "optimise.yaml")
    strategy = dataclasses.replace(
        optimise(network, scen, frontier=False, verify=False),
        opened=pd.DataFrame(
            {
                "supplier": ["litho_jp", "asml"],
                "buyer": ["fab_cn", "fab_cn"],
                "item": ["euv", "euv"],
                "max_share": [0.5, 0.75],
                "lead_weeks": [0.0, 0.0],
            }
        ),
        notes=[],
    )
    applied, notes = strategy.apply_with_notes(network)
    rows = applied.supplies[(applied.supplies["buyer"] == "fab_cn") & (applied.supplies["item"] == "euv")]
    assert sorted(rows[["supplier", "share"]].values.tolist()) == [
        ["asml", pytest.approx(0.6)],
        ["litho_jp", pytest.approx(0.4)],
    ]
    assert any("scaled to sum to 1" in n for n in notes)
    assert strategy.notes == []  # the adjustment is reported, not written into the strategy
    pd.testing.assert_frame_equal(strategy.apply(network).supplies, applied.supplies)


def _fields_equal(a: Any, b: Any) -> bool:
    if isinstance(a, pd.DataFrame):
        return isinstance(b, pd.DataFrame) and a.equals(b) and list(a.columns) == list(b.columns)
    if isinstance(a, np.ndarray):
        return isinstance(b, np.ndarray) and a.shape == b.shape and np.array_equal(a, b, equal_nan=True)
    if isinstance(a, float) and math.isnan(a):
        return isinstance(b, float) and math.isnan(b)
    return bool(a == b)


def test_apply_never_changes_the_strategy(network: sc.Network) -> None:
    """Applying a strategy three times gives the same network each time and leaves every field
    of the strategy, its notes included, as the optimiser returned it."""
    scen = sc.read_scenario(DATA / "optimise.yaml")
    strategy = optimise(network, scen, frontier=False)
    # a second supplier into the same need makes apply scale shares (which it once noted in place)
    strategy = dataclasses.replace(
        strategy,
        opened=pd.concat([strategy.opened, strategy.opened.assign(supplier="asml", max_share=0.75)], ignore_index=True),
    )
    snapshot = {f.name: copy.deepcopy(getattr(strategy, f.name)) for f in dataclasses.fields(strategy)}
    assert len(strategy.notes) == len(snapshot["notes"])
    networks = [strategy.apply(network) for _ in range(3)]
    for applied in networks[1:]:
        pd.testing.assert_frame_equal(applied.supplies, networks[0].supplies)
        pd.testing.assert_frame_equal(applied.recipes, networks[0].recipes)
    assert strategy.notes == snapshot["notes"]
    for name, before in snapshot.items():
        assert _fields_equal(getattr(strategy, name), before), name
    with pytest.raises(dataclasses.FrozenInstanceError):
        strategy.notes = []  # type: ignore[misc]


# ---------------------------------------------------------------------------------------------
# enumeration


CASES = [
    ({"budget": 0, "objective": "expected"}, False),
    ({"budget": 4, "objective": "expected"}, False),
    ({"budget": 6, "objective": "expected"}, False),
    ({"budget": 20, "objective": "expected"}, False),
    ({"budget": 9, "objective": "expected"}, True),
    ({"budget": 30, "objective": "expected"}, True),
    ({"budget": 6, "objective": "cvar", "cvar_alpha": 0.8}, True),
    ({"budget": 9, "objective": "worst"}, True),
    ({"penalty": 0.3, "objective": "expected"}, True),
    ({"penalty": 5, "objective": "expected"}, True),
    ({"penalty": 1, "objective": "cvar", "cvar_alpha": 0.9}, True),
    ({"penalty": 0.5, "objective": "worst", "budget": 10}, True),
]


@pytest.mark.parametrize(("block", "mc"), CASES)
def test_milp_equals_enumeration(variant: sc.Network, block: dict[str, Any], mc: bool) -> None:
    block = {"consortium": {"name": "c", "members": ["CHN", "IND"]}, **block}
    scen = scenario(block, monte_carlo=mc)
    strategy = optimise(variant, scen, k=6, frontier=False, verify=False)
    best, cheapest, values = enumerate_best(variant, scen, k=6)
    value, cost = model_value(strategy, variant, scen, k=6)
    assert value == pytest.approx(best, rel=1e-6, abs=1e-6)
    assert cost == pytest.approx(cheapest, abs=1e-9)  # among equal plans the cheaper wins
    assert value <= values[0] + 1e-9  # never worse than doing nothing
    if "budget" in block:
        assert strategy.cost <= block["budget"] + 1e-9


@pytest.mark.parametrize(("block", "mc"), [CASES[3], CASES[5], CASES[6], CASES[7], CASES[9], CASES[11]])
def test_benders_equals_extensive(variant: sc.Network, block: dict[str, Any], mc: bool) -> None:
    block = {"consortium": {"name": "c", "members": ["CHN", "IND"]}, **block}
    scen = scenario(block, monte_carlo=mc)
    extensive = optimise(variant, scen, k=6, method="extensive", frontier=False, verify=False)
    benders = optimise(variant, scen, k=6, method="benders", frontier=False, verify=False)
    assert benders.method == "benders"
    assert benders.status == "optimal"
    assert model_value(benders, variant, scen, k=6)[0] == pytest.approx(
        model_value(extensive, variant, scen, k=6)[0], rel=1e-6, abs=1e-6
    )
    assert benders.cost == pytest.approx(extensive.cost)


@pytest.mark.skipif(len(SOLVERS) < 2, reason="needs HiGHS and CBC")
@pytest.mark.parametrize(("block", "mc"), [CASES[2], CASES[5], CASES[10]])
def test_highs_and_cbc_agree(variant: sc.Network, block: dict[str, Any], mc: bool) -> None:
    block = {"consortium": {"name": "c", "members": ["CHN", "IND"]}, **block}
    scen = scenario(block, monte_carlo=mc)
    highs = optimise(variant, scen, k=6, solver="highs", frontier=False, verify=False)
    cbc = optimise(variant, scen, k=6, solver="cbc", frontier=False, verify=False)
    assert model_value(highs, variant, scen, k=6)[0] == pytest.approx(
        model_value(cbc, variant, scen, k=6)[0], rel=1e-6, abs=1e-6
    )
    assert highs.cost == pytest.approx(cbc.cost)


# ---------------------------------------------------------------------------------------------
# invariants


def test_overlap_larger_share_and_shorter_lead_count(variant: sc.Network) -> None:
    """Candidate (share 0.5, lead 0) and certification (share 1, lead 26) on litho_jp -> fab_cn:
    bought together the edge delivers share 1 from week 0, more than either alone."""
    scen = scenario({"consortium": {"name": "c", "members": ["CHN"]}, "budget": 100})
    inst = _instance(variant, scen)
    samples = _reduced_samples(inst, None, None, 1)
    recourse = _Recourse(inst, get_solver(SOLVERS[0]))

    def loss(*bought: int) -> float:
        plan = np.zeros(inst.n_plan)
        plan[list(bought)] = 1
        return float(recourse.losses(inst.complete(plan), samples)[0][0])

    cand, cert = 0, inst.n_cand  # litho_jp -> fab_cn candidate, litho_jp certification
    # stock covers 13 weeks; fab_cn needs 52: the candidate adds 0.5 · 52 = 26 weeks of need,
    # the certification 1 · (52 − 26) = 26, both together 1 · 52 (capped by the 39 missing)
    assert loss(cand) == pytest.approx(50 - 25 * (13 + 26) / 52)
    assert loss(cert) == pytest.approx(50 - 25 * (13 + 26) / 52)
    assert loss(cand, cert) == pytest.approx(25.0)


def test_certified_edges_open_only_to_members(variant: sc.Network) -> None:
    scen = scenario({"consortium": {"name": "c", "members": ["IND", "smic"]}, "budget": 100}, monte_carlo=True)
    inst = _instance(variant, scen)
    members = {"IND", "smic"}
    fac = variant.facilities.set_index("id")
    for x in np.flatnonzero(inst.edge_cert >= 0).tolist():
        buyer = variant.arrays.facility_ids[inst.new_dst[x]]
        assert {fac.loc[buyer, "country"], fac.loc[buyer, "company"], buyer} & members
    strategy = optimise(variant, scen, k=6, frontier=False, verify=False)
    for row in strategy.actions[strategy.actions["action"] == "certify"].itertuples():
        for buyer in row.buyer.split(";"):
            assert {fac.loc[buyer, "country"], fac.loc[buyer, "company"], buyer} & members


def test_certification_shares_sum_to_cost_and_are_symmetric(variant: sc.Network) -> None:
    scen = scenario({"consortium": {"name": "c", "members": ["smic", "CHN", "IND"]}, "budget": 8})
    cand = variant.candidates.iloc[1:]  # without the litho_jp -> fab_cn candidate, only the certification helps
    net = variant.replace(candidates=cand)
    strategy = optimise(net, scen, frontier=False, verify=False)
    cert = strategy.actions[strategy.actions["action"] == "certify"]
    assert cert["supplier"].tolist() == ["litho_jp"]
    shares = dict(kv.split("=") for kv in cert["members_cost_share"].iat[0].split(";"))
    values = {m: float(v) for m, v in shares.items()}
    assert sum(values.values()) == pytest.approx(8.0)
    # smic (company of fab_cn) and CHN (its country) both reach fab_cn: identical players
    assert values["smic"] == pytest.approx(values["CHN"]) == pytest.approx(4.0)
    assert values["IND"] == pytest.approx(0.0)
    prop = dict(kv.split("=") for kv in cert["members_cost_share_proportional"].iat[0].split(";"))
    assert sum(float(v) for v in prop.values()) == pytest.approx(8.0)


def test_budget_below_cheapest_action_is_an_empty_strategy(variant: sc.Network) -> None:
    scen = scenario({"consortium": {"name": "c", "members": ["CHN"]}, "budget": 0.5})
    strategy = optimise(variant, scen, frontier=False)
    assert strategy.actions.empty
    assert strategy.cost == 0
    assert any("cheapest action (1)" in n for n in strategy.notes)
    assert strategy.expected_loss_after == strategy.expected_loss_before


def test_unknown_member_is_named(variant: sc.Network) -> None:
    scen = scenario({"consortium": {"name": "c", "members": ["CHN", "smik"]}, "budget": 5})
    with pytest.raises(sc.InputError, match=r"smik.*did you mean 'smic'"):
        optimise(variant, scen)


def test_stock_bought_when_cheaper(network: sc.Network) -> None:
    """fab_cn's EUV stock at cost 0.1 per week: 39 more weeks (3.9) cover the horizon, cheaper
    than qualifying litho_jp (5)."""
    recipes = network.recipes.copy()
    recipes["stock_cost"] = np.where((recipes["facility"] == "fab_cn") & (recipes["item"] == "euv"), 0.1, np.nan)
    net = network.replace(recipes=recipes)
    scen = scenario({"budget": 6})
    strategy = optimise(net, scen, frontier=False)
    assert strategy.actions["action"].tolist() == ["stock"]
    assert strategy.actions["stock_weeks"].iat[0] == pytest.approx(39.0)
    assert strategy.cost == pytest.approx(3.9)
    assert strategy.expected_loss_after == pytest.approx(25.0)
    applied = strategy.apply(net)
    row = applied.recipes[(applied.recipes["facility"] == "fab_cn") & (applied.recipes["item"] == "euv")]
    assert row["stock_weeks"].iat[0] == pytest.approx(52.0)
    benders = optimise(net, scen, frontier=False, verify=False, method="benders")
    assert benders.cost == pytest.approx(3.9, rel=1e-6)


# ---------------------------------------------------------------------------------------------
# verification and frontier


def test_verification_confirms_over_every_sample(variant: sc.Network) -> None:
    scen = scenario({"consortium": {"name": "c", "members": ["CHN"]}, "budget": 9}, monte_carlo=True)
    strategy = optimise(variant, scen, k=4, frontier=False)
    v = strategy.verification
    assert v["samples"] == 300
    assert v["confirmed"], strategy.notes
    assert v["expected_lost_output_after"] <= v["expected_lost_output_before"] + 1e-9
    assert strategy.expected_loss_after == v["expected_lost_output_after"]


def test_frontier_is_monotone(variant: sc.Network) -> None:
    scen = scenario({"consortium": {"name": "c", "members": ["CHN"]}, "budget": 9}, monte_carlo=True)
    for method in ("extensive", "benders"):
        strategy = optimise(variant, scen, k=6, method=method, verify=False)
        fr = strategy.frontier
        assert list(fr.columns[:3]) == ["budget", "expected_lost_output", "cvar_lost_output"]
        assert len(fr) >= 3
        assert fr["budget"].is_monotonic_increasing
        assert (np.diff(fr["expected_lost_output"]) <= 1e-9).all()
        assert (fr["cost"] <= fr["budget"] + 1e-9).all()
        at_budget = fr.loc[fr["budget"] == 9, "expected_lost_output"].iat[0]
        assert at_budget == pytest.approx(strategy.model_loss_after, rel=1e-7, abs=1e-9)


# ---------------------------------------------------------------------------------------------
# command line


def test_cli_writes_strategy_and_frontier(tmp_path: Path) -> None:
    out = tmp_path / "o"
    assert main([str(DATA / "optimise.yaml"), "--out", str(out), "--quiet", "--no-exposure"]) == 0
    strategy = pd.read_csv(out / "strategy.csv")
    assert list(strategy.columns[:7]) == [
        "action",
        "supplier",
        "buyer",
        "item",
        "cost",
        "lead_weeks",
        "members_cost_share",
    ]
    summary = pd.read_csv(out / "summary.csv").set_index("metric")["value"]
    assert summary["cost"] == 5
    assert summary["expected_lost_output_after"] < summary["expected_lost_output_before"]
    import json

    info = json.loads((out / "run.json").read_text())["optimise"]
    assert info["status"] == "optimal"
    assert info["gap"] is not None
    assert math.isfinite(info["bound"])


def test_cli_unknown_member_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = (DATA / "optimise.yaml").read_text().replace("members: [CHN, IND]", "members: [CHN, INDD]")
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    (tmp_path / "opt-network.yaml").write_text((DATA / "opt-network.yaml").read_text())
    assert main([str(path), "--out", str(tmp_path / "o"), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "INDD" in err
    assert "members[1]" in err
    assert not (tmp_path / "o").exists()


def test_samples_object_shapes(variant: sc.Network) -> None:
    scen = scenario({"consortium": {"name": "c", "members": ["CHN"]}, "budget": 9}, monte_carlo=True)
    inst = _instance(variant, scen)
    s = _reduced_samples(inst, None, None, 5)
    assert isinstance(s, _Samples)
    assert s.edge.shape == (s.k, variant.arrays.n_edges)
    assert s.new.shape == (s.k, inst.n_new)
    assert s.weight.sum() == pytest.approx(1.0)


# ---------------------------------------------------------------------------------------------
# static verification from the lead time on


@pytest.mark.parametrize(("lead", "static_after"), [(0, 30.0), (13, 30.0), (26, 35.0), (39, 40.0)])
def test_static_verification_counts_the_lead_time(network: sc.Network, lead: float, static_after: float) -> None:
    """The acceptance scenario with the litho_jp -> fab_cn candidate ready at week L (H = 52).

    Static stress, horizon means (docs/model.md §3.2): the new edge takes its max_share 1 over
    weeks L … 51 only, a horizon-mean share of 1 · (52 − L) / 52, and asml's share 1 shrinks in
    proportion to 1 − (52 − L) / 52 = L / 52 (asml is denied: a = 0). fab_cn's EUV input is
    A = min(1, (52 − L)/52 · 1 + L/52 · 0 + 13/52 of stock), its other inputs are whole, so
    α_fab_cn = A; dc_cn draws 0.6 of its chips from fab_tw (denied) and 0.4 from fab_cn, so
    α_dc_cn = 0.4 · A and the compute lost is 50 · (1 − 0.4 · A) per week (value 1):

    - L = 0:  A = min(1, 1 + 0.25) = 1      -> 50 · 0.6 = 30
    - L = 13: A = min(1, 0.75 + 0.25) = 1   -> 30 (the stock covers the 13 weeks of waiting)
    - L = 26: A = 0.5 + 0.25 = 0.75         -> 50 · 0.7 = 35
    - L = 39: A = 0.25 + 0.25 = 0.5         -> 50 · 0.8 = 40

    Before: A = 13/52 = 0.25 -> 50 · 0.9 = 45. Counting the edge from week 0 gave 30 for every L.
    """
    candidates = network.candidates.assign(lead_weeks=float(lead))
    net = network.replace(candidates=candidates)
    strategy = optimise(net, sc.read_scenario(DATA / "optimise.yaml"), frontier=False)
    assert strategy.actions["action"].tolist() == ["qualify"]
    assert strategy.verification["static_lost_output_before"] == pytest.approx(45.0)
    assert strategy.verification["static_lost_output_after"] == pytest.approx(static_after)
    assert strategy.verification["members_static_lost_output_after"] == pytest.approx(static_after)  # dc_cn: CHN
    applied = strategy.apply(net, horizon_weeks=52)
    rows = applied.supplies[(applied.supplies["buyer"] == "fab_cn") & (applied.supplies["item"] == "euv")]
    expected = {"litho_jp": (52 - lead) / 52, "asml": lead / 52}
    assert dict(zip(rows["supplier"], rows["share"], strict=True)) == pytest.approx(
        {k: v for k, v in expected.items() if v > 0}
    )


def test_mean_shares_of_two_edges_with_different_leads(network: sc.Network) -> None:
    """Two opened edges into fab_cn's EUV need, H = 52: litho_jp (max_share 0.5, ready at week
    0) and asml as a parallel path (0.75, ready at week 26). Weeks 0-25: litho_jp alone takes
    0.5, the existing asml row keeps 0.5. Weeks 26-51: together 1.25 > 1, scaled to 0.4 and
    0.6, the existing row keeps 0. Horizon means: litho_jp (0.5 + 0.4) / 2 = 0.45, the new
    asml path 0.6 / 2 = 0.3, the existing asml row 0.5 / 2 = 0.25 (merged with the new path:
    0.55). Without a horizon both are ready from week 0: 0.4 and 0.6 + 0."""
    scen = sc.read_scenario(DATA / "optimise.yaml")
    strategy = dataclasses.replace(
        optimise(network, scen, frontier=False, verify=False),
        opened=pd.DataFrame(
            {
                "supplier": ["litho_jp", "asml"],
                "buyer": ["fab_cn", "fab_cn"],
                "item": ["euv", "euv"],
                "max_share": [0.5, 0.75],
                "lead_weeks": [0.0, 26.0],
            }
        ),
    )
    applied, notes = strategy.apply_with_notes(network, horizon_weeks=52)
    rows = applied.supplies[(applied.supplies["buyer"] == "fab_cn") & (applied.supplies["item"] == "euv")]
    assert dict(zip(rows["supplier"], rows["share"], strict=True)) == pytest.approx({"litho_jp": 0.45, "asml": 0.55})
    assert any("scaled to sum to 1" in n for n in notes)
    steady = strategy.apply(network)
    rows = steady.supplies[(steady.supplies["buyer"] == "fab_cn") & (steady.supplies["item"] == "euv")]
    assert dict(zip(rows["supplier"], rows["share"], strict=True)) == pytest.approx({"litho_jp": 0.4, "asml": 0.6})
