"""The static stress engine (docs/model.md §3): availability of every facility under a scenario.

For each facility v the engine computes α_v in [0, 1], the fraction of its normal output it
can still make averaged over the horizon H:

    A_vk = min(1, Σ_{e = (u→v, k)} share_e · a_e · α_u + stock_weeks_vk / H)
    α_v  = o_v · min(1, min_k A_vk)          (α_v = o_v for a facility with no recipe)

with a_e the edge factor of the controls (product of licence approvals of the controls that
cover e) and o_v the own factor of the disruptions. With cycles α is the greatest fixed
point. ``propagate`` evaluates this over a batch of S samples at once (the first array axis):
Monte Carlo samples, or "what if this control were lifted" variants.
"""

from __future__ import annotations

import time
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .arrays import Block, EnginePlan
from .business import companies
from .results import StressResult
from .scenario import CompiledScenario, Scenario, prepare

if TYPE_CHECKING:
    from .network import Network

__all__ = ["TOLERANCE", "policy_bound", "propagate", "stress"]

TOLERANCE = 1e-9
"""Below this, a shortfall does not count: a recipe limits only if A_vk < 1 − TOLERANCE, a
control limits only if lifting it raises α by more than TOLERANCE."""

FIXED_POINT_TOLERANCE = 1e-12
"""Cycles are iterated from α = 1 until no α changes by more than this."""

MAX_ITERATIONS = 1_000_000

POLICY_AFTER = 1_000
"""A cyclic block still moving after this many iterations (its loop gain is close to 1, so
plain iteration would crawl) jumps to an exact upper bound: see ``policy_bound``. Blocks that
settle sooner (every realistic one) never get here, so their results do not depend on it."""

POLICY_MAX_WIDTH = 2_000
"""``policy_bound`` solves a dense system of the block's size; larger blocks only iterate."""


