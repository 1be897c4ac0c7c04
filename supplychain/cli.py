"""Command line: ``run_scenario.py SCENARIO.yaml [--out DIR] [--quiet] [--validate]`` and
``run_scenario.py schema``.

Arguments -> API calls -> exit codes: 0 success, 2 bad input (one paragraph naming the file,
line or row, and what would be valid; no traceback; no report written), 1 internal error,
130 / 143 stopped by SIGINT (Ctrl-C) / SIGTERM, 141 standard output closed early (a pipe).

Everything a run can check without computing is checked first: the options, the scenario and
its network, the Dask scheduler's address, and the report folder (see
``reports.check_report_folder``). SIGINT and SIGTERM stop a run alike: the Monte Carlo worker
processes are stopped, temporary folders removed, and one line says so.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import multiprocessing
import os
import signal
import sys
import textwrap
import threading
import time
import traceback
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any

from .errors import InputError, SolverError, SupplychainError

__all__ = ["Interrupted", "main"]

EXIT_OK, EXIT_INTERNAL, EXIT_INPUT = 0, 1, 2
EXIT_OUT_OF_RANGE = 3  # a backtest observation outside its observed range
EXIT_BROKEN_PIPE = 128 + 13  # as a process killed by SIGPIPE, like other tools in a pipe

SUBCOMMANDS = {
    "run": "run a scenario and write its reports",
    "validate": "check a scenario and its network, print what each rule covers, write nothing",
    "list": "list the bundled networks and scenarios",
    "new": "write a commented scenario to start from (optionally extending a bundled one)",
    "compare": "compare report folders side by side: compare.csv and compare.html",
    "schema": "print the JSON Schema of the scenario format",
    "backtest": "run backtest files (scenarios with observed:) and compare the model with what was observed",
    "import-eto": "read a fetched ETO folder: market shares per input, optionally re-weighting a network",
}


class Interrupted(KeyboardInterrupt):
    """SIGINT or SIGTERM arrived: the run stops (exit code 128 + the signal's number)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _prog() -> str:
    """The command's name as the user typed it: ``run_scenario.py``, ``run-scenario``, or
    ``supplychain`` (also for ``python -m supplychain``)."""
    name = Path(sys.argv[0]).name if sys.argv and sys.argv[0] else ""
    return name if name in ("run_scenario.py", "run-scenario") else "supplychain"


def _parser() -> argparse.ArgumentParser:
    from . import __version__

    p = argparse.ArgumentParser(
        prog=_prog(),
        usage="%(prog)s [-h] [--version] [run] SCENARIO [options]\n"
        "       %(prog)s {validate,list,new,compare,schema,backtest,import-eto} ...",
        description=textwrap.fill(
            "Stress the supply network a scenario names with its export controls and disruptions, run the "
            "risk analyses (concentration, chokepoints, adaptive stress, exposure), Monte Carlo (with "
            "monte_carlo: or --samples) and the strategy optimiser (with optimise:), and write the CSV reports "
            "and run.json atomically into one folder.",
            width=88,
        )
        + "\n\nsubcommands ('run' may be left out; a scenario file named like a subcommand is ./NAME):\n"
        + "\n".join(f"  {name:<11} {text}" for name, text in SUBCOMMANDS.items()),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="Exit codes: 0 success, 2 bad input (nothing written), 1 internal error, "
        "130 / 143 stopped by Ctrl-C / SIGTERM (nothing written).",
    )
    p.add_argument(
        "scenario",
        type=Path,
        help="scenario YAML file, or a bundled scenario's name (see the 'list' subcommand)",
    )
    p.add_argument(
        "--out",
        type=Path,
        default=None,
        help="report folder (default: reports/<scenario name>/), replaced atomically; an existing folder "
        "is replaced only when supplychain wrote it (its .supplychain-report marker); a symbolic link is "
        "followed: the folder it points to is replaced, the link kept",
    )
    p.add_argument("--quiet", action="store_true", help="print nothing but errors (no progress bars)")
    p.add_argument(
        "--format",
        choices=["csv", "xlsx"],
        default="csv",
        help="report format: csv (default) or xlsx, which also writes report.xlsx, one workbook with a sheet "
        'per table (pip install "supplychain[xlsx]")',
    )
    p.add_argument(
        "--progress",
        choices=["auto", "always", "never"],
        default="auto",
        help="progress bars: auto (a live bar on a terminal or in Jupyter, a line per tenth of the work in a "
        "pipe or log; default), always (the live bar everywhere), never",
    )
    p.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="PATH=VALUE",
        help="override one value of the scenario for this run, by its path with rules named by their name: "
        "--set controls.us-4a090-d1-d4.licence_approval=0.5 (repeatable; the value is read as YAML)",
    )
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
        help="Monte Carlo on a Dask cluster at this scheduler address, host:port or tcp://host:port "
        '(pip install "supplychain[distributed]")',
    )
    p.add_argument(
        "--mc-engine",
        choices=["auto", "numba", "numpy"],
        default="auto",
        help='Monte Carlo cone engine: numba (compiled, pip install "supplychain[fast]"), numpy, '
        "or auto (numba when installed and samples x edges reaches 1e9, else numpy; default). "
        "Both agree within 1e-12",
    )
    p.add_argument(
        "--timeline",
        action="store_true",
        help="also step the scenario week by week (as timeline: true in the scenario): timeline.csv, and "
        "availability_timeline and worst_week in facilities.csv",
    )
    p.add_argument(
        "--no-analyses",
        action="store_true",
        help="only the static stress reports: skip concentration, chokepoints, adaptive stress, exposure",
    )
    p.add_argument("--no-exposure", action="store_true", help="skip the exposure LPs (exposure.csv)")
    p.add_argument(
        "--exposure-controls",
        action="store_true",
        help="apply the scenario's controls to the exposure LPs (each facility down alone, the covered "
        "edges capped by the controls' horizon-mean licensed share); by default exposure applies no control",
    )
    p.add_argument(
        "--no-optimise",
        action="store_true",
        help="skip the strategy optimiser of a scenario with optimise: (strategy.csv, frontier.csv)",
    )
    p.add_argument(
        "--budgets",
        default=None,
        metavar="B1,B2,...",
        help="the budgets of the optimiser's frontier (frontier.csv), comma-separated currency amounts, "
        "e.g. 0,1e7,5e7,1e8 (overrides the scenario's optimise.budgets)",
    )
    p.add_argument("--solver", default=None, help="LP solver: highs (default) or cbc")
    p.add_argument("--time-limit", type=float, default=None, help="seconds allowed per LP solve")
    p.add_argument("--gap", type=float, default=None, help="relative optimality gap for MILPs")
    p.add_argument("--debug", action="store_true", help="show the traceback of an internal error")
    p.add_argument("--version", action="version", version=f"supplychain {__version__}")
    return p


