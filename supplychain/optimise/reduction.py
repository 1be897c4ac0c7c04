"""Scenario reduction for the strategy optimiser (docs/model.md §5).

The stochastic MILP cannot carry thousands of Monte Carlo samples, so they are reduced to K
weighted representatives that reproduce the loss distribution as well as K points can.

**Features.** Each sample i is described by its *static loss profile* ℓ_i ∈ R^C: for each
country c that has final outputs (facilities that supply no one), the final-output value lost
per week under the do-nothing plan,

    ℓ_ic = Σ_{v final, country(v) = c} value_v · capacity_v · (1 − α_iv)      (value / week)

with α_i the static availability of sample i (``stress.propagate`` on the sample's dense edge
and own factors). The total loss L_i = Σ_c ℓ_ic is the quantity whose mean and CVaR are
reported as the fidelity of the reduction.

**Selection.** Fast forward selection (Heitsch & Römisch 2003, "Scenario reduction
algorithms in stochastic programming", Comput. Optim. Appl. 24: 187–206, algorithm 2.4) with
the Euclidean distance d(i, j) = ‖ℓ_i − ℓ_j‖₂ between loss profiles. With p_i the sample
probabilities and D_i the distance from i to the set J already selected (D_i = ∞ while J is
empty), step t selects

    u_t = argmin_{u ∉ J} Σ_i p_i · min(d(i, u), D_i),

the point whose addition most reduces the Kantorovich distance Σ_i p_i min_{j ∈ J} d(i, j)
between the full and the reduced distribution. After K steps every sample is redistributed to
its nearest representative (ties to the one selected first); a representative's weight is the
probability mass of the samples it represents, so the weights sum to 1.

Samples with identical profiles are merged before selection (they are at distance 0, so this
changes nothing but the cost, about two passes over all pairs of the U distinct profiles). Samples whose
factors are identical (same draw relative to the reference state) are one scenario: when K is
at least the number of distinct draws every one is kept, with its summed weight, and the
reduced distribution equals the full one exactly.

**Memory.** Samples are drawn and evaluated block by block (``montecarlo.BLOCK`` at a time,
the engine's fixed seed blocks); per sample only its profile (C floats), total loss and a
16-byte digest of its draw are kept, never a samples × edges array. The chosen samples'
dense factors are rebuilt afterwards from their blocks (sample i is row i mod BLOCK of block
i div BLOCK), so they are exactly the rows ``MonteCarloModel.dense`` gives.
"""

from __future__ import annotations

import hashlib
import heapq
import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import InputError
from ..montecarlo import BLOCK, BlockDraw, MonteCarloModel
from ..scenario import CompiledScenario, Scenario, prepare
from ..stress import propagate

if TYPE_CHECKING:
    from pathlib import Path

    from ..network import Network

__all__ = ["ScenarioSet", "reduce_scenarios", "weighted_cvar"]

DEFAULT_SAMPLES = 1000
"""Samples drawn when neither the call nor the scenario's ``monte_carlo`` block says."""

CHUNK_ENTRIES = 1 << 19
"""Entries per row chunk of the pairwise distances (4 MB of float64, two buffers)."""


def weighted_cvar(losses: np.ndarray, weights: np.ndarray, cvar_alpha: float) -> float:
    """Conditional value at risk of a discrete loss distribution (exact).

    With losses L_i of probabilities p_i = w_i / Σ w (weights need not be normalised), the
    Rockafellar–Uryasev formula

        CVaR_α = min_t  t + Σ_i p_i (L_i − t)⁺ / (1 − α)

    is attained at t = VaR_α = min{ L : Σ_{L_i ≤ L} p_i ≥ α } (the ``inverted_cdf``
    quantile), so

        CVaR_α = VaR_α + Σ_i p_i (L_i − VaR_α)⁺ / (1 − α),

    the mean loss over the worst 1 − α of probability mass, the atom at VaR_α counted only
    for the part of its mass that falls in that tail. With equal weights it equals the CVaR
    of ``mcstats.distribution``. The objective is continuous in t, so a VaR chosen one
    atom off by rounding of the cumulative weights changes the result only by rounding.

    >>> round(weighted_cvar(np.array([0.0, 10, 20, 30]), np.array([0.4, 0.3, 0.2, 0.1]), 0.8), 12)
    25.0
    """
    losses = np.asarray(losses, dtype=float).ravel()
    weights = np.asarray(weights, dtype=float).ravel()
    if losses.shape != weights.shape or losses.size == 0:
        raise InputError(
            f"weighted_cvar needs as many weights as losses, at least one "
            f"(got {losses.size} losses, {weights.size} weights)"
        )
    if not 0 < cvar_alpha < 1:
        raise InputError(f"cvar_alpha must be between 0 and 1 (got {cvar_alpha})")
    if np.any(weights < 0) or not np.all(np.isfinite(weights)) or weights.sum() <= 0:
        raise InputError("weighted_cvar needs finite non-negative weights with a positive sum")
    p = weights / weights.sum()
    order = np.argsort(losses, kind="stable")
    cumulative = np.cumsum(p[order])
    at = min(int(np.searchsorted(cumulative, cvar_alpha, side="left")), len(order) - 1)
    var = float(losses[order[at]])
    return var + float(np.sum(p * np.maximum(losses - var, 0.0))) / (1 - cvar_alpha)


