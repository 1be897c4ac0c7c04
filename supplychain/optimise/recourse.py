"""The second-stage LP of the strategy optimiser (docs/model.md §5), re-solved per sample and plan.

One sample block of ``model`` (the families ``define_recipes``, ``define_supplier_output`` and
``define_final_demand``) whose bounds carry both the sample and the plan:

    x_v ≤ o_vs · H,   y_e ≤ a_es · share_e · H (a_es < 1),   u_x ≤ a_xs · κ_x(π),   σ_r = π's σ_r

so that only bounds change between samples and plans (``solvers.ReusableProblem`` re-solves in
place). The LP's value loss_s(π) is convex in its bounds and the bounds are linear in π, so the
reduced costs d of the bounded columns give a subgradient

    g_s = Σ_x min(0, d_ux) · a_xs · ∂κ_x/∂π + Σ_r min(0, d_σr) · e_σr,

the slope a Benders cut (``model.define_benders_cut``) needs.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pulp

from ..errors import SolverError
from ..solvers import ReusableProblem, available_solvers, get_solver
from .instance import _Instance, _Samples
from .model import _loss_weights, _second_stage, define_final_demand, define_recipes, define_supplier_output


class _Recourse:
    """One second-stage LP (a single sample block) whose bounds carry the sample and the plan:
    x ≤ o·H, y ≤ a·share·H, u_x ≤ a_x · κ(π), σ copies fixed at π's stock. ``evaluate`` returns
    the loss per week, its subgradient in π (from reduced costs) and the production x.

    ``whose``: the loss the LP minimises and returns, ``"members"`` (the consortium members'
    final outputs, every final output without a consortium: the optimiser's objective) or
    ``"world"`` (every final output: the adaptive stress of docs/model.md §4)."""

    def __init__(self, inst: _Instance, solver: Any, whose: str = "members") -> None:
        self.inst = inst
        self.whose = whose
        problem = pulp.LpProblem("recourse", pulp.LpMinimize)
        self.block = _second_stage(problem, inst, "", None, None, None)
        self.stock = [problem.add_variable(f"sigma_{r}", 0) for r in inst.stock_recipes.tolist()]
        define_recipes(problem, [self.block], inst, self.stock)
        define_supplier_output(problem, [self.block], inst)
        define_final_demand(problem, [self.block], inst)
        self.loss_weight = _loss_weights(inst, whose)
        objective = (
            pulp.LpAffineExpression(list(zip(self.block.lost, self.loss_weight.tolist(), strict=True)))
            if len(self.loss_weight)
            else pulp.LpAffineExpression([(self.block.x[0], 0.0)])
        )
        problem.setObjective(objective)
        self.columns = self.block.x + self.block.y + self.block.u + self.stock
        self.run = ReusableProblem(problem, solver, what="strategy second-stage LP")
        self.solves = 0
        self._lower: np.ndarray | None = None  # the bounds of the last solve (``_set_bounds``)
        self._upper: np.ndarray | None = None
        self._index: np.ndarray | None = None  # the columns' positions in the HiGHS model

    def bounds(
        self, plan: np.ndarray, edge: np.ndarray, own: np.ndarray, new: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Lower and upper bounds of ``self.columns`` (±inf where none) for ``plan`` in one
        sample with factors ``edge``, ``own`` and ``new``: x ≤ o·H, y ≤ a·share·H where a < 1,
        u_x ≤ a_x · κ(π), σ fixed at π's stock."""
        inst, arr = self.inst, self.inst.network.arrays
        horizon = inst.horizon
        x_ub = own * horizon
        y_ub = np.where(edge < 1.0, edge * arr.share * horizon, np.inf)
        kappa = inst.new_cap @ plan if inst.n_new else np.zeros(0)
        u_ub = np.maximum(0.0, new * kappa)
        stock = np.asarray(plan[inst.stock_start :], dtype=float)
        lower = np.concatenate([np.zeros(len(x_ub) + len(y_ub) + len(u_ub)), stock])
        return lower, np.concatenate([x_ub, y_ub, u_ub, stock])

    def _set_bounds(self, lower: np.ndarray, upper: np.ndarray) -> None:
        """Push the bounds that differ from the last solve's (all of them the first time): a
        sample or plan changes a few hundred of the LP's columns, not its 14 000."""
        if self._lower is None or self._upper is None:
            changed = np.arange(len(lower))
        else:
            changed = np.flatnonzero((lower != self._lower) | (upper != self._upper))
        if changed.size:
            lo = [None if math.isinf(v) else v for v in lower[changed].tolist()]
            hi = [None if math.isinf(v) else v for v in upper[changed].tolist()]
            self.run.set_bounds([self.columns[i] for i in changed.tolist()], lo, hi)
        self._lower, self._upper = lower, upper

    def loss(self, plan: np.ndarray, edge: np.ndarray, own: np.ndarray, new: np.ndarray) -> float:
        """loss_s(π) per week of one sample with factors ``edge``, ``own`` and ``new``."""
        self._set_bounds(*self.bounds(plan, edge, own, new))
        status = self.run.solve()
        self.solves += 1
        if not status.optimal or status.objective is None:
            raise SolverError(f"strategy second-stage LP ended {status.status} ({status.solver})")
        return max(0.0, float(status.objective))

    def evaluate(
        self, plan: np.ndarray, edge: np.ndarray, own: np.ndarray, new: np.ndarray, gradient: bool = True
    ) -> tuple[float, np.ndarray | None, np.ndarray]:
        """loss_s(π) per week, its subgradient g_s (None unless ``gradient``) and the production
        x_vs (weeks) of one sample with factors ``edge``, ``own`` and ``new``."""
        inst = self.inst
        loss = self.loss(plan, edge, own, new)
        production = self.run.values(self.block.x)
        if not gradient:
            return loss, None, production
        dj = self._reduced_costs()
        n_x, n_y = len(self.block.x), len(self.block.y)
        d_u = np.minimum(0.0, dj[n_x + n_y : n_x + n_y + inst.n_new])  # ∂loss/∂(cap of u) ≤ 0
        d_sigma = dj[n_x + n_y + inst.n_new :]
        grad = (d_u * new) @ inst.new_cap if inst.n_new else np.zeros(inst.n_plan)
        grad = np.asarray(grad, dtype=float).reshape(inst.n_plan)
        grad[inst.stock_start :] += np.minimum(0.0, d_sigma)
        return loss, grad, production

    def _reduced_costs(self) -> np.ndarray:
        """Reduced cost of every bounded column (``self.columns`` order) at the last solve."""
        highs = self.run._highs if self.run.in_place else None
        if highs is not None:
            dual = np.asarray(highs.getSolution().col_dual, dtype=np.float64)
            if self._index is None:
                self._index = np.fromiter((v.index for v in self.columns), dtype=np.int64, count=len(self.columns))
            return dual[self._index]
        return np.array([v.dj or 0.0 for v in self.columns], dtype=float)

    def losses(
        self, plan: np.ndarray, samples: _Samples, gradient: bool = False, production: bool = False
    ) -> tuple[np.ndarray, np.ndarray | None, np.ndarray]:
        """Loss (K,), subgradients (K × P) or None, and with ``production`` the production of
        each sample (K × N; K × 0 without)."""
        if not gradient and not production:
            losses = np.array(
                [self.loss(plan, samples.edge[s], samples.own[s], samples.new[s]) for s in range(samples.k)]
            )
            return losses, None, np.zeros((samples.k, 0))
        out = [self.evaluate(plan, samples.edge[s], samples.own[s], samples.new[s], gradient) for s in range(samples.k)]
        losses = np.array([o[0] for o in out])
        grads = np.array([o[1] for o in out]) if gradient else None
        made = np.array([o[2] for o in out]) if production else np.zeros((samples.k, 0))
        return losses, grads, made

    def expected_new_flow(self, plan: np.ndarray, samples: _Samples) -> np.ndarray:
        """Expected value delivered over each opened edge, Σ_s p_s u_xs · c_v q_vk · value_k
        (weeks × units per week × value), the measure of use of the proportional cost allocation."""
        inst = self.inst
        arr = inst.network.arrays
        unit = arr.capacity[inst.new_dst] * arr.quantity[inst.new_recipe] * arr.item_value[inst.new_item]
        total = np.zeros(inst.n_new)
        for s in range(samples.k):
            self.loss(plan, samples.edge[s], samples.own[s], samples.new[s])
            total += samples.weight[s] * self.run.values(self.block.u) * unit
        return total


def _lp_solver(solver: Any) -> Any:
    """HiGHS for the second-stage LPs when it works here (re-solved in place), else ``solver``."""
    if "highs" in available_solvers():
        return get_solver("highs")
    return solver
