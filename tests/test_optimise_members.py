"""Whose loss the optimiser minimises (docs/model.md §5, "Whose loss"), checked against brute force.

**The contest network** (``contest``): srv_us (USA) makes AI servers for three compute centres,
dc_in (IND, 50 per week), dc_br (BRA, 20) and dc_de (DEU, 100); a US control denies every
licence to all three, so doing nothing loses 170 compute per week (value 1 each), 70 of it the
members' (IND and BRA). srv_mx (MEX, 60 servers per week, outside US reach) could serve them:

- qualify srv_mx → dc_de (cost 3): dc_de gets 60 (world 110), the members nothing (70);
- qualify srv_mx → dc_in (cost 5, no lead time): dc_in whole (members 20, world 120);
- certify srv_mx (cost 4, lead 26 weeks): opens srv_mx → dc_in and → dc_br (the members'
  buyers) for the last 26 of 52 weeks: each gets half its need (members 25 + 10 = 35,
  world 135).

Within a budget of 4 the world would qualify dc_de (110 < 135) while the members certify
(35 < 70): the optimiser certifies. Within 12 (everything) the members' least loss is 10
(srv_mx's 60 per week cover dc_in's 50 for the whole horizon and dc_br's 20 for half of it once
the candidate shortens the certified dc_in edge's lead to 0); qualifying dc_de as well (cost 12)
cannot lower it, so the cheaper plan (9) wins.

**Brute force** (``reference_loss``): every subset of candidates and certifications, each
plan's opened edges derived from docs/model.md §5 (a certification opens u → v for every member
buyer with a recipe for k that u does not supply; the larger max_share and the shorter lead
count where two openers meet), and the flow LP of docs/model.md §4 with t = H written here
from its text, in units (not the optimiser's weeks), with the reference edge and own factors
of ``reference.py``. The optimiser must find the least members' loss within the budget, the
cheapest plan among equal ones, and report the world's loss of its plan.
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

import supplychain as sc
from supplychain.cli import main
from supplychain.optimise import optimise

DATA = Path(__file__).parent / "data"

CONTEST_CONTROL = {
    "name": "us-servers",
    "issuer": "USA",
    "items": ["server"],
    "destinations": ["IND", "BRA", "DEU"],
    "licence_approval": 0.0,
}


@pytest.fixture(scope="module")
def contest() -> sc.Network:
    return builders.contest_network()


def contest_scenario(optimise_block: dict[str, Any], **extra: Any) -> sc.Scenario:
    return sc.Scenario.model_validate(
        {
            "name": "contest",
            "horizon_weeks": 52,
            "controls": [dict(CONTEST_CONTROL)],
            "optimise": {"consortium": {"name": "c", "members": ["IND", "BRA"]}, **optimise_block},
            **extra,
        }
    )


# ---------------------------------------------------------------------------------------------
# the brute force


def _is_member(facility: dict, members: list[str]) -> bool:
    return bool({facility["country"], facility["company"], facility["id"]} & set(members))


def opened_edges(net: sc.Network, members: list[str], cand_rows: list[int], cert_rows: list[int]) -> list[dict]:
    """The edges a plan opens (docs/model.md §5), each with the max_share and lead that count."""
    facilities = {f["id"]: f for f in net.facilities.to_dict("records")}
    recipes = {(r["facility"], r["item"]) for r in net.recipes.to_dict("records")}
    supplied = {(s["supplier"], s["buyer"], s["item"]) for s in net.supplies.to_dict("records")}
    edges: dict[tuple[str, str, str], tuple[float, float]] = {}

    def add(key: tuple[str, str, str], share: float, lead: float) -> None:
        old = edges.get(key)
        edges[key] = (share, lead) if old is None else (max(old[0], share), min(old[1], lead))

    for c in cand_rows:
        row = net.candidates.iloc[c]
        add((row["supplier"], row["buyer"], row["item"]), float(row["max_share"]), float(row["lead_weeks"]))
    for j in cert_rows:
        row = net.certifications.iloc[j]
        for v, fac in facilities.items():
            key = (row["supplier"], v, row["item"])
            if (
                v != row["supplier"]
                and _is_member(fac, members)
                and (v, row["item"]) in recipes
                and key not in supplied
            ):
                add(key, float(row["max_share"]), float(row["lead_weeks"]))
    return [
        {"supplier": u, "buyer": v, "item": k, "max_share": m, "lead_weeks": lead}
        for (u, v, k), (m, lead) in edges.items()
    ]


def reference_loss(net: sc.Network, scen: sc.Scenario, opened: list[dict], members: list[str] | None) -> float:
    """Final-output value lost per week, of the members' final outputs (``members``) or of all
    (None): the flow LP of docs/model.md §4 with t = H and the opened edges of §5, in units.

        min Σ_{counted final v} value_v · L_v / H
        P_v ≤ o_v · c_v · H
        q_vk · P_v ≤ Σ_{e into (v, k)} F_e + stock_weeks_vk · q_vk · c_v       (every recipe)
        Σ_{e out of u} F_e ≤ P_u
        F_e ≤ a_e · c_v · q_vk · share_e · H                    (e covered by a control)
        F_x ≤ a_x · max_share_x · c_v · q_vk · max(0, H − lead_x)   (every opened edge x)
        P_v + L_v ≥ c_v · H                                     (every final output v)
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
    supplies = net.supplies.to_dict("records")
    a_old = reference_edge_factors(net, controls, horizon)
    problem = pulp.LpProblem("reference", pulp.LpMinimize)
    production = {v: problem.add_variable(f"P_{v}", 0, own[v] * fac[v]["capacity"] * horizon) for v in fac}
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
    """(least members' loss within the budget, the cheapest cost reaching it), over every plan."""
    settings = scen.optimise
    assert settings is not None
    assert settings.consortium is not None
    assert settings.budget is not None
    members = list(settings.consortium.members)
    n_cand, n_cert = len(net.candidates), len(net.certifications)
    costs = [*net.candidates["cost"].tolist(), *net.certifications["cost"].tolist()]
    found = []
    for bits in itertools.product([0, 1], repeat=n_cand + n_cert):
        cost = float(np.dot(bits, costs))
        if cost > settings.budget + 1e-9:
            continue
        cand = [c for c in range(n_cand) if bits[c]]
        cert = [j for j in range(n_cert) if bits[n_cand + j]]
        found.append((reference_loss(net, scen, opened_edges(net, members, cand, cert), members), cost))
    best = min(loss for loss, _ in found)
    return best, min(cost for loss, cost in found if loss <= best + 1e-7 * max(1.0, best))


