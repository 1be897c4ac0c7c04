"""Shapley attribution of every facility's lost capacity among a scenario's rules
(docs/model.md §3.4).

The **players** are the scenario's controls (in their order) and then its disruptions. The
**worth** of a set S of players, for facility v, is the capacity v loses with only the rules of
S in force: L_v(S) = c_v · (1 − α_v(S)) in units per week, α_v(S) the static availability of
§3.2 (or, for the timeline basis, the mean over the horizon of the weekly α_v(t) of §3.3). A
player's share of v's loss is its Shapley value

    φ_p(v) = Σ_{S ∌ p} |S|! (n − |S| − 1)! / n! · (L_v(S ∪ {p}) − L_v(S)),

the average over all orders of the players of the loss p adds when it joins those before it.
The shares of a facility sum to L_v(all) − L_v(∅), its lost capacity (L_v(∅) is 0 up to
rounding: with no rule in force every facility makes its normal output).

- **Exact** for up to ``EXACT_MAX_PLAYERS`` players: all 2ⁿ subsets are evaluated as one batch
  of the static engine (the vectorised level engine of ``stress.propagate`` on a small network,
  the Monte Carlo cone engine of ``montecarlo.MonteCarloModel`` on a large one, whose reference
  state is "no rule in force"), and φ = Wᵀ L with W the subsets' Shapley weights.
- **Sampled** beyond: ``orders`` random orders of the players, drawn from
  ``numpy.random.PCG64(SeedSequence([seed]))`` (the same seed, the same orders and the same
  numbers), each order's n + 1 prefixes evaluated in batches. φ is the mean over the orders of
  each player's marginal loss and its standard error the sample standard deviation over the
  orders (ddof 1) divided by √orders. Every order's marginals sum to the facility's loss, so
  the estimated shares do too, exactly.
- **Timeline basis**: the subsets go through the week-by-week engine (``weekly.timeline``)
  one subset at a time (that engine steps one scenario at a time); everything else is the same.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd

from .errors import InputError
from .results import Attribution
from .scenario import CompiledScenario, Scenario, prepare
from .stress import propagate

if TYPE_CHECKING:
    from .network import Network

__all__ = ["EXACT_MAX_PLAYERS", "ORDERS", "attribute"]

EXACT_MAX_PLAYERS = 10
"""Up to this many players the attribution evaluates every subset (2¹⁰ = 1 024 subsets)."""

ORDERS = 256
"""Random orders of the players evaluated beyond ``EXACT_MAX_PLAYERS`` (each costs n + 1
subsets); the standard error falls as 1/√orders."""

CHUNK = 256
"""Subsets evaluated per engine call: bounds the memory to CHUNK × facilities floats (plus the
engine's own working arrays)."""

DENSE_ENTRIES = 1 << 22
"""The level engine evaluates a chunk of subsets densely (subsets × supply edges arrays) when
that is at most this many entries per call in all (4 Mi, 32 MiB a float array); larger
networks use the cone engine, which recomputes only what each subset changes."""

NOISE = 1e-12
"""A share smaller than this fraction of its facility's capacity is rounding noise, reported as 0."""

Basis = Literal["static", "timeline"]


def attribute(
    network: Network | None,
    scenario: Scenario | CompiledScenario | str | Path,
    *,
    basis: Basis = "static",
    orders: int = ORDERS,
    seed: int = 0,
    exact_max_players: int = EXACT_MAX_PLAYERS,
    engine: str = "auto",
) -> Attribution:
    """Shapley attribution of each facility's lost capacity among the scenario's controls and
    disruptions (docs/model.md §3.4).

    ``basis`` is ``"static"`` (the horizon-average loss of the static engine, §3.2) or
    ``"timeline"`` (the mean weekly loss of the week-by-week engine, §3.3). With at most
    ``exact_max_players`` players (default 10) every subset is evaluated; beyond, ``orders``
    random orders drawn from ``seed`` are (``orders`` ≥ 2), with standard errors. ``engine``
    picks the cone engine for large networks (``montecarlo.ENGINES``).

    Returns an ``Attribution``: ``shares`` (facility × player, units per week; each row sums to
    the facility's lost capacity), ``std_error`` (the same shape, sampled only), and per
    player the compute lost it takes (``compute``).

    >>> import supplychain as sc
    >>> att = sc.attribute(None, "scenarios/tiny-export-controls.yaml")
    >>> att.shares.loc["dc_cn"].round(4).to_dict()
    {'nl-litho': 9.0, 'us-chips': 32.5, 'sand-us-outage': 2.25}
    >>> round(float(att.shares.loc["dc_cn"].sum()), 6)   # dc_cn loses 50 × (1 − 0.125)
    43.75
    """
    if basis not in ("static", "timeline"):
        raise InputError(f"attribute: basis must be 'static' or 'timeline' (got {basis!r})")
    if int(orders) != orders or orders < 2:
        raise InputError(f"attribute: orders must be a whole number ≥ 2 (got {orders!r})")
    if int(seed) != seed or seed < 0:
        raise InputError(f"attribute: seed must be a whole number ≥ 0 (got {seed!r})")
    compiled = prepare(network, scenario, "attribute")
    return attribute_compiled(
        compiled, basis=basis, orders=int(orders), seed=int(seed), exact_max_players=exact_max_players, engine=engine
    )


def attribute_compiled(
    compiled: CompiledScenario,
    *,
    basis: Basis = "static",
    orders: int = ORDERS,
    seed: int = 0,
    exact_max_players: int = EXACT_MAX_PLAYERS,
    engine: str = "auto",
) -> Attribution:
    """``attribute`` on a compiled scenario, without argument checks."""
    worth = _Worth(compiled, basis, engine)
    n = worth.n_players
    if n <= exact_max_players:
        shares, std_error, compute_error = _exact(worth), None, np.zeros(n)
        method, used_orders = "exact", None
    else:
        shares, std_error, compute_error = _sampled(worth, orders, seed)
        method, used_orders = "sampled", orders
    arr = compiled.network.arrays
    # rounding noise (a share below 1e-12 of the facility's capacity) is 0
    shares = np.where(np.abs(shares) <= NOISE * arr.capacity, 0.0, shares)
    players = list(compiled.control_names) + list(compiled.scenario.disruption_names)
    index = pd.Index(list(arr.facility_ids), name="facility")
    columns = pd.Index(players, name="player")
    kinds = ["control"] * len(compiled.control_names) + ["disruption"] * (n - len(compiled.control_names))
    compute = arr.kind == arr.kinds.index("compute")
    return Attribution(
        shares=pd.DataFrame(shares.T, index=index, columns=columns),
        std_error=None if std_error is None else pd.DataFrame(std_error.T, index=index, columns=columns),
        players=pd.DataFrame({"player": players, "kind": kinds}),
        compute=pd.DataFrame(
            {"attributed_lost_compute": shares[:, compute].sum(axis=1), "std_error": compute_error}, index=columns
        ),
        capacity=arr.capacity.copy(),
        method=method,
        basis=basis,
        orders=used_orders,
        seed=seed if method == "sampled" else None,
        subsets=worth.evaluated,
    )


# ---------------------------------------------------------------------------------------------
# the worth of sets of players: lost capacity per facility


class _Worth:
    """L(S) = c · (1 − α(S)) for batches of player sets S, built once per (scenario, basis).

    ``losses(masks)`` takes S × n booleans (player p in force in row s; controls first, then
    disruptions) and returns S × N lost capacities (units per week, table order)."""

    def __init__(self, compiled: CompiledScenario, basis: Basis, engine: str) -> None:
        self.compiled = compiled
        self.basis = basis
        self.n_controls = len(compiled.control_names)
        self.n_players = self.n_controls + len(compiled.disruption_labels)
        arr = compiled.network.arrays
        self.capacity = arr.capacity
        self.evaluated = 0  # sets of players evaluated so far
        self.factors = _Factors(compiled, np.arange(arr.n_edges), np.arange(arr.n_facilities))  # table order
        self.cone = None
        if basis == "static" and CHUNK * max(arr.n_edges, 1) > DENSE_ENTRIES and self.n_players:
            self.cone = _Cone(compiled, engine)

    def losses(self, masks: np.ndarray) -> np.ndarray:
        masks = np.atleast_2d(np.asarray(masks, dtype=bool))
        self.evaluated += len(masks)
        if self.basis == "timeline":
            return self._timeline(masks)
        alpha = self.cone.alpha(masks) if self.cone is not None else self._dense(masks)
        return self.capacity * (1.0 - alpha)

    def _dense(self, masks: np.ndarray) -> np.ndarray:
        """α (S × N, table order) by the level engine, in calls of at most DENSE_ENTRIES."""
        compiled = self.compiled
        arr = compiled.network.arrays
        step = max(1, DENSE_ENTRIES // max(arr.n_edges + arr.n_facilities, 1))
        out = np.empty((len(masks), arr.n_facilities))
        for start in range(0, len(masks), step):
            rows = masks[start : start + step]
            edge, own = self.factors.dense(rows[:, : self.n_controls], rows[:, self.n_controls :])
            alpha, _ = propagate(arr.plan, edge, own, compiled.stock_term)
            out[start : start + len(rows)] = alpha
        return out

    def _timeline(self, masks: np.ndarray) -> np.ndarray:
        """Mean weekly lost capacity (S × N) of each set, one week-by-week run per set."""
        from .weekly import timeline as weekly_timeline

        compiled = self.compiled
        arr = compiled.network.arrays
        out = np.empty((len(masks), arr.n_facilities))
        for s, row in enumerate(masks):
            result = weekly_timeline(
                arr.plan,
                compiled.edge_week_factors(row[: self.n_controls]),
                compiled.own_week_factors(row[self.n_controls :]),
                arr.stock_weeks,
                int(compiled.horizon_weeks),
                limiting=False,
            )
            out[s] = self.capacity * (1.0 - result.mean_availability())
        return out


class _Cone:
    """The Monte Carlo cone engine with "no rule in force" as its reference state: a set S of
    players changes the factors of the edges its controls cover and of the facilities its
    disruptions hit, and only the downstream cone of those is recomputed."""

    def __init__(self, compiled: CompiledScenario, engine: str) -> None:
        from .montecarlo import MonteCarloModel

        n_controls, n_disruptions = len(compiled.control_names), len(compiled.disruption_labels)
        quiet = replace(
            compiled, control_probability=np.zeros(n_controls), disruption_probability=np.zeros(n_disruptions)
        )
        self.model = MonteCarloModel(compiled.network, compiled.scenario, quiet, engine=engine)
        plan = compiled.network.arrays.plan
        self.plan = plan
        self.n_controls = n_controls
        self.factors = _Factors(compiled, plan.edge_order, plan.order)  # engine order

    def alpha(self, masks: np.ndarray) -> np.ndarray:
        """α (S × N, table order) of each set of players."""
        from .montecarlo import BlockDraw

        size = len(masks)
        controls, disruptions = masks[:, : self.n_controls], masks[:, self.n_controls :]
        factors = self.factors
        edge_sample, edge, edge_value = factors.edges.changes(controls, factors.edge_value)
        own_sample, own_facility, own_value = factors.own.changes(disruptions, factors.own_value)
        draw = BlockDraw(
            0, size, controls, disruptions, edge_sample, edge, edge_value, own_sample, own_facility, own_value
        )
        model = self.model
        sample, position, value = model.cone(draw, size)
        engine_alpha = np.tile(model.alpha_reference, (size, 1))
        engine_alpha[sample, position] = value
        return engine_alpha[:, self.plan.position]


class _Factors:
    """The static factors of sets of players, touched entry by touched entry (docs/model.md
    §3.1): ``edges`` and ``own`` group the supply edges (facilities) by the set of controls
    (disruptions) touching them, in the order ``edge_order`` (``facility_order``) gives. The
    values are those ``CompiledScenario.edge_factor`` and ``own_factor`` compute."""

    def __init__(self, compiled: CompiledScenario, edge_order: np.ndarray, facility_order: np.ndarray) -> None:
        n_disruptions = len(compiled.disruption_labels)
        self.edges = _Touched(compiled.coverage[:, edge_order], compiled.control_weeks)
        self.edge_constant = not compiled.timed_controls
        self.approval = compiled.approval
        overlap = n_disruptions > 1 and bool(np.any(compiled.disruption_hit.sum(axis=0) > 1))
        self.own_constant = not (overlap and compiled.timed_disruptions)
        self.disruption_mean = compiled.disruption_factor.min(axis=1) if n_disruptions else np.ones(0)
        hit = compiled.disruption_hit & (compiled.disruption_factor < 1.0)
        self.own = _Touched(hit[:, facility_order], compiled.disruption_weeks)

    def edge_value(self, members: np.ndarray, weekly: np.ndarray) -> float:
        """The static edge factor under the controls ``members`` (all cover the edge): the
        product of their approvals in control order, or with timed controls the horizon mean of
        the week-by-week product."""
        if self.edge_constant:
            value = 1.0
            for c in np.flatnonzero(members).tolist():
                value *= float(self.approval[c])
            return value
        return float(weekly[members].prod(axis=0).mean())

    def own_value(self, members: np.ndarray, weekly: np.ndarray) -> float:
        """The static own factor under the disruptions ``members`` (all hit the facility): the
        product of their horizon means, or where timed disruptions overlap the horizon mean of
        the week-by-week product."""
        if self.own_constant:
            value = 1.0
            for d in np.flatnonzero(members).tolist():
                value *= float(self.disruption_mean[d])
            return value
        return float(weekly[members].prod(axis=0).mean())

    def dense(self, controls: np.ndarray, disruptions: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(edge factors S × E, own factors S × N) of each set, in the orders given."""
        edge = np.ones((len(controls), self.edges.width))
        edge[:, self.edges.entries] = self.edges.values(controls, self.edge_value)
        own = np.ones((len(disruptions), self.own.width))
        own[:, self.own.entries] = self.own.values(disruptions, self.own_value)
        return edge, own


class _Touched:
    """Entries (edges or facilities) touched by some player, grouped by the set of players
    touching them (their signature), so that a factor is computed once per signature."""

    def __init__(self, hits: np.ndarray, weekly: np.ndarray) -> None:
        self.weekly = weekly
        self.width = hits.shape[1]
        touched = hits.any(axis=0) if hits.size else np.zeros(hits.shape[1], dtype=bool)
        self.entries = np.flatnonzero(touched)
        if len(self.entries):
            signatures, inverse = np.unique(hits[:, self.entries].T, axis=0, return_inverse=True)
        else:
            signatures, inverse = np.zeros((0, hits.shape[0]), dtype=bool), np.zeros(0, dtype=np.int64)
        self.signatures = signatures.astype(bool)
        self.signature_of = inverse.reshape(-1)

    def values(self, active: np.ndarray, value_of: Callable[[np.ndarray, np.ndarray], float]) -> np.ndarray:
        """The factor of every touched entry (S × touched entries) under each set of players
        (``active``, S × players)."""
        values = np.ones((len(active), len(self.signatures)))
        if len(self.signatures) and active.size:
            memo: dict[bytes, float] = {}
            for s in range(len(active)):
                for u, members in enumerate(self.signatures & active[s]):
                    if not members.any():
                        continue
                    key = members.tobytes()
                    if key not in memo:
                        memo[key] = value_of(members, self.weekly)
                    values[s, u] = memo[key]
        return values[:, self.signature_of]

    def changes(
        self, active: np.ndarray, value_of: Callable[[np.ndarray, np.ndarray], float]
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(set, entry, factor) of every touched entry whose factor is not 1, sorted by set and
        then entry."""
        per_entry = self.values(active, value_of)
        sample, at = np.nonzero(per_entry != 1.0)  # row-major: sorted by set, then entry
        return sample.astype(np.int64), self.entries[at].astype(np.int64), per_entry[sample, at]


# ---------------------------------------------------------------------------------------------
# exact and sampled Shapley values


def shapley_weights(n: int) -> np.ndarray:
    """w[k] = k! (n − k − 1)! / n!, the weight of a set of k other players (k = 0 … n − 1)."""
    return np.array([math.factorial(k) * math.factorial(n - k - 1) / math.factorial(n) for k in range(n)])


def _exact(worth: _Worth) -> np.ndarray:
    """φ (n × N) over all 2ⁿ subsets: φ_p = Σ_S W[S, p] L(S) with W[S, p] = w(|S| − 1) when
    p ∈ S and −w(|S|) when not (so Σ_S W[S, p] = 0 and Σ_p W[S, p] is 1 for the full set, −1
    for the empty one and 0 otherwise)."""
    n = worth.n_players
    n_facilities = len(worth.capacity)
    if n == 0:
        return np.zeros((0, n_facilities))
    subsets = np.arange(1 << n)
    masks = ((subsets[:, None] >> np.arange(n)) & 1).astype(bool)
    size = masks.sum(axis=1)
    w = np.r_[shapley_weights(n), 0.0]
    weights = np.where(masks, w[np.maximum(size - 1, 0)][:, None], -w[size][:, None])
    phi = np.zeros((n, n_facilities))
    for start in range(0, len(masks), CHUNK):
        rows = slice(start, start + CHUNK)
        phi += weights[rows].T @ worth.losses(masks[rows])
    return phi


def _sampled(worth: _Worth, orders: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(φ, its standard error, the standard error of each player's compute share) from
    ``orders`` random orders of the players."""
    n = worth.n_players
    n_facilities = len(worth.capacity)
    rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence([seed])))
    permutations = np.argsort(rng.random((orders, n)), axis=1)
    rank = np.argsort(permutations, axis=1)  # rank[o, p]: the position of player p in order o
    compute = worth.compiled.network.arrays.kind == worth.compiled.network.arrays.kinds.index("compute")
    # sums of each marginal less the first order's (a shift that keeps the variance exact in
    # floating point when the marginals hardly vary)
    first = np.zeros((n, n_facilities))
    total = np.zeros((n, n_facilities))
    squares = np.zeros((n, n_facilities))
    compute_marginal = np.zeros((orders, n))
    per_call = max(1, CHUNK // (n + 1))
    for start in range(0, orders, per_call):
        chunk = slice(start, min(orders, start + per_call))
        # prefix k of order o holds the players of rank < k (k = 0 … n)
        prefixes = rank[chunk][:, None, :] < np.arange(n + 1)[None, :, None]
        flat = prefixes.reshape(-1, n)
        unique, inverse = np.unique(np.packbits(flat, axis=1), axis=0, return_inverse=True)
        losses = worth.losses(np.unpackbits(unique, axis=1, count=n).astype(bool))
        path = losses[inverse.reshape(-1)].reshape(-1, n + 1, n_facilities)
        marginal = np.diff(path, axis=1)  # [o, k]: what the player at position k adds
        for o, order in enumerate(permutations[chunk]):
            if start + o == 0:
                first[order] = marginal[o]
            shifted = marginal[o] - first[order]
            total[order] += shifted
            squares[order] += shifted**2
            compute_marginal[start + o, order] = marginal[o][:, compute].sum(axis=1)
    phi = first + total / orders
    variance = np.maximum(squares - total * total / orders, 0.0) / (orders - 1)
    return phi, np.sqrt(variance / orders), compute_marginal.std(axis=0, ddof=1) / math.sqrt(orders)