def propagate(
    plan: EnginePlan, edge_factor: np.ndarray, own_factor: np.ndarray, stock_term: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Availabilities for a batch of samples (docs/model.md §3.2).

    Parameters
    ----------
    plan : the network's ``arrays.plan``.
    edge_factor : a_e per supply edge, shape (S, E) or (1, E), table order.
    own_factor : o_v per facility, shape (S, N) or (1, N), table order.
    stock_term : stock_weeks / H per recipe row, shape (R,), table order.

    Returns
    -------
    (alpha, input_availability): α, shape (S, N), and A_vk, shape (S, R), in table order.

    Facilities are evaluated one topological level at a time; a block of cyclic facilities
    is iterated from α = o (an upper bound of the greatest fixed point) until no value moves
    by more than ``FIXED_POINT_TOLERANCE``. Each step is monotone, so the iterates decrease
    to the greatest fixed point.
    """
    edge_factor = np.atleast_2d(edge_factor)
    own_factor = np.atleast_2d(own_factor)
    samples = max(edge_factor.shape[0], own_factor.shape[0])
    own = np.broadcast_to(own_factor[:, plan.order], (samples, len(plan.order)))
    a = edge_factor[:, plan.edge_order] * plan.edge_share  # share_e · a_e, engine order
    stock = stock_term[plan.recipe_order]

    alpha = np.empty((samples, len(plan.order)))
    avail = np.empty((samples, len(plan.recipe_order)))
    alpha[:, : plan.n_sources] = own[:, : plan.n_sources]

    def evaluate(b: Block) -> np.ndarray:
        contrib = a[:, b.e0 : b.e1] * alpha[:, plan.edge_source[b.e0 : b.e1]]
        supplied = np.add.reduceat(contrib, b.edge_starts, axis=1)
        recipe = np.minimum(supplied + stock[b.r0 : b.r1], 1.0)
        avail[:, b.r0 : b.r1] = recipe
        return own[:, b.n0 : b.n1] * np.minimum.reduceat(recipe, b.recipe_starts, axis=1)

    for b in plan.blocks:
        if not b.cyclic:
            alpha[:, b.n0 : b.n1] = evaluate(b)
            continue
        alpha[:, b.n0 : b.n1] = own[:, b.n0 : b.n1]
        for iteration in range(1, MAX_ITERATIONS + 1):
            new = evaluate(b)
            step = np.max(np.abs(new - alpha[:, b.n0 : b.n1]), axis=1)
            alpha[:, b.n0 : b.n1] = new
            if step.max() <= FIXED_POINT_TOLERANCE:
                break
            if iteration % POLICY_AFTER == 0:
                for row in np.flatnonzero(step > FIXED_POINT_TOLERANCE).tolist():
                    alpha[row, b.n0 : b.n1] = policy_bound(
                        plan, b, alpha[row], own[row], a[min(row, len(a) - 1), b.e0 : b.e1], stock
                    )
        else:  # pragma: no cover - needs a cycle that neither iteration nor its policy solve settles
            warnings.warn(
                f"availability in a cycle did not settle within {MAX_ITERATIONS} iterations "
                f"(last change {step.max():.2e})",
                RuntimeWarning,
                stacklevel=2,
            )
    return alpha[:, plan.position], avail[:, plan.recipe_inverse]


def policy_bound(
    plan: EnginePlan, block: object, alpha: np.ndarray, own: np.ndarray, weight: np.ndarray, stock: np.ndarray
) -> np.ndarray:
    """A closer upper bound of a cyclic block's greatest fixed point, for one sample.

    ``alpha`` (N, engine positions) holds the current iterate x of the block (an upper bound of
    its greatest fixed point α*) and the final α of everything upstream; ``own`` (N), ``weight``
    (share_e · a_e of the block's in-edges e0 .. e1) and ``stock`` (R) are the sample's
    factors in engine order. Fix the
    **policy** π the block follows at x, each facility's minimising piece: its smallest recipe
    (the first on ties) or the cap 1, and solve the block's linear system for it,
    x_π = o ⊙ (B_π x_π + c_π) (B_π the internal shares of the chosen recipes, c_π their
    external supply plus stock). Since F ≤ F_π piecewise, α* ≤ F_π(α*), so α* ≤ x_π whenever
    F_π is a contraction, i.e. I − diag(o) B_π is a nonsingular M-matrix, certified by a
    non-negative solution z of (I − diag(o) B_π) z = 1. Returns min(x, x_π), which is then
    α* itself when π is the policy at α* (iteration confirms it in one step), or x unchanged
    when the system is not certified or the block is wider than ``POLICY_MAX_WIDTH``.
    """
    n0, n1 = block.n0, block.n1  # type: ignore[attr-defined]
    width = n1 - n0
    x = alpha[n0:n1]
    if width > POLICY_MAX_WIDTH:
        return x
    e0, e1, r0, r1 = block.e0, block.e1, block.r0, block.r1  # type: ignore[attr-defined]
    n_rec = r1 - r0
    source = plan.edge_source[e0:e1]
    recipe = plan.edge_recipe[e0:e1] - r0
    inside = (source >= n0) & (source < n1)
    contrib = weight * alpha[source]
    value = np.bincount(recipe, weights=contrib, minlength=n_rec) + stock[r0:r1]
    external = np.bincount(recipe, weights=np.where(inside, 0.0, contrib), minlength=n_rec) + stock[r0:r1]
    starts = block.recipe_starts  # type: ignore[attr-defined]
    facility = np.repeat(np.arange(width), np.diff(np.r_[starts, n_rec]))
    lowest = np.minimum.reduceat(value, starts)
    first = np.flatnonzero(value == lowest[facility])
    _, at = np.unique(facility[first], return_index=True)
    chosen = first[at]  # each facility's first minimising recipe
    capped = lowest >= 1.0
    own_block = own[n0:n1]
    rhs = np.where(capped, own_block, own_block * external[chosen])
    matrix = np.eye(width)
    pick = np.zeros(n_rec, dtype=bool)
    pick[chosen[~capped]] = True
    use = inside & pick[recipe]
    buyer = facility[recipe[use]]
    np.add.at(matrix, (buyer, source[use] - n0), -own_block[buyer] * weight[use])
    try:
        solution = np.linalg.solve(matrix, np.column_stack([rhs, np.ones(width)]))
    except np.linalg.LinAlgError:
        return x
    if not np.isfinite(solution).all() or (solution[:, 1] < 0).any():
        return x
    return np.minimum(x, np.maximum(solution[:, 0], 0.0))


def _limiting_items(network: Network, avail: np.ndarray) -> list[str]:
    """Per facility the item with the smallest A_vk when it is below 1 − TOLERANCE; ties go
    to the smaller item id."""
    arr = network.arrays
    plan = arr.plan
    out = [""] * arr.n_facilities
    # engine recipe order groups recipes by facility, sorted by item id: first minimum wins.
    eng = avail[plan.recipe_order]
    fac = arr.recipe_facility[plan.recipe_order]
    if eng.size == 0:
        return out
    starts = np.flatnonzero(np.r_[True, fac[1:] != fac[:-1]])
    minima = np.minimum.reduceat(eng, starts)
    counts = np.diff(np.r_[starts, len(fac)])
    at_min = np.flatnonzero(eng <= np.repeat(minima, counts) + TOLERANCE)  # ties within the tolerance
    segment = np.searchsorted(starts, at_min, side="right") - 1
    _, first = np.unique(segment, return_index=True)  # first minimum of each facility
    for r in at_min[first].tolist():
        if eng[r] < 1.0 - TOLERANCE:
            out[int(fac[r])] = arr.item_ids[arr.recipe_item[plan.recipe_order[r]]]
    return out


def stress(network: Network | None, scenario: Scenario | CompiledScenario | str | Path) -> StressResult:
    """Stress a network with a scenario's controls and disruptions (docs/model.md §3).

    ``network`` may be None to read the one the scenario names; ``scenario`` may be a path, or
    a ``CompiledScenario`` to skip compiling it again. Returns a ``StressResult``
    whose ``facilities`` table gives each facility's availability (share of normal output
    over the horizon, 0–1), lost capacity (units per week), limiting item and limiting
    control; ``countries``, ``controls`` and ``summary`` aggregate it.

    >>> import supplychain as sc
    >>> net = sc.read_network("tiny")
    >>> scen = sc.Scenario.model_validate({"name": "litho", "controls": [
    ...     {"name": "nl-litho", "issuer": "NLD", "items": ["euv"], "destinations": ["CHN"]}]})
    >>> res = sc.stress(net, scen)
    >>> row = res.facilities.loc["fab_cn"]
    >>> float(row["availability"]), row["limiting_item"], row["limiting_control"]
    (0.25, 'euv', 'nl-litho')
    >>> res
    <StressResult 'litho' on 'tiny': 2 of 8 facilities hit; compute lost 15 of 150 (10.0 %); ...>
    """
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    compiled = prepare(network, scenario, "stress")
    network, scenario = compiled.network, compiled.scenario
    timings["compile_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    arr = network.arrays
    timings["arrays_s"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    n_controls, n_disruptions = len(compiled.control_names), len(compiled.disruption_labels)
    # Sample 0: the scenario as written; then each rule lifted (marginal effect), then each rule
    # alone in force (standalone effect): controls first, then disruptions.
    players = n_controls + n_disruptions
    everything = np.ones((1, players), dtype=bool)
    lifted = ~np.eye(players, dtype=bool)
    alone = np.eye(players, dtype=bool)
    rows = np.vstack([everything, lifted, alone])
    alpha, avail = propagate(
        arr.plan,
        compiled.edge_factor(rows[:, :n_controls]),
        compiled.own_factor(rows[:, n_controls:]),
        compiled.stock_term,
    )
    timings["propagate_s"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    result = _assemble(network, scenario, compiled, alpha, avail)
    result.companies = companies(network, alpha[0], compiled.edge_factor()[0])  # companies.csv
    timings["assemble_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    from .attribution import attribute_compiled

    result.attach_attribution(attribute_compiled(compiled))
    timings["attribution_s"] = time.perf_counter() - t0
    result.timings.update(timings)
    return result


def _clean(difference: np.ndarray, scale: float) -> np.ndarray:
    """A difference of two sums, with rounding noise (below 1e-9 of the scale) set to 0."""
    return np.where(np.abs(difference) <= TOLERANCE * max(1.0, abs(scale)), 0.0, difference)


def _assemble(
    network: Network, scenario: Scenario, compiled: CompiledScenario, alpha: np.ndarray, avail: np.ndarray
) -> StressResult:
    """Build the result tables from the batch: row 0 the scenario, then each rule lifted, then
    each rule alone (controls, then disruptions). The limiting control and cause and the
    attributed columns come from the attribution (``StressResult.attach_attribution``)."""
    arr = network.arrays
    n_controls = len(compiled.control_names)
    players = n_controls + len(compiled.disruption_labels)
    base = alpha[0]
    lifted = alpha[1 : 1 + players]
    alone = alpha[1 + players :]

    fac = network.facilities
    capacity = arr.capacity
    facilities = pd.DataFrame(
        {
            "facility": fac["id"].to_numpy(dtype=object),
            "name": fac["name"].to_numpy(dtype=object),
            "company": fac["company"].to_numpy(dtype=object),
            "country": fac["country"].to_numpy(dtype=object),
            "kind": fac["kind"].to_numpy(dtype=object),
            "capacity": capacity,
            "availability": base,
            "lost_capacity": capacity * (1.0 - base),
            "limiting_item": _limiting_items(network, avail[0]),
            "produces": fac["produces"].to_numpy(dtype=object),
            "final_output": arr.is_final,
        }
    )

    compute = arr.kind == arr.kinds.index("compute")
    lost_compute_alone = ((1.0 - alone) * capacity)[:, compute].sum(axis=1)
    lost_compute_lifted = ((1.0 - lifted) * capacity)[:, compute].sum(axis=1)
    lost_compute = float(((1.0 - base) * capacity)[compute].sum())
    marginal = _clean(lost_compute - lost_compute_lifted, lost_compute)
    hit = (alone < 1.0 - TOLERANCE).sum(axis=1).astype(np.int64)
    controls = pd.DataFrame(
        {
            "control": list(compiled.control_names),
            "edges_covered": compiled.coverage.sum(axis=1).astype(np.int64),
            "facilities_hit": hit[:n_controls],
            "standalone_lost_compute": lost_compute_alone[:n_controls],
            "marginal_lost_compute": marginal[:n_controls],
            "issuer": [";".join(c.issuer) for c in scenario.controls],
            "licence_approval": compiled.approval,
        }
    )
    disruptions = pd.DataFrame(
        {
            "disruption": list(scenario.disruption_names),
            "facilities_hit": hit[n_controls:],
            "standalone_lost_compute": lost_compute_alone[n_controls:],
            "marginal_lost_compute": marginal[n_controls:],
            "capacity_factor": [d.capacity_factor for d in scenario.disruptions],
        }
    )
    return StressResult.from_facilities(network, scenario, facilities, controls, disruptions)