# ---------------------------------------------------------------------------------------------
# worked example and enumeration


def test_contest_members_certify_where_the_world_would_qualify(contest: sc.Network) -> None:
    """Budget 4 (module docstring): the members' loss 70 -> 35 by certifying, while the world's
    loss goes 170 -> 135 (qualifying dc_de would give the world 110 and the members nothing)."""
    strategy = optimise(contest, contest_scenario({"budget": 4}), frontier=False)
    assert strategy.actions["action"].tolist() == ["certify"]
    assert strategy.cost == 4
    assert strategy.members_expected_loss_before == pytest.approx(70.0)
    assert strategy.members_expected_loss_after == pytest.approx(35.0)
    assert strategy.expected_loss_before == pytest.approx(170.0)
    assert strategy.expected_loss_after == pytest.approx(135.0)
    assert strategy.cost_per_members_loss_avoided == pytest.approx(4 / 35)
    assert strategy.consortium == "c"
    assert "members' expected loss 70 -> 35, world's 170 -> 135" in repr(strategy)
    metrics = dict(strategy.summary_metrics())
    assert metrics["members_expected_lost_output_before"] == pytest.approx(70.0)
    assert metrics["members_expected_lost_output_after"] == pytest.approx(35.0)
    assert metrics["expected_lost_output_after"] == pytest.approx(135.0)
    assert metrics["cost_per_members_lost_output_avoided"] == pytest.approx(4 / 35)
    # the certification opens dc_in and dc_br, both of them members' buyers: 2 each
    cert = strategy.actions.iloc[0]
    assert cert["members_cost_share"] == "IND=2;BRA=2"


def test_without_a_consortium_the_world_loss_counts(contest: sc.Network) -> None:
    """No consortium: nothing to certify, every final output counts; qualifying dc_de (60 of
    170 per week for 3) is the best use of a budget of 4, and the members' figures are the
    world's."""
    scen = sc.Scenario.model_validate(
        {"name": "contest", "horizon_weeks": 52, "controls": [dict(CONTEST_CONTROL)], "optimise": {"budget": 4}}
    )
    strategy = optimise(contest, scen, frontier=False)
    assert strategy.actions[["action", "buyer"]].values.tolist() == [["qualify", "dc_de"]]
    assert strategy.expected_loss_after == pytest.approx(110.0)
    assert strategy.members_expected_loss_after == strategy.expected_loss_after
    assert strategy.members_expected_loss_before == strategy.expected_loss_before == pytest.approx(170.0)
    assert strategy.consortium is None


