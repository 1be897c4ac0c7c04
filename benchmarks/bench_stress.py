"""Benchmark ``sc.stress`` on a synthetic network (see ``benchmarks/README.md``).

    python benchmarks/bench_stress.py [--facilities N] [--supplies M] [--controls C]
                                      [--repeat R] [--seed S] [--profile]

Measures, on a network from ``generate.py`` (its generation is timed but excluded from the
target):

* ``first_stress_s``: the first ``sc.stress`` on a freshly built network, which includes
  building the numpy arrays and topological levels (cached on the network afterwards);
* ``stress_s``: the best of R further calls on the same network (arrays cached);
* ``peak_tracemalloc_MiB``: peak Python-allocated memory (numpy included) of a first stress
  on a fresh network, from ``tracemalloc``, measured in a separate call so that the tracing
  overhead does not inflate the timings;
* ``peak_rss_MiB``: growth of the process's peak resident set during the first stress: the
  kernel's peak-RSS mark is reset just before the call (``/proc/self/clear_refs``), so
  ``ru_maxrss`` after the call minus the RSS before it is what the call added. Where the mark
  cannot be reset the figure is ``ru_maxrss`` after − before, a lower bound, marked ``≥``.

Target (10 000 facilities, 100 000 supplies, 2 cores): stress < 2 s and < 1 GiB.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import platform
import pstats
import resource
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any

# Benchmark the source tree this file belongs to (and import generate.py next to it).
sys.path[:0] = [str(Path(__file__).resolve().parents[1]), str(Path(__file__).resolve().parent)]

from generate import generate_network, generate_scenario  # noqa: E402

import supplychain as sc  # noqa: E402

TARGET_SECONDS = 2.0
TARGET_MIB = 1024.0
TARGET_SIZE = (10_000, 100_000)
"""(facilities, supplies) the targets are set for; other sizes are reported without a verdict."""
MIB = 1024.0 * 1024.0


def _rss_mib() -> float:
    """Current resident set size of this process (Linux /proc), MiB; NaN elsewhere."""
    try:
        with open("/proc/self/statm") as fh:
            pages = int(fh.read().split()[1])
    except OSError:
        return float("nan")
    return pages * resource.getpagesize() / MIB


def _maxrss_mib() -> float:
    """Peak resident set size so far (``ru_maxrss``: KiB on Linux, bytes on macOS), MiB."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / MIB if sys.platform == "darwin" else peak / 1024.0


def _reset_peak_rss() -> bool:
    """Reset the kernel's peak-RSS mark to the current RSS (Linux >= 4.0). True if it worked."""
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
    except OSError:
        return False
    return True


def _timed(fn: Any, *args: Any) -> tuple[Any, float]:
    t0 = time.perf_counter()
    out = fn(*args)
    return out, time.perf_counter() - t0


def measure(n_facilities: int, n_supplies: int, n_controls: int, repeat: int, seed: int) -> dict[str, Any]:
    """Run the benchmark once; return the row of the results table (and details)."""
    row: dict[str, Any] = {"facilities": n_facilities, "supplies": n_supplies, "controls": n_controls}

    # 1. generation (tables + Network validation), excluded from the target
    net, row["generate_s"] = _timed(generate_network, n_facilities, n_supplies, seed)
    scenario = generate_scenario(net, n_controls, seed)

    # 2. first stress on the fresh network, with the peak-RSS growth of that call
    gc.collect()
    rss_before = _rss_mib()
    maxrss_before = _maxrss_mib()
    reset = _reset_peak_rss()
    result, row["first_stress_s"] = _timed(sc.stress, net, scenario)
    maxrss_after = _maxrss_mib()
    row["peak_rss_MiB"] = maxrss_after - (rss_before if reset else maxrss_before)
    row["rss_exact"] = reset
    row["first_timings"] = dict(getattr(result, "timings", {}) or {})

    # 3. repeated stress on the same network (arrays cached): best of R
    times = []
    for _ in range(repeat):
        result, dt = _timed(sc.stress, net, scenario)
        times.append(dt)
    row["stress_s"] = min(times)
    row["stress_times"] = times
    row["timings"] = dict(getattr(result, "timings", {}) or {})
    fac = result.facilities
    row["mean_availability"] = float(fac["availability"].mean())
    row["facilities_hit"] = int((fac["availability"] < 1 - 1e-9).sum())
    del result, fac, net
    gc.collect()

    # 4. tracemalloc peak of a first stress on a fresh (identical) network
    net = generate_network(n_facilities, n_supplies, seed)
    scenario = generate_scenario(net, n_controls, seed)
    gc.collect()
    tracemalloc.start()
    tracemalloc.reset_peak()
    base, _ = tracemalloc.get_traced_memory()
    sc.stress(net, scenario)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    row["peak_tracemalloc_MiB"] = (peak - base) / MIB
    row["process_peak_rss_MiB"] = _maxrss_mib()
    return row


