"""Result objects: the tables a run produces, with a short text repr.

Inputs and results never share a table: a ``StressResult`` holds new DataFrames derived from
the network and the engine's arrays.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .schema import KINDS

if TYPE_CHECKING:
    from .network import Network
    from .scenario import Scenario

__all__ = ["INDEX", "Attribution", "StressResult"]

_TOLERANCE = 1e-9

INDEX: dict[str, tuple[str, ...]] = {
    "facilities": ("facility",),
    "countries": ("country", "kind"),
    "controls": ("control",),
    "disruptions": ("disruption",),
    "concentration": ("item",),
    "chokepoints": ("level", "name"),
    "exposure": ("facility",),
    "monte_carlo": ("country", "kind"),
    "timeline": ("week", "country", "kind"),
    "companies": ("company",),
    "frontier": ("budget",),
    "backtest": ("observation",),
}
"""What each table of a ``StressResult`` is indexed by: the key columns of its report file
(docs/model.md §6), which the Python tables hold as their index instead."""

_TABLES = (
    "facilities",
    "countries",
    "controls",
    "disruptions",
    "concentration",
    "chokepoints",
    "exposure",
    "timeline",
    "backtest",
    "monte_carlo",
    "strategy",
    "frontier",
    "companies",
)
"""The result's tables, in the order the report files are written (summary.csv last)."""

_COUNTRY_METRIC = re.compile(r"^(?P<metric>[^\[\]]+)\[(?P<country>[^\[\]]+)\]$")