def _schema_parser() -> argparse.ArgumentParser:
    return argparse.ArgumentParser(
        prog=f"{_prog()} schema",
        description="Print the JSON Schema of the scenario format (the one kept in "
        "supplychain/data/scenario.schema.json), for editors that validate YAML.",
    )


def _backtest_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog=f"{_prog()} backtest",
        description="Run backtest files (scenarios with an observed: block, docs/model.md §8): each file's "
        "static stress and, where an observation needs it, its timeline; print one row per observation "
        "and a last line 'backtests: K/N observations within range'.",
        epilog="Exit codes: 0 every observation within range, 3 some outside, 2 bad input (nothing run), "
        "1 internal error.",
    )
    p.add_argument(
        "paths",
        nargs="*",
        type=Path,
        help="backtest files or folders of them (default: the project's backtests/ folder)",
    )
    p.add_argument("--debug", action="store_true", help="show the traceback of an internal error")
    return p


def _default_backtests() -> Path:
    """``backtests/`` in the current folder, else the one beside the package's source tree."""
    here = Path("backtests")
    if here.is_dir():
        return here
    beside = Path(__file__).resolve().parents[1] / "backtests"
    if beside.is_dir():
        return beside
    raise InputError(
        "backtest: no backtests/ folder here or beside the package; give backtest files or folders "
        "(python -m supplychain backtest FILE|FOLDER ...)"
    )