def profile(n_facilities: int, n_supplies: int, n_controls: int, seed: int, top: int = 15) -> str:
    """cProfile of a first stress (fresh network) and of a repeated one: top functions by
    cumulative time."""
    net = generate_network(n_facilities, n_supplies, seed)
    scenario = generate_scenario(net, n_controls, seed)
    out = io.StringIO()
    for label in ("first stress (fresh network, builds arrays)", "repeated stress (arrays cached)"):
        prof = cProfile.Profile()
        prof.enable()
        sc.stress(net, scenario)
        prof.disable()
        out.write(f"\n### cProfile: {label}, top {top} by cumulative time\n\n```\n")
        stats = pstats.Stats(prof, stream=out)
        stats.strip_dirs().sort_stats("cumulative").print_stats(top)
        out.write("```\n")
    return out.getvalue()


def table(rows: list[dict[str, Any]]) -> str:
    """The markdown results table."""
    head = (
        "| facilities | supplies | controls | generate_s | first_stress_s | stress_s (best) "
        "| peak_tracemalloc_MiB | peak_rss_MiB | target < 2 s, < 1 GiB |"
    )
    lines = [head, "|" + "---:|" * 8 + ":---:|"]
    for r in rows:
        worst_s = max(r["first_stress_s"], r["stress_s"])
        worst_mib = max(r["peak_tracemalloc_MiB"], r["peak_rss_MiB"])
        ok = worst_s < TARGET_SECONDS and worst_mib < TARGET_MIB
        if (r["facilities"], r["supplies"]) != TARGET_SIZE:
            verdict = "n/a (target set at 10,000 / 100,000)"
        else:
            verdict = "met" if ok else f"**missed** ({worst_s:.2f} s, {worst_mib:.0f} MiB)"
        rss = f"{r['peak_rss_MiB']:.0f}" if r["rss_exact"] else f"≥ {r['peak_rss_MiB']:.0f}"
        lines.append(
            f"| {r['facilities']:,} | {r['supplies']:,} | {r['controls']} | {r['generate_s']:.2f} "
            f"| {r['first_stress_s']:.3f} | {r['stress_s']:.3f} | {r['peak_tracemalloc_MiB']:.0f} "
            f"| {rss} | {verdict} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark supplychain.stress on a synthetic network.")
    parser.add_argument("--facilities", type=int, default=10_000, help="number of facilities (10000)")
    parser.add_argument("--supplies", type=int, default=100_000, help="number of supplies rows (100000)")
    parser.add_argument("--controls", type=int, default=5, help="number of export controls (5)")
    parser.add_argument("--repeat", type=int, default=5, help="repeated stress calls, best kept (5)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--profile", action="store_true", help="also print the top 15 functions by cumulative time (cProfile)"
    )
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")

    row = measure(args.facilities, args.supplies, args.controls, args.repeat, args.seed)
    print(
        f"python {platform.python_version()}, numpy {__import__('numpy').__version__}, "
        f"pandas {__import__('pandas').__version__}, supplychain {sc.__version__}, "
        f"{platform.machine()}, {__import__('os').cpu_count()} cores"
    )
    print(
        f"facilities below full availability: {row['facilities_hit']:,} "
        f"(mean availability {row['mean_availability']:.4f})"
    )
    print("stress phases, first call: " + ", ".join(f"{k}={v:.3f}" for k, v in row["first_timings"].items()))
    print("stress phases, best repeat: " + ", ".join(f"{k}={v:.3f}" for k, v in row["timings"].items()))
    print(
        f"repeat times (s): {', '.join(f'{t:.3f}' for t in row['stress_times'])}; "
        f"process peak RSS {row['process_peak_rss_MiB']:.0f} MiB\n"
    )
    print(table([row]))
    if args.profile:
        print(profile(args.facilities, args.supplies, args.controls, args.seed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
