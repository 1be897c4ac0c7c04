"""The budget frontier of the strategy optimiser (docs/model.md §5): the least risk reachable
at each budget of a sweep, evaluated on the optimiser's samples (so that its budget-0 point is
the "before" of the model).

At each budget b, in increasing order: min R + ε · cost s.t. cost ≤ b and R ≤ R(previous), warm
started from the previous point's plan (a MIP start; it stays feasible). A point is kept only
when the plan's risk, re-evaluated by the second-stage LP, is no worse than the previous
point's, so the frontier's loss never rises with the budget.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from .instance import _Instance, _Samples
from .recourse import _Recourse
from .reduction import weighted_cvar
from .solve import _Benders, _Extensive, _Objective
from .strategy import FRONTIER_COLUMNS


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
) -> pd.DataFrame:
    """Budget sweep: min R + ε cost s.t. cost ≤ b for increasing b, each warm-started from the
    previous plan (a MIP start; it stays feasible) with the incumbent bound R ≤ R(previous)."""
    grid = _budget_grid(inst, inst.scenario.optimise.budget if inst.scenario.optimise else None, budgets)
    rows: list[dict[str, float]] = []
    previous = inst.zero_plan()
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
                "cvar_lost_output": weighted_cvar(prev_losses, samples.weight, cvar_alpha),
                "cost": float(inst.cost @ previous),
                "actions": int((previous[: inst.n_binary] > 0.5).sum()),
            }
        )
    return pd.DataFrame(rows, columns=FRONTIER_COLUMNS)