def backtest(argv: list[str]) -> int:
    """``run-scenario backtest [FILE|FOLDER ...]``: exit 0 when every observation is within its
    observed range, 3 otherwise."""
    from .backtest import run_backtests
    from .reports import format_number

    args = _backtest_parser().parse_args(argv)
    done = run_backtests(args.paths or [_default_backtests()])
    for row in done.table.itertuples(index=False):
        verdict = "within" if row.within else "OUTSIDE"
        print(
            f"{row.file}: {row.observation} ({row.metric}) model {format_number(row.model)} "
            f"observed [{format_number(row.low)}, {format_number(row.high)}] {verdict}"
        )
    print(done.summary(), flush=True)
    return EXIT_OK if done.passed else EXIT_OUT_OF_RANGE


def _import_eto_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog=f"{_prog()} import-eto",
        description="Read a folder of ETO's chip supply chain CSVs you fetched yourself (inputs, providers, "
        "provision, sequence, stages from georgetown-cset/eto-chip-explorer data/, CC BY-NC 4.0) and write "
        "eto_shares.csv and eto_unmapped.csv; with --network also eto_changes.csv and network_after.yaml, the "
        "network with its mapped items' supplier capacities re-weighted to ETO's country shares "
        "(supplychain/eto.py for the rules).",
        epilog="Exit codes: 0 success, 2 bad input (nothing written), 1 internal error.",
    )
    p.add_argument("folder", type=Path, help="the ETO data folder")
    p.add_argument("--network", default=None, help="a bundled network name or a network file or folder to re-weight")
    p.add_argument(
        "--out",
        type=Path,
        default=Path("reports") / "eto-import",
        help="report folder (default: reports/eto-import/), replaced atomically by the rules of the main command",
    )
    return p


def import_eto(argv: list[str]) -> int:
    """``run-scenario import-eto FOLDER [--network NAME|PATH] [--out DIR]``."""
    import tempfile

    from .eto import import_eto as run_import
    from .io import read_network, write_network
    from .reports import check_report_folder, to_csv_bytes, write_folder_atomically

    args = _import_eto_parser().parse_args(argv)
    check_report_folder(args.out)
    network = read_network(args.network) if args.network else None
    done = run_import(args.folder, network)
    files = {f"{name}.csv": to_csv_bytes(table) for name, table in done.tables().items()}
    if done.network_after is not None:
        with tempfile.TemporaryDirectory() as tmp:
            path = write_network(done.network_after, Path(tmp) / "network_after.yaml")
            files["network_after.yaml"] = path.read_bytes()
    written = write_folder_atomically(args.out, files)
    for note in done.notes:
        _warn(note)
    changed = "" if done.network_after is None else f", {len(done.changes)} facilities re-weighted"
    print(
        f"eto: {done.shares.index.get_level_values('input').nunique()} inputs with providers, "
        f"{len(done.unmapped)} unmapped{changed}; written to {written}/",
        flush=True,
    )
    return EXIT_OK


def _list_parser() -> argparse.ArgumentParser:
    return argparse.ArgumentParser(
        prog=f"{_prog()} list",
        description="List the networks and scenarios shipped with the package: each can be given by name "
        "(network: NAME in a scenario; supplychain run NAME).",
    )


