"""Overrides and sweeps (docs/model.md §7): change one value of a scenario by its path, or run a
grid of values.

A path names a value the way the scenario file writes it, with controls, disruptions and
observations named by their ``name``: ``controls.us-4a090-d1-d4.licence_approval``,
``disruptions.taiwan-blockade.weeks``, ``controls.us-3a090a-tpp.where.tpp.min``,
``horizon_weeks``, ``monte_carlo.samples``. ``set_value`` returns a new, validated scenario;
``sweep`` stresses the scenario at every point of a grid and returns a tidy table.

A sweep compiles the scenario once: a point that changes only a rule's timing or strength
(``licence_approval``, ``licence_delay_weeks``, ``start_week``, ``end_week``, ``probability`` of
a control; ``capacity_factor``, ``start_week``, ``weeks``, ``ramp_weeks``, ``probability`` of a
disruption) updates that rule's rows of the compiled arrays; any other change (items,
destinations, reach, the horizon, ...) compiles the changed scenario again. The network's
arrays are built once either way.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .compile import _suggest, control_weeks, disruption_weeks
from .errors import InputError, Problem
from .scenario import SECTIONS, CompiledScenario, Scenario, check_scenario, prepare

if TYPE_CHECKING:
    from .network import Network

__all__ = ["SweepResult", "set_value", "sweep"]

TIMING_FIELDS = {
    "controls": ("licence_approval", "licence_delay_weeks", "start_week", "end_week", "probability"),
    "disruptions": ("capacity_factor", "start_week", "weeks", "ramp_weeks", "probability"),
}
"""Fields a sweep changes in the compiled arrays without compiling again."""


def _label(entry: Any, section: str) -> str:
    return str(entry.label if section == "disruptions" else entry.name)


def _split(scenario: Scenario, path: str) -> tuple[str, int | None, list[str]]:
    """(section or top-level key, entry index or None, field path within it)."""
    parts = path.split(".")
    head = parts[0]
    if head in SECTIONS:
        entries = getattr(scenario, head)
        names = [_label(e, head) for e in entries]
        rest = path[len(head) + 1 :]
        matches = [i for i, n in enumerate(names) if rest == n or rest.startswith(n + ".")]
        if not matches:
            guess = rest.split(".")[0]
            raise InputError(
                f"cannot set {path!r}",
                [
                    Problem(
                        path,
                        f"{head} has no entry named {guess!r}{_suggest(guess, names)}"
                        f" ({head}: {', '.join(names) or 'none'})",
                    )
                ],
            )
        i = max(matches, key=lambda j: len(names[j]))  # the longest name that fits (names may hold dots)
        field = rest[len(names[i]) + 1 :]
        if not field:
            raise InputError(
                f"cannot set {path!r}", [Problem(path, f"give a field of {head} {names[i]!r}, e.g. {path}.probability")]
            )
        return head, i, field.split(".")
    fields = [f for f in Scenario.model_fields if f not in ("extends", "remove")]
    if head not in fields:
        raise InputError(f"cannot set {path!r}", [Problem(path, f"unknown key {head!r}{_suggest(head, fields)}")])
    return head, None, parts[1:]


def set_value(scenario: Scenario, path: str, value: Any) -> Scenario:
    """A copy of ``scenario`` with the value at ``path`` (module docstring) replaced, validated
    like a file; an unknown name or key is an ``InputError`` with the nearest valid one.

    >>> import supplychain as sc
    >>> s = sc.set_value(sc.read_scenario("tiny-export-controls"), "controls.us-chips.licence_approval", 0.5)
    >>> s.controls[1].licence_approval
    0.5
    """
    head, index, field = _split(scenario, path)
    data = scenario.model_dump(by_alias=True, exclude_unset=True)
    data.pop("extends", None)
    data.pop("remove", None)
    target: Any = data
    keys: list[Any] = [head] if index is None else [head, index]
    keys += field
    for key in keys[:-1]:
        if isinstance(target, dict):
            target = target.setdefault(key, {})
        elif isinstance(target, list) and isinstance(key, int):
            target = target[key]
        else:
            raise InputError(f"cannot set {path!r}", [Problem(path, f"{key!r} holds no keys")])
    if not isinstance(target, dict):
        raise InputError(f"cannot set {path!r}", [Problem(path, "the value there holds no keys")])
    target[keys[-1]] = value
    try:
        new = Scenario.model_validate(data)
    except InputError as exc:
        raise InputError(f"cannot set {path!r} to {value!r}", exc.problems) from None
    new._source = scenario._source
    new._lines = scenario._lines
    new._files = list(scenario._files)
    return new


def _recompiled(
    compiled: CompiledScenario, scenario: Scenario, changes: list[tuple[str, int | None, list[str]]]
) -> CompiledScenario:
    """``compiled`` with the rows of the changed rules updated (timing and strength only), or a
    fresh compilation when some change reaches beyond them."""
    fast = all(
        index is not None and len(field) == 1 and field[0] in TIMING_FIELDS.get(head, ())
        for head, index, field in changes
    )
    if not fast or scenario.horizon_weeks != compiled.horizon_weeks:
        return prepare(compiled.network, scenario, "sweep")
    horizon = compiled.horizon_weeks
    update: dict[str, Any] = {"scenario": scenario}
    if any(head == "controls" for head, _, _ in changes):
        controls = scenario.controls
        update |= {
            "approval": np.array([c.licence_approval for c in controls], dtype=float),
            "control_probability": np.array([c.probability for c in controls], dtype=float),
            "control_start": np.array([min(c.start_week, horizon) for c in controls], dtype=np.int64),
            "control_end": np.array(
                [horizon if c.end_week is None else min(c.end_week, horizon) for c in controls], dtype=np.int64
            ),
            "control_delay": np.array([c.licence_delay_weeks for c in controls], dtype=np.int64),
            "control_weeks": np.array([control_weeks(c, horizon) for c in controls], dtype=float).reshape(
                len(controls), horizon
            ),
        }
    if any(head == "disruptions" for head, _, _ in changes):
        shocks = scenario.disruptions
        weekly = np.array([disruption_weeks(d, horizon) for d in shocks], dtype=float).reshape(len(shocks), horizon)
        factor = np.where(compiled.disruption_hit, weekly.mean(axis=1)[:, None], 1.0)
        update |= {
            "disruption_weeks": weekly,
            "disruption_factor": factor,
            "disruption_probability": np.array([d.probability for d in shocks], dtype=float),
        }
    return dataclasses.replace(compiled, **update)


@dataclasses.dataclass
class SweepResult:
    """A sweep's points and what each does. ``table`` is tidy: one column per swept path, then
    country, kind, metric, value (per country and kind ``capacity``, ``lost_capacity`` in units
    per week and ``lost_share`` 0–1; for the world, country ``World`` and kind ``all``, every
    numeric summary metric); ``points`` lists the grid (one row per point)."""

    parameters: list[str]
    points: pd.DataFrame
    table: pd.DataFrame

    def wide(self, metric: str = "lost_share", kind: str = "compute") -> pd.DataFrame:
        """``metric`` per point (rows: the swept values) and country (columns) for one kind."""
        rows = self.table[(self.table["metric"] == metric) & (self.table["kind"] == kind)]
        return rows.pivot_table(index=self.parameters, columns="country", values="value", aggfunc="first")

    def plot(self, ax: Any = None, kind: str = "compute", top: int = 8) -> Any:
        """Lines of each country's lost share of its own ``kind`` capacity against the first swept
        parameter (the countries that lose most at any point; needs matplotlib)."""
        import matplotlib.pyplot as plt

        wide = self.wide("lost_share", kind)
        if len(self.parameters) > 1:
            wide = wide.groupby(level=0).mean()
        order = wide.max(axis=0).sort_values(ascending=False, kind="stable")
        shown = [c for c in order.index[:top] if order[c] > 0]
        if ax is None:
            _, ax = plt.subplots(figsize=(8, 4))
        for country in shown:
            ax.plot(wide.index, 100 * wide[country], marker="o", label=str(country))
        ax.set_xlabel(self.parameters[0])
        ax.set_ylabel(f"{kind} lost, % of each country's own")
        ax.set_ylim(0, 100)
        ax.set_title(f"Sweep of {self.parameters[0]}")
        if shown:
            ax.legend()
        return ax

    def __repr__(self) -> str:
        return f"<SweepResult: {len(self.points)} points over {', '.join(self.parameters)}>"


def sweep(
    network: Network | None,
    scenario: Scenario | CompiledScenario | str | Any,
    grid: Mapping[str, Sequence[Any]],
) -> SweepResult:
    """Stress ``scenario`` at every point of ``grid`` (path -> values; several paths make a
    grid of every combination, the first path varying slowest).

    >>> import supplychain as sc
    >>> res = sc.sweep(None, "tiny-export-controls", {"controls.us-chips.licence_approval": [0.0, 0.2, 1.0]})
    >>> res.wide().loc[:, "CHN"].round(4).tolist()
    [1.0, 0.875, 0.375]
    """
    from .stress import stress

    if not grid:
        raise InputError(
            "sweep: give at least one path and its values, e.g. {'controls.NAME.licence_approval': [0, 1]}"
        )
    compiled = prepare(network, scenario, "sweep")
    base = check_scenario(compiled.scenario, "sweep")
    paths = list(grid)
    for path in paths:
        values = grid[path]
        if isinstance(values, str | bytes) or not isinstance(values, Sequence) or len(values) == 0:
            raise InputError(f"sweep: {path!r} needs a non-empty list of values (got {values!r})")
    splits = {path: _split(base, path) for path in paths}
    rows = []
    tables = []
    for point in itertools.product(*(grid[p] for p in paths)):
        scen = base
        for path, value in zip(paths, point, strict=True):
            scen = set_value(scen, path, value)
        changed = _recompiled(compiled, scen, list(splits.values()))
        res = stress(None, changed)
        rows.append(dict(zip(paths, point, strict=True)))
        tables.append(_tidy(res, dict(zip(paths, point, strict=True))))
    return SweepResult(paths, pd.DataFrame(rows), pd.concat(tables, ignore_index=True))


def _tidy(result: Any, point: dict[str, Any]) -> pd.DataFrame:
    per = result.table("countries")[["country", "kind", "capacity", "lost_capacity", "lost_share"]].melt(
        id_vars=["country", "kind"], var_name="metric", value_name="value"
    )
    summary = result.table("summary")
    summary = summary[~summary["metric"].astype(str).str.contains(r"[\[:]", regex=True)]
    world = pd.DataFrame({"country": "World", "kind": "all", "metric": summary["metric"], "value": summary["value"]})
    out = pd.concat([per, world], ignore_index=True)
    for i, (path, value) in enumerate(point.items()):
        out.insert(i, path, [value] * len(out))
    out["value"] = out["value"].astype(float)
    return out


def parse_assignment(text: str) -> tuple[str, Any]:
    """``"controls.x.licence_approval=0.5"`` -> (path, value), the value read as YAML (numbers,
    booleans, null, lists: ``[CHN, MAC]``); for ``--set`` on the command line."""
    import yaml

    path, sep, raw = text.partition("=")
    if not sep or not path.strip():
        raise InputError(f"--set {text!r}: write PATH=VALUE, e.g. --set controls.NAME.licence_approval=0.5")
    try:
        value = yaml.safe_load(raw) if raw.strip() else None
    except yaml.YAMLError as exc:
        raise InputError(f"--set {text!r}: the value is not YAML ({exc.__class__.__name__})") from None
    return path.strip(), value
