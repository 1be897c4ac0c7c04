"""The budget frontier of the strategy optimiser (docs/model.md §5): the least risk of the
members' loss (the optimiser's objective; everyone's without a consortium) reachable at each
budget of a sweep.

**Sweep** (on the optimiser's reduced samples). At each budget b, in increasing order:
min R + ε · cost s.t. cost ≤ b and R ≤ R(previous), warm started from the previous point's plan
(a MIP start; it stays feasible). A plan is kept only when its risk, re-evaluated by the
second-stage LP, is no worse than the previous point's.

**Report** (on the samples of the before/after figures: every Monte Carlo sample when the
strategy is verified, ``verify._Evaluation``). Each point shows, among the plans affordable at
its budget — the sweep's plan there, the point before's and the proposed strategy — the one of
least risk on those samples (the cheaper among equal ones). So the frontier never rises with
the budget, its budget-0 point is the "before" (when no action is free), and at the strategy's
cost or above it is never worse than the "after".
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputError, Problem, quoted
from ..scenario import BUDGET_MAX
from .instance import _Instance, _Samples
from .recourse import _Recourse
from .reduction import weighted_cvar
from .solve import _Benders, _Extensive, _Objective, _risk_value
from .strategy import FRONTIER_COLUMNS
from .verify import _Evaluation


def check_budgets(values: Iterable[Any], where: str = "budgets") -> list[float]:
    """The frontier's budgets as floats (currency units), or an ``InputError`` naming every bad
    one (``where[i]``): each must be a finite number from 0 to ``scenario.BUDGET_MAX`` (1e15),
    and there must be at least one.

    >>> check_budgets([0, 1e7, "5e7"])
    [0.0, 10000000.0, 50000000.0]
    """
    return _budgets(list(values), where, lambda i: f"{where}[{i}]")


def parse_budgets(text: str, where: str = "--budgets") -> list[float]:
    """Comma-separated budgets (``"0,1e7,5e7,1e8"``) as ``check_budgets`` returns them; blanks
    around a number are ignored, an empty item is an ``InputError`` naming its position.

    >>> parse_budgets("0, 1e7,5e7")
    [0.0, 10000000.0, 50000000.0]
    """
    return _budgets([part.strip() for part in text.split(",")], where, lambda i: f"{where} item {i + 1}")


def _budgets(values: list[Any], where: str, locate: Callable[[int], str]) -> list[float]:
    limit = f"{BUDGET_MAX:.0e}".replace("+", "")
    problems: list[Problem] = []
    out: list[float] = []
    for i, value in enumerate(values):
        number = math.nan
        if not isinstance(value, bool):
            with contextlib.suppress(TypeError, ValueError):
                number = float(value)
        if not math.isfinite(number) or not 0 <= number <= BUDGET_MAX:
            problems.append(
                Problem(locate(i), f"{quoted(value)} is not a budget: give a number from 0 to {limit} (currency units)")
            )
            continue
        out.append(number)
    if not values:
        problems.append(Problem(where, "give at least one budget"))
    if problems:
        raise InputError(f"{where}: invalid frontier budgets", problems)
    return out


def _budget_grid(inst: _Instance, budget: float | None, budgets: Sequence[float] | None) -> list[float]:
    """The budgets of the sweep: ``budgets`` when given, else 0, the cumulative sorted costs of
    the binary actions, the scenario's ``budget`` and the total cost, thinned to at most 9 points
    (0, the total, the budget and evenly spread cumulative costs) and padded to at least 3."""
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
    engine: _Extensive | _Benders | None,
    method: str,
    solver: Any,
    budgets: Sequence[float] | None,
    gap: float,
    time_limit: float | None,
    cvar_alpha: float,
    evaluation: _Evaluation | None = None,
    strategy_plan: np.ndarray | None = None,
) -> pd.DataFrame:
    """Budget sweep: min R + ε cost s.t. cost ≤ b for increasing b, each warm-started from the
    previous plan (a MIP start; it stays feasible) with the incumbent bound R ≤ R(previous); each
    point reported on ``evaluation``'s samples (the optimiser's ``samples`` when None) with the
    least-risk affordable plan (see the module docstring)."""
    grid = _budget_grid(inst, inst.scenario.optimise.budget if inst.scenario.optimise else None, budgets)
    plans: list[np.ndarray] = []
    if engine is None and inst.n_plan:
        engine = (
            _Extensive(inst, samples, objective, solver, None)
            if method == "extensive"
            else _Benders(inst, samples, objective, solver, recourse, None)
        )
    known: dict[bytes, np.ndarray] = {}

    def model_losses(plan: np.ndarray) -> np.ndarray:
        """The plan's losses on the optimiser's samples: solved once per plan, or taken from the
        Benders cuts, which evaluated every plan its sweep points return."""
        key = plan.tobytes()
        if key not in known:
            cut = engine.evaluations.get(key) if isinstance(engine, _Benders) else None
            known[key] = cut[0] if cut is not None else recourse.losses(plan, samples)[0]
        return known[key]

    previous = inst.zero_plan()
    prev_losses = model_losses(previous)
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
            trial_losses = model_losses(trial)
            if objective.risk(trial_losses) <= objective.risk(prev_losses) + 1e-9 * objective.loss_scale:
                previous, prev_losses = trial, trial_losses
        plans.append(previous)
    if evaluation is not None:  # the members' losses of every plan reported, and the "before" and "after", at once
        extra = [] if strategy_plan is None else [strategy_plan]
        evaluation.prefetch("members", [inst.zero_plan(), *extra, *plans])
    return _report(inst, grid, plans, samples, objective, recourse, cvar_alpha, evaluation, strategy_plan)


def _report(
    inst: _Instance,
    grid: list[float],
    plans: list[np.ndarray],
    samples: _Samples,
    objective: _Objective,
    recourse: _Recourse,
    cvar_alpha: float,
    evaluation: _Evaluation | None,
    strategy_plan: np.ndarray | None,
) -> pd.DataFrame:
    """frontier.csv: at each budget the least-risk affordable plan among the sweep's plan there,
    the previous point's and ``strategy_plan``, evaluated on ``evaluation``'s samples (or the
    optimiser's ``samples``), ties to the cheaper."""
    if evaluation is not None:
        weight = evaluation.samples.weight

        def losses_of(plan: np.ndarray) -> np.ndarray:
            return evaluation.members(plan)
    else:
        weight = samples.weight
        memo: dict[bytes, np.ndarray] = {}

        def losses_of(plan: np.ndarray) -> np.ndarray:
            key = plan.tobytes()
            if key not in memo:
                memo[key] = recourse.losses(plan, samples)[0]
            return memo[key]

    def risk(plan: np.ndarray) -> float:
        return _risk_value(losses_of(plan), weight, objective.kind, objective.cvar_alpha)

    tolerance = 1e-9 * objective.loss_scale
    best = inst.zero_plan()
    rows: list[dict[str, float]] = []
    for b, plan in zip(grid, plans, strict=True):
        options = [plan]
        if strategy_plan is not None and float(inst.cost @ strategy_plan) <= b + 1e-9:
            options.append(inst.complete(strategy_plan))
        for option in options:
            if float(inst.cost @ option) > b + 1e-9:
                continue
            r, r_best = risk(option), risk(best)
            if r < r_best - tolerance or (r <= r_best + tolerance and inst.cost @ option < inst.cost @ best - 1e-9):
                best = option
        losses = losses_of(best)
        rows.append(
            {
                "budget": b,
                "expected_lost_output": float(weight @ losses),
                "cvar_lost_output": weighted_cvar(losses, weight, cvar_alpha),
                "cost": float(inst.cost @ best),
                "actions": int((best[: inst.n_binary] > 0.5).sum()),
            }
        )
    return pd.DataFrame(rows, columns=FRONTIER_COLUMNS)