def list_bundled(argv: list[str]) -> int:
    """``supplychain list``: the bundled networks (facilities, items, countries) and scenarios
    (network, horizon, rules, the first line of the description)."""
    from .io import bundled_networks, read_network
    from .scenario import bundled_scenarios, read_scenario

    _list_parser().parse_args(argv)
    print("networks:")
    for name in bundled_networks():
        net = read_network(name)
        print(
            f"  {name}: {len(net.facilities)} facilities, {len(net.items)} items, "
            f"{net.facilities['country'].nunique()} countries"
        )
    print("scenarios:")
    for name in bundled_scenarios():
        scen = read_scenario(name)
        about = " ".join(scen.description.split())
        about = about if len(about) <= 100 else about[:99].rstrip() + "…"
        c, d = len(scen.controls), len(scen.disruptions)
        rules = f"{c} control{'s' * (c != 1)}, {d} disruption{'s' * (d != 1)}"
        print(f"  {name} ({scen.network}, {scen.horizon_weeks} weeks, {rules}): {about}")
    sys.stdout.flush()
    return EXIT_OK


def _new_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog=f"{_prog()} new",
        description="Write NAME.yaml, a commented scenario to start from: a template of every section, or with "
        "--from a scenario that extends a bundled one (its controls and disruptions listed, ready to override "
        "or remove). An existing file is never overwritten.",
        epilog="Exit codes: 0 written, 2 bad input (nothing written).",
    )
    p.add_argument("name", help="the new scenario's name (letters, digits, '.', '_', '-'; the file is NAME.yaml)")
    p.add_argument("--from", dest="parent", default=None, help="a bundled scenario's name or a scenario file to extend")
    p.add_argument("--out", type=Path, default=None, help="the file to write (default: ./NAME.yaml)")
    return p


_TEMPLATE = """\
# {name}: a scenario of supplychain (docs/model.md §2 gives every key).
# Run it:  supplychain run {file}   (or: python run_scenario.py {file})
name: {name}
description: >
  What this scenario asks, with the sources of its rules (a regulation's citation, a company
  statement) and its assumptions.
network: semiconductors           # a bundled network (supplychain list) or a path
horizon_weeks: 52                 # weeks 0 ... 51
timeline: false                   # true: also step week by week (timeline.csv)
controls:
  - name: example-control         # reports name controls by it
    issuer: USA                   # ISO code (or a list)
    items: ["eccn:3A090*"]        # item ids or tags, glob patterns
    where: {{tpp: {{min: 4800}}}}     # thresholds on item attributes
    destinations: [CHN, MAC]      # buyer countries ("*": all but the issuer's)
    reach: {{foreign_direct_product: true}}
    licence_approval: 0.0         # share of covered flow licensed (0: denied)
    licence_delay_weeks: 0        # weeks a licence takes
    start_week: 0
disruptions: []
#  - name: example-outage
#    facilities: [tsmc_fab18]     # and/or companies, countries, kinds
#    capacity_factor: 0.0
#    start_week: 0
#    weeks: 4
#    ramp_weeks: 4                # back to normal linearly over these weeks
# monte_carlo: {{samples: 1000, seed: 1}}
"""


