"""The week-by-week engine (docs/model.md §3.3): every facility's availability in every week.

State: the stock s_vk(t) of every recipe (v, k), in **weeks of normal use** of item k by v,
with s_vk(0) = stock_weeks_vk. For each week t = 0 … H − 1 in order:

    F_vk(t) = min(1, Σ_{e = (u→v, k)} share_e · a_e(t) · α_u(t))      delivered fraction of the need
    A_vk(t) = min(1, F_vk(t) + s_vk(t))                                 input availability
    α_v(t)  = o_v(t) · min(1, min_k A_vk(t))        (α_v(t) = o_v(t) for a facility with no recipe)
    s_vk(t + 1) = min(stock_weeks_vk, s_vk(t) + F_vk(t) − α_v(t))

α_v(t) ∈ [0, 1] is the fraction of v's normal weekly output made in week t; a_e(t) (edge
factor, docs/model.md §3.1) and o_v(t) (own factor) are in [0, 1] and dimensionless. Within a week the
stocks are held fixed and, in a cycle, α is the greatest fixed point, reached by iterating
from α = o as ``stress.propagate`` does (with its ``policy_bound`` jump for slow cycles), but
one strongly connected component at a time: each to its own tolerance, and only in a week
when one of its members has new inputs. (``propagate`` iterates all the components of one
level together until the slowest settles, so with several components in a level the two
agree within the fixed-point tolerance's effect, not bitwise; with one, bitwise.) The
static engine adds stock_weeks / H to A_vk as a term; here stock is a state that is drawn
when deliveries fall short of use and refilled (up to stock_weeks) when they exceed it.

Factors are piecewise constant in time (``WeekFactors``: the weeks where they change and the
vector from each such week on), which is what scenarios produce: a control steps 1 → 0 →
licence_approval, a disruption steps down and ramps back. ``timeline`` exploits it: a week
whose inputs equal the previous week's is not recomputed (see ``timeline`` for the exact
rule), and in a week where something changed only the facilities whose inputs changed are,
level by level, stopping wherever α comes out unchanged. The result is bitwise the same as
evaluating every facility every week (``skip=False``), which the tests check.

Everything here works on arrays in the order of ``network.arrays`` (table order); turning a
scenario's timing fields into ``WeekFactors`` is the scenario compiler's job.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ._weekly_kernel import _kernels, _layout
from .arrays import Block, EnginePlan
from .errors import InputError, Problem
from .stress import FIXED_POINT_TOLERANCE, MAX_ITERATIONS, POLICY_AFTER, TOLERANCE, policy_bound

__all__ = ["DENSE_SHARE", "ENGINES", "WeekFactors", "WeeklyResult", "timeline"]

STOCK_TOLERANCE = TOLERANCE
"""A week's stock change F − α smaller than this (in weeks of use) is taken as 0. Shares sum
to 1 only within rounding (and within 1e-6 by validation), so a recipe whose suppliers all
deliver can show F = 1 − 1e-16: without this the stock would be drawn by one rounding unit a
week, for ever, and never be at rest. Over 520 weeks it changes a stock by < 5.2e-7 weeks."""

ENGINES = ("numpy", "numba")
"""How a week is computed: ``numpy`` (vectorised per block, as ``propagate``; always
available) or ``numba`` (compiled loops over the marked facilities, the cyclic sweeps and the
stocks; the optional ``fast`` extra). Same rules, same skipping; the sums are added in a
different order, so they agree within rounding (1e-12), not bitwise."""

DENSE_SHARE = 0.25
"""An acyclic block with more than this share of its facilities to recompute in a week is
evaluated whole, over contiguous slices (as ``propagate`` does); below it, only those
facilities are, over gathered index arrays. Both give bitwise the same numbers."""


def _segments(counts: np.ndarray, first: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Concatenated ranges ``first[i] .. first[i] + counts[i]`` and each range's start in the
    concatenation (the ``reduceat`` offsets)."""
    starts = np.cumsum(counts) - counts
    total = int(starts[-1] + counts[-1]) if len(counts) else 0
    return np.arange(total) + np.repeat(first - starts, counts), starts


# ---------------------------------------------------------------------------------------------
# piecewise-constant factors