@dataclass(frozen=True, eq=False)
class ScenarioSet:
    """K weighted scenarios for the stochastic optimiser, and how faithful they are.

    - ``edge_factor`` (K × E) and ``own_factor`` (K × N): each scenario's a_e and o_v in
      table order (``network.arrays``), exactly the chosen samples' Monte Carlo rows;
    - ``weight`` (K,): probability of each scenario (positive, sums to 1);
    - ``sample_index`` (K,): the Monte Carlo sample each scenario is (−1 never occurs; the
      deterministic scenario is sample 0 of 1);
    - ``samples``, ``seed``: the Monte Carlo draw reduced (``seed`` None when deterministic);
    - ``control_active`` (K × controls) and ``disruption_active`` (K × disruptions): what is
      in force in each scenario (scenario order; all True when deterministic);
    - ``countries`` and ``loss_profile`` (K × C): final-output value lost per week by
      country in each scenario under the do-nothing plan (the reduction's features);
    - ``full_losses`` (S,): total do-nothing loss of every sample (value / week), for
      verifying a strategy over the full sample;
    - ``fidelity``: ``expected_loss_full``/``_reduced``, ``cvar_full``/``_reduced`` (at
      ``cvar_alpha``, ``weighted_cvar``), ``relative_error_expected``/``_cvar``
      (|reduced − full| / full, 0 when both are 0), ``cvar_alpha``, ``k``, ``samples``,
      ``distinct_samples``, ``distinct_profiles`` and ``method`` ("deterministic", "all
      distinct samples", "one per distinct loss profile" or "fast forward selection").
    """

    edge_factor: np.ndarray
    own_factor: np.ndarray
    weight: np.ndarray
    sample_index: np.ndarray
    samples: int
    seed: int | None
    control_active: np.ndarray
    disruption_active: np.ndarray
    countries: tuple[str, ...]
    loss_profile: np.ndarray
    full_losses: np.ndarray
    fidelity: dict[str, Any] = field(default_factory=dict)

    @property
    def k(self) -> int:
        """Number of scenarios kept."""
        return len(self.weight)

    @property
    def losses(self) -> np.ndarray:
        """Total do-nothing loss of each kept scenario (value / week), shape (K,)."""
        return self.loss_profile.sum(axis=1)

    def __repr__(self) -> str:
        f = self.fidelity
        if f.get("method") == "deterministic":
            return f"<ScenarioSet: 1 deterministic scenario; loss {f['expected_loss_full']:.6g}/week>"
        return (
            f"<ScenarioSet: {self.k} of {self.samples} samples (seed {self.seed}, {f['method']}); "
            f"expected loss {f['expected_loss_reduced']:.6g} vs {f['expected_loss_full']:.6g} "
            f"({100 * f['relative_error_expected']:.2f} % off), CVaR{f['cvar_alpha']:g} "
            f"{f['cvar_reduced']:.6g} vs {f['cvar_full']:.6g} ({100 * f['relative_error_cvar']:.2f} % off)>"
        )


