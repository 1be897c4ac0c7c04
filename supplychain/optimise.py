"""The strategy optimiser (SPEC section 5): a two-stage stochastic MILP, solved whole or by Benders.

**First stage** (decided once, before the scenario is known), the *plan* π:

    y_c ∈ {0, 1}   qualify candidate c (a row of ``candidates``: u → v for item k), cost C_c
    z_j ∈ {0, 1}   grant certification j (a row of ``certifications``: supplier u, item k) for
                   the consortium, cost C_j once; it opens u → v for every member buyer v with a
                   recipe for k that u does not already supply
    w_x ∈ [0, 1]   w_x = y_c · z_j for an edge x opened by both a candidate and a certification
    σ_r ≥ 0        extra stock weeks of recipe r (only recipes with a ``stock_cost`` S_r), σ_r ≤ H − s_r

    cost(π) = Σ_c C_c y_c + Σ_j C_j z_j + Σ_r S_r σ_r

**Second stage**, per scenario sample s of probability p_s: the flow LP of SPEC section 4 with
t = H, the sample's own factors o_vs and edge factors a_es, written in weeks as in
``analysis.flow`` (x_v = P_v / c_v, y_e = F_e / (c_v q_vk), l_v = L_v / c_v, u_x the flow on
opened edge x in weeks of the buyer's need):

    x_vs ≤ o_vs · H                                            (capacity; a bound)
    y_es ≤ a_es · share_e · H         for edges a control covers (a bound)
    x_vs − Σ_{e into r} y_es − Σ_{x into r} u_xs − σ_r ≤ s_r   every recipe r = (v, k)
    Σ_{e out of u} (c_v q_vk / c_u) y_es + Σ_{x out of u} (c_v q_vk / c_u) u_xs − x_us ≤ 0
    u_xs ≤ a_xs · (κ_c y_c + κ_j z_j + (κ_cj − κ_c − κ_j) w_x)  every opened edge x
    x_vs + l_vs ≥ H                                            every final output v
    loss_s = Σ_{final v} value_v · c_v · l_vs / H              (final-output value per week)

with κ = max_share · max(0, H − lead_weeks) the weeks of need an opener can deliver over the
horizon (F_e ≤ a_e · max_share · c_v · q_vk · max(0, H − lead_weeks), SPEC section 5) and
κ_cj = max(max_share_c, max_share_j) · max(0, H − min(lead_c, lead_j)) when both open x (the
larger share and the shorter lead count). Because w_x = y_c z_j exactly (w ≤ y, w ≤ z,
w ≥ y + z − 1), the right-hand side is κ_c, κ_j or κ_cj on every binary plan.

**Objectives** (R is the risk measure of the losses: expected Σ p_s loss_s, CVaR_α by
Rockafellar–Uryasev η + Σ p_s ξ_s / (1 − α) with ξ_s ≥ loss_s − η, ξ ≥ 0, or the worst case
θ ≥ loss_s): with a ``penalty`` P, minimise cost + P · R (and cost ≤ budget if one is given);
with a ``budget`` B alone, minimise R + ε · cost subject to cost ≤ B, where
ε = ``TIE_WEIGHT`` · (Σ_final value · c) / (largest possible cost), so that among plans of equal
loss the cheaper wins while at most ``TIE_WEIGHT`` of the total final-output value per week
could be traded for cost. Bought actions that the loss does not need (because the MIP gap let
them through) are then pruned by re-evaluating the plan without each of them.

**Controls on new edges.** The coverage of an opened edge is computed by the scenario's own
compiler (``compile_scenario`` on a view of the network whose supply edges are the opened
ones, while reach, content shares and the foreign-direct-product test still come from the
network as it is), so the rules of SPEC section 3 apply to new edges exactly as to old ones.
In a Monte Carlo sample a new edge has a_xs = Π licence_approval over the controls in force in
that sample that cover it (the expected licence: a licence that has not been applied for
cannot have been drawn).

**Solving.** ``method="extensive"`` builds the whole deterministic equivalent in PuLP and
solves it with HiGHS (default) or CBC. ``method="benders"`` decomposes (multi-cut L-shaped
method): a PuLP master over (π, θ_s) and one second-stage LP re-solved for every sample with
changed bounds (``ReusableProblem``; the opened edges' caps u_xs ≤ a_xs · κ(π) and the stock
copies σ are bounds, so only bounds change between samples and plans). The reduced costs of
those bounded columns give a subgradient g_s of loss_s(π), and the cut
θ_s ≥ loss_s(π̂) + g_s · (π − π̂) is valid because the LP's value is convex in its bounds and
the bounds are linear in π. ``method="auto"`` uses the extensive form up to
``EXTENSIVE_LIMIT`` variables.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import pulp

from .errors import InputError, Problem, SolverError
from .montecarlo import BLOCK, MonteCarloModel
from .scenario import Scenario, compile_rules, compile_scenario
from .schema import COUNTRY_CODES
from .solvers import ReusableProblem, SolveStatus, available_solvers, get_solver, solve, solver_name

if TYPE_CHECKING:
    from .network import Network

__all__ = [
    "EXTENSIVE_LIMIT",
    "STRATEGY_COLUMNS",
    "Strategy",
    "define_benders_cut",
    "define_budget",
    "define_final_demand",
    "define_opened_edges",
    "define_overlap",
    "define_recipes",
    "define_risk",
    "define_risk_cap",
    "define_supplier_output",
    "optimise",
]

EXTENSIVE_LIMIT = 200_000
"""``method="auto"`` decomposes (Benders) when the extensive form has more variables."""

TIE_WEIGHT = 1e-7
"""Weight of cost in a budget-only objective, relative to total final-output value per week."""

DEFAULT_GAP = 1e-6
"""Relative optimality gap when none is given (HiGHS' own default, 1e-4, lets ties slip)."""

STRATEGY_COLUMNS = [
    "action",
    "supplier",
    "buyer",
    "item",
    "cost",
    "lead_weeks",
    "members_cost_share",
    "max_share",
    "stock_weeks",
    "members_cost_share_proportional",
]
"""strategy.csv: the seven columns of SPEC section 6, then ``max_share`` (qualify/certify),
``stock_weeks`` (stock rows: extra weeks bought) and the proportional-to-use allocation."""

FRONTIER_COLUMNS = ["budget", "expected_lost_output", "cvar_lost_output", "cost", "actions"]

_VALUE_TOL = 1e-9


# ---------------------------------------------------------------------------------------------
# the instance: first-stage actions, opened edges, scenario samples


@dataclass(eq=False)
class _Instance:
    """Everything the model needs, as arrays (built once per optimise call)."""

    network: Any
    scenario: Scenario
    horizon: float
    # first stage: plan vector = [y (C), z (J), w (W), sigma (R')]
    n_cand: int
    n_cert: int
    n_pair: int
    stock_recipes: np.ndarray  # recipe rows with a stock_cost
    cost: np.ndarray  # (P,)
    upper: np.ndarray  # (P,) upper bound of each plan variable
    pair_cand: np.ndarray  # (W,) plan index of the candidate of each pair
    pair_cert: np.ndarray  # (W,) plan index of the certification of each pair
    # opened edges
    new_src: np.ndarray
    new_dst: np.ndarray
    new_item: np.ndarray
    new_recipe: np.ndarray
    new_cap: np.ndarray  # (X, P): u_x ≤ a_x · new_cap[x] @ plan
    new_coverage: np.ndarray  # (controls, X)
    edge_cand: np.ndarray  # (X,) candidate row or -1
    edge_cert: np.ndarray  # (X,) certification row or -1
    member_of: dict[int, list[str]]  # buyer facility -> consortium members it belongs to
    members: list[str]
    notes: list[str] = field(default_factory=list)

    @property
    def n_plan(self) -> int:
        return len(self.cost)

    @property
    def n_binary(self) -> int:
        return self.n_cand + self.n_cert

    @property
    def n_new(self) -> int:
        return len(self.new_src)

    def complete(self, plan: np.ndarray) -> np.ndarray:
        """Round binaries, set w = y · z, clip stock: a consistent plan vector."""
        plan = np.asarray(plan, dtype=float).copy()
        b = self.n_binary
        plan[:b] = np.round(np.clip(plan[:b], 0, 1))
        if self.n_pair:
            plan[b : b + self.n_pair] = plan[self.pair_cand] * plan[self.pair_cert]
        s0 = b + self.n_pair
        plan[s0:] = np.clip(plan[s0:], 0, self.upper[s0:])
        plan[s0:][plan[s0:] < 1e-9] = 0.0
        return plan


@dataclass(eq=False)
class _Samples:
    """Scenario samples: factors in table order and probabilities."""

    edge: np.ndarray  # (K, E)
    own: np.ndarray  # (K, N)
    new: np.ndarray  # (K, X)
    weight: np.ndarray  # (K,)
    fidelity: dict[str, Any] = field(default_factory=dict)

    @property
    def k(self) -> int:
        return len(self.weight)


class _ExtraEdges:
    """A view of ``NetworkArrays`` whose supply edges are the opened ones, for the compiler:
    edge attributes are the new edges', everything else (reach, content shares, tools) is
    the network's own."""

    def __init__(self, arr: Any, src: np.ndarray, dst: np.ndarray, item: np.ndarray) -> None:
        self._arr = arr
        self.edge_src, self.edge_dst, self.edge_item = src, dst, item

    @property
    def n_edges(self) -> int:
        return len(self.edge_src)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._arr, name)


