"""Exposure: time to survive and time to recover per facility (docs/model.md §4).

After Simchi-Levi et al., "Identifying Risks and Mitigating Disruptions in the Automotive
Supply Chain", Interfaces 45(5), 2015. For each facility j, j produces nothing (x_j ≤ 0) and
nothing else is disrupted; the flow LP of ``flow.py`` (re-routing over qualified supply edges,
stock, any split) then gives

- ``lost_output``: the least final-output value lost, Σ value_v · L_v in total over the window
  t = TTR_j (j's ``recovery_weeks``): the LP with t fixed;
- ``tts_weeks``: the time to survive, the largest t ≤ max(H, TTR_j) for which no final-output
  value is lost (L_v = 0 for every final output of value > 0): the LP in (P, F, t) maximising
  t. Its feasible windows form an interval [0, TTS] (a convex set containing t = 0 with
  P = F = 0), so TTS is well defined; searching up to TTR_j (not only H) lets it be compared
  with TTR_j when j takes longer than the horizon to recover;
- ``risk_exposure_index``: lost_output / the largest lost_output over the facilities evaluated
  (0 when every loss is 0);
- ``tts_below_ttr``: TTS < TTR (the chain runs dry before j is back), which is exactly when
  ``lost_output`` > 0: the loss over TTR_j is 0 if and only if TTR_j lies in [0, TTS_j]. A
  solve stopped by a time limit leaves its number empty and says so in ``status``; the flag
  then comes from the other LP where that one ended optimal, and is empty only when neither
  did.

When TTR_j ≤ TTS_j + ``TTS_TOLERANCE`` the loss over TTR_j is 0 without a solve (the window lies
inside the survivable interval), so a loss LP is solved only for facilities that fail before
they recover. A loss of at most ``LOSS_TOLERANCE`` is solver noise and reported as 0; should
the loss LP find no loss where the TTS LP stopped short of TTR_j (the two agree within their
tolerances), the loss LP decides: the chain survives TTR_j, so ``tts_weeks`` is reported as
TTR_j. So the three columns never contradict each other.

One model serves every facility and both LPs: only bounds (x_j, the window t, the losses) and
the objective change (see ``flow.py``), and with HiGHS each change is pushed into the live
solver model and re-solved from a previous basis.

Most facilities are settled without an LP of their own, by a solution that leaves them idle
(x_k ≤ ``IDLE_PRODUCTION``), which is then a solution with k down:

- TTS. A solution with no valued loss over a window w ≥ max(H, TTR_k) that idles k proves
  TTS_k = max(H, TTR_k), its upper limit (by convexity every window up to w is survivable
  with k down). Such solutions come from the LP with nothing down (how long the whole chain
  survives), from *cover* LPs that, at each limit L the chain survives, minimise the total
  production of the facilities of limit ≤ L not yet settled (each round settles those it
  idles; the rounds stop when one settles none), and from every facility's own TTS LP.
- Loss. The loss with nothing down over TTR_k is a lower bound on k's loss over TTR_k; if
  that solution idles k, it is k's loss. The other loss LPs start from that LP's basis (one
  change to repair, not two).

On the bundled network without controls this solves 297 LPs for 434 facilities instead of
560; tests/test_flow_lp.py checks the result against a fresh LP per facility and question.
``df.attrs["lps"]`` counts the LPs by kind (``base``, ``cover``, ``tts``, ``loss``).
"""

from __future__ import annotations

import difflib
import math
import time
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import pulp

from ..errors import InputError, Problem
from ..progress import ProgressArg, progress_callback
from ..scenario import CompiledScenario, Scenario, check_network, prepare
from ..solvers import ReusableProblem
from .flow import build_flow_model, resolve_solver

if TYPE_CHECKING:
    from pathlib import Path

    from ..network import Network

__all__ = ["COLUMNS", "DEFAULT_HORIZON_WEEKS", "LOSS_TOLERANCE", "TTS_TOLERANCE", "exposure"]

COLUMNS = ("facility", "recovery_weeks", "tts_weeks", "lost_output", "risk_exposure_index", "tts_below_ttr")
"""The columns of exposure.csv (docs/model.md §6), in order; ``status`` follows them."""

DEFAULT_HORIZON_WEEKS = 52.0