def reduce_scenarios(
    network: Network | None,
    scenario: Scenario | CompiledScenario | str | Path,
    *,
    samples: int | None = None,
    seed: int | None = None,
    k: int = 20,
    cvar_alpha: float | None = None,
) -> ScenarioSet:
    """Reduce a scenario's Monte Carlo samples to ``k`` weighted representatives.

    ``samples``, ``seed`` and ``cvar_alpha`` default to the scenario's ``monte_carlo`` block,
    else 1000, 0 and 0.95. When the scenario has no ``monte_carlo`` block and ``samples`` is
    None the scenario is deterministic: one scenario of weight 1 with the static factors
    (every control in force, a_e = product of licence approvals; every disruption, o_v).
    ``network`` may be None to read the one the scenario names. See the module docstring for
    the features and the selection (fast forward selection on loss profiles).

    >>> import supplychain as sc
    >>> scen = sc.Scenario.model_validate({"name": "mc", "controls": [{"name": "us", "issuer": "USA",
    ...     "items": ["chip"], "destinations": ["CHN"], "reach": {"foreign_direct_product": True},
    ...     "licence_approval": 0.5}]})
    >>> reduced = reduce_scenarios(sc.read_network("tiny"), scen, samples=500, seed=1, k=3)
    >>> reduced.k, round(float(reduced.weight.sum()), 12)
    (3, 1.0)
    """
    compiled = prepare(network, scenario, "reduce_scenarios")
    network, scenario = compiled.network, compiled.scenario
    settings = scenario.monte_carlo
    cvar_alpha = cvar_alpha if cvar_alpha is not None else (settings.cvar_alpha if settings else 0.95)
    if not 0 < cvar_alpha < 1:
        raise InputError(f"cvar_alpha must be between 0 and 1 (got {cvar_alpha})")
    if isinstance(k, bool) or int(k) != k or k < 1:
        raise InputError(f"k (scenarios to keep) must be a positive integer (got {k})")
    k = int(k)
    countries, country_of_final, final_value = _final_outputs(network)

    if settings is None and samples is None:
        return _deterministic(network, compiled, countries, country_of_final, final_value, cvar_alpha)

    samples = samples if samples is not None else (settings.samples if settings else DEFAULT_SAMPLES)
    seed = seed if seed is not None else (settings.seed if settings else 0)
    if samples < 1:
        raise InputError(f"samples must be at least 1 (got {samples})")
    if seed < 0:
        raise InputError(f"seed must be a non-negative integer (got {seed})")

    model = MonteCarloModel(network, scenario, compiled, engine="numpy")
    profiles = np.empty((samples, len(countries)))
    digests: list[bytes] = []
    for block in range(math.ceil(samples / BLOCK)):
        size = min(BLOCK, samples - block * BLOCK)
        draw = model.draw(seed, block)
        edge, own = model.dense(draw, size)
        alpha, _ = propagate(network.arrays.plan, edge, own, compiled.stock_term)
        rows = slice(block * BLOCK, block * BLOCK + size)
        profiles[rows] = _profile(alpha, country_of_final, final_value, len(countries))
        digests.extend(_draw_digests(draw, size))
    full_losses = profiles.sum(axis=1)

    # distinct draws (scenarios), then distinct loss profiles (points of the selection)
    first_sample, state_count = _group_digests(digests)
    state_profile = profiles[first_sample]
    points, point_of_state = np.unique(state_profile, axis=0, return_inverse=True)
    point_of_state = point_of_state.ravel()
    n_states, n_points = len(first_sample), len(points)

    if k >= n_states:
        method = "all distinct samples"
        chosen_states = np.arange(n_states)
        mass = state_count.astype(float)
    else:
        point_mass = np.bincount(point_of_state, weights=state_count, minlength=n_points)
        if k >= n_points:
            method = "one per distinct loss profile"
            selected = np.arange(n_points)
            assigned_mass = point_mass
        else:
            method = "fast forward selection"
            selected = fast_forward_selection(points, point_mass / samples, k)
            nearest = _nearest(points, selected)
            assigned_mass = np.bincount(nearest, weights=point_mass, minlength=len(selected))
        # each selected profile is represented by its most probable draw (ties: earliest sample)
        chosen_states = np.array(
            [_heaviest_state(np.flatnonzero(point_of_state == p), state_count, first_sample) for p in selected],
            dtype=np.int64,
        )
        mass = np.asarray(assigned_mass, dtype=float)

    sample_index = first_sample[chosen_states]
    order = np.argsort(sample_index, kind="stable")
    sample_index, mass = sample_index[order], mass[order]
    weight = mass / mass.sum()
    edge_factor, own_factor, control_active, disruption_active = _rebuild(model, seed, sample_index)
    loss_profile = profiles[sample_index]

    expected_full = float(full_losses.mean())
    expected_reduced = float(np.dot(weight, full_losses[sample_index]))
    cvar_full = weighted_cvar(full_losses, np.ones(samples), cvar_alpha)
    cvar_reduced = weighted_cvar(full_losses[sample_index], weight, cvar_alpha)
    fidelity = {
        "method": method,
        "expected_loss_full": expected_full,
        "expected_loss_reduced": expected_reduced,
        "cvar_full": cvar_full,
        "cvar_reduced": cvar_reduced,
        "relative_error_expected": _relative_error(expected_reduced, expected_full),
        "relative_error_cvar": _relative_error(cvar_reduced, cvar_full),
        "cvar_alpha": float(cvar_alpha),
        "k": len(weight),
        "samples": samples,
        "distinct_samples": n_states,
        "distinct_profiles": n_points,
    }
    return ScenarioSet(
        _frozen(edge_factor),
        _frozen(own_factor),
        _frozen(weight),
        _frozen(sample_index),
        samples,
        seed,
        _frozen(control_active),
        _frozen(disruption_active),
        countries,
        _frozen(loss_profile),
        _frozen(full_losses),
        fidelity,
    )