def _did_you_mean(word: str, choices: Sequence[str]) -> str:
    import difflib

    close = difflib.get_close_matches(word, sorted(set(choices)), n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


def _member_buyers(network: Any, scenario: Scenario) -> tuple[list[str], dict[int, list[str]]]:
    """Consortium members and, per facility index, the members it belongs to (by country,
    company or id). An unknown member is an ``InputError`` naming it."""
    settings = scenario.optimise
    if settings is None or settings.consortium is None:
        return [], {}
    fac = network.facilities
    country, company, ids = (fac[c].to_numpy(dtype=object) for c in ("country", "company", "id"))
    member_of: dict[int, list[str]] = {}
    problems = []
    for i, m in enumerate(settings.consortium.members):
        hit = np.flatnonzero((country == m) | (company == m) | (ids == m))
        if not len(hit) and m not in COUNTRY_CODES:
            choices = set(country) | set(company) | set(ids)
            problems.append(
                Problem(
                    scenario.locate("optimise", "consortium", "members", i),
                    f"'{m}' is neither a country, a company nor a facility id of network "
                    f"'{network.name}'{_did_you_mean(m, list(choices))}",
                )
            )
        for v in hit.tolist():
            member_of.setdefault(v, []).append(m)
    if problems:
        raise InputError(f"{scenario.source or scenario.name}: unknown consortium members", problems)
    return list(settings.consortium.members), member_of


def _instance(network: Any, scenario: Scenario) -> _Instance:
    """Opened edges, first-stage variables and their costs (see the module docstring)."""
    arr = network.arrays
    horizon = float(scenario.horizon_weeks)
    members, member_of = _member_buyers(network, scenario)
    index = arr.index
    item_index = {k: i for i, k in enumerate(arr.item_ids)}
    recipe_key = {k: r for r, k in enumerate(zip(arr.recipe_facility.tolist(), arr.recipe_item.tolist(), strict=True))}
    supplied = set(zip(arr.edge_src.tolist(), arr.edge_dst.tolist(), arr.edge_item.tolist(), strict=True))
    cand, cert = network.candidates, network.certifications
    edges: dict[tuple[int, int, int], dict[str, int]] = {}
    for i, row in enumerate(cand.itertuples(index=False)):
        # a candidate on a relation already qualified adds a parallel path: more licensed capacity
        edges.setdefault((index[row.supplier], index[row.buyer], item_index[row.item]), {})["cand"] = i
    buyers = sorted(member_of)
    for j, row in enumerate(cert.itertuples(index=False)):
        u, k = index[row.supplier], item_index[row.item]
        for v in buyers:
            if v != u and (v, k) in recipe_key and (u, v, k) not in supplied:
                edges.setdefault((u, v, k), {})["cert"] = j
    keys = list(edges)
    n_cand, n_cert = len(cand), len(cert)
    src = np.array([k[0] for k in keys], dtype=np.int64)
    dst = np.array([k[1] for k in keys], dtype=np.int64)
    item = np.array([k[2] for k in keys], dtype=np.int64)
    edge_cand = np.array([edges[k].get("cand", -1) for k in keys], dtype=np.int64)
    edge_cert = np.array([edges[k].get("cert", -1) for k in keys], dtype=np.int64)
    pairs = np.flatnonzero((edge_cand >= 0) & (edge_cert >= 0))

    stock_cost = network.recipes["stock_cost"].to_numpy(dtype=float)
    stock_recipes = np.flatnonzero(np.isfinite(stock_cost))
    stock_upper = np.maximum(0.0, horizon - arr.stock_weeks[stock_recipes])
    cost = np.concatenate(
        [
            cand["cost"].to_numpy(dtype=float),
            cert["cost"].to_numpy(dtype=float),
            np.zeros(len(pairs)),
            stock_cost[stock_recipes],
        ]
    )
    upper = np.concatenate([np.ones(n_cand + n_cert + len(pairs)), stock_upper])

    def kappa(share: float, lead: float) -> float:
        return float(share) * max(0.0, horizon - float(lead))

    cap = np.zeros((len(keys), len(cost)))
    for p, x in enumerate(pairs.tolist()):
        c, j = int(edge_cand[x]), int(edge_cert[x])
        both = kappa(
            max(cand["max_share"].iat[c], cert["max_share"].iat[j]),
            min(cand["lead_weeks"].iat[c], cert["lead_weeks"].iat[j]),
        )
        kc = kappa(cand["max_share"].iat[c], cand["lead_weeks"].iat[c])
        kj = kappa(cert["max_share"].iat[j], cert["lead_weeks"].iat[j])
        cap[x, n_cand + n_cert + p] = both - kc - kj
    for x in range(len(keys)):
        c, j = int(edge_cand[x]), int(edge_cert[x])
        if c >= 0:
            cap[x, c] = kappa(cand["max_share"].iat[c], cand["lead_weeks"].iat[c])
        if j >= 0:
            cap[x, n_cand + j] = kappa(cert["max_share"].iat[j], cert["lead_weeks"].iat[j])

    view = SimpleNamespace(arrays=_ExtraEdges(arr, src, dst, item), items=network.items, name=network.name)
    coverage = (
        compile_rules(view, scenario).coverage  # type: ignore[arg-type]
        if len(keys)
        else np.zeros((len(scenario.controls), 0), dtype=bool)
    )
    inst = _Instance(
        network,
        scenario,
        horizon,
        n_cand,
        n_cert,
        len(pairs),
        stock_recipes,
        cost,
        upper,
        edge_cand[pairs],
        n_cand + edge_cert[pairs],
        src,
        dst,
        item,
        np.array([recipe_key[(v, k)] for v, k in zip(dst.tolist(), item.tolist(), strict=True)], dtype=np.int64),
        cap,
        coverage,
        edge_cand,
        edge_cert,
        member_of,
        members,
    )
    if scenario.optimise is not None and scenario.optimise.consortium is not None and n_cert:
        useless = [
            f"{cert['supplier'].iat[j]}/{cert['item'].iat[j]}" for j in range(n_cert) if not (edge_cert == j).any()
        ]
        if useless:
            inst.notes.append(f"certifications opening no edge for the consortium's members: {', '.join(useless)}")
    return inst


def _new_factor(inst: _Instance, control_active: np.ndarray, approval: np.ndarray) -> np.ndarray:
    """a_xs = Π licence_approval over controls in force in sample s covering opened edge x."""
    k = control_active.shape[0]
    factor = np.ones((k, inst.n_new))
    for c in range(inst.new_coverage.shape[0]):
        if approval[c] == 1.0 or not inst.new_coverage[c].any():
            continue
        factor[np.ix_(control_active[:, c], inst.new_coverage[c])] *= approval[c]
    return factor


def _control_activity(model: MonteCarloModel, seed: int, sample_index: np.ndarray) -> np.ndarray:
    active = np.zeros((len(sample_index), len(model.covered)), dtype=bool)
    blocks = sample_index // BLOCK
    for block in np.unique(blocks).tolist():
        where = np.flatnonzero(blocks == block)
        active[where] = model.draw(seed, block).control_active[sample_index[where] % BLOCK]
    return active


def _reduced_samples(inst: _Instance, samples: int | None, seed: int | None, k: int) -> _Samples:
    """The K weighted scenarios the MILP carries (``reduction.reduce_scenarios``)."""
    from .reduction import reduce_scenarios

    network, scenario = inst.network, inst.scenario
    compiled = compile_scenario(network=network, scenario=scenario)
    reduced = reduce_scenarios(
        network,
        scenario,
        samples=samples,
        seed=seed,
        k=k,
        cvar_alpha=scenario.optimise.cvar_alpha if scenario.optimise else None,
    )
    if reduced.seed is None:  # deterministic: every control in force
        active = np.ones((reduced.k, len(scenario.controls)), dtype=bool)
    else:
        active = _control_activity(
            MonteCarloModel(network, scenario, compiled, engine="numpy"), reduced.seed, np.asarray(reduced.sample_index)
        )
    return _Samples(
        np.asarray(reduced.edge_factor),
        np.asarray(reduced.own_factor),
        _new_factor(inst, active, compiled.approval),
        np.asarray(reduced.weight, dtype=float),
        dict(reduced.fidelity),
    )


def _all_samples(inst: _Instance, samples: int | None, seed: int | None) -> _Samples:
    """Every Monte Carlo sample (identical draws merged, weights = frequencies), or the one
    deterministic scenario when the scenario has no ``monte_carlo`` and ``samples`` is None."""
    network, scenario = inst.network, inst.scenario
    compiled = compile_scenario(network=network, scenario=scenario)
    settings = scenario.monte_carlo
    if settings is None and samples is None:
        active = np.ones((1, len(scenario.controls)), dtype=bool)
        return _Samples(
            compiled.edge_factor()[:1],
            compiled.own_factor()[:1],
            _new_factor(inst, active, compiled.approval),
            np.ones(1),
            {"samples": 1},
        )
    samples = samples if samples is not None else (settings.samples if settings else 1000)
    seed = seed if seed is not None else (settings.seed if settings else 0)
    model = MonteCarloModel(network, scenario, compiled, engine="numpy")
    edges, owns, actives = [], [], []
    for block in range(math.ceil(samples / BLOCK)):
        size = min(BLOCK, samples - block * BLOCK)
        draw = model.draw(seed, block)
        edge, own = model.dense(draw, size)
        edges.append(edge)
        owns.append(own)
        actives.append(draw.control_active[:size])
    edge, own, active = np.vstack(edges), np.vstack(owns), np.vstack(actives)
    new = _new_factor(inst, active, compiled.approval)
    key = np.hstack([edge, own, new])
    _, first, count = np.unique(key, axis=0, return_index=True, return_counts=True)
    order = np.argsort(first)
    first, count = first[order], count[order]
    return _Samples(
        edge[first],
        own[first],
        new[first],
        count / samples,
        {"samples": samples, "seed": seed, "distinct_samples": len(first)},
    )


# ---------------------------------------------------------------------------------------------
# constraint families


@dataclass(eq=False)
class _Block:
    """Second-stage variables of one scenario sample."""

    x: list[pulp.LpVariable]
    y: list[pulp.LpVariable]
    u: list[pulp.LpVariable]
    lost: list[pulp.LpVariable]


def _segments(keys: np.ndarray, n_groups: int) -> list[list[int]]:
    order = np.argsort(keys, kind="stable")
    starts = np.searchsorted(keys[order], np.arange(n_groups + 1))
    order_list, starts_list = order.tolist(), starts.tolist()
    return [order_list[starts_list[g] : starts_list[g + 1]] for g in range(n_groups)]


def _add(problem: pulp.LpProblem, name: str, pairs: list[tuple[Any, float]], sense: int, rhs: float) -> None:
    problem.addConstraint(pulp.LpConstraint(pulp.LpAffineExpression(pairs), sense, rhs=rhs), name)


def _second_stage(
    problem: pulp.LpProblem,
    inst: _Instance,
    tag: str,
    own: np.ndarray | None,
    edge: np.ndarray | None,
    new: np.ndarray | None,
) -> _Block:
    """The variables of one sample, created in one pass per family, with the sample's bounds:

        0 ≤ x_v ≤ o_v · H                        (capacity)
        0 ≤ y_e ≤ a_e · share_e · H              for a_e < 1 (a control covers e), else y_e ≥ 0
        0 ≤ u_x, and u_x ≤ 0 when a_x = 0         (a denied opened edge carries nothing)
        0 ≤ l_v                                  (lost weeks of final output v)

    With ``own``/``edge``/``new`` None the bounds are left open (set per solve).
    """
    arr = inst.network.arrays
    horizon = inst.horizon
    n, n_edges = arr.n_facilities, arr.n_edges
    x_ub = [None] * n if own is None else (own * horizon).tolist()
    if edge is None:
        y_ub: list[float | None] = [None] * n_edges
    else:
        cap = (edge * arr.share * horizon).tolist()
        y_ub = [c if a < 1.0 else None for c, a in zip(cap, edge.tolist(), strict=True)]
    u_ub = [None] * inst.n_new if new is None else [0.0 if a <= 0 else None for a in new.tolist()]
    finals = np.flatnonzero(arr.is_final).tolist()
    return _Block(
        [problem.add_variable(f"x{tag}_{v}", 0, ub) for v, ub in enumerate(x_ub)],
        [problem.add_variable(f"y{tag}_{e}", 0, ub) for e, ub in enumerate(y_ub)],
        [problem.add_variable(f"u{tag}_{x}", 0, ub) for x, ub in enumerate(u_ub)],
        [problem.add_variable(f"l{tag}_{v}", 0) for v in finals],
    )


def define_recipes(
    problem: pulp.LpProblem, blocks: Sequence[_Block], inst: _Instance, stock: Sequence[pulp.LpVariable]
) -> int:
    """Bill of materials with stock, per sample s and recipe r = (v, k):

        x_vs − Σ_{e into r} y_es − Σ_{opened x into r} u_xs − σ_r ≤ s_r

    (σ_r, the extra stock weeks bought, only for recipes with a ``stock_cost``).
    """
    arr = inst.network.arrays
    into = _segments(arr.edge_recipe, arr.n_recipes)
    new_into = _segments(inst.new_recipe, arr.n_recipes)
    stock_of = {int(r): var for r, var in zip(inst.stock_recipes.tolist(), stock, strict=True)}
    facility, rhs = arr.recipe_facility.tolist(), arr.stock_weeks.tolist()
    count = 0
    for s, b in enumerate(blocks):
        for r in range(arr.n_recipes):
            pairs = (
                [(b.x[facility[r]], 1.0)] + [(b.y[e], -1.0) for e in into[r]] + [(b.u[x], -1.0) for x in new_into[r]]
            )
            if r in stock_of:
                pairs.append((stock_of[r], -1.0))
            _add(problem, f"recipe_{s}_{r}", pairs, pulp.LpConstraintLE, rhs[r])
            count += 1
    return count


def define_supplier_output(problem: pulp.LpProblem, blocks: Sequence[_Block], inst: _Instance) -> int:
    """Supplier output, per sample s and supplier u (old and opened edges alike):

    Σ_{e = (u→v, k)} (c_v q_vk / c_u) y_es + Σ_{opened x = (u→v, k)} (c_v q_vk / c_u) u_xs − x_us ≤ 0
    """
    arr = inst.network.arrays
    need = (arr.capacity[arr.edge_dst] * arr.quantity[arr.edge_recipe] / arr.capacity[arr.edge_src]).tolist()
    new_need = (arr.capacity[inst.new_dst] * arr.quantity[inst.new_recipe] / arr.capacity[inst.new_src]).tolist()
    out = _segments(arr.edge_src, arr.n_facilities)
    new_out = _segments(inst.new_src, arr.n_facilities)
    count = 0
    for s, b in enumerate(blocks):
        for u in range(arr.n_facilities):
            if not out[u] and not new_out[u]:
                continue
            pairs = [(b.y[e], need[e]) for e in out[u]] + [(b.u[x], new_need[x]) for x in new_out[u]] + [(b.x[u], -1.0)]
            _add(problem, f"supply_{s}_{u}", pairs, pulp.LpConstraintLE, 0.0)
            count += 1
    return count


def define_final_demand(problem: pulp.LpProblem, blocks: Sequence[_Block], inst: _Instance) -> int:
    """Final demand with loss, per sample s and final output v: x_vs + l_vs ≥ H."""
    finals = np.flatnonzero(inst.network.arrays.is_final).tolist()
    count = 0
    for s, b in enumerate(blocks):
        for i, v in enumerate(finals):
            _add(problem, f"demand_{s}_{v}", [(b.x[v], 1.0), (b.lost[i], 1.0)], pulp.LpConstraintGE, inst.horizon)
            count += 1
    return count


def define_opened_edges(
    problem: pulp.LpProblem,
    blocks: Sequence[_Block],
    inst: _Instance,
    plan: Sequence[pulp.LpVariable],
    new_factor: np.ndarray,
) -> int:
    """Opened-edge caps, per sample s and opened edge x with a_xs > 0:

        u_xs − a_xs · (κ_c y_c + κ_j z_j + (κ_cj − κ_c − κ_j) w_x) ≤ 0

    (``inst.new_cap[x]`` holds the κ coefficients over the plan vector).
    """
    count = 0
    for s, b in enumerate(blocks):
        for x in range(inst.n_new):
            a = float(new_factor[s, x])
            if a <= 0:
                continue
            pairs = [(b.u[x], 1.0)] + [
                (plan[p], -a * float(inst.new_cap[x, p])) for p in np.flatnonzero(inst.new_cap[x]).tolist()
            ]
            _add(problem, f"opened_{s}_{x}", pairs, pulp.LpConstraintLE, 0.0)
            count += 1
    return count


def define_overlap(problem: pulp.LpProblem, inst: _Instance, plan: Sequence[pulp.LpVariable]) -> int:
    """w_x = y_c · z_j for an edge opened by candidate c and certification j:

    w_x ≤ y_c,   w_x ≤ z_j,   w_x ≥ y_c + z_j − 1
    """
    b = inst.n_binary
    for p in range(inst.n_pair):
        w, y, z = plan[b + p], plan[int(inst.pair_cand[p])], plan[int(inst.pair_cert[p])]
        _add(problem, f"overlap_y_{p}", [(w, 1.0), (y, -1.0)], pulp.LpConstraintLE, 0.0)
        _add(problem, f"overlap_z_{p}", [(w, 1.0), (z, -1.0)], pulp.LpConstraintLE, 0.0)
        _add(problem, f"overlap_yz_{p}", [(w, 1.0), (y, -1.0), (z, -1.0)], pulp.LpConstraintGE, -1.0)
    return 3 * inst.n_pair


def define_budget(
    problem: pulp.LpProblem, inst: _Instance, plan: Sequence[pulp.LpVariable], budget: pulp.LpVariable
) -> int:
    """Budget: Σ_c C_c y_c + Σ_j C_j z_j + Σ_r S_r σ_r − B ≤ 0, with B a column fixed by its
    bounds (so a budget sweep changes a bound, not the row)."""
    pairs = [(v, float(c)) for v, c in zip(plan, inst.cost.tolist(), strict=True) if c != 0]
    _add(problem, "budget", [*pairs, (budget, -1.0)], pulp.LpConstraintLE, 0.0)
    return 1


def define_risk(
    problem: pulp.LpProblem,
    losses: Sequence[pulp.LpAffineExpression | pulp.LpVariable],
    weight: np.ndarray,
    objective: str,
    alpha: float,
) -> pulp.LpAffineExpression:
    """The risk measure R of the per-sample losses, as an expression (adding its rows):

    - ``expected``: R = Σ_s p_s loss_s;
    - ``cvar``: R = η + Σ_s p_s ξ_s / (1 − α) with ξ_s − loss_s + η ≥ 0, ξ_s ≥ 0, η free
      (Rockafellar–Uryasev: at the optimum R is the CVaR at α of the loss distribution);
    - ``worst``: R = θ with θ − loss_s ≥ 0 (epigraph of the largest loss).
    """
    loss = [pulp.LpAffineExpression(e) if isinstance(e, pulp.LpVariable) else e for e in losses]
    if objective == "expected":
        total = pulp.LpAffineExpression()
        for e, p in zip(loss, weight.tolist(), strict=True):
            total.addInPlace(e, p)
        return total
    if objective == "cvar":
        eta = problem.add_variable("cvar_eta")
        xi = [problem.add_variable(f"cvar_xi_{s}", 0) for s in range(len(loss))]
        for s, e in enumerate(loss):
            row = pulp.LpAffineExpression([(xi[s], 1.0), (eta, 1.0)])
            row.addInPlace(e, -1.0)
            problem.addConstraint(pulp.LpConstraint(row, pulp.LpConstraintGE, rhs=0.0), f"cvar_{s}")
        return pulp.LpAffineExpression(
            [(eta, 1.0)] + [(v, p / (1 - alpha)) for v, p in zip(xi, weight.tolist(), strict=True)]
        )
    if objective == "worst":
        theta = problem.add_variable("worst_loss")
        for s, e in enumerate(loss):
            row = pulp.LpAffineExpression([(theta, 1.0)])
            row.addInPlace(e, -1.0)
            problem.addConstraint(pulp.LpConstraint(row, pulp.LpConstraintGE, rhs=0.0), f"worst_{s}")
        return pulp.LpAffineExpression([(theta, 1.0)])
    raise InputError(f"objective must be expected, cvar or worst (got {objective!r})")


def define_risk_cap(problem: pulp.LpProblem, risk: pulp.LpAffineExpression, cap: pulp.LpVariable) -> int:
    """Incumbent bound for a budget sweep: R − R̄ ≤ 0 with R̄ a column fixed by its bounds (the
    risk reached at the previous, smaller budget; unbounded until set)."""
    row = pulp.LpAffineExpression([(cap, -1.0)])
    row.addInPlace(risk, 1.0)
    problem.addConstraint(pulp.LpConstraint(row, pulp.LpConstraintLE, rhs=0.0), "risk_cap")
    return 1


def define_benders_cut(
    theta: pulp.LpVariable, plan: Sequence[pulp.LpVariable], value: float, gradient: np.ndarray, point: np.ndarray
) -> pulp.LpConstraint:
    """Benders optimality cut of one sample: θ_s ≥ loss_s(π̂) + g_s · (π − π̂), i.e.

    θ_s − Σ_p g_sp π_p ≥ loss_s(π̂) − g_s · π̂
    """
    nz = np.flatnonzero(np.abs(gradient) > 1e-12).tolist()
    pairs = [(theta, 1.0)] + [(plan[p], -float(gradient[p])) for p in nz]
    rhs = float(value - gradient @ point)
    return pulp.LpConstraint(pulp.LpAffineExpression(pairs), pulp.LpConstraintGE, rhs=rhs)


def _plan_variables(problem: pulp.LpProblem, inst: _Instance) -> list[pulp.LpVariable]:
    """π in one pass: binaries y, z; continuous w ∈ [0, 1]; σ_r ∈ [0, H − s_r]."""
    b, w = inst.n_binary, inst.n_pair
    arr = inst.network.arrays
    names = (
        [f"qualify_{c}" for c in range(inst.n_cand)]
        + [f"certify_{j}" for j in range(inst.n_cert)]
        + [f"both_{p}" for p in range(w)]
        + [f"stock_{arr.facility_ids[arr.recipe_facility[r]]}_{r}" for r in inst.stock_recipes.tolist()]
    )
    cats = [pulp.LpBinary] * b + [pulp.LpContinuous] * (len(names) - b)
    return [
        problem.add_variable(n, 0, float(ub), cat) for n, ub, cat in zip(names, inst.upper.tolist(), cats, strict=True)
    ]


# ---------------------------------------------------------------------------------------------
# the second-stage LP, re-solved per sample and plan


class _Recourse:
    """One second-stage LP (a single sample block) whose bounds carry the sample and the plan:
    x ≤ o·H, y ≤ a·share·H, u_x ≤ a_x · κ(π), σ copies fixed at π's stock. ``evaluate`` returns
    the loss per week, its subgradient in π (from reduced costs) and the production x."""

    def __init__(self, inst: _Instance, solver: Any) -> None:
        self.inst = inst
        problem = pulp.LpProblem("recourse", pulp.LpMinimize)
        self.block = _second_stage(problem, inst, "", None, None, None)
        self.stock = [problem.add_variable(f"sigma_{r}", 0) for r in inst.stock_recipes.tolist()]
        define_recipes(problem, [self.block], inst, self.stock)
        define_supplier_output(problem, [self.block], inst)
        define_final_demand(problem, [self.block], inst)
        arr = inst.network.arrays
        finals = np.flatnonzero(arr.is_final)
        self.loss_weight = arr.value[finals] * arr.capacity[finals] / inst.horizon
        objective = (
            pulp.LpAffineExpression(list(zip(self.block.lost, self.loss_weight.tolist(), strict=True)))
            if len(finals)
            else pulp.LpAffineExpression([(self.block.x[0], 0.0)])
        )
        problem.setObjective(objective)
        self.columns = self.block.x + self.block.y + self.block.u + self.stock
        self.run = ReusableProblem(problem, solver, what="strategy second-stage LP")
        self.solves = 0

    def evaluate(
        self, plan: np.ndarray, edge: np.ndarray, own: np.ndarray, new: np.ndarray, gradient: bool = True
    ) -> tuple[float, np.ndarray | None, np.ndarray]:
        inst, arr = self.inst, self.inst.network.arrays
        horizon = inst.horizon
        x_ub = (own * horizon).tolist()
        y_ub = [
            c if a < 1.0 else None for c, a in zip((edge * arr.share * horizon).tolist(), edge.tolist(), strict=True)
        ]
        kappa = inst.new_cap @ plan if inst.n_new else np.zeros(0)
        u_ub = np.maximum(0.0, new * kappa).tolist()
        stock = plan[inst.n_binary + inst.n_pair :].tolist()
        lower = [0.0] * (len(x_ub) + len(y_ub) + len(u_ub)) + stock
        self.run.set_bounds(self.columns, lower, x_ub + y_ub + u_ub + stock)
        status = self.run.solve()
        self.solves += 1
        if not status.optimal or status.objective is None:
            raise SolverError(f"strategy second-stage LP ended {status.status} ({status.solver})")
        loss = max(0.0, float(status.objective))
        production = self.run.values(self.block.x)
        if not gradient:
            return loss, None, production
        dj = self._reduced_costs()
        n_x, n_y = len(x_ub), len(y_ub)
        d_u = np.minimum(0.0, dj[n_x + n_y : n_x + n_y + inst.n_new])  # ∂loss/∂(cap of u) ≤ 0
        d_sigma = dj[n_x + n_y + inst.n_new :]
        grad = (d_u * new) @ inst.new_cap if inst.n_new else np.zeros(inst.n_plan)
        grad = np.asarray(grad, dtype=float).reshape(inst.n_plan)
        grad[inst.n_binary + inst.n_pair :] += np.minimum(0.0, d_sigma)
        return loss, grad, production

    def _reduced_costs(self) -> np.ndarray:
        if self.run.in_place:
            dual = np.asarray(self.run._highs.getSolution().col_dual, dtype=float)
            index = np.fromiter((v.index for v in self.columns), dtype=np.int64, count=len(self.columns))
            return dual[index]
        return np.array([v.dj or 0.0 for v in self.columns], dtype=float)

    def losses(
        self, plan: np.ndarray, samples: _Samples, gradient: bool = False
    ) -> tuple[np.ndarray, np.ndarray | None, np.ndarray]:
        """Loss (K,), subgradients (K × P) or None, production of each sample (K × N)."""
        out = [self.evaluate(plan, samples.edge[s], samples.own[s], samples.new[s], gradient) for s in range(samples.k)]
        losses = np.array([o[0] for o in out])
        grads = np.array([o[1] for o in out]) if gradient else None
        return losses, grads, np.array([o[2] for o in out])


def _lp_solver(solver: Any) -> Any:
    """HiGHS for the second-stage LPs when it works here (re-solved in place), else ``solver``."""
    if "highs" in available_solvers():
        return get_solver("highs")
    return solver


def _risk_value(losses: np.ndarray, weight: np.ndarray, objective: str, alpha: float) -> float:
    if objective == "expected":
        return float(weight @ losses)
    if objective == "cvar":
        return _cvar(losses, weight, alpha)
    return float(losses.max()) if len(losses) else 0.0


def _cvar(losses: np.ndarray, weight: np.ndarray, alpha: float) -> float:
    """CVaR_α of a discrete distribution: min_η η + Σ p (L − η)⁺ / (1 − α), attained at a loss."""
    if not len(losses):
        return 0.0
    p = weight / weight.sum()
    return float(min(eta + float(p @ np.maximum(losses - eta, 0.0)) / (1 - alpha) for eta in losses.tolist()))


# ---------------------------------------------------------------------------------------------
# the Strategy


@dataclass(eq=False)
class Strategy:
    """What the optimiser proposes (SPEC section 5), and how sure it is.

    - ``actions``: strategy.csv (``STRATEGY_COLUMNS``): one row per action — ``qualify``
      (a candidate: supplier → buyer for item), ``certify`` (a certification: ``buyer`` lists
      the member buyer facilities it opens, ';'-joined; ``members_cost_share`` the Shapley
      allocation ``member=amount;…``, ``members_cost_share_proportional`` the allocation in
      proportion to each member's expected use), ``stock`` (``buyer`` the facility, ``item``
      the input, ``stock_weeks`` the extra weeks, ``cost`` = weeks × stock_cost);
    - ``frontier``: frontier.csv, one row per budget of the sweep;
    - ``cost``: first-stage cost of the actions;
    - ``expected_loss_before`` / ``expected_loss_after``: expected final-output value lost per
      week without and with the strategy, re-stressed over every scenario sample
      (``verification``), or over the optimiser's samples when verification was skipped;
    - ``status`` (``optimal``, ``time_limit``, …), ``gap`` (relative, of the objective) and
      ``bound`` (a proven lower bound of the objective; None when the solver does not say);
    - ``notes``: why the strategy is empty, cost-sharing sampling errors, capacity trims;
    - ``opened`` (supplier, buyer, item, max_share, lead_weeks) and ``stock`` (facility, item,
      weeks): what ``apply`` puts in force; ``plan`` the first-stage vector π of the model.
    """

    actions: pd.DataFrame
    frontier: pd.DataFrame
    cost: float
    expected_loss_before: float
    expected_loss_after: float
    status: str
    gap: float | None
    bound: float | None
    objective_value: float
    method: str
    solver: str
    objective: str
    samples: int
    notes: list[str] = field(default_factory=list)
    model_loss_before: float = float("nan")
    model_loss_after: float = float("nan")
    cvar_before: float = float("nan")
    cvar_after: float = float("nan")
    verification: dict[str, Any] = field(default_factory=dict)
    availability_after: np.ndarray | None = None
    fidelity: dict[str, Any] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    iterations: int = 0
    opened: pd.DataFrame = field(default_factory=pd.DataFrame)
    stock: pd.DataFrame = field(default_factory=pd.DataFrame)
    plan: np.ndarray = field(default_factory=lambda: np.zeros(0))

    @property
    def empty(self) -> bool:
        return self.actions.empty

    def __repr__(self) -> str:
        kinds = self.actions["action"].value_counts().to_dict() if len(self.actions) else {}
        acts = ", ".join(f"{n} {k}" for k, n in kinds.items()) or "no action"
        gap = "" if self.gap is None else f", gap {self.gap:.2g}"
        return (
            f"<Strategy ({self.objective}, {self.method}/{self.solver} {self.status}{gap}): {acts}; cost "
            f"{self.cost:.6g}; expected loss {self.expected_loss_before:.6g} -> {self.expected_loss_after:.6g} "
            "per week>"
        )

    def summary_metrics(self) -> list[tuple[str, float]]:
        """The summary.csv rows of SPEC section 6 (plus the model's own numbers and notes)."""
        rows: list[tuple[str, float]] = [
            ("cost", self.cost),
            ("expected_lost_output_before", self.expected_loss_before),
            ("expected_lost_output_after", self.expected_loss_after),
            ("optimiser_objective", self.objective_value),
            ("optimiser_gap", float("nan") if self.gap is None else self.gap),
            ("optimiser_scenarios", float(self.samples)),
        ]
        for key in ("static_lost_output_before", "static_lost_output_after"):
            if key in self.verification:
                rows.append((key, float(self.verification[key])))
        rows += [(f"note:{n}", 0.0) for n in self.notes]
        return rows

    def info(self) -> dict[str, Any]:
        """JSON-ready facts for run.json."""

        def num(x: Any) -> Any:
            return None if x is None or (isinstance(x, float) and not math.isfinite(x)) else float(x)

        return {
            "status": self.status,
            "gap": num(self.gap),
            "bound": num(self.bound),
            "objective": self.objective,
            "objective_value": num(self.objective_value),
            "method": self.method,
            "solver": self.solver,
            "scenarios": self.samples,
            "iterations": self.iterations,
            "cost": num(self.cost),
            "expected_loss_before": num(self.expected_loss_before),
            "expected_loss_after": num(self.expected_loss_after),
            "notes": list(self.notes),
            "fidelity": {k: (num(v) if isinstance(v, float) else v) for k, v in self.fidelity.items()},
            "verification": {
                k: num(v) if isinstance(v, float | int) and not isinstance(v, bool) else v
                for k, v in self.verification.items()
            },
            "timings": {k: round(v, 6) for k, v in self.timings.items()},
        }

    def apply(self, network: Network) -> Network:
        """A new, validated network with the strategy in force (the input is not changed).

        Each opened edge u → v for k becomes a supplies row with share m (its max_share); the
        existing shares of (v, k) shrink in proportion, once, by the total M of the new shares
        into (v, k) (× (1 − M); new shares summing above 1 are scaled to 1), and rows whose
        share falls to 0 are dropped. A qualified candidate on a relation that already exists adds
        m to that relation's shrunk share. When a new supplier's capacity cannot cover the normal demand
        with its new buyers, the new shares of that supplier are scaled down to fit (a note says
        so). Extra stock weeks are added to ``recipes.stock_weeks``.
        """
        supplies = network.supplies.copy()
        recipes = network.recipes.copy()
        opened = self.opened
        if len(opened):
            cap = network.facilities.set_index("id")["capacity"]
            qty = recipes.set_index(["facility", "item"])["quantity"]
            need = (
                supplies["buyer"].map(cap).to_numpy()
                * np.array([qty[(b, i)] for b, i in zip(supplies["buyer"], supplies["item"], strict=True)])
                * supplies["share"]
            )
            existing = pd.Series(need.to_numpy(), index=supplies["supplier"]).groupby(level=0).sum()
            shares = opened["max_share"].to_numpy(dtype=float).copy()
            new_need = np.array([cap[b] * qty[(b, i)] for b, i in zip(opened["buyer"], opened["item"], strict=True)])
            for u in opened["supplier"].unique().tolist():
                rows = np.flatnonzero(opened["supplier"].to_numpy() == u)
                demand = float((new_need[rows] * shares[rows]).sum())
                spare = float(cap[u]) * (1 - 1e-9) - float(existing.get(u, 0.0))
                if demand > spare:
                    factor = max(0.0, spare) / demand
                    shares[rows] *= factor
                    self.notes.append(
                        f"apply: {u} lacks capacity for its new buyers; their shares scaled by {factor:.6g}"
                    )
            # several opened edges into one (buyer, item): together they take M = Σ m of the need
            # (scaled to 1 when they would exceed it); the existing suppliers shrink once by 1 − M
            frame = pd.DataFrame(
                {
                    "supplier": opened["supplier"].to_numpy(),
                    "buyer": opened["buyer"].to_numpy(),
                    "item": opened["item"].to_numpy(),
                    "share": shares,
                }
            )
            frame = frame[frame["share"] > 0]
            total = frame.groupby(["buyer", "item"], sort=False)["share"].transform("sum")
            if (total > 1 + 1e-12).any():
                self.notes.append(
                    "apply: opened edges into one buyer and item exceed its need together; "
                    "their shares are scaled to sum to 1"
                )
            frame = frame.assign(share=frame["share"] / np.maximum(total, 1.0))
            taken = frame.groupby(["buyer", "item"], sort=False)["share"].sum()
            shrink = pd.MultiIndex.from_arrays([supplies["buyer"], supplies["item"]]).map(
                lambda key: 1.0 - float(taken.get(key, 0.0))
            )
            supplies["share"] = supplies["share"] * np.asarray(shrink, dtype=float)
            new_rows = frame.to_dict("records")
            supplies = supplies[supplies["share"] > 1e-12]
            if new_rows:
                extra = pd.DataFrame(new_rows)
                for col in supplies.columns:
                    if col not in extra:
                        extra[col] = "" if supplies[col].dtype == object else np.nan
                supplies = pd.concat([supplies, extra[supplies.columns]], ignore_index=True)
                key = ["supplier", "buyer", "item"]
                share = supplies.groupby(key, sort=False)["share"].transform("sum")
                supplies = supplies.assign(share=share).drop_duplicates(key, keep="first")
        if len(self.stock):
            for row in self.stock.itertuples(index=False):
                mask = (recipes["facility"] == row.facility) & (recipes["item"] == row.item)
                recipes.loc[mask, "stock_weeks"] = recipes.loc[mask, "stock_weeks"] + row.weeks
        return network.replace(supplies=supplies.reset_index(drop=True), recipes=recipes)


# ---------------------------------------------------------------------------------------------
# solving


@dataclass(eq=False)
class _Solution:
    plan: np.ndarray
    status: str
    gap: float | None
    bound: float | None
    objective_value: float
    iterations: int = 0
    solver: str = ""


class _Objective:
    """The objective as a numpy function of (cost, losses), matching the MILP's."""

    def __init__(self, inst: _Instance, samples: _Samples, kind: str, alpha: float, penalty: float | None) -> None:
        self.kind, self.alpha, self.penalty = kind, alpha, penalty
        self.weight = samples.weight
        arr = inst.network.arrays
        self.loss_scale = float((arr.value * arr.capacity)[arr.is_final].sum()) or 1.0
        cost_scale = float(inst.cost @ inst.upper) if inst.n_plan else 0.0
        self.epsilon = TIE_WEIGHT * self.loss_scale / cost_scale if cost_scale > 0 else 0.0

    def risk(self, losses: np.ndarray) -> float:
        return _risk_value(losses, self.weight, self.kind, self.alpha)

    def value(self, cost: float, losses: np.ndarray, *, penalty: bool = True) -> float:
        if penalty and self.penalty is not None:
            return cost + self.penalty * self.risk(losses)
        return self.risk(losses) + self.epsilon * cost

    def expression(
        self, risk: pulp.LpAffineExpression, cost: pulp.LpAffineExpression, *, penalty: bool = True
    ) -> pulp.LpAffineExpression:
        out = pulp.LpAffineExpression()
        if penalty and self.penalty is not None:
            out.addInPlace(cost, 1.0)
            out.addInPlace(risk, self.penalty)
        else:
            out.addInPlace(risk, 1.0)
            out.addInPlace(cost, self.epsilon)
        return out


def _cost_expression(inst: _Instance, plan: Sequence[pulp.LpVariable]) -> pulp.LpAffineExpression:
    return pulp.LpAffineExpression([(v, float(c)) for v, c in zip(plan, inst.cost.tolist(), strict=True) if c])


class _MILP:
    """A MIP solved repeatedly (budget sweep) with a MIP start, through HiGHS in place or CBC."""

    def __init__(self, problem: pulp.LpProblem, solver: Any, what: str) -> None:
        self.problem = problem
        self.solver = solver
        self.name = solver_name(solver)
        self.run = ReusableProblem(problem, solver, what=what) if self.name == "highs" else None
        self.what = what

    def set_bounds(
        self, variables: list[pulp.LpVariable], lower: list[float | None], upper: list[float | None]
    ) -> None:
        if self.run is not None:
            self.run.set_bounds(variables, lower, upper)
        else:
            for v, lo, hi in zip(variables, lower, upper, strict=True):
                v.lowBound, v.upBound = lo, hi

    def set_objective(self, expression: pulp.LpAffineExpression) -> None:
        if self.run is not None:
            self.run.set_objective(expression)
        else:
            self.problem.setObjective(expression)

    def add_constraint(self, constraint: pulp.LpConstraint, name: str) -> None:
        if self.run is not None:
            self.run.add_constraint(constraint, name)
        else:
            self.problem.addConstraint(constraint, name)

    def solve(self, start: dict[pulp.LpVariable, float] | None = None) -> tuple[SolveStatus, float | None]:
        """Solve; returns the status and a proven lower bound (None when unknown)."""
        if self.run is not None:
            self.run.build()
            highs = self.run._highs
            if start:
                index = np.array([v.index for v in start], dtype=np.int32)
                highs.setSolution(len(index), index, np.array(list(start.values()), dtype=float))
            status = self.run.solve()
            info = highs.getInfo()
            bound = float(info.mip_dual_bound) if self.problem.isMIP() else status.objective
            if bound is not None and not math.isfinite(bound):
                bound = None
            return status, bound
        if start:
            for v, value in start.items():
                v.setInitialValue(value)
            self.solver.optionsDict["warmStart"] = True
            self.solver.warmStart = True
        status = solve(self.problem, self.solver, what=self.what)
        return status, None

    def values(self, variables: list[pulp.LpVariable]) -> np.ndarray:
        if self.run is not None:
            return self.run.values(variables)
        return np.array([np.nan if v.varValue is None else v.varValue for v in variables], dtype=float)


class _Extensive:
    """The deterministic equivalent: one block of second-stage variables per sample."""

    def __init__(
        self, inst: _Instance, samples: _Samples, objective: _Objective, solver: Any, budget: float | None
    ) -> None:
        start = time.perf_counter()
        self.inst, self.samples, self.objective = inst, samples, objective
        problem = pulp.LpProblem("strategy", pulp.LpMinimize)
        self.plan = _plan_variables(problem, inst)
        blocks = [
            _second_stage(problem, inst, f"_{s}", samples.own[s], samples.edge[s], samples.new[s])
            for s in range(samples.k)
        ]
        self.budget = problem.add_variable("budget", 0, budget)
        self.risk_cap = problem.add_variable("risk_cap", None, None)
        define_recipes(problem, blocks, inst, self.plan[inst.n_binary + inst.n_pair :])
        define_supplier_output(problem, blocks, inst)
        define_opened_edges(problem, blocks, inst, self.plan, samples.new)
        define_final_demand(problem, blocks, inst)
        define_overlap(problem, inst, self.plan)
        define_budget(problem, inst, self.plan, self.budget)
        arr = inst.network.arrays
        finals = np.flatnonzero(arr.is_final)
        weight = (arr.value[finals] * arr.capacity[finals] / inst.horizon).tolist()
        losses = [pulp.LpAffineExpression(list(zip(b.lost, weight, strict=True))) for b in blocks]
        self.risk = define_risk(problem, losses, samples.weight, objective.kind, objective.alpha)
        define_risk_cap(problem, self.risk, self.risk_cap)
        self.cost = _cost_expression(inst, self.plan)
        problem.setObjective(objective.expression(self.risk, self.cost))
        self.problem = problem
        self.n_variables = len(problem.variables())
        self.milp = _MILP(problem, solver, "strategy MILP (extensive form)")
        self.build_seconds = time.perf_counter() - start

    def solve(self, start: np.ndarray | None = None) -> _Solution:
        warm = None
        if start is not None:
            warm = dict(zip(self.plan, start.tolist(), strict=True))
        status, bound = self.milp.solve(warm)
        if status.objective is None:
            raise SolverError(
                f"strategy MILP ended {status.status} without a plan ({status.solver}); raise the time limit"
            )
        plan = self.inst.complete(self.milp.values(self.plan))
        return _Solution(plan, status.status, status.gap, bound, float(status.objective), solver=status.solver)

    def sweep_point(self, budget: float, risk_cap: float | None, start: np.ndarray | None) -> _Solution:
        self.milp.set_bounds([self.budget, self.risk_cap], [0.0, None], [budget, risk_cap])
        self.milp.set_objective(self.objective.expression(self.risk, self.cost, penalty=False))
        return self.solve(start)


class _Benders:
    """Multi-cut Benders: master over (π, θ_s), second-stage LPs for the cuts."""

    def __init__(
        self,
        inst: _Instance,
        samples: _Samples,
        objective: _Objective,
        solver: Any,
        recourse: _Recourse,
        budget: float | None,
    ) -> None:
        self.inst, self.samples, self.objective, self.recourse = inst, samples, objective, recourse
        problem = pulp.LpProblem("strategy_master", pulp.LpMinimize)
        self.plan = _plan_variables(problem, inst)
        self.theta = [problem.add_variable(f"theta_{s}", 0) for s in range(samples.k)]
        self.budget = problem.add_variable("budget", 0, budget)
        self.risk_cap = problem.add_variable("risk_cap", None, None)
        define_overlap(problem, inst, self.plan)
        define_budget(problem, inst, self.plan, self.budget)
        self.risk = define_risk(problem, self.theta, samples.weight, objective.kind, objective.alpha)
        define_risk_cap(problem, self.risk, self.risk_cap)
        self.cost = _cost_expression(inst, self.plan)
        problem.setObjective(objective.expression(self.risk, self.cost))
        self.problem = problem
        self.milp = _MILP(problem, solver, "strategy Benders master")
        self.cuts = 0
        self.evaluations: dict[bytes, tuple[np.ndarray, np.ndarray]] = {}
        self.penalised = True

    def cut(self, plan: np.ndarray) -> np.ndarray:
        """Evaluate all samples at ``plan``, add their cuts; returns the losses."""
        key = plan.tobytes()
        if key in self.evaluations:
            return self.evaluations[key][0]
        losses, grads, _ = self.recourse.losses(plan, self.samples, gradient=True)
        assert grads is not None
        self.evaluations[key] = (losses, grads)
        for s in range(self.samples.k):
            self.milp.add_constraint(
                define_benders_cut(self.theta[s], self.plan, losses[s], grads[s], plan), f"cut_{self.cuts}"
            )
            self.cuts += 1
        return losses

    def solve(
        self,
        *,
        gap: float,
        time_limit: float | None,
        start: np.ndarray | None = None,
        progress: Callable[[int, int], None] | None = None,
        max_iterations: int = 200,
    ) -> _Solution:
        started = time.perf_counter()
        inst = self.inst
        if not self.evaluations:  # initial cuts: nothing bought, and everything bought
            self.cut(inst.complete(np.zeros(inst.n_plan)))
            self.cut(inst.complete(inst.upper.copy()))
        best_plan, best_value = None, math.inf
        if start is not None:
            best_plan = start
            best_value = self.objective.value(float(inst.cost @ start), self.cut(start), penalty=self.penalised)
        lower, status, it = -math.inf, "optimal", 0
        for it in range(1, max_iterations + 1):
            if time_limit is not None:
                left = time_limit - (time.perf_counter() - started)
                if left <= 0:
                    status = "time_limit"
                    break
            warm = dict(zip(self.plan, best_plan.tolist(), strict=True)) if best_plan is not None else None
            master, bound = self.milp.solve(warm)
            if master.objective is None:
                status = master.status
                break
            lower = max(lower, bound if bound is not None else float(master.objective))
            plan = inst.complete(self.milp.values(self.plan))
            losses = self.cut(plan)
            value = self.objective.value(float(inst.cost @ plan), losses, penalty=self.penalised)
            if value < best_value - 1e-12 * max(1.0, abs(value)):
                best_plan, best_value = plan, value
            if progress is not None:
                progress(it, max_iterations)
            if _relative_gap(best_value, lower) <= gap:
                break
        else:
            status = "iteration_limit"
        if best_plan is None:
            raise SolverError("Benders: no plan found within the limits")
        return _Solution(
            best_plan, status, _relative_gap(best_value, lower), lower, best_value, it, solver=self.milp.name
        )

    def sweep_point(
        self, budget: float, risk_cap: float | None, start: np.ndarray | None, gap: float, time_limit: float | None
    ) -> _Solution:
        self.milp.set_bounds([self.budget, self.risk_cap], [0.0, None], [budget, risk_cap])
        self.milp.set_objective(self.objective.expression(self.risk, self.cost, penalty=False))
        self.penalised = False
        return self.solve(gap=gap, time_limit=time_limit, start=start)


def _relative_gap(upper: float, lower: float) -> float:
    if not math.isfinite(upper) or not math.isfinite(lower):
        return math.inf
    return max(0.0, upper - lower) / max(abs(upper), 1e-9)


# ---------------------------------------------------------------------------------------------
# cost sharing


def _shapley_shares(
    players: list[str], cost: Callable[[frozenset], float], seed: int
) -> tuple[dict[str, float], dict[str, float]]:
    try:
        from .costsharing import shapley
    except ImportError:  # the package's cost-sharing module is not there: exact Shapley inline
        shapley = _shapley_inline
    return shapley(players, cost, exact_limit=10, samples=2000, seed=seed)


def _shapley_inline(
    players: list[str], cost: Callable[[frozenset], float], *, exact_limit: int = 10, samples: int = 2000, seed: int = 0
) -> tuple[dict[str, float], dict[str, float]]:
    """Shapley value: exact over all orders' marginal contributions up to ``exact_limit`` players,
    else by ``samples`` random permutations (with the standard error of each share)."""
    import itertools

    n = len(players)
    if n <= exact_limit:
        share = dict.fromkeys(players, 0.0)
        for i, p in enumerate(players):
            others = players[:i] + players[i + 1 :]
            for size in range(n):
                w = math.factorial(size) * math.factorial(n - size - 1) / math.factorial(n)
                for coalition in itertools.combinations(others, size):
                    s = frozenset(coalition)
                    share[p] += w * (cost(s | {p}) - cost(s))
        return share, dict.fromkeys(players, 0.0)
    rng = np.random.default_rng(seed)
    draws = {p: [] for p in players}
    for _ in range(samples):
        order = rng.permutation(n)
        s: frozenset = frozenset()
        before = cost(s)
        for i in order.tolist():
            s = s | {players[i]}
            after = cost(s)
            draws[players[i]].append(after - before)
            before = after
    return (
        {p: float(np.mean(v)) for p, v in draws.items()},
        {p: float(np.std(v, ddof=1) / math.sqrt(len(v))) for p, v in draws.items()},
    )


def _proportional_shares(use: dict[str, float], total: float) -> dict[str, float]:
    try:
        from .costsharing import proportional
    except ImportError:
        proportional = None
    if proportional is not None:
        return proportional(use, total)
    s = sum(use.values())
    if s <= 0:
        return {p: total / len(use) for p in use} if use else {}
    return {p: total * u / s for p, u in use.items()}


def _fmt_shares(shares: dict[str, float]) -> str:
    return ";".join(f"{m}={float(f'{v:.12g}'):g}" if abs(v) < 1e15 else f"{m}={v}" for m, v in shares.items())


# ---------------------------------------------------------------------------------------------
# the public entry point


def _no_progress(done: int, total: int) -> None:
    return None


def optimise(
    network: Network | None,
    scenario: Scenario,
    *,
    solver: Any = None,
    time_limit: float | None = None,
    gap: float | None = None,
    samples: int | None = None,
    seed: int | None = None,
    k: int = 20,
    method: str = "auto",
    budgets: Sequence[float] | None = None,
    frontier: bool = True,
    verify: bool = True,
    progress: Callable[[int, int], None] | None = None,
) -> Strategy:
    """Propose a diversification / certification / stock strategy for a scenario (SPEC section 5).

    The scenario's ``optimise`` block gives the consortium, ``budget`` and/or ``penalty``,
    ``objective`` (expected | cvar | worst) and ``cvar_alpha``. Samples: with a ``monte_carlo``
    block (or ``samples``), the Monte Carlo samples reduced to ``k`` weighted representatives
    (``reduction.reduce_scenarios``); without, the one deterministic scenario.

    ``solver``: "highs" (default) or "cbc" (or a PuLP solver object) for the MILP;
    ``time_limit``: seconds for each MILP solve (the whole loop for Benders); ``gap``: relative
    optimality gap (default ``DEFAULT_GAP``); ``method``: "extensive", "benders" or "auto"
    (Benders beyond ``EXTENSIVE_LIMIT`` variables); ``budgets``: the frontier's budgets
    (default: 0, the cumulative sorted action costs, the scenario's budget and the total);
    ``frontier=False`` skips the sweep, ``verify=False`` the re-stress over every sample;
    ``progress(done, total)`` is called as the work advances.

    Raises ``InputError`` for a scenario without ``optimise`` or unknown consortium members
    (each named, with the nearest valid name), and ``SolverError`` when a solver fails.
    """
    started = time.perf_counter()
    if network is None:
        network = scenario.read_network()
    settings = scenario.optimise
    if settings is None:
        raise InputError(f"{scenario.source or scenario.name}: the scenario has no 'optimise' block (SPEC section 5)")
    if method not in ("auto", "extensive", "benders"):
        raise InputError(f"method must be auto, extensive or benders (got {method!r})")
    progress = progress or _no_progress
    gap = DEFAULT_GAP if gap is None else gap
    milp_solver = (
        solver
        if solver is not None and not isinstance(solver, str)
        else get_solver(solver, time_limit=time_limit, gap=gap)
    )
    timings: dict[str, float] = {}

    inst = _instance(network, scenario)
    t0 = time.perf_counter()
    reduced = _reduced_samples(inst, samples, seed, k)
    timings["reduction_s"] = time.perf_counter() - t0
    objective = _Objective(inst, reduced, settings.objective, settings.cvar_alpha, settings.penalty)
    recourse = _Recourse(inst, _lp_solver(milp_solver))
    zero = inst.complete(np.zeros(inst.n_plan))
    losses_before, _, _ = recourse.losses(zero, reduced)

    notes = list(inst.notes)
    budget = settings.budget
    action_costs = np.concatenate([inst.cost[: inst.n_binary], inst.cost[inst.n_binary + inst.n_pair :]])
    nothing = len(action_costs) == 0
    cheapest = float(action_costs.min()) if len(action_costs) else 0.0
    if nothing:
        notes.append(
            "nothing to decide: the network has no candidates, no certifications for the consortium and no stock_cost"
        )
    n_vars = (
        reduced.k
        * (network.arrays.n_facilities + network.arrays.n_edges + inst.n_new + int(network.arrays.is_final.sum()))
        + inst.n_plan
    )
    chosen = method if method != "auto" else ("benders" if n_vars > EXTENSIVE_LIMIT else "extensive")

    t0 = time.perf_counter()
    progress(0, 1)
    if nothing or (budget is not None and budget < cheapest):
        if not nothing:
            notes.append(f"budget below the cheapest action ({cheapest:g})")
        solution = _Solution(
            zero,
            "optimal",
            0.0,
            objective.value(0.0, losses_before),
            objective.value(0.0, losses_before),
            solver=solver_name(milp_solver),
        )
        engine: Any = None
    elif chosen == "extensive":
        engine = _Extensive(inst, reduced, objective, milp_solver, budget)
        timings["build_s"] = engine.build_seconds
        solution = engine.solve()
    else:
        engine = _Benders(inst, reduced, objective, milp_solver, recourse, budget)
        solution = engine.solve(gap=gap, time_limit=time_limit, progress=progress)
    timings["solve_s"] = time.perf_counter() - t0
    progress(1, 1)

    plan = _prune(inst, recourse, reduced, objective, solution.plan)
    losses_after, _, production = recourse.losses(plan, reduced)
    if objective.value(float(inst.cost @ plan), losses_after) > objective.value(0.0, losses_before) + 1e-9 * (
        objective.loss_scale + abs(objective.value(0.0, losses_before))
    ):
        plan, losses_after = zero, losses_before  # doing nothing is never worse
    cost = float(inst.cost @ plan)
    bought = (plan[: inst.n_binary] > 0.5).any() or (plan[inst.n_binary + inst.n_pair :] > 0).any()
    if not bought and not nothing and not any(n.startswith("budget below") for n in notes):
        notes.append(
            "no action lowers the loss enough to be worth its cost"
            if settings.penalty is not None
            else "no affordable action lowers the loss"
        )

    actions, opened, stock, share_notes = _actions(inst, plan, reduced, recourse, scenario)
    notes += share_notes
    strategy = Strategy(
        actions=actions,
        frontier=pd.DataFrame(columns=FRONTIER_COLUMNS),
        cost=cost,
        expected_loss_before=float(reduced.weight @ losses_before),
        expected_loss_after=float(reduced.weight @ losses_after),
        status=solution.status,
        gap=solution.gap,
        bound=solution.bound,
        objective_value=objective.value(cost, losses_after),
        method=chosen,
        solver=solution.solver or solver_name(milp_solver),
        objective=settings.objective,
        samples=reduced.k,
        notes=notes,
        model_loss_before=float(reduced.weight @ losses_before),
        model_loss_after=float(reduced.weight @ losses_after),
        cvar_before=_cvar(losses_before, reduced.weight, settings.cvar_alpha),
        cvar_after=_cvar(losses_after, reduced.weight, settings.cvar_alpha),
        fidelity=reduced.fidelity,
        timings=timings,
        iterations=solution.iterations,
        opened=opened,
        stock=stock,
        plan=plan,
    )
    del production

    if frontier:
        t0 = time.perf_counter()
        strategy.frontier = _frontier(
            inst,
            reduced,
            objective,
            recourse,
            engine,
            chosen,
            milp_solver,
            plan,
            budgets,
            gap,
            time_limit,
            settings.cvar_alpha,
        )
        timings["frontier_s"] = time.perf_counter() - t0
    if verify:
        t0 = time.perf_counter()
        _verify(strategy, inst, plan, recourse, samples, seed)
        timings["verify_s"] = time.perf_counter() - t0
    timings["optimise_s"] = time.perf_counter() - started
    return strategy


def _prune(
    inst: _Instance, recourse: _Recourse, samples: _Samples, objective: _Objective, plan: np.ndarray
) -> np.ndarray:
    """Drop bought binaries (dearest first) whose removal does not worsen the objective."""
    plan = inst.complete(plan)
    bought = [p for p in np.flatnonzero(plan[: inst.n_binary] > 0.5).tolist() if inst.cost[p] > 0]
    if not bought:
        return plan
    losses, _, _ = recourse.losses(plan, samples)
    current = objective.value(float(inst.cost @ plan), losses)
    tol = 1e-9 * objective.loss_scale
    for p in sorted(bought, key=lambda q: -inst.cost[q]):
        trial = plan.copy()
        trial[p] = 0.0
        trial = inst.complete(trial)
        trial_losses, _, _ = recourse.losses(trial, samples)
        if objective.risk(trial_losses) <= objective.risk(losses) + tol:
            value = objective.value(float(inst.cost @ trial), trial_losses)
            if value <= current + tol:
                plan, losses, current = trial, trial_losses, value
    return plan


def _actions(
    inst: _Instance, plan: np.ndarray, samples: _Samples, recourse: _Recourse, scenario: Scenario
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, list[str]]:
    """strategy.csv rows, the opened edges (for apply) and the stock bought."""
    network, arr = inst.network, inst.network.arrays
    ids = arr.facility_ids
    cand, cert = network.candidates, network.certifications
    rows, opened, notes = [], [], []
    bought_c = [c for c in range(inst.n_cand) if plan[c] > 0.5]
    bought_j = [j for j in range(inst.n_cert) if plan[inst.n_cand + j] > 0.5]
    empty_cols = {
        "members_cost_share": "",
        "max_share": np.nan,
        "stock_weeks": np.nan,
        "members_cost_share_proportional": "",
    }
    for c in bought_c:
        r = cand.iloc[c]
        rows.append(
            {
                "action": "qualify",
                "supplier": r["supplier"],
                "buyer": r["buyer"],
                "item": r["item"],
                "cost": float(r["cost"]),
                "lead_weeks": float(r["lead_weeks"]),
                **empty_cols,
                "max_share": float(r["max_share"]),
            }
        )
    # expected flow value over each opened edge, for the proportional allocation
    flow_use = np.zeros(inst.n_new)
    if bought_j and inst.n_new:
        flow_use = _expected_new_flow(inst, recourse, plan, samples)
    for j in bought_j:
        r = cert.iloc[j]
        edges = np.flatnonzero(inst.edge_cert == j)
        buyers = [ids[v] for v in inst.new_dst[edges].tolist()]
        members = inst.members
        users: dict[str, set[int]] = {m: set() for m in members}
        use = dict.fromkeys(members, 0.0)
        for x in edges.tolist():
            for m in inst.member_of.get(int(inst.new_dst[x]), []):
                users[m].add(j)
                use[m] += float(flow_use[x])
        total = float(r["cost"])
        access = {m for m, js in users.items() if js}

        def game(coalition: frozenset, access: set = access, total: float = total) -> float:
            return total if coalition & access else 0.0

        players = list(members)
        shares, errors = _shapley_shares(players, game, seed=0)
        if any(e > 0 for e in errors.values()):
            worst = max(errors.values())
            notes.append(
                f"Shapley shares of {r['supplier']}/{r['item']} sampled ({len(players)} members): standard "
                f"error up to {worst:.6g}"
            )
        if not access:
            prop = {m: total / len(players) for m in players} if players else {}
        else:
            prop = (
                _proportional_shares({m: use[m] if use[m] > 0 else 0.0 for m in players}, total)
                if sum(use.values()) > 0
                else {m: (total / len(access) if m in access else 0.0) for m in players}
            )
        rows.append(
            {
                "action": "certify",
                "supplier": r["supplier"],
                "buyer": ";".join(buyers),
                "item": r["item"],
                "cost": total,
                "lead_weeks": float(r["lead_weeks"]),
                "members_cost_share": _fmt_shares(shares),
                "max_share": float(r["max_share"]),
                "stock_weeks": np.nan,
                "members_cost_share_proportional": _fmt_shares(prop),
            }
        )
    # opened edges with the share that counts (larger max_share of the openers bought)
    for x in range(inst.n_new):
        c, j = int(inst.edge_cand[x]), int(inst.edge_cert[x])
        shares_ = []
        leads = []
        if c >= 0 and plan[c] > 0.5:
            shares_.append(float(cand["max_share"].iat[c]))
            leads.append(float(cand["lead_weeks"].iat[c]))
        if j >= 0 and plan[inst.n_cand + j] > 0.5:
            shares_.append(float(cert["max_share"].iat[j]))
            leads.append(float(cert["lead_weeks"].iat[j]))
        if shares_:
            opened.append(
                {
                    "supplier": ids[inst.new_src[x]],
                    "buyer": ids[inst.new_dst[x]],
                    "item": arr.item_ids[inst.new_item[x]],
                    "max_share": max(shares_),
                    "lead_weeks": min(leads),
                }
            )
    stock_rows = []
    s0 = inst.n_binary + inst.n_pair
    for i, r in enumerate(inst.stock_recipes.tolist()):
        weeks = float(plan[s0 + i])
        if weeks <= 1e-9:
            continue
        fac, item = ids[arr.recipe_facility[r]], arr.item_ids[arr.recipe_item[r]]
        cost = weeks * float(inst.cost[s0 + i])
        rows.append(
            {
                "action": "stock",
                "supplier": "",
                "buyer": fac,
                "item": item,
                "cost": cost,
                "lead_weeks": 0.0,
                **empty_cols,
                "stock_weeks": weeks,
            }
        )
        stock_rows.append({"facility": fac, "item": item, "weeks": weeks})
    actions = pd.DataFrame(rows, columns=STRATEGY_COLUMNS)
    return (
        actions,
        pd.DataFrame(opened, columns=["supplier", "buyer", "item", "max_share", "lead_weeks"]),
        pd.DataFrame(stock_rows, columns=["facility", "item", "weeks"]),
        notes,
    )


def _expected_new_flow(inst: _Instance, recourse: _Recourse, plan: np.ndarray, samples: _Samples) -> np.ndarray:
    """Expected value delivered over each opened edge (weeks × c_v q_vk × value_k), for the
    proportional-to-use cost allocation."""
    arr = inst.network.arrays
    unit = arr.capacity[inst.new_dst] * arr.quantity[inst.new_recipe] * arr.item_value[inst.new_item]
    total = np.zeros(inst.n_new)
    for s in range(samples.k):
        recourse.evaluate(plan, samples.edge[s], samples.own[s], samples.new[s], gradient=False)
        total += samples.weight[s] * recourse.run.values(recourse.block.u) * unit
    return total


def _budget_grid(inst: _Instance, budget: float | None, budgets: Sequence[float] | None) -> list[float]:
    if budgets is not None:
        return sorted({float(b) for b in budgets})
    costs = np.sort(inst.cost[: inst.n_binary][inst.cost[: inst.n_binary] > 0])
    total = float(inst.cost @ inst.upper)
    grid = {0.0, total} | set(np.cumsum(costs).tolist())
    if budget is not None:
        grid.add(float(budget))
    points = sorted(grid)
    if len(points) > 9:  # keep 0, the total, the budget and evenly spread cumulative costs
        keep = {points[0], points[-1]} | ({float(budget)} if budget is not None else set())
        picks = np.linspace(0, len(points) - 1, 7).round().astype(int).tolist()
        points = sorted(keep | {points[i] for i in picks})
    while len(points) < 3:
        gaps = np.diff(points) if len(points) > 1 else np.array([1.0])
        i = int(np.argmax(gaps))
        points = sorted({*points, (points[i] + (points[i + 1] if len(points) > 1 else 1.0)) / 2})
    return points


def _frontier(
    inst: _Instance,
    samples: _Samples,
    objective: _Objective,
    recourse: _Recourse,
    engine: Any,
    method: str,
    solver: Any,
    plan: np.ndarray,
    budgets: Sequence[float] | None,
    gap: float,
    time_limit: float | None,
    alpha: float,
) -> pd.DataFrame:
    """Budget sweep: min R + ε cost s.t. cost ≤ b for increasing b, each warm-started from the
    previous plan (a MIP start; it stays feasible) with the incumbent bound R ≤ R(previous)."""
    grid = _budget_grid(inst, inst.scenario.optimise.budget if inst.scenario.optimise else None, budgets)
    rows = []
    previous = inst.complete(np.zeros(inst.n_plan))
    prev_losses, _, _ = recourse.losses(previous, samples)
    if engine is None and inst.n_plan:
        engine = (
            _Extensive(inst, samples, objective, solver, None)
            if method == "extensive"
            else _Benders(inst, samples, objective, solver, recourse, None)
        )
    for b in grid:
        if engine is not None and (inst.cost <= b + 1e-9).any() and inst.n_plan:
            cap = objective.risk(prev_losses)
            cap = cap + 1e-9 * objective.loss_scale + 1e-9 * abs(cap)
            start = previous if float(inst.cost @ previous) <= b else None
            if isinstance(engine, _Extensive):
                sol = engine.sweep_point(b, cap, start)
            else:
                sol = engine.sweep_point(b, cap, start, gap, time_limit)
            trial = inst.complete(sol.plan)
            trial_losses, _, _ = recourse.losses(trial, samples)
            if objective.risk(trial_losses) <= objective.risk(prev_losses) + 1e-9 * objective.loss_scale:
                previous, prev_losses = trial, trial_losses
        rows.append(
            {
                "budget": b,
                "expected_lost_output": float(samples.weight @ prev_losses),
                "cvar_lost_output": _cvar(prev_losses, samples.weight, alpha),
                "cost": float(inst.cost @ previous),
                "actions": int((previous[: inst.n_binary] > 0.5).sum()),
            }
        )
    return pd.DataFrame(rows, columns=FRONTIER_COLUMNS)


def _verify(
    strategy: Strategy, inst: _Instance, plan: np.ndarray, recourse: _Recourse, samples: int | None, seed: int | None
) -> None:
    """Re-stress with the strategy in force (SPEC section 5): adaptive over every sample,
    static (``stress`` on ``Strategy.apply(network)``) for the scenario with everything in force,
    and the adaptive availability after (loss-optimal plan producing the most)."""
    from .stress import stress

    network, scenario = inst.network, inst.scenario
    full = _all_samples(inst, samples, seed)
    zero = inst.complete(np.zeros(inst.n_plan))
    before, _, _ = recourse.losses(zero, full)
    after, _, _ = recourse.losses(plan, full)
    result = {
        "samples": full.fidelity.get("samples", 1),
        "distinct_samples": full.k,
        "expected_lost_output_before": float(full.weight @ before),
        "expected_lost_output_after": float(full.weight @ after),
        "cvar_lost_output_before": _cvar(before, full.weight, _alpha(scenario)),
        "cvar_lost_output_after": _cvar(after, full.weight, _alpha(scenario)),
    }
    tolerance = 1e-7 * max(1.0, float(np.max(before)) if len(before) else 1.0)
    result["confirmed"] = bool(np.all(after <= before + tolerance))
    if not result["confirmed"]:
        strategy.notes.append("VERIFICATION FAILED: the strategy raises the loss in some sample (a bug)")
    # availability after: every control and disruption in force, the most production at least loss
    det = _all_samples(inst, None, None) if scenario.monte_carlo is not None or samples is not None else full
    strategy.availability_after = _availability(inst, plan, det)
    static_before = stress(network, scenario).metric("lost_output")
    result["static_lost_output_before"] = static_before
    try:
        applied = strategy.apply(network)
        result["static_lost_output_after"] = stress(applied, scenario).metric("lost_output")
    except InputError as exc:
        strategy.notes.append(f"apply: the strategy could not be applied to the network ({exc.summary})")
    strategy.verification = result
    strategy.expected_loss_before = result["expected_lost_output_before"]
    strategy.expected_loss_after = result["expected_lost_output_after"]


def _alpha(scenario: Scenario) -> float:
    return scenario.optimise.cvar_alpha if scenario.optimise is not None else 0.95


def _availability(inst: _Instance, plan: np.ndarray, det: _Samples) -> np.ndarray:
    """Adaptive availability P_v / (c_v H) with the plan in force: the least loss, then the
    most production within ``OPTIMUM_TOLERANCE`` of it (as ``adaptive_stress``)."""
    from .analysis.flow import OPTIMUM_TOLERANCE

    recourse = _Recourse(inst, _lp_solver(None))
    loss, _, production = recourse.evaluate(plan, det.edge[0], det.own[0], det.new[0], gradient=False)
    arr = inst.network.arrays
    if recourse.block.lost:
        scale = float((arr.value * arr.capacity)[arr.is_final].sum())
        limit = loss + OPTIMUM_TOLERANCE * scale
        expr = pulp.LpAffineExpression(list(zip(recourse.block.lost, recourse.loss_weight.tolist(), strict=True)))
        recourse.run.add_constraint(pulp.LpConstraint(expr, pulp.LpConstraintLE, rhs=limit), "loss_at_optimum")
        recourse.run.set_objective(pulp.LpAffineExpression([(x, 1.0) for x in recourse.block.x]), pulp.LpMaximize)
        status = recourse.run.solve(warm=False)
        if status.objective is not None:
            production = recourse.run.values(recourse.block.x)
    return np.clip(production / inst.horizon, 0.0, 1.0)
