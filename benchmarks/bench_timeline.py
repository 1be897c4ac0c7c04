"""Benchmark the week-by-week engine ``supplychain.weekly.timeline`` (see ``benchmarks/README.md``).

    python benchmarks/bench_timeline.py [--facilities N] [--supplies M] [--weeks 52 520]
                                        [--engines numpy numba] [--repeat R] [--seed S]

On ``generate.py``'s network and the five controls of its scenario, given timing: each control
starts in a different week and steps its covered edges 1 → 0 → licence approval after a
licence delay (two are lifted later), and the disruption
(the largest foundry country's foundries at capacity 0) lasts 6 weeks and ramps back linearly
over 10 (docs/model.md §3.1). Variants: ``controls only`` drops the disruption; ``spread ×10`` (520
weeks) multiplies every week number by ten (a ramp of 100 weekly steps). Measured per horizon,
variant and engine, best of R:

* ``timeline_s``: ``timeline`` with skipping (the default path), best of R; ``first_s`` the
  first call of the row (cold caches, fresh output pages);
* ``every_week_s``: the same with ``skip=False`` (every facility every week: the baseline the
  skipping is measured against; numpy only);
* ``propagate_s``: one static ``stress.propagate`` of the same scenario (its horizon-mean
  factors, docs/model.md §3.2, and stock_weeks / H), measured in the same run, interleaved with the
  timeline runs so that machine load hits both alike;
* ``ratio``: timeline_s / propagate_s;
* ``peak_tracemalloc_MiB`` / ``peak_rss_MiB``: peak Python-tracked allocation of one timeline
  call (a separate, traced call) and the growth of the process's peak RSS during the first
  call (the kernel's peak mark reset just before, as in ``bench_stress.py``; 0 when the call
  fits in memory the allocator kept from earlier rows).

End to end, per horizon and variant (a second table), alternately and best of R:

* ``stress_s``: one ``sc.stress(network, scenario)``, the user-facing static stress (it compiles
  the scenario and builds the result tables); ``compile_s``: ``sc.compile_scenario`` alone;
* ``timeline_e2e_s``: one ``sc.timeline(network, scenario)``, when the package has it (the
  end-to-end timeline is being added with that signature), on the same scenario given the
  timing above in the SPEC's field names (``timed_scenario``); its ratio is
  timeline_e2e_s / stress_s. Until the scenario model accepts those fields, ``sc.stress`` runs
  ``generate_scenario``'s untimed scenario over the same horizon and the table says so.

Target at 10 000 facilities / 100 000 supplies, 52 weeks: timeline ≤ 2 s and ≤ 10 × one static
stress measured in the same run. Two baselines are reported, never mixed in one ratio: the
engine ``timeline`` against ``propagate`` (engine against engine: the strict one), and
``sc.timeline`` against ``sc.stress`` (user call against user call).
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import re
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any

import numpy as np

sys.path[:0] = [str(Path(__file__).resolve().parents[1]), str(Path(__file__).resolve().parent)]

from bench_stress import _maxrss_mib, _reset_peak_rss, _rss_mib  # noqa: E402
from generate import generate_network, generate_scenario, scenario_dict  # noqa: E402

import supplychain as sc  # noqa: E402
from supplychain.stress import propagate  # noqa: E402
from supplychain.weekly import WeekFactors, timeline  # noqa: E402

MIB = 1024.0 * 1024.0
TARGET_SECONDS = 2.0
TARGET_RATIO = 10.0
TARGET_SIZE = (10_000, 100_000)

TIMING: dict[str, tuple[int, int, float | None, int | None]] = {
    # control: (start_week, licence_delay_weeks, licence_approval (None: the scenario's), end_week)
    "us-advanced-computing": (2, 8, 0.25, None),
    "nl-jp-lithography": (6, 12, None, None),
    "us-sme-de-minimis": (10, 4, None, None),
    "us-entity-list": (14, 6, 0.5, 40),
    "chn-gallium-germanium": (20, 3, None, 30),
}
DISRUPTION = (8, 6, 10)
"""(start_week, weeks, ramp_weeks) of the scenario's disruption (capacity factor 0)."""


def control_factor(covered: np.ndarray, start: int, delay: int, approval: float, end: int | None) -> WeekFactors:
    """a_c(t) on the edges control c covers (docs/model.md §3.1): 1 before ``start``, 0 for ``delay``
    weeks, then ``approval``; 1 again from ``end``."""
    points = {0: 1.0, start: 0.0 if delay else approval}
    if delay:
        points[start + delay] = approval
    if end is not None:
        points = {w: v for w, v in points.items() if w < end} | {end: 1.0}
    weeks, values = sorted(points), [points[w] for w in sorted(points)]
    rows = np.ones((len(weeks), len(covered)))
    rows[:, covered] = np.array(values)[:, None]
    return WeekFactors(np.array(weeks), rows)