@dataclass(frozen=True, eq=False)
class WeekFactors:
    """A factor vector (per supply edge, or per facility, in table order) that is piecewise
    constant in time.

    ``starts`` (K,) are the weeks where the vector changes, strictly increasing, with
    ``starts[0] == 0``; ``values`` (K × M) holds in row j the vector in force from week
    ``starts[j]`` until the week before ``starts[j + 1]`` (the last row: to the end of any
    horizon). Every value is in [0, 1]. Change points at or after a horizon are ignored.
    ``values`` is kept as a read-only view of the array given, not a copy (K × M floats can be
    tens of MB): do not change that array afterwards.

    >>> f = WeekFactors.from_dense(np.array([[1.0, 1.0], [1.0, 1.0], [0.0, 1.0], [0.0, 1.0]]))
    >>> f
    <WeekFactors: 2 entries, 2 stretches starting in weeks 0, 2>
    >>> f.at(3).tolist(), f.mean(4).tolist()
    ([0.0, 1.0], [0.5, 1.0])
    """

    starts: np.ndarray
    values: np.ndarray

    def __post_init__(self) -> None:
        starts = np.asarray(self.starts)
        values = np.asarray(self.values, dtype=np.float64)
        problems: list[Problem] = []
        if starts.ndim != 1 or len(starts) == 0:
            problems.append(Problem("starts", f"must be a non-empty 1-d array of weeks, got shape {starts.shape}"))
        elif not (np.issubdtype(starts.dtype, np.integer) or np.all(np.mod(starts, 1) == 0)):
            problems.append(Problem("starts", "must hold whole weeks"))
        else:
            if starts[0] != 0:
                problems.append(Problem("starts[0]", f"must be 0 (the first week), got {starts[0]}"))
            if np.any(np.diff(starts) <= 0):
                problems.append(Problem("starts", "must be strictly increasing"))
        if values.ndim != 2 or (starts.ndim == 1 and values.shape[0] != len(starts)):
            problems.append(
                Problem("values", f"must have shape (len(starts), M) = ({starts.size}, M), got {values.shape}")
            )
        elif not np.all(np.isfinite(values)) or np.any(values < 0) or np.any(values > 1):
            problems.append(Problem("values", "every factor must be finite and in [0, 1]"))
        if problems:
            raise InputError("invalid week factors", problems)
        view = values.view()
        view.flags.writeable = False  # never mutated here; a read-only view, not a copy
        object.__setattr__(self, "starts", starts.astype(np.int64))
        object.__setattr__(self, "values", view)

    @classmethod
    def constant(cls, vector: np.ndarray) -> WeekFactors:
        """The same vector (M,) in every week."""
        return cls(np.zeros(1, dtype=np.int64), np.asarray(vector, dtype=np.float64)[None, :])

    @classmethod
    def ones(cls, size: int) -> WeekFactors:
        """Factor 1 (no effect) on ``size`` entries in every week."""
        return cls.constant(np.ones(size))

    @classmethod
    def from_dense(cls, dense: np.ndarray) -> WeekFactors:
        """From one row per week (W × M); a row equal to the one before is not a change. The
        last row holds for every week after W − 1."""
        dense = np.asarray(dense, dtype=np.float64)
        if dense.ndim != 2 or dense.shape[0] == 0:
            raise InputError("invalid week factors", [Problem("dense", f"must be (W ≥ 1) × M, got {dense.shape}")])
        change = np.r_[True, np.any(dense[1:] != dense[:-1], axis=1)]
        return cls(np.flatnonzero(change), dense[change])

    @property
    def size(self) -> int:
        """M, the number of entries (edges or facilities)."""
        return int(self.values.shape[1])

    @property
    def stretches(self) -> int:
        """K, the number of constant stretches."""
        return len(self.starts)

    def index_at(self, weeks: np.ndarray | int) -> np.ndarray:
        """The row of ``values`` in force in each of ``weeks``."""
        return np.searchsorted(self.starts, np.asarray(weeks), side="right") - 1

    def at(self, week: int) -> np.ndarray:
        """The vector (M,) in force in ``week``."""
        if week < 0:
            raise InputError("invalid week", [Problem("week", f"must be ≥ 0, got {week}")])
        return self.values[int(self.index_at(week))]

    def dense(self, weeks: int) -> np.ndarray:
        """One row per week, weeks × M (for tests and small cases: it is W × M floats)."""
        return self.values[self.index_at(np.arange(weeks))]

    def mean(self, weeks: int) -> np.ndarray:
        """The horizon mean (1/H) Σ_{t<H} of the vector (M,): the static engine's factor (docs/model.md §3.2)."""
        lengths = np.diff(np.r_[np.minimum(self.starts, weeks), weeks]).astype(np.float64)
        return (lengths @ self.values) / weeks

    def __mul__(self, other: WeekFactors) -> WeekFactors:
        """The week-by-week product (two controls on the same edges, two disruptions on the
        same facilities): changes wherever either factor changes."""
        if not isinstance(other, WeekFactors):
            return NotImplemented
        if other.size != self.size:
            raise InputError("invalid week factors", [Problem("size", f"{self.size} entries × {other.size}")])
        starts = np.union1d(self.starts, other.starts)
        values = self.values[self.index_at(starts)] * other.values[other.index_at(starts)]
        change = np.r_[True, np.any(values[1:] != values[:-1], axis=1)]
        return WeekFactors(starts[change], values[change])

    def __repr__(self) -> str:
        shown = ", ".join(str(int(s)) for s in self.starts[:8]) + (", …" if self.stretches > 8 else "")
        return f"<WeekFactors: {self.size} entries, {self.stretches} stretches starting in weeks {shown}>"


# ---------------------------------------------------------------------------------------------
# the result


