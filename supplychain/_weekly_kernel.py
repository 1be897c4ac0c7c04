"""The week-by-week engine's layout of a plan (``_layout``, both engines) and its compiled loops
(``_kernels``, ``weekly.timeline(..., engine="numba")``).

numba compiles the loops on first use (then loads them from its on-disk cache); they follow the
same rules as the numpy path of ``supplychain.weekly`` over the same arrays, so that module's
docstring gives the mathematics. Kept apart so that ``weekly.py`` stays readable (and under
900 lines) and numba stays optional (the ``fast`` extra).
"""

from __future__ import annotations

import functools
import weakref
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .arrays import Block, EnginePlan
from .errors import InputError

__all__ = ["_kernels", "_layout"]

# ---------------------------------------------------------------------------------------------
# the layout


@dataclass(frozen=True, eq=False)
class _Components:
    """The strongly connected components of one cyclic block (see ``_components``): each a
    ``Block`` of its own (``units``, for ``policy_bound``), and their bounds as arrays."""

    units: tuple[Block, ...]
    n0: np.ndarray  # first position of each component
    n1: np.ndarray
    r0: np.ndarray  # first engine recipe
    r1: np.ndarray
    e0: np.ndarray  # first engine edge
    e1: np.ndarray
    of_position: np.ndarray  # component of each position of the block, block-local


@dataclass(frozen=True, eq=False)
class _Layout:
    """Arrays derived from an ``EnginePlan`` alone, built once per plan (``_layout``)."""

    recipe_pos: np.ndarray  # engine recipe -> facility position
    recipe_edges: np.ndarray  # in-edges per engine recipe (edges are grouped by recipe)
    recipe_edge_start: np.ndarray  # (R + 1,) first engine edge of each recipe
    edge_buyer: np.ndarray  # engine edge -> buyer position
    out_buyer: np.ndarray  # buyer of each edge of ``plan.out_edge`` (edges by supplier)
    out_recipe: np.ndarray  # engine recipe of each edge of ``plan.out_edge``
    edge_inverse: np.ndarray  # table edge row -> engine edge
    cyclic_recipe: np.ndarray  # recipe of a facility in a cyclic block
    block_local: list[np.ndarray]  # per block: each recipe's facility, block-local
    components: list[_Components | None]  # per block: its components when cyclic
    units: tuple[Block, ...]  # the compiled loop's blocks: ``plan.blocks``, cyclic ones cut by component
    unit_bounds: tuple[np.ndarray, np.ndarray, np.ndarray]  # per unit: n0, n1, cyclic


_LAYOUTS: weakref.WeakKeyDictionary[EnginePlan, _Layout] = weakref.WeakKeyDictionary()


def _components(plan: EnginePlan, b: Block, edge_buyer: np.ndarray, recipe_edge_start: np.ndarray) -> _Components:
    """Cyclic block b cut into its strongly connected components.

    A cyclic block holds the components of one topological level, each a contiguous range of
    positions (``arrays`` sorts a level's cyclic facilities by component), with no edge from
    one to another (an edge between components raises the buyer's level). So the block's
    greatest fixed point is that of each component given its upstream: a component can be
    iterated on its own, to its own tolerance, and only when one of its members has new inputs.
    A cut falls between positions p − 1 and p exactly when no edge inside the block spans it
    (a component is connected, so every cut inside one is spanned)."""
    width = b.n1 - b.n0
    source = plan.edge_source[b.e0 : b.e1]
    buyer = edge_buyer[b.e0 : b.e1]
    inside = (source >= b.n0) & (source < b.n1)
    lo = np.minimum(source[inside], buyer[inside]) - b.n0
    hi = np.maximum(source[inside], buyer[inside]) - b.n0
    spanned = np.cumsum(np.bincount(lo, minlength=width + 1) - np.bincount(hi, minlength=width + 1))[: width - 1]
    cuts = np.r_[0, np.flatnonzero(spanned == 0) + 1, width] + b.n0
    n0, n1 = cuts[:-1], cuts[1:]
    r0, r1 = plan.facility_recipe_start[n0], plan.facility_recipe_start[n1]
    e0, e1 = recipe_edge_start[r0], recipe_edge_start[r1]
    units = tuple(
        Block(
            int(n0[c]),
            int(n1[c]),
            int(r0[c]),
            int(r1[c]),
            int(e0[c]),
            int(e1[c]),
            recipe_edge_start[r0[c] : r1[c]] - e0[c],
            plan.facility_recipe_start[n0[c] : n1[c]] - r0[c],
            cyclic=True,
        )
        for c in range(len(n0))
    )
    of_position = np.repeat(np.arange(len(n0)), n1 - n0)
    return _Components(units, n0, n1, r0, r1, e0, e1, of_position)


