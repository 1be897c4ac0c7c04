"""The week-by-week engine's compiled loops (``weekly.timeline(..., engine="numba")``).

numba compiles them on first use (then loads them from its on-disk cache); they follow the
same rules as the numpy path of ``supplychain.weekly`` over the same arrays, so that module's
docstring gives the mathematics. Kept apart so that ``weekly.py`` stays readable and numba
stays optional (the ``fast`` extra).
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import numpy as np

from .errors import InputError

__all__ = ["_kernels"]


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
