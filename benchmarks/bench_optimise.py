"""Benchmark the strategy optimiser: extensive form (CBC, HiGHS) against Benders (HiGHS).

The bundled ``semiconductors`` network with ``scenarios/open-certification-consortium.yaml``,
its Monte Carlo samples reduced to K = 50 weighted scenarios (``reduction.reduce_scenarios``),
solved three ways in the same run at the same relative gap; prints a markdown table of wall
time (model build + solve, without the reduction, frontier and verification), status, gap and
objective, then the do-nothing and optimised expected loss on the same samples (most of the
loss is Chinese compute that no action of the consortium reaches, so a relative gap on the
objective is loose against the part that can be reduced: the line says how loose).

    python benchmarks/bench_optimise.py                  # K = 50, gap 1 %, CBC limit 3600 s
    python benchmarks/bench_optimise.py --k 10 --cbc-time-limit 600
    python benchmarks/bench_optimise.py --penalty 1e6    # a penalty instead of the budget
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import supplychain as sc  # noqa: E402
from supplychain.optimise import optimise  # noqa: E402


def run(
    label: str,
    network: sc.Network,
    scenario: sc.Scenario,
    *,
    k: int,
    solver: str,
    method: str,
    gap: float,
    time_limit: float | None,
) -> dict:
    start = time.perf_counter()
    strategy = optimise(
        network,
        scenario,
        solver=solver,
        method=method,
        k=k,
        gap=gap,
        time_limit=time_limit,
        frontier=False,
        verify=False,
    )
    total = time.perf_counter() - start
    t = strategy.timings
    seconds = t.get("build_s", 0.0) + t.get("solve_s", 0.0)
    return {
        "run": label,
        "seconds": seconds,
        "total_s": total,
        "status": strategy.status,
        "gap": strategy.gap,
        "objective": strategy.objective_value,
        "cost": strategy.cost,
        "actions": len(strategy.actions),
        "iterations": strategy.iterations,
        "loss_before": strategy.model_loss_before,
        "loss_after": strategy.model_loss_after,
    }


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--scenario", default=str(ROOT / "scenarios" / "open-certification-consortium.yaml"))
    p.add_argument("--k", type=int, default=50, help="scenarios kept by the reduction (50)")
    p.add_argument("--gap", type=float, default=0.01, help="relative gap for every run (0.01)")
    p.add_argument("--cbc-time-limit", type=float, default=3600.0, help="seconds allowed to extensive CBC")
    p.add_argument("--penalty", type=float, default=None, help="replace the budget by this penalty")
    p.add_argument("--skip-cbc", action="store_true")
    args = p.parse_args()

    scenario = sc.read_scenario(args.scenario)
    if args.penalty is not None:
        block = scenario.optimise.model_copy(update={"penalty": args.penalty, "budget": None})
        scenario = scenario.model_copy(update={"optimise": block})
    network = scenario.read_network()
    rows = [
        run(
            "Benders (HiGHS)",
            network,
            scenario,
            k=args.k,
            solver="highs",
            method="benders",
            gap=args.gap,
            time_limit=None,
        )
    ]
    rows.append(
        run(
            "extensive HiGHS",
            network,
            scenario,
            k=args.k,
            solver="highs",
            method="extensive",
            gap=args.gap,
            time_limit=None,
        )
    )
    if not args.skip_cbc:
        rows.append(
            run(
                "extensive CBC",
                network,
                scenario,
                k=args.k,
                solver="cbc",
                method="extensive",
                gap=args.gap,
                time_limit=args.cbc_time_limit,
            )
        )
    base = rows[-1]["seconds"]
    print(f"\n{network!r}; scenario {scenario.name}; K = {args.k}; gap {args.gap:g}\n")
    print(
        "| run | build + solve (s) | speed-up vs last row | status | gap | objective | cost | actions | "
        "Benders iterations |"
    )
    print("|---|---:|---:|---|---:|---:|---:|---:|---:|")
    for r in rows:
        gap = "n/a (CBC does not report it)" if r["gap"] is None else f"{100 * r['gap']:.3g} %"
        print(
            f"| {r['run']} | {r['seconds']:.1f} | {base / r['seconds']:.1f}× | {r['status']} | {gap} | "
            f"{r['objective']:.8g} | {r['cost']:.6g} | {r['actions']} | {r['iterations'] or ''} |"
        )
    first = rows[0]
    reduction = first["loss_before"] - first["loss_after"]
    print(
        f"\nexpected loss on the K samples (USD M of final output per week): do nothing {first['loss_before']:.6g}, "
        f"with the {first['run']} plan {first['loss_after']:.6g} (reduction {reduction:.4g}); a relative gap of "
        f"{args.gap:g} on the objective is {args.gap * first['objective']:.4g} in absolute terms"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
