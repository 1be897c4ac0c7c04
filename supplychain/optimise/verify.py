"""Verification of a proposed strategy (docs/model.md §5): the strategy applied to the network
and the stress re-run, without changing the strategy (the result is returned).

- adaptive, over every scenario sample (``instance._all_samples``): the second-stage LP with
  the plan in force against the do-nothing plan; the strategy is *confirmed* when it lowers or
  keeps the loss in every sample;
- static: ``stress`` on the network with the strategy applied (``strategy.apply_plan``: each
  opened edge takes its max_share of the buyer's need, existing shares shrinking in proportion),
  for the scenario with everything in force;
- the adaptive availability after: every control and disruption in force, the least loss, then
  the fair split among final outputs and the most production (``analysis.flow.fair_plan``,
  as ``adaptive_stress``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pulp

from ..analysis.flow import fair_plan
from ..errors import InputError
from ..scenario import Scenario
from ..stress import stress
from .instance import _all_samples, _Instance, _Samples
from .recourse import _lp_solver, _Recourse
from .reduction import weighted_cvar
from .strategy import apply_plan


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


def _verify(
    inst: _Instance,
    plan: np.ndarray,
    opened: pd.DataFrame,
    stock: pd.DataFrame,
    recourse: _Recourse,
    samples: int | None,
    seed: int | None,
) -> _Verification:
    """Re-stress with the plan in force: adaptive over every sample, static (``stress`` on the
    network with ``opened`` and ``stock`` applied) for the scenario with everything in force,
    and the adaptive availability after (as ``adaptive_stress``: least loss, fair, most production)."""
    network, scenario = inst.network, inst.scenario
    notes: list[str] = []
    full = _all_samples(inst, samples, seed)
    before, _, _ = recourse.losses(inst.zero_plan(), full)
    after, _, _ = recourse.losses(plan, full)
    cvar_alpha = _cvar_alpha(scenario)
    result: dict[str, Any] = {
        "samples": full.fidelity.get("samples", 1),
        "distinct_samples": full.k,
        "expected_lost_output_before": float(full.weight @ before),
        "expected_lost_output_after": float(full.weight @ after),
        "cvar_lost_output_before": weighted_cvar(before, full.weight, cvar_alpha),
        "cvar_lost_output_after": weighted_cvar(after, full.weight, cvar_alpha),
    }
    tolerance = 1e-7 * max(1.0, float(np.max(before)) if len(before) else 1.0)
    result["confirmed"] = bool(np.all(after <= before + tolerance))
    if not result["confirmed"]:
        notes.append("VERIFICATION FAILED: the strategy raises the loss in some sample (a bug)")
    # availability after: every control and disruption in force, the most production at least loss
    det = _all_samples(inst, None, None) if scenario.monte_carlo is not None or samples is not None else full
    availability = _availability(inst, plan, det)
    result["static_lost_output_before"] = stress(network, inst.compiled).metric("lost_output")
    try:
        applied, apply_notes = apply_plan(network, opened, stock)
    except InputError as exc:
        notes.append(f"apply: the strategy could not be applied to the network ({exc.summary})")
    else:
        notes += apply_notes
        result["static_lost_output_after"] = stress(applied, scenario).metric("lost_output")
    return _Verification(result, availability, notes)


def _cvar_alpha(scenario: Scenario) -> float:
    """The scenario's ``cvar_alpha`` (0.95 without an ``optimise`` block)."""
    return scenario.optimise.cvar_alpha if scenario.optimise is not None else 0.95


def _availability(inst: _Instance, plan: np.ndarray, det: _Samples) -> np.ndarray:
    """Adaptive availability P_v / (c_v H) with the plan in force, by the same stages as
    ``adaptive_stress`` (``analysis.flow.fair_plan``): the least loss, then the lexicographic
    max-min availability of the final outputs, then the most production, each within
    ``OPTIMUM_TOLERANCE`` of the stage before."""
    recourse = _Recourse(inst, _lp_solver(None))
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
        ceiling=np.asarray(det.own[0], dtype=float)[finals],
        first_plan=production,
    )
    return np.clip(fair.production / inst.horizon, 0.0, 1.0)
