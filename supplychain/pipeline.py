"""The whole run behind ``run_scenario.py``: stress, then the analyses, as one call.

``run_scenario`` is what the command line does, available to notebooks: it reads the
scenario (and the network it names) when given paths, runs the static stress and the
analyses of docs/model.md §4, and returns one ``StressResult`` that ``write_reports`` turns
into every report file.
"""

from __future__ import annotations

import os
import sys
import time
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._background import Background
from .analysis import adaptive_stress, chokepoints, concentration
from .analysis import exposure as exposure_table
from .attribution import attribute_compiled
from .backtest import observations
from .montecarlo import monte_carlo
from .progress import ProgressArg, progress_callback
from .scenario import CompiledScenario, Scenario, prepare
from .solvers import available_solvers, get_solver, solver_name
from .stress import stress
from .timeline import timeline as weekly

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from .network import Network
    from .results import StressResult

__all__ = ["run_scenario"]

BACKGROUND_CPUS = 2
"""``run_scenario`` runs the LP loops that do not depend on the optimiser (the world's loss with
nothing done, the adaptive stress, the exposure) in a second process beside it when this many
CPUs are available to it and ``background`` is None (automatic)."""


def _cpus() -> int:
    """CPUs this process may run on (its affinity where the platform tells)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def no_effect(compiled: CompiledScenario) -> list[str]:
    """What in a compiled scenario does nothing: a control that covers no supply edge of the
    network (``items: []``, thresholds no item meets, destinations that buy none of the items,
    ...), a disruption that hits no facility. A run warns of each, since such a rule is more
    often a mistake than an intention."""
    messages = []
    covered = compiled.coverage.sum(axis=1)
    for name, n in zip(compiled.control_names, covered.tolist(), strict=True):
        if n == 0:
            messages.append(
                f"control '{name}' covers no supply edge of network '{compiled.network.name}', so it changes "
                "nothing (check its items, where, destinations/end_users and reach)"
            )
    hit = (compiled.disruption_factor < 1.0).sum(axis=1)
    factor_one = [d.capacity_factor >= 1.0 for d in compiled.scenario.disruptions]
    for label, n, whole in zip(compiled.disruption_labels, hit.tolist(), factor_one, strict=True):
        if n == 0:
            why = "its capacity_factor is 1" if whole else "no facility matches all its selectors"
            messages.append(f"disruption '{label}' hits no facility ({why}), so it changes nothing")
    for label, shock in zip(compiled.disruption_labels, compiled.scenario.disruptions, strict=True):
        if shock.ramp_weeks and shock.weeks is None:
            messages.append(
                f"disruption '{label}' has ramp_weeks {shock.ramp_weeks} but no weeks: it lasts to the end of the "
                "horizon, so it never ramps back (give weeks, its duration)"
            )
    return messages


def _attach_backtest(
    result: StressResult,
    compiled: CompiledScenario,
    steps: Any,
    network: Network,
    solver: Any,
    time_limit: float | None,
    gap: float | None,
) -> None:
    """backtest.csv of a run: the observations against the static, weekly and (when an
    observation needs it) adaptive availability; the adaptive stress is solved here when the
    run's analyses did not."""
    alpha = result.facilities["availability"].to_numpy(dtype=float)
    adaptive = None
    if compiled.scenario.observations_need_adaptive:
        if "availability_adaptive" in result.facilities.columns:
            adaptive = result.facilities["availability_adaptive"].to_numpy(dtype=float)
        else:
            adaptive = adaptive_stress(network, compiled, solver=solver, time_limit=time_limit, gap=gap).availability
    result.backtest = observations(compiled, alpha, None if steps is None else steps.availability.to_numpy(), adaptive)