def disruption_factor(hit: np.ndarray, start: int, weeks: int, ramp: int, capacity_factor: float = 0.0) -> WeekFactors:
    """o_d(t) on the facilities hit (docs/model.md §3.1): ``capacity_factor`` for ``weeks`` weeks from
    ``start``, then cf + (1 − cf) · j / (ramp + 1) in the j-th week after, then 1."""
    starts = [0, start] + [start + weeks + j - 1 for j in range(1, ramp + 1)] + [start + weeks + ramp]
    values = [1.0, capacity_factor]
    values += [capacity_factor + (1 - capacity_factor) * j / (ramp + 1) for j in range(1, ramp + 1)]
    values.append(1.0)
    rows = np.ones((len(starts), len(hit)))
    rows[:, hit] = np.array(values)[:, None]
    return WeekFactors(np.array(starts), rows)


def week_factors(compiled: Any, scale: int, disrupted: bool = True) -> tuple[WeekFactors, WeekFactors]:
    """The benchmark's edge and own factors, every week number multiplied by ``scale``; without
    the disruption when ``disrupted`` is False."""
    n_edges = compiled.coverage.shape[1]
    edge = WeekFactors.ones(n_edges)
    for c, name in enumerate(compiled.control_names):
        start, delay, approval, end = TIMING.get(name, (4 + 3 * c, 4, None, None))
        approval = float(compiled.approval[c]) if approval is None else approval
        edge = edge * control_factor(
            compiled.coverage[c], start * scale, delay * scale, approval, None if end is None else end * scale
        )
    if not disrupted:
        return edge, WeekFactors.ones(compiled.disruption_factor.shape[1])
    start, weeks, ramp = DISRUPTION
    own = disruption_factor(compiled.disruption_factor[0] < 1.0, start * scale, weeks * scale, ramp * scale)
    return edge, own


def timed_scenario(net: Any, weeks: int, scale: int, disrupted: bool, seed: int = 0) -> dict[str, Any]:
    """``generate_scenario``'s scenario as a dict with the timing of ``week_factors`` in the SPEC
    §2 field names (controls: ``start_week``, ``licence_delay_weeks``, ``end_week``; the
    disruption: ``start_week``, ``weeks``, ``ramp_weeks``), every week number × ``scale``, over a
    horizon of ``weeks``; without the disruption when ``disrupted`` is False."""
    data = scenario_dict(net.facilities, net.items, 5, seed, getattr(net, "name", None))
    data["horizon_weeks"] = weeks
    for c, control in enumerate(data["controls"]):
        start, delay, approval, end = TIMING.get(control["name"], (4 + 3 * c, 4, None, None))
        control |= {"start_week": start * scale, "licence_delay_weeks": delay * scale}
        control["end_week"] = None if end is None else end * scale
        if approval is not None:
            control["licence_approval"] = approval
    if disrupted:
        start, length, ramp = DISRUPTION
        data["disruptions"][0] |= {"start_week": start * scale, "weeks": length * scale, "ramp_weeks": ramp * scale}
    else:
        data["disruptions"] = []
    return data


def _best(fn: Any, repeat: int) -> tuple[float, Any]:
    best, out = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


VARIANTS = {"timed": (1, True), "spread ×10": (10, True), "controls only": (1, False)}
"""Scenario variants: (factor on every week number, with the disruption)."""


