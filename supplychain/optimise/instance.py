"""The problem data of the strategy optimiser (docs/model.md §5): first-stage actions, the edges
they open, their capacities, and the scenario samples the second stage is solved over.

**Plan vector** π = [y (C candidates), z (J certifications), b (B expansions), w (W pairs),
σ (R' stock recipes)]: binaries y_c, z_j, b_e; w_x ∈ [0, 1] for an edge x opened by both a
candidate and a certification (w_x = y_c · z_j, enforced by ``model.define_overlap``);
σ_r ∈ [0, H − s_r] for recipes with a ``stock_cost``. ``_Instance.cost`` is C_c, C_j, C_e, 0,
S_r over the same vector. The expansions b are there only when the scenario's
``optimise.expansions`` is true (B = 0 otherwise, so a scenario without it has the plan vector,
and the plan, it had before the ``expansions`` table existed).

**Expansions.** Row e of ``expansions`` (facility v, added capacity Δ_e units per week, lead
time L_e) raises v's capacity over the horizon, in weeks of v's normal output, by
κ_e = Δ_e / c_v · max(0, H − L_e): the second stage's x_v ≤ o_v · (H + Σ_{e at v} κ_e b_e), i.e.
P_v ≤ o_v · (c_v H + Δ_e · max(0, H − L_e)) (docs/model.md §5). The added output needs its
inputs through v's own recipes and suppliers like the rest of v's output, and is subject to v's
own factor o_v (a disruption of the site hits the new capacity too).

**Opened edges.** A candidate opens its own u → v for k (a parallel path when the relation is
already qualified); a certification (supplier u, item k) opens u → v for every member buyer v
with a recipe for k that u does not already supply. Edge x's capacity over the horizon, in
weeks of the buyer's need, is ``new_cap[x] @ π`` = κ_c y_c + κ_j z_j + (κ_cj − κ_c − κ_j) w_x
with κ = max_share · max(0, H − lead_weeks) and κ_cj = max(share_c, share_j) ·
max(0, H − min(lead_c, lead_j)) (the larger share and the shorter lead count when both open x).

**Whose loss** (``_Instance.member_final``). With a consortium the optimiser minimises the
members' loss: the final outputs (facilities that supply no one) in a member country, of a
member company or that are member facilities; the others weigh 0 in its objective. Without a
consortium every final output counts.

**Controls on new edges.** The coverage of an opened edge is computed by the scenario's own
compiler on a view of the network whose supply edges are the opened ones (``_ExtraEdges``),
while reach, content shares and the foreign-direct-product test still come from the network as
it is, so the rules of docs/model.md §3 apply to new edges exactly as to old ones. In a Monte
Carlo sample s a new edge has a_xs = Π licence_approval over the controls in force in s that
cover it (the expected licence: a licence that has not been applied for cannot have been drawn).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

import numpy as np

from ..compile import _mean_of_products
from ..errors import InputError
from ..montecarlo import BLOCK, MonteCarloModel
from ..scenario import CompiledScenario, Scenario, compile_rules, member_problems, prepare
from .reduction import reduce_scenarios

if TYPE_CHECKING:
    from ..arrays import NetworkArrays
    from ..network import Network


@dataclass(eq=False)
class _Instance:
    """Everything the model needs, as arrays (built once per optimise call)."""

    network: Network
    scenario: Scenario
    compiled: CompiledScenario
    horizon: float
    # first stage: plan vector = [y (C), z (J), b (B), w (W), sigma (R')]
    n_cand: int
    n_cert: int
    n_pair: int
    stock_recipes: np.ndarray  # recipe rows with a stock_cost
    cost: np.ndarray  # (P,)
    upper: np.ndarray  # (P,) upper bound of each plan variable
    pair_cand: np.ndarray  # (W,) plan index of the candidate of each pair
    pair_cert: np.ndarray  # (W,) plan index of the certification of each pair
    # opened edges
    new_src: np.ndarray
    new_dst: np.ndarray
    new_item: np.ndarray
    new_recipe: np.ndarray
    new_cap: np.ndarray  # (X, P): u_x ≤ a_x · new_cap[x] @ plan
    new_coverage: np.ndarray  # (controls, X)
    edge_cand: np.ndarray  # (X,) candidate row or -1
    edge_cert: np.ndarray  # (X,) certification row or -1
    member_of: dict[int, list[str]]  # buyer facility -> consortium members it belongs to
    members: list[str]
    member_final: np.ndarray  # (final outputs,) bool: whose loss the optimiser minimises
    notes: list[str] = field(default_factory=list)
    # expansions (b): the facility of each, κ_e in weeks of its normal output, and the rows of
    # the network's expansions table they are (all empty unless optimise.expansions)
    exp_facility: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    exp_weeks: np.ndarray = field(default_factory=lambda: np.zeros(0))
    exp_rows: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))

    @property
    def n_plan(self) -> int:
        return len(self.cost)

    @property
    def n_exp(self) -> int:
        """Number of expansions b in the plan vector (0 unless ``optimise.expansions``)."""
        return len(self.exp_facility)

    @property
    def exp_start(self) -> int:
        """Index of the first expansion b in the plan vector."""
        return self.n_cand + self.n_cert

    @property
    def n_binary(self) -> int:
        return self.n_cand + self.n_cert + self.n_exp

    def added_weeks(self, plan: np.ndarray) -> np.ndarray:
        """Σ_{e at v} κ_e b_e per facility (N,): the capacity the plan adds over the horizon, in
        weeks of each facility's normal output."""
        n = self.network.arrays.n_facilities
        if not self.n_exp:
            return np.zeros(n)
        built = np.asarray(plan, dtype=float)[self.exp_start : self.exp_start + self.n_exp]
        return np.bincount(self.exp_facility, weights=self.exp_weeks * built, minlength=n)

    @property
    def exp_room(self) -> np.ndarray:
        """Σ_{e at v} κ_e per facility (N,): the most capacity every expansion together can add."""
        n = self.network.arrays.n_facilities
        if not self.n_exp:
            return np.zeros(n)
        return np.bincount(self.exp_facility, weights=self.exp_weeks, minlength=n)

    def expands(self, plan: np.ndarray) -> bool:
        """Whether the plan builds some expansion."""
        return bool(self.n_exp) and bool((plan[self.exp_start : self.exp_start + self.n_exp] > 0.5).any())

    @property
    def n_new(self) -> int:
        return len(self.new_src)

    @property
    def consortium(self) -> bool:
        """True when the scenario names a consortium: the optimiser minimises its members' loss."""
        return bool(self.members)

    @property
    def stock_start(self) -> int:
        """Index of the first stock variable σ in the plan vector."""
        return self.n_binary + self.n_pair

    def complete(self, plan: np.ndarray) -> np.ndarray:
        """Round binaries, set w = y · z, clip stock: a consistent plan vector (no -0.0)."""
        plan = np.asarray(plan, dtype=float).copy()
        b = self.n_binary
        plan[:b] = np.round(np.clip(plan[:b], 0, 1))
        if self.n_pair:
            plan[b : b + self.n_pair] = plan[self.pair_cand] * plan[self.pair_cert]
        s0 = self.stock_start
        plan[s0:] = np.clip(plan[s0:], 0, self.upper[s0:])
        plan[s0:][plan[s0:] < 1e-9] = 0.0
        return plan + 0.0  # no -0.0: equal plans have equal bytes (the evaluations' memo keys)

    def zero_plan(self) -> np.ndarray:
        """The do-nothing plan."""
        return self.complete(np.zeros(self.n_plan))


