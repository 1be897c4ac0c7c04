"""Command line: ``run_scenario.py SCENARIO.yaml [--out DIR] [--quiet] [--validate]``.

Arguments -> API calls -> exit codes: 0 success, 2 bad input (one paragraph naming the file,
line or row, and what would be valid; no traceback; no report written), 1 internal error.
"""

from __future__ import annotations

import argparse
import sys
import time
import traceback
from pathlib import Path

from .errors import InputError, SolverError, SupplychainError

__all__ = ["main"]

EXIT_OK, EXIT_INTERNAL, EXIT_INPUT = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    from . import __version__

    p = argparse.ArgumentParser(
        prog="run-scenario",
        description="Stress the supply network a scenario names with its export controls and disruptions, "
        "run the risk analyses (concentration, chokepoints, adaptive stress, exposure), Monte Carlo "
        "(with monte_carlo: or --samples) and the strategy optimiser (with optimise:), and write the "
        "CSV reports and run.json atomically into one folder.",
        epilog="Exit codes: 0 success, 2 bad input (nothing written), 1 internal error.",
    )
    p.add_argument("scenario", type=Path, help="scenario YAML file (see scenarios/)")
    p.add_argument(
        "--out", type=Path, default=None, help="report folder (default: reports/<scenario name>/); replaced atomically"
    )
    p.add_argument("--quiet", action="store_true", help="print nothing but errors")
    p.add_argument(
        "--validate",
        action="store_true",
        help="check the scenario and its network, print what it covers, write nothing",
    )
    p.add_argument(
        "--samples",
        type=int,
        default=None,
        help="Monte Carlo samples (overrides the scenario's monte_carlo.samples; turns Monte Carlo on)",
    )
    p.add_argument("--seed", type=int, default=None, help="Monte Carlo seed (overrides monte_carlo.seed)")
    p.add_argument("--workers", type=int, default=1, help="Monte Carlo in this many local processes (default 1)")
    p.add_argument(
        "--dask",
        metavar="ADDRESS",
        default=None,
        help='Monte Carlo on a Dask cluster at this scheduler address (pip install "supplychain[distributed]")',
    )
    p.add_argument(
        "--mc-engine",
        choices=["auto", "numba", "numpy"],
        default="auto",
        help='Monte Carlo cone engine: numba (compiled, pip install "supplychain[fast]"), numpy, '
        "or auto (numba when installed; default). Both agree within 1e-12",
    )
    p.add_argument(
        "--no-analyses",
        action="store_true",
        help="only the static stress reports: skip concentration, chokepoints, adaptive stress, exposure",
    )
    p.add_argument("--no-exposure", action="store_true", help="skip the exposure LPs (exposure.csv)")
    p.add_argument(
        "--no-optimise",
        action="store_true",
        help="skip the strategy optimiser of a scenario with optimise: (strategy.csv, frontier.csv)",
    )
    p.add_argument("--solver", default=None, help="LP solver: highs (default) or cbc")
    p.add_argument("--time-limit", type=float, default=None, help="seconds allowed per LP solve")
    p.add_argument("--gap", type=float, default=None, help="relative optimality gap for MILPs")
    p.add_argument("--debug", action="store_true", help="show the traceback of an internal error")
    p.add_argument("--version", action="version", version=f"supplychain {__version__}")
    return p


def _say(quiet: bool, text: str) -> None:
    if not quiet:
        print(text, flush=True)


def run(args: argparse.Namespace) -> int:
    """Run the command for parsed arguments; raises InputError on bad input."""
    from .pipeline import run_scenario
    from .scenario import read_scenario, validate_scenario

    started = time.perf_counter()
    for flag, value, low in (
        ("--samples", args.samples, 1),
        ("--seed", args.seed, 0),
        ("--workers", args.workers, 1),
        ("--time-limit", args.time_limit, 0),
        ("--gap", args.gap, 0),
    ):
        if value is not None and value < low:
            raise InputError(f"{flag} must be at least {low} (got {value})")
    from .montecarlo import resolve_engine

    resolve_engine(args.mc_engine)  # a missing numba is reported before any work
    scenario = read_scenario(args.scenario)
    network = scenario.read_network()
    if args.solver is not None:
        from .solvers import get_solver

        get_solver(args.solver)  # an unknown or missing solver is reported before any work
    if args.validate:
        compiled = validate_scenario(network, scenario)  # everything a run checks, the optimiser's members too
        _say(args.quiet, f"{args.scenario}: valid. {network!r}")
        for name, covered in zip(compiled.control_names, compiled.coverage.sum(axis=1).tolist(), strict=True):
            _say(args.quiet, f"  control {name}: covers {covered} supply edge{'s' * (covered != 1)}")
        for label, factor in zip(compiled.disruption_labels, compiled.disruption_factor, strict=True):
            hit = int((factor < 1).sum())
            _say(args.quiet, f"  disruption {label}: hits {hit} facilit{'ies' if hit != 1 else 'y'}")
        return EXIT_OK
    result = run_scenario(
        network,
        scenario,
        analyses=not args.no_analyses,
        exposure=not args.no_exposure,
        solver=args.solver,
        time_limit=args.time_limit,
        gap=args.gap,
        samples=args.samples,
        seed=args.seed,
        workers=args.workers,
        dask=args.dask,
        progress=not args.quiet,
        optimise=not args.no_optimise,
        engine=args.mc_engine,
    )
    out = args.out if args.out is not None else Path("reports") / scenario.name
    from .reports import write_reports

    result.timings["total_s"] = time.perf_counter() - started
    folder = write_reports(result, out)
    _say(args.quiet, f"{result!r}\nreports written to {folder}/")
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``run_scenario.py`` and the ``run-scenario`` console command."""
    args = _parser().parse_args(argv)
    try:
        return run(args)
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_INPUT
    except SolverError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_INPUT if "available" in str(exc) or "unknown" in str(exc) else EXIT_INTERNAL
    except SupplychainError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_INTERNAL
    except KeyboardInterrupt:
        print("interrupted; no report written", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug: say so, keep the traceback for a report
        if args.debug:
            traceback.print_exc()
        print(
            f"internal error: {type(exc).__name__}: {exc}\n"
            "This is a bug in supplychain; please report it with the scenario (rerun with --debug "
            "for the traceback).",
            file=sys.stderr,
        )
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