TTS_TOLERANCE = 1e-6
"""Weeks: TTS counts as below TTR only when TTS < TTR − this (solver tolerances); otherwise the
loss over TTR is 0 without a solve."""


def _facility_positions(network: Network, facilities: Iterable[str] | str | None) -> list[int]:
    """Table positions of the facilities asked for (all when None), in the order given."""
    arr = network.arrays
    if facilities is None:
        return list(range(arr.n_facilities))
    if isinstance(facilities, str):
        facilities = [facilities]
    wanted = list(dict.fromkeys(facilities))  # drop repeats, keep order
    problems = []
    for i, fid in enumerate(wanted):
        if fid not in arr.index:
            close = difflib.get_close_matches(str(fid), arr.facility_ids, n=1, cutoff=0.6)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            problems.append(Problem(f"facilities[{i}]", f"unknown facility '{fid}' in network '{network.name}'{hint}"))
    if problems:
        raise InputError("exposure: unknown facility ids", problems)
    return [arr.index[f] for f in wanted]


def _horizon(scenario: Scenario | None, horizon_weeks: float | None) -> float:
    if scenario is not None:
        horizon = float(scenario.horizon_weeks)
        if horizon_weeks is not None and float(horizon_weeks) != horizon:
            raise InputError(
                f"exposure: horizon_weeks={horizon_weeks:g} contradicts the scenario's horizon_weeks "
                f"{horizon:g}; give one of them"
            )
        return horizon
    horizon = DEFAULT_HORIZON_WEEKS if horizon_weeks is None else float(horizon_weeks)
    if not (math.isfinite(horizon) and horizon > 0):
        raise InputError(f"exposure: horizon_weeks must be a positive number of weeks (got {horizon_weeks!r})")
    return horizon


IDLE_PRODUCTION = 1e-9
"""Weeks of full production: a facility producing at most this in a solution is idle in it
(below the solver's feasibility tolerance of 1e-7), so the solution is one with it down."""

LOSS_TOLERANCE = 1e-6
"""Final-output value: a loss LP's optimum above this counts as a loss; at or below it, it is
solver noise and reported as 0 (and ``tts_below_ttr`` is false)."""


def _below(tts: np.ndarray, lost: np.ndarray, ttr: np.ndarray) -> np.ndarray | pd.arrays.BooleanArray:
    """``tts_below_ttr`` by the rule of ``exposure``: from the loss over TTR when it is known
    (true when it is above 0: ``exposure`` reports noise at or below ``LOSS_TOLERANCE`` as 0 and
    keeps TTS consistent with it), else from TTS, else missing (a nullable boolean)."""
    known_tts = ~np.isnan(tts)
    known_loss = ~np.isnan(lost)
    values = np.where(known_loss, lost > 0.0, known_tts & (tts < ttr - TTS_TOLERANCE))
    missing = ~(known_tts | known_loss)
    return pd.arrays.BooleanArray(values, missing) if missing.any() else values


def _settle_loss(i: int, objective: float, tts: np.ndarray, lost: np.ndarray, ttr: np.ndarray) -> None:
    """Record facility i's loss over its TTR (``LOSS_TOLERANCE`` and below is 0); a loss of 0
    means the chain survives TTR, so its TTS is TTR when the TTS LP stopped short within
    tolerance."""
    lost[i] = objective if objective > LOSS_TOLERANCE else 0.0
    if lost[i] == 0.0 and not np.isnan(tts[i]):
        tts[i] = ttr[i]  # the LPs agree within tolerances: it survives TTR