def new_scenario(argv: list[str]) -> int:
    """``supplychain new NAME [--from SCENARIO] [--out FILE]``: write a scenario to start from."""
    import re

    from .scenario import read_scenario, resolve_scenario_path

    args = _new_parser().parse_args(argv)
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", args.name) or len(args.name) > 120:
        raise InputError(
            f"new: {args.name!r} is not a scenario name: use letters, digits, '.', '_' and '-' (starting with a "
            "letter or digit), at most 120 characters"
        )
    out = args.out if args.out is not None else Path(f"{args.name}.yaml")
    if out.exists() or out.is_symlink():
        raise InputError(f"new: {out} exists; nothing written (choose another name or --out)")
    if args.parent is None:
        text = _TEMPLATE.format(name=args.name, file=out)
    else:
        parent_path = resolve_scenario_path(args.parent)
        parent = read_scenario(parent_path)
        bundled = parent_path.resolve().parent == resolve_scenario_path(parent.name).resolve().parent
        ref = (
            parent.name if bundled and "/" not in str(args.parent) else os.path.relpath(parent_path, out.parent or ".")
        )
        lines = [
            f"# {args.name}: builds on {parent.name} (extends: merges by name, docs/model.md §2).",
            f"# Run it:  supplychain run {out}",
            f"name: {args.name}",
            f"extends: {ref}",
            "description: >",
            f"  {parent.name}, changed: say what and why.",
            "# Inherited controls (override a key by writing the control's name with that key, e.g.",
            "# '- {name: X, licence_approval: 0.5}'; leave one out with 'remove: [X]'):",
        ]
        lines += [
            f"#   {c.name}: issuer {', '.join(c.issuer)}, licence_approval {c.licence_approval:g}"
            for c in parent.controls
        ]
        if parent.disruptions:
            lines.append("# Inherited disruptions:")
            lines += [f"#   {d.label}" for d in parent.disruptions]
        lines += ["controls: []", "# remove: []", ""]
        text = "\n".join(lines)
    _write_new_file(out, text.encode("utf-8"))
    read_scenario(out)  # what was written reads back
    print(f"wrote {out}; run it with: supplychain run {out}", flush=True)
    return EXIT_OK


def _compare_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog=f"{_prog()} compare",
        description="Compare the report folders of two or more runs (the first is the baseline): compare.csv, "
        "the tidy table (scenario, country, kind, metric, value), and compare.html, a page with the headline "
        "of each, the lost share of each country's own capacity side by side, the largest changes of each "
        "metric and the facilities whose availability changes most.",
        epilog="Exit codes: 0 written, 2 bad input (nothing written), 1 internal error.",
    )
    p.add_argument("folders", nargs="+", type=Path, help="report folders written by runs (reports/<scenario>/)")
    p.add_argument(
        "--out",
        type=Path,
        default=Path("reports") / "compare",
        help="folder for compare.csv and compare.html (default: reports/compare/), replaced atomically by the "
        "rules of the main command",
    )
    p.add_argument("--quiet", action="store_true", help="print nothing but errors")
    return p


def compare_folders(argv: list[str]) -> int:
    """``supplychain compare DIR_A DIR_B ... [--out DIR]``."""
    from .compare import compare
    from .reports import check_report_folder, to_csv_bytes, write_folder_atomically

    args = _compare_parser().parse_args(argv)
    if len(args.folders) < 2:
        raise InputError(f"compare: give at least two report folders (got {len(args.folders)})")
    check_report_folder(args.out)
    done = compare(*args.folders)
    files = {"compare.csv": to_csv_bytes(done.table), "compare.html": done.to_html().encode("utf-8")}
    written = write_folder_atomically(args.out, files)
    _say(args.quiet, f"{done!r}\ncomparison written to {written}/")
    return EXIT_OK


def _write_new_file(path: Path, data: bytes) -> None:
    """Create ``path`` with ``data`` all at once, never replacing a file: written to a temporary
    file beside it, then hard-linked into place (which fails when the name exists, also when
    another process created it meanwhile)."""
    import tempfile

    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise InputError(f"new: folder {folder} does not exist; nothing written")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        try:
            os.link(tmp, path)
        except FileExistsError:
            raise InputError(f"new: {path} exists; nothing written (choose another name or --out)") from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


def _say(quiet: bool, text: str) -> None:
    if not quiet:
        print(text, flush=True)


def _warn(text: str) -> None:
    print(f"warning: {text}", file=sys.stderr, flush=True)


def schema(argv: list[str]) -> int:
    """``run-scenario schema``: the JSON Schema of the scenario format on standard output."""
    from .scenario import scenario_json_schema

    _schema_parser().parse_args(argv)
    sys.stdout.write(json.dumps(scenario_json_schema(), indent=2, sort_keys=True) + "\n")
    sys.stdout.flush()
    return EXIT_OK


