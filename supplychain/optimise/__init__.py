"""The strategy optimiser (docs/model.md §5): a two-stage stochastic MILP, solved whole or by Benders.

First stage, decided before the scenario is known: which candidates to qualify, which
certifications to grant for a consortium, which extra stock weeks to buy and (with
``optimise.expansions``) which expansions to build. Second stage, per scenario sample: the
adaptive flow LP of docs/model.md §4 with the opened edges, the stock and the added capacity.
``optimise`` minimises cost plus a penalty times the risk of the loss, or the risk within a
budget, and returns a ``Strategy``.

One module per step, imports pointing down the list:

    reduction     Monte Carlo samples -> K weighted scenarios (fast forward selection)
    costsharing   Shapley (closed form) and proportional splits of a shared cost
    instance      the problem data: plan vector, opened edges, their capacities, samples, whose loss
    model         the MILP, one ``define_*`` function per constraint family, each with its maths
    recourse      the second-stage LP, re-solved per sample and plan, with subgradients
    solve         objectives, the extensive form and Benders decomposition, pruning
    strategy      the ``Strategy`` result and how it is applied to a network
    actions       a plan as strategy.csv rows, opened edges, stock and cost shares
    verify        the re-stress of a strategy over every sample (members' and world's loss)
    frontier      the budget sweep, reported on the verification's samples
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..errors import InputError
from ..progress import ProgressArg, progress_callback
from ..scenario import CompiledScenario, Scenario, prepare
from ..solvers import get_solver, solver_name
from .actions import _actions, _built
from .frontier import _frontier, check_budgets, parse_budgets
from .instance import _all_samples, _instance, _reduced_samples, _Samples
from .model import (
    define_benders_cut,
    define_budget,
    define_final_demand,
    define_opened_edges,
    define_overlap,
    define_recipes,
    define_risk,
    define_risk_cap,
    define_supplier_output,
)
from .recourse import _lp_solver, _Recourse
from .reduction import weighted_cvar
from .solve import DEFAULT_GAP, EXTENSIVE_LIMIT, _Benders, _Extensive, _Objective, _prune, _Solution
from .strategy import FRONTIER_COLUMNS, STRATEGY_COLUMNS, Strategy
from .verify import _Evaluation, _verify

if TYPE_CHECKING:
    from pathlib import Path

    from ..network import Network

__all__ = [
    "DEFAULT_GAP",
    "EXTENSIVE_LIMIT",
    "FRONTIER_COLUMNS",
    "STRATEGY_COLUMNS",
    "Strategy",
    "_Recourse",
    "_Samples",
    "_instance",
    "_reduced_samples",
    "check_budgets",
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
    "parse_budgets",
]


def _no_progress(done: int, total: int) -> None:
    return None


def optimise(
    network: Network | None,
    scenario: Scenario | CompiledScenario | str | Path,
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
    progress: ProgressArg = None,
    world_before: Callable[[], np.ndarray] | None = None,
) -> Strategy:
    """Propose a diversification / certification / stock / capacity strategy for a scenario
    (docs/model.md §5).

    Whose loss: with a consortium the strategy minimises the members' final-output loss (final
    outputs in a member country, of a member company, or member facilities), without one every
    final output's; among plans of equal loss the cheaper wins. The ``Strategy`` reports both
    the members' and the world's expected loss before and after, re-stressed over every sample
    (``verify=True``), and the frontier on those same samples.

    The scenario's ``optimise`` block gives the consortium, ``budget`` and/or ``penalty``,
    ``objective`` (expected | cvar | worst), ``cvar_alpha`` and ``expansions`` (true: the
    network's ``expansions`` rows are yes/no actions too, capacity added at a facility from its
    lead time on; default false, the plan a scenario had before the table existed). Samples: with a ``monte_carlo``
    block (or ``samples``), the Monte Carlo samples reduced to ``k`` weighted representatives
    (``reduction.reduce_scenarios``); without, the one deterministic scenario.

    ``solver``: "highs" (default) or "cbc" (or a PuLP solver object) for the MILP;
    ``time_limit``: seconds for each MILP solve (the whole loop for Benders); ``gap``: relative
    optimality gap (default ``DEFAULT_GAP``); ``method``: "extensive", "benders" or "auto"
    (Benders beyond ``EXTENSIVE_LIMIT`` variables); ``budgets``: the frontier's budgets
    (default: the scenario's ``optimise.budgets``, else 0, the cumulative sorted action costs,
    the scenario's budget and the total);
    ``frontier=False`` skips the sweep, ``verify=False`` the re-stress over every sample;
    ``progress``: True draws a bar on a terminal, or a callable ``progress(done, total)`` is
    called as the work advances. ``world_before``: a callable giving the world's loss per
    verification sample with nothing done (``verify.world_before``), when something else
    computes it (``run_scenario``'s background process); called when the verification needs
    it. ``network`` None means the network the scenario names; ``scenario`` may be a path or a
    ``CompiledScenario``.

    Raises ``InputError`` for a scenario without ``optimise`` or unknown consortium members
    (each named, with the nearest valid name), and ``SolverError`` when a solver fails.
    """
    started = time.perf_counter()
    compiled = prepare(network, scenario, "optimise")
    network, scenario = compiled.network, compiled.scenario
    settings = scenario.optimise
    if settings is None:
        raise InputError(f"{scenario.source or scenario.name}: the scenario has no 'optimise' block (docs/model.md §5)")
    if method not in ("auto", "extensive", "benders"):
        raise InputError(f"method must be auto, extensive or benders (got {method!r})")
    if budgets is not None:
        budgets = check_budgets(budgets, "budgets")
    progress = progress_callback(progress, "optimise") or _no_progress
    gap = DEFAULT_GAP if gap is None else gap
    milp_solver = (
        solver
        if solver is not None and not isinstance(solver, str)
        else get_solver(solver, time_limit=time_limit, gap=gap)
    )
    timings: dict[str, float] = {}

    inst = _instance(network, compiled)
    t0 = time.perf_counter()
    reduced = _reduced_samples(inst, samples, seed, k)
    timings["reduction_s"] = time.perf_counter() - t0
    objective = _Objective(inst, reduced, settings.objective, settings.cvar_alpha, settings.penalty)
    recourse = _Recourse(inst, _lp_solver(milp_solver))
    zero = inst.zero_plan()
    losses_before, _, _ = recourse.losses(zero, reduced)

    notes = list(inst.notes)
    budget = settings.budget
    action_costs = np.concatenate([inst.cost[: inst.n_binary], inst.cost[inst.stock_start :]])
    nothing = len(action_costs) == 0
    cheapest = float(action_costs.min()) if len(action_costs) else 0.0
    if nothing:
        notes.append(
            "nothing to decide: the network has no candidates, no certifications for the consortium and no stock_cost"
        )
    arr = network.arrays
    n_vars = reduced.k * (arr.n_facilities + arr.n_edges + inst.n_new + int(arr.is_final.sum())) + inst.n_plan
    chosen = method if method != "auto" else ("benders" if n_vars > EXTENSIVE_LIMIT else "extensive")

    t0 = time.perf_counter()
    progress(0, 1)
    engine: _Extensive | _Benders | None = None
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
    elif chosen == "extensive":
        engine = _Extensive(inst, reduced, objective, milp_solver, budget)
        timings["build_s"] = engine.build_seconds
        solution = engine.solve()
    else:
        built = time.perf_counter()
        engine = _Benders(inst, reduced, objective, milp_solver, recourse, budget)
        timings["build_s"] = time.perf_counter() - built  # the master (the recourse LP is built on its first solve)
        solution = engine.solve(gap=gap, time_limit=time_limit, progress=progress)
    timings["solve_s"] = time.perf_counter() - t0
    progress(1, 1)

    plan = _prune(inst, recourse, reduced, objective, solution.plan)
    losses_after, _, _ = recourse.losses(plan, reduced)
    if objective.value(float(inst.cost @ plan), losses_after) > objective.value(0.0, losses_before) + 1e-9 * (
        objective.loss_scale + abs(objective.value(0.0, losses_before))
    ):
        plan, losses_after = zero, losses_before  # doing nothing is never worse
    cost = float(inst.cost @ plan)
    bought = (plan[: inst.n_binary] > 0.5).any() or (plan[inst.stock_start :] > 0).any()  # expansions too
    if not bought and not nothing and not any(n.startswith("budget below") for n in notes):
        notes.append(
            "no action lowers the loss enough to be worth its cost"
            if settings.penalty is not None
            else "no affordable action lowers the loss"
        )
    actions, opened, stock = _actions(inst, plan, reduced, recourse)

    model_before = float(reduced.weight @ losses_before)
    model_after = float(reduced.weight @ losses_after)
    expected_before = members_before = model_before
    expected_after = members_after = model_after
    # the verification's samples; the frontier (first) evaluates the members' losses of its plans
    # and of the "before" and "after" there together (``_Evaluation.prefetch``)
    t0 = time.perf_counter()
    evaluation = (
        _Evaluation(inst, _all_samples(inst, samples, seed), _lp_solver(milp_solver), world_before=world_before)
        if verify
        else None
    )
    sampling = time.perf_counter() - t0
    frontier_table = pd.DataFrame(columns=FRONTIER_COLUMNS)
    if frontier:
        t0 = time.perf_counter()
        frontier_table = _frontier(
            inst,
            reduced,
            objective,
            recourse,
            engine,
            chosen,
            milp_solver,
            budgets if budgets is not None else settings.budgets,
            gap,
            time_limit,
            settings.cvar_alpha,
            evaluation,
            plan,
        )
        timings["frontier_s"] = time.perf_counter() - t0
    verification: dict[str, Any] = {}
    availability_after = None
    if evaluation is not None:
        t0 = time.perf_counter() - sampling
        checked = _verify(inst, plan, opened, stock, evaluation)
        verification, availability_after = checked.result, checked.availability_after
        expected_before, expected_after = checked.expected_loss_before, checked.expected_loss_after
        members_before, members_after = checked.members_expected_loss_before, checked.members_expected_loss_after
        notes += checked.notes
        timings["verify_s"] = time.perf_counter() - t0
    elif inst.consortium:
        # the world's loss on the optimiser's samples (the members' is the model's own)
        world = _Recourse(inst, _lp_solver(milp_solver), "world")
        expected_before = float(reduced.weight @ world.losses(zero, reduced)[0])
        expected_after = float(reduced.weight @ world.losses(plan, reduced)[0])
    timings["optimise_s"] = time.perf_counter() - started
    return Strategy(
        actions=actions,
        frontier=frontier_table,
        cost=cost,
        expected_loss_before=expected_before,
        expected_loss_after=expected_after,
        members_expected_loss_before=members_before,
        members_expected_loss_after=members_after,
        consortium=settings.consortium.name if settings.consortium is not None else None,
        status=solution.status,
        gap=solution.gap,
        bound=solution.bound,
        objective_value=objective.value(cost, losses_after),
        method=chosen,
        solver=solution.solver or solver_name(milp_solver),
        objective=settings.objective,
        samples=reduced.k,
        notes=notes,
        model_loss_before=model_before,
        model_loss_after=model_after,
        cvar_before=weighted_cvar(losses_before, reduced.weight, settings.cvar_alpha),
        cvar_after=weighted_cvar(losses_after, reduced.weight, settings.cvar_alpha),
        verification=verification,
        availability_after=availability_after,
        fidelity=reduced.fidelity,
        timings=timings,
        iterations=solution.iterations,
        opened=opened,
        stock=stock,
        plan=plan,
        expansions=_built(inst, plan),
    )