@pytest.mark.parametrize("budget", [0, 3, 4, 5, 7, 8, 9, 12])
def test_contest_optimum_equals_brute_force(contest: sc.Network, budget: float) -> None:
    scen = contest_scenario({"budget": budget})
    strategy = optimise(contest, scen, frontier=False)
    best, cheapest = brute_force(contest, scen)
    assert strategy.members_expected_loss_after == pytest.approx(best, abs=1e-6)
    assert strategy.cost == pytest.approx(cheapest, abs=1e-9)
    members = ["IND", "BRA"]
    assert strategy.members_expected_loss_before == pytest.approx(reference_loss(contest, scen, [], members), abs=1e-6)
    assert strategy.expected_loss_before == pytest.approx(reference_loss(contest, scen, [], None), abs=1e-6)
    opened = strategy.opened.to_dict("records")
    assert strategy.expected_loss_after == pytest.approx(reference_loss(contest, scen, opened, None), abs=1e-6)


@pytest.fixture(scope="module")
def litho() -> sc.Network:
    """The optimiser's tiny network (tests/data/opt-network.yaml) with overlapping openers of
    different shares and leads, and candidates that help non-members only (fab_tw)."""
    net = sc.read_network(DATA / "opt-network.yaml")
    return net.replace(
        candidates=pd.DataFrame(
            [
                {
                    "supplier": "litho_jp",
                    "buyer": "fab_cn",
                    "item": "euv",
                    "cost": 5,
                    "lead_weeks": 0,
                    "max_share": 0.5,
                },
                {"supplier": "sand_us", "buyer": "fab_cn", "item": "sand", "cost": 1, "lead_weeks": 4, "max_share": 1},
                {"supplier": "litho_jp", "buyer": "fab_tw", "item": "euv", "cost": 2, "lead_weeks": 0, "max_share": 1},
            ]
        ),
        certifications=pd.DataFrame(
            [
                {"supplier": "litho_jp", "item": "euv", "cost": 8, "lead_weeks": 26, "max_share": 1},
                {"supplier": "dep_jp", "item": "dep", "cost": 1, "lead_weeks": 0, "max_share": 1},
            ]
        ),
    )


LITHO_CONTROLS = [
    {"name": "nl-litho", "issuer": "NLD", "items": ["euv"], "destinations": ["CHN", "TWN"], "licence_approval": 0},
    {
        "name": "us-chips",
        "issuer": "USA",
        "items": ["eccn:3A090*"],
        "destinations": ["CHN"],
        "reach": {"foreign_direct_product": True},
        "licence_approval": 0,
    },
]


@pytest.mark.parametrize(
    ("members", "budget"),
    [
        (["CHN", "IND"], 5),
        (["CHN", "IND"], 9),
        (["CHN", "IND"], 20),
        (["cloud_cn", "fab_cn"], 8),  # a member company and a member facility
        (["TWN"], 3),  # the members' fab is fab_tw: its own candidate serves dc_us and dc_cn only through chips
        (["USA"], 10),
    ],
)
def test_litho_optimum_equals_brute_force(litho: sc.Network, members: list[str], budget: float) -> None:
    scen = sc.Scenario.model_validate(
        {
            "name": "litho",
            "horizon_weeks": 52,
            "controls": [dict(c) for c in LITHO_CONTROLS],
            "optimise": {"consortium": {"name": "c", "members": members}, "budget": budget},
        }
    )
    strategy = optimise(litho, scen, frontier=False)
    best, cheapest = brute_force(litho, scen)
    assert strategy.members_expected_loss_after == pytest.approx(best, abs=1e-6)
    assert strategy.cost == pytest.approx(cheapest, abs=1e-9)
    opened = strategy.opened.to_dict("records")
    assert strategy.expected_loss_after == pytest.approx(reference_loss(litho, scen, opened, None), abs=1e-6)


def test_members_without_final_output_get_a_note(contest: sc.Network) -> None:
    """srv_us alone is a member: it makes servers for others, no final output (a facility
    that supplies no one), so the members' loss is 0 and nothing is bought."""
    scen = sc.Scenario.model_validate(
        {
            "name": "contest",
            "horizon_weeks": 52,
            "controls": [dict(CONTEST_CONTROL)],
            "optimise": {"consortium": {"name": "c", "members": ["srv_us"]}, "budget": 10},
        }
    )
    strategy = optimise(contest, scen, frontier=False)
    assert strategy.actions.empty
    assert strategy.members_expected_loss_before == 0.0
    assert any("no final output" in n for n in strategy.notes)
    assert strategy.expected_loss_before == pytest.approx(170.0)