def run(args: argparse.Namespace) -> int:
    """Run the command for parsed arguments; raises InputError on bad input."""
    from . import progress

    started = time.perf_counter()

    previous = progress.current_mode()
    progress.set_mode("never" if args.quiet else args.progress)
    try:
        return _run(args, started)
    finally:
        progress.set_mode(previous)  # a run in process leaves the caller's setting as it was


def _run(args: argparse.Namespace, started: float) -> int:
    """``run`` once the progress mode is set."""
    from .montecarlo import resolve_engine
    from .pipeline import run_scenario
    from .reports import check_report_folder, write_reports
    from .scenario import read_scenario, validate_scenario

    for flag, value, low in (
        ("--samples", args.samples, 1),
        ("--seed", args.seed, 0),
        ("--workers", args.workers, 1),
        ("--time-limit", args.time_limit, 0),
        ("--gap", args.gap, 0),
    ):
        if value is not None and value < low:
            raise InputError(f"{flag} must be at least {low} (got {value})")
    if args.format == "xlsx":
        import importlib.util

        if importlib.util.find_spec("openpyxl") is None:  # said before any work
            raise InputError('--format xlsx needs openpyxl: pip install "supplychain[xlsx]"')
    budgets = None
    if args.budgets is not None:
        from .optimise import parse_budgets

        budgets = parse_budgets(args.budgets, "--budgets")
    if args.exposure_controls and (args.no_exposure or args.no_analyses):
        skipped = "--no-exposure" if args.no_exposure else "--no-analyses"
        raise InputError(
            f"--exposure-controls applies the controls to the exposure LPs, which {skipped} skips; drop one of them"
        )
    if args.dask is not None:
        from .machine import check_dask_address

        check_dask_address(args.dask, "--dask")
    if args.mc_engine != "auto":  # a missing numba is reported before any work (auto needs none)
        resolve_engine(args.mc_engine)
    scenario = read_scenario(args.scenario)
    if args.overrides:
        from .sweep import parse_assignment, set_value

        for text in args.overrides:
            scenario = set_value(scenario, *parse_assignment(text))
    network = scenario.read_network()
    # everything a run checks (every id, the optimiser's members), before anything else: the
    # user's own input is what a message names first; the compiled form is the run's
    compiled = validate_scenario(network, scenario)
    out = args.out if args.out is not None else Path("reports") / scenario.name
    if not args.validate:
        check_report_folder(out)  # before any computing
    if args.solver is not None:
        from .solvers import get_solver

        get_solver(args.solver)  # an unknown or missing solver is reported before any work
    if scenario.monte_carlo is not None or args.samples is not None:  # a count beyond memory is bad input
        from .machine import check_memory
        from .montecarlo import sample_bytes

        given = args.samples is not None
        samples = args.samples if given or scenario.monte_carlo is None else scenario.monte_carlo.samples
        where = f" on network '{network.name}'"
        check_memory("--samples" if given else "monte_carlo.samples", samples, sample_bytes(network), "sample", where)
    if args.validate:
        _say(args.quiet, f"{args.scenario}: valid. {network!r}")
        for c, (name, covered) in enumerate(
            zip(compiled.control_names, compiled.coverage.sum(axis=1).tolist(), strict=True)
        ):
            edges = f"{covered} supply edge{'s' * (covered != 1)}"
            _say(args.quiet, f"  control {name}: covers {edges}{_when(compiled, c)}")
        for label, factor in zip(compiled.disruption_labels, compiled.disruption_factor, strict=True):
            hit = int((factor < 1).sum())
            _say(args.quiet, f"  disruption {label}: hits {hit} facilit{'ies' if hit != 1 else 'y'}")
        return EXIT_OK
    dask = args.dask
    if scenario.monte_carlo is None and args.samples is None:
        unused = [flag for flag, on in (("--dask", args.dask is not None), ("--workers", args.workers > 1)) if on]
        if unused:
            _warn(
                f"{' and '.join(unused)} unused: the scenario has no monte_carlo: block and no --samples was "
                "given, so no Monte Carlo runs"
            )
        dask = None  # said once, here, in the options' own words
    if budgets is not None and (scenario.optimise is None or args.no_optimise):
        why = "--no-optimise was given" if args.no_optimise else "the scenario has no optimise: block"
        _warn(f"--budgets unused: {why}")
    with warnings.catch_warnings():
        # the library's warnings (a rule that changes nothing, ...) as one line each on stderr
        warnings.simplefilter("always", UserWarning)
        warnings.showwarning = lambda message, *_args, **_kw: _warn(str(message))
        result = run_scenario(
            network,
            compiled,
            analyses=not args.no_analyses,
            exposure=not args.no_exposure,
            exposure_controls=args.exposure_controls,
            solver=args.solver,
            time_limit=args.time_limit,
            gap=args.gap,
            samples=args.samples,
            seed=args.seed,
            workers=args.workers,
            dask=dask,
            progress=not args.quiet,
            optimise=not args.no_optimise,
            engine=args.mc_engine,
            timeline=args.timeline or None,
            budgets=budgets,
        )
    if args.overrides:
        result.extras["overrides"] = list(args.overrides)
    result.timings["total_s"] = time.perf_counter() - started
    folder = write_reports(result, out, formats=["csv", args.format])
    args.written = folder
    shown = f"{folder}/" if not folder.is_symlink() else f"{folder}/ (-> {os.path.realpath(folder)}/)"
    _say(args.quiet, f"{result!r}\nreports written to {shown}")
    return EXIT_OK