@dataclass(eq=False)
class _Samples:
    """Scenario samples: factors in table order and probabilities."""

    edge: np.ndarray  # (K, E)
    own: np.ndarray  # (K, N)
    new: np.ndarray  # (K, X)
    weight: np.ndarray  # (K,)
    fidelity: dict[str, Any] = field(default_factory=dict)

    @property
    def k(self) -> int:
        return len(self.weight)


class _ExtraEdges:
    """A view of ``NetworkArrays`` whose supply edges are the opened ones, for the compiler:
    edge attributes are the new edges', everything else (reach, content shares, tools) is
    the network's own."""

    def __init__(self, arr: NetworkArrays, src: np.ndarray, dst: np.ndarray, item: np.ndarray) -> None:
        self._arr = arr
        self.edge_src, self.edge_dst, self.edge_item = src, dst, item

    @property
    def n_edges(self) -> int:
        return len(self.edge_src)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._arr, name)


def _member_buyers(network: Network, scenario: Scenario) -> tuple[list[str], dict[int, list[str]]]:
    """Consortium members and, per facility index, the members it belongs to (by country,
    company or id). An unknown member is an ``InputError`` naming it."""
    settings = scenario.optimise
    if settings is None or settings.consortium is None:
        return [], {}
    fac = network.facilities
    country, company, ids = (fac[c].to_numpy(dtype=object) for c in ("country", "company", "id"))
    problems = member_problems(network, settings.consortium, scenario.locate)
    member_of: dict[int, list[str]] = {}
    for m in settings.consortium.members:
        for v in np.flatnonzero((country == m) | (company == m) | (ids == m)).tolist():
            member_of.setdefault(v, []).append(m)
    if problems:
        raise InputError(f"{scenario.source or scenario.name}: unknown consortium members", problems)
    return list(settings.consortium.members), member_of