# ---------------------------------------------------------------------------------------------
# the frontier on the before/after samples


def mc_contest_scenario(**block: Any) -> sc.Scenario:
    """The contest with chance: the control in force with probability 0.6 (each licence granted
    with probability 0.5), srv_mx down for the whole horizon with probability 0.3, 400 samples
    reduced to 2 for the MILP (so the model's samples are not the verification's)."""
    control = dict(CONTEST_CONTROL, probability=0.6, licence_approval=0.5)
    return sc.Scenario.model_validate(
        {
            "name": "contest-mc",
            "horizon_weeks": 52,
            "controls": [control],
            "disruptions": [{"facilities": ["srv_mx"], "capacity_factor": 0.0, "probability": 0.3}],
            "monte_carlo": {"samples": 400, "seed": 5},
            "optimise": {"consortium": {"name": "c", "members": ["IND", "BRA"]}, **block},
        }
    )


def test_frontier_budget_zero_is_the_before(contest: sc.Network) -> None:
    scen = mc_contest_scenario(budget=9, budgets=[0, 4, 9, 12])
    strategy = optimise(contest, scen, k=2)
    fr = strategy.frontier
    assert fr["budget"].tolist() == [0, 4, 9, 12]
    assert strategy.verification["samples"] == 400
    # the frontier and the before/after figures share the verification's samples
    assert fr["expected_lost_output"].iat[0] == pytest.approx(strategy.members_expected_loss_before, rel=1e-12)
    assert fr["cvar_lost_output"].iat[0] == pytest.approx(
        strategy.verification["members_cvar_lost_output_before"], rel=1e-12
    )
    at_budget = fr.loc[fr["budget"] == 9, "expected_lost_output"].iat[0]
    assert at_budget <= strategy.members_expected_loss_after + 1e-9
    assert (np.diff(fr["expected_lost_output"]) <= 1e-9).all()
    assert (fr["cost"] <= fr["budget"] + 1e-9).all()
    # the model's own (reduced) figures are another thing: the frontier does not show them
    assert strategy.model_loss_before != pytest.approx(strategy.members_expected_loss_before, rel=1e-6)


def test_frontier_without_verification_uses_the_model_samples(contest: sc.Network) -> None:
    scen = mc_contest_scenario(budget=9)
    strategy = optimise(contest, scen, k=2, verify=False, budgets=[0, 9])
    assert strategy.frontier["budget"].tolist() == [0, 9]
    assert strategy.frontier["expected_lost_output"].iat[0] == pytest.approx(strategy.members_expected_loss_before)
    assert strategy.members_expected_loss_before == strategy.model_loss_before


def test_budgets_argument_beats_the_scenario_and_is_checked(contest: sc.Network) -> None:
    scen = contest_scenario({"budget": 4, "budgets": [0, 4]})
    assert optimise(contest, scen, budgets=[0, 5, 12], verify=False).frontier["budget"].tolist() == [0, 5, 12]
    with pytest.raises(sc.InputError, match=r"budgets\[1\].*'-3' is not a budget"):
        optimise(contest, scen, budgets=[0, "-3"])  # type: ignore[list-item]


# ---------------------------------------------------------------------------------------------
# command line


def _contest_files(tmp_path: Path, contest: sc.Network, extra: str = "") -> Path:
    sc.write_network(contest, tmp_path / "contest.yaml")
    path = tmp_path / "scenario.yaml"
    path.write_text(
        "name: contest\nnetwork: contest.yaml\nhorizon_weeks: 52\n"
        "controls:\n  - {name: us-servers, issuer: USA, items: [server], destinations: [IND, BRA, DEU],"
        " licence_approval: 0}\n"
        f"optimise:\n  consortium: {{name: c, members: [IND, BRA]}}\n  budget: 4\n{extra}"
    )
    return path


