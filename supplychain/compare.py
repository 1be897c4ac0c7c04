"""Scenarios side by side (docs/model.md §7): ``sc.compare(*results)`` and ``supplychain compare``.

Each scenario is a ``StressResult`` or a report folder a run wrote. The comparison is a tidy
table, one row per (scenario, country, kind, metric): per country and kind the ``capacity``,
``lost_capacity`` (units per week) and ``lost_share`` (0–1) of countries.csv, and for the world
(country ``World``, kind ``all``) every numeric metric of summary.csv. The first scenario is the
baseline: ``differences`` gives each metric's change from it in every other scenario, and
``facilities`` each facility's availability in every scenario with its change, largest first.
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .errors import InputError

if TYPE_CHECKING:
    from .results import StressResult

__all__ = ["Comparison", "compare"]

WORLD = ("World", "all")
"""The (country, kind) of world totals: the summary metrics of each scenario."""

METRIC_ORDER = {"lost_share": 0, "lost_capacity": 1, "capacity": 2}
"""The order of the per-country metrics in ``differences`` (after the world's)."""

TOLERANCE = 1e-9
"""Changes at or below this (absolute) count as none."""


@dataclass
class _Run:
    name: str
    countries: pd.DataFrame
    summary: pd.DataFrame
    facilities: pd.DataFrame


def _from_result(result: StressResult) -> _Run:
    return _Run(result.scenario.name, result.table("countries"), result.table("summary"), result.table("facilities"))


def _from_folder(folder: Path) -> _Run:
    if not folder.is_dir():
        raise InputError(f"compare: {folder} is not a report folder (no such folder)")
    needed = ["countries.csv", "summary.csv", "facilities.csv"]
    missing = [n for n in needed if not (folder / n).is_file()]
    if missing:
        raise InputError(
            f"compare: {folder} is not a report folder of supplychain: it lacks {', '.join(missing)} "
            "(give folders that a run wrote, e.g. reports/<scenario>/)"
        )
    name = folder.name
    info = folder / "run.json"
    if info.is_file():
        with contextlib.suppress(ValueError, OSError):
            name = str(json.loads(info.read_text(encoding="utf-8")).get("scenario") or name)
    try:
        countries = pd.read_csv(folder / "countries.csv", keep_default_na=False, na_values=[""])
        summary = pd.read_csv(folder / "summary.csv", keep_default_na=False, na_values=[""])
        facilities = pd.read_csv(folder / "facilities.csv", keep_default_na=False, na_values=[""])
    except (ValueError, OSError, pd.errors.ParserError) as exc:
        raise InputError(f"compare: {folder}: cannot read its CSV files ({exc})") from None
    for table, cols in (
        (countries, ["country", "kind", "capacity", "lost_capacity", "lost_share"]),
        (summary, ["metric", "value"]),
        (facilities, ["facility", "country", "kind", "availability"]),
    ):
        lacking = [c for c in cols if c not in table.columns]
        if lacking:
            raise InputError(f"compare: {folder}: a report table lacks the columns {', '.join(lacking)}")
    return _Run(name, countries, summary, facilities)


@dataclass
class Comparison:
    """Scenarios side by side. ``table``: tidy (scenario, country, kind, metric, value);
    ``differences``: per (country, kind, metric) the baseline's value, another scenario's, and the
    change (that scenario − baseline): the world's metrics first, then each country's
    ``lost_share``, ``lost_capacity`` and ``capacity``, within each metric the largest change
    first; ``facilities``: facility, country, kind, the availability (0–1) in each scenario
    (one column per scenario) and ``change`` (the last scenario − the first), largest first."""

    scenarios: list[str]
    table: pd.DataFrame
    differences: pd.DataFrame
    facilities: pd.DataFrame

    def wide(self, metric: str = "lost_share") -> pd.DataFrame:
        """One metric per (country, kind) in rows and scenario in columns (the world's row
        for a summary metric)."""
        rows = self.table[self.table["metric"] == metric]
        if rows.empty:
            known = ", ".join(sorted(self.table["metric"].unique()))
            raise KeyError(f"no metric {metric!r}; metrics: {known}")
        out = rows.pivot_table(index=["country", "kind"], columns="scenario", values="value", aggfunc="first")
        return out.reindex(columns=self.scenarios)

    def plot(self, ax: Any = None, kind: str = "compute", top: int = 15) -> Any:
        """Grouped bars of each country's lost share of its own ``kind`` capacity in every
        scenario (countries that lose most in any scenario first; needs matplotlib)."""
        import matplotlib.pyplot as plt

        shares = self._shares(kind, top)
        if ax is None:
            _, ax = plt.subplots(figsize=(8, 0.35 * max(len(shares), 3) + 1))
        shares.iloc[::-1].mul(100).plot.barh(ax=ax)
        ax.set_xlabel(f"{kind} capacity lost, % of each country's own")
        ax.set_ylabel("")
        ax.set_title(f"{' vs '.join(self.scenarios)}: {kind} lost by country")
        return ax

    def _shares(self, kind: str, top: int) -> pd.DataFrame:
        wide = self.wide("lost_share")
        rows = wide[wide.index.get_level_values("kind") == kind].droplevel("kind").fillna(0.0)
        order = rows.max(axis=1).sort_values(ascending=False, kind="stable")
        return rows.loc[order.index[order > TOLERANCE][:top]]

    def to_html(self, top: int = 30) -> str:
        """A self-contained page (inline SVG, inline styles, nothing from the network)."""
        from .svg import bar_chart

        parts = [
            "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
            f"<title>Comparison: {escape(' vs '.join(self.scenarios))}</title>",
            f"<style>{_CSS}</style></head><body>",
            f"<h1>{escape(' vs '.join(self.scenarios))}</h1>",
            f"<p>Baseline: <b>{escape(self.scenarios[0])}</b>; each change is a scenario's value less "
            "the baseline's.</p>",
            "<ul>",
        ]
        for name in self.scenarios:
            parts.append(f"<li>{escape(_headline(self.table, name))}</li>")
        parts.append("</ul>")
        for kind in ("compute", "foundry", "memory"):
            shares = self._shares(kind, 15)
            if shares.empty:
                continue
            series = {s: shares[s].tolist() for s in self.scenarios}
            parts.append(
                bar_chart(
                    [str(c) for c in shares.index],
                    series,
                    title=f"{kind} capacity lost, % of each country's own",
                )
            )
        parts.append("<h2>Largest changes</h2>")
        parts.append(_html_table(self.differences.head(top)))
        parts.append("<h2>Facilities whose availability changes most</h2>")
        parts.append(_html_table(self.facilities.head(top)))
        parts.append("</body></html>")
        return "\n".join(parts)

    def __repr__(self) -> str:
        names = ", ".join(self.scenarios)
        return f"<Comparison of {len(self.scenarios)} scenarios: {names}; {len(self.differences)} changes>"


_CSS = (
    "body{font-family:sans-serif;max-width:1000px;margin:2em auto;color:#222}"
    "table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ccc;padding:3px 6px;text-align:right}"
    "th{background:#f0f0f0}td:first-child,th:first-child{text-align:left}"
)


def _headline(table: pd.DataFrame, name: str) -> str:
    rows = table[(table["scenario"] == name) & (table["country"] == WORLD[0]) & (table["kind"] == WORLD[1])]
    m = dict(zip(rows["metric"], rows["value"], strict=True))
    if "compute_lost_share" not in m:
        return name
    return (
        f"{name}: the world loses {100 * m['compute_lost_share']:.1f} % of the AI compute it would bring online "
        f"per week ({m.get('compute_lost', float('nan')):.6g} of {m.get('compute_capacity', float('nan')):.6g} "
        f"H100-equivalents); final output lost {100 * m.get('lost_output_share', float('nan')):.1f} %"
    )


def _html_table(frame: pd.DataFrame) -> str:
    head = "".join(f"<th>{escape(str(c))}</th>" for c in frame.columns)
    body = []
    for row in frame.itertuples(index=False):
        cells = []
        for v in row:
            if isinstance(v, float | np.floating):
                cells.append("" if np.isnan(v) else f"{v:.6g}")
            else:
                cells.append(escape(str(v)))
        body.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    return f"<table><tr>{head}</tr>{''.join(body)}</table>"


def compare(*results: StressResult | str | Path) -> Comparison:
    """Scenarios side by side: ``sc.compare(res_a, res_b, ...)`` with results of ``sc.stress``
    or ``sc.run_scenario``, or report folders a run wrote. The first is the baseline. Returns a
    ``Comparison`` (tidy ``table``, ``differences``, ``facilities``, ``wide()``, ``plot()``).

    >>> import supplychain as sc
    >>> a = sc.stress(None, "tiny-export-controls")
    >>> b = sc.stress(None, sc.Scenario.model_validate(
    ...     {"name": "no-litho", "extends": "tiny-export-controls", "remove": ["nl-litho"]}))
    >>> cmp = sc.compare(a, b)
    >>> cmp.wide().loc[("CHN", "compute")].round(3).tolist()
    [0.875, 0.815]
    >>> top = cmp.facilities.iloc[0]
    >>> str(top["facility"]), float(top["change"])
    ('fab_cn', 0.75)
    """
    if len(results) < 2:
        raise InputError(f"compare needs at least two scenarios (got {len(results)})")
    runs = []
    for r in results:
        if isinstance(r, str | Path):
            runs.append(_from_folder(Path(r)))
        elif hasattr(r, "countries") and hasattr(r, "summary"):
            runs.append(_from_result(r))
        else:
            raise InputError(f"compare: each argument is a StressResult or a report folder, not {type(r).__name__}")
    names: list[str] = []
    for run in runs:  # the same scenario twice (two report folders of one file): keep them apart
        name, n = run.name, 2
        while name in names:
            name, n = f"{run.name}#{n}", n + 1
        names.append(name)
        run.name = name
    table = pd.concat([_tidy(run) for run in runs], ignore_index=True)
    return Comparison(names, table, _differences(table, names), _facility_changes(runs))


def _tidy(run: _Run) -> pd.DataFrame:
    per = run.countries[["country", "kind", "capacity", "lost_capacity", "lost_share"]].melt(
        id_vars=["country", "kind"], var_name="metric", value_name="value"
    )
    summary = run.summary.copy()
    summary["value"] = pd.to_numeric(summary["value"], errors="coerce")
    summary = summary[summary["value"].notna() & ~summary["metric"].astype(str).str.contains(r"[\[:]", regex=True)]
    world = pd.DataFrame(
        {"country": WORLD[0], "kind": WORLD[1], "metric": summary["metric"].astype(str), "value": summary["value"]}
    )
    out = pd.concat([per, world], ignore_index=True)
    out.insert(0, "scenario", run.name)
    out["value"] = out["value"].astype(float)
    return out[["scenario", "country", "kind", "metric", "value"]]


def _differences(table: pd.DataFrame, names: list[str]) -> pd.DataFrame:
    key = ["country", "kind", "metric"]
    base = table[table["scenario"] == names[0]].set_index(key)["value"]
    frames = []
    for name in names[1:]:
        other = table[table["scenario"] == name].set_index(key)["value"]
        joined = pd.concat([base.rename("baseline"), other.rename("value")], axis=1).fillna(0.0)
        joined["change"] = joined["value"] - joined["baseline"]
        joined.insert(0, "scenario", name)
        frames.append(joined.reset_index())
    out = pd.concat(frames, ignore_index=True)
    out = out[out["change"].abs() > TOLERANCE]
    order = np.argsort(-out["change"].abs().to_numpy(), kind="stable")
    return out.iloc[order].reset_index(drop=True)[
        ["scenario", "country", "kind", "metric", "baseline", "value", "change"]
    ]


def _facility_changes(runs: list[_Run]) -> pd.DataFrame:
    first = runs[0].facilities[["facility", "country", "kind"]]
    out = first.copy()
    for run in runs:
        out[run.name] = out["facility"].map(run.facilities.set_index("facility")["availability"]).astype(float)
    out["change"] = out[runs[-1].name] - out[runs[0].name]
    out = out[out["change"].abs() > TOLERANCE]
    order = np.argsort(-out["change"].abs().to_numpy(), kind="stable")
    return out.iloc[order].reset_index(drop=True)
