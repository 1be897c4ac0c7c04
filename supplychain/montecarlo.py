"""Monte Carlo stress (docs/model.md §3.5): distributions of lost capacity.

Each sample draws every control and disruption in force with its ``probability`` and, for
every edge a control in force covers, a licence granted with probability
``licence_approval``; the availability α is then computed exactly as in the static engine,
with a_e ∈ {0, 1}.

How it stays fast: a **reference state** (each control and disruption in its more likely
state, each random licence at its more likely outcome) is evaluated once with the level
engine. A sample differs from it in few places (a licence here, a disruption there), so only
the downstream **cone** of what it changes is recomputed: acyclic facilities by pushing only
the contributions that changed onto the reference sums Σ share·a·α of each recipe, cyclic
blocks by iterating them to their fixed point, and propagation stops wherever α comes out
unchanged. Facilities outside the cone keep their reference α.

Two engines compute the cone by these rules: a compiled loop over samples (``_cone_kernel``,
numba, ``pip install "supplychain[fast]"``), used when numba is installed, and numpy, level
by level for all samples of a block at once (always available). They agree within 1e-12;
``engine`` picks one.

How it stays reproducible: samples come in blocks of ``BLOCK`` (fixed); block b draws from
its own generator ``PCG64(SeedSequence([seed, b]))``, always a full block in a fixed order, so
sample i is the same whatever the batch size, number of workers or executor, and whatever the
total sample count. Per-block partial sums are merged in block order.

How it stays small: nothing of size samples × facilities is kept. Per sample it keeps the
lost capacity of each country × kind group (samples × groups floats, e.g. 100 000 × 200 =
160 MB) for exact quantiles and CVaR; per facility it keeps running sums.
"""

from __future__ import annotations

import math
import os
import time
import warnings
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from .errors import InputError
from .machine import check_dask_address, check_memory, connect_dask
from .mcstats import MonteCarloResult, summarise
from .progress import ProgressArg, progress_callback
from .scenario import CompiledScenario, Scenario, prepare
from .schema import KINDS
from .stress import FIXED_POINT_TOLERANCE, MAX_ITERATIONS, POLICY_AFTER, POLICY_MAX_WIDTH, policy_bound, propagate

if TYPE_CHECKING:
    from pathlib import Path

    from .network import Network

__all__ = ["BLOCK", "ENGINES", "MonteCarloResult", "monte_carlo", "sample_bytes"]

BLOCK = 256
"""Samples per seed block: fixed, so results never depend on how samples are batched."""

PUSH_SHARE = 0.05
"""numpy cone: an acyclic block is evaluated by push (only the changed contributions) for a
sample, unless that sample changes more than this share of the block's in-edges: then densely,
whole block."""

OUTPUT_PER_SAMPLE = 64
"""The compiled cone's first output buffer holds N + this many (sample, facility) entries per
sample; a block that moves more continues in further buffers."""

UNCHANGED = 1e-13
"""A recomputed α within this of its reference value counts as unchanged (propagation stops
there, and the reference value is kept)."""


ENGINES = ("auto", "numba", "numpy")
"""Cone engines: ``numba`` (compiled, the ``fast`` extra), ``numpy`` (always available) and
``auto`` (numba when it is installed). Both give the same α within rounding (1e-12)."""


def numba_available() -> bool:
    """Whether the compiled cone (``pip install "supplychain[fast]"``, numba) can be used."""
    try:
        from . import _cone_kernel  # noqa: F401
    except (ImportError, RuntimeError):  # not installed, or numba cannot work here
        return False
    return True


AUTO_NUMBA_WORK = 1e9
"""``monte_carlo(engine="auto")`` takes the compiled cone only when samples × edges reaches
this (and numba is installed): below it, loading numba and its cached kernel (about 0.3 s)
costs more than the compiled loop saves. Measured on the bundled network (13 670 edges):
20 000 samples in 0.20 s with numpy, 0.11 s with numba after the load; the break-even is
near 70 000 samples there, 10 000 on a 100 000-edge network."""


def resolve_engine(engine: str) -> str:
    """The cone engine ``engine`` names: ``auto`` → numba when installed, else numpy."""
    if engine not in ENGINES:
        raise InputError(f"engine must be one of {', '.join(ENGINES)} (got {engine!r})")
    if engine == "auto":
        return "numba" if numba_available() else "numpy"
    if engine == "numba" and not numba_available():
        raise InputError('engine "numba" needs the optional extra: pip install "supplychain[fast]"')
    return engine


@dataclass(frozen=True)
class BlockDraw:
    """The random state of one block of samples, relative to the reference state.

    ``control_active`` (B × C) and ``disruption_active`` (B × D) say what is in force;
    ``edge_sample``/``edge``/``edge_value`` list the (sample, engine edge) pairs whose factor
    differs from the reference, with the factor; ``own_sample``/``own_facility``/``own_value``
    the (sample, engine position) pairs whose own factor differs.
    """

    block: int
    size: int
    control_active: np.ndarray
    disruption_active: np.ndarray
    edge_sample: np.ndarray
    edge: np.ndarray
    edge_value: np.ndarray
    own_sample: np.ndarray
    own_facility: np.ndarray
    own_value: np.ndarray

    def changes(self, size: int) -> tuple[np.ndarray, ...]:
        """The changes of the first ``size`` samples (both lists are sorted by sample):
        edge_sample, edge, edge_value, own_sample, own_facility, own_value."""
        e = int(np.searchsorted(self.edge_sample, size))
        o = int(np.searchsorted(self.own_sample, size))
        return (
            self.edge_sample[:e],
            self.edge[:e],
            self.edge_value[:e],
            self.own_sample[:o],
            self.own_facility[:o],
            self.own_value[:o],
        )