def _when(compiled: Any, c: int) -> str:
    """``", in force weeks 2-51, licences decided after 8 weeks"``: a control's timing, when it
    is not simply in force all horizon long."""
    start, end, delay = (int(a[c]) for a in (compiled.control_start, compiled.control_end, compiled.control_delay))
    horizon = int(compiled.horizon_weeks)
    parts = []
    if start > 0 or end < horizon:
        parts.append(f"in force weeks {start}-{end - 1} of 0-{horizon - 1}")
    if delay > 0:
        parts.append(f"licences decided after {delay} week{'s' * (delay != 1)}")
    return ", " + ", ".join(parts) if parts else ""


def _stop_workers(*, force: bool = False) -> None:
    """Stop the worker processes this process started and that are still running: SIGTERM,
    then SIGKILL after two seconds (``force``: SIGKILL at once)."""
    with contextlib.suppress(Exception):  # best effort: each may already be gone
        children = multiprocessing.active_children()
        for child in children:
            if force:
                child.kill()
            else:
                child.terminate()
        for child in children:
            child.join(timeout=2)
            if child.is_alive():
                child.kill()
                child.join(timeout=2)


@dataclass
class _Stop:
    """The signal that stopped the run, once one did."""

    signum: int | None = None


@contextlib.contextmanager
def _stopping_on_signals(stop: _Stop) -> Iterator[None]:
    """SIGINT and SIGTERM raise ``Interrupted`` in this process.

    The exception unwinds the run: a Monte Carlo process pool cancels the blocks not started
    and its workers finish the ones they hold (a worker killed while it sends a result would
    leave the pool waiting for the rest of it forever), temporary folders are removed, and
    ``main`` stops any worker still running. A worker process forked meanwhile inherits the
    handler: there SIGINT (which a terminal sends to every process of the job) is ignored and
    SIGTERM ends it at once, so that only this process decides. A second signal while the run
    unwinds kills the workers and ends the process at once; threads that fail after the first
    end quietly. ``stop.signum`` records the signal: an exception raised as the interrupt tore
    through a library's internals (a lock released twice) still counts as the interrupt.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    own_pid = os.getpid()
    excepthook = threading.excepthook

    def handler(signum: int, frame: FrameType | None) -> None:
        if os.getpid() != own_pid:  # a forked worker
            if signum == signal.SIGTERM:
                os._exit(128 + signum)
            return
        if stop.signum is not None:  # a second signal: stop at once
            _stop_workers(force=True)
            with contextlib.suppress(OSError, ValueError):
                sys.stderr.write(f"interrupted again ({signal.Signals(signum).name}): stopped at once\n")
                sys.stderr.flush()
            os._exit(128 + signum)
        stop.signum = signum
        raise Interrupted(signum)

    def quiet_after_stop(hook_args: Any) -> None:
        if stop.signum is None:
            excepthook(hook_args)

    previous = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    for s in previous:
        signal.signal(s, handler)
    threading.excepthook = quiet_after_stop
    try:
        yield
    finally:
        for s, h in previous.items():
            signal.signal(s, h if h is not None else signal.SIG_DFL)
        threading.excepthook = excepthook


def _broken_pipe() -> int:
    """Standard output was closed early (``| head``): stop quietly (the Python docs' pattern:
    point stdout at devnull so that the final flush at exit does not fail again)."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    return EXIT_BROKEN_PIPE


