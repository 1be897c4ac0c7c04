"""Building capacity (docs/model.md §1 ``expansions`` and §5): the table, the optimiser's expand
action against brute force, its verification and its strategy rows.

**The build network** (``build``): srv_us (USA, 200 servers a week) serves three compute
centres, dc_in (IND, 50 a week; 80 % of its servers from srv_us), dc_br (BRA, 20) and dc_de
(DEU, 100); srv_mx (MEX, 30 a week, outside US reach) supplies the other 20 % of dc_in (10 a
week). A US control denies every licence to the three, so under it srv_us delivers nothing;
srv_mx's edge to dc_in is not covered and carries anything up to srv_mx's output. Values are 1,
losses are per week, the horizon 52 weeks; the consortium is IND and BRA.

Doing nothing: dc_in gets srv_mx's 30 (loses 20), dc_br nothing (20): the members lose 40, the
world 140. The actions:

- ``expand`` A: srv_mx + 20 a week from week 0, cost 6: srv_mx makes 50, all of dc_in's need
  (members 20);
- ``expand`` B: srv_mx + 20 a week from week 26, cost 2: srv_mx makes 30 + 20 · 26 / 52 = 40 a
  week on average (members 30);
- ``certify`` srv_mx (cost 4, lead 0): opens srv_mx → dc_br, but srv_mx's 30 are all it has:
  members still 40 (alone it buys nothing);
- ``qualify`` srv_mx → dc_de (cost 3): the world's interest, not the members' (dc_de is not a
  member's): it never lowers the members' loss.

So the least members' loss is 30 within a budget of 2 (B), 20 within 6 (A) and 10 within 12
(certify, A and B: srv_mx makes 60 a week on average, dc_in's 50 and 10 of dc_br's 20). Between
6 and 12 no plan beats A's 20 (A and B together make 60, but without the certification dc_in
takes only 50 of them), so the cheapest plan reaching 20, A, wins at budgets 8 and 10.

**Brute force** (``reference_loss``): every subset of candidates, certifications and expansions;
each plan's opened edges as in ``test_optimise_members.opened_edges``, and the flow LP of
docs/model.md §4 with t = H written here from SPEC 5's text, in units:
P_v ≤ o_v · (c_v · H + Σ_{built e at v} added_capacity_e · max(0, H − lead_weeks_e)).
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import builders
import numpy as np
import pandas as pd
import pulp
import pytest
from reference import control_factor, reference_covers, reference_edge_factors, reference_own_factors
from test_optimise_members import _is_member, opened_edges

import supplychain as sc
from supplychain.errors import InputError
from supplychain.optimise import optimise

CONTROL = {
    "name": "us-servers",
    "issuer": "USA",
    "items": ["server"],
    "destinations": ["IND", "BRA", "DEU"],
    "licence_approval": 0.0,
}


def build_network(**tables: Any) -> sc.Network:
    facilities = [
        builders.facility("srv_us", "USA", "server", kind="osat", capacity=200),
        builders.facility("srv_mx", "MEX", "server", kind="osat", company="mx_servers", capacity=30),
        builders.facility("dc_in", "IND", "compute", kind="compute", company="cloud_in", capacity=50),
        builders.facility("dc_br", "BRA", "compute", kind="compute", company="cloud_br", capacity=20),
        builders.facility("dc_de", "DEU", "compute", kind="compute", company="cloud_de", capacity=100),
    ]
    recipes = [builders.recipe(dc, "server", quantity=1.0) for dc in ("dc_in", "dc_br", "dc_de")]
    supplies = [
        builders.supply("srv_us", "dc_in", "server", 0.8),
        builders.supply("srv_mx", "dc_in", "server", 0.2),
        builders.supply("srv_us", "dc_br", "server"),
        builders.supply("srv_us", "dc_de", "server"),
    ]
    net = builders.network(facilities, recipes, supplies)
    defaults = {
        "candidates": pd.DataFrame(
            [{"supplier": "srv_mx", "buyer": "dc_de", "item": "server", "cost": 3, "lead_weeks": 0, "max_share": 1}]
        ),
        "certifications": pd.DataFrame(
            [{"supplier": "srv_mx", "item": "server", "cost": 4, "lead_weeks": 0, "max_share": 1}]
        ),
        "expansions": pd.DataFrame(
            [
                {"facility": "srv_mx", "added_capacity": 20, "cost": 6, "lead_weeks": 0},
                {"facility": "srv_mx", "added_capacity": 20, "cost": 2, "lead_weeks": 26},
            ]
        ),
    }
    return net.replace(**{**defaults, **tables})


@pytest.fixture(scope="module")
def build() -> sc.Network:
    return build_network()


def build_scenario(optimise_block: dict[str, Any], members: list[str] | None = None, **extra: Any) -> sc.Scenario:
    block: dict[str, Any] = {"expansions": True, **optimise_block}
    if members is not None:
        block["consortium"] = {"name": "c", "members": members}
    return sc.Scenario.model_validate(
        {"name": "build", "horizon_weeks": 52, "controls": [dict(CONTROL)], "optimise": block, **extra}
    )


# ---------------------------------------------------------------------------------------------
# the brute force


def reference_loss(
    net: sc.Network, scen: sc.Scenario, opened: list[dict], built: list[int], members: list[str] | None
) -> float:
    """Final-output value lost per week (the members' final outputs, or all with None): the
    flow LP of docs/model.md §4 with t = H, the opened edges and the built expansions of §5.

        min Σ_{counted final v} value_v · L_v / H
        P_v ≤ o_v · (c_v · H + Σ_{built e at v} Δ_e · max(0, H − L_e))
        q_vk · P_v ≤ Σ_{e into (v, k)} F_e + stock_weeks_vk · q_vk · c_v
        Σ_{e out of u} F_e ≤ P_u
        F_e ≤ a_e · c_v · q_vk · share_e · H                     (e covered by a control)
        F_x ≤ a_x · max_share_x · c_v · q_vk · max(0, H − lead_x)   (every opened edge x)
        P_v + L_v ≥ c_v · H                                      (every final output v)
    """
    data = scen.model_dump(by_alias=True)
    horizon = float(scen.horizon_weeks)
    weeks = int(horizon)
    controls = data["controls"]
    fac = {f["id"]: f for f in net.facilities.to_dict("records")}
    value = {i["id"]: float(i["value"]) for i in net.items.to_dict("records")}
    recipes = net.recipes.to_dict("records")
    quantity = {(r["facility"], r["item"]): float(r["quantity"]) for r in recipes}
    own = reference_own_factors(net, scen)
    added = dict.fromkeys(fac, 0.0)
    for e in built:
        row = net.expansions.iloc[e]
        added[row["facility"]] += float(row["added_capacity"]) * max(0.0, horizon - float(row["lead_weeks"]))
    supplies = net.supplies.to_dict("records")
    a_old = reference_edge_factors(net, controls, horizon)
    problem = pulp.LpProblem("reference", pulp.LpMinimize)
    production = {v: problem.add_variable(f"P_{v}", 0, own[v] * (fac[v]["capacity"] * horizon + added[v])) for v in fac}
    edges: list[tuple[str, str, str, pulp.LpVariable]] = []
    for e, s in enumerate(supplies):
        need = fac[s["buyer"]]["capacity"] * quantity[(s["buyer"], s["item"])]
        covered = any(reference_covers(net, c, s) for c in controls)
        upper = a_old[e] * need * float(s["share"]) * horizon if covered else None
        edges.append((s["supplier"], s["buyer"], s["item"], problem.add_variable(f"F_{e}", 0, upper)))
    for x, o in enumerate(opened):
        covering = [c for c in controls if reference_covers(net, c, o)]
        a = sum(np.prod([control_factor(c, t, weeks) for c in covering]) for t in range(weeks)) / weeks
        need = fac[o["buyer"]]["capacity"] * quantity[(o["buyer"], o["item"])]
        upper = a * o["max_share"] * need * max(0.0, horizon - o["lead_weeks"])
        edges.append((o["supplier"], o["buyer"], o["item"], problem.add_variable(f"X_{x}", 0, upper)))
    for r in recipes:
        v, k = r["facility"], r["item"]
        stock = 0.0 if pd.isna(r.get("stock_weeks")) else float(r["stock_weeks"])
        into = [f for (u, b, i, f) in edges if b == v and i == k]
        problem += quantity[(v, k)] * production[v] <= pulp.lpSum(into) + stock * quantity[(v, k)] * fac[v]["capacity"]
    for u in fac:
        out = [f for (s, _, _, f) in edges if s == u]
        if out:
            problem += pulp.lpSum(out) <= production[u]
    suppliers = {s["supplier"] for s in supplies}
    objective = []
    for v, f in fac.items():
        if v in suppliers:
            continue
        lost = problem.add_variable(f"L_{v}", 0)
        problem += production[v] + lost >= f["capacity"] * horizon
        if members is None or _is_member(f, members):
            objective.append(value[f["produces"]] * lost / horizon)
    problem += pulp.lpSum(objective) if objective else pulp.LpAffineExpression()
    problem.solve(pulp.HiGHS(msg=False) if "highs" in sc.available_solvers() else pulp.PULP_CBC_CMD(msg=False))
    assert pulp.LpStatus[problem.status] == "Optimal"
    return max(0.0, float(pulp.value(problem.objective) or 0.0))


def brute_force(net: sc.Network, scen: sc.Scenario) -> tuple[float, float]:
    """(least members' loss within the budget, the cheapest cost reaching it), over every plan
    of qualifications, certifications and expansions."""
    settings = scen.optimise
    assert settings is not None
    assert settings.budget is not None
    members = list(settings.consortium.members) if settings.consortium is not None else None
    n_cand, n_cert, n_exp = len(net.candidates), len(net.certifications), len(net.expansions)
    costs = [*net.candidates["cost"].tolist(), *net.certifications["cost"].tolist(), *net.expansions["cost"].tolist()]
    found = []
    for bits in itertools.product([0, 1], repeat=n_cand + n_cert + n_exp):
        cost = float(np.dot(bits, costs))
        if cost > settings.budget + 1e-9:
            continue
        cand = [c for c in range(n_cand) if bits[c]]
        cert = [j for j in range(n_cert) if bits[n_cand + j]]
        built = [e for e in range(n_exp) if bits[n_cand + n_cert + e]]
        opened = opened_edges(net, members or [], cand, cert)
        found.append((reference_loss(net, scen, opened, built, members), cost))
    best = min(loss for loss, _ in found)
    return best, min(cost for loss, cost in found if loss <= best + 1e-7 * max(1.0, best))


# ---------------------------------------------------------------------------------------------
# the worked example and enumeration


@pytest.mark.parametrize(
    ("budget", "loss", "cost"), [(2, 30.0, 2.0), (6, 20.0, 6.0), (10, 20.0, 6.0), (12, 10.0, 12.0)]
)
def test_build_worked_example(build: sc.Network, budget: float, loss: float, cost: float) -> None:
    """The module docstring's answers: members' loss 40 -> 30 (B), 20 (A), 20 (A, the cheapest
    at 10), 10 (certify, A and B)."""
    strategy = optimise(build, build_scenario({"budget": budget}, ["IND", "BRA"]), frontier=False)
    assert strategy.members_expected_loss_before == pytest.approx(40.0)
    assert strategy.members_expected_loss_after == pytest.approx(loss, abs=1e-6)
    assert strategy.cost == pytest.approx(cost)
    if budget < 12:  # expansions alone: the static engine's fixed shares leave the figures as they were
        assert strategy.verification["members_static_lost_output_after"] == pytest.approx(
            strategy.verification["members_static_lost_output_before"]
        )
        assert strategy.verification["static_lost_output_after"] == pytest.approx(
            strategy.verification["static_lost_output_before"]
        )


@pytest.mark.parametrize("method", ["extensive", "benders"])
@pytest.mark.parametrize("budget", [0, 2, 3, 5, 6, 8, 10, 12, 15])
def test_build_optimum_equals_brute_force(build: sc.Network, budget: float, method: str) -> None:
    """Over every plan of the qualification, the certification and both expansions (16 plans),
    the optimiser finds the members' least loss within the budget at the least cost (HiGHS)."""
    scen = build_scenario({"budget": budget}, ["IND", "BRA"])
    best, cheapest = brute_force(build, scen)
    strategy = optimise(build, scen, method=method, frontier=False, verify=False)
    assert strategy.members_expected_loss_after == pytest.approx(best, abs=1e-6)
    assert strategy.cost == pytest.approx(cheapest, abs=1e-9)


@pytest.mark.parametrize("budget", [2, 6, 12])
def test_build_optimum_equals_brute_force_world(build: sc.Network, budget: float, solver: str) -> None:
    """Without a consortium the world's loss counts (the qualification for dc_de now competes);
    HiGHS and CBC both find the brute-force optimum."""
    scen = build_scenario({"budget": budget})
    best, cheapest = brute_force(build, scen)
    strategy = optimise(build, scen, solver=solver, frontier=False, verify=False)
    assert strategy.expected_loss_after == pytest.approx(best, abs=1e-6)
    assert strategy.cost == pytest.approx(cheapest, abs=1e-9)


def test_build_with_cbc_equals_brute_force(build: sc.Network) -> None:
    """CBC, on the members' loss within 12 (every action affordable): 10 at cost 12."""
    if "cbc" not in sc.available_solvers():
        pytest.skip("CBC is not available here")
    scen = build_scenario({"budget": 12}, ["IND", "BRA"])
    best, cheapest = brute_force(build, scen)
    strategy = optimise(build, scen, solver="cbc", frontier=False, verify=False)
    assert (strategy.members_expected_loss_after, strategy.cost) == pytest.approx((best, cheapest), abs=1e-6)


def test_penalty_objective_equals_brute_force(build: sc.Network) -> None:
    """With a penalty P = 0.5 the optimiser minimises cost + 0.5 · members' loss: nothing
    0 + 20 = 20, B 2 + 15 = 17, A 6 + 10 = 16, A and B 8 + 10 = 18, certify, A and B 12 + 5 = 17:
    A wins (checked against every plan)."""
    scen = build_scenario({"penalty": 0.5}, ["IND", "BRA"])
    plans = []
    n = len(build.candidates) + len(build.certifications) + len(build.expansions)
    costs = [3.0, 4.0, 6.0, 2.0]
    for bits in itertools.product([0, 1], repeat=n):
        opened = opened_edges(build, ["IND", "BRA"], [0] if bits[0] else [], [0] if bits[1] else [])
        built = [e for e in range(2) if bits[2 + e]]
        loss = reference_loss(build, scen, opened, built, ["IND", "BRA"])
        plans.append((float(np.dot(bits, costs)) + 0.5 * loss, float(np.dot(bits, costs))))
    best = min(plans)
    strategy = optimise(build, scen, frontier=False, verify=False)
    assert strategy.objective_value == pytest.approx(best[0], abs=1e-6)
    assert strategy.cost == pytest.approx(best[1])
    assert list(strategy.actions["action"]) == ["expand"]


def test_frontier_lets_expansions_compete(build: sc.Network) -> None:
    """The frontier over 0, 2, 6, 12 gives the members' 40, 30, 20, 10, one expansion, one,
    three actions (docstring)."""
    scen = build_scenario({"budget": 12, "budgets": [0, 2, 6, 12]}, ["IND", "BRA"])
    frontier = optimise(build, scen).frontier
    assert frontier["expected_lost_output"].tolist() == pytest.approx([40.0, 30.0, 20.0, 10.0], abs=1e-6)
    assert frontier["cost"].tolist() == pytest.approx([0.0, 2.0, 6.0, 12.0])
    assert frontier["actions"].tolist() == [0, 1, 1, 3]


# ---------------------------------------------------------------------------------------------
# strategy rows and cost shares


def test_expand_rows_and_cost_shares(build: sc.Network) -> None:
    """Within 12: certify srv_mx (used by BRA only: srv_mx already supplies dc_in), and both
    expansions at srv_mx, a facility of no member: the members pay them jointly, 3 + 3 and
    1 + 1. Columns in SPEC order, then the extra ones with ``added_capacity`` last."""
    strategy = optimise(build, build_scenario({"budget": 12}, ["IND", "BRA"]), frontier=False)
    actions = strategy.actions
    assert list(actions.columns[:7]) == [
        "action",
        "supplier",
        "buyer",
        "item",
        "cost",
        "lead_weeks",
        "members_cost_share",
    ]
    assert actions.columns[-1] == "added_capacity"
    expand = actions[actions["action"] == "expand"].reset_index(drop=True)
    assert expand[["supplier", "buyer", "item"]].to_dict("records") == [
        {"supplier": "srv_mx", "buyer": "", "item": "server"},
        {"supplier": "srv_mx", "buyer": "", "item": "server"},
    ]
    assert expand["cost"].tolist() == [6.0, 2.0]
    assert expand["lead_weeks"].tolist() == [0.0, 26.0]
    assert expand["added_capacity"].tolist() == [20.0, 20.0]
    assert expand["members_cost_share"].tolist() == ["IND=3;BRA=3", "IND=1;BRA=1"]
    certify = actions[actions["action"] == "certify"].iloc[0]
    assert certify["members_cost_share"] == "IND=0;BRA=4"
    assert strategy.expansions[["facility", "added_capacity", "lead_weeks", "expansion"]].to_dict("records") == [
        {"facility": "srv_mx", "added_capacity": 20.0, "lead_weeks": 0.0, "expansion": 0},
        {"facility": "srv_mx", "added_capacity": 20.0, "lead_weeks": 26.0, "expansion": 1},
    ]
    assert "2 expand" in repr(strategy)


def test_an_expansion_at_a_members_facility_is_that_members(build: sc.Network) -> None:
    """With MEX a member too, srv_mx is MEX's: MEX pays the expansions in full."""
    strategy = optimise(build, build_scenario({"budget": 6}, ["IND", "BRA", "MEX"]), frontier=False)
    expand = strategy.actions[strategy.actions["action"] == "expand"]
    assert expand["members_cost_share"].tolist() == ["IND=0;BRA=0;MEX=6"]


def test_expansions_stay_out_unless_the_scenario_asks(build: sc.Network) -> None:
    """Without ``optimise.expansions`` the plan is the plan of the network without the table
    (here: nothing, since certifying alone does not help the members), notes and all."""
    scen = build_scenario({"budget": 12, "expansions": False}, ["IND", "BRA"])
    assert sc.Scenario.model_validate({"name": "x", "optimise": {"budget": 1}}).optimise.expansions is False
    strategy = optimise(build, scen, frontier=False)
    without = optimise(build.replace(expansions=None), scen, frontier=False)
    assert strategy.actions.equals(without.actions)
    assert np.array_equal(strategy.plan, without.plan)
    assert strategy.members_expected_loss_after == pytest.approx(40.0)
    assert strategy.notes == without.notes


def test_scenario_key_is_checked() -> None:
    """``optimise.expansions`` is a yes/no; anything else names the key."""
    with pytest.raises(InputError) as caught:
        sc.Scenario.model_validate({"name": "x", "optimise": {"budget": 1, "expansions": "maybe"}})
    assert "optimise.expansions" in str(caught.value)
    schema = sc.scenario_json_schema()
    assert "expansions" in str(schema)


# ---------------------------------------------------------------------------------------------
# verification with lead times, by hand


def site_network(added: float, lead: float) -> sc.Network:
    """dc (KOR, 100 compute a week) buys its servers from srv (KOR, 200 a week, spare capacity);
    one expansion at dc: ``added`` a week from week ``lead``, cost 1."""
    facilities = [
        builders.facility("srv", "KOR", "server", kind="osat", capacity=200),
        builders.facility("dc", "KOR", "compute", kind="compute", capacity=100),
    ]
    net = builders.network(facilities, [builders.recipe("dc", "server", 1.0)], [builders.supply("srv", "dc", "server")])
    return net.replace(
        expansions=pd.DataFrame([{"facility": "dc", "added_capacity": added, "cost": 1, "lead_weeks": lead}])
    )


def site_scenario(weeks: int | None) -> sc.Scenario:
    disruption: dict[str, Any] = {"facilities": ["dc"], "capacity_factor": 0.5 if weeks is None else 0.0}
    if weeks is not None:
        disruption["weeks"] = weeks
    return sc.Scenario.model_validate(
        {
            "name": "site",
            "horizon_weeks": 52,
            "disruptions": [disruption],
            "optimise": {"budget": 1, "expansions": True},
        }
    )


def test_verification_half_capacity_all_horizon() -> None:
    """dc runs at half capacity all horizon (loss 50 a week); +50 a week from week 26.

    Static: weeks 0-25 at 0.5; weeks 26-51 at min(1, 0.5 · (100 + 50) / 100) = 0.75: α = 0.625,
    loss 100 · 0.375 = 37.5. Adaptive: P ≤ 0.5 · (100 · 52 + 50 · 26) = 3 250 = 0.625 of
    100 · 52: loss 37.5 too. The availability after is 0.625."""
    strategy = optimise(site_network(50, 26), site_scenario(None), frontier=False)
    assert strategy.cost == 1.0
    v = strategy.verification
    assert v["static_lost_output_before"] == pytest.approx(50.0)
    assert v["static_lost_output_after"] == pytest.approx(37.5)
    assert strategy.expected_loss_before == pytest.approx(50.0)
    assert strategy.expected_loss_after == pytest.approx(37.5)
    assert strategy.availability_after is not None
    assert strategy.availability_after[1] == pytest.approx(0.625)


def test_verification_outage_that_ends_before_the_expansion() -> None:
    """dc is down in weeks 0-25, whole again from week 26; +50 a week from week 26.

    Static, week by week: weeks 0-25 at 0 (no capacity to add to), weeks 26-51 at
    min(1, 1 · 1.5) = 1: α = 0.5, the same as before (loss 50 -> 50): once dc is whole it
    cannot sell more than its normal output. Adaptive (SPEC 5, o_v the horizon mean 0.5):
    P ≤ 0.5 · (5 200 + 50 · 26) = 3 250, availability 0.625, loss 37.5: the LP pools the
    horizon, so it credits the new capacity against the outage. With a lead time of 52 the
    expansion adds nothing either way (max(0, H − 52) = 0) and is not bought."""
    strategy = optimise(site_network(50, 26), site_scenario(26), frontier=False)
    v = strategy.verification
    assert v["static_lost_output_before"] == pytest.approx(50.0)
    assert v["static_lost_output_after"] == pytest.approx(50.0)
    assert strategy.expected_loss_after == pytest.approx(37.5)
    late = optimise(site_network(50, 52), site_scenario(26), frontier=False)
    assert late.empty
    assert late.cost == 0.0


def test_expansion_inputs_come_through_the_recipes() -> None:
    """The new capacity draws its inputs through the facility's recipe like the rest of its
    output. srv moves to the USA and a US control licenses 60 % of dc's servers (the edge
    carries at most 0.6 · 100 a week); dc is at half capacity all horizon; +50 a week at dc
    from week 0.

    Adaptive: before, dc makes min(0.5 · 100, 60) = 50 (loss 50); after, its capacity is
    0.5 · 150 = 75 but its servers stop at 60: loss 40, not 25. Static (SPEC 3.2, the own
    factor times the input availability): before 0.5 · 0.6 = 0.3 (loss 70), after
    min(1, 0.5 · 1.5) · 0.6 = 0.45 (loss 55)."""
    net = site_network(50, 0)
    fac = net.facilities.copy()
    fac.loc[fac["id"] == "srv", "country"] = "USA"
    net = net.replace(facilities=fac)
    scen = sc.Scenario.model_validate(
        {
            "name": "licensed",
            "horizon_weeks": 52,
            "controls": [
                {"name": "us", "issuer": "USA", "items": ["server"], "destinations": ["KOR"], "licence_approval": 0.6}
            ],
            "disruptions": [{"facilities": ["dc"], "capacity_factor": 0.5}],
            "optimise": {"budget": 1, "expansions": True},
        }
    )
    strategy = optimise(net, scen, frontier=False)
    assert strategy.expected_loss_before == pytest.approx(50.0)
    assert strategy.expected_loss_after == pytest.approx(40.0)
    assert strategy.verification["static_lost_output_before"] == pytest.approx(70.0)
    assert strategy.verification["static_lost_output_after"] == pytest.approx(55.0)
    best, cheapest = brute_force(net, scen)
    assert (strategy.expected_loss_after, strategy.cost) == pytest.approx((best, cheapest))


# ---------------------------------------------------------------------------------------------
# the table


def test_expansions_table_reads_from_a_folder(tmp_path: Path, build: sc.Network) -> None:
    """``expansions.csv`` in a network folder is the ``expansions`` table, lead_weeks defaulting to 0."""
    folder = tmp_path / "net"
    folder.mkdir()
    for table, frame in build.tables().items():
        if table != "expansions" and not frame.empty:
            frame.to_csv(folder / f"{table}.csv", index=False)
    (folder / "expansions.csv").write_text("facility,added_capacity,cost\nsrv_mx,20,6\n", encoding="utf-8")
    net = sc.read_network(folder)
    assert net.expansions.to_dict("records") == [
        {"facility": "srv_mx", "added_capacity": 20.0, "cost": 6.0, "lead_weeks": 0.0}
    ]
    assert "1 expansion" in repr(net)
    assert sc.read_network("tiny").expansions.empty


def test_bad_expansions_table_names_row_column_and_what_is_valid(tmp_path: Path, build: sc.Network) -> None:
    """Every problem at once, each with table, row (and line), column and what would be valid."""
    folder = tmp_path / "net"
    folder.mkdir()
    for table, frame in build.tables().items():
        if table != "expansions" and not frame.empty:
            frame.to_csv(folder / f"{table}.csv", index=False)
    (folder / "expansions.csv").write_text(
        "facility,added_capacity,cost,lead_weeks\n"
        "srv_mz,20,6,0\n"  # unknown facility (a typo)
        "srv_mx,0,6,0\n"  # no capacity added
        "srv_mx,20,lots,0\n"  # not a number
        "srv_mx,20,6,-4\n",  # negative lead time
        encoding="utf-8",
    )
    with pytest.raises(InputError) as caught:
        sc.read_network(folder)
    text = str(caught.value)
    assert "expansions row 1 (line 2), column facility: unknown facility 'srv_mz'; did you mean 'srv_mx'?" in text
    assert (
        "expansions row 2 (line 3), column added_capacity: 0 is out of range; added_capacity must be a number > 0"
        in text
    )
    assert "expansions row 3 (line 4), column cost: 'lots' is not a number; cost must be a number >= 0" in text
    assert "expansions row 4 (line 5), column lead_weeks: -4 is out of range; lead_weeks must be a number >= 0" in text
    (folder / "expansions.csv").write_text("facility,capacity,cost\nsrv_mx,20,6\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        sc.read_network(folder)
    assert "required column 'added_capacity' is missing" in str(caught.value)


def test_library_scenario_lets_expansions_in_and_its_parent_does_not() -> None:
    """consortium-certify-or-build is open-certification-consortium (same members, controls and
    draw) with ``optimise.expansions`` on and a budget sweep; the parent keeps the default off,
    so its plan is the one it had before expansions existed."""
    child = sc.read_scenario("consortium-certify-or-build")
    parent = sc.read_scenario("open-certification-consortium")
    assert child.optimise is not None
    assert parent.optimise is not None
    assert child.optimise.expansions is True
    assert parent.optimise.expansions is False
    assert child.optimise.consortium == parent.optimise.consortium
    assert [c.name for c in child.controls] == [c.name for c in parent.controls]
    assert child.monte_carlo == parent.monte_carlo
    assert child.optimise.budgets == [0, 1e7, 2.5e7, 5e7, 1e8, 2.5e8, 5e8, 1e9, 2.5e9]
    assert len(sc.read_network("semiconductors").expansions) == 13


def test_bundled_expansions_keep_their_sources() -> None:
    """Every figure of the bundled expansions names keys of sources.csv in its own source
    column, at least one published per row, and every option is at a facility in a member
    country of the library's consortium."""
    net = sc.read_network("semiconductors")
    kind = dict(zip(net.sources["key"], net.sources["kind"], strict=True))
    exp = net.expansions
    for col in ("added_capacity", "cost", "lead_weeks"):
        for cell in exp[f"{col}_source"]:
            keys = [k for k in str(cell).split(";") if k]
            assert keys, col
            assert all(k in kind for k in keys), cell
    for row in exp.to_dict("records"):
        cells = ";".join(row[f"{c}_source"] for c in ("added_capacity", "cost", "lead_weeks"))
        assert any(kind[k] == "published" for k in cells.split(";") if k), row["facility"]
    scen = sc.read_scenario("open-certification-consortium")
    assert scen.optimise is not None
    assert scen.optimise.consortium is not None
    country = dict(zip(net.facilities["id"], net.facilities["country"], strict=True))
    assert {country[f] for f in exp["facility"]} <= set(scen.optimise.consortium.members)
