"""Backtests (docs/model.md §8): the model held against what was observed after real events.

A scenario file may carry an ``observed:`` block, each entry a measured outcome of the event
the scenario writes down (a selection of facilities, a metric, a window of weeks, the
observed range and its source). ``observations`` computes each metric from a run's static
availability and, where the metric needs it, its week-by-week timeline; ``run_backtests``
runs files or folders of them for ``python -m supplychain backtest``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .errors import InputError, Problem

if TYPE_CHECKING:
    from .compile import CompiledScenario

__all__ = ["BACKTEST_COLUMNS", "RECOVERED_SHARE", "BacktestRun", "observations", "run_backtests"]

BACKTEST_COLUMNS = ["observation", "metric", "low", "high", "model", "within", "source"]
"""The columns of backtest.csv (docs/model.md §6, §8)."""

RECOVERED_SHARE = 0.05
"""``recovery_week``: the weekly lost share at or below which a selection counts as recovered."""

WITHIN_TOLERANCE = 1e-9
"""A model value within this of the observed range counts as inside it (rounding)."""


def observations(
    compiled: CompiledScenario,
    alpha: np.ndarray,
    weekly: np.ndarray | None,
    adaptive: np.ndarray | None = None,
) -> pd.DataFrame:
    """backtest.csv: per observation of the scenario its metric on the model, against the
    observed range.

    ``alpha`` (N,) is the static availability, ``weekly`` (weeks × N) the timeline's and
    ``adaptive`` (N,) the adaptive stress's (each None when no observation needs it). Weights
    are value · capacity of the selected facilities; the weekly lost share of week t is
    Σ w (1 − α_v(t)) / Σ w.
    """
    scenario, arr = compiled.scenario, compiled.network.arrays
    weight = arr.value * arr.capacity
    horizon = int(compiled.horizon_weeks)
    rows = []
    for o, obs in enumerate(scenario.observed):
        chosen = compiled.observed_select[o]
        w = weight[chosen]
        total = float(w.sum())
        if obs.metric == "lost_share":
            model = float(w @ (1.0 - alpha[chosen])) / total if total > 0 else 0.0
        elif obs.metric == "lost_share_adaptive":
            if adaptive is None:
                raise InputError(f"observation {obs.name!r}: metric {obs.metric} needs the adaptive stress")
            model = float(w @ (1.0 - np.clip(adaptive[chosen], 0.0, 1.0))) / total if total > 0 else 0.0
            model = 0.0 if abs(model) < 1e-9 else model
        else:
            if weekly is None:
                raise InputError(f"observation {obs.name!r}: metric {obs.metric} needs the timeline")
            lost = ((1.0 - weekly[:, chosen]) @ w) / total if total > 0 else np.zeros(horizon)
            lost = np.where(np.abs(lost) < 1e-12, 0.0, lost)
            start, end = obs.window(horizon)
            if obs.metric == "lost_share_timeline":
                model = float(lost[start:end].mean())
            elif obs.metric == "worst_week_lost_share":
                model = float(lost[start:end].max())
            else:  # recovery_week: from which week on the loss stays small to the end
                above = np.flatnonzero(lost > RECOVERED_SHARE + WITHIN_TOLERANCE)
                model = float(above[-1] + 1) if len(above) else 0.0  # H when the last week is above
        low, high = obs.range
        within = low - WITHIN_TOLERANCE <= model <= high + WITHIN_TOLERANCE
        rows.append((obs.name, obs.metric, low, high, model, within, obs.source))
    return pd.DataFrame(rows, columns=BACKTEST_COLUMNS).astype({"within": bool})


@dataclass(frozen=True)
class BacktestRun:
    """The outcome of ``run_backtests``: one row per observation of every file (``table``,
    backtest.csv's columns with the ``file`` first), and how many lie within range."""

    table: pd.DataFrame

    @property
    def within(self) -> int:
        return int(self.table["within"].sum())

    @property
    def total(self) -> int:
        return len(self.table)

    @property
    def passed(self) -> bool:
        return self.within == self.total

    def summary(self) -> str:
        """The command's last line: ``backtests: K/N observations within range``."""
        return f"backtests: {self.within}/{self.total} observations within range"


def backtest_files(paths: Sequence[str | Path]) -> list[Path]:
    """The scenario files named: each file as given, each folder's ``*.yaml`` and ``*.yml``
    sorted by name, leaving out network files a folder may hold beside them (a top level with a
    ``facilities`` table). A path that does not exist, or a folder without scenarios, is bad
    input."""
    files: list[Path] = []
    problems = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            found = [f for f in sorted([*path.glob("*.yaml"), *path.glob("*.yml")]) if not _is_network(f)]
            if not found:
                problems.append(Problem(str(path), "is a folder without .yaml scenario files"))
            files += found
        elif path.is_file():
            files.append(path)
        else:
            problems.append(Problem(str(path), "no such file or folder (give backtest scenario files or folders)"))
    if problems:
        raise InputError("backtest: nothing to run", problems)
    return files


def _is_network(path: Path) -> bool:
    """Whether a YAML file is a network (its first top-level keys name tables), read cheaply."""
    try:
        with path.open(encoding="utf-8") as f:
            head = f.read(4096)
    except OSError:
        return False
    return any(line.startswith(("facilities:", "supplies:", "recipes:")) for line in head.splitlines())


def run_backtests(paths: Sequence[str | Path], *, engine: str = "numpy") -> BacktestRun:
    """Run every backtest file (a scenario with an ``observed:`` block) of ``paths``: its static
    stress and, when an observation needs it, its timeline and its adaptive stress; no other
    analyses, Monte Carlo or optimiser. Every file is read and checked before any runs: a bad one is an ``InputError``
    listing the problems of all of them. A file without observations is bad input."""
    from .analysis import adaptive_stress
    from .scenario import validate_scenario
    from .stress import stress
    from .timeline import timeline

    files = backtest_files(paths)
    compiled = []
    problems: list[Problem] = []
    for path in files:
        try:
            one = validate_scenario(None, path)
        except InputError as exc:
            problems += [Problem(exc.summary, "")] if not exc.problems else exc.problems
            continue
        if not one.scenario.observed:
            problems.append(Problem(str(path), "has no observed: block, so there is nothing to hold the model against"))
            continue
        compiled.append((path, one))
    if problems:
        raise InputError("backtest: invalid files", problems)
    tables = []
    for path, one in compiled:
        alpha = stress(None, one).facilities["availability"].to_numpy(dtype=float)
        weekly = timeline(None, one, engine=engine).availability.to_numpy() if one.scenario.needs_timeline else None
        adaptive = (
            np.asarray(adaptive_stress(None, one).availability, dtype=float)
            if one.scenario.observations_need_adaptive
            else None
        )
        table = observations(one, alpha, weekly, adaptive)
        table.insert(0, "file", str(path))
        tables.append(table)
    columns = ["file", *BACKTEST_COLUMNS]
    return BacktestRun(pd.concat(tables, ignore_index=True) if tables else pd.DataFrame(columns=columns))
