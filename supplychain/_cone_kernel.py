"""The Monte Carlo cone as a compiled loop over samples (numba, the optional ``fast`` extra).

Same rules and the same answer as ``MonteCarloModel._cone_numpy`` (within rounding), one
sample at a time: the sample's changed own factors and edge factors are applied to the
reference state, then the blocks are walked in engine order and only the facilities queued
as dirty are re-evaluated. An acyclic facility adds the changes pushed onto its recipes to
the reference sums Σ share·a·α; a facility whose α moves by more than ``unchanged`` pushes
share·a·Δα onto each recipe it supplies and queues the buyer. A cyclic block that is touched
is iterated as the level engine does (Jacobi from α = o until no value moves by more than
``fp_tol``), for this sample alone; its in-edges from outside the block enter as their
reference sum plus the changes pushed in, so an iteration reads only the internal edges. A
block still moving after ``policy_after`` iterations jumps to its policy's solution
(``_policy_bound``, as ``stress.policy_bound`` does for the level engine).

Work per sample is proportional to its cone (the facilities re-evaluated and their
out-edges) plus the cyclic blocks it touches, never to the size of the network; after each
sample the state goes back to the reference by undoing only what the sample touched.

The push-and-queue step is written out where it is used (sources, acyclic and cyclic
blocks) rather than called: as an ``njit(inline="always")`` helper it made the whole kernel
twice as slow (light profile 0.13 s → 0.25 s per 1 000 samples; measured, cause not pinned
down, probably reference counting of the arrays passed in the hottest loop).

Importing this module needs numba; ``montecarlo`` falls back to numpy without it.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True, nogil=True)
def cone_kernel(
    first_sample,
    size,
    edge_sample,
    edge,
    edge_value,
    own_sample,
    own_facility,
    own_value,
    block_n0,
    block_n1,
    block_cyclic,
    block_of,
    facility_recipe_start,
    recipe_internal_start,
    internal_edge,
    internal,
    external_ref,
    edge_source,
    share,
    stock,
    out_start,
    out_recipe,
    out_buyer,
    out_weight_ref,
    out_index,
    alpha_ref,
    own_ref,
    edge_ref,
    supplied_ref,
    unchanged,
    fp_tol,
    max_iterations,
    policy_after,
    policy_max_width,
    out_s,
    out_v,
    out_a,
):
    """Evaluate samples ``first_sample`` .. ``size - 1``; the changes (sorted by sample) start
    at that sample. Writes (sample, position, α) of every facility whose α differs from the
    reference into ``out_s``, ``out_v``, ``out_a`` and stops early, before a sample that might
    not fit. Returns (entries written, next sample to evaluate, cyclic solves that reached
    ``max_iterations`` without settling)."""
    n = alpha_ref.shape[0]
    n_blocks = block_n0.shape[0]
    capacity = out_s.shape[0]
    alpha = alpha_ref.copy()
    own = own_ref.copy()
    a = edge_ref.copy()
    weight = out_weight_ref.copy()
    dsup = np.zeros(stock.shape[0])
    queued = np.zeros(n, np.bool_)
    # dirty positions of block b are queue[n0_b : n0_b + queued_in[b]] (a block's positions
    # are n0_b .. n1_b - 1, so its slots never overflow)
    queue = np.empty(n, np.int64)
    queued_in = np.zeros(n_blocks, np.int64)
    width = 1
    for b in range(n_blocks):
        width = max(width, block_n1[b] - block_n0[b])
    new_values = np.empty(width)
    count = 0
    unsettled = 0
    ie = 0
    io = 0
    for s in range(first_sample, size):
        if count + n > capacity:
            return count, s, unsettled
        start_count = count
        o_first = io
        # own factors: sources (no recipe) take α = o and push what moved; others are queued
        while io < own_sample.shape[0] and own_sample[io] == s:
            p = own_facility[io]
            own[p] = own_value[io]
            io += 1
            b = block_of[p]
            if b >= 0:
                if not queued[p]:
                    queued[p] = True
                    queue[block_n0[b] + queued_in[b]] = p
                    queued_in[b] += 1
                continue
            if abs(own[p] - alpha_ref[p]) <= unchanged:
                continue
            delta = own[p] - alpha[p]
            alpha[p] = own[p]
            out_s[count] = s
            out_v[count] = p
            out_a[count] = own[p]
            count += 1
            for k in range(out_start[p], out_start[p + 1]):
                dsup[out_recipe[k]] += weight[k] * delta
                q = out_buyer[k]
                if not queued[q]:
                    queued[q] = True
                    c = block_of[q]
                    queue[block_n0[c] + queued_in[c]] = q
                    queued_in[c] += 1
        # edge factors: the change of the contribution at the current α of the source
        e_first = ie
        while ie < edge_sample.shape[0] and edge_sample[ie] == s:
            e = edge[ie]
            k = out_index[e]
            if not internal[e]:  # (a cyclic block iterates its internal edges at their factor)
                dsup[out_recipe[k]] += share[e] * (edge_value[ie] - a[e]) * alpha[edge_source[e]]
            a[e] = edge_value[ie]
            weight[k] = share[e] * a[e]
            q = out_buyer[k]
            if not queued[q]:
                queued[q] = True
                c = block_of[q]
                queue[block_n0[c] + queued_in[c]] = q
                queued_in[c] += 1
            ie += 1

        for b in range(n_blocks):
            if queued_in[b] == 0:
                continue
            n0, n1 = block_n0[b], block_n1[b]
            if not block_cyclic[b]:
                for i in range(n0, n0 + queued_in[b]):
                    p = queue[i]
                    worst = 1.0
                    for r in range(facility_recipe_start[p], facility_recipe_start[p + 1]):
                        value = supplied_ref[r] + dsup[r] + stock[r]
                        if value < worst:
                            worst = value
                    new = own[p] * worst
                    if abs(new - alpha_ref[p]) <= unchanged:
                        continue
                    delta = new - alpha[p]
                    alpha[p] = new
                    out_s[count] = s
                    out_v[count] = p
                    out_a[count] = new
                    count += 1
                    for k in range(out_start[p], out_start[p + 1]):
                        dsup[out_recipe[k]] += weight[k] * delta
                        q = out_buyer[k]
                        if not queued[q]:
                            queued[q] = True
                            c = block_of[q]
                            queue[block_n0[c] + queued_in[c]] = q
                            queued_in[c] += 1
                continue
            # cyclic block: iterate from α = o to the greatest fixed point, this sample alone
            for p in range(n0, n1):
                alpha[p] = own[p]
            settled = False
            for iteration in range(1, max_iterations + 1):
                change = 0.0
                for p in range(n0, n1):
                    worst = 1.0
                    for r in range(facility_recipe_start[p], facility_recipe_start[p + 1]):
                        total = external_ref[r] + dsup[r]
                        for i in range(recipe_internal_start[r], recipe_internal_start[r + 1]):
                            e = internal_edge[i]
                            total += share[e] * a[e] * alpha[edge_source[e]]
                        value = total + stock[r]
                        if value < worst:
                            worst = value
                    new_values[p - n0] = own[p] * worst
                for p in range(n0, n1):
                    step = abs(new_values[p - n0] - alpha[p])
                    if step > change:
                        change = step
                    alpha[p] = new_values[p - n0]
                if change <= fp_tol:
                    settled = True
                    break
                if iteration % policy_after == 0:  # a slow cycle: jump to its policy's bound
                    _policy_bound(
                        n0,
                        n1,
                        alpha,
                        own,
                        a,
                        share,
                        edge_source,
                        facility_recipe_start,
                        recipe_internal_start,
                        internal_edge,
                        external_ref,
                        dsup,
                        stock,
                        policy_max_width,
                    )
            if not settled:
                unsettled += 1
            for p in range(n0, n1):
                new = alpha[p]
                if abs(new - alpha_ref[p]) <= unchanged:
                    alpha[p] = alpha_ref[p]
                    continue
                out_s[count] = s
                out_v[count] = p
                out_a[count] = new
                count += 1
                delta = new - alpha_ref[p]
                for k in range(out_start[p], out_start[p + 1]):
                    q = out_buyer[k]
                    c = block_of[q]
                    if c == b:  # inside the block: already in the fixed point
                        continue
                    dsup[out_recipe[k]] += weight[k] * delta
                    if not queued[q]:
                        queued[q] = True
                        queue[block_n0[c] + queued_in[c]] = q
                        queued_in[c] += 1

        # back to the reference state: undo only what this sample touched
        for k in range(start_count, count):
            alpha[out_v[k]] = alpha_ref[out_v[k]]
        for b in range(n_blocks):
            for i in range(block_n0[b], block_n0[b] + queued_in[b]):
                p = queue[i]
                queued[p] = False
                for r in range(facility_recipe_start[p], facility_recipe_start[p + 1]):
                    dsup[r] = 0.0
            queued_in[b] = 0
        for k in range(e_first, ie):
            e = edge[k]
            a[e] = edge_ref[e]
            weight[out_index[e]] = out_weight_ref[out_index[e]]
        for k in range(o_first, io):
            own[own_facility[k]] = own_ref[own_facility[k]]
    return count, size, unsettled


@njit(cache=True, nogil=True)
def _policy_bound(
    n0,
    n1,
    alpha,
    own,
    a,
    share,
    edge_source,
    facility_recipe_start,
    recipe_internal_start,
    internal_edge,
    external_ref,
    dsup,
    stock,
    max_width,
):
    """``stress.policy_bound`` for one sample of the compiled cone, in place on α[n0:n1]: fix
    each facility's minimising piece (first smallest recipe, or the cap 1), solve the block's
    linear system for it by Gaussian elimination with partial pivoting, and where it is
    certified (I − diag(o) B_π a nonsingular M-matrix: (I − diag(o) B_π) z = 1 has z ≥ 0)
    lower α to min(α, x_π)."""
    width = n1 - n0
    if width > max_width:
        return
    m = np.zeros((width, width + 2))
    for p in range(n0, n1):
        i = p - n0
        m[i, i] = 1.0
        m[i, width + 1] = 1.0
        best = 1.0
        pick = -1
        for r in range(facility_recipe_start[p], facility_recipe_start[p + 1]):
            value = external_ref[r] + dsup[r] + stock[r]
            for k in range(recipe_internal_start[r], recipe_internal_start[r + 1]):
                e = internal_edge[k]
                value += share[e] * a[e] * alpha[edge_source[e]]
            if value < best:
                best = value
                pick = r
        if pick < 0:
            m[i, width] = own[p]
            continue
        m[i, width] = own[p] * (external_ref[pick] + dsup[pick] + stock[pick])
        for k in range(recipe_internal_start[pick], recipe_internal_start[pick + 1]):
            e = internal_edge[k]
            m[i, edge_source[e] - n0] -= own[p] * share[e] * a[e]
    for col in range(width):
        pivot = col
        for row in range(col + 1, width):
            if abs(m[row, col]) > abs(m[pivot, col]):
                pivot = row
        if abs(m[pivot, col]) < 1e-300:
            return
        if pivot != col:
            for j in range(col, width + 2):
                m[col, j], m[pivot, j] = m[pivot, j], m[col, j]
        for row in range(col + 1, width):
            factor = m[row, col] / m[col, col]
            if factor != 0.0:
                for j in range(col, width + 2):
                    m[row, j] -= factor * m[col, j]
    solution = np.empty((width, 2))
    for row in range(width - 1, -1, -1):
        for c in range(2):
            total = m[row, width + c]
            for j in range(row + 1, width):
                total -= m[row, j] * solution[j, c]
            solution[row, c] = total / m[row, row]
    for row in range(width):
        if not (np.isfinite(solution[row, 0]) and np.isfinite(solution[row, 1])) or solution[row, 1] < 0.0:
            return
    for row in range(width):
        bound = max(solution[row, 0], 0.0)
        if bound < alpha[n0 + row]:
            alpha[n0 + row] = bound