def fast_forward_selection(points: np.ndarray, probability: np.ndarray, k: int) -> np.ndarray:
    """Indices of ``k`` distinct points chosen by fast forward selection (Heitsch & Römisch 2003).

    ``points`` (U × C) with probabilities ``probability`` (U,); distance d(i, j) = ‖x_i − x_j‖₂.
    Step t picks u_t = argmin_{u ∉ J} Σ_i p_i · min(d(i, u), D_i) with D_i = min_{j ∈ J} d(i, j)
    (∞ while J is empty), ties to the lower index. Returns the indices in the order selected.

    From step 2 on this is the same as maximising the gain g_u = Σ_i p_i (D_i − d(i, u))⁺
    (= Σ_i p_i D_i − score), which never grows as J grows (D only shrinks). So the steps after
    the second are *lazy* (Minoux's accelerated greedy): gains computed at an earlier step are
    upper bounds, kept in a heap; only the top is recomputed until a fresh gain is on top. The
    selection is the same as recomputing every gain each step, but costs two passes over all
    pairs (O(U² · C) time, O(``CHUNK_ENTRIES``) memory) plus O(U · C) per recomputed gain.
    Coordinates equal in every point are dropped first (they add nothing to any distance).
    """
    points = np.asarray(points, dtype=float)
    probability = np.asarray(probability, dtype=float)
    n = len(points)
    k = min(k, n)
    if k == 0:
        return np.zeros(0, dtype=np.int64)
    varying = np.flatnonzero(np.ptp(points, axis=0) > 0) if n else np.zeros(0, dtype=np.int64)
    coords = np.ascontiguousarray(points[:, varying].T)  # C' × U: one contiguous row per coordinate

    # step 1: u_1 = argmin_u Σ_i p_i d(i, u)
    score = _pass(coords, probability, None)
    first = int(np.argmin(score))
    selected = [first]
    taken = np.zeros(n, dtype=bool)
    taken[first] = True
    nearest = _distances(coords, np.array([first]))[0]
    if k == 1:
        return np.array(selected, dtype=np.int64)

    # step 2: every gain; later steps: lazy re-evaluation of the top of the heap
    gain = _pass(coords, probability, nearest)
    heap = [(-float(gain[u]), u, 2) for u in range(n) if not taken[u]]
    heapq.heapify(heap)
    for step in range(2, k + 1):
        while True:
            _, u, stamp = heapq.heappop(heap)
            if stamp == step:
                break
            fresh = _pass(coords, probability, nearest, np.array([u]))[0]
            heapq.heappush(heap, (-float(fresh), u, step))
        selected.append(u)
        taken[u] = True
        nearest = np.minimum(nearest, _distances(coords, np.array([u]))[0])
    return np.array(selected, dtype=np.int64)