def run_scenario(
    network: Network | None,
    scenario: Scenario | CompiledScenario | str | Path,
    *,
    analyses: bool = True,
    exposure: bool = True,
    exposure_controls: bool = False,
    solver: str | None = None,
    time_limit: float | None = None,
    gap: float | None = None,
    samples: int | None = None,
    seed: int | None = None,
    workers: int = 1,
    dask: str | None = None,
    progress: ProgressArg = False,
    optimise: bool = True,
    engine: str = "auto",
    timeline: bool | None = None,
    budgets: Sequence[float] | None = None,
    background: bool | None = None,
) -> StressResult:
    """Stress a network with a scenario and run the risk analyses on it.

    ``network`` None means the network the scenario names; ``scenario`` is a ``Scenario``,
    the path of its YAML file, or a ``CompiledScenario``. The scenario is compiled once and
    the compiled form handed to every step. With ``analyses`` (default) the result also
    carries ``concentration``, ``chokepoints``, the adaptive stress (``availability_adaptive``
    in ``facilities``, ``lost_output_adaptive`` in ``summary``) and, with ``exposure``
    (default), the ``exposure`` table: each facility down alone, no other disruption, over the
    scenario's horizon (docs/model.md §4); no control applies unless ``exposure_controls`` is
    true, when the scenario's controls cap the edges they cover (their horizon-mean edge
    factors, as ``sc.exposure(network, scenario)``; run.json then says so). ``solver`` ("highs" default,
    "cbc"), ``time_limit`` (seconds per LP) and ``gap`` go to the LPs. When the scenario has a
    ``monte_carlo`` block or ``samples`` is given, the Monte Carlo stress runs too (``seed``,
    ``workers``, ``dask`` and ``engine`` as in ``monte_carlo``): the result gains
    ``monte_carlo`` (the monte_carlo.csv table), per-facility ``mc_availability_mean`` and
    ``mc_p_lose_half`` columns and distribution metrics in ``summary``. ``progress`` True draws
    progress bars on a terminal (or pass a callable, see ``progress.ProgressArg``). When the
    scenario has an ``optimise`` block (and ``optimise`` is true) the strategy optimiser runs
    too (with ``solver``, ``time_limit``, ``gap``, ``samples``, ``seed`` and ``budgets``, the
    frontier's budgets, default the scenario's ``optimise.budgets``): the result gains
    ``strategy`` and ``frontier`` tables, ``availability_after`` per facility and
    ``cost``/``expected_lost_output_before``/``_after`` in ``summary``. With ``timeline``
    True, or None and ``timeline: true`` in the scenario, the scenario is also stepped week by
    week (``sc.timeline``, docs/model.md §3.3): the result gains the ``timeline`` table
    (timeline.csv), ``availability_timeline`` and ``worst_week`` per facility and the weekly
    headline metrics in ``summary``; the Shapley attribution (limiting control and cause, the
    attributed columns of ``controls`` and ``disruptions``) is then of the timeline's mean
    weekly loss instead of the static loss (docs/model.md §3.4). A scenario with an ``observed:`` block (a backtest,
    docs/model.md §8) also gets the ``backtest`` table (backtest.csv), and the timeline runs
    whenever one of its metrics needs it. ``background`` True runs, in a second process
    (``_background.Background``) while this one runs the optimiser and the other analyses:
    with a consortium (and HiGHS) the world's loss with nothing done over the verification's
    samples (``optimise.verify.world_before``, handed to the optimiser's verification), the
    adaptive stress (unless a backtest needs it first) and the exposure LPs; False runs them
    here; None (default) in the background when the optimiser runs and at least
    ``BACKGROUND_CPUS`` CPUs are available. The results are the same either way; run.json's
    ``world_before_s``, ``adaptive_s`` and ``exposure_s`` are their time in whichever process
    ran them and, in the background, ``background_wait_s`` the time the run waited for them.

    >>> import supplychain as sc
    >>> res = sc.run_scenario(None, "scenarios/tiny-export-controls.yaml")
    >>> res.chokepoints.head(1)["rank"].reset_index().values.tolist()
    [['facility', 'amat', 1]]
    """
    t0 = time.perf_counter()
    compiled = prepare(network, scenario, "run_scenario")
    network, scen = compiled.network, compiled.scenario
    compile_s = time.perf_counter() - t0
    for message in no_effect(compiled):
        warnings.warn(message, UserWarning, stacklevel=2)
    result = stress(network, compiled)
    result.timings["compile_s"] = compile_s
    steps = None
    wants_timeline = bool(timeline or (timeline is None and scen.timeline))
    if wants_timeline or scen.observations_need_timeline:
        t0 = time.perf_counter()
        steps = weekly(network, compiled)
        result.attach_timeline(steps)
        result.timings["timeline_s"] = time.perf_counter() - t0
    if wants_timeline:  # the attribution is of the timeline's loss (docs/model.md §3.4)
        t0 = time.perf_counter()
        result.attach_attribution(attribute_compiled(compiled, basis="timeline"))
        result.timings["attribution_timeline_s"] = time.perf_counter() - t0
    if scen.observed and not (scen.observations_need_adaptive and analyses):
        _attach_backtest(result, compiled, steps, network, solver, time_limit, gap)
    if dask is not None and scen.monte_carlo is None and samples is None:
        warnings.warn(
            "dask is unused: the scenario has no monte_carlo block and no samples were given", UserWarning, stacklevel=2
        )
    if scen.monte_carlo is not None or samples is not None:
        t0 = time.perf_counter()
        mc = monte_carlo(
            network,
            compiled,
            samples=samples,
            seed=seed,
            workers=workers,
            dask=dask,
            progress=progress_callback(progress, "monte carlo"),
            engine=engine,
        )
        result.attach_monte_carlo(mc)
        result.timings.update(mc.timings)
        result.timings["monte_carlo_s"] = time.perf_counter() - t0
    exposure_arguments: dict[str, Any] = {
        "network": network,
        "scenario": compiled if exposure_controls else None,
        "horizon_weeks": None if exposure_controls else scen.horizon_weeks,
        "solver": solver,
        "time_limit": time_limit,
        "gap": gap,
    }
    if background is None:
        # (an embedded interpreter may have no executable to start a second one with)
        background = optimise and scen.optimise is not None and _cpus() >= BACKGROUND_CPUS and bool(sys.executable)
    tasks: dict[str, dict[str, Any]] = {}
    consortium = optimise and scen.optimise is not None and scen.optimise.consortium is not None
    if background and consortium and "highs" in available_solvers():  # the verification's LPs, in place
        tasks["world_before"] = {"network": network, "scenario": compiled, "samples": samples, "seed": seed}
    if analyses and background:
        if not (scen.observed and scen.observations_need_adaptive):  # else the backtest needs it here
            tasks["adaptive"] = {
                "network": network,
                "scenario": compiled,
                "solver": solver,
                "time_limit": time_limit,
                "gap": gap,
            }
        if exposure:
            tasks["exposure"] = exposure_arguments
    job = Background(tasks) if tasks else None
    try:
        _main_steps(
            result,
            network,
            compiled,
            steps,
            analyses,
            optimise,
            solver,
            time_limit,
            gap,
            samples,
            seed,
            progress,
            budgets,
            adaptive="adaptive" not in tasks,
            world_before=(lambda: job.get("world_before")) if job is not None and "world_before" in tasks else None,
        )
        if job is not None:
            values = job.result(progress_callback(progress, "exposure") if "exposure" in tasks else None)
            if "adaptive" in values:
                result.attach_adaptive(values["adaptive"])
            if "exposure" in values:
                result.exposure = values["exposure"]
            result.timings.update({f"{name}_s": seconds for name, seconds in job.seconds.items()})
            result.timings["background_wait_s"] = job.waited
        if analyses and exposure and "exposure" not in tasks:
            t0 = time.perf_counter()
            result.exposure = exposure_table(**exposure_arguments, progress=progress_callback(progress, "exposure"))
            result.timings["exposure_s"] = time.perf_counter() - t0
        if analyses and exposure:
            result.extras["exposure_controls"] = exposure_controls
    finally:
        if job is not None:
            job.cancel()
    result.extras["solver"] = solver_name(get_solver(solver))
    return result


