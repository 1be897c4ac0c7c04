"""Benchmark the consortium run end to end: ``run_scenario.py scenarios/open-certification-consortium.yaml``.

Each variant runs the command line in a fresh interpreter (imports included), writes its
reports to a temporary folder and reads the breakdown back from its run.json; prints a
markdown table of the wall time and, per step, the minimum and median over ``--repeat`` runs:

- ``total``: the whole command, wall clock (interpreter start, imports and reports included);
- the optimiser (``optimise``, run.json ``optimise.timings``): ``reduction`` (Monte Carlo
  samples to K weighted scenarios), ``build`` (the MILP, or the Benders master), ``solve``
  (the MILP or the Benders loop), ``frontier`` (the budget sweep, then the members' loss of
  its plans and of the strategy's before and after on the verification's samples, evaluated
  together) and ``verification`` (the rest of the re-stress over every sample: the world's
  loss before and after, static, availability after);
- the rest of the run (``monte_carlo``; ``adaptive`` and ``exposure``: the adaptive stress
  and the exposure LPs, in a second process beside the optimiser on two or more CPUs;
  ``background_wait``: the time the run waited for that process at the end, 0 in line;
  ``other``: compile, static stress and its attribution, concentration, chokepoints, and
  the run's own share of the adaptive stress and exposure — the wait, or all of them in line).

Variants (``--variants``, comma-separated):

- ``fast``: this source tree as it is;
- ``plain``: this source tree with ``supplychain.optimise.verify.SHORTCUTS = False``, in one
  process: the verification and the frontier's points solve every sample of every plan on the
  whole second-stage LP, re-used with changed bounds (the reference loop; no certificates, no
  cone, no sandwich between plans, no second process);
- ``inline``: this source tree with the adaptive stress and the exposure LPs in the run's own
  process after the optimiser (``supplychain.pipeline.BACKGROUND_CPUS`` out of reach), as on
  one CPU;
- ``before``: another checkout given by ``--before PATH`` (e.g. a ``git worktree`` of the
  commit before the speed work), run with its own sources first on ``sys.path``.

Each variant's strategy.csv, frontier.csv, summary.csv and facilities.csv (its
``availability_after``) are compared with the first variant's: the largest absolute
difference of any number is printed (``--no-compare`` skips it).

    python benchmarks/bench_consortium.py                           # fast and plain, once each
    python benchmarks/bench_consortium.py --repeat 3 --variants fast
    git worktree add /tmp/before 1ae2b08 && python benchmarks/bench_consortium.py --before /tmp/before
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "scenarios" / "open-certification-consortium.yaml"
STEPS = (
    "reduction",
    "build",
    "solve",
    "verification",
    "frontier",
    "optimise",
    "monte_carlo",
    "adaptive",
    "exposure",
    "background_wait",
    "other",
)
COMPARED = ("strategy.csv", "frontier.csv", "summary.csv", "facilities.csv")

PROGRAM = """
import sys
sys.path.insert(0, {source!r})
{setup}
from supplychain.cli import main
raise SystemExit(main({arguments!r}))
"""


def run(variant: str, source: Path, scenario: Path, out: Path) -> dict[str, float]:
    """One run of the command line in a fresh interpreter; returns its breakdown (seconds)."""
    setup = {
        "plain": 'import importlib; importlib.import_module("supplychain.optimise.verify").SHORTCUTS = False; '
        'importlib.import_module("supplychain.pipeline").BACKGROUND_CPUS = 10**6',  # all of it here, no shortcut
        "inline": 'import importlib; importlib.import_module("supplychain.pipeline").BACKGROUND_CPUS = 10**6',
    }.get(variant, "")
    arguments = [str(scenario), "--out", str(out), "--quiet"]
    code = PROGRAM.format(source=str(source), setup=setup, arguments=arguments)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, cwd=source)
    total = time.perf_counter() - start
    info = json.loads((out / "run.json").read_text())
    run_t, opt_t = info["timings"], info["optimise"]["timings"]
    steps = {
        "total": total,
        "reduction": opt_t.get("reduction_s", 0.0),
        "build": opt_t.get("build_s", 0.0),
        "solve": opt_t.get("solve_s", 0.0) - opt_t.get("build_s", 0.0),  # solve_s includes the build
        "verification": opt_t.get("verify_s", 0.0),
        "frontier": opt_t.get("frontier_s", 0.0),
        "optimise": run_t.get("optimise_s", 0.0),
        "monte_carlo": run_t.get("monte_carlo_s", 0.0),
        "adaptive": run_t.get("adaptive_s", 0.0),
        "exposure": run_t.get("exposure_s", 0.0),
        "background_wait": run_t.get("background_wait_s", 0.0),
    }
    # the time this process spent on the adaptive stress and exposure: waiting for the
    # background process, or running them itself
    here = steps["background_wait"] if "background_wait_s" in run_t else steps["adaptive"] + steps["exposure"]
    steps["other"] = run_t.get("total_s", 0.0) - steps["optimise"] - steps["monte_carlo"] - here
    return steps


def largest_difference(first: Path, other: Path) -> float:
    """The largest absolute difference of any number in the compared files (inf when their
    shapes, columns or texts differ); cost shares (``member=amount;…``) compared by amount."""
    worst = 0.0
    for name in COMPARED:
        a, b = pd.read_csv(first / name), pd.read_csv(other / name)
        if name == "facilities.csv":
            a, b = a[["facility", "availability_after"]], b[["facility", "availability_after"]]
        if a.shape != b.shape or list(a.columns) != list(b.columns):
            return float("inf")
        for column in a.columns:
            x, y = a[column], b[column]
            if pd.api.types.is_numeric_dtype(x) and pd.api.types.is_numeric_dtype(y):
                d = np.abs(x.to_numpy(float) - y.to_numpy(float))
                if (np.isnan(x.to_numpy(float)) != np.isnan(y.to_numpy(float))).any():
                    return float("inf")
                worst = max(worst, float(np.nanmax(d)) if np.isfinite(d).any() else 0.0)
                continue
            for p, q in zip(x.fillna("").astype(str), y.fillna("").astype(str), strict=True):
                if "=" not in p:
                    if p != q:
                        return float("inf")
                    continue
                pa, qa = [t.split("=") for t in p.split(";")], [t.split("=") for t in q.split(";")]
                if [m for m, _ in pa] != [m for m, _ in qa]:
                    return float("inf")
                worst = max([worst] + [abs(float(u) - float(v)) for (_, u), (_, v) in zip(pa, qa, strict=True)])
    return worst


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--scenario", type=Path, default=SCENARIO)
    p.add_argument("--variants", default="fast,plain", help="comma-separated: fast, plain, inline, before (fast,plain)")
    p.add_argument("--before", type=Path, default=None, help="a checkout of the code to compare with (variant before)")
    p.add_argument("--repeat", type=int, default=1, help="runs per variant (1); min and median are shown")
    p.add_argument("--no-compare", action="store_true", help="skip comparing the output files")
    args = p.parse_args(argv)
    variants = [v.strip() for v in args.variants.split(",") if v.strip()]
    if args.before is not None and "before" not in variants:
        variants.append("before")
    if "before" in variants and args.before is None:
        p.error("the variant before needs --before PATH")
    results: dict[str, list[dict[str, float]]] = {}
    folders: dict[str, Path] = {}
    with tempfile.TemporaryDirectory(prefix="bench_consortium_") as tmp:
        for variant in variants:
            source = args.before.resolve() if variant == "before" else ROOT
            for r in range(args.repeat):
                out = Path(tmp) / f"{variant}_{r}"
                results.setdefault(variant, []).append(run(variant, source, args.scenario.resolve(), out))
                folders.setdefault(variant, out)
                print(f"{variant} run {r + 1}: {results[variant][-1]['total']:.1f} s", file=sys.stderr)
        header = "| step (s) | " + " | ".join(f"{v} min | {v} median" for v in variants) + " |"
        print(header)
        print("|" + "---|" * (1 + 2 * len(variants)))
        for step in ("total", *STEPS):
            cells = []
            for v in variants:
                values = [row[step] for row in results[v]]
                cells += [f"{min(values):.2f}", f"{statistics.median(values):.2f}"]
            print(f"| {step} | " + " | ".join(cells) + " |")
        if not args.no_compare and len(variants) > 1:
            first = variants[0]
            for v in variants[1:]:
                diff = largest_difference(folders[first], folders[v])
                print(f"\nlargest absolute difference, {v} vs {first}: {diff:.3g}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