def test_cli_budgets_set_the_frontier(tmp_path: Path, contest: sc.Network) -> None:
    path = _contest_files(tmp_path, contest, "  budgets: [0, 100]\n")
    out = tmp_path / "o"
    assert main([str(path), "--out", str(out), "--quiet", "--no-analyses", "--budgets", "0, 4,5,1.2e1"]) == 0
    frontier = builders.read_csv(out / "frontier.csv")
    assert [float(r["budget"]) for r in frontier] == [0.0, 4.0, 5.0, 12.0]
    assert [float(r["expected_lost_output"]) for r in frontier] == pytest.approx([70.0, 35.0, 20.0, 10.0])
    summary = {r["metric"]: r["value"] for r in builders.read_csv(out / "summary.csv")}
    assert float(summary["members_expected_lost_output_before"]) == pytest.approx(70.0)
    assert float(summary["members_expected_lost_output_after"]) == pytest.approx(35.0)
    assert float(summary["expected_lost_output_before"]) == pytest.approx(170.0)
    assert float(summary["expected_lost_output_after"]) == pytest.approx(135.0)
    assert float(summary["cost_per_members_lost_output_avoided"]) == pytest.approx(4 / 35)
    # without --budgets the scenario's optimise.budgets count
    out2 = tmp_path / "o2"
    assert main([str(path), "--out", str(out2), "--quiet", "--no-analyses"]) == 0
    assert [float(r["budget"]) for r in builders.read_csv(out2 / "frontier.csv")] == [0.0, 100.0]


@pytest.mark.parametrize(
    ("given", "named"),
    [
        ("0,abc", "--budgets item 2: 'abc'"),
        ("-5", "--budgets item 1: '-5'"),
        ("1,,2", "--budgets item 2"),
        ("nan", "'nan'"),
    ],
)
def test_cli_bad_budgets_exit_2(
    tmp_path: Path, contest: sc.Network, capsys: pytest.CaptureFixture[str], given: str, named: str
) -> None:
    path = _contest_files(tmp_path, contest)
    out = tmp_path / "o"
    assert main([str(path), "--out", str(out), "--quiet", "--budgets", given]) == 2
    err = capsys.readouterr().err
    assert named in err
    assert "Traceback" not in err
    assert not out.exists()


def test_scenario_bad_budgets_name_the_key(
    tmp_path: Path, contest: sc.Network, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _contest_files(tmp_path, contest, "  budgets: [0, -1]\n")
    assert main([str(path), "--out", str(tmp_path / "o"), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "optimise.budgets[1]" in err
    assert "line 9" in err  # the budgets key


def test_evaluation_shortcuts_are_exact(contest: sc.Network) -> None:
    """``verify._Evaluation`` skips samples whose loss its bounds already fix (plans that buy
    no less or no more, doing nothing, shut edges); every plan of the contest, evaluated in a
    scrambled order, must still get the losses of solving every sample, for both losses."""
    from supplychain.optimise import _instance
    from supplychain.optimise.instance import _all_samples
    from supplychain.optimise.recourse import _lp_solver, _Recourse
    from supplychain.optimise.verify import _Evaluation

    inst = _instance(contest, mc_contest_scenario(budget=12))
    full = _all_samples(inst, None, None)
    evaluation = _Evaluation(inst, full, _lp_solver(None))
    direct = {whose: _Recourse(inst, _lp_solver(None), whose) for whose in ("members", "world")}
    rest = np.zeros(inst.n_plan - inst.n_binary)
    plans = [
        inst.complete(np.concatenate([bits, rest])) for bits in itertools.product([0.0, 1.0], repeat=inst.n_binary)
    ]
    order = [5, 0, 7, 2, 6, 1, 3, 4]
    solved = 0
    for i in order:
        for whose, losses in (("members", evaluation.members), ("world", evaluation.world)):
            expected = direct[whose].losses(plans[i], full)[0]
            assert losses(plans[i]) == pytest.approx(expected, rel=1e-9, abs=1e-9), (whose, i)
            solved += full.k
    assert evaluation.solves < solved  # the shortcuts did skip samples


def test_availability_after_has_everything_in_force(contest: sc.Network) -> None:
    """With Monte Carlo, availability_after is still the adaptive availability of the one
    scenario with every rule in force (not of a sample): at budget 0 (no action) the US control
    in force licenses half of every srv_us edge and srv_mx is down, so dc_in, dc_br and dc_de
    each get half their need: 0.5, as ``adaptive_stress`` of the scenario gives."""
    from supplychain.analysis.flow import adaptive_stress
    from supplychain.scenario import compile_scenario

    scen = mc_contest_scenario(budget=0, budgets=[0])
    strategy = optimise(contest, scen, k=2)
    assert strategy.actions.empty
    ids = list(contest.facilities["id"])
    after = dict(zip(ids, strategy.availability_after, strict=True))
    assert [after[f] for f in ("dc_in", "dc_br", "dc_de")] == pytest.approx([0.5, 0.5, 0.5], abs=1e-9)
    adaptive = adaptive_stress(contest, compile_scenario(contest, scen))
    assert np.asarray(strategy.availability_after) == pytest.approx(np.asarray(adaptive.availability), abs=1e-9)