class MonteCarloModel:
    """Everything that stays fixed across samples, built once per (network, scenario).

    All per-edge arrays are in the engine's edge order, per-facility arrays in engine
    positions (see ``arrays.EnginePlan``). ``engine`` picks the cone engine (``ENGINES``).
    """

    def __init__(
        self, network: Network, scenario: Scenario, compiled: CompiledScenario | None = None, engine: str = "auto"
    ) -> None:
        self.engine = resolve_engine(engine)
        compiled = compiled if compiled is not None else prepare(network, scenario, "MonteCarloModel")
        arr = network.arrays
        plan = arr.plan
        self.plan = plan
        self.n_facilities = arr.n_facilities
        self.n_edges = arr.n_edges
        self.horizon = compiled.horizon_weeks
        self.stock = compiled.stock_term[plan.recipe_order]
        self.share = plan.edge_share
        self.source = plan.edge_source

        coverage = compiled.coverage[:, plan.edge_order]
        self.coverage = coverage
        self.covered = [np.flatnonzero(coverage[c]) for c in range(coverage.shape[0])]
        self.control_probability = compiled.control_probability
        approval = compiled.approval
        self.random_licence = (approval > 0) & (approval < 1)
        self.licence_mode = np.where(self.random_licence, (approval >= 0.5).astype(float), approval)
        self.flip_probability = np.where(self.random_licence, np.minimum(approval, 1 - approval), 0.0)
        self.reference_control = self.control_probability >= 0.5
        # A licence granted opens its edge after the delay, a denied one keeps it shut while the
        # control is in force (docs/model.md §3.5): as horizon means, granted_value and
        # denied_value per control (1 and 0 for a control in force all horizon without delay).
        # Where two controls in force cover one edge, their shut weeks may overlap: those edges
        # get the exact 1 − |union of shut weeks| / H (``_exact_edges``), not the product.
        horizon = float(compiled.horizon_weeks)
        force = (compiled.control_end - compiled.control_start).astype(float)
        self.granted_value = 1.0 - np.minimum(compiled.control_delay, force) / horizon
        self.denied_value = 1.0 - force / horizon
        self.mode_value = np.where(self.licence_mode == 1.0, self.granted_value, self.denied_value)
        self.flip_value = np.where(self.licence_mode == 1.0, self.denied_value, self.granted_value)
        self.compiled_timing = (compiled.control_start, compiled.control_end, compiled.control_delay, horizon)
        self.exact_edge = (coverage.sum(axis=0) >= 2) if compiled.timed_controls else np.zeros(self.n_edges, dtype=bool)

        self.disruption_probability = compiled.disruption_probability
        self.disruption_factor = compiled.disruption_factor[:, plan.order]
        self.reference_disruption = self.disruption_probability >= 0.5
        # facilities hit by two disruptions whose factors change within the horizon: their own
        # factor is the mean of the week-by-week product, not the product of the means
        hit = compiled.disruption_hit[:, plan.order]
        overlap = hit.sum(axis=0) >= 2 if len(hit) else np.zeros(self.n_facilities, dtype=bool)
        self.exact_own = overlap & compiled.timed_disruptions
        self.disruption_hit = hit
        self.disruption_weeks = compiled.disruption_weeks

        self.edge_reference = self._edge_factor(self.reference_control[None, :])[0]
        own = np.ones(self.n_facilities)
        for d in np.flatnonzero(self.reference_disruption):
            own *= self.disruption_factor[d]
        if self.exact_own.any():
            rows = np.flatnonzero(self.exact_own)
            own[rows] = _exact_own(self, np.zeros(len(rows), dtype=np.int64), rows, self.reference_disruption[None, :])
        self.own_reference = own

        # reference availability, in table order for propagate, then in engine positions
        edge_table = np.empty(self.n_edges)
        edge_table[plan.edge_order] = self.edge_reference
        own_table = np.empty(self.n_facilities)
        own_table[plan.order] = own
        alpha, _ = propagate(plan, edge_table[None, :], own_table[None, :], compiled.stock_term)
        self.alpha_reference = alpha[0][plan.order]

        # push evaluation: out-edges of each position (engine edge ids by source), each edge's
        # block, each recipe's position, and the reference sums Σ share·a·α and A per recipe
        self.out_edge, self.out_start = plan.out_edge, plan.out_start
        self.recipe_position = np.searchsorted(plan.facility_recipe_start, np.arange(len(self.stock)), side="right") - 1
        self.edge_block_of = plan.block_of[self.recipe_position[plan.edge_recipe]].astype(np.int16)
        self.weight_reference = self.share * self.edge_reference
        contrib = self.weight_reference * self.alpha_reference[self.source]
        has_edges = np.flatnonzero(
            np.diff(np.r_[np.searchsorted(plan.edge_recipe, np.arange(len(self.stock))), self.n_edges]) > 0
        )
        supplied = np.zeros(len(self.stock))
        if self.n_edges:
            supplied[has_edges] = np.add.reduceat(contrib, np.searchsorted(plan.edge_recipe, has_edges))
        self.supplied_reference = supplied
        self.block_n0 = np.array([b.n0 for b in plan.blocks], dtype=np.int64)
        self.block_n1 = np.array([b.n1 for b in plan.blocks], dtype=np.int64)
        self.block_cyclic = np.array([b.cyclic for b in plan.blocks], dtype=bool)
        # the out-edges in out-edge order, for the compiled push: recipe, buyer, share·a, and
        # each engine edge's place in that order
        self.out_recipe = plan.edge_recipe[self.out_edge]
        self.out_buyer = self.recipe_position[self.out_recipe]
        self.out_weight = self.weight_reference[self.out_edge]
        self.out_index = np.empty(self.n_edges, dtype=np.int64)
        self.out_index[self.out_edge] = np.arange(self.n_edges)
        # cyclic blocks: edges from inside the same block are iterated, the rest enter as the
        # reference sum of the external ones plus the changes pushed in
        buyer_block = plan.block_of[self.recipe_position[plan.edge_recipe]]
        self.internal = (buyer_block == plan.block_of[self.source]) & self.block_cyclic[buyer_block]
        self.external_reference = np.bincount(
            plan.edge_recipe, weights=np.where(self.internal, 0.0, contrib), minlength=len(self.stock)
        ).astype(float)  # (int64 when empty)
        self.internal_edge = np.flatnonzero(self.internal)
        self.recipe_internal_start = np.searchsorted(
            plan.edge_recipe[self.internal_edge], np.arange(len(self.stock) + 1)
        )
        self.available_reference = np.minimum(supplied + self.stock, 1.0)

        # country x kind groups (report order: country, then kind upstream to downstream)
        countries = np.asarray(arr.countries, dtype=object)[arr.country]
        kinds = np.asarray(arr.kinds, dtype=object)[arr.kind]
        keys = sorted(
            set(zip(countries.tolist(), kinds.tolist(), strict=True)), key=lambda ck: (ck[0], KINDS.index(ck[1]))
        )
        self.groups = keys
        lookup = {k: g for g, k in enumerate(keys)}
        group = np.fromiter(
            (lookup[k] for k in zip(countries.tolist(), kinds.tolist(), strict=True)),
            dtype=np.int64,
            count=arr.n_facilities,
        )
        self.group = group[plan.order]
        self.capacity = arr.capacity[plan.order]
        self.loss_reference = np.bincount(
            self.group, weights=self.capacity * (1 - self.alpha_reference), minlength=len(keys)
        )

    # -- sampling --------------------------------------------------------------------------

    def _edge_factor(self, active: np.ndarray) -> np.ndarray:
        """Dense edge factors (S × E, engine order) for control activity ``active``, every
        random licence at its more likely outcome."""
        factor = np.ones((active.shape[0], self.n_edges))
        for c, edges in enumerate(self.covered):
            value = self.mode_value[c]
            if value == 1.0 or not active[:, c].any():
                continue
            factor[np.ix_(active[:, c], edges)] *= value
        if self.exact_edge.any():
            edges = np.flatnonzero(self.exact_edge)
            sample = np.repeat(np.arange(active.shape[0]), len(edges))
            edge = np.tile(edges, active.shape[0])
            denied = np.broadcast_to(self.licence_mode == 0.0, (len(edge), len(self.covered)))
            factor[sample, edge] = _exact_edges(self, active[sample] & self.coverage[:, edge].T, denied)
        return factor

    def draw(self, seed: int, block: int) -> BlockDraw:
        """The samples of one block, as changes against the reference state."""
        rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence([seed, block])))
        n_controls, n_disruptions = len(self.covered), len(self.disruption_probability)
        control_active = rng.random((BLOCK, n_controls)) < self.control_probability
        disruption_active = rng.random((BLOCK, n_disruptions)) < self.disruption_probability
        flips = []  # per control: sorted keys sample * E + edge of licences off their mode
        for c, edges in enumerate(self.covered):
            q = self.flip_probability[c]
            if q == 0.0 or len(edges) == 0:
                flips.append(np.zeros(0, dtype=np.int64))
                continue
            trials = BLOCK * len(edges)
            picked = _bernoulli_positions(rng, trials, q)
            flips.append((picked // len(edges)) * self.n_edges + edges[picked % len(edges)])

        # candidate edges: every covered edge of a control off its reference state, and every
        # licence flip of a control in force
        keys = []
        for c, edges in enumerate(self.covered):
            off = np.flatnonzero(control_active[:, c] != self.reference_control[c])
            if len(off) and len(edges):
                keys.append((off[:, None] * self.n_edges + edges[None, :]).ravel())
            if len(flips[c]):
                keys.append(flips[c][control_active[flips[c] // self.n_edges, c]])
        key = np.unique(np.concatenate(keys)) if keys else np.zeros(0, dtype=np.int64)
        sample, edge = key // self.n_edges, key % self.n_edges
        value = np.ones(len(key))
        for c in range(n_controls):
            hit = self.coverage[c, edge] & control_active[sample, c]
            if not hit.any():
                continue
            if self.random_licence[c]:
                flipped = np.isin(key[hit], flips[c], assume_unique=True)
                licence = np.where(flipped, self.flip_value[c], self.mode_value[c])
            else:
                licence = self.mode_value[c]
            value[hit] *= licence
        if self.exact_edge.any():
            exact = np.flatnonzero(self.exact_edge[edge])
            if len(exact):
                in_force = control_active[sample[exact]] & self.coverage[:, edge[exact]].T
                denied = np.empty_like(in_force)
                for c in range(n_controls):
                    mode_denied = self.licence_mode[c] == 0.0
                    if self.random_licence[c]:
                        flipped = np.isin(key[exact], flips[c], assume_unique=True)
                        denied[:, c] = flipped != mode_denied
                    else:
                        denied[:, c] = mode_denied
                value[exact] = _exact_edges(self, in_force, denied)
        differs = value != self.edge_reference[edge]

        own_sample, own_facility, own_value = _own_changes(self, disruption_active)
        return BlockDraw(
            block,
            BLOCK,
            control_active,
            disruption_active,
            sample[differs],
            edge[differs],
            value[differs],
            own_sample,
            own_facility,
            own_value,
        )

    # -- evaluation ------------------------------------------------------------------------

    def dense(self, draw: BlockDraw, size: int) -> tuple[np.ndarray, np.ndarray]:
        """The first ``size`` samples of a draw as dense (edge factor, own factor) arrays in
        table order, for the full engine (tests and the naive comparison)."""
        plan = self.plan
        edge = np.tile(self.edge_reference, (size, 1))
        edge_sample, edge_id, edge_value, own_sample, own_facility, own_value = draw.changes(size)
        edge[edge_sample, edge_id] = edge_value
        own = np.tile(self.own_reference, (size, 1))
        own[own_sample, own_facility] = own_value
        edge_table = np.empty_like(edge)
        edge_table[:, plan.edge_order] = edge
        own_table = np.empty_like(own)
        own_table[:, plan.order] = own
        return edge_table, own_table

    def cone(self, draw: BlockDraw, size: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """α of the first ``size`` samples of a draw where it differs from the reference:
        (sample, engine position, α) triples. Recomputes only the downstream cone of what
        each sample changes, with the model's engine."""
        if self.engine == "numba":
            return self._cone_numba(draw, size)
        return self._cone_numpy(draw, size)

    def _cone_numba(self, draw: BlockDraw, size: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The cone as a compiled loop over samples (``_cone_kernel``), into output buffers
        that grow (by new parts, never copies) when a block moves more than they hold."""
        try:
            from ._cone_kernel import cone_kernel
        except ImportError:  # e.g. a Dask worker without numba, sent a model built with it
            raise InputError(
                "the numba Monte Carlo engine was chosen but numba is not installed where the "
                'samples run: pip install "supplychain[fast]" there, or use --mc-engine numpy'
            ) from None

        plan = self.plan
        n = self.n_facilities
        edge_sample, edge, edge_value, own_sample, own_facility, own_value = draw.changes(size)
        parts = []
        capacity = n + OUTPUT_PER_SAMPLE * size
        sample = 0
        unsettled = 0
        while sample < size:
            ie, io = np.searchsorted(edge_sample, sample), np.searchsorted(own_sample, sample)
            out_s, out_v, out_a = np.empty(capacity, np.int64), np.empty(capacity, np.int64), np.empty(capacity)
            count, sample, bad = cone_kernel(
                sample,
                size,
                edge_sample[ie:],
                edge[ie:],
                edge_value[ie:],
                own_sample[io:],
                own_facility[io:],
                own_value[io:],
                self.block_n0,
                self.block_n1,
                self.block_cyclic,
                plan.block_of,
                plan.facility_recipe_start,
                self.recipe_internal_start,
                self.internal_edge,
                self.internal,
                self.external_reference,
                self.source,
                self.share,
                self.stock,
                self.out_start,
                self.out_recipe,
                self.out_buyer,
                self.out_weight,
                self.out_index,
                self.alpha_reference,
                self.own_reference,
                self.edge_reference,
                self.supplied_reference,
                UNCHANGED,
                FIXED_POINT_TOLERANCE,
                MAX_ITERATIONS,
                POLICY_AFTER,
                POLICY_MAX_WIDTH,
                out_s,
                out_v,
                out_a,
            )
            parts.append((out_s[:count], out_v[:count], out_a[:count]))
            unsettled += bad
            capacity *= 2
        if unsettled:  # pragma: no cover - needs a pathological cycle
            warnings.warn(
                f"availability in a cycle did not settle within {MAX_ITERATIONS} iterations "
                f"({unsettled} cyclic solves)",
                RuntimeWarning,
                stacklevel=2,
            )
        if len(parts) == 1:
            return parts[0]
        return tuple(np.concatenate(part) for part in zip(*parts, strict=True))  # type: ignore[return-value]

    def _cone_numpy(self, draw: BlockDraw, size: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The cone in numpy, all samples of a block at once, level by level.

        Acyclic blocks are evaluated by **push**: only the contributions that changed (edges
        whose source α or whose own factor differs from the reference) are summed per
        (sample, recipe) and added to the reference sums; cyclic blocks are iterated densely
        for the samples they concern. Nothing of size samples × facilities is built: α and
        own factors are the reference plus sorted lists of what changed, and only the rows a
        dense evaluation needs are materialised."""
        plan = self.plan
        n = self.n_facilities
        edge_sample, edge, edge_value, own_sample, own_facility, own_value = draw.changes(size)
        state = _Changes(self.own_reference, own_sample * n + own_facility, own_value, self.alpha_reference, n)
        # changed edges and own factors, cut by block (both are sorted by block: engine order)
        edge_block = self.edge_block_of[edge]
        own_block = plan.block_of[own_facility]

        pending: list[list[tuple[np.ndarray, np.ndarray, np.ndarray]]] = [[] for _ in plan.blocks]
        changed: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        # sources (no recipe): α = o
        src = own_block < 0
        s, v = own_sample[src], own_facility[src]
        self._push(s, v, own_value[src], changed, pending)
        state.add_alpha(changed)

        for b, blk in enumerate(plan.blocks):
            in_edges = np.flatnonzero(edge_block == b)
            in_own = np.flatnonzero(own_block == b)
            width = blk.n1 - blk.n0
            before = len(changed)
            if blk.cyclic:
                parts = [edge_sample[in_edges], own_sample[in_own]] + [c[0] for c in pending[b]]
                hit = np.zeros(size, dtype=bool)
                hit[np.concatenate(parts)] = True
                rows = np.flatnonzero(hit)
                pending[b] = []
                if not len(rows):
                    continue
                alpha, own = state.rows(rows)
                block_edges = self._edges_of(rows, blk, edge_sample, edge, edge_value)
                alpha[:, blk.n0 : blk.n1] = own[:, blk.n0 : blk.n1]
                # each sample iterates until its own values settle (as if evaluated alone)
                active = np.arange(len(rows))
                for iteration in range(1, MAX_ITERATIONS + 1):
                    new = self._evaluate_block(alpha, own, blk, block_edges, active)
                    going = np.max(np.abs(new - alpha[active, blk.n0 : blk.n1]), axis=1) > FIXED_POINT_TOLERANCE
                    alpha[active, blk.n0 : blk.n1] = new
                    if not going.any():
                        break
                    active = active[going]
                    if iteration % POLICY_AFTER == 0:  # a slow cycle: jump to its policy's bound
                        for i in active.tolist():
                            alpha[i, blk.n0 : blk.n1] = policy_bound(
                                plan, blk, alpha[i], own[i], block_edges[i], self.stock
                            )
                s = np.repeat(rows, width)
                v = np.tile(np.arange(blk.n0, blk.n1), len(rows))
                self._push(s, v, alpha[:, blk.n0 : blk.n1].ravel(), changed, pending)
                state.add_alpha(changed[before:])
                continue

            # contributions: changed edge factors (at the current α of their source), then the
            # pushes of changed sources (at the reference edge factor), in level order
            es, ee = edge_sample[in_edges], edge[in_edges]
            delta = self.share[ee] * (edge_value[in_edges] - self.edge_reference[ee]) * state.alpha(es, self.source[ee])
            contributions = [(es, ee, delta)] + pending[b]
            pending[b] = []
            cs = np.concatenate([p[0] for p in contributions])
            ce = np.concatenate([p[1] for p in contributions])
            cd = np.concatenate([p[2] for p in contributions])
            os_, ov = own_sample[in_own], own_facility[in_own]
            if not len(cs) and not len(os_):
                continue
            # a sample with more changed contributions than PUSH_SHARE of the block's edges
            # is evaluated densely (whole block); the choice depends on that sample alone
            heavy = np.bincount(cs, minlength=size) > PUSH_SHARE * (blk.e1 - blk.e0)
            if heavy.any():
                rows = np.flatnonzero(heavy)
                alpha, own = state.rows(rows)
                block_edges = self._edges_of(rows, blk, edge_sample, edge, edge_value)
                new = self._evaluate_block(alpha, own, blk, block_edges)
                self._push(
                    np.repeat(rows, width), np.tile(np.arange(blk.n0, blk.n1), len(rows)), new.ravel(), changed, pending
                )
                light = ~heavy[cs]
                cs, ce, cd = cs[light], ce[light], cd[light]
                light = ~heavy[os_]
                os_, ov = os_[light], ov[light]
            self._push_block(state, blk, size, cs, ce, cd, os_, ov, changed, pending)
            state.add_alpha(changed[before:])

        if not changed:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty, np.zeros(0)
        return tuple(np.concatenate(part) for part in zip(*changed, strict=True))  # type: ignore[return-value]

    def _push_block(
        self,
        state: _Changes,
        blk: Any,
        size: int,
        cs: np.ndarray,
        ce: np.ndarray,
        cd: np.ndarray,
        os_: np.ndarray,
        ov: np.ndarray,
        changed: list,
        pending: list,
    ) -> None:
        """Evaluate an acyclic block by push: the changed contributions ``cd`` (sample ``cs``,
        engine edge ``ce``) are summed per (sample, recipe) in a stable order and added to the
        reference sums; a facility with a changed recipe or own factor (``os_``, ``ov``) takes
        the minimum over its recipes (reference A for the unchanged ones)."""
        plan = self.plan
        n_rec, width = blk.r1 - blk.r0, blk.n1 - blk.n0
        key = cs * n_rec + (plan.edge_recipe[ce] - blk.r0)
        order = np.argsort(key, kind="stable")
        key = key[order]
        if len(key):
            seg = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
            rkey = key[seg]
            summed = np.add.reduceat(cd[order], seg)
        else:
            rkey, summed = key, np.zeros(0)
        rs = rkey // n_rec
        rec = rkey - rs * n_rec + blk.r0
        available = np.minimum(self.supplied_reference[rec] + summed + self.stock[rec], 1.0)

        pair = np.unique(np.r_[rs * width + (self.recipe_position[rec] - blk.n0), os_ * width + (ov - blk.n0)])
        s = pair // width
        v = pair - s * width + blk.n0
        start = plan.facility_recipe_start[v]
        counts = plan.facility_recipe_start[v + 1] - start
        r, first = _expand(start, counts)
        value = self.available_reference[r]
        look = np.repeat(s, counts) * n_rec + (r - blk.r0)  # sorted, holds every rkey
        value[np.searchsorted(look, rkey)] = available
        self._push(s, v, state.own(s, v) * np.minimum.reduceat(value, first), changed, pending)

    def _push(self, s: np.ndarray, v: np.ndarray, new: np.ndarray, changed: list, pending: list) -> None:
        """Keep the reference α where a recomputed value did not move; record the facilities
        that did move and queue the change of each out-edge's contribution on its buyer's block."""
        moved = np.abs(new - self.alpha_reference[v]) > UNCHANGED
        if not moved.any():
            return
        s, v, new = s[moved], v[moved], new[moved]
        changed.append((s, v, new))
        start = self.out_start[v]
        counts = self.out_start[v + 1] - start
        rep = np.repeat(np.arange(len(v)), counts)
        e = self.out_edge[np.arange(len(rep)) + np.take(start - (np.cumsum(counts) - counts), rep)]
        cs = np.take(s, rep)
        delta = self.weight_reference[e] * np.take(new - self.alpha_reference[v], rep)
        target = self.edge_block_of[e]
        order = np.argsort(target, kind="stable")
        cut = np.searchsorted(target[order], np.arange(len(self.plan.blocks) + 1))
        for b in np.flatnonzero(cut[1:] > cut[:-1]).tolist():
            part = order[cut[b] : cut[b + 1]]
            pending[b].append((cs[part], e[part], delta[part]))

    def _edges_of(
        self, rows: np.ndarray, blk: Any, edge_sample: np.ndarray, edge: np.ndarray, edge_value: np.ndarray
    ) -> np.ndarray:
        """Edge factors of a block's in-edges for the samples ``rows`` (rows × edges)."""
        factor = np.tile(self.edge_reference[blk.e0 : blk.e1], (len(rows), 1))
        inside = (edge >= blk.e0) & (edge < blk.e1)
        if inside.any():
            row_of = np.full(int(rows.max()) + 1, -1)
            row_of[rows] = np.arange(len(rows))
            sample = edge_sample[inside]
            row = np.where(sample <= rows.max(), row_of[np.minimum(sample, rows.max())], -1)
            ok = row >= 0
            factor[row[ok], edge[inside][ok] - blk.e0] = edge_value[inside][ok]
        return factor * self.share[blk.e0 : blk.e1]

    def _evaluate_block(
        self, alpha: np.ndarray, own: np.ndarray, blk: Any, weighted: np.ndarray, active: np.ndarray | None = None
    ) -> np.ndarray:
        """α of a whole block for materialised sample rows (``active`` of them; all when None),
        as the level engine computes it."""
        if active is None:
            contrib = weighted * alpha[:, self.source[blk.e0 : blk.e1]]
            own_block = own[:, blk.n0 : blk.n1]
        else:
            contrib = weighted[active] * alpha[np.ix_(active, self.source[blk.e0 : blk.e1])]
            own_block = own[active, blk.n0 : blk.n1]
        supplied = np.add.reduceat(contrib, blk.edge_starts, axis=1)
        recipe = np.minimum(supplied + self.stock[blk.r0 : blk.r1], 1.0)
        return own_block * np.minimum.reduceat(recipe, blk.recipe_starts, axis=1)


class _Changes:
    """α and own factors of a block of samples as the reference plus what changed: sorted keys
    sample · N + position with their values; ``rows`` materialises whole sample rows."""

    def __init__(
        self, own_reference: np.ndarray, own_key: np.ndarray, own_value: np.ndarray, alpha_reference: np.ndarray, n: int
    ) -> None:
        self.n = n
        self.own_reference, self.own_key, self.own_value = own_reference, own_key, own_value
        self.alpha_reference = alpha_reference
        self.alpha_key = np.zeros(0, dtype=np.int64)
        self.alpha_value = np.zeros(0)

    @staticmethod
    def _lookup(
        reference: np.ndarray, keys: np.ndarray, values: np.ndarray, s: np.ndarray, v: np.ndarray
    ) -> np.ndarray:
        out = reference[v]
        if len(keys) and len(s):
            key = s * len(reference) + v
            at = np.minimum(np.searchsorted(keys, key), len(keys) - 1)
            hit = keys[at] == key
            out[hit] = values[at[hit]]
        return out

    def alpha(self, s: np.ndarray, v: np.ndarray) -> np.ndarray:
        return self._lookup(self.alpha_reference, self.alpha_key, self.alpha_value, s, v)

    def own(self, s: np.ndarray, v: np.ndarray) -> np.ndarray:
        return self._lookup(self.own_reference, self.own_key, self.own_value, s, v)

    def add_alpha(self, parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]]) -> None:
        """Record newly changed α (each (sample, position) is evaluated once per block)."""
        if not parts:
            return
        key = np.concatenate([self.alpha_key] + [s * self.n + v for s, v, _ in parts])
        value = np.concatenate([self.alpha_value] + [new for _, _, new in parts])
        order = np.argsort(key, kind="stable")
        self.alpha_key, self.alpha_value = key[order], value[order]

    def rows(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Dense α and own factors of the samples ``rows`` (len(rows) × N)."""
        out = []
        for reference, keys, values in (
            (self.alpha_reference, self.alpha_key, self.alpha_value),
            (self.own_reference, self.own_key, self.own_value),
        ):
            dense = np.tile(reference, (len(rows), 1))
            if len(keys):
                sample = keys // self.n
                at = np.searchsorted(rows, sample)
                inside = (at < len(rows)) & (rows[np.minimum(at, len(rows) - 1)] == sample)
                dense[at[inside], keys[inside] - sample[inside] * self.n] = values[inside]
            out.append(dense)
        return out[0], out[1]


def _expand(start: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The indices ``start[i] .. start[i] + counts[i] - 1`` of all i, concatenated, and where
    each i's run begins."""
    first = np.cumsum(counts) - counts
    return np.arange(int(counts.sum())) + np.repeat(start - first, counts), first


def _bernoulli_positions(rng: np.random.Generator, trials: int, q: float) -> np.ndarray:
    """Positions of the successes among ``trials`` independent Bernoulli(q) trials, drawn
    as geometric gaps (work proportional to the successes, not the trials)."""
    expected = trials * q
    positions: list[np.ndarray] = []
    last = -1
    while True:
        gaps = rng.geometric(q, size=int(expected + 6 * math.sqrt(expected) + 16))
        at = last + np.cumsum(gaps)
        positions.append(at[at < trials])
        if at[-1] >= trials:
            break
        last = int(at[-1])
    return np.concatenate(positions)


def _own_changes(model: MonteCarloModel, active: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(sample, position, own factor) where the drawn disruptions change a facility's own
    factor from the reference."""
    off = active != model.reference_disruption
    if not off.any():
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0)
    keys = [
        (
            np.flatnonzero(off[:, d])[:, None] * model.n_facilities
            + np.flatnonzero(model.disruption_factor[d] < 1)[None, :]
        ).ravel()
        for d in range(off.shape[1])
    ]
    key = np.unique(np.concatenate(keys))
    sample, facility = key // model.n_facilities, key % model.n_facilities
    value = np.ones(len(key))
    for d in range(off.shape[1]):
        value *= np.where(active[sample, d], model.disruption_factor[d, facility], 1.0)
    exact = np.flatnonzero(model.exact_own[facility])
    if len(exact):
        value[exact] = _exact_own(model, sample[exact], facility[exact], active)
    differs = value != model.own_reference[facility]
    return sample[differs], facility[differs], value[differs]


def _exact_edges(model: MonteCarloModel, in_force: np.ndarray, denied: np.ndarray) -> np.ndarray:
    """Horizon-mean edge factors 1 − |∪ shut weeks| / H for K edges (rows), given which
    controls are in force on each (K × C) and, of those, which deny the licence (K × C): a
    denied licence shuts the edge for the control's weeks in force, a granted one for its
    licence delay (docs/model.md §3.5). Rows with the same states share one evaluation."""
    start, end, delay, horizon = model.compiled_timing
    state = np.where(in_force, np.where(denied, 2, 1), 0).astype(np.int8)
    states, inverse = np.unique(state, axis=0, return_inverse=True)
    weeks = np.arange(int(horizon))
    values = np.empty(len(states))
    for u, row in enumerate(states):
        shut = np.zeros(len(weeks), dtype=bool)
        for c in np.flatnonzero(row).tolist():
            stop = end[c] if row[c] == 2 else min(int(end[c]), int(start[c] + delay[c]))
            shut[int(start[c]) : int(stop)] = True
        values[u] = 1.0 - shut.sum() / horizon
    return values[inverse.reshape(-1)]


def _exact_own(model: MonteCarloModel, sample: np.ndarray, position: np.ndarray, active: np.ndarray) -> np.ndarray:
    """Own factors (1/H) Σ_t Π_{d happening in the sample, hitting the facility} o_d(t) for K
    (sample, engine position) pairs; pairs with the same set of disruptions share one
    evaluation."""
    members = active[sample] & model.disruption_hit[:, position].T
    sets, inverse = np.unique(members, axis=0, return_inverse=True)
    values = np.array([float(model.disruption_weeks[row].prod(axis=0).mean()) if row.any() else 1.0 for row in sets])
    return values[inverse.reshape(-1)]


# --------------------------------------------------------------------------------------------
# blocks -> statistics
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BlockResult:
    """What one block contributes: per-sample group losses and per-facility sums."""

    block: int
    losses: np.ndarray  # size × G, lost capacity per country × kind group
    alpha_sum: np.ndarray  # N (engine positions): Σ over the block's samples of α
    half_lost: np.ndarray  # N: number of samples with α ≤ 0.5


def run_block(model: MonteCarloModel, seed: int, block: int, size: int) -> BlockResult:
    """Draw and evaluate one block (its first ``size`` samples)."""
    draw = model.draw(seed, block)
    s, v, alpha = model.cone(draw, size)
    delta = alpha - model.alpha_reference[v]
    n_groups = len(model.groups)
    losses = np.tile(model.loss_reference, (size, 1))
    losses += np.bincount(
        s * n_groups + model.group[v], weights=-model.capacity[v] * delta, minlength=size * n_groups
    ).reshape(size, n_groups)
    alpha_sum = size * model.alpha_reference + np.bincount(v, weights=delta, minlength=model.n_facilities)
    half = model.alpha_reference <= 0.5
    half_lost = size * half.astype(np.int64) + np.bincount(
        v, weights=(alpha <= 0.5).astype(float) - half[v], minlength=model.n_facilities
    ).astype(np.int64)
    return BlockResult(block, losses, alpha_sum, half_lost)


_WORKER_MODEL: MonteCarloModel | None = None


def _worker_init(network: Network, scenario: Scenario, engine: str) -> None:
    global _WORKER_MODEL
    _WORKER_MODEL = MonteCarloModel(network, scenario, engine=engine)


def _worker_blocks(seed: int, blocks: list[tuple[int, int]]) -> list[BlockResult]:
    assert _WORKER_MODEL is not None
    return [run_block(_WORKER_MODEL, seed, b, size) for b, size in blocks]


def _dask_blocks(model: MonteCarloModel, seed: int, blocks: list[tuple[int, int]]) -> list[BlockResult]:
    return [run_block(model, seed, b, size) for b, size in blocks]


def sample_bytes(network: Network) -> int:
    """Peak memory one Monte Carlo sample costs, in bytes: its row of country × kind group
    losses (8 bytes a group) is held by its block, again in the samples × groups array of the
    whole run, and twice more while quantiles and CVaR are computed (a sorted copy and a
    difference); plus the row of the worldwide compute loss."""
    facilities = network.facilities
    groups = len(set(zip(facilities["country"].tolist(), facilities["kind"].tolist(), strict=True)))
    return 8 * (4 * groups + 4)


def _blocks(samples: int) -> list[tuple[int, int]]:
    return [(b, min(BLOCK, samples - b * BLOCK)) for b in range(math.ceil(samples / BLOCK))]


def monte_carlo(
    network: Network | None,
    scenario: Scenario | CompiledScenario | str | Path,
    *,
    samples: int | None = None,
    seed: int | None = None,
    cvar_alpha: float | None = None,
    workers: int = 1,
    dask: str | Any | None = None,
    progress: ProgressArg = None,
    engine: str = "auto",
) -> MonteCarloResult:
    """Monte Carlo stress of a scenario (docs/model.md §3): ``samples`` draws from ``seed``
    (defaults: the scenario's ``monte_carlo`` block, else 10 000 and 0).

    ``workers`` > 1 runs blocks in that many local processes; ``dask`` (a scheduler address
    or a ``dask.distributed.Client``) runs them on a Dask cluster (``pip install
    "supplychain[distributed]"``). Results are identical for the same seed and sample count
    whatever the executor, workers or batching. ``engine`` picks the cone engine (see
    ``ENGINES``): the compiled one needs ``pip install "supplychain[fast]"``; ``auto`` takes
    it when it is installed and samples × edges reaches ``AUTO_NUMBA_WORK``, numpy below;
    the two agree within 1e-12 but not always to the last bit, so compare runs made with the
    same engine (``MonteCarloResult.engine``, run.json's ``mc_engine``).

    >>> import supplychain as sc
    >>> scen = sc.Scenario.model_validate({"name": "mc", "controls": [{"name": "us", "issuer": "USA",
    ...     "items": ["chip"], "destinations": ["CHN"], "reach": {"foreign_direct_product": True},
    ...     "licence_approval": 0.5}]})
    >>> mc = sc.monte_carlo(sc.read_network("tiny"), scen, samples=2000, seed=1)
    >>> row = mc.table.loc[("CHN", "compute")]
    >>> bool(24 < row["mean_lost"] < 26)  # both chip edges covered (fab_cn's in-country too): E = 50 · 0.5 = 25
    True
    """
    compiled = prepare(network, scenario, "monte_carlo")
    network, scenario = compiled.network, compiled.scenario
    settings = scenario.monte_carlo
    given_samples = samples
    samples = samples if samples is not None else (settings.samples if settings else 10_000)
    seed = seed if seed is not None else (settings.seed if settings else 0)
    cvar_alpha = cvar_alpha if cvar_alpha is not None else (settings.cvar_alpha if settings else 0.95)
    if samples < 1:
        raise InputError(f"samples must be at least 1 (got {samples})")
    what = "samples" if given_samples is not None else "monte_carlo.samples"
    check_memory(what, samples, sample_bytes(network), "sample", f" on network '{network.name}'")
    if seed < 0:
        raise InputError(f"seed must be a non-negative integer (got {seed})")
    if not 0 < cvar_alpha < 1:
        raise InputError(f"cvar_alpha must be between 0 and 1 (got {cvar_alpha})")
    if workers < 1:
        raise InputError(f"workers must be at least 1 (got {workers})")
    if isinstance(dask, str):
        dask = check_dask_address(dask)

    if engine == "auto" and samples * network.arrays.n_edges < AUTO_NUMBA_WORK:
        engine = "numpy"  # a small run: the compiled loop would not repay loading numba
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    model = MonteCarloModel(network, scenario, compiled, engine=engine)
    timings["mc_model_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    blocks = _blocks(samples)
    results = _execute(
        model, network, scenario, seed, blocks, workers, dask, progress_callback(progress, "monte carlo")
    )
    timings["mc_samples_s"] = time.perf_counter() - t0
    timings["mc_samples_per_s"] = samples / max(timings["mc_samples_s"], 1e-9)
    result = summarise(network, model, results, samples, seed, cvar_alpha, timings)
    result.scenario_name = scenario.name
    return result


def _execute(
    model: MonteCarloModel,
    network: Network,
    scenario: Scenario,
    seed: int,
    blocks: list[tuple[int, int]],
    workers: int,
    dask: Any,
    progress: Callable[[int, int], None] | None,
) -> list[BlockResult]:
    total = sum(size for _, size in blocks)
    done = 0
    out: list[BlockResult] = []
    if dask is not None:
        return _execute_dask(model, seed, blocks, dask, progress, total)
    if workers == 1:
        for b, size in blocks:
            out.append(run_block(model, seed, b, size))
            done += size
            if progress:
                progress(done, total)
        return out
    tasks = [blocks[i : i + 4] for i in range(0, len(blocks), 4)]
    with ProcessPoolExecutor(
        max_workers=min(workers, os.cpu_count() or workers),
        initializer=_worker_init,
        initargs=(network, scenario, model.engine),
    ) as pool:
        for part in pool.map(_worker_blocks, [seed] * len(tasks), tasks):
            out.extend(part)
            done += sum(r.losses.shape[0] for r in part)
            if progress:
                progress(done, total)
    return out


def _execute_dask(
    model: MonteCarloModel,
    seed: int,
    blocks: list[tuple[int, int]],
    dask: Any,
    progress: Callable[[int, int], None] | None,
    total: int,
) -> list[BlockResult]:
    try:
        from dask.distributed import Client, as_completed
    except ImportError:  # pragma: no cover - depends on the optional extra
        raise InputError('--dask needs the optional extra: pip install "supplychain[distributed]"') from None
    client = dask if isinstance(dask, Client) else connect_dask(Client, dask)
    try:
        shared = client.scatter(model, broadcast=True)
        tasks = [blocks[i : i + 4] for i in range(0, len(blocks), 4)]
        futures = [client.submit(_dask_blocks, shared, seed, t, pure=False) for t in tasks]
        done = 0
        for future in as_completed(futures):
            done += sum(size for _, size in tasks[futures.index(future)])
            if progress:
                progress(done, total)
        return [r for part in client.gather(futures) for r in part]
    finally:
        if client is not dask:
            client.close()