@dataclass(frozen=True, eq=False)
class WeeklyResult:
    """What ``timeline`` returns. All facility and recipe indices are table rows.

    - ``alpha`` (weeks × N, float64): α_v(t), the fraction of v's normal weekly output made
      in week t;
    - ``limiting_recipe`` (weeks × N, int32, or None when not asked for): the recipe row of
      v's smallest A_vk(t) when it is below 1 − ``TOLERANCE`` (ties within the tolerance go
      to the smaller item id, as in the static report), else −1;
    - ``final_stock`` (R,): s_vk(H), the stock left after the last week, weeks of normal use;
    - ``evaluated`` (weeks,) bool: weeks in which at least one facility was recomputed; every
      other week is a copy of the week before. ``evaluations`` counts the (week, facility) pairs
      recomputed and ``cycle_iterations`` the fixed-point sweeps, counted once per strongly
      connected component swept (a sweep of three components counts 3);
    - for the ``watch`` facilities, per week and per recipe row in ``watch_recipes``:
      ``watch_stock`` s_vk(t) (at the start of week t), ``watch_delivered`` F_vk(t) and
      ``watch_input`` A_vk(t) (weeks × len(watch_recipes)).
    """

    alpha: np.ndarray
    limiting_recipe: np.ndarray | None
    final_stock: np.ndarray
    evaluated: np.ndarray
    evaluations: int
    cycle_iterations: int
    watch_recipes: np.ndarray
    watch_stock: np.ndarray
    watch_delivered: np.ndarray
    watch_input: np.ndarray

    @property
    def weeks(self) -> int:
        return int(self.alpha.shape[0])

    @property
    def evaluated_weeks(self) -> int:
        """Weeks actually computed (the others were copied)."""
        return int(self.evaluated.sum())

    def mean_availability(self) -> np.ndarray:
        """(1/H) Σ_t α_v(t) per facility (the report's ``availability_timeline``)."""
        return self.alpha.mean(axis=0)

    def worst_week(self) -> np.ndarray:
        """Per facility the first week of its lowest α_v(t); −1 when α never falls below
        1 − ``TOLERANCE``."""
        first = np.argmin(self.alpha, axis=0)
        low = self.alpha[first, np.arange(self.alpha.shape[1])]
        return np.where(low < 1.0 - TOLERANCE, first, -1)

    def __repr__(self) -> str:
        mean = float(self.alpha.mean()) if self.alpha.size else 1.0
        return (
            f"<WeeklyResult: {self.alpha.shape[1]} facilities × {self.weeks} weeks, "
            f"{self.evaluated_weeks} weeks evaluated ({self.evaluations} facility evaluations); "
            f"mean availability {mean:.4f}>"
        )


# ---------------------------------------------------------------------------------------------
# the engine