def _indexed(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` as the Python API shows it: indexed by ``INDEX[name]`` (a frame that already is
    comes back as it is; a table without a key, ``strategy``, keeps its index), with empty text
    cells as NaN."""
    keys = list(INDEX.get(name, ()))
    copied = False
    if keys and list(frame.index.names) != keys:
        if not set(keys) <= set(frame.columns):
            raise ValueError(f"the {name} table needs the key columns {keys}; it has {list(frame.columns)}")
        frame, copied = frame.set_index(keys), True
    for column in frame.columns:
        values = frame[column]
        if values.dtype == object or isinstance(values.dtype, pd.StringDtype):
            blank = (values == "").to_numpy(dtype=bool)
            if blank.any():
                if not copied:
                    frame, copied = frame.copy(), True
                frame[column] = values.where(~blank, np.nan)
    return frame


def _metric_tables(metrics: pd.DataFrame) -> tuple[pd.Series, pd.DataFrame]:
    """Split summary.csv's rows (metric, value) into the world's metrics, a Series indexed by
    ``metric``, and the per-country ones (``compute_lost[CHN]``, …): a table indexed by
    ``country`` with a column per metric, countries sorted, metrics in the order they come."""
    names = pd.Series([str(m) for m in metrics["metric"]], dtype=object)
    parts = names.str.extract(_COUNTRY_METRIC) if len(names) else pd.DataFrame({"metric": [], "country": []})
    per_country = parts["metric"].notna().to_numpy()
    values = metrics["value"].to_numpy(dtype=float)
    world = pd.Series(values[~per_country], index=pd.Index(names[~per_country], name="metric"), name="value")
    rows = pd.DataFrame(
        {
            "country": parts["country"][per_country].to_numpy(dtype=object),
            "metric": parts["metric"][per_country].to_numpy(dtype=object),
            "value": values[per_country],
        }
    )
    order = list(dict.fromkeys(rows["metric"]))
    by_country = (
        rows.pivot_table(index="country", columns="metric", values="value", aggfunc="first", sort=True)
        .reindex(columns=order)
        .rename_axis(columns=None)
    )
    if by_country.empty:
        by_country = pd.DataFrame(index=pd.Index([], name="country", dtype=object))
    return world, by_country


@dataclass
class Attribution:
    """Shapley attribution of every facility's lost capacity among a scenario's rules
    (docs/model.md §3.4); ``sc.attribute`` builds one, ``sc.stress`` attaches one.

    - ``shares``: facility × player (index the facility ids, columns the players: the controls
      in their order, then the disruptions), each player's share of the facility's lost
      capacity in units of its item per week; a row sums to the facility's lost capacity;
    - ``std_error``: the same shape, the standard error of each share when ``method`` is
      ``"sampled"`` (None when exact);
    - ``players``: one row per player, its name and ``kind`` (``control`` or ``disruption``);
    - ``compute``: per player (index) the compute lost it takes, ``attributed_lost_compute``
      (Σ of its shares over compute facilities, units per week), and its ``std_error`` (0 when
      exact);
    - ``capacity``: c_v per facility (units per week), the scale of the tie tolerance;
    - ``method``: ``"exact"`` (every subset of the players) or ``"sampled"`` (``orders`` random
      orders drawn from ``seed``); ``basis``: ``"static"`` (the horizon-average loss, §3.2) or
      ``"timeline"`` (the mean weekly loss, §3.3); ``subsets``: how many sets of players the
      engine evaluated.
    """

    shares: pd.DataFrame
    std_error: pd.DataFrame | None
    players: pd.DataFrame
    compute: pd.DataFrame
    capacity: np.ndarray
    method: str
    basis: str
    orders: int | None = None
    seed: int | None = None
    subsets: int = 0

    def limiting(self, kind: str | None = None) -> list[str]:
        """Per facility (table order) the player with the largest share of its loss, among the
        players of ``kind`` (``"control"``, ``"disruption"``, or None: all); empty when none of
        them takes more than 1e-9 of the facility's capacity. Shares within 1e-9 of the
        capacity of the largest tie, and the tie goes to the player listed first (controls
        before disruptions)."""
        names = self.players["player"].to_numpy(dtype=object)
        pick = np.ones(len(names), dtype=bool) if kind is None else (self.players["kind"] == kind).to_numpy()
        values = self.shares.to_numpy()[:, pick]
        names = names[pick]
        if not len(names):
            return [""] * len(self.shares)
        tolerance = _TOLERANCE * self.capacity
        best = values.max(axis=1)
        first = np.argmax(values >= (best - tolerance)[:, None], axis=1)
        return [str(names[j]) if ok else "" for j, ok in zip(first.tolist(), (best > tolerance).tolist(), strict=True)]

    @property
    def lost_capacity(self) -> pd.Series:
        """Per facility the sum of its shares: its lost capacity on the attribution's basis."""
        return self.shares.sum(axis=1)

    def __repr__(self) -> str:
        kinds = self.players["kind"].value_counts()
        n_controls, n_disruptions = int(kinds.get("control", 0)), int(kinds.get("disruption", 0))
        how = "exact" if self.method == "exact" else f"sampled from {self.orders} orders (seed {self.seed})"
        text = (
            f"<Attribution {how}, {self.basis} loss, among {n_controls} control{'s' * (n_controls != 1)} and "
            f"{n_disruptions} disruption{'s' * (n_disruptions != 1)} over {len(self.shares)} facilities"
        )
        if len(self.compute):
            top = self.compute["attributed_lost_compute"].sort_values(ascending=False, kind="stable")
            text += f"; most compute lost: {top.index[0]} {top.iloc[0]:.6g}"
        return text + ">"


@dataclass
class StressResult:
    """What a scenario does to a network (docs/model.md §3 and §6).

    Tables (pandas DataFrames with the columns of the report files of the same name, indexed by
    what a row describes, ``INDEX``: ``facilities`` by ``facility``, ``countries`` by
    (``country``, ``kind``), ``controls`` by ``control``, ``chokepoints`` by (``level``,
    ``name``), …; missing text is NaN; ``table(name)`` gives a table as its CSV file holds it):

    - ``facilities``: per facility its capacity (units/week), ``availability`` (share of
      normal output over the horizon, 0–1), ``lost_capacity`` = capacity·(1 − availability),
      ``limiting_item``, ``limiting_control`` and ``limiting_cause`` (empty when none);
    - ``countries``: per country × kind the capacity, lost capacity and ``lost_share``;
    - ``controls``: per control the supply edges it covers, the facilities and compute it
      hits on its own (``standalone_lost_compute``), what lifting it alone would restore
      (``marginal_lost_compute``) and its Shapley share of the compute lost
      (``attributed_lost_compute``, with ``attributed_lost_compute_std_error``);
    - ``disruptions``: the same per disruption (facilities_hit, standalone, attributed and
      marginal compute lost);
    - ``attribution``: the ``Attribution`` behind ``limiting_control``, ``limiting_cause`` and
      the attributed columns (facility × player shares of lost capacity, docs/model.md §3.4);
    - ``summary``: the headline metrics, a Series of numbers indexed by ``metric``
      (``compute_lost``, ``lost_output_share``, …), and ``by_country`` the per-country ones
      (indexed by ``country``, a column per metric: ``compute_lost``, and with Monte Carlo
      ``compute_lost_mean``, ``compute_lost_p95``, ``compute_lost_cvar``); summary.csv holds
      both, the per-country ones named ``compute_lost[CHN]``, …;
    - when the analyses ran (``run_scenario`` and the CLI): ``concentration``,
      ``chokepoints`` and ``exposure`` (docs/model.md §4), else None;
    - when the scenario has ``optimise:``: ``strategy`` and ``frontier`` (docs/model.md §6);
    - with a timeline: ``timeline`` (timeline.csv); with ``observed:``, ``backtest``
      (backtest.csv: each observation against the model, docs/model.md §8);
    - ``companies`` (companies.csv, the business view, ``supplychain.business.companies``):
      per company its output value and sales value per week and what the scenario takes of
      each, from the static α and the horizon-mean edge factors a_e (also with a timeline).

    ``status`` is ``ok`` when every step ended as it should, else ``partial: <why>`` (e.g. an
    LP stopped by its time limit); ``timings`` gives seconds per step.
    """

    network: Network
    scenario: Scenario
    facilities: pd.DataFrame
    countries: pd.DataFrame
    controls: pd.DataFrame
    summary: pd.Series
    disruptions: pd.DataFrame | None = None
    attribution: Attribution | None = None
    concentration: pd.DataFrame | None = None
    chokepoints: pd.DataFrame | None = None
    exposure: pd.DataFrame | None = None
    monte_carlo: pd.DataFrame | None = None
    strategy: pd.DataFrame | None = None
    frontier: pd.DataFrame | None = None
    timeline: pd.DataFrame | None = None
    backtest: pd.DataFrame | None = None
    companies: pd.DataFrame | None = None
    timings: dict[str, float] = field(default_factory=dict)
    extras: dict[str, Any] = field(default_factory=dict)
    status: str = "ok"
    by_country: pd.DataFrame = field(init=False, repr=False)
    _metrics: pd.DataFrame = field(init=False, repr=False)

    def __setattr__(self, name: str, value: Any) -> None:
        """Tables are stored as the API shows them: a table of ``INDEX`` given with its key
        columns is indexed by them. A Series set as ``summary`` replaces the world's metrics
        (the per-country ones stay); ``_set_metrics`` sets both from summary.csv's rows."""
        if (name in INDEX or name == "strategy") and isinstance(value, pd.DataFrame):
            value = _indexed(name, value)
        elif name == "summary":
            world = pd.DataFrame({"metric": [str(m) for m in value.index], "value": value.to_numpy(dtype=float)})
            kept = self.__dict__.get("_metrics")
            if kept is not None and len(kept):
                kept = kept[[_COUNTRY_METRIC.match(str(m)) is not None for m in kept["metric"]]]
                world = pd.concat([world, kept], ignore_index=True)
            self._set_metrics(world)
            return
        object.__setattr__(self, name, value)

    def _set_metrics(self, metrics: pd.DataFrame) -> None:
        """Set summary.csv's rows (metric, value): ``summary`` and ``by_country`` follow."""
        metrics = metrics.reset_index(drop=True)[["metric", "value"]]
        world, by_country = _metric_tables(metrics)
        object.__setattr__(self, "_metrics", metrics)
        object.__setattr__(self, "by_country", by_country)
        object.__setattr__(self, "summary", world)

    def table(self, name: str) -> pd.DataFrame:
        """The table ``name`` (``facilities``, ``countries``, …, ``summary``) as its report
        file ``name.csv`` holds it: the key columns first, a 0..n−1 index, summary as rows of
        (metric, value) with the per-country metrics named ``compute_lost[CHN]``, …

        Raises ``KeyError`` when the run has no such table (``exposure`` of a run without the
        analyses, ``strategy`` without ``optimise:``, …)."""
        if name == "summary":
            return self._metrics.copy()
        frame = getattr(self, name, None) if name in _TABLES else None
        if frame is None:
            frame = self.extras.get(name)
        if not isinstance(frame, pd.DataFrame):
            have = ["summary", *(t for t in _TABLES if isinstance(getattr(self, t, None), pd.DataFrame))]
            raise KeyError(f"this result has no {name!r} table; it has {', '.join(have)}")
        if name in INDEX and list(frame.index.names) == list(INDEX[name]):
            return frame.reset_index()
        return frame.reset_index(drop=True)

    def _add_metrics(self, rows: pd.DataFrame | list[tuple[str, float]]) -> None:
        """Append metrics (metric, value) to summary.csv's rows (after those already there)."""
        extra = rows if isinstance(rows, pd.DataFrame) else pd.DataFrame(rows, columns=["metric", "value"])
        self._set_metrics(pd.concat([self._metrics, extra], ignore_index=True))

    @classmethod
    def from_facilities(
        cls,
        network: Network,
        scenario: Scenario,
        facilities: pd.DataFrame,
        controls: pd.DataFrame,
        disruptions: pd.DataFrame | None = None,
    ) -> StressResult:
        """Aggregate the facilities table into countries and summary tables."""
        arr = network.arrays
        value = arr.value
        frame = facilities.assign(value=facilities["capacity"] * value, lost_value=facilities["lost_capacity"] * value)
        countries = (
            frame.groupby(["country", "kind"], sort=False)[["capacity", "lost_capacity", "value", "lost_value"]]
            .sum()
            .reset_index()
        )
        countries["kind_rank"] = countries["kind"].map({k: i for i, k in enumerate(KINDS)})
        countries = countries.sort_values(["country", "kind_rank"], kind="stable").drop(columns="kind_rank")
        countries.insert(4, "lost_share", _share(countries["lost_capacity"], countries["capacity"]))
        countries = countries.reset_index(drop=True)

        alpha = facilities["availability"].to_numpy()
        final = arr.is_final
        compute = (facilities["kind"] == "compute").to_numpy()
        final_value = float((value * arr.capacity)[final].sum())
        final_lost = float((value * arr.capacity * (1 - alpha))[final].sum())
        compute_capacity = float(arr.capacity[compute].sum())
        compute_lost = float(facilities["lost_capacity"].to_numpy()[compute].sum())
        metrics: list[tuple[str, float]] = [
            ("facilities", len(facilities)),
            ("supply_edges", arr.n_edges),
            ("controls", len(scenario.controls)),
            ("disruptions", len(scenario.disruptions)),
            ("horizon_weeks", float(scenario.horizon_weeks)),
            ("facilities_hit", int((alpha < 1 - _TOLERANCE).sum())),
            ("output_value", final_value),
            ("lost_output", final_lost),
            ("lost_output_share", final_lost / final_value if final_value else 0.0),
            ("compute_capacity", compute_capacity),
            ("compute_lost", compute_lost),
            ("compute_lost_share", compute_lost / compute_capacity if compute_capacity else 0.0),
        ]
        by_country = frame[compute].groupby("country", sort=True)["lost_capacity"].sum()
        metrics += [(f"compute_lost[{c}]", float(v)) for c, v in by_country.items()]
        result = cls(network, scenario, facilities, countries, controls, pd.Series(dtype=float), disruptions)
        result._set_metrics(pd.DataFrame(metrics, columns=["metric", "value"]))
        return result

    def attach_attribution(self, attribution: Attribution) -> None:
        """Set the Shapley attribution (docs/model.md §3.4): ``limiting_control`` and
        ``limiting_cause`` per facility (right after ``limiting_item``), and
        ``attributed_lost_compute`` with its standard error in ``controls`` and ``disruptions``.
        Replaces an attribution attached before (the timeline's replaces the static one)."""
        self.attribution = attribution
        columns = {
            "limiting_control": attribution.limiting("control"),
            "limiting_cause": attribution.limiting(),
        }
        at = list(self.facilities.columns).index("limiting_item") + 1
        for offset, (name, values) in enumerate(columns.items()):
            if name in self.facilities.columns:
                self.facilities[name] = values
            else:
                self.facilities.insert(at + offset, name, values)
        self.facilities = self.facilities  # empty text cells -> NaN
        kinds = attribution.players["kind"].to_numpy()
        compute = attribution.compute
        tables = (
            (self.controls, "control", "marginal_lost_compute"),
            (self.disruptions, "disruption", "standalone_lost_compute"),
        )
        for table, kind, anchor in tables:
            if table is None:
                continue
            rows = compute[kinds == kind]
            after = list(table.columns).index(anchor) + 1
            for offset, (name, source) in enumerate(
                (
                    ("attributed_lost_compute", "attributed_lost_compute"),
                    ("attributed_lost_compute_std_error", "std_error"),
                )
            ):
                values = rows[source].reindex(table.index).to_numpy(dtype=float)
                if name in table.columns:
                    table[name] = values
                else:
                    table.insert(after + offset, name, values)

    def attach_adaptive(self, adaptive: Any) -> None:
        """Add an ``AdaptiveResult``: ``availability_adaptive`` per facility and the adaptive
        final-output loss per week beside the static one in ``summary`` (docs/model.md §4)."""
        self.facilities = self.facilities.assign(availability_adaptive=adaptive.availability)
        static = self.metric("lost_output")
        self._add_metrics([("lost_output_static", static), ("lost_output_adaptive", float(adaptive.lost_output))])
        self.extras["adaptive_status"] = adaptive.status
        if adaptive.status != "optimal":
            self._degrade(f"adaptive LP {adaptive.status}")

    def attach_timeline(self, timeline: Any) -> None:
        """Add a ``TimelineResult`` (docs/model.md §3.3, §6): the timeline.csv table,
        ``availability_timeline`` and ``worst_week`` (empty when the facility never falls below
        1) per facility, and in ``summary`` the world's compute lost on average over the weeks
        (``compute_lost_timeline``), in its worst week (``compute_lost_worst_week``) and that
        week (``worst_week``; -1 when no compute is lost)."""
        self.timeline = timeline.table
        per = timeline.facilities
        worst = per["worst_week"].astype(float).where(per["worst_week"] >= 0)
        ids = self.facilities.index
        self.facilities = self.facilities.assign(
            availability_timeline=per["availability_timeline"].reindex(ids).to_numpy(),
            worst_week=pd.array(worst.reindex(ids).to_numpy(), dtype="Int64"),
        )
        compute = timeline.table.xs("compute", level="kind").groupby("week")["lost_capacity"].sum()
        week = int(compute.to_numpy().argmax()) if len(compute) and compute.max() > 0 else -1
        self._add_metrics(
            [
                ("compute_lost_timeline", float(compute.mean()) if len(compute) else 0.0),
                ("compute_lost_worst_week", float(compute.max()) if len(compute) else 0.0),
                ("worst_week", float(week)),
            ]
        )

    def attach_strategy(self, strategy: Any) -> None:
        """Add an optimiser ``Strategy`` (docs/model.md §5-§6): strategy.csv and frontier.csv
        tables, ``availability_after`` in ``facilities``, the cost and expected losses before and
        after in ``summary`` (a note on an empty strategy is a metric ``note:<why>`` of value 0),
        and the solve's status, gap and bound in ``extras["optimise"]`` (run.json)."""
        self.strategy = strategy.actions
        self.frontier = strategy.frontier
        if strategy.availability_after is not None:
            self.facilities = self.facilities.assign(availability_after=strategy.availability_after)
        self._add_metrics(list(strategy.summary_metrics()))
        self.extras["optimise"] = strategy.info()

    def attach_monte_carlo(self, mc: Any) -> None:
        """Add a ``MonteCarloResult``: the monte_carlo table, per-facility columns and
        distribution metrics (docs/model.md §6)."""
        self.monte_carlo = mc.table
        self.facilities = self.facilities.join(mc.facilities, how="left")
        self._add_metrics(mc.metrics)
        self.extras["seed"] = mc.seed
        self.extras["samples"] = mc.samples
        self.extras["mc_engine"] = mc.engine

    def _degrade(self, why: str) -> None:
        """Record that a step did not end as it should (``status`` becomes ``partial: …``)."""
        reasons = [] if self.status == "ok" else [self.status.removeprefix("partial: ")]
        self.status = "partial: " + "; ".join([*reasons, why])

    def metric(self, name: str) -> float:
        """One summary metric by name, e.g. ``result.metric("compute_lost")``, also a
        per-country one by its summary.csv name (``result.metric("compute_lost[CHN]")``)."""
        hit = self._metrics.loc[self._metrics["metric"] == name, "value"]
        if hit.empty:
            raise KeyError(f"no metric {name!r}; metrics: {', '.join(self._metrics['metric'])}")
        return float(hit.iloc[0])

    def plot(self, ax: Any = None, top: int = 15) -> Any:
        """Bar chart of compute kept and lost per country (needs matplotlib)."""
        from .plots import plot_compute_at_risk

        return plot_compute_at_risk(self, ax=ax, top=top)

    def plot_companies(self, axes: Any = None, top: int = 10) -> Any:
        """Bar charts of the ``top`` companies losing the most output value and the most sales
        value per week (needs matplotlib; see ``plots.plot_company_losses``)."""
        from .plots import plot_company_losses

        return plot_company_losses(self, axes=axes, top=top)

    def plot_frontier(self, ax: Any = None) -> Any:
        """The frontier: the members' expected loss and CVaR against the plan's cost (needs
        matplotlib and a run with ``optimise:``; see ``plots.plot_frontier``)."""
        from .plots import plot_frontier

        return plot_frontier(self, ax=ax)

    def plot_members_use(self, ax: Any = None) -> Any:
        """Which members use which certification or expansion, with their cost shares (needs
        matplotlib; see ``plots.plot_members_use``)."""
        from .plots import plot_members_use

        return plot_members_use(self, ax=ax)

    @property
    def compute_at_risk(self) -> pd.Series:
        """Compute capacity lost per country (units/week), largest first."""
        rows = self.countries.xs("compute", level="kind")
        return rows["lost_capacity"].sort_values(ascending=False, kind="stable")

    def __repr__(self) -> str:
        m = self.summary
        hit, n = int(m["facilities_hit"]), int(m["facilities"])
        text = (
            f"<StressResult '{self.scenario.name}' on '{self.network.name}': {hit} of {n} facilities hit; "
            f"compute lost {m['compute_lost']:.6g} of {m['compute_capacity']:.6g} "
            f"({100 * m['compute_lost_share']:.1f} %); final output lost "
            f"{100 * m['lost_output_share']:.1f} %"
        )
        worst = pd.DataFrame(self.countries.xs("compute", level="kind"))
        worst = worst[worst["lost_capacity"] > 0].sort_values("lost_share", ascending=False, kind="stable")
        if len(worst):
            text += f"; worst: {worst.index[0]} {100 * worst['lost_share'].iloc[0]:.1f} % of its compute"
        return text + ">"


def _share(part: pd.Series, whole: pd.Series) -> np.ndarray:
    whole_ = whole.to_numpy(dtype=float)
    return np.divide(part.to_numpy(dtype=float), whole_, out=np.zeros(len(whole_)), where=whole_ > 0)
