"""The second-stage LP of the strategy optimiser (docs/model.md §5), re-solved per sample and plan.

One sample block of ``model`` (the families ``define_recipes``, ``define_supplier_output`` and
``define_final_demand``) whose bounds carry both the sample and the plan:

    x_v ≤ o_vs · (H + Σ_{e at v} κ_e b_e),   y_e ≤ a_es · share_e · H (a_es < 1),
    u_x ≤ a_xs · κ_x(π),   σ_r = π's σ_r

so that only bounds change between samples and plans (``solvers.ReusableProblem`` re-solves in
place). The LP's value loss_s(π) is convex in its bounds and the bounds are linear in π, so the
reduced costs d of the bounded columns give a subgradient

    g_s = Σ_x min(0, d_ux) · a_xs · ∂κ_x/∂π + Σ_r min(0, d_σr) · e_σr + Σ_e min(0, d_xv(e)) · o_v(e)s · κ_e · e_be,

the slope a Benders cut (``model.define_benders_cut``) needs.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pulp

from ..errors import SolverError
from ..solvers import ReusableProblem, _highs_status, available_solvers, get_solver
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
        self,
        plan: np.ndarray,
        edge: np.ndarray,
        own: np.ndarray,
        new: np.ndarray,
        columns: np.ndarray | None = None,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Lower and upper bounds of ``self.columns`` (±inf where none) for ``plan`` in one
        sample with factors ``edge``, ``own`` and ``new``: x ≤ o·(H + Σ κ_e b_e), y ≤ a·share·H where a < 1,
        u_x ≤ a_x · κ(π), σ fixed at π's stock. Factors of several samples (S × …) give S rows.
        ``columns`` (sorted positions in ``self.columns``) gives only those columns' bounds:
        the same numbers, without building the others (S × 14 000 for the bundled network)."""
        inst, arr = self.inst, self.inst.network.arrays
        horizon = inst.horizon
        n_x, n_y = own.shape[-1], edge.shape[-1]
        if columns is None:
            x_cols, y_cols, u_cols, s_cols = (slice(None),) * 4
        else:
            ends = np.cumsum([n_x, n_y, inst.n_new])
            x_cols = columns[columns < ends[0]]
            y_cols = columns[(columns >= ends[0]) & (columns < ends[1])] - ends[0]
            u_cols = columns[(columns >= ends[1]) & (columns < ends[2])] - ends[1]
            s_cols = columns[columns >= ends[2]] - ends[2]
        x_ub = own[..., x_cols] * (horizon + inst.added_weeks(plan)[x_cols])  # built capacity, weeks of normal output
        a = edge[..., y_cols]
        y_ub = np.where(a < 1.0, a * arr.share[y_cols] * horizon, np.inf)
        kappa = inst.new_cap @ plan if inst.n_new else np.zeros(0)
        u_ub = np.maximum(0.0, new[..., u_cols] * kappa[u_cols])
        rows = x_ub.shape[:-1]
        sigma = np.asarray(plan[inst.stock_start :], dtype=float)[s_cols]
        stock = np.broadcast_to(sigma, (*rows, len(sigma)))
        lower = np.concatenate([np.zeros((*rows, x_ub.shape[-1] + y_ub.shape[-1] + u_ub.shape[-1])), stock], axis=-1)
        return lower, np.concatenate([x_ub, y_ub, u_ub, stock], axis=-1)

    def _set_bounds(self, lower: np.ndarray, upper: np.ndarray, columns: np.ndarray | None = None) -> None:
        """Push the bounds that differ from the last solve's (all of them the first time): a
        sample or plan changes a few hundred of the LP's columns, not its 14 000. With
        ``columns`` (after a full push), ``lower``/``upper`` are those columns' bounds only."""
        if self._lower is None or self._upper is None:
            if columns is not None:
                raise ValueError("the first bounds pushed must be every column's")
            changed = np.arange(len(lower))
            self._lower, self._upper = lower.copy(), upper.copy()
        elif columns is None:
            changed = np.flatnonzero((lower != self._lower) | (upper != self._upper))
            self._lower[changed], self._upper[changed] = lower[changed], upper[changed]
        else:
            moved = (lower != self._lower[columns]) | (upper != self._upper[columns])
            changed = columns[moved]
            self._lower[changed], self._upper[changed] = lower[moved], upper[moved]
        if changed.size:
            lo = [None if math.isinf(v) else v for v in self._lower[changed].tolist()]
            hi = [None if math.isinf(v) else v for v in self._upper[changed].tolist()]
            self.run.set_bounds([self.columns[i] for i in changed.tolist()], lo, hi)

    def loss(self, plan: np.ndarray, edge: np.ndarray, own: np.ndarray, new: np.ndarray) -> float:
        """loss_s(π) per week of one sample with factors ``edge``, ``own`` and ``new``."""
        self._set_bounds(*self.bounds(plan, edge, own, new))
        return self._solve()

    def loss_at(self, columns: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> float:
        """loss_s(π) per week with the bounds of ``columns`` set to ``lower``/``upper`` and every
        other column's left as the last solve had it (the caller knows those do not change)."""
        self._set_bounds(lower, upper, columns)
        return self._solve()

    def _solve(self) -> float:
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
        if inst.n_exp:  # ∂loss/∂b_e through the capacity bound of its facility
            d_x = np.minimum(0.0, dj[:n_x])[inst.exp_facility]
            grad[inst.exp_start : inst.exp_start + inst.n_exp] += d_x * own[inst.exp_facility] * inst.exp_weeks
        return loss, grad, production

    def _reduced_costs(self) -> np.ndarray:
        """Reduced cost of every bounded column (``self.columns`` order) at the last solve."""
        highs = self.run._highs if self.run.in_place else None
        if highs is not None:
            dual = np.asarray(highs.getSolution().col_dual, dtype=np.float64)
            return dual[self._positions()]
        return np.array([v.dj or 0.0 for v in self.columns], dtype=float)

    def _positions(self) -> np.ndarray:
        if self._index is None:
            self._index = np.fromiter((v.index for v in self.columns), dtype=np.int64, count=len(self.columns))
        return self._index

    def certificate(self, columns: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
        """The last solve's values and reduced costs of ``self.columns[columns]``, what a
        ``_Certificates`` keeps; None without a live HiGHS model (CBC)."""
        highs = self.run._highs if self.run.in_place else None
        if highs is None:
            return None
        solution = highs.getSolution()
        where = self._positions()[columns]
        value = np.asarray(solution.col_value, dtype=np.float64)[where]
        return value, np.asarray(solution.col_dual, dtype=np.float64)[where]

    def losses(
        self, plan: np.ndarray, samples: _Samples, gradient: bool = False, production: bool = False
    ) -> tuple[np.ndarray, np.ndarray | None, np.ndarray]:
        """Loss (K,), subgradients (K × P) or None, and with ``production`` the production of
        each sample (K × N; K × 0 without)."""
        if not gradient and not production:
            # the bounds of every sample at once. Not memoised: which optimal vertex each solve
            # lands on (the flows, not the loss) depends on the basis left by the solve before,
            # and the proportional cost split reads those flows (``expected_new_flow``)
            lower, upper = self.bounds(plan, samples.edge, samples.own, samples.new)
            losses = np.zeros(samples.k)
            for s in range(samples.k):
                self._set_bounds(lower[s], upper[s])
                losses[s] = self._solve()
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


class _Cone:
    """The second-stage LP cut to the cone of the final outputs whose loss counts: the
    facilities upstream of a final output of positive loss weight (through supply and opened
    edges), their columns (x, the y and u into them, l of those finals, σ of their recipes) and
    the rows that keep a column; a copy of ``recourse``'s live HiGHS model, solved in its place
    for loss-only solves (``_Evaluation``).

    The value is the same: every column left out belongs to a facility no counted final output
    depends on, and setting it to 0 (x, y, u, σ) or to the shortfall (l of an uncounted final)
    keeps every row feasible (a supplier's row only relaxes when its flows to facilities outside
    the cone are 0) and changes no counted loss. For the members' loss of the consortium
    scenario the cone holds 312 of 434 facilities and 5 379 of 13 670 edges, and a solve takes
    about 60 % of the full LP's time; bounds of columns outside the cone are ignored.
    """

    def __init__(self, recourse: _Recourse) -> None:
        import highspy

        recourse.run.build()
        full = recourse.run._highs
        inst, arr = recourse.inst, recourse.inst.network.arrays
        finals = np.flatnonzero(arr.is_final)
        inside = np.zeros(arr.n_facilities, dtype=bool)
        inside[finals[recourse.loss_weight > 0]] = True
        src = np.concatenate([arr.edge_src, inst.new_src])
        dst = np.concatenate([arr.edge_dst, inst.new_dst])
        while True:  # upstream, one supply level per pass
            grown = inside.copy()
            grown[src[inside[dst]]] = True
            if (grown == inside).all():
                break
            inside = grown
        keep = np.ones(int(full.getNumCol()), dtype=bool)
        positions = recourse._positions()
        kept = np.concatenate(
            [inside, inside[arr.edge_dst], inside[inst.new_dst], inside[arr.recipe_facility[inst.stock_recipes]]]
        )
        keep[positions[~kept]] = False
        lost = np.fromiter((v.index for v in recourse.block.lost), dtype=np.int64, count=len(recourse.block.lost))
        keep[lost[~inside[finals]]] = False
        self.highs = highspy.Highs()
        self.highs.passOptions(full.getOptions())
        self.highs.passModel(full.getLp())
        dropped = np.flatnonzero(~keep).astype(np.int32)
        self.highs.deleteCols(len(dropped), dropped)
        matrix = self.highs.getLp().a_matrix_
        used = np.zeros(int(self.highs.getNumRow()), dtype=bool)
        used[np.asarray(matrix.index_, dtype=np.int64)] = True
        empty = np.flatnonzero(~used).astype(np.int32)
        if len(empty):
            self.highs.deleteRows(len(empty), empty)
        index = np.cumsum(keep) - 1
        self.index = np.where(kept, index[positions], -1)  # cone column of each recourse column, or -1
        self.facilities = int(inside.sum())
        self._lower: np.ndarray | None = None
        self._upper: np.ndarray | None = None

    @property
    def usable(self) -> bool:
        """False when nothing is left (no counted final output): the whole LP is solved instead."""
        return int(self.highs.getNumCol()) > 0 and int(self.highs.getNumRow()) > 0

    def loss_at(self, columns: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> float:
        """As ``_Recourse.loss_at``: ``columns`` (recourse positions) get ``lower``/``upper``
        (those outside the cone are ignored), every other column keeps its bounds."""
        where = self.index[columns]
        inside = where >= 0
        where, lower, upper = where[inside], lower[inside], upper[inside]
        if self._lower is None or self._upper is None:
            moved = np.ones(len(where), dtype=bool)
            self._lower, self._upper = np.full(len(self.index), np.nan), np.full(len(self.index), np.nan)
        else:
            moved = (lower != self._lower[columns[inside]]) | (upper != self._upper[columns[inside]])
        if moved.any():
            self.highs.changeColsBounds(
                int(moved.sum()), where[moved].astype(np.int32), lower[moved].copy(), upper[moved].copy()
            )
            self._lower[columns[inside][moved]] = lower[moved]
            self._upper[columns[inside][moved]] = upper[moved]
        self.highs.run()
        status, _ = _highs_status(self.highs)
        if status != "optimal":  # as ``ReusableProblem.solve``: once more from scratch
            self.highs.clearSolver()
            self.highs.run()
            status, _ = _highs_status(self.highs)
            if status != "optimal":
                raise SolverError(f"strategy second-stage LP (cone) ended {status} (highs)")
        return max(0.0, float(self.highs.getInfo().objective_function_value))

    def certificate(self, columns: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """As ``_Recourse.certificate`` for the ``columns`` in the cone (all of ``columns`` must be)."""
        solution = self.highs.getSolution()
        where = self.index[columns]
        return (
            np.asarray(solution.col_value, dtype=np.float64)[where],
            np.asarray(solution.col_dual, dtype=np.float64)[where],
        )


class _Certificates:
    """What the LPs already solved say about the LP at other bounds (same rows, same costs),
    over the columns whose bounds differ between the LPs asked for (``columns``, positions in
    ``_Recourse.columns``).

    A solve at bounds [l, u] gives its value z, a primal solution x and the reduced costs
    d = c − Aᵀπ of a dual solution π. At other bounds [l', u'] (equal on every other column):

    - **upper bound** z, when x lies within [l', u'] (it is feasible there; same costs);
    - **lower bound** z + Σ_j (t_j(l', u') − t_j(l, u)), t_j(l, u) = d_j l_j for d_j > 0,
      d_j u_j for d_j < 0, 0 for d_j = 0: the Lagrangian dual function of π, which is a lower
      bound at any bounds (weak duality: π's feasibility does not involve the column bounds)
      and equals z at [l, u] (strong duality).

    Where the largest lower bound and the smallest upper bound meet (within the caller's
    tolerance) the LP's value is the upper bound, an LP optimum already found: e.g. a sample
    whose licence outcomes differ from a solved one's only on edges that carry no flow there
    and are not binding. Reduced costs within ``DUAL_ZERO`` of 0 count as 0 (HiGHS' dual
    feasibility tolerance is 1e-7), values within ``PRIMAL_SLACK`` (relative) of a bound as
    within it.
    """

    def __init__(self, columns: np.ndarray) -> None:
        self.columns = columns
        self._x: list[np.ndarray] = []
        self._d: list[np.ndarray] = []
        self._base: list[float] = []
        self._value: list[float] = []

    def __len__(self) -> int:
        return len(self._value)

    def add(self, value: float, x: np.ndarray, d: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> None:
        """A solve of value ``value`` at ``lower``/``upper`` (over ``columns``) with solution ``x``
        and reduced costs ``d`` there."""
        d = np.where(np.abs(d) <= DUAL_ZERO, 0.0, d)
        self._x.append(x)
        self._d.append(d)
        self._base.append(float(_dual_terms(d, lower[None, :], upper[None, :])[0]))
        self._value.append(float(value))

    def bound(self, lower: np.ndarray, upper: np.ndarray, which: range | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(largest lower bound, smallest upper bound) of the LP's value at each row of
        ``lower``/``upper`` (S × columns) from the certificates ``which`` (default all)."""
        low = np.full(len(lower), -np.inf)
        high = np.full(len(lower), np.inf)
        slack = PRIMAL_SLACK * np.maximum(1.0, np.abs(np.where(np.isfinite(upper), upper, 0.0)))
        for k in which if which is not None else range(len(self)):
            x, d, base, value = self._x[k], self._d[k], self._base[k], self._value[k]
            inside = np.all((x >= lower - slack) & (x <= upper + slack), axis=1)
            high = np.where(inside, np.minimum(high, value), high)
            if math.isfinite(base):
                low = np.maximum(low, value + _dual_terms(d, lower, upper) - base)
        return low, high


def _dual_terms(d: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> np.ndarray:
    """Σ_j t_j per row: d_j l_j where d_j > 0, d_j u_j where d_j < 0 (−inf at an infinite bound)."""
    with np.errstate(invalid="ignore"):
        terms = np.where(d > 0, d * lower, 0.0) + np.where(d < 0, d * upper, 0.0)
    return terms.sum(axis=1)  # never nan: d · ±inf is taken only where its sign makes it −inf


DUAL_ZERO = 1e-10
"""Reduced costs at most this in magnitude count as 0 in a ``_Certificates`` lower bound."""

PRIMAL_SLACK = 1e-9
"""A solution within this (relative to the bound, at least 1) of a bound counts as within it."""


def _lp_solver(solver: Any) -> Any:
    """HiGHS for the second-stage LPs when it works here (re-solved in place), else ``solver``."""
    if "highs" in available_solvers():
        return get_solver("highs")
    return solver