class _Engine:
    """Arrays in engine order (``EnginePlan``) and the state of the current week.

    State, all engine order: ``weight`` share_e · a_e(t) per edge, ``own`` o_v(t), ``alpha``
    α_v(t), ``supplied`` the uncapped Σ share·a·α per recipe, ``avail`` A_vk(t), ``stock``
    s_vk(t), ``draw`` F_vk(t) − α_v(t) (the weekly change of stock before the bounds),
    ``limiting`` the table recipe row of the limiting input or −1.
    """

    def __init__(self, plan: EnginePlan, stock_weeks: np.ndarray, limiting: bool, engine: str) -> None:
        self.plan = plan
        self.kernels = _kernels() if engine == "numba" else None
        layout = _layout(plan)
        n, n_rec, n_edges = len(plan.order), len(plan.recipe_order), len(plan.edge_order)
        self.limiting_wanted = limiting
        self.recipe_pos = layout.recipe_pos
        self.recipe_edges = layout.recipe_edges
        self.recipe_edge_start = layout.recipe_edge_start
        self.edge_buyer = layout.edge_buyer
        self.out_buyer = layout.out_buyer
        self.edge_inverse = layout.edge_inverse
        self.cyclic_recipe = layout.cyclic_recipe
        self.out_recipe = layout.out_recipe
        self.block_local = layout.block_local
        self.components = layout.components
        self.units = layout.units
        self.unit_bounds = layout.unit_bounds
        self.recipe_rows = plan.recipe_order  # engine recipe -> table row
        self.cap = np.ascontiguousarray(stock_weeks[plan.recipe_order], dtype=np.float64)

        self.weight = np.zeros(n_edges)
        self.own = np.ones(n)
        self.alpha = np.ones(n)
        self.supplied = np.ones(n_rec)
        self.avail = np.ones(n_rec)
        self.stock = self.cap.copy()
        self.draw = np.zeros(n_rec)
        self.limiting = np.full(n, -1, dtype=np.int32)
        self.dirty = np.zeros(n, dtype=bool)  # positions whose inputs changed this week
        # compiled engine: recipes with an in-edge whose weight or supplier's α changed this week
        # (their sum Σ share·a·α is formed again; every other recipe's stored sum is reused)
        self.stale = np.zeros(n_rec, dtype=bool)
        self.scratch_new = np.zeros(n)  # compiled cyclic sweeps: the next iterate
        self.scratch_old = np.zeros(n)  # and α before the week
        # compiled stock step: the recipes whose stock can move (a list and a flag per recipe)
        self.live = np.zeros(n_rec, dtype=np.int64)
        self.is_live = np.zeros(n_rec, dtype=np.bool_)
        self.counters = np.zeros(5, dtype=np.int64)  # see the week kernel; [4] the live count
        self.evaluations = 0
        self.cycle_iterations = 0

    # -- factors ---------------------------------------------------------------------------

    def set_weights(self, row: np.ndarray) -> None:
        """All edge weights from a factor row (table order): share_e · a_e."""
        self.weight = row[self.plan.edge_order] * self.plan.edge_share

    def set_own(self, row: np.ndarray) -> None:
        """All own factors from a row (table order); sources' α is their own factor."""
        self.own = row[self.plan.order]
        ns = self.plan.n_sources
        self.alpha[:ns] = self.own[:ns]

    def change_weights(self, table_edges: np.ndarray, values: np.ndarray) -> None:
        """Edges (table rows) whose factor changed to ``values``: mark their buyers."""
        eng = self.edge_inverse[table_edges]
        self.weight[eng] = values * self.plan.edge_share[eng]  # the same product as set_weights
        self.dirty[self.edge_buyer[eng]] = True
        if self.kernels is not None:
            self.stale[self.plan.edge_recipe[eng]] = True

    def change_own(self, table_facilities: np.ndarray, values: np.ndarray) -> bool:
        """Facilities (table rows) whose own factor changed: mark them; sources take their new
        α at once and mark their buyers. Returns whether a source's α changed."""
        pos = self.plan.position[table_facilities]
        self.own[pos] = values
        self.dirty[pos] = True
        src = pos[pos < self.plan.n_sources]
        self.evaluations += len(src)
        moved = src[self.alpha[src] != self.own[src]]
        self.alpha[moved] = self.own[moved]
        self.mark_buyers(moved)
        return len(moved) > 0

    def mark_buyers(self, positions: np.ndarray) -> None:
        """Facilities whose α changed: every buyer of theirs has new inputs."""
        if len(positions) == 0:
            return
        start = self.plan.out_start[positions]
        idx, _ = _segments(self.plan.out_start[positions + 1] - start, start)
        self.dirty[self.out_buyer[idx]] = True
        if self.kernels is not None:
            self.stale[self.out_recipe[idx]] = True

    # -- one week --------------------------------------------------------------------------

    def evaluate_week(self, every: bool) -> bool:
        """Recompute the facilities marked dirty (all of them when ``every``), level by level,
        marking the buyers of every α that changed. Returns whether anything was computed."""
        if self.kernels is not None:
            return self._compiled(every)
        computed = False
        for i, b in enumerate(self.plan.blocks):
            if every:
                marked = None
            else:
                seg = self.dirty[b.n0 : b.n1]
                if not seg.any():
                    continue
                marked = np.flatnonzero(seg)
            computed = True
            if b.cyclic:
                changed = self._cyclic(i, b, marked)
            elif marked is None or len(marked) > DENSE_SHARE * (b.n1 - b.n0):
                changed = self._dense(i, b)
            else:
                changed = self._sparse(marked + b.n0)
            if not every:
                self.mark_buyers(changed)
        self.dirty[:] = False
        return computed

    def _compiled(self, every: bool) -> bool:
        """``evaluate_week`` with the compiled loop (engine "numba"); slow cycles come back here
        for ``policy_bound`` and the loop resumes where it stopped."""
        assert self.kernels is not None
        plan = self.plan
        counters = self.counters
        counters[:4] = 0
        first, resume = 0, False
        while True:
            stopped: int = self.kernels[0](
                first,
                resume,
                every,
                *self.unit_bounds,
                self.dirty,
                self.stale,
                plan.facility_recipe_start,
                self.recipe_edge_start,
                plan.edge_source,
                self.weight,
                self.alpha,
                self.own,
                self.stock,
                self.supplied,
                self.avail,
                self.draw,
                self.cap,
                self.live,
                self.is_live,
                self.limiting_wanted,
                self.limiting,
                self.recipe_rows,
                TOLERANCE,
                STOCK_TOLERANCE,
                plan.out_start,
                self.out_buyer,
                self.out_recipe,
                self.scratch_new,
                self.scratch_old,
                counters,
                FIXED_POINT_TOLERANCE,
                POLICY_AFTER,
                MAX_ITERATIONS,
            )
            if stopped < 0:
                break
            b = self.units[stopped]
            self.alpha[b.n0 : b.n1] = policy_bound(plan, b, self.alpha, self.own, self.weight[b.e0 : b.e1], self.stock)
            first, resume = stopped, True
        self.evaluations += int(counters[0])
        self.cycle_iterations += int(counters[1])
        self.dirty[:] = False
        self.stale[:] = False
        return bool(counters[2])

    def _dense(self, i: int, b: Block) -> np.ndarray:
        """Every facility of acyclic block b, over contiguous slices."""
        new = self._block_pass(i, b)
        old = self.alpha[b.n0 : b.n1]
        changed = np.flatnonzero(new != old) + b.n0
        self.alpha[b.n0 : b.n1] = new
        self._after(slice(b.r0, b.r1), new[self.block_local[i]])
        self.evaluations += b.n1 - b.n0
        return changed

    def _block_pass(self, i: int, b: Block, limiting: bool = True) -> np.ndarray:
        """One evaluation of block b from the current α: stores F and A of its recipes
        (and the limiting recipe, unless ``limiting`` is False) and returns the block's new α
        (not stored)."""
        plan = self.plan
        contrib = self.weight[b.e0 : b.e1] * self.alpha[plan.edge_source[b.e0 : b.e1]]
        supplied = np.add.reduceat(contrib, b.edge_starts)
        avail = np.minimum(supplied + self.stock[b.r0 : b.r1], 1.0)
        low = np.minimum.reduceat(avail, b.recipe_starts)
        self.supplied[b.r0 : b.r1] = supplied
        self.avail[b.r0 : b.r1] = avail
        if self.limiting_wanted and limiting:
            self.limiting[b.n0 : b.n1] = self._limiting(avail, low[self.block_local[i]], b.recipe_starts, b.r0, None)
        return self.own[b.n0 : b.n1] * low

    def _sparse(self, positions: np.ndarray) -> np.ndarray:
        """Only ``positions`` (sorted, one acyclic block), over gathered index arrays; the same
        arithmetic per facility as ``_dense``."""
        plan = self.plan
        first_recipe = plan.facility_recipe_start[positions]
        counts = plan.facility_recipe_start[positions + 1] - first_recipe
        recipes, recipe_starts = _segments(counts, first_recipe)
        first_edge = plan.facility_edge_start[positions]
        edges, _ = _segments(plan.facility_edge_start[positions + 1] - first_edge, first_edge)
        per_recipe = self.recipe_edges[recipes]
        edge_starts = np.cumsum(per_recipe) - per_recipe
        contrib = self.weight[edges] * self.alpha[plan.edge_source[edges]]
        supplied = np.add.reduceat(contrib, edge_starts)
        avail = np.minimum(supplied + self.stock[recipes], 1.0)
        low = np.minimum.reduceat(avail, recipe_starts)
        new = self.own[positions] * low
        self.supplied[recipes] = supplied
        self.avail[recipes] = avail
        if self.limiting_wanted:
            self.limiting[positions] = self._limiting(avail, np.repeat(low, counts), recipe_starts, 0, recipes)
        changed = positions[new != self.alpha[positions]]
        self.alpha[positions] = new
        self._after(recipes, np.repeat(new, counts))
        self.evaluations += len(positions)
        return changed

    def _cyclic(self, i: int, b: Block, marked: np.ndarray | None) -> np.ndarray:
        """The components of cyclic block b with a ``marked`` member (block-local positions;
        None: all of them) to their greatest fixed points with stocks held fixed.

        Each component is iterated from α = o as ``propagate`` iterates a block, until none of
        its α moves by more than the fixed-point tolerance (``policy_bound`` on the component
        every ``POLICY_AFTER`` sweeps). The components still moving are swept together (over
        the block's slices while they hold more than ``DENSE_SHARE`` of its edges, the others'
        values left as they are; then over gathered index arrays), so that each one gets
        exactly the sweeps, and the numbers, it would get alone. The components not marked keep
        last week's α, F and A: their inputs are last week's, so iterating them again would
        repeat last week's sweeps to the bit."""
        comps = self.components[i]
        assert comps is not None
        plan = self.plan
        n0, n1, r0, r1, e0, e1 = b.n0, b.n1, b.r0, b.r1, b.e0, b.e1
        old = self.alpha[n0:n1].copy()
        if marked is None:
            live = np.ones(len(comps.units), dtype=bool)
        else:
            live = np.zeros(len(comps.units), dtype=bool)
            live[comps.of_position[marked]] = True
        sizes = comps.n1 - comps.n0
        self.evaluations += int(sizes[live].sum())
        component_starts = comps.n0 - n0
        local = self.block_local[i]
        live_position = live[comps.of_position]
        live_recipe = live_position[local]
        everything = bool(live.all())  # then the masks below are all True: plain copies
        if everything:
            self.alpha[n0:n1] = self.own[n0:n1]
        else:
            np.copyto(self.alpha[n0:n1], self.own[n0:n1], where=live_position)
        gathered: tuple[np.ndarray, ...] | None = None
        step = np.zeros(0)
        iteration = 0
        while live.any():
            moving = np.flatnonzero(live)
            if gathered is None and np.sum(comps.e1[moving] - comps.e0[moving]) < DENSE_SHARE * (e1 - e0):
                positions, starts = _segments(sizes[moving], comps.n0[moving])
                recipes, _ = _segments(comps.r1[moving] - comps.r0[moving], comps.r0[moving])
                edges, _ = _segments(comps.e1[moving] - comps.e0[moving], comps.e0[moving])
                counts = plan.facility_recipe_start[positions + 1] - plan.facility_recipe_start[positions]
                per_recipe = self.recipe_edges[recipes]
                gathered = (
                    positions,
                    starts,
                    recipes,
                    np.cumsum(counts) - counts,
                    plan.edge_source[edges],
                    self.weight[edges],
                    np.cumsum(per_recipe) - per_recipe,
                    self.stock[recipes],
                    self.own[positions],
                )
            iteration += 1
            if gathered is not None:
                positions, starts, recipes, recipe_starts, source, weight, edge_starts, stock, own = gathered
                supplied = np.add.reduceat(weight * self.alpha[source], edge_starts)
                avail = np.minimum(supplied + stock, 1.0)
                new = own * np.minimum.reduceat(avail, recipe_starts)
                step = np.maximum.reduceat(np.abs(new - self.alpha[positions]), starts)
                self.alpha[positions] = new
                self.supplied[recipes] = supplied
                self.avail[recipes] = avail
                settled = moving[step <= FIXED_POINT_TOLERANCE]
            else:
                supplied = np.add.reduceat(self.weight[e0:e1] * self.alpha[plan.edge_source[e0:e1]], b.edge_starts)
                avail = np.minimum(supplied + self.stock[r0:r1], 1.0)
                new = self.own[n0:n1] * np.minimum.reduceat(avail, b.recipe_starts)
                step = np.maximum.reduceat(np.abs(new - self.alpha[n0:n1]), component_starts)[moving]
                if everything:
                    self.alpha[n0:n1] = new
                    self.supplied[r0:r1] = supplied
                    self.avail[r0:r1] = avail
                else:
                    np.copyto(self.alpha[n0:n1], new, where=live_position)
                    np.copyto(self.supplied[r0:r1], supplied, where=live_recipe)
                    np.copyto(self.avail[r0:r1], avail, where=live_recipe)
                settled = moving[step <= FIXED_POINT_TOLERANCE]
            self.cycle_iterations += len(moving)
            if iteration % POLICY_AFTER == 0:
                for c in np.setdiff1d(moving, settled).tolist():
                    u = comps.units[c]
                    self.alpha[u.n0 : u.n1] = policy_bound(
                        plan, u, self.alpha, self.own, self.weight[u.e0 : u.e1], self.stock
                    )
            if len(settled):
                live[settled] = False
                live_position = live[comps.of_position]
                live_recipe = live_position[local]
                everything = False
                gathered = None
            if iteration >= MAX_ITERATIONS and live.any():  # pragma: no cover - needs a cycle that
                # neither iteration nor its policy solve settles
                warnings.warn(
                    f"availability in a cycle did not settle within {MAX_ITERATIONS} iterations "
                    f"(last change {float(step.max()):.2e})",
                    RuntimeWarning,
                    stacklevel=3,
                )
                break
        alpha = self.alpha[n0:n1]
        if self.limiting_wanted:  # from the last sweep's A, as the other blocks'
            avail = self.avail[r0:r1]
            low = np.minimum.reduceat(avail, b.recipe_starts)[local]
            self.limiting[n0:n1] = self._limiting(avail, low, b.recipe_starts, r0, None)
        # F and A are those of the last sweep, the one α was computed from, so α ≤ F + s holds
        # exactly (they differ from F(α) by at most the fixed-point tolerance).
        self._after(slice(r0, r1), alpha[local])
        return np.flatnonzero(alpha != old) + n0

    def _limiting(
        self, avail: np.ndarray, low: np.ndarray, starts: np.ndarray, offset: int, recipes: np.ndarray | None
    ) -> np.ndarray:
        """Per facility the first recipe (recipes are sorted by item id within a facility) with
        A_vk within TOLERANCE of the smallest, as a table row when below 1 − TOLERANCE, else −1."""
        tied = avail <= low + TOLERANCE
        index = np.where(tied, np.arange(len(avail)), len(avail))
        first = np.minimum.reduceat(index, starts)
        engine_recipe = first + offset if recipes is None else recipes[first]
        return np.where(avail[first] < 1.0 - TOLERANCE, self.recipe_rows[engine_recipe], -1).astype(np.int32)

    def _after(self, recipes: slice | np.ndarray, alpha_by_recipe: np.ndarray) -> None:
        """After evaluating facilities: the weekly stock change F − α of their recipes, 0 when
        within ``STOCK_TOLERANCE``."""
        draw = np.minimum(self.supplied[recipes], 1.0) - alpha_by_recipe
        self.draw[recipes] = np.where(np.abs(draw) <= STOCK_TOLERANCE, 0.0, draw)

    # -- stock -----------------------------------------------------------------------------

    def step_stock(self) -> bool:
        """s(t + 1) = min(stock_weeks, s(t) + F(t) − α(t)) for every recipe; returns whether any
        stock moved.

        Never below 0 in exact arithmetic: α_v = o_v · min(1, min_k A_vk) ≤ A_vk ≤ F_vk + s_vk, so
        s + F − α ≥ 0. In floating point F + s is rounded before α is taken from it, so the
        difference can come out one rounding unit below 0; the bound at 0 only removes that.
        (F − α is formed first, so a full stock with F ≥ α stays exactly full and an empty one
        with F = α exactly empty.)

        A stock that moved marks its facility for next week only if A_vk moves with it: a stock
        above the week's shortfall (F + s ≥ 1 before and after) is drawn while A_vk stays 1, and
        nothing needs recomputing. In a cyclic block stock enters every sweep of the iteration,
        so there the test is s ≥ 1 before and after (then A_vk = 1 in every sweep, whatever F).
        """
        if self.kernels is not None:
            step = self.kernels[1]
            moved: bool = step(
                self.stock,
                self.draw,
                self.cap,
                self.supplied,
                self.avail,
                self.cyclic_recipe,
                self.recipe_pos,
                self.dirty,
                self.live,
                self.is_live,
                self.counters,
            )
            return moved
        before = self.stock
        after = np.minimum(np.maximum(before + self.draw, 0.0), self.cap)
        changed = np.flatnonzero(after != before)
        self.stock = after
        if len(changed) == 0:
            return False
        avail = np.minimum(self.supplied[changed] + after[changed], 1.0)
        cyclic = self.cyclic_recipe[changed]
        affected = np.where(cyclic, np.minimum(before[changed], after[changed]) < 1.0, avail != self.avail[changed])
        self.dirty[self.recipe_pos[changed[affected]]] = True
        return True