def exposure(
    network: Network | None,
    scenario: Scenario | CompiledScenario | str | Path | None = None,
    *,
    facilities: Iterable[str] | str | None = None,
    horizon_weeks: float | None = None,
    solver: Any = None,
    time_limit: float | None = None,
    gap: float | None = None,
    progress: ProgressArg = None,
) -> pd.DataFrame:
    """Time to survive, loss over the time to recover, and risk exposure index per facility.

    Parameters
    ----------
    network : the network; None for the network the scenario names.
    scenario : optional (a ``Scenario``, a path or a ``CompiledScenario``); its controls' edge
        factors cap the covered edges (its disruptions are not applied: exposure asks what each
        facility's own loss does) and its ``horizon_weeks`` is H.
    facilities : facility ids to evaluate (default: all); an unknown id is an ``InputError``
        with the nearest valid id.
    horizon_weeks : H without a scenario (default 52).
    solver : ``"highs"`` (default), ``"cbc"``, or a PuLP solver object; ``time_limit``
        (seconds per LP) and ``gap`` are passed to it.
    progress : True for a bar on a terminal, or a callable ``progress(done, total)`` called
        after each LP step (2 per facility).

    Returns
    -------
    A DataFrame with one row per facility (table order, or the order given) and columns
    ``facility, recovery_weeks, tts_weeks, lost_output, risk_exposure_index, tts_below_ttr,
    status``. ``tts_weeks`` is in [0, max(H, recovery_weeks)] (weeks); ``lost_output`` is
    final-output value lost in total over ``recovery_weeks`` (0 when the chain survives them);
    ``status`` is "optimal", or the status of the first LP of the facility that did not end
    optimal ("time_limit" when ``time_limit`` stopped it), whose number is then NaN (an empty
    cell in exposure.csv). ``tts_below_ttr`` is a nullable boolean, true exactly when
    ``lost_output`` > 0 (equivalently ``tts_weeks`` < ``recovery_weeks`` − ``TTS_TOLERANCE``);
    when the loss is unknown, from ``tts_weeks``; missing (``pd.NA``, an empty cell) only when
    neither LP ended optimal; a plain boolean column when nothing is missing. ``df.attrs``
    holds ``timings`` (``build_s``: building the model and loading it into the solver,
    ``solve_s``: the solve loop, ``total_s``), ``lps_solved`` (all LPs), ``lps`` (by kind,
    see the module), ``solver``, ``horizon_weeks`` and ``controls`` (true when a scenario's
    controls capped the edges).
    """
    start = time.perf_counter()
    report = progress_callback(progress, "exposure")
    edge_factor = None
    if scenario is not None:
        compiled = prepare(network, scenario, "exposure")
        network, scenario, edge_factor = compiled.network, compiled.scenario, compiled.edge_factor()[0]
    else:
        network = check_network(network, "exposure")
    arr = network.arrays
    positions = _facility_positions(network, facilities)
    horizon = _horizon(scenario, horizon_weeks)
    solver_obj = resolve_solver(solver, time_limit=time_limit, gap=gap)

    model = build_flow_model(network, edge_factor=edge_factor, name="exposure")
    run = ReusableProblem(model.problem, solver_obj, what=f"exposure LP of network '{network.name}'")
    run.build()
    build_s = model.build_seconds + run.build_seconds

    solve_start = time.perf_counter()
    recovery = network.facilities["recovery_weeks"].to_numpy(dtype=float)
    ttr = recovery[positions]
    limit = np.maximum(horizon, ttr)  # the TTS LP's window is searched in [0, max(H, TTR_j)]
    n = len(positions)
    total_steps = 2 * n
    tts = np.full(n, np.nan)
    lost = np.full(n, np.nan)
    status = ["optimal"] * n
    settled = np.zeros(n, dtype=bool)  # TTS known, or its LP tried and failed (status says so)
    lps = {"base": 0, "cover": 0, "tts": 0, "loss": 0}
    steps = 0

    def step(count: int = 1) -> None:
        nonlocal steps
        steps += count
        if report is not None and count:
            report(steps, total_steps)

    def down(j: int, is_down: bool) -> None:
        run.set_bounds([model.production[j]], [0.0], [0.0 if is_down else None])

    def produced() -> np.ndarray:
        """The last solution's x_j of the facilities evaluated (weeks of full production)."""
        return run.values(model.production)[positions]

    def certify(window: float) -> None:
        """Settle every facility not yet settled that the last solution leaves idle at a window
        of at least its limit: its TTS is its limit (see ``exposure``)."""
        idle = ~settled & (produced() <= IDLE_PRODUCTION) & (limit <= window + TTS_TOLERANCE)
        tts[idle] = limit[idle]
        settled[idle] = True
        step(int(idle.sum()))

    # Time to survive: max t in [0, max(H, TTR_j)] with no final-output value lost (l_v = 0 for
    # every final output of value > 0; one of value 0 loses nothing, so it may fall short).
    valued = model.loss_weight > 0
    run.set_bounds(model.lost, [0.0] * len(model.lost), [0.0 if v else None for v in valued.tolist()])
    run.set_objective(model.window_objective(), pulp.LpMaximize)
    run.set_bounds([model.window], [0.0], [float(limit.max(initial=0.0))])
    base = run.solve()  # nothing down: how long the whole chain survives
    lps["base"] += 1
    if n and base.optimal:
        reach = float(run.values([model.window])[0])
        certify(reach)
        # Cover LPs: at each window L the chain survives, the solution idling as many unsettled
        # facilities of limit ≤ L as it can (least total production of them); each settles them.
        for window in sorted({float(v) for v in limit if v <= reach + TTS_TOLERANCE}, reverse=True):
            run.set_bounds([model.window], [window], [window])
            while True:
                open_ = np.flatnonzero(~settled & (limit <= window + TTS_TOLERANCE))
                if not len(open_):
                    break
                idle = pulp.LpAffineExpression([(model.production[positions[i]], 1.0) for i in open_.tolist()])
                run.set_objective(idle, pulp.LpMinimize)
                result = run.solve()
                lps["cover"] += 1
                before = int(settled.sum())
                if result.optimal:
                    certify(window)
                if not result.optimal or int(settled.sum()) == before:
                    break
        run.set_objective(model.window_objective(), pulp.LpMaximize)
    for i, j in enumerate(positions):
        if settled[i]:
            continue
        run.set_bounds([model.window], [0.0], [float(limit[i])])
        down(j, True)
        result = run.solve()
        lps["tts"] += 1
        settled[i] = True
        if result.optimal:
            tts[i] = min(max(float(run.values([model.window])[0]), 0.0), float(limit[i])) + 0.0  # no -0.0
            step()
            certify(float(tts[i]))
        else:
            status[i] = result.status
            step()
        down(j, False)

    # Loss over the time to recover, where the chain does not survive that long: each facility's
    # LP starts from the basis of the loss LP with nothing down over the same window, and a
    # facility that LP leaves idle loses no more than it (the lower bound: nothing more down).
    survives = ~np.isnan(tts) & (ttr <= tts + TTS_TOLERANCE)
    lost[survives] = 0.0
    needs = np.flatnonzero(~survives).tolist()
    step(n - len(needs))
    run.set_bounds(model.lost, [0.0] * len(model.lost), [None] * len(model.lost))
    run.set_objective(model.loss_objective(), pulp.LpMinimize)
    for window in sorted({float(ttr[i]) for i in needs}):
        run.set_bounds([model.window], [window], [window])
        base = run.solve()
        lps["base"] += 1
        basis = run.basis() if base.optimal else None
        group = [i for i in needs if ttr[i] == window]
        if base.optimal and base.objective is not None:
            idle = produced()
            for i in group:
                if idle[i] <= IDLE_PRODUCTION:
                    _settle_loss(i, base.objective, tts, lost, ttr)
                    step()
        for i in group:
            if not np.isnan(lost[i]):
                continue
            j = positions[i]
            down(j, True)
            run.set_basis(basis)
            result = run.solve()
            lps["loss"] += 1
            down(j, False)
            if result.optimal and result.objective is not None:
                _settle_loss(i, result.objective, tts, lost, ttr)
            elif status[i] == "optimal":
                status[i] = result.status
            step()
    solve_s = time.perf_counter() - solve_start

    largest = float(np.nanmax(lost)) if np.isfinite(lost).any() else 0.0
    rei: np.ndarray = lost / largest if largest > 0 else np.where(np.isnan(lost), np.nan, 0.0)
    below = _below(tts, lost, ttr)
    frame = pd.DataFrame(
        {
            "facility": np.asarray(arr.facility_ids, dtype=object)[positions],
            "recovery_weeks": ttr,
            "tts_weeks": tts,
            "lost_output": lost,
            "risk_exposure_index": rei,
            "tts_below_ttr": below,
            "status": status,
        }
    )
    frame.attrs["timings"] = {"build_s": build_s, "solve_s": solve_s, "total_s": time.perf_counter() - start}
    frame.attrs["lps_solved"] = sum(lps.values())
    frame.attrs["lps"] = lps
    frame.attrs["solver"] = run.name
    frame.attrs["horizon_weeks"] = horizon
    frame.attrs["controls"] = edge_factor is not None
    return frame