def _instance(network: Network | None, scenario: Scenario | CompiledScenario) -> _Instance:
    """Opened edges, first-stage variables and their costs (see the module docstring). The
    scenario is compiled here once (or taken compiled) for every later step."""
    compiled = prepare(network, scenario, "optimise")
    network, scenario = compiled.network, compiled.scenario
    arr = network.arrays
    horizon = float(scenario.horizon_weeks)
    members, member_of = _member_buyers(network, scenario)
    index = arr.index
    item_index = {k: i for i, k in enumerate(arr.item_ids)}
    recipe_key = {k: r for r, k in enumerate(zip(arr.recipe_facility.tolist(), arr.recipe_item.tolist(), strict=True))}
    supplied = set(zip(arr.edge_src.tolist(), arr.edge_dst.tolist(), arr.edge_item.tolist(), strict=True))
    cand, cert = network.candidates, network.certifications
    edges: dict[tuple[int, int, int], dict[str, int]] = {}
    cand_rows = zip(cand["supplier"].tolist(), cand["buyer"].tolist(), cand["item"].tolist(), strict=True)
    for i, (supplier, buyer, item_id) in enumerate(cand_rows):
        # a candidate on a relation already qualified adds a parallel path: more licensed capacity
        edges.setdefault((index[supplier], index[buyer], item_index[item_id]), {})["cand"] = i
    buyers = sorted(member_of)
    for j, (supplier, item_id) in enumerate(zip(cert["supplier"].tolist(), cert["item"].tolist(), strict=True)):
        u, k = index[supplier], item_index[item_id]
        for v in buyers:
            if v != u and (v, k) in recipe_key and (u, v, k) not in supplied:
                edges.setdefault((u, v, k), {})["cert"] = j
    keys = list(edges)
    n_cand, n_cert = len(cand), len(cert)
    src = np.array([k[0] for k in keys], dtype=np.int64)
    dst = np.array([k[1] for k in keys], dtype=np.int64)
    item = np.array([k[2] for k in keys], dtype=np.int64)
    edge_cand = np.array([edges[k].get("cand", -1) for k in keys], dtype=np.int64)
    edge_cert = np.array([edges[k].get("cert", -1) for k in keys], dtype=np.int64)
    pairs = np.flatnonzero((edge_cand >= 0) & (edge_cert >= 0))

    stock_cost = network.recipes["stock_cost"].to_numpy(dtype=float)
    stock_recipes = np.flatnonzero(np.isfinite(stock_cost))
    stock_upper = np.maximum(0.0, horizon - arr.stock_weeks[stock_recipes])
    exp_rows, exp_facility, exp_weeks, exp_cost = _expansions(network, scenario, horizon)
    n_exp = len(exp_rows)
    cost = np.concatenate(
        [
            cand["cost"].to_numpy(dtype=float),
            cert["cost"].to_numpy(dtype=float),
            exp_cost,
            np.zeros(len(pairs)),
            stock_cost[stock_recipes],
        ]
    )
    upper = np.concatenate([np.ones(n_cand + n_cert + n_exp + len(pairs)), stock_upper])

    def kappa(share: float, lead: float) -> float:
        return float(share) * max(0.0, horizon - float(lead))

    cand_share, cand_lead = (cand[col].to_numpy(dtype=float) for col in ("max_share", "lead_weeks"))
    cert_share, cert_lead = (cert[col].to_numpy(dtype=float) for col in ("max_share", "lead_weeks"))
    cap = np.zeros((len(keys), len(cost)))
    for p, x in enumerate(pairs.tolist()):
        c, j = int(edge_cand[x]), int(edge_cert[x])
        both = kappa(max(cand_share[c], cert_share[j]), min(cand_lead[c], cert_lead[j]))
        kc = kappa(cand_share[c], cand_lead[c])
        kj = kappa(cert_share[j], cert_lead[j])
        cap[x, n_cand + n_cert + n_exp + p] = both - kc - kj
    for x in range(len(keys)):
        c, j = int(edge_cand[x]), int(edge_cert[x])
        if c >= 0:
            cap[x, c] = kappa(cand_share[c], cand_lead[c])
        if j >= 0:
            cap[x, n_cand + j] = kappa(cert_share[j], cert_lead[j])

    view = SimpleNamespace(
        arrays=_ExtraEdges(arr, src, dst, item),
        items=network.items,
        facilities=network.facilities,
        ownership=network.ownership,
        name=network.name,
    )
    coverage = (
        compile_rules(view, scenario).coverage  # type: ignore[arg-type]
        if len(keys)
        else np.zeros((len(scenario.controls), 0), dtype=bool)
    )
    notes: list[str] = []
    # a network's expansions enter only with optimise.expansions (no note otherwise: a scenario
    # written before the table existed keeps its outputs exactly)
    finals = np.flatnonzero(arr.is_final)
    member_final = np.array([int(v) in member_of for v in finals.tolist()], dtype=bool) if members else None
    if member_final is not None and not member_final.any():
        notes.append(
            "the consortium's members have no final output (a facility that supplies no one): their loss is "
            "always 0, so no action can lower it"
        )
    if scenario.optimise is not None and scenario.optimise.consortium is not None and n_cert:
        useless = [
            f"{cert['supplier'].iat[j]}/{cert['item'].iat[j]}" for j in range(n_cert) if not (edge_cert == j).any()
        ]
        if useless:
            notes.append(f"certifications opening no edge for the consortium's members: {', '.join(useless)}")
    return _Instance(
        network=network,
        scenario=scenario,
        compiled=compiled,
        horizon=horizon,
        n_cand=n_cand,
        n_cert=n_cert,
        n_pair=len(pairs),
        stock_recipes=stock_recipes,
        cost=cost,
        upper=upper,
        pair_cand=edge_cand[pairs],
        pair_cert=n_cand + edge_cert[pairs],
        exp_facility=exp_facility,
        exp_weeks=exp_weeks,
        exp_rows=exp_rows,
        new_src=src,
        new_dst=dst,
        new_item=item,
        new_recipe=np.array(
            [recipe_key[(v, k)] for v, k in zip(dst.tolist(), item.tolist(), strict=True)], dtype=np.int64
        ),
        new_cap=cap,
        new_coverage=coverage,
        edge_cand=edge_cand,
        edge_cert=edge_cert,
        member_of=member_of,
        members=members,
        member_final=member_final if member_final is not None else np.ones(len(finals), dtype=bool),
        notes=notes,
    )