def _changes(factors: WeekFactors, j: int) -> tuple[np.ndarray, np.ndarray]:
    """Entries that differ between stretch j − 1 and stretch j, and their new values."""
    row = factors.values[j]
    idx = np.flatnonzero(row != factors.values[j - 1])
    return idx, row[idx]


def timeline(
    plan: EnginePlan,
    edge_factor: WeekFactors,
    own_factor: WeekFactors,
    stock_weeks: np.ndarray,
    weeks: int,
    *,
    skip: bool = True,
    limiting: bool = True,
    watch: Sequence[int] = (),
    engine: str = "numpy",
) -> WeeklyResult:
    """Step the network through ``weeks`` weeks (docs/model.md §3.3).

    Parameters
    ----------
    plan : the network's ``arrays.plan``.
    edge_factor : a_e(t) per supply edge (table order), piecewise constant.
    own_factor : o_v(t) per facility (table order), piecewise constant.
    stock_weeks : per recipe row (table order), the stock at week 0 and its maximum, in weeks
        of normal use (≥ 0).
    weeks : the horizon H (≥ 1).
    skip : skip the work that cannot change anything (the default); False evaluates every
        facility in every week (the plain path, bitwise the same result).
    limiting : also record each week's limiting recipe per facility.
    watch : facilities (table rows) whose per-recipe stock, F and A are recorded per week.
    engine : ``"numpy"`` (the default) or ``"numba"`` (``ENGINES``): compiled loops, ≈ 3 times
        faster per call at 52 weeks and ≈ 8 times at 520 once loaded (benchmarks/README.md); but
        loading numba costs 0.35–0.7 s per process, more than a whole numpy 52-week timeline of a
        10 000-facility network, so it pays only for long horizons or many timelines in one
        process. Same results within 1e-12.

    Returns a ``WeeklyResult`` (α as weeks × facilities; nothing of size weeks × recipes).

    **What is skipped.** α(t), F(t) and A(t) are functions of the week's inputs: the factors
    a(t), o(t) and the stocks s(t). A facility is recomputed in week t only when one of its
    inputs differs from week t − 1: its own factor or the factor of an edge into it changed
    (t is a change point of the factors), the α of one of its suppliers changed this week,
    or one of its stocks moved (s_vk(t) ≠ s_vk(t − 1)) so that A_vk moved too (a stock that
    stays ≥ the week's shortfall, F + s ≥ 1, keeps A_vk = 1 while it is drawn). In a cycle,
    where stock enters every sweep, any stock of a strongly connected component moving below
    1 week has that component iterated again (from α = o: the other components of its block
    keep last week's values, which is what iterating them again would give, to the bit).
    Otherwise α, F and A are last week's, exactly. A week with nothing to recompute is a copy
    of the week before. When, moreover, no stock moved (each is at rest: full and not drawn,
    F ≥ α at s = stock_weeks; empty and staying empty, F = α at s = 0; or F − α within
    ``STOCK_TOLERANCE``), nothing can change before the next change point of the factors, and
    every week up to it is copied in one step.
    """
    n, n_edges, n_rec = len(plan.order), len(plan.edge_order), len(plan.recipe_order)
    stock_weeks = np.asarray(stock_weeks, dtype=np.float64)
    watched = np.asarray(watch, dtype=np.int64).reshape(-1)
    problems = []
    if edge_factor.size != n_edges:
        problems.append(Problem("edge_factor", f"has {edge_factor.size} entries, the network {n_edges} supply edges"))
    if own_factor.size != n:
        problems.append(Problem("own_factor", f"has {own_factor.size} entries, the network {n} facilities"))
    if stock_weeks.shape != (n_rec,):
        problems.append(Problem("stock_weeks", f"must have shape ({n_rec},), got {stock_weeks.shape}"))
    elif not np.all(np.isfinite(stock_weeks)) or np.any(stock_weeks < 0):
        problems.append(Problem("stock_weeks", "must be finite and ≥ 0"))
    if int(weeks) != weeks or weeks < 1:
        problems.append(Problem("weeks", f"must be a whole number ≥ 1, got {weeks}"))
    if np.any((watched < 0) | (watched >= n)):
        problems.append(Problem("watch", f"facility rows must be in 0 … {n - 1}"))
    if engine not in ENGINES:
        problems.append(Problem("engine", f"must be one of {', '.join(ENGINES)}, got {engine!r}"))
    if problems:
        raise InputError("invalid timeline input", problems)
    weeks = int(weeks)

    state = _Engine(plan, stock_weeks, limiting, engine)
    # watched recipes: engine indices and table rows, sorted by table row
    watch_rows = np.flatnonzero(np.isin(plan.order[state.recipe_pos[plan.recipe_inverse]], watched))
    watch_eng = plan.recipe_inverse[watch_rows]
    alpha_out = np.empty((weeks, n))
    limiting_out = np.empty((weeks, n), dtype=np.int32) if limiting else None
    watch_out = np.empty((3, weeks, len(watch_rows)))
    evaluated = np.zeros(weeks, dtype=bool)

    def record(t: int) -> None:
        if state.kernels is not None:
            row = state.limiting if limiting_out is None else limiting_out[t]  # not written when not wanted
            state.kernels[2](plan.order, state.alpha, state.limiting, alpha_out[t], row, limiting_out is not None)
            return
        np.take(state.alpha, plan.position, out=alpha_out[t])
        if limiting_out is not None:
            np.take(state.limiting, plan.position, out=limiting_out[t])

    def copy_rows(t0: int, t1: int) -> None:
        """Weeks t0 .. t1 − 1 repeat week t0 − 1 (α and limiting recipe)."""
        if t1 > t0:
            alpha_out[t0:t1] = alpha_out[t0 - 1]
            if limiting_out is not None:
                limiting_out[t0:t1] = limiting_out[t0 - 1]

    def record_watch(t0: int, t1: int) -> None:
        watch_out[0, t0:t1] = state.stock[watch_eng]
        watch_out[1, t0:t1] = np.minimum(state.supplied[watch_eng], 1.0)
        watch_out[2, t0:t1] = state.avail[watch_eng]

    # week 0: everything, from s = stock_weeks
    state.set_weights(edge_factor.values[0])
    state.set_own(own_factor.values[0])
    state.evaluate_week(every=True)
    state.evaluations += plan.n_sources
    evaluated[0] = True
    record(0)
    record_watch(0, 1)
    moved = state.step_stock()
    next_edge, next_own = 1, 1  # the next stretch of each factor
    t = 1
    while t < weeks:
        if not skip:
            if next_edge < edge_factor.stretches and edge_factor.starts[next_edge] == t:
                state.set_weights(edge_factor.values[next_edge])
                next_edge += 1
            if next_own < own_factor.stretches and own_factor.starts[next_own] == t:
                state.set_own(own_factor.values[next_own])
                next_own += 1
            state.evaluate_week(every=True)
            state.evaluations += plan.n_sources
            evaluated[t] = True
            record(t)
            record_watch(t, t + 1)
            state.step_stock()
            t += 1
            continue

        if not moved and not state.dirty.any():
            # at rest: every week up to the next change point repeats the last one
            until = weeks
            if next_edge < edge_factor.stretches:
                until = min(until, int(edge_factor.starts[next_edge]))
            if next_own < own_factor.stretches:
                until = min(until, int(own_factor.starts[next_own]))
            if until > t:
                copy_rows(t, until)
                record_watch(t, until)
                t = until
                continue
        sources_moved = False
        if next_edge < edge_factor.stretches and edge_factor.starts[next_edge] == t:
            state.change_weights(*_changes(edge_factor, next_edge))
            next_edge += 1
        if next_own < own_factor.stretches and own_factor.starts[next_own] == t:
            idx, values = _changes(own_factor, next_own)
            sources_moved = state.change_own(idx, values)
            next_own += 1
        if state.evaluate_week(every=False) or sources_moved:
            evaluated[t] = True
            record(t)
        else:
            copy_rows(t, t + 1)
        record_watch(t, t + 1)
        moved = state.step_stock()
        t += 1

    final_stock = state.stock[plan.recipe_inverse]
    return WeeklyResult(
        alpha=alpha_out,
        limiting_recipe=limiting_out,
        final_stock=final_stock,
        evaluated=evaluated,
        evaluations=state.evaluations,
        cycle_iterations=state.cycle_iterations,
        watch_recipes=watch_rows,
        watch_stock=watch_out[0],
        watch_delivered=watch_out[1],
        watch_input=watch_out[2],
    )
