"""The strategy MILP (docs/model.md §5), one ``define_*`` function per constraint family.

**First stage** (decided once, before the scenario is known), the *plan* π (``instance``):

    y_c ∈ {0, 1}   qualify candidate c (a row of ``candidates``: u → v for item k), cost C_c
    z_j ∈ {0, 1}   grant certification j (a row of ``certifications``: supplier u, item k) for
                   the consortium, cost C_j once; it opens u → v for every member buyer v with a
                   recipe for k that u does not already supply
    w_x ∈ [0, 1]   w_x = y_c · z_j for an edge x opened by both a candidate and a certification
    b_e ∈ {0, 1}   build expansion e (a row of ``expansions``: Δ_e units per week more at
                   facility v, in use from lead_weeks L_e on), cost C_e; only with the scenario's
                   ``optimise.expansions``
    w_x ∈ [0, 1]   (as above)
    σ_r ≥ 0        extra stock weeks of recipe r (only recipes with a ``stock_cost`` S_r), σ_r ≤ H − s_r

    cost(π) = Σ_c C_c y_c + Σ_j C_j z_j + Σ_e C_e b_e + Σ_r S_r σ_r

**Second stage**, per scenario sample s of probability p_s: the flow LP of docs/model.md §4 with
t = H, the sample's own factors o_vs and edge factors a_es, written in weeks as in
``analysis.flow`` (x_v = P_v / c_v, y_e = F_e / (c_v q_vk), l_v = L_v / c_v, u_x the flow on
opened edge x in weeks of the buyer's need):

    x_vs ≤ o_vs · H                                            (capacity; a bound)
    x_vs − o_vs · Σ_{e at v} κ_e b_e ≤ o_vs · H                facilities with expansions
    y_es ≤ a_es · share_e · H         for edges a control covers (a bound)
    x_vs − Σ_{e into r} y_es − Σ_{x into r} u_xs − σ_r ≤ s_r   every recipe r = (v, k)
    Σ_{e out of u} (c_v q_vk / c_u) y_es + Σ_{x out of u} (c_v q_vk / c_u) u_xs − x_us ≤ 0
    u_xs ≤ a_xs · (κ_c y_c + κ_j z_j + (κ_cj − κ_c − κ_j) w_x)  every opened edge x
    x_vs + l_vs ≥ H                                            every final output v
    loss_s = Σ_{final v ∈ M} value_v · c_v · l_vs / H          (final-output value per week)

with κ_e = Δ_e / c_v · max(0, H − L_e) the weeks of v's normal output an expansion adds over the
horizon (P_v ≤ o_v · (c_v · H + Δ_e · max(0, H − L_e)), docs/model.md §5),
where M, whose loss counts, is the consortium members' final outputs (in a member country, of a
member company, or member facilities), or every final output without a consortium
(``_loss_weights``).

with κ = max_share · max(0, H − lead_weeks) the weeks of need an opener can deliver over the
horizon (F_e ≤ a_e · max_share · c_v · q_vk · max(0, H − lead_weeks), docs/model.md §5) and
κ_cj = max(max_share_c, max_share_j) · max(0, H − min(lead_c, lead_j)) when both open x (the
larger share and the shorter lead count). Because w_x = y_c z_j exactly (w ≤ y, w ≤ z,
w ≥ y + z − 1), the right-hand side is κ_c, κ_j or κ_cj on every binary plan.

**Objectives** (R is the risk measure of the losses, ``define_risk``): with a ``penalty`` P,
minimise cost + P · R (and cost ≤ budget if one is given); with a ``budget`` B alone, minimise
R + ε · cost subject to cost ≤ B (``solve._Objective``).

Every family is built in one pass from its index sets, each row from a list of (variable,
coefficient) pairs (``pulp.LpAffineExpression``), never by ``expr = expr + x`` in a loop.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pulp

from ..errors import InputError
from .instance import _Instance

__all__ = [
    "define_added_capacity",
    "define_benders_cut",
    "define_budget",
    "define_final_demand",
    "define_opened_edges",
    "define_overlap",
    "define_recipes",
    "define_risk",
    "define_risk_cap",
    "define_supplier_output",
]


@dataclass(eq=False)
class _Block:
    """Second-stage variables of one scenario sample."""

    x: list[pulp.LpVariable]
    y: list[pulp.LpVariable]
    u: list[pulp.LpVariable]
    lost: list[pulp.LpVariable]


def _segments(keys: np.ndarray, n_groups: int) -> list[list[int]]:
    """For each group g in 0 … n_groups − 1, the positions i with keys[i] == g (in order)."""
    order = np.argsort(keys, kind="stable")
    starts = np.searchsorted(keys[order], np.arange(n_groups + 1))
    order_list, starts_list = order.tolist(), starts.tolist()
    return [order_list[starts_list[g] : starts_list[g + 1]] for g in range(n_groups)]


def _add(
    problem: pulp.LpProblem, name: str, pairs: list[tuple[pulp.LpVariable, float]], sense: int, rhs: float
) -> None:
    """Add the row Σ coefficient · variable (sense) rhs, built from its pairs in one call."""
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
    # with expansions the bound is the loosest (every expansion built); define_added_capacity
    # adds the row that ties it to the plan
    x_ub = [None] * n if own is None else (own * (horizon + inst.exp_room)).tolist()
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


def define_added_capacity(
    problem: pulp.LpProblem,
    blocks: Sequence[_Block],
    inst: _Instance,
    plan: Sequence[pulp.LpVariable],
    own: np.ndarray,
) -> int:
    """Capacity with expansions, per sample s and facility v with expansions and o_vs > 0:

        x_vs − o_vs · Σ_{e at v} κ_e b_e ≤ o_vs · H

    (P_v ≤ o_v · (c_v H + Σ_e Δ_e · max(0, H − L_e) b_e) in weeks of v's normal output; the
    variable's own bound is o_vs · (H + Σ_e κ_e), every expansion built).
    """
    if not inst.n_exp:
        return 0
    sites = _segments(inst.exp_facility, inst.network.arrays.n_facilities)
    built = [(v, [(plan[inst.exp_start + e], float(inst.exp_weeks[e])) for e in rows]) for v, rows in enumerate(sites)]
    built = [(v, pairs) for v, pairs in built if pairs]
    count = 0
    for s, b in enumerate(blocks):
        for v, pairs in built:
            o = float(own[s, v])
            if o <= 0:
                continue
            row = [(b.x[v], 1.0)] + [(var, -o * kappa) for var, kappa in pairs]
            _add(problem, f"expanded_{s}_{v}", row, pulp.LpConstraintLE, o * inst.horizon)
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
    cvar_alpha: float,
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
            [(eta, 1.0)] + [(v, p / (1 - cvar_alpha)) for v, p in zip(xi, weight.tolist(), strict=True)]
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
    """π in one pass: binaries y, z, b; continuous w ∈ [0, 1]; σ_r ∈ [0, H − s_r]."""
    b, w = inst.n_binary, inst.n_pair
    arr = inst.network.arrays
    names = (
        [f"qualify_{c}" for c in range(inst.n_cand)]
        + [f"certify_{j}" for j in range(inst.n_cert)]
        + [f"expand_{arr.facility_ids[v]}_{e}" for e, v in enumerate(inst.exp_facility.tolist())]
        + [f"both_{p}" for p in range(w)]
        + [f"stock_{arr.facility_ids[arr.recipe_facility[r]]}_{r}" for r in inst.stock_recipes.tolist()]
    )
    cats = [pulp.LpBinary] * b + [pulp.LpContinuous] * (len(names) - b)
    return [
        problem.add_variable(n, 0, float(ub), cat) for n, ub, cat in zip(names, inst.upper.tolist(), cats, strict=True)
    ]


def _cost_expression(inst: _Instance, plan: Sequence[pulp.LpVariable]) -> pulp.LpAffineExpression:
    """cost(π) = Σ_c C_c y_c + Σ_j C_j z_j + Σ_e C_e b_e + Σ_r S_r σ_r (the zero-cost pair columns
    w left out)."""
    return pulp.LpAffineExpression([(v, float(c)) for v, c in zip(plan, inst.cost.tolist(), strict=True) if c])


def _loss_weights(inst: _Instance, whose: str = "members") -> np.ndarray:
    """loss_s = Σ_{final v} w_v l_vs (final outputs in table order), value per week.

    ``whose="members"`` (what the optimiser minimises): w_v = value_v · c_v / H for the
    members' final outputs and 0 for the others (every final output counts without a
    consortium); ``whose="world"``: w_v = value_v · c_v / H for every final output.
    """
    arr = inst.network.arrays
    finals = np.flatnonzero(arr.is_final)
    weight = np.asarray(arr.value[finals] * arr.capacity[finals] / inst.horizon, dtype=float)
    if whose == "world":
        return weight
    if whose != "members":
        raise ValueError(f"whose must be 'members' or 'world' (got {whose!r})")
    return np.where(inst.member_final, weight, 0.0)
