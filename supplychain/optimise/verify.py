"""Verification of a proposed strategy (docs/model.md §5): the strategy applied to the network
and the stress re-run, without changing the strategy (the result is returned).

- adaptive, over every scenario sample (``instance._all_samples``, held by ``_Evaluation``):
  the second-stage LP with the plan in force against the do-nothing plan, for two losses: the
  **members'** (the loss the optimiser minimises: the consortium members' final outputs, every
  final output without a consortium; the surviving flow re-routed in their favour) and the
  **world's** (every final output: the adaptive stress of docs/model.md §4 with the strategy's
  options). The strategy is *confirmed* when it lowers or keeps both in every sample;
- static: ``stress`` on the network with the strategy applied for the horizon
  (``strategy.apply_plan`` with ``horizon_weeks``: each opened edge takes its max_share of the
  buyer's need from its lead time on, so its horizon-mean share is max_share · max(0, H − L) / H,
  the existing shares shrinking in proportion), for the scenario with everything in force; an
  expansion adds its capacity from its lead time on (``_expanded_own``: in week t facility v
  makes at most o_v(t) · (c_v + Σ_{e at v, t ≥ L_e} Δ_e) of a normal output of c_v, so its own
  factor becomes the horizon mean (1/H) Σ_t min(1, o_v(t) · (1 + Σ_{e ready} Δ_e / c_v)),
  SPEC 3.2's horizon means taken week by week); the static engine's fixed shares mean new
  capacity helps there only where the facility's own factor is below 1;
- the adaptive availability after: every control and disruption in force, the world's least
  loss, then the fair split among final outputs and the most production
  (``analysis.flow.fair_plan``, as ``adaptive_stress``).

The frontier (``frontier._frontier``) reports its plans on the same ``_Evaluation``, so that
its budget-0 point is the "before" of the verification.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import pulp

from ..analysis.flow import fair_plan
from ..errors import InputError
from ..scenario import CompiledScenario, Scenario, compile_rules, prepare
from ..solvers import get_solver
from ..stress import propagate
from .instance import _all_samples, _in_force, _Instance, _instance, _Samples
from .model import _loss_weights
from .recourse import _Certificates, _Cone, _lp_solver, _Recourse
from .reduction import weighted_cvar
from .strategy import apply_plan

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from ..network import Network

SHORTCUTS = True
"""Whether ``_Evaluation`` takes its exact shortcuts by default (False: the plain loop)."""

CERTIFICATE_TRIAL = 32
CERTIFICATE_HITS = 0.25
"""Certificates stop being collected for a plan once, after ``CERTIFICATE_TRIAL`` samples,
fewer than ``CERTIFICATE_HITS`` of its samples were settled by them (collecting one reads
the whole solution; those already collected are still used)."""

SURVEY_CHUNK = 64
"""Samples whose LP bounds are compared at once when looking for the columns that vary."""

SETTLED = 1e-12
"""A sample whose do-nothing loss is at most this fraction of the final-output value per week
(of the outputs whose loss counts) loses nothing: no plan can lower it further."""


class _Evaluation:
    """Losses of plans over one set of samples (the verification's: every Monte Carlo sample),
    memoised per plan, for the members (``members``) and the world (``world``).

    A plan only adds options to the second-stage LP (opened edges with capacity κ(π) ≥ 0,
    extra stock), and a plan that buys everything another buys, and more, adds more; so in each
    sample a plan's loss lies between the losses of the plans already evaluated that buy no
    less (and at least 0) and no more (and doing nothing). A sample where those bounds meet
    (within ``SETTLED``: e.g. doing nothing loses nothing there) is not solved again for a
    plan, nor is a sample where every edge the plan opens is shut (a_xs = 0) and no stock is
    bought (the LP is the do-nothing LP). With HiGHS, every LP solved also bounds the LP at the
    other samples and plans (``recourse._Certificates``: its solution where it stays feasible,
    its duals always), and a sample where those bounds meet within ``SETTLED`` is not solved
    either: most samples differ from one already solved only in licences on edges that carry no
    flow there; those solves run on the LP cut to the cone of the counted final outputs
    (``recourse._Cone``), samples in lexicographic order of their bounds. The shortcuts are
    exact (to the solver's tolerances); ``shortcuts=False`` (default ``SHORTCUTS``) solves every
    sample of every plan on the whole LP, re-using it with changed bounds (the plain loop, for
    tests and ``benchmarks/bench_consortium.py``).
    """

    def __init__(
        self,
        inst: _Instance,
        samples: _Samples,
        solver: Any,
        *,
        shortcuts: bool | None = None,
        world_before: Callable[[], np.ndarray] | None = None,
    ) -> None:
        self.inst, self.samples, self._solver = inst, samples, solver
        self._world_before = world_before  # the world's losses of doing nothing, computed elsewhere
        self._recourse: dict[str, _Recourse] = {"members": _Recourse(inst, solver, "members")}
        self._same = not inst.consortium  # without a consortium the members' loss is the world's
        self._cache: dict[tuple[str, bytes], np.ndarray] = {}
        self._zero = inst.zero_plan()
        self._everything = inst.complete(inst.upper.copy())  # every action bought
        self._shortcuts = SHORTCUTS if shortcuts is None else shortcuts
        self._certificates: dict[str, _Certificates] = {}
        self._cones: dict[str, _Cone] = {}
        self._varying: np.ndarray | None = None  # columns whose bounds differ between the LPs
        self._reference: tuple[np.ndarray, np.ndarray] | None = None  # the other columns' bounds
        self.solves = 0

    def members(self, plan: np.ndarray) -> np.ndarray:
        """The members' loss per sample (value per week), what the optimiser minimises."""
        return self._losses("members", plan)

    def world(self, plan: np.ndarray) -> np.ndarray:
        """The world's loss per sample (value per week): every final output, re-routed for all."""
        return self._losses("members" if self._same else "world", plan)

    def _losses(self, whose: str, plan: np.ndarray) -> np.ndarray:
        plan = self.inst.complete(plan)
        key = (whose, plan.tobytes())
        if key in self._cache:
            return self._cache[key]
        if whose == "world" and self._world_before is not None and np.array_equal(plan, self._zero):
            given = np.asarray(self._world_before(), dtype=float)
            if given.shape != (self.samples.k,):
                raise ValueError(f"world_before gave {given.shape} losses for {self.samples.k} samples")
            self._cache[key] = given
            return given
        recourse = self._lp(whose)
        out, lower, todo, tolerance = self._known(whose, recourse, plan)
        if self._shortcuts and recourse.run.in_place and len(todo):
            self._certified(whose, recourse, plan, todo, out, lower[todo], tolerance)
        else:
            for s in todo.tolist():
                out[s] = recourse.loss(plan, self.samples.edge[s], self.samples.own[s], self.samples.new[s])
            self.solves += len(todo)
        self._cache[key] = out
        return out

    def _lp(self, whose: str) -> _Recourse:
        recourse = self._recourse.get(whose)
        if recourse is None:
            recourse = self._recourse[whose] = _Recourse(self.inst, self._solver, whose)
        return recourse

    def _known(
        self, whose: str, recourse: _Recourse, plan: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
        """What the plans evaluated so far say of ``plan`` (completed): per sample an upper
        bound (the loss where it is settled; inf where nothing is known) and a lower bound,
        the samples still to solve, and the tolerance within which bounds that meet settle."""
        samples = self.samples
        tolerance = SETTLED * (float(recourse.loss_weight.sum() * self.inst.horizon) or 1.0)
        if np.array_equal(plan, self._zero) or not self._shortcuts:
            # no upper bound yet: every sample is solved or certified
            return np.full(samples.k, np.inf), np.zeros(samples.k), np.arange(samples.k), tolerance
        # sandwich: a plan's loss lies between those of the plans evaluated that buy no
        # less (lower bounds) and no more (upper bounds; doing nothing among them)
        upper = self._losses(whose, self._zero).copy()
        lower = np.zeros(samples.k)
        for (who, other_key), other in self._cache.items():
            other_plan = np.frombuffer(other_key)
            if who != whose:
                continue
            if self._buys_no_less(other_plan, plan):
                lower = np.maximum(lower, other)
            if self._buys_no_less(plan, other_plan):
                upper = np.minimum(upper, other)
        needed = upper - lower > tolerance
        inst = self.inst
        if not (plan[inst.stock_start :] > 0).any() and not inst.expands(plan):
            opens = (inst.new_cap @ plan) > 0 if inst.n_new else np.zeros(0, dtype=bool)
            needed &= (samples.new[:, opens] > 0).any(axis=1)
        return upper, lower, np.flatnonzero(needed), tolerance

    def prefetch(self, whose: str, plans: Sequence[np.ndarray]) -> None:
        """Evaluate several plans at once, each memoised as ``members``/``world`` would give it:
        sample by sample, each plan that needs a solve there in turn (fewest actions first),
        so that one solve differs from the last in one plan's options at one sample, not in
        one sample's licences and disruptions from the next. Within a sample, a plan's loss
        lies between those of the plans already solved there that buy no less and no more,
        and is not solved when those meet. Measured on the consortium scenario's six plans over
        its 500 samples: 14 400 simplex iterations against 66 500 plan by plan, 5.0 s against
        7.4 s. Without the shortcuts or a live HiGHS model, each plan is evaluated alone."""
        recourse = self._lp(whose)
        unique: list[np.ndarray] = []
        for plan in (self.inst.complete(p) for p in plans):
            seen = any(np.array_equal(plan, other) for other in unique)
            if not seen and (whose, plan.tobytes()) not in self._cache:
                unique.append(plan)
        if not self._shortcuts or not recourse.run.in_place:
            for plan in unique:
                self._losses(whose, plan)
            return
        if any(np.array_equal(plan, self._zero) for plan in unique):
            self._losses(whose, self._zero)  # every other plan's upper bound
            unique = [plan for plan in unique if not np.array_equal(plan, self._zero)]
        if not unique:
            return
        inst, samples = self.inst, self.samples
        unique.sort(key=lambda plan: (int((plan[: inst.n_binary] > 0.5).sum()), float(inst.cost @ plan)))
        known = [self._known(whose, recourse, plan) for plan in unique]
        tolerance = known[0][3]
        lp, varying = self._solving_lp(whose, recourse, unique)
        bounds = [recourse.bounds(plan, samples.edge, samples.own, samples.new, varying) for plan in unique]
        n = len(unique)
        # contains[p, q]: plan p buys everything plan q buys (q's loss bounds p's from above)
        contains = np.array([[self._buys_no_less(unique[p], unique[q]) for q in range(n)] for p in range(n)])
        out = np.array([k[0] for k in known])
        lower = np.array([k[1] for k in known])
        todo = np.zeros((n, samples.k), dtype=bool)
        for p, k in enumerate(known):
            todo[p, k[2]] = True
        solved = np.zeros((n, samples.k), dtype=bool)
        upper0 = bounds[0][1]
        order = np.lexsort(upper0[:, ::-1].T) if upper0.shape[1] else np.arange(samples.k)
        for s in order[todo[:, order].any(axis=0)].tolist():
            for p in np.flatnonzero(todo[:, s]).tolist():
                done = np.flatnonzero(solved[:, s])
                low = max([lower[p, s], *(out[q, s] for q in done if contains[q, p])])
                high = min([out[p, s], *(out[q, s] for q in done if contains[p, q])])
                if high - low <= tolerance:
                    out[p, s] = high
                    continue
                out[p, s] = lp.loss_at(varying, bounds[p][0][s], bounds[p][1][s])
                solved[p, s] = True
                self.solves += 1
        for p, plan in enumerate(unique):
            self._cache[(whose, plan.tobytes())] = out[p]

    def _certified(
        self,
        whose: str,
        recourse: _Recourse,
        plan: np.ndarray,
        todo: np.ndarray,
        out: np.ndarray,
        floor: np.ndarray,
        tolerance: float,
    ) -> None:
        """``out[todo]``: each sample's loss, solved where the certificates of the LPs solved so
        far (``_Certificates``; ``out[todo]`` and ``floor`` are upper and lower bounds already
        known) do not fix it within ``tolerance``; in sample order, each solve adding its
        certificate."""
        samples = self.samples
        lp, varying = self._solving_lp(whose, recourse, [plan])
        lower, upper = recourse.bounds(plan, samples.edge[todo], samples.own[todo], samples.new[todo], varying)
        certificates = self._certificates.get(whose)
        if certificates is None or not np.array_equal(certificates.columns, varying):
            certificates = self._certificates[whose] = _Certificates(varying)
        low, high = certificates.bound(lower, upper)
        low = np.maximum(low, floor)
        high = np.minimum(high, out[todo])
        collect, hits = True, 0
        # similar samples one after the other (lexicographic in their bounds): fewer simplex
        # iterations from the previous basis, and more samples settled by a neighbour's certificate
        order = np.lexsort(upper[:, ::-1].T) if upper.shape[1] else np.arange(len(todo))
        todo, lower, upper, low, high = todo[order], lower[order], upper[order], low[order], high[order]
        for i, s in enumerate(todo.tolist()):
            if high[i] - low[i] <= tolerance:
                out[s] = high[i]
                hits += 1
                continue
            out[s] = lp.loss_at(varying, lower[i], upper[i])
            self.solves += 1
            if collect and i >= CERTIFICATE_TRIAL and hits < CERTIFICATE_HITS * i:
                collect = False  # the samples left differ where it matters: stop paying for certificates
            solution = lp.certificate(varying) if collect and i + 1 < len(todo) else None
            if solution is None:
                continue
            certificates.add(out[s], *solution, lower[i], upper[i])
            last = range(len(certificates) - 1, len(certificates))
            new_low, new_high = certificates.bound(lower[i + 1 :], upper[i + 1 :], last)
            low[i + 1 :] = np.maximum(low[i + 1 :], new_low)
            high[i + 1 :] = np.minimum(high[i + 1 :], new_high)

    def _solving_lp(
        self, whose: str, recourse: _Recourse, plans: Sequence[np.ndarray]
    ) -> tuple[_Cone | _Recourse, np.ndarray]:
        """The LP that loss-only solves of ``plans`` run on (the cone of ``whose``'s counted
        final outputs, else the whole LP) and the recourse columns whose bounds a solve sets
        (``_varying_columns``; all of them for a plan outside what the survey covers), with
        every other column at its reference bounds."""
        varying, (ref_lower, ref_upper) = self._varying_columns(recourse)
        if not all(self._buys_no_less(self._everything, plan) for plan in plans):
            varying = np.arange(len(ref_lower))
        recourse._set_bounds(ref_lower, ref_upper)  # the cone copies them; then only the varying columns move
        cone = self._cones.get(whose)
        if cone is None:
            cone = self._cones[whose] = _Cone(recourse)
        if not cone.usable:
            return recourse, varying
        return cone, varying[cone.index[varying] >= 0]  # bounds outside the cone change nothing

    def _varying_columns(self, recourse: _Recourse) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray]]:
        """The LP columns whose bounds differ between samples or between doing nothing and
        buying everything (the only ones a certificate compares), and every column's bounds in
        the first sample with nothing bought.

        Every other plan's bounds on the other columns are the reference's too: each bound is
        monotone in the plan between doing nothing and buying everything (x ≤ o·(H + Σ κ_e b_e),
        u ≤ a·κ(π) with κ linear and nonnegative in π, σ = π's stock), so a bound equal at both
        ends in every sample is equal for every plan in between (``_buys_no_less``)."""
        if self._varying is None or self._reference is None:
            samples = self.samples
            everything = self._everything
            ref_lower, ref_upper = recourse.bounds(self._zero, samples.edge[0], samples.own[0], samples.new[0])
            differs = np.zeros(len(ref_lower), dtype=bool)
            for start in range(0, samples.k, SURVEY_CHUNK):
                rows = slice(start, start + SURVEY_CHUNK)
                for plan in (self._zero, everything):
                    lower, upper = recourse.bounds(plan, samples.edge[rows], samples.own[rows], samples.new[rows])
                    differs |= ((lower != ref_lower) | (upper != ref_upper)).any(axis=0)
            self._varying, self._reference = np.flatnonzero(differs), (ref_lower, ref_upper)
        return self._varying, self._reference

    def _buys_no_less(self, more: np.ndarray, less: np.ndarray) -> bool:
        """Every action of ``less`` is in ``more`` (binaries and stock weeks), so every opened
        edge of ``less`` has at least its capacity in ``more`` (κ_cj ≥ max(κ_c, κ_j))."""
        inst = self.inst
        b, s0 = inst.n_binary, inst.stock_start
        return bool(np.all(more[:b] >= less[:b]) and np.all(more[s0:] >= less[s0:] - 1e-12))


def world_before(
    network: Network | None,
    scenario: Scenario | CompiledScenario | str | Path,
    *,
    samples: int | None = None,
    seed: int | None = None,
    solver: str | None = None,
) -> np.ndarray:
    """The world's loss per verification sample (value per week) with nothing done: what
    ``optimise``'s verification computes first for a consortium (``_Evaluation.world`` of the
    do-nothing plan over ``_all_samples``), on its own. It depends on the scenario alone, so
    ``run_scenario`` computes it in its background process while the optimiser runs and hands
    it to ``optimise(world_before=...)``: the same numbers, from the same LPs in the same
    order."""
    compiled = prepare(network, scenario, "world_before")
    inst = _instance(compiled.network, compiled)
    evaluation = _Evaluation(inst, _all_samples(inst, samples, seed), _lp_solver(get_solver(solver)))
    return evaluation.world(inst.zero_plan())


@dataclass(frozen=True, eq=False)
class _Verification:
    """What ``_verify`` found: ``result`` (``Strategy.verification``), the adaptive
    ``availability_after`` per facility, and notes (a failed check, a plan that cannot be
    applied, shares ``apply`` had to scale)."""

    result: dict[str, Any]
    availability_after: np.ndarray
    notes: list[str] = field(default_factory=list)

    @property
    def expected_loss_before(self) -> float:
        return float(self.result["expected_lost_output_before"])

    @property
    def expected_loss_after(self) -> float:
        return float(self.result["expected_lost_output_after"])

    @property
    def members_expected_loss_before(self) -> float:
        return float(self.result["members_expected_lost_output_before"])

    @property
    def members_expected_loss_after(self) -> float:
        return float(self.result["members_expected_lost_output_after"])


def _verify(
    inst: _Instance,
    plan: np.ndarray,
    opened: pd.DataFrame,
    stock: pd.DataFrame,
    evaluation: _Evaluation,
) -> _Verification:
    """Re-stress with the plan in force: adaptive over every sample of ``evaluation`` (the
    members' and the world's loss), static (``stress`` on the network with ``opened`` and
    ``stock`` applied for the horizon) for the scenario with everything in force, and the
    adaptive availability after (least loss, fair, most production, as ``adaptive_stress``)."""
    network, scenario = inst.network, inst.scenario
    notes: list[str] = []
    full = evaluation.samples
    zero = inst.zero_plan()
    cvar_alpha = _cvar_alpha(scenario)
    result: dict[str, Any] = {
        "samples": full.fidelity.get("samples", 1),
        "distinct_samples": full.k,
    }
    confirmed = True
    for prefix, losses in (("", evaluation.world), ("members_", evaluation.members)):
        before, after = losses(zero), losses(plan)
        result[f"{prefix}expected_lost_output_before"] = float(full.weight @ before)
        result[f"{prefix}expected_lost_output_after"] = float(full.weight @ after)
        result[f"{prefix}cvar_lost_output_before"] = weighted_cvar(before, full.weight, cvar_alpha)
        result[f"{prefix}cvar_lost_output_after"] = weighted_cvar(after, full.weight, cvar_alpha)
        tolerance = 1e-7 * max(1.0, float(np.max(before)) if len(before) else 1.0)
        confirmed = confirmed and bool(np.all(after <= before + tolerance))
    result["confirmed"] = confirmed
    if not confirmed:
        notes.append("VERIFICATION FAILED: the strategy raises the loss in some sample (a bug)")
    # availability after: every control and disruption in force, the most production at least loss
    availability = _availability(inst, plan, _in_force(inst))
    alpha_before, result["static_lost_output_before"] = _static(network, inst.compiled)
    result["members_static_lost_output_before"] = _members_static_loss(inst, alpha_before)
    try:
        applied, apply_notes = apply_plan(network, opened, stock, horizon_weeks=inst.horizon)
    except InputError as exc:
        notes.append(f"apply: the strategy could not be applied to the network ({exc.summary})")
    else:
        notes += apply_notes
        if inst.expands(plan):
            after = _static_with_expansions(inst, applied, plan)
            arr = network.arrays
            finals = np.flatnonzero(arr.is_final)
            result["static_lost_output_after"] = float((arr.value * arr.capacity)[finals] @ (1.0 - after[finals]))
            result["members_static_lost_output_after"] = _members_static_loss(inst, after)
        else:
            alpha_after, result["static_lost_output_after"] = _static(applied, prepare(applied, scenario, "verify"))
            result["members_static_lost_output_after"] = _members_static_loss(inst, alpha_after)
    return _Verification(result, availability, notes)


def _expanded_own(inst: _Instance, compiled: CompiledScenario, plan: np.ndarray) -> np.ndarray:
    """Static own factors (N,) with the plan's expansions, every disruption in force: for a
    facility v with built expansions, (1/H) Σ_t min(1, o_v(t) · (1 + Σ_{e at v, t ≥ L_e} Δ_e / c_v))
    (its capacity over its normal output, capped at the normal output the static engine
    measures); every other facility keeps the engine's own factor."""
    own = compiled.own_factor()[0].copy()
    built = np.flatnonzero(plan[inst.exp_start : inst.exp_start + inst.n_exp] > 0.5)
    if not len(built):
        return own
    arr = inst.network.arrays
    table = inst.network.expansions
    horizon = int(inst.horizon)
    rows = inst.exp_rows[built]
    facility = inst.exp_facility[built]
    ratio = table["added_capacity"].to_numpy(dtype=float)[rows] / arr.capacity[facility]
    lead = table["lead_weeks"].to_numpy(dtype=float)[rows]
    ready = np.arange(horizon)[:, None] >= lead[None, :]  # (H, B): expansion e in use in week t
    extra = np.zeros((arr.n_facilities, horizon))
    np.add.at(extra, facility, (ready * ratio[None, :]).T)
    sites = np.unique(facility)
    weekly = compiled.own_week_factors().dense(horizon)[:, sites]  # (H, sites)
    own[sites] = np.minimum(1.0, weekly * (1.0 + extra[sites].T)).mean(axis=0)
    return own


def _static_with_expansions(inst: _Instance, applied: Network, plan: np.ndarray) -> np.ndarray:
    """Static availability α (N,) of ``applied`` (the network with the plan's opened edges and
    stock in force) with the plan's expansions (``_expanded_own``), every control and
    disruption in force (docs/model.md §3.2)."""
    compiled = compile_rules(applied, inst.scenario)
    own = _expanded_own(inst, compiled, plan)
    alpha, _ = propagate(applied.arrays.plan, compiled.edge_factor(), own[None, :], compiled.stock_term)
    return np.asarray(alpha[0], dtype=float)


def _static(network: Network, compiled: CompiledScenario) -> tuple[np.ndarray, float]:
    """The static availability α (N,) with every control and disruption in force and the
    final-output value lost per week, Σ_final value · capacity · (1 − α): row 0 of ``stress``
    and its ``lost_output`` metric, without the batch of lifted rules and the attribution
    ``stress`` adds (the verification reads neither)."""
    arr = network.arrays
    alpha = propagate(arr.plan, compiled.edge_factor(), compiled.own_factor(), compiled.stock_term)[0][0]
    return alpha, float((arr.value * arr.capacity * (1 - alpha))[arr.is_final].sum())


def _members_static_loss(inst: _Instance, availability: np.ndarray) -> float:
    """Σ over the members' final outputs of value · capacity · (1 − α): the static loss of the
    final outputs whose loss the optimiser minimises (value per week), α per facility."""
    arr = inst.network.arrays
    finals = np.flatnonzero(arr.is_final)
    alpha = np.asarray(availability, dtype=float)[finals]
    weight = _loss_weights(inst) * inst.horizon  # value · capacity of the members' final outputs
    return float(weight @ (1.0 - alpha))


def _cvar_alpha(scenario: Scenario) -> float:
    """The scenario's ``cvar_alpha`` (0.95 without an ``optimise`` block)."""
    return scenario.optimise.cvar_alpha if scenario.optimise is not None else 0.95


def _availability(inst: _Instance, plan: np.ndarray, det: _Samples) -> np.ndarray:
    """Adaptive availability P_v / (c_v H) with the plan in force, by the same stages as
    ``adaptive_stress`` (``analysis.flow.fair_plan``): the world's least loss, then the
    lexicographic max-min availability of the final outputs, then the most production, each
    within ``OPTIMUM_TOLERANCE`` of the stage before."""
    recourse = _Recourse(inst, _lp_solver(None), "world")
    loss, _, production = recourse.evaluate(plan, det.edge[0], det.own[0], det.new[0], gradient=False)
    arr = inst.network.arrays
    finals = np.flatnonzero(arr.is_final)
    expression = pulp.LpAffineExpression(list(zip(recourse.block.lost, recourse.loss_weight.tolist(), strict=True)))
    fair = fair_plan(
        recourse.run,
        recourse.block.x,
        finals,
        expression,
        loss,
        horizon=inst.horizon,
        loss_scale=float((arr.value * arr.capacity)[finals].sum()),  # the loss is per week here
        ceiling=np.minimum(1.0, np.asarray(det.own[0], dtype=float) * (1.0 + inst.added_weeks(plan) / inst.horizon))[
            finals
        ],
        first_plan=production,
    )
    return np.clip(fair.production / inst.horizon, 0.0, 1.0)