def _main_steps(
    result: StressResult,
    network: Network,
    compiled: CompiledScenario,
    steps: Any,
    analyses: bool,
    optimise: bool,
    solver: str | None,
    time_limit: float | None,
    gap: float | None,
    samples: int | None,
    seed: int | None,
    progress: ProgressArg,
    budgets: Sequence[float] | None,
    *,
    adaptive: bool = True,
    world_before: Callable[[], Any] | None = None,
) -> None:
    """The steps of ``run_scenario`` after the Monte Carlo stress, in this process: the
    optimiser (``world_before``: the background's world loss with nothing done, for its
    verification), concentration, chokepoints, the adaptive stress (unless ``adaptive`` is
    False: it runs in the background) and the backtest that needs it."""
    scen = compiled.scenario
    if optimise and scen.optimise is not None:
        from .optimise import optimise as optimise_strategy

        t0 = time.perf_counter()
        strategy = optimise_strategy(
            network,
            scen,
            solver=solver,
            time_limit=time_limit,
            gap=gap,
            samples=samples,
            seed=seed,
            progress=progress_callback(progress, "optimise"),
            budgets=budgets,
            world_before=world_before,
        )
        result.attach_strategy(strategy)
        result.timings["optimise_s"] = time.perf_counter() - t0
        result.extras["solver"] = solver_name(get_solver(solver))
    if not analyses:
        return
    t0 = time.perf_counter()
    result.concentration = concentration(network)
    result.timings["concentration_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    result.chokepoints = chokepoints(network, compiled, progress=progress_callback(progress, "chokepoints"))
    result.timings["chokepoints_s"] = time.perf_counter() - t0
    if adaptive:
        t0 = time.perf_counter()
        result.attach_adaptive(adaptive_stress(network, compiled, solver=solver, time_limit=time_limit, gap=gap))
        result.timings["adaptive_s"] = time.perf_counter() - t0
    if scen.observed and scen.observations_need_adaptive:
        _attach_backtest(result, compiled, steps, network, solver, time_limit, gap)
