"""Benchmark the flow LP: exposure for every facility, and adaptive stress (see README.md).

    python benchmarks/bench_exposure.py [--solver highs|cbc] [--facilities N] [--compare K]
                                        [--scenario PATH] [--large] [--profile]

1. **Exposure** on the bundled ``semiconductors`` network (326 facilities, 7 498 supply
   edges), every facility (or the first N): facilities, LPs solved, build_s (building the
   PuLP model and loading it into the solver), solve_s (the solve loop), total_s and the build
   share. Target: total ≤ 60 s on 2 cores with building ≤ 25 % of it.
2. **Re-use strategies** on the first K facilities' time-to-survive LPs (``--compare``,
   default 20, 0 to skip), per LP: (a) rebuild the PuLP model for each LP and solve it;
   (b) one PuLP model, change the bound, ``problem.solve`` (PuLP reloads the whole model
   into the solver each time); (c) one model loaded into HiGHS once, the bound changed in
   place and re-solved from the previous basis (what ``exposure`` does with HiGHS).
3. **Adaptive stress** (loss LP, the max-min rounds of the fair stage, the production LP) on
   ``semiconductors`` under a bundled scenario, and (``--large``) on
   the generated 10 000-facility / 100 000-supply network with its 5-control scenario.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import platform
import pstats
import sys
import time
from pathlib import Path
from typing import Any

import pulp

# Benchmark the source tree this file belongs to (and import generate.py next to it).
sys.path[:0] = [str(Path(__file__).resolve().parents[1]), str(Path(__file__).resolve().parent)]

from generate import generate_network, generate_scenario  # noqa: E402

import supplychain as sc  # noqa: E402
from supplychain.analysis.exposure import exposure  # noqa: E402
from supplychain.analysis.flow import adaptive_stress, build_flow_model  # noqa: E402
from supplychain.solvers import ReusableProblem, get_solver, solve  # noqa: E402

TARGET_SECONDS = 60.0
TARGET_BUILD_SHARE = 0.25
ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SCENARIO = ROOT / "scenarios" / "us-2022-10-advanced-computing.yaml"


def _table(rows: list[dict[str, Any]]) -> str:
    """A GitHub-markdown table of ``rows`` (dicts with the same keys)."""
    keys = list(rows[0])
    cells = [[str(r[k]) for k in keys] for r in rows]
    lines = ["| " + " | ".join(keys) + " |", "|" + "|".join("---:" for _ in keys) + "|"]
    lines += ["| " + " | ".join(c) + " |" for c in cells]
    return "\n".join(lines)


def bench_exposure(net: sc.Network, solver: str, n: int | None) -> dict[str, Any]:
    ids = net.facilities["id"].tolist()[:n] if n else None
    start = time.perf_counter()
    frame = exposure(net, facilities=ids, solver=solver)
    wall = time.perf_counter() - start
    t = frame.attrs["timings"]
    share = t["build_s"] / t["total_s"]
    verdict = "n/a"
    if ids is None:
        verdict = "met" if t["total_s"] <= TARGET_SECONDS and share <= TARGET_BUILD_SHARE else "MISSED"
    statuses = frame["status"].value_counts().to_dict()
    return {
        "solver": solver,
        "facilities": len(frame),
        "LPs solved": frame.attrs["lps_solved"],
        "build_s": f"{t['build_s']:.3f}",
        "solve_s": f"{t['solve_s']:.2f}",
        "total_s": f"{t['total_s']:.2f}",
        "build share": f"{100 * share:.1f} %",
        "wall_s": f"{wall:.2f}",
        "statuses": ", ".join(f"{k} {v}" for k, v in statuses.items()),
        "target ≤ 60 s, build ≤ 25 %": verdict,
    }


def bench_strategies(net: sc.Network, k: int) -> list[dict[str, Any]]:
    """Per-LP time of three ways to solve the time-to-survive LP for k facilities."""
    horizon = 52.0
    positions = range(min(k, net.arrays.n_facilities))
    rows = []

    def tts_setup(model: Any) -> None:
        for loss in model.lost:
            loss.upBound = 0.0
        model.window.upBound = horizon
        model.problem.setObjective(model.window_objective())
        model.problem.sense = pulp.LpMaximize

    # (a) a new model per LP
    start, build, values = time.perf_counter(), 0.0, []
    for j in positions:
        t0 = time.perf_counter()
        model = build_flow_model(net)
        tts_setup(model)
        model.production[j].upBound = 0.0
        build += time.perf_counter() - t0
        values.append(solve(model.problem, get_solver("highs")).objective)
    total = time.perf_counter() - start
    rows.append(
        {
            "strategy": "(a) rebuild the PuLP model per LP",
            "LPs": len(values),
            "per LP ms": f"{1000 * total / len(values):.1f}",
            "of which building ms": f"{1000 * build / len(values):.1f}",
        }
    )
    reference = values

    # (b) one PuLP model, bounds changed, problem.solve each time (PuLP reloads it into HiGHS)
    model = build_flow_model(net)
    tts_setup(model)
    start, values = time.perf_counter(), []
    for j in positions:
        model.production[j].upBound = 0.0
        values.append(solve(model.problem, get_solver("highs")).objective)
        model.production[j].upBound = None
    total = time.perf_counter() - start
    rows.append(
        {
            "strategy": "(b) one PuLP model, problem.solve per LP",
            "LPs": len(values),
            "per LP ms": f"{1000 * total / len(values):.1f}",
            "of which building ms": "(inside solve)",
        }
    )
    assert max(abs(a - b) for a, b in zip(values, reference, strict=True)) < 1e-6

    # (c) one model loaded into HiGHS once, changed in place, warm re-solve
    model = build_flow_model(net)
    run = ReusableProblem(model.problem, get_solver("highs"))
    run.set_bounds(model.lost, [0.0] * len(model.lost), [0.0] * len(model.lost))
    run.set_bounds([model.window], [0.0], [horizon])
    run.set_objective(model.window_objective(), pulp.LpMaximize)
    run.build()
    start, values = time.perf_counter(), []
    for j in positions:
        run.set_bounds([model.production[j]], [0.0], [0.0])
        values.append(run.solve().objective)
        run.set_bounds([model.production[j]], [0.0], [None])
    total = time.perf_counter() - start
    rows.append(
        {
            "strategy": "(c) HiGHS model kept, bounds changed in place (exposure)",
            "LPs": len(values),
            "per LP ms": f"{1000 * total / len(values):.1f}",
            "of which building ms": f"{1000 * (model.build_seconds + run.build_seconds) / len(values):.1f} "
            "(once, spread)",
        }
    )
    assert max(abs(a - b) for a, b in zip(values, reference, strict=True)) < 1e-6
    return rows


def bench_adaptive(label: str, net: sc.Network, scenario: sc.Scenario, solver: str) -> dict[str, Any]:
    start = time.perf_counter()
    result = adaptive_stress(net, scenario, solver=solver)
    total = time.perf_counter() - start
    static = sc.stress(net, scenario)
    arr = net.arrays
    alpha = static.facilities["availability"].to_numpy()
    static_loss = float(((arr.value * arr.capacity * (1 - alpha))[arr.is_final]).sum())
    first, second = result.solve, result.production_solve
    return {
        "network": label,
        "facilities": arr.n_facilities,
        "edges": arr.n_edges,
        "solver": solver,
        "build_s": f"{result.timings['build_s']:.2f}",
        "loss LP s": f"{first.seconds:.2f}",
        "fair LPs s (rounds)": f"{result.timings.get('fairness_s', 0.0):.2f} ({result.fairness_rounds})",
        "production LP s": "-" if second is None else f"{second.seconds:.2f}",
        "total_s": f"{total:.2f}",
        "status": f"{first.status}/{second.status if second else '-'}",
        "adaptive loss /wk": f"{result.lost_output:.6g}",
        "static loss /wk": f"{static_loss:.6g}",
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--solver", default="highs", help="highs (default) or cbc")
    parser.add_argument("--facilities", type=int, default=None, help="only the first N facilities (default all)")
    parser.add_argument("--compare", type=int, default=20, help="facilities for the re-use comparison (0: skip)")
    parser.add_argument("--scenario", type=Path, default=DEFAULT_SCENARIO, help="scenario for adaptive stress")
    parser.add_argument("--large", action="store_true", help="also adaptive stress on 10 000 facilities")
    parser.add_argument("--profile", action="store_true", help="cProfile the exposure run (top 15)")
    args = parser.parse_args(argv)

    print(
        f"# bench_exposure: Python {platform.python_version()}, PuLP {pulp.__version__}, "
        f"{os.cpu_count()} cores, load {os.getloadavg()[0]:.2f}"
    )
    net = sc.read_network("semiconductors")
    net.arrays  # noqa: B018 - built once per network, outside the timings
    print("\n## Exposure, semiconductors\n")
    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
    print(_table([bench_exposure(net, args.solver, args.facilities)]))
    if args.profile:
        profiler.disable()
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(15)
        print(out.getvalue())

    if args.compare:
        print(f"\n## Re-use strategies (time-to-survive LPs of the first {args.compare} facilities, HiGHS)\n")
        print(_table(bench_strategies(net, args.compare)))

    print("\n## Adaptive stress\n")
    rows = []
    if args.scenario.exists():
        rows.append(
            bench_adaptive(f"semiconductors / {args.scenario.stem}", net, sc.read_scenario(args.scenario), args.solver)
        )
    if args.large:
        t0 = time.perf_counter()
        big = generate_network(10_000, 100_000, seed=0)
        big_scenario = generate_scenario(big, n_controls=5, seed=0)
        big.arrays  # noqa: B018
        print(f"(generated 10 000 / 100 000 in {time.perf_counter() - t0:.1f} s, excluded)\n")
        rows.append(bench_adaptive("generated 10k / 100k, 5 controls", big, big_scenario, args.solver))
    if rows:
        print(_table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