def _layout(plan: EnginePlan) -> _Layout:
    """The plan's ``_Layout``, cached for as long as the plan lives."""
    cached = _LAYOUTS.get(plan)
    if cached is not None:
        return cached
    n, n_rec, n_edges = len(plan.order), len(plan.recipe_order), len(plan.edge_order)
    per_facility = np.diff(plan.facility_recipe_start)
    recipe_pos = np.repeat(np.arange(n), per_facility)
    recipe_edges = np.bincount(plan.edge_recipe, minlength=n_rec)
    recipe_edge_start = np.r_[0, np.cumsum(recipe_edges)]
    edge_buyer = recipe_pos[plan.edge_recipe] if n_edges else np.zeros(0, np.int64)
    edge_inverse = np.empty(n_edges, dtype=np.int64)
    edge_inverse[plan.edge_order] = np.arange(n_edges)
    cyclic_recipe = np.zeros(n_rec, dtype=bool)
    for b in plan.blocks:
        if b.cyclic:
            cyclic_recipe[b.r0 : b.r1] = True
    components = [_components(plan, b, edge_buyer, recipe_edge_start) if b.cyclic else None for b in plan.blocks]
    units = tuple(u for b, c in zip(plan.blocks, components, strict=True) for u in (c.units if c else (b,)))
    layout = _Layout(
        recipe_pos=recipe_pos,
        recipe_edges=recipe_edges,
        recipe_edge_start=recipe_edge_start,
        edge_buyer=edge_buyer,
        out_buyer=edge_buyer[plan.out_edge],
        out_recipe=plan.edge_recipe[plan.out_edge].astype(np.int64),
        edge_inverse=edge_inverse,
        cyclic_recipe=cyclic_recipe,
        block_local=[np.repeat(np.arange(b.n1 - b.n0), per_facility[b.n0 : b.n1]) for b in plan.blocks],
        components=components,
        units=units,
        unit_bounds=(
            np.array([u.n0 for u in units], dtype=np.int64),
            np.array([u.n1 for u in units], dtype=np.int64),
            np.array([u.cyclic for u in units], dtype=np.bool_),
        ),
    )
    _LAYOUTS[plan] = layout
    return layout


# ---------------------------------------------------------------------------------------------
# the compiled loops


