"""Solving the strategy MILP (docs/model.md §5): the extensive form, or Benders decomposition.

**Objectives** (R is the risk measure of the losses: expected Σ p_s loss_s, CVaR_α by
Rockafellar–Uryasev η + Σ p_s ξ_s / (1 − α) with ξ_s ≥ loss_s − η, ξ ≥ 0, or the worst case
θ ≥ loss_s; ``model.define_risk``): with a ``penalty`` P, minimise cost + P · R (and
cost ≤ budget if one is given); with a ``budget`` B alone, minimise R + ε · cost subject to
cost ≤ B, where ε = ``TIE_WEIGHT`` · (Σ_final value · c) / (largest possible cost), so that among
plans of equal loss the cheaper wins while at most ``TIE_WEIGHT`` of the total final-output
value per week could be traded for cost (the sum over the final outputs whose loss counts: the
consortium members', or every one without a consortium; ``model._loss_weights``). Bought
actions that the loss does not need (because the MIP gap let them through) are then pruned by
re-evaluating the plan without each of them (``_prune``).

**Solving.** ``method="extensive"`` (``_Extensive``) builds the whole deterministic equivalent
in PuLP and solves it with HiGHS (default) or CBC. ``method="benders"`` (``_Benders``)
decomposes (multi-cut L-shaped method): a PuLP master over (π, θ_s) and one second-stage LP
re-solved for every sample with changed bounds (``recourse._Recourse``). The reduced costs of
its bounded columns give a subgradient g_s of loss_s(π), and the cut
θ_s ≥ loss_s(π̂) + g_s · (π − π̂) is valid because the LP's value is convex in its bounds and
the bounds are linear in π. ``method="auto"`` uses the extensive form up to
``EXTENSIVE_LIMIT`` variables. Both engines re-solve for a budget sweep (``sweep_point``): the
budget B and the incumbent risk bound R̄ are columns fixed by their bounds, so a new point
changes two bounds and the objective, not the rows.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pulp

from ..errors import SolverError
from ..solvers import ReusableProblem, SolveStatus, solve, solver_name
from .instance import _Instance, _Samples
from .model import (
    _cost_expression,
    _loss_weights,
    _plan_variables,
    _second_stage,
    define_added_capacity,
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
from .recourse import _Recourse
from .reduction import weighted_cvar

EXTENSIVE_LIMIT = 200_000
"""``method="auto"`` decomposes (Benders) when the extensive form has more variables."""

TIE_WEIGHT = 1e-7
"""Weight of cost in a budget-only objective, relative to total final-output value per week."""

DEFAULT_GAP = 1e-6
"""Relative optimality gap when none is given (HiGHS' own default, 1e-4, lets ties slip)."""


def _risk_value(losses: np.ndarray, weight: np.ndarray, objective: str, cvar_alpha: float) -> float:
    """R of the per-sample losses: Σ p_s loss_s, CVaR_α (``reduction.weighted_cvar``) or max_s loss_s."""
    if not len(losses):
        return 0.0
    if objective == "expected":
        return float(weight @ losses)
    if objective == "cvar":
        return weighted_cvar(losses, weight, cvar_alpha)
    return float(losses.max())


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

    def __init__(self, inst: _Instance, samples: _Samples, kind: str, cvar_alpha: float, penalty: float | None) -> None:
        self.kind, self.cvar_alpha, self.penalty = kind, cvar_alpha, penalty
        self.weight = samples.weight
        # the final-output value per week whose loss counts (the members', or everyone's)
        self.loss_scale = float(_loss_weights(inst).sum() * inst.horizon) or 1.0
        cost_scale = float(inst.cost @ inst.upper) if inst.n_plan else 0.0
        self.epsilon = TIE_WEIGHT * self.loss_scale / cost_scale if cost_scale > 0 else 0.0

    def risk(self, losses: np.ndarray) -> float:
        """R of the per-sample losses."""
        return _risk_value(losses, self.weight, self.kind, self.cvar_alpha)

    def value(self, cost: float, losses: np.ndarray, *, penalty: bool = True) -> float:
        """cost + P · R with a penalty P (and ``penalty``), else R + ε · cost."""
        if penalty and self.penalty is not None:
            return cost + self.penalty * self.risk(losses)
        return self.risk(losses) + self.epsilon * cost

    def expression(
        self, risk: pulp.LpAffineExpression, cost: pulp.LpAffineExpression, *, penalty: bool = True
    ) -> pulp.LpAffineExpression:
        """``value`` as a PuLP expression of the model's risk R and cost expressions."""
        out = pulp.LpAffineExpression()
        if penalty and self.penalty is not None:
            out.addInPlace(cost, 1.0)
            out.addInPlace(risk, self.penalty)
        else:
            out.addInPlace(risk, 1.0)
            out.addInPlace(cost, self.epsilon)
        return out


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
            if highs is None:  # build() makes it for HiGHS, the only solver with a ``run``
                raise SolverError(f"{self.what}: the HiGHS model was not built")
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
        define_recipes(problem, blocks, inst, self.plan[inst.stock_start :])
        define_supplier_output(problem, blocks, inst)
        define_opened_edges(problem, blocks, inst, self.plan, samples.new)
        define_added_capacity(problem, blocks, inst, self.plan, samples.own)
        define_final_demand(problem, blocks, inst)
        define_overlap(problem, inst, self.plan)
        define_budget(problem, inst, self.plan, self.budget)
        weight = _loss_weights(inst).tolist()
        losses = [pulp.LpAffineExpression(list(zip(b.lost, weight, strict=True))) for b in blocks]
        self.risk = define_risk(problem, losses, samples.weight, objective.kind, objective.cvar_alpha)
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
        self.risk = define_risk(problem, self.theta, samples.weight, objective.kind, objective.cvar_alpha)
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
            self.cut(inst.zero_plan())
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