def _distances(
    coords: np.ndarray, rows: np.ndarray, out: np.ndarray | None = None, scratch: np.ndarray | None = None
) -> np.ndarray:
    """Euclidean distances from the points ``rows`` to every point, shape (len(rows), U), from
    coordinates laid out C × U; computed coordinate by coordinate with exact differences (no
    ‖a‖² + ‖b‖² − 2a·b cancellation), so a pair's distance never depends on the chunking."""
    shape = (len(rows), coords.shape[1])
    out = np.zeros(shape) if out is None else out
    out[:] = 0.0
    scratch = np.empty(shape) if scratch is None else scratch
    for row in coords:
        np.subtract(row[rows][:, None], row[None, :], out=scratch)
        np.multiply(scratch, scratch, out=scratch)
        out += scratch
    return np.sqrt(out, out=out)


def _pass(
    coords: np.ndarray, probability: np.ndarray, nearest: np.ndarray | None, rows: np.ndarray | None = None
) -> np.ndarray:
    """For each point u of ``rows`` (all when None): Σ_i p_i d(i, u) when ``nearest`` is None,
    else the gain Σ_i p_i (D_i − d(i, u))⁺ with D = ``nearest``; in row chunks."""
    n = coords.shape[1]
    rows = np.arange(n) if rows is None else rows
    out = np.empty(len(rows))
    chunk = max(1, CHUNK_ENTRIES // max(n, 1))
    buffer, scratch = np.empty((min(chunk, len(rows)), n)), np.empty((min(chunk, len(rows)), n))
    for start in range(0, len(rows), chunk):
        part = rows[start : start + chunk]
        d = _distances(coords, part, buffer[: len(part)], scratch[: len(part)])
        if nearest is not None:
            np.subtract(nearest[None, :], d, out=d)
            np.maximum(d, 0.0, out=d)
        np.multiply(d, probability[None, :], out=d)
        out[start : start + len(part)] = d.sum(axis=1)
    return out


# --------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------


def _final_outputs(network: Network) -> tuple[tuple[str, ...], np.ndarray, np.ndarray]:
    """Countries with final outputs (sorted), and per facility (table order) its country's
    position among them (−1 when not a final output) and value · capacity (value / week)."""
    arr = network.arrays
    country = np.asarray(arr.countries, dtype=object)[arr.country]
    countries = tuple(sorted(set(country[arr.is_final].tolist())))
    lookup = {c: i for i, c in enumerate(countries)}
    position = np.array(
        [lookup[c] if final else -1 for c, final in zip(country.tolist(), arr.is_final.tolist(), strict=True)],
        dtype=np.int64,
    )
    return countries, position, arr.value * arr.capacity


def _profile(alpha: np.ndarray, country_of_final: np.ndarray, final_value: np.ndarray, n_countries: int) -> np.ndarray:
    """Loss profiles ℓ_sc = Σ_{v final in c} value_v · capacity_v · (1 − α_sv), shape (S, C)."""
    final = np.flatnonzero(country_of_final >= 0)
    lost = (1.0 - alpha[:, final]) * final_value[final]
    out = np.zeros((alpha.shape[0], n_countries))
    for c in range(n_countries):
        out[:, c] = lost[:, country_of_final[final] == c].sum(axis=1)
    return out


def _draw_digests(draw: BlockDraw, size: int) -> list[bytes]:
    """A digest of each of the first ``size`` samples' changes against the reference state.

    The draw lists changes sorted by (sample, position) and only where they differ from the
    reference, so two samples have equal change lists exactly when their factors are equal."""
    edge_cut = np.searchsorted(draw.edge_sample, np.arange(size + 1))
    own_cut = np.searchsorted(draw.own_sample, np.arange(size + 1))
    out = []
    for s in range(size):
        e0, e1, o0, o1 = edge_cut[s], edge_cut[s + 1], own_cut[s], own_cut[s + 1]
        h = hashlib.blake2b(digest_size=16)
        for part in (
            draw.edge[e0:e1].astype(np.int64),
            draw.edge_value[e0:e1].astype(np.float64),
            draw.own_facility[o0:o1].astype(np.int64),
            draw.own_value[o0:o1].astype(np.float64),
        ):
            h.update(len(part).to_bytes(8, "little"))
            h.update(part.tobytes())
        out.append(h.digest())
    return out


def _group_digests(digests: list[bytes]) -> tuple[np.ndarray, np.ndarray]:
    """(first sample of each distinct draw, samples per draw); draws are numbered in order of
    first appearance."""
    first: dict[bytes, int] = {}
    state_of = np.empty(len(digests), dtype=np.int64)
    for i, d in enumerate(digests):
        state_of[i] = first.setdefault(d, len(first))
    first_sample = np.full(len(first), -1, dtype=np.int64)
    for i in range(len(digests) - 1, -1, -1):
        first_sample[state_of[i]] = i
    return first_sample, np.bincount(state_of, minlength=len(first))


def _heaviest_state(states: np.ndarray, count: np.ndarray, first_sample: np.ndarray) -> int:
    """The most frequent of ``states`` (ties: the one seen first)."""
    return int(min(states.tolist(), key=lambda s: (-count[s], first_sample[s])))


def _nearest(points: np.ndarray, selected: np.ndarray) -> np.ndarray:
    """For every point, the position in ``selected`` of its nearest selected point (ties: the
    one selected first)."""
    coords = np.ascontiguousarray(np.asarray(points, dtype=float).T)
    return np.argmin(_distances(coords, selected), axis=0)


def _rebuild(
    model: MonteCarloModel, seed: int, sample_index: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Dense (edge, own) factors in table order of the given samples, and which controls and
    disruptions are in force in them, redrawn block by block."""
    edge = np.empty((len(sample_index), model.n_edges))
    own = np.empty((len(sample_index), model.n_facilities))
    control = np.empty((len(sample_index), len(model.covered)), dtype=bool)
    disruption = np.empty((len(sample_index), len(model.disruption_probability)), dtype=bool)
    blocks = sample_index // BLOCK
    for block in np.unique(blocks).tolist():
        where = np.flatnonzero(blocks == block)
        rows = sample_index[where] % BLOCK
        draw = model.draw(seed, block)
        dense_edge, dense_own = model.dense(draw, int(rows.max()) + 1)
        edge[where], own[where] = dense_edge[rows], dense_own[rows]
        control[where], disruption[where] = draw.control_active[rows], draw.disruption_active[rows]
    return edge, own, control, disruption


def _deterministic(
    network: Network,
    compiled: CompiledScenario,
    countries: tuple[str, ...],
    country_of_final: np.ndarray,
    final_value: np.ndarray,
    cvar_alpha: float,
) -> ScenarioSet:
    """The one scenario of a scenario without Monte Carlo: static factors, weight 1."""
    edge, own = compiled.edge_factor()[:1], compiled.own_factor()[:1]
    alpha, _ = propagate(network.arrays.plan, edge, own, compiled.stock_term)
    profile = _profile(alpha, country_of_final, final_value, len(countries))
    loss = float(profile.sum())
    fidelity = {
        "method": "deterministic",
        "note": "deterministic: the scenario has no monte_carlo block; one scenario with the static factors",
        "expected_loss_full": loss,
        "expected_loss_reduced": loss,
        "cvar_full": loss,
        "cvar_reduced": loss,
        "relative_error_expected": 0.0,
        "relative_error_cvar": 0.0,
        "cvar_alpha": float(cvar_alpha),
        "k": 1,
        "samples": 1,
        "distinct_samples": 1,
        "distinct_profiles": 1,
    }
    return ScenarioSet(
        _frozen(edge.copy()),
        _frozen(own.copy()),
        _frozen(np.ones(1)),
        _frozen(np.zeros(1, dtype=np.int64)),
        1,
        None,
        _frozen(np.ones((1, len(compiled.control_names)), dtype=bool)),
        _frozen(np.ones((1, len(compiled.disruption_labels)), dtype=bool)),
        countries,
        _frozen(profile),
        _frozen(np.array([loss])),
        fidelity,
    )


def _relative_error(reduced: float, full: float) -> float:
    """|reduced − full| / |full|; 0 when both are 0, ∞ when only the full value is 0."""
    if full == 0:
        return 0.0 if reduced == 0 else math.inf
    return abs(reduced - full) / abs(full)


def _frozen(a: np.ndarray) -> np.ndarray:
    a = np.ascontiguousarray(a)
    a.setflags(write=False)
    return a