def _interrupted(exc: BaseException, signum: int, args: argparse.Namespace) -> int:
    """The one line and exit code of a run a signal stopped."""
    _stop_workers()
    from .progress import end_line

    end_line()
    written = args.written or getattr(exc, "written_report", None)
    done = f"the reports were written to {written}/" if written else "no report written"
    print(f"interrupted ({signal.Signals(signum).name}): stopped; {done}", file=sys.stderr, flush=True)
    return 128 + signum


def _failed(exc: Exception, args: argparse.Namespace) -> int:
    """The message and exit code of a run that raised ``exc``."""
    if isinstance(exc, InputError | SolverError | SupplychainError):
        print(f"error: {exc}", file=sys.stderr)
        if isinstance(exc, InputError):
            return EXIT_INPUT
        if isinstance(exc, SolverError):
            return EXIT_INPUT if "available" in str(exc) or "unknown" in str(exc) else EXIT_INTERNAL
        return EXIT_INTERNAL
    if args.debug:  # a bug: say so, keep the traceback for a report
        traceback.print_exception(exc)
    print(
        f"internal error: {type(exc).__name__}: {exc}\n"
        "This is a bug in supplychain; please report it with the scenario (rerun with --debug "
        "for the traceback).",
        file=sys.stderr,
    )
    return EXIT_INTERNAL


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``run_scenario.py``, ``python -m supplychain`` and the ``run-scenario``
    console command: ``SCENARIO.yaml [options]``, or the subcommands ``schema`` and ``backtest``."""
    argv = sys.argv[1:] if argv is None else list(argv)
    args = argparse.Namespace(debug="--debug" in argv, written=None)
    stop = _Stop()
    try:
        with _stopping_on_signals(stop):
            if argv[:1] == ["schema"]:
                return schema(argv[1:])
            if argv[:1] == ["backtest"]:
                return backtest(argv[1:])
            if argv[:1] == ["import-eto"]:
                return import_eto(argv[1:])
            if argv[:1] == ["list"]:
                return list_bundled(argv[1:])
            if argv[:1] == ["new"]:
                return new_scenario(argv[1:])
            if argv[:1] == ["compare"]:
                return compare_folders(argv[1:])
            if argv[:1] == ["run"]:
                argv = argv[1:]
            elif argv[:1] == ["validate"]:
                argv = [*argv[1:], "--validate"]
            args = _parser().parse_args(argv, namespace=args)
            try:
                return run(args)
            finally:
                with contextlib.suppress(BrokenPipeError):
                    sys.stdout.flush()
    except SystemExit:
        raise
    except BrokenPipeError:
        return _broken_pipe()
    except KeyboardInterrupt as exc:
        return _interrupted(exc, stop.signum or signal.SIGINT, args)
    except Exception as exc:
        if stop.signum is not None:  # raised while the signal unwound a library's internals
            return _interrupted(exc, stop.signum, args)
        return _failed(exc, args)


if __name__ == "__main__":
    sys.exit(main())