def measure(arr: Any, compiled: Any, weeks: int, variant: str, engine: str, repeat: int) -> dict[str, Any]:
    """One row of the table."""
    plan, stock = arr.plan, arr.stock_weeks
    scale, disrupted = VARIANTS[variant]
    edge, own = week_factors(compiled, scale, disrupted)
    edge_mean, own_mean = edge.mean(weeks)[None, :], own.mean(weeks)[None, :]
    row: dict[str, Any] = {"weeks": weeks, "variant": variant, "engine": engine}
    row["changes"] = (edge.stretches, own.stretches)

    def run() -> Any:
        return timeline(plan, edge, own, stock, weeks, engine=engine)

    def static() -> Any:
        return propagate(plan, edge_mean, own_mean, stock / weeks)

    # first call, with the peak-RSS growth it causes
    gc.collect()
    rss_before, maxrss_before = _rss_mib(), _maxrss_mib()
    exact = _reset_peak_rss()
    t0 = time.perf_counter()
    result = run()
    row["first_s"] = time.perf_counter() - t0
    row["peak_rss_MiB"] = max(0.0, _maxrss_mib() - (rss_before if exact else maxrss_before))
    row["rss_exact"] = exact
    del result
    gc.collect()

    # interleaved: timeline and propagate alternately, best of each
    timeline_s, propagate_s = float("inf"), float("inf")
    result = None
    for _ in range(repeat):
        t, result = _best(run, 1)
        timeline_s = min(timeline_s, t)
        propagate_s = min(propagate_s, _best(static, 5)[0])
    row["timeline_s"], row["propagate_s"] = timeline_s, propagate_s
    assert result is not None
    row["evaluated_weeks"] = result.evaluated_weeks
    row["evaluations"] = result.evaluations
    row["network_equivalents"] = result.evaluations / arr.n_facilities
    row["mean_availability"] = float(result.alpha.mean())
    if engine == "numpy":
        row["every_week_s"], every = _best(
            lambda: timeline(plan, edge, own, stock, weeks, engine=engine, skip=False), max(1, repeat // 2)
        )
        row["bitwise_equal"] = bool(np.array_equal(every.alpha, result.alpha))
        del every
    del result
    gc.collect()

    tracemalloc.start()
    tracemalloc.reset_peak()
    base, _ = tracemalloc.get_traced_memory()
    run()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    row["peak_tracemalloc_MiB"] = (peak - base) / MIB
    return row


def measure_e2e(net: Any, weeks: int, variant: str, repeat: int, seed: int = 0) -> dict[str, Any]:
    """One row of the end-to-end table: ``sc.stress(net, scenario)`` (compiles the scenario and
    builds the result tables), and ``sc.timeline(net, scenario)`` when the package has it,
    alternately, best of each; ``compile_s``: ``sc.compile_scenario`` alone, for the split.
    The scenario is the timed one (``timed_scenario``) when the package's scenario model accepts
    the timing fields, else ``generate_scenario``'s untimed one over the same horizon (noted in
    the row as ``scenario_kind``)."""
    scale, disrupted = VARIANTS[variant]
    row: dict[str, Any] = {"weeks": weeks, "variant": variant}
    try:
        scenario = sc.Scenario.model_validate(timed_scenario(net, weeks, scale, disrupted, seed))
        row["scenario_kind"] = "timed"
    except sc.InputError as error:
        if hasattr(sc, "timeline"):
            raise  # an end-to-end timeline needs the timing fields
        data = scenario_dict(net.facilities, net.items, 5, seed, getattr(net, "name", None)) | {"horizon_weeks": weeks}
        if not disrupted:
            data["disruptions"] = []
        scenario = sc.Scenario.model_validate(data)
        row["scenario_kind"] = "untimed"
        row["timing_refused"] = sorted(set(re.findall(r"unknown key '(\w+)'", str(error))))
    row["compile_s"] = _best(lambda: sc.compile_scenario(net, scenario), repeat)[0]
    stress_s, timeline_s = float("inf"), float("inf")
    for _ in range(repeat):
        stress_s = min(stress_s, _best(lambda: sc.stress(net, scenario), 1)[0])
        if hasattr(sc, "timeline"):
            timeline_s = min(timeline_s, _best(lambda: sc.timeline(net, scenario), 1)[0])
    row["stress_s"] = stress_s
    row["timeline_e2e_s"] = timeline_s if hasattr(sc, "timeline") else None
    gc.collect()
    return row


def e2e_table(rows: list[dict[str, Any]], size: tuple[int, int]) -> str:
    head = (
        "| scenario | weeks | scenario given | compile_s | stress_s | timeline_e2e_s | timeline_e2e / stress "
        "| target (52 weeks) |"
    )
    lines = [head, "|---|---:|---|---:|---:|---:|---:|:---:|"]
    for r in rows:
        e2e = r["timeline_e2e_s"]
        ratio = None if e2e is None else e2e / r["stress_s"]
        if r["weeks"] != 52 or r["variant"] != "timed" or size != TARGET_SIZE:
            verdict = "n/a"
        elif ratio is None:
            verdict = "not measurable yet (no sc.timeline)"
        else:
            verdict = "met" if e2e <= TARGET_SECONDS and ratio <= TARGET_RATIO else "**missed**"
        lines.append(
            f"| {r['variant']} | {r['weeks']} | {r['scenario_kind']} | {r['compile_s']:.3f} | {r['stress_s']:.3f} "
            f"| {'—' if e2e is None else f'{e2e:.3f}'} | {'—' if ratio is None else f'{ratio:.1f}×'} | {verdict} |"
        )
    return "\n".join(lines)


def table(rows: list[dict[str, Any]], size: tuple[int, int]) -> str:
    head = (
        "| scenario | weeks | engine | timeline_s | first_s | every_week_s | propagate_s | ratio | evaluated weeks "
        "| network evaluations | peak_tracemalloc_MiB | peak_rss_MiB | target (52 weeks) |"
    )
    lines = [head, "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|:---:|"]
    for r in rows:
        ratio = r["timeline_s"] / r["propagate_s"]
        if r["weeks"] != 52 or r["variant"] != "timed" or size != TARGET_SIZE:
            verdict = "n/a"
        elif r["timeline_s"] <= TARGET_SECONDS and ratio <= TARGET_RATIO:
            verdict = "met"
        else:
            verdict = f"**missed** ({ratio:.1f}×)" if r["timeline_s"] <= TARGET_SECONDS else "**missed**"
        every = f"{r['every_week_s']:.3f}" if "every_week_s" in r else "—"
        rss = f"{r['peak_rss_MiB']:.0f}" if r["rss_exact"] else f"≥ {r['peak_rss_MiB']:.0f}"
        lines.append(
            f"| {r['variant']} | {r['weeks']} | {r['engine']} | {r['timeline_s']:.3f} | {r['first_s']:.3f} "
            f"| {every} | {r['propagate_s']:.4f} | {ratio:.1f}× | {r['evaluated_weeks']} "
            f"| {r['network_equivalents']:.1f} | {r['peak_tracemalloc_MiB']:.0f} | {rss} | {verdict} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark supplychain.weekly.timeline on a synthetic network.")
    parser.add_argument("--facilities", type=int, default=10_000)
    parser.add_argument("--supplies", type=int, default=100_000)
    parser.add_argument("--weeks", type=int, nargs="+", default=[52, 520])
    parser.add_argument("--engines", nargs="+", default=["numpy", "numba"], choices=["numpy", "numba"])
    parser.add_argument("--repeat", type=int, default=7, help="timed repetitions, best kept (7)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    net = generate_network(args.facilities, args.supplies, args.seed)
    compiled = sc.compile_scenario(net, generate_scenario(net, 5, args.seed))
    arr = net.arrays
    print(
        f"python {platform.python_version()}, numpy {np.__version__}, {platform.machine()}, "
        f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}; "
        f"{arr.n_facilities:,} facilities, {arr.n_edges:,} supplies, {arr.n_recipes:,} recipes, "
        f"{len(arr.plan.blocks)} blocks, {arr.plan.cyclic_facilities} facilities in cycles"
    )
    engines = list(args.engines)
    if "numba" in engines:
        try:
            t0 = time.perf_counter()
            from supplychain.weekly import _kernels

            _kernels()
            tiny = timeline(
                arr.plan,
                WeekFactors.ones(arr.n_edges),
                WeekFactors.ones(arr.n_facilities),
                arr.stock_weeks,
                1,
                engine="numba",
            )
            del tiny
            print(f"numba: import, compile or load from cache and a first call: {time.perf_counter() - t0:.2f} s")
        except sc.InputError as error:
            print(f"numba engine skipped: {error}")
            engines.remove("numba")

    rows, e2e_rows = [], []
    for weeks in args.weeks:
        variants = ["timed", "controls only"] + (["spread ×10"] if weeks >= 520 else [])
        for variant in variants:
            e2e_rows.append(measure_e2e(net, weeks, variant, args.repeat, args.seed))
            r = e2e_rows[-1]
            print(
                f"  {weeks} weeks, {variant}, end to end ({r['scenario_kind']} scenario): "
                f"sc.stress {r['stress_s']:.3f} s"
                + ("" if r["timeline_e2e_s"] is None else f", sc.timeline {r['timeline_e2e_s']:.3f} s")
            )
            for engine in engines:
                rows.append(measure(arr, compiled, weeks, variant, engine, args.repeat))
                r = rows[-1]
                print(
                    f"  {weeks} weeks, {variant}, {engine}: {r['timeline_s']:.3f} s "
                    f"(first {r['first_s']:.3f} s), changes {r['changes']}, "
                    f"mean availability {r['mean_availability']:.4f}"
                    + (f", skip == every week bitwise: {r['bitwise_equal']}" if "bitwise_equal" in r else "")
                )
    print(f"process peak RSS (network generation included): {_maxrss_mib():.0f} MiB")
    print()
    print(table(rows, (args.facilities, args.supplies)))
    print()
    if not hasattr(sc, "timeline"):
        print("sc.timeline does not exist yet: the end-to-end table has sc.stress only.")
    refused = sorted({key for r in e2e_rows for key in r.get("timing_refused", ())})
    if refused:
        print(
            "this package's scenario model does not accept the timing fields yet "
            f"(unknown keys: {', '.join(refused)}): "
            "sc.stress ran generate_scenario's untimed scenario over the same horizon"
        )
    print(e2e_table(e2e_rows, (args.facilities, args.supplies)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