@functools.cache
def _kernels() -> tuple[Callable[..., int], Callable[..., bool], Callable[..., None]]:
    """The compiled week, stock and output-row loops (engine "numba"); compiled on first use, then loaded
    from numba's on-disk cache. Raises InputError when numba is not installed."""
    try:
        from numba import njit
    except ImportError as error:  # pragma: no cover - numba is in the test extra
        raise InputError('engine "numba" needs the optional extra: pip install "supplychain[fast]"') from error

    @njit(cache=True, nogil=True)
    def week(
        first_block: int,
        resume: bool,
        every: bool,
        block_n0: np.ndarray,
        block_n1: np.ndarray,
        block_cyclic: np.ndarray,
        dirty: np.ndarray,
        stale: np.ndarray,
        facility_recipe_start: np.ndarray,
        recipe_edge_start: np.ndarray,
        edge_source: np.ndarray,
        weight: np.ndarray,
        alpha: np.ndarray,
        own: np.ndarray,
        stock: np.ndarray,
        supplied: np.ndarray,
        avail: np.ndarray,
        draw: np.ndarray,
        cap: np.ndarray,
        live: np.ndarray,
        is_live: np.ndarray,
        want_limiting: bool,
        limiting: np.ndarray,
        recipe_rows: np.ndarray,
        tolerance: float,
        stock_tolerance: float,
        out_start: np.ndarray,
        out_buyer: np.ndarray,
        out_recipe: np.ndarray,
        new: np.ndarray,
        old: np.ndarray,
        counters: np.ndarray,
        fixed_point_tolerance: float,
        policy_after: int,
        max_iterations: int,
    ) -> int:
        """``_Engine.evaluate_week`` from block ``first_block`` on, one facility at a time.

        The blocks are ``_Layout.units``: the plan's blocks, each cyclic one cut into its
        strongly connected components. Acyclic facilities: recomputed when dirty (or
        ``every``); a changed α marks the buyers, and the buyer's recipe fed by it as ``stale``.
        Only a stale recipe's Σ share·a·α is formed again (weights and suppliers' α unchanged
        give the same sum to the bit, so the stored one is used); A, α, the limiting recipe and
        F − α are formed for every recipe of a dirty facility. Cyclic units (components) with a
        dirty member: Jacobi sweeps from α = o until no α moves by more than the fixed-point
        tolerance, as ``propagate`` does. After every ``policy_after``
        sweeps the loop returns the unit's index so that the caller applies ``policy_bound``
        and calls again with ``resume`` (the sweep count is kept in ``counters[3]``, the α
        before the week in ``old``). Returns −1 when the week is done. ``counters``: [0]
        facility evaluations, [1] cyclic sweeps, [2] 1 when anything was computed, [4] the
        length of ``live``: a recipe whose new F − α can move its stock is listed there (and
        flagged in ``is_live``) for ``stock_step``.

        (One loop body serves both kinds of block: calling a helper per facility, with its
        dozen array arguments, made the loop three times slower.)
        """
        for b in range(first_block, len(block_n0)):
            n0, n1 = block_n0[b], block_n1[b]
            cyclic = block_cyclic[b]
            if cyclic and not (resume and b == first_block):
                touched = every
                for p in range(n0, n1):
                    touched = touched or dirty[p]
                if not touched:
                    continue
                counters[0] += n1 - n0
                counters[2] = 1
                counters[3] = 0
                for p in range(n0, n1):
                    old[p] = alpha[p]
                    alpha[p] = own[p]
            while True:
                if cyclic:
                    if counters[3] >= max_iterations:
                        break
                    counters[3] += 1
                    counters[1] += 1
                step = 0.0
                for p in range(n0, n1):
                    if not cyclic:
                        if not (every or dirty[p]):
                            continue
                        counters[0] += 1
                        counters[2] = 1
                    r0, r1 = facility_recipe_start[p], facility_recipe_start[p + 1]
                    low = 2.0
                    for r in range(r0, r1):
                        if cyclic or every or stale[r]:
                            total = 0.0
                            for e in range(recipe_edge_start[r], recipe_edge_start[r + 1]):
                                total += weight[e] * alpha[edge_source[e]]
                            supplied[r] = total
                            stale[r] = False
                        else:  # no input of r changed: the sum would come out the same, to the bit
                            total = supplied[r]
                        a = min(total + stock[r], 1.0)
                        avail[r] = a
                        low = min(low, a)
                    if want_limiting:
                        limiting[p] = -1
                        for r in range(r0, r1):
                            if avail[r] <= low + tolerance:
                                if avail[r] < 1.0 - tolerance:
                                    limiting[p] = recipe_rows[r]
                                break
                    value = own[p] * low
                    if cyclic:
                        new[p] = value
                        step = max(step, abs(value - alpha[p]))
                        continue
                    for r in range(r0, r1):
                        change = min(supplied[r], 1.0) - value
                        change = 0.0 if abs(change) <= stock_tolerance else change
                        draw[r] = change
                        if not is_live[r] and ((change < 0.0 < stock[r]) or (change > 0.0 and stock[r] < cap[r])):
                            is_live[r] = True
                            live[counters[4]] = r
                            counters[4] += 1
                    if value != alpha[p]:
                        alpha[p] = value
                        if not every:
                            for i in range(out_start[p], out_start[p + 1]):
                                dirty[out_buyer[i]] = True
                                stale[out_recipe[i]] = True
                if not cyclic:
                    break
                for p in range(n0, n1):
                    alpha[p] = new[p]
                if step <= fixed_point_tolerance:
                    break
                if counters[3] % policy_after == 0:
                    return b
            if not cyclic:
                continue
            for p in range(n0, n1):
                for r in range(facility_recipe_start[p], facility_recipe_start[p + 1]):
                    change = min(supplied[r], 1.0) - alpha[p]
                    change = 0.0 if abs(change) <= stock_tolerance else change
                    draw[r] = change
                    if not is_live[r] and ((change < 0.0 < stock[r]) or (change > 0.0 and stock[r] < cap[r])):
                        is_live[r] = True
                        live[counters[4]] = r
                        counters[4] += 1
                if alpha[p] != old[p] and not every:
                    for i in range(out_start[p], out_start[p + 1]):
                        dirty[out_buyer[i]] = True
                        stale[out_recipe[i]] = True
        return -1

    @njit(cache=True, nogil=True)
    def stock_step(
        stock: np.ndarray,
        draw: np.ndarray,
        cap: np.ndarray,
        supplied: np.ndarray,
        avail: np.ndarray,
        cyclic_recipe: np.ndarray,
        recipe_pos: np.ndarray,
        dirty: np.ndarray,
        live: np.ndarray,
        is_live: np.ndarray,
        counters: np.ndarray,
    ) -> bool:
        """``_Engine.step_stock`` for the listed recipes (``live``, ``counters[4]`` long), one at
        a time. Every other stock is at rest (F − α = 0, or drawn while empty, or refilled
        while full), so min(stock_weeks, max(0, s + F − α)) = s there. A recipe that comes to
        rest leaves the list; the week loop lists it again when its F − α changes."""
        moved = False
        i = 0
        while i < counters[4]:
            r = live[i]
            before = stock[r]
            after = min(max(before + draw[r], 0.0), cap[r])
            if after != before:
                moved = True
                stock[r] = after
                if cyclic_recipe[r]:
                    if min(before, after) < 1.0:
                        dirty[recipe_pos[r]] = True
                elif min(supplied[r] + after, 1.0) != avail[r]:
                    dirty[recipe_pos[r]] = True
            d = draw[r]
            if d == 0.0 or (d < 0.0 and after == 0.0) or (d > 0.0 and after == cap[r]):
                is_live[r] = False
                counters[4] -= 1
                live[i] = live[counters[4]]
            else:
                i += 1
        return moved

    @njit(cache=True, nogil=True)
    def record(
        order: np.ndarray,
        alpha: np.ndarray,
        limiting: np.ndarray,
        alpha_row: np.ndarray,
        limiting_row: np.ndarray,
        want_limiting: bool,
    ) -> None:
        """One output row in table order: row[order[p]] = alpha[p] (and the limiting recipe)."""
        for p in range(len(order)):
            alpha_row[order[p]] = alpha[p]
        if want_limiting:
            for p in range(len(order)):
                limiting_row[order[p]] = limiting[p]

    return week, stock_step, record
