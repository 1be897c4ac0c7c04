"""The flow LP of docs/model.md §4 and the adaptive stress built on it.

Over a window of t weeks, with c_v the capacity per week of facility v, q_vk its recipe
quantity of item k, s_vk its stock in weeks of normal use, and all variables ≥ 0 (docs/model.md §4, after
Simchi-Levi et al., "Identifying Risks and Mitigating Disruptions in the Automotive Supply
Chain", Interfaces 45(5), 2015):

    minimise  Σ_{final v} value_v · L_v
    P_v ≤ cap_v · t                                   cap_v = o_v · c_v (0 for a facility down)
    q_vk · P_v ≤ Σ_{e into (v, k)} F_e + s_vk · q_vk · c_v      every recipe (v, k)
    Σ_{e out of u} F_e ≤ P_u                          every supplier u
    F_e ≤ a_e · c_v · q_vk · share_e · t              every edge e a control covers (a_e < 1)
    P_v + L_v ≥ c_v · t                               every final output v

**Scaled variables.** Capacities of the bundled network span seven orders of magnitude
(EUV scanners to wafers), so the model is written in weeks rather than units:

    x_v = P_v / c_v        weeks of full production of v
    y_e = F_e / (c_v q_vk) weeks of buyer v's full need of item k delivered over e
    l_v = L_v / c_v        weeks of final output v lost

which is the same LP (each row divided by a positive constant) with unit coefficients
everywhere except the supplier rows, whose coefficients c_v q_vk / c_u are demand ratios:

    x_v ≤ o_v · t                                     (capacity)
    x_v − Σ_{e into (v, k)} y_e ≤ s_vk                (recipe with stock)
    Σ_{e out of u} (c_v q_vk / c_u) · y_e − x_u ≤ 0   (supplier output)
    y_e − a_e · share_e · t ≤ 0                       (control caps)
    x_v + l_v − t ≥ 0                                 (final demand)
    objective  Σ_{final v} (value_v · c_v) · l_v  = Σ value_v · L_v

The window t is a variable of the model. Fixing it (lower = upper bound) gives the loss LP
over a given window; leaving it free in [0, H] with l = 0 and maximising t gives the
time-to-survive LP in (P, F, t) of the exposure analysis. A facility is taken down by the
upper bound x_j ≤ 0. So one model serves every facility and both questions, and only
bounds and the objective change between solves (``ReusableProblem`` pushes them to a live
HiGHS model and re-solves from the previous basis).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pulp

from ..scenario import CompiledScenario, Scenario, prepare
from ..solvers import ReusableProblem, SolveStatus, get_solver

if TYPE_CHECKING:
    from pathlib import Path

    from ..arrays import NetworkArrays
    from ..network import Network

__all__ = [
    "AdaptiveResult",
    "FairPlan",
    "FlowModel",
    "adaptive_stress",
    "build_flow_model",
    "define_capacity",
    "define_control_caps",
    "define_final_demand",
    "define_recipes",
    "define_supplier_output",
    "fair_plan",
    "interchangeable_finals",
    "resolve_solver",
]

OPTIMUM_TOLERANCE = 1e-7
"""Relative tolerance of each lexicographic stage of the adaptive stress on the optimum of the
stage before (docs/model.md §4): the loss may exceed its optimum by this fraction of it, a
final output fixed at a max-min level may fall below it by this fraction of the level (each
plus its ``ABSOLUTE_TOLERANCE``)."""

ABSOLUTE_TOLERANCE = 1e-9
"""The absolute floor beside ``OPTIMUM_TOLERANCE``, so that an optimum of 0 does not ask the
solver for more than its feasibility tolerance: a fraction of Σ_final value_v · c_v · H (all
final output of the horizon) for the loss, an availability (0–1) for a max-min level."""

MAX_FAIR_ROUNDS = 12
"""At most this many max-min rounds in stage 2 (one per distinct level in the usual case; the
bundled scenarios need 2 to 7). Beyond it the final outputs not yet fixed keep only the last
level as a floor (``AdaptiveResult.fair`` is then False): a deterministic bound on the cost,
since on a large random network nearly every final output can have a level of its own."""

BOTTLENECK_DUAL = 1e-9
"""A final output is in the bottleneck of a max-min round when the dual of its row
x_v ≥ H · s exceeds this fraction of the sum of those duals (which is 1/H at an optimum)."""


@dataclass(eq=False)
class FlowModel:
    """The flow LP of one network under fixed capacity and edge factors, built once.

    ``production[v]`` is x_v (facility v in table order), ``flow[e]`` is y_e (supply edge e
    in table order), ``lost[i]`` is l_v of the final output ``finals[i]``, ``window`` is t.
    ``loss_weight[i]`` = value_v · c_v, so that Σ loss_weight · l = Σ value_v · L_v.
    ``build_seconds`` is the time spent building the PuLP model.
    """

    problem: pulp.LpProblem
    production: list[pulp.LpVariable]
    flow: list[pulp.LpVariable]
    lost: list[pulp.LpVariable]
    window: pulp.LpVariable
    finals: np.ndarray
    loss_weight: np.ndarray
    covered: np.ndarray
    build_seconds: float = 0.0
    rows: dict[str, int] = field(default_factory=dict)

    def __repr__(self) -> str:
        rows = ", ".join(f"{n} {k}" for k, n in self.rows.items())
        return (
            f"<FlowModel: {len(self.production)} facilities, {len(self.flow)} supply edges "
            f"({int(self.covered.sum())} capped by controls), {len(self.lost)} final outputs; rows: {rows}>"
        )

    def loss_objective(self) -> pulp.LpAffineExpression:
        """Σ_{final v} value_v · L_v = Σ (value_v · c_v) · l_v (final-output value lost).

        Without final outputs (every facility supplies someone) it is 0 · t: PuLP pads an
        objective without variables with a dummy variable that stays in the model after the
        objective changes, which CBC then rejects.
        """
        if not self.lost:
            return pulp.LpAffineExpression([(self.window, 0.0)])
        return pulp.LpAffineExpression(list(zip(self.lost, self.loss_weight.tolist(), strict=True)))

    def production_objective(self) -> pulp.LpAffineExpression:
        """Σ_v P_v / c_v = Σ_v x_v (weeks of full production, summed over facilities)."""
        return pulp.LpAffineExpression([(x, 1.0) for x in self.production])

    def window_objective(self) -> pulp.LpAffineExpression:
        """t, the window in weeks."""
        return pulp.LpAffineExpression([(self.window, 1.0)])


def _segments(keys: np.ndarray, n_groups: int) -> tuple[list[int], list[int]]:
    """Members of each group as slices of one sorted order: group g holds
    ``order[starts[g]:starts[g + 1]]`` (a stable counting sort; O(len(keys) + n_groups))."""
    order = np.argsort(keys, kind="stable")
    starts = np.searchsorted(keys[order], np.arange(n_groups + 1))
    return order.tolist(), starts.tolist()


def _add_rows(
    problem: pulp.LpProblem, family: str, rows: list[tuple[list[tuple[Any, float]], int, float]], labels: list[int]
) -> int:
    """Add one family of rows, each given as (pairs, sense, rhs); returns how many."""
    for label, (pairs, sense, rhs) in zip(labels, rows, strict=True):
        problem.addConstraint(pulp.LpConstraint(pulp.LpAffineExpression(pairs), sense, rhs=rhs), f"{family}_{label}")
    return len(rows)


def define_capacity(
    problem: pulp.LpProblem, production: list[pulp.LpVariable], window: pulp.LpVariable, own_factor: np.ndarray
) -> int:
    """Capacity: P_v ≤ o_v · c_v · t, i.e. x_v − o_v · t ≤ 0 for every facility v.

    o_v is the own factor of the disruptions (1 when none hits v); a facility taken down
    gets the upper bound x_v ≤ 0 instead of a changed row.
    """
    rows = [
        ([(x, 1.0), (window, -o)], pulp.LpConstraintLE, 0.0)
        for x, o in zip(production, own_factor.tolist(), strict=True)
    ]
    return _add_rows(problem, "capacity", rows, list(range(len(rows))))


def define_recipes(
    problem: pulp.LpProblem, production: list[pulp.LpVariable], flow: list[pulp.LpVariable], arr: NetworkArrays
) -> int:
    """Bill of materials with stock: q_vk · P_v ≤ Σ_{e into (v, k)} F_e + s_vk · q_vk · c_v for
    every recipe (v, k), i.e. x_v − Σ_{e into (v, k)} y_e ≤ s_vk (stock in weeks of need).

    Any split over the qualified edges into (v, k) counts, not only the nominal shares.
    """
    order, starts = _segments(arr.edge_recipe, arr.n_recipes)
    stock = arr.stock_weeks.tolist()
    facility = arr.recipe_facility.tolist()
    rows = []
    for r in range(arr.n_recipes):
        pairs = [(production[facility[r]], 1.0)] + [(flow[e], -1.0) for e in order[starts[r] : starts[r + 1]]]
        rows.append((pairs, pulp.LpConstraintLE, stock[r]))
    return _add_rows(problem, "recipe", rows, list(range(arr.n_recipes)))


def define_supplier_output(
    problem: pulp.LpProblem, production: list[pulp.LpVariable], flow: list[pulp.LpVariable], arr: NetworkArrays
) -> int:
    """Supplier output: Σ_{e out of u} F_e ≤ P_u for every supplier u, i.e.
    Σ_{e = (u→v, k)} (c_v · q_vk / c_u) · y_e − x_u ≤ 0.
    """
    need = arr.capacity[arr.edge_dst] * arr.quantity[arr.edge_recipe] / arr.capacity[arr.edge_src]
    order, starts = _segments(arr.edge_src, arr.n_facilities)
    need_list = need.tolist()
    rows, labels = [], []
    for u in range(arr.n_facilities):
        edges = order[starts[u] : starts[u + 1]]
        if not edges:
            continue
        pairs = [(flow[e], need_list[e]) for e in edges]
        pairs.append((production[u], -1.0))
        rows.append((pairs, pulp.LpConstraintLE, 0.0))
        labels.append(u)
    return _add_rows(problem, "supply", rows, labels)


def define_control_caps(
    problem: pulp.LpProblem,
    flow: list[pulp.LpVariable],
    window: pulp.LpVariable,
    edge_factor: np.ndarray,
    arr: NetworkArrays,
) -> int:
    """Control caps: F_e ≤ a_e · c_v · q_vk · share_e · t for every edge e covered by a control
    (a_e < 1), i.e. y_e − a_e · share_e · t ≤ 0. An edge no control covers is limited only by
    its supplier's output (and one covered with licence approval 1 has a_e = 1: uncapped).
    """
    covered = np.flatnonzero(edge_factor < 1.0).tolist()
    cap = (edge_factor * arr.share).tolist()
    rows = [([(flow[e], 1.0), (window, -cap[e])], pulp.LpConstraintLE, 0.0) for e in covered]
    return _add_rows(problem, "control", rows, covered)


def define_final_demand(
    problem: pulp.LpProblem,
    production: list[pulp.LpVariable],
    lost: list[pulp.LpVariable],
    window: pulp.LpVariable,
    finals: np.ndarray,
) -> int:
    """Final demand with loss: P_v + L_v ≥ c_v · t for every final output v (a facility that
    supplies no one), i.e. x_v + l_v − t ≥ 0.
    """
    rows = [
        ([(production[v], 1.0), (loss, 1.0), (window, -1.0)], pulp.LpConstraintGE, 0.0)
        for v, loss in zip(finals.tolist(), lost, strict=True)
    ]
    return _add_rows(problem, "demand", rows, finals.tolist())


def build_flow_model(
    network: Network, *, own_factor: np.ndarray | None = None, edge_factor: np.ndarray | None = None, name: str = "flow"
) -> FlowModel:
    """Build the flow LP of ``network`` once (see the module docstring for the maths).

    ``own_factor`` (N, table order; default 1) scales each facility's capacity;
    ``edge_factor`` (E, table order; default 1) is a_e: edges with a_e < 1 get a control cap.
    The window t is a variable in [0, ∞) and the objective is the loss; callers fix t or
    change the objective by bounds (``ReusableProblem``).
    """
    start = time.perf_counter()
    arr = network.arrays
    n, n_edges = arr.n_facilities, arr.n_edges
    own = np.ones(n) if own_factor is None else np.asarray(own_factor, dtype=float).reshape(n)
    edge = np.ones(n_edges) if edge_factor is None else np.asarray(edge_factor, dtype=float).reshape(n_edges)
    finals = np.flatnonzero(arr.is_final)

    problem = pulp.LpProblem(name, pulp.LpMinimize)
    production = problem.add_variable_matrix("x", list(range(n)), lowBound=0)
    flow = problem.add_variable_matrix("y", list(range(n_edges)), lowBound=0)
    lost = problem.add_variable_matrix("l", finals.tolist(), lowBound=0)
    window = problem.add_variable("t", lowBound=0)

    rows = {
        "capacity": define_capacity(problem, production, window, own),
        "recipe": define_recipes(problem, production, flow, arr),
        "supply": define_supplier_output(problem, production, flow, arr),
        "control": define_control_caps(problem, flow, window, edge, arr),
        "demand": define_final_demand(problem, production, lost, window, finals),
    }
    loss_weight = arr.value[finals] * arr.capacity[finals]
    model = FlowModel(problem, production, flow, lost, window, finals, loss_weight, edge < 1.0, rows=rows)
    problem.setObjective(model.loss_objective())
    model.build_seconds = time.perf_counter() - start
    return model


def resolve_solver(solver: Any, *, time_limit: float | None = None, gap: float | None = None) -> Any:
    """A PuLP solver object from a name (None = default) or a PuLP solver object as given."""
    if solver is None or isinstance(solver, str):
        return get_solver(solver, time_limit=time_limit, gap=gap)
    return solver


# ---------------------------------------------------------------------------------------------
# lexicographic stages: least loss, then fair to final outputs, then most production


def _within(optimum: float, floor: float) -> float:
    """The slack a stage grants on the optimum of the stage before: ``OPTIMUM_TOLERANCE`` of
    it plus an absolute ``floor``."""
    return OPTIMUM_TOLERANCE * abs(optimum) + floor


def interchangeable_finals(
    arr: NetworkArrays, finals: np.ndarray, own_factor: np.ndarray, edge_factor: np.ndarray
) -> np.ndarray:
    """A class label per final output (order of ``finals``): equal labels for final outputs
    the flow LP cannot tell apart but for their capacity. Two final outputs are
    interchangeable when they have the same value per unit and own factor and the same
    recipes (item, quantity, stock weeks), each bought from the same suppliers with the same
    cap a_e · share_e (or none, for an edge no control covers).

    Averaging such outputs' plans, weighted by capacity, keeps every row (the supplier rows
    see the same units, the recipe, cap and capacity rows are convex combinations) and the
    loss, so holding their availabilities equal costs nothing in any stage.
    """
    keys: dict[int, list[tuple[Any, ...]]] = {int(v): [] for v in finals.tolist()}
    cap = np.where(edge_factor < 1.0, edge_factor * arr.share, np.inf)
    order, starts = _segments(arr.edge_recipe, arr.n_recipes)
    for r in range(arr.n_recipes):
        v = int(arr.recipe_facility[r])
        if v not in keys:
            continue
        edges = order[starts[r] : starts[r + 1]]
        suppliers = tuple(sorted((int(arr.edge_src[e]), float(cap[e])) for e in edges))
        keys[v].append((int(arr.recipe_item[r]), float(arr.quantity[r]), float(arr.stock_weeks[r]), suppliers))
    labels: dict[tuple[Any, ...], int] = {}
    out = np.empty(len(finals), dtype=np.int64)
    for i, v in enumerate(finals.tolist()):
        key = (float(arr.value[v]), float(own_factor[v]), tuple(sorted(keys[v])))
        out[i] = labels.setdefault(key, len(labels))
    return out


def _fix_levels(
    run: ReusableProblem, variables: list[pulp.LpVariable], level: float, slack: float, horizon: float
) -> None:
    """Bound x_v to H · [level − slack, level + slack] (within the bounds it has)."""
    lower, upper = [], []
    for x in variables:
        hi = horizon * (level + slack) if x.upBound is None else min(x.upBound, horizon * (level + slack))
        lo = max(0.0 if x.lowBound is None else x.lowBound, horizon * (level - slack))
        lower.append(min(lo, hi))
        upper.append(hi)
    run.set_bounds(variables, lower, upper)


@dataclass(frozen=True, eq=False)
class FairPlan:
    """The plan of stages 2 and 3 of the adaptive stress (``fair_plan``, docs/model.md §4).

    - ``production``: x_v (weeks of full production) of every production variable given;
    - ``levels``: per final output (order of ``finals``) the max-min availability level
      stage 2 fixed it at (NaN when stage 2 stopped before reaching it);
    - ``rounds``: the max-min LPs solved (one per round of progressive filling);
    - ``fairness_solve``: how the last of them ended (None without a round);
      ``production_solve`` how stage 3 ended (None when not run);
    - ``complete``: every final output was fixed, so ``levels`` is the leximin vector.
    """

    production: np.ndarray
    levels: np.ndarray
    rounds: int
    fairness_solve: SolveStatus | None
    production_solve: SolveStatus | None
    complete: bool
    seconds: dict[str, float] = field(default_factory=dict)


def fair_plan(
    run: ReusableProblem,
    production: list[pulp.LpVariable],
    finals: np.ndarray,
    loss: pulp.LpAffineExpression,
    optimum: float,
    *,
    horizon: float,
    loss_scale: float,
    ceiling: np.ndarray | None = None,
    classes: np.ndarray | None = None,
    first_plan: np.ndarray | None = None,
    max_rounds: int | None = None,
) -> FairPlan:
    """Stages 2 and 3 of the adaptive stress, on a loss LP ``run`` just solved to ``optimum``.

    ``production`` are the x_v (weeks of full production, ≤ H) of every facility, ``finals``
    the positions in it of the final outputs, ``loss`` the loss expression Σ value_v · L_v,
    ``loss_scale`` Σ_final value_v · c_v · H (all final output of the horizon), ``ceiling``
    each final's largest possible availability (o_v; default 1), ``classes`` a label per
    final (``interchangeable_finals``; default none alike) and ``first_plan`` the stage-1 x
    (the fallback when a later stage finds no plan). The model is changed in place.

    Every stage keeps the loss row Σ value_v · L_v ≤ optimum + ``_within``(optimum,
    ``ABSOLUTE_TOLERANCE`` · loss_scale), added once.

    **Stage 2: lexicographic max-min availability of the final outputs** (progressive
    filling). With F the finals not yet fixed, round r adds a free level variable s_r and the
    rows x_v − H · s_r ≥ 0 for v in F, and maximises s_r; its optimum t_r is the largest
    availability every final of F can reach at once. The bottleneck, the v in F whose row has
    a nonzero dual (above ``BOTTLENECK_DUAL`` of the duals' sum), cannot exceed t_r in any
    plan that gives all of F at least t_r (complementary slackness: such a row is tight in
    every optimal solution), so it is fixed at level t_r; finals whose ceiling is within
    tolerance of t_r are fixed too (they can rise no further). Fixing bounds x_v to
    H · (t_r ± δ_r), δ_r = ``_within``(t_r, ``ABSOLUTE_TOLERANCE``), and s_r to ≥ t_r − δ_r, so
    the rows of round r hold every final still free at ≥ t_r − δ_r too (the later rounds'
    levels are larger anyway). The upper bound keeps the many small slacks of large buyers
    from being pooled into a visibly higher availability of a small one in later stages.
    Final outputs of one class are held equal (x_v = x_w in weeks, rows added before round 1,
    free of cost by ``interchangeable_finals``) and fixed together. Rounds
    repeat until F is empty; each fixes at least one final (the duals of s_r's rows sum to
    1/H), so there are at most |finals| rounds, usually one per distinct level. The levels
    are then the leximin-optimal availability vector of the finals over the least-loss
    plans, which is unique: identical final outputs get identical availabilities whatever
    vertex a solver lands on. After ``max_rounds`` rounds (default ``MAX_FAIR_ROUNDS``) the
    finals still free keep only
    the last level as a floor (``complete`` False): the smallest levels are then exact, the
    rest decided by stage 3, and interchangeable finals are still equal by their rows.
    Should no dual be usable (a solver without duals), the finals at t_r in the plan found
    are fixed instead, a weaker guarantee (the smallest availability is still maximal;
    later levels may not be).

    **Stage 3: the most production**: maximise Σ_v x_v (weeks of full production summed over
    all facilities) with the loss row and every level kept, so idle facilities that could
    produce are shown producing. It changes no final output's availability beyond the
    tolerances (the leximin vector is unique); among non-final facilities only the total is
    determined, not the split between facilities that compete for the same input.

    Every round and stage 3 are solved from scratch, with presolve: warm-started after the
    dense loss row is added, HiGHS stalled on 10 000 facilities, and after a round's new rows
    and column it took 5 to 8 times as long as a cold solve there (as fast either way on the
    bundled network).
    A stage that ends without a plan (a time limit) ends the sequence: the last plan found
    stands (``complete`` False when stage 2 did not finish).
    """
    start = time.perf_counter()
    n_finals = len(finals)
    ceiling = np.ones(n_finals) if ceiling is None else np.asarray(ceiling, dtype=float).reshape(n_finals)
    plan = np.asarray(first_plan, dtype=float) if first_plan is not None else run.values(production)
    if any(c != 0 for c in loss.values()):  # without final outputs nothing can be lost: no row
        limit = optimum + _within(optimum, ABSOLUTE_TOLERANCE * loss_scale)
        run.add_constraint(pulp.LpConstraint(loss, pulp.LpConstraintLE, rhs=limit), "loss_at_optimum")

    levels = np.full(n_finals, np.nan)
    free = np.arange(n_finals)
    rounds, fairness_solve, failed = 0, None, False
    final_vars = [production[v] for v in np.asarray(finals, dtype=int).tolist()]
    label = np.arange(n_finals) if classes is None else np.asarray(classes).reshape(n_finals)
    first_of: dict[int, int] = {}
    for i, c in enumerate(label.tolist()):
        j = first_of.setdefault(c, i)
        if j != i:  # x_i = x_j: equal weeks of full production, i.e. equal availability
            tie = pulp.LpAffineExpression([(final_vars[i], 1.0), (final_vars[j], -1.0)])
            run.add_constraint(pulp.LpConstraint(tie, pulp.LpConstraintEQ, rhs=0.0), f"alike_{i}")
    cap = MAX_FAIR_ROUNDS if max_rounds is None else max_rounds
    while free.size:
        if rounds >= cap:
            break
        rounds += 1
        level_var = run.add_variable(f"fair_level_{rounds}")
        rows = []
        for i in free.tolist():
            row = pulp.LpConstraint(
                pulp.LpAffineExpression([(final_vars[i], 1.0), (level_var, -horizon)]), pulp.LpConstraintGE, rhs=0.0
            )
            run.add_constraint(row, f"fair_{rounds}_{i}")
            rows.append(row)
        run.set_objective(pulp.LpAffineExpression([(level_var, 1.0)]), pulp.LpMaximize)
        fairness_solve = run.solve(warm=False)
        if not fairness_solve.optimal or fairness_solve.objective is None:
            failed = True
            if fairness_solve.objective is not None:
                plan = run.values(production)
            break
        plan = run.values(production)
        level = float(fairness_solve.objective)
        slack = _within(level, ABSOLUTE_TOLERANCE)
        magnitude = np.abs(np.nan_to_num(run.duals(rows), nan=0.0))
        total = float(magnitude.sum())
        if total > 0:
            fixed = magnitude > BOTTLENECK_DUAL * total
        else:  # no duals: fix those the plan holds at the level (the weaker guarantee)
            fixed = plan[np.asarray(finals)[free]] / horizon <= level + slack
        fixed |= ceiling[free] <= level + slack
        fixed |= np.isin(label[free], label[free[fixed]])  # a class is fixed together
        if not fixed.any():  # cannot happen at an optimum; never loop without progress
            fixed[:] = True
        _fix_levels(run, [final_vars[i] for i in free[fixed].tolist()], level, slack, horizon)
        run.set_bounds([level_var], [level - slack], [None])  # every final free in this round ≥ t_r
        levels[free[fixed]] = level
        free = free[~fixed]
    fairness_s = time.perf_counter() - start

    production_solve = None
    if not failed:  # after the round cap too, not after a round that ended without an optimum
        run.set_objective(pulp.LpAffineExpression([(x, 1.0) for x in production]), pulp.LpMaximize)
        production_solve = run.solve(warm=False)
        if production_solve.objective is not None:
            plan = run.values(production)
    seconds = {"fairness_s": fairness_s, "production_s": time.perf_counter() - start - fairness_s}
    return FairPlan(plan, levels, rounds, fairness_solve, production_solve, free.size == 0, seconds)


# ---------------------------------------------------------------------------------------------
# adaptive stress


@dataclass(frozen=True, eq=False)
class AdaptiveResult:
    """The adaptive stress of a scenario: surviving capacity re-routed optimally (docs/model.md §4).

    - ``availability``: per facility (table order) P_v / (c_v · H) in [0, 1] for a plan that
      loses the least final output; among those, treats final outputs alike (the
      lexicographic max-min of their availabilities); and then produces the most;
    - ``lost_output``: the least final-output value lost per week, Σ value_v · L_v / H
      (comparable with the static Σ value · capacity · (1 − α));
    - ``status``: how the loss LP ended (``optimal``, ``time_limit``, ``infeasible``, …; the
      solver's full report in ``solve``); ``fairness_solve`` how the last max-min LP of
      stage 2 ended and ``fairness_rounds`` how many were solved; ``production_solve`` how
      the stage-3, production-maximising LP ended (None when not run); ``fair`` is True
      when stage 2 fixed every final output (else it stopped at ``MAX_FAIR_ROUNDS`` or at a
      round without an optimum: the smallest levels found are exact, interchangeable final
      outputs still equal, the others' split not guaranteed fair);
    - ``timings``: build and solve seconds (``loss_s``, ``fairness_s``, ``production_s``
      per stage).
    Numbers are NaN when the loss LP did not end optimal.
    """

    availability: np.ndarray
    lost_output: float
    solve: SolveStatus
    production_solve: SolveStatus | None = None
    horizon_weeks: float = 52.0
    timings: dict[str, float] = field(default_factory=dict)
    fairness_solve: SolveStatus | None = None
    fairness_rounds: int = 0
    fair: bool = False

    @property
    def status(self) -> str:
        """How the loss LP ended: ``optimal``, ``time_limit``, ``infeasible``, …"""
        return self.solve.status

    def __repr__(self) -> str:
        n = len(self.availability)
        hit = int(np.sum(self.availability < 1.0 - 1e-9))
        return (
            f"<AdaptiveResult {self.status} ({self.solve.solver}): final output lost "
            f"{self.lost_output:.6g} per week over {self.horizon_weeks:g} weeks; {hit} of {n} facilities "
            "below full output>"
        )


def adaptive_stress(
    network: Network | None,
    scenario: Scenario | CompiledScenario | str | Path,
    *,
    solver: Any = None,
    time_limit: float | None = None,
    gap: float | None = None,
) -> AdaptiveResult:
    """The flow LP for a whole scenario: the final output lost when surviving capacity is
    re-routed optimally (docs/model.md §4, "Adaptive stress").

    Window t = H (the scenario's horizon), cap_v = o_v · c_v with the own factors of all the
    scenario's disruptions, and the edge caps F_e ≤ a_e · c_v · q_vk · share_e · H on the edges
    its controls cover. ``lost_output`` is the optimum per week. The static plan
    (P_v = α_v c_v H, F_e = share_e a_e α_u c_v q_vk H) is feasible, so this loss is at most the
    static loss Σ value · capacity · (1 − α).

    The loss optimum is usually attained by many plans: some leave facilities idle that could
    produce, and the loss is indifferent to how a shortage is split among final outputs of
    equal value, so ``availability`` would be whatever vertex the solver lands on (identical
    compute centres at 0.695, 0.077 and 1). Two more lexicographic stages on the same model
    make it meaningful and reproducible (``fair_plan``): stage 2 maximises, by progressive
    filling, the smallest availability of the final outputs, then the next smallest, and so
    on (the leximin vector, which is unique, so identical buyers come out identical under
    any solver); stage 3 maximises Σ_v P_v / c_v (every facility's output in weeks of full
    production). Each stage keeps the loss within ``OPTIMUM_TOLERANCE`` of its optimum (plus
    ``ABSOLUTE_TOLERANCE`` of Σ value · c · H) and every level within ``OPTIMUM_TOLERANCE``
    of it, exact up to the solver's tolerances, unlike ε-weighted secondary terms, for
    which no ε is known in advance that is small enough never to trade loss on every
    network and large enough to stay above the solver's tolerances. Stage 2 solves one LP
    per distinct level (``fairness_rounds``, at most ``MAX_FAIR_ROUNDS``), each from
    scratch; if a stage ends without a plan, the last plan found gives the availability.

    ``solver`` is a name (``"highs"``, the default, or ``"cbc"``) or a PuLP solver object;
    ``time_limit`` (seconds per LP) and ``gap`` are passed to it. ``network`` None means the
    network the scenario names.
    """
    start = time.perf_counter()
    compiled = prepare(network, scenario, "adaptive_stress")
    network, scenario = compiled.network, compiled.scenario
    horizon = float(compiled.horizon_weeks)
    model = build_flow_model(
        network, own_factor=compiled.own_factor()[0], edge_factor=compiled.edge_factor()[0], name="adaptive"
    )
    run = ReusableProblem(
        model.problem,
        resolve_solver(solver, time_limit=time_limit, gap=gap),
        what=f"adaptive stress LP of scenario '{scenario.name}'",
    )
    run.set_bounds([model.window], [horizon], [horizon])
    run.build()
    build_s = model.build_seconds + run.build_seconds

    solve_start = time.perf_counter()
    status = run.solve()
    n = network.arrays.n_facilities
    if not status.optimal or status.objective is None:
        timings = {
            "build_s": build_s,
            "solve_s": time.perf_counter() - solve_start,
            "total_s": time.perf_counter() - start,
        }
        return AdaptiveResult(np.full(n, np.nan), float("nan"), status, None, horizon, timings)
    loss = max(0.0, status.objective)
    loss_s = time.perf_counter() - solve_start
    own = np.asarray(compiled.own_factor()[0], dtype=float).reshape(n)
    edge = np.asarray(compiled.edge_factor()[0], dtype=float).reshape(network.arrays.n_edges)
    fair = fair_plan(
        run,
        model.production,
        model.finals,
        model.loss_objective(),
        loss,
        horizon=horizon,
        loss_scale=float(model.loss_weight.sum()) * horizon,
        ceiling=own[model.finals],
        classes=interchangeable_finals(network.arrays, model.finals, own, edge),
        first_plan=run.values(model.production),
    )
    availability = np.clip(fair.production / horizon, 0.0, 1.0)
    timings = {
        "build_s": build_s,
        "loss_s": loss_s,
        **fair.seconds,
        "solve_s": time.perf_counter() - solve_start,
        "total_s": time.perf_counter() - start,
    }
    return AdaptiveResult(
        availability,
        loss / horizon,
        status,
        fair.production_solve,
        horizon,
        timings,
        fairness_solve=fair.fairness_solve,
        fairness_rounds=fair.rounds,
        fair=fair.complete,
    )