def _expansions(
    network: Network, scenario: Scenario, horizon: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The expansions the plan may build (every row of ``network.expansions`` when the
    scenario's ``optimise.expansions`` is true, none otherwise): their rows, facility indices,
    κ_e = added_capacity / capacity · max(0, H − lead_weeks) (weeks of the facility's normal
    output over the horizon) and costs."""
    table = network.expansions
    settings = scenario.optimise
    if settings is None or not settings.expansions or table.empty:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros(0), np.zeros(0)
    arr = network.arrays
    facility = np.array([arr.index[f] for f in table["facility"].tolist()], dtype=np.int64)
    added = table["added_capacity"].to_numpy(dtype=float)
    lead = table["lead_weeks"].to_numpy(dtype=float)
    weeks = added / arr.capacity[facility] * np.maximum(0.0, horizon - lead)
    return np.arange(len(table), dtype=np.int64), facility, weeks, table["cost"].to_numpy(dtype=float)


def _new_factor(inst: _Instance, control_active: np.ndarray, compiled: CompiledScenario) -> np.ndarray:
    """a_xs: the horizon-mean factor of opened edge x under the controls in force in sample s
    that cover it (Π licence_approval when every control is in force all horizon long;
    docs/model.md §3.2)."""
    if compiled.timed_controls:
        return _mean_of_products(inst.new_coverage, compiled.control_weeks, control_active)
    approval = compiled.approval
    k = control_active.shape[0]
    factor = np.ones((k, inst.n_new))
    for c in range(inst.new_coverage.shape[0]):
        if approval[c] == 1.0 or not inst.new_coverage[c].any():
            continue
        factor[np.ix_(control_active[:, c], inst.new_coverage[c])] *= approval[c]
    return factor


def _control_activity(model: MonteCarloModel, seed: int, sample_index: np.ndarray) -> np.ndarray:
    """Which controls are in force in each of the given Monte Carlo samples (samples × controls)."""
    active = np.zeros((len(sample_index), len(model.covered)), dtype=bool)
    blocks = sample_index // BLOCK
    for block in np.unique(blocks).tolist():
        where = np.flatnonzero(blocks == block)
        active[where] = model.draw(seed, block).control_active[sample_index[where] % BLOCK]
    return active


def _reduced_samples(inst: _Instance, samples: int | None, seed: int | None, k: int) -> _Samples:
    """The K weighted scenarios the MILP carries (``reduction.reduce_scenarios``)."""
    network, scenario, compiled = inst.network, inst.scenario, inst.compiled
    reduced = reduce_scenarios(
        network,
        compiled,
        samples=samples,
        seed=seed,
        k=k,
        cvar_alpha=scenario.optimise.cvar_alpha if scenario.optimise else None,
    )
    if reduced.seed is None:  # deterministic: every control in force
        active = np.ones((reduced.k, len(scenario.controls)), dtype=bool)
    else:
        active = _control_activity(
            MonteCarloModel(network, scenario, compiled, engine="numpy"), reduced.seed, np.asarray(reduced.sample_index)
        )
    return _Samples(
        np.asarray(reduced.edge_factor),
        np.asarray(reduced.own_factor),
        _new_factor(inst, active, compiled),
        np.asarray(reduced.weight, dtype=float),
        dict(reduced.fidelity),
    )


def _in_force(inst: _Instance) -> _Samples:
    """The one scenario with every control and disruption in force: the static factors a_e and
    o_v of docs/model.md §3.2 (licences at their approval share, rules over their weeks in
    force), as the static and adaptive stresses see it."""
    compiled = inst.compiled
    active = np.ones((1, len(inst.scenario.controls)), dtype=bool)
    return _Samples(
        compiled.edge_factor()[:1],
        compiled.own_factor()[:1],
        _new_factor(inst, active, compiled),
        np.ones(1),
        {"samples": 1},
    )


def _all_samples(inst: _Instance, samples: int | None, seed: int | None) -> _Samples:
    """Every Monte Carlo sample (identical draws merged, weights = frequencies), or the one
    deterministic scenario when the scenario has no ``monte_carlo`` and ``samples`` is None."""
    network, scenario, compiled = inst.network, inst.scenario, inst.compiled
    settings = scenario.monte_carlo
    if settings is None and samples is None:
        return _in_force(inst)
    n_samples = samples if samples is not None else (settings.samples if settings else 1000)
    seed = seed if seed is not None else (settings.seed if settings else 0)
    model = MonteCarloModel(network, scenario, compiled, engine="numpy")
    edges, owns, actives = [], [], []
    for block in range(math.ceil(n_samples / BLOCK)):
        size = min(BLOCK, n_samples - block * BLOCK)
        draw = model.draw(seed, block)
        edge, own = model.dense(draw, size)
        edges.append(edge)
        owns.append(own)
        actives.append(draw.control_active[:size])
    edge, own, active = np.vstack(edges), np.vstack(owns), np.vstack(actives)
    new = _new_factor(inst, active, compiled)
    first, count = _distinct_rows(edge, own, new)
    return _Samples(
        edge[first],
        own[first],
        new[first],
        count / n_samples,
        {"samples": n_samples, "seed": seed, "distinct_samples": len(first)},
    )


def _distinct_rows(*parts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The first row of each distinct row of the parts side by side (in order of first
    appearance) and how many rows are equal to it. Rows are compared by their bytes (factors
    are finite and never -0.0, so equal bytes are equal values), only over the columns that
    vary at all: a hash per row instead of a lexicographic sort of samples × 14 000 floats."""
    varying = [p[:, np.flatnonzero((p != p[:1]).any(axis=0))] + 0.0 for p in parts]
    key = np.ascontiguousarray(np.hstack(varying)) if varying else np.zeros((0, 0))
    seen: dict[bytes, int] = {}
    group = np.fromiter((seen.setdefault(row.tobytes(), len(seen)) for row in key), dtype=np.int64, count=len(key))
    first = np.full(len(seen), len(key), dtype=np.int64)
    np.minimum.at(first, group, np.arange(len(key)))
    return first, np.bincount(group, minlength=len(seen))
