"""The timeline: a scenario stepped week by week (docs/model.md §3.3), as a result object.

``timeline(network, scenario)`` compiles the scenario's rules into week factors (a control
steps 1 → 0 while licences are pending → licence_approval, and back to 1 when lifted; a
disruption steps down and ramps back), runs the week-by-week engine of ``weekly.py`` with
stock as a state that drains and refills, and returns a ``TimelineResult``: every facility's
availability in every week, the timeline table of the reports (timeline.csv) and, per
facility, the mean over the horizon and the worst week.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .errors import InputError, Problem, quoted
from .scenario import CompiledScenario, Scenario, prepare
from .schema import KINDS
from .weekly import ENGINES, WeeklyResult
from .weekly import timeline as weekly_timeline

if TYPE_CHECKING:
    from .network import Network

__all__ = ["TimelineResult", "timeline"]

TIMELINE_COLUMNS = ["week", "country", "kind", "capacity", "lost_capacity", "lost_share"]
"""The columns of timeline.csv (docs/model.md §6)."""


@dataclass(frozen=True, eq=False)
class TimelineResult:
    """A scenario week by week (docs/model.md §3.3).

    - ``availability``: weeks × facilities (index ``week`` 0 … H − 1, one column per facility
      id in table order): α_v(t), the fraction of v's normal weekly output made in week t;
    - ``table``: indexed by (``week``, ``country``, ``kind``), one row each (timeline.csv):
      capacity (units per week), ``lost_capacity`` = Σ capacity · (1 − α_v(t)) and
      ``lost_share``;
    - ``facilities``: indexed by ``facility`` in table order, its ``availability_timeline`` (the
      mean of α_v(t) over the horizon) and ``worst_week`` (the first week of its lowest α_v(t);
      −1 when it never falls below 1);
    - ``weekly``: the engine's ``WeeklyResult`` (limiting recipe per week, final stocks, how
      many weeks were computed);
    - ``timings``: seconds per step.
    """

    network: Network = field(repr=False)
    scenario: Scenario = field(repr=False)
    compiled: CompiledScenario = field(repr=False)
    availability: pd.DataFrame
    table: pd.DataFrame
    facilities: pd.DataFrame
    weekly: WeeklyResult = field(repr=False)
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def weeks(self) -> int:
        """The horizon H in weeks."""
        return int(self.availability.shape[0])

    @property
    def compute_lost(self) -> pd.DataFrame:
        """Compute capacity lost per week (units per week): weeks × countries, countries with
        any loss, largest total loss first."""
        rows = self.table.xs("compute", level="kind").reset_index()
        wide = rows.pivot(index="week", columns="country", values="lost_capacity")
        total = wide.sum(axis=0).sort_values(ascending=False, kind="stable")
        return wide[total.index[total > 0]]

    def limiting_items(self, facility: str) -> pd.Series:
        """The limiting item of ``facility`` in each week ('' when none is below 1)."""
        arr = self.network.arrays
        v = self._row(facility)
        recipes = self.weekly.limiting_recipe
        if recipes is None:  # pragma: no cover - timeline() always records it
            raise InputError("this timeline was run without limiting items")
        items = np.asarray(arr.item_ids, dtype=object)[arr.recipe_item]
        column = recipes[:, v]
        names = np.where(column >= 0, items[np.maximum(column, 0)] if len(items) else "", "")
        return pd.Series(names, index=self.availability.index, name=facility)

    def inputs(self, facility: str) -> pd.DataFrame:
        """Week by week for one facility: its availability α_v(t) and, per input item k, the
        delivered fraction F_vk(t), the stock s_vk(t) at the start of the week (weeks of
        normal use) and the input availability A_vk(t) (columns ``alpha``,
        ``delivered:k``, ``stock:k``, ``input:k``). Reruns the engine watching it."""
        v = self._row(facility)
        arr = self.network.arrays
        watched = weekly_timeline(
            arr.plan,
            self.compiled.edge_week_factors(),
            self.compiled.own_week_factors(),
            arr.stock_weeks,
            self.weeks,
            limiting=False,
            watch=[v],
        )
        items = [arr.item_ids[arr.recipe_item[r]] for r in watched.watch_recipes.tolist()]
        out: dict[str, Any] = {"alpha": watched.alpha[:, v]}
        for j, item in enumerate(items):
            out[f"delivered:{item}"] = watched.watch_delivered[:, j]
            out[f"stock:{item}"] = watched.watch_stock[:, j]
            out[f"input:{item}"] = watched.watch_input[:, j]
        return pd.DataFrame(out, index=self.availability.index)

    def plot(self, ax: Any = None, top: int = 8) -> Any:
        """Lines: the share of each country's compute lost, week by week, for the ``top``
        countries by compute lost over the horizon (needs matplotlib)."""
        from .plots import plot_timeline

        return plot_timeline(self, ax=ax, top=top)

    def plot_facility(self, facility: str, ax: Any = None) -> Any:
        """One facility's availability week by week, with the input availability of each of its
        inputs and its stocks (needs matplotlib)."""
        from .plots import plot_facility_timeline

        return plot_facility_timeline(self, facility, ax=ax)

    def _row(self, facility: str) -> int:
        ids = self.network.arrays.facility_ids
        try:
            return ids.index(facility) if isinstance(ids, list) else list(ids).index(facility)
        except ValueError:
            from .compile import _suggest

            raise InputError(
                f"unknown facility {quoted(facility)} in network {quoted(self.network.name)}"
                f"{_suggest(facility, list(ids))}"
            ) from None

    def __repr__(self) -> str:
        compute = self.table.xs("compute", level="kind").groupby("week")[["capacity", "lost_capacity"]].sum()
        text = f"<TimelineResult '{self.scenario.name}' on '{self.network.name}': {self.weeks} weeks"
        if len(compute) and compute["lost_capacity"].max() > 0:
            worst = int(compute["lost_capacity"].to_numpy().argmax())
            share = compute["lost_capacity"].iloc[worst] / compute["capacity"].iloc[worst]
            mean = compute["lost_capacity"].mean() / compute["capacity"].iloc[0]
            text += f"; compute lost {100 * mean:.1f} % on average, worst week {worst} ({100 * share:.1f} %)"
        else:
            text += "; no compute lost"
        return text + ">"


def timeline(
    network: Network | None,
    scenario: Scenario | CompiledScenario | str | Path,
    *,
    engine: str = "numpy",
) -> TimelineResult:
    """Step a scenario through its horizon week by week (docs/model.md §3.3).

    ``network`` None means the network the scenario names; ``scenario`` is a ``Scenario``, the
    path of its file or a ``CompiledScenario``. Controls apply from ``start_week`` (nothing
    passes while licences are pending for ``licence_delay_weeks``, then ``licence_approval``)
    until ``end_week``; disruptions last ``weeks`` from ``start_week`` and ramp back over
    ``ramp_weeks``; stock is drawn when deliveries fall short and refilled when they exceed
    use. ``engine`` is ``"numpy"`` or ``"numba"`` (``weekly.ENGINES``).

    >>> import supplychain as sc
    >>> tl = sc.timeline(None, "scenarios/tiny-export-controls.yaml")
    >>> fab_cn = tl.availability["fab_cn"]
    >>> float(fab_cn[12]), float(fab_cn[13])   # 13 weeks of EUV stock, then the denial bites
    (1.0, 0.0)
    >>> float(tl.facilities.loc["fab_cn", "availability_timeline"])
    0.25
    """
    if engine not in ENGINES:
        raise InputError("timeline: invalid engine", [Problem("engine", f"must be one of {', '.join(ENGINES)}")])
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    compiled = prepare(network, scenario, "timeline")
    network, scenario = compiled.network, compiled.scenario
    arr = network.arrays
    edge, own = compiled.edge_week_factors(), compiled.own_week_factors()
    timings["factors_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    weeks = int(compiled.horizon_weeks)
    result = weekly_timeline(arr.plan, edge, own, arr.stock_weeks, weeks, engine=engine)
    timings["engine_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    ids = list(arr.facility_ids)
    availability = pd.DataFrame(result.alpha, index=pd.RangeIndex(weeks, name="week"), columns=ids)
    availability.columns.name = "facility"
    facilities = pd.DataFrame(
        {
            "facility": ids,
            "availability_timeline": result.mean_availability(),
            "worst_week": result.worst_week(),
        }
    )
    facilities = facilities.set_index("facility")
    table = _country_table(network, result.alpha).set_index(["week", "country", "kind"])
    timings["tables_s"] = time.perf_counter() - t0
    return TimelineResult(network, scenario, compiled, availability, table, facilities, result, timings)


def _country_table(network: Network, alpha: np.ndarray) -> pd.DataFrame:
    """timeline.csv: per week × country × kind (countries sorted, kinds upstream to
    downstream, as countries.csv) the capacity, the capacity lost that week and its share."""
    fac = network.facilities
    capacity = fac["capacity"].to_numpy(dtype=float)
    kind_rank = fac["kind"].map({k: i for i, k in enumerate(KINDS)}).to_numpy()
    groups = pd.DataFrame({"country": fac["country"], "kind": fac["kind"], "rank": kind_rank})
    keys = groups.drop_duplicates(["country", "kind"]).sort_values(["country", "rank"], kind="stable")
    code = pd.MultiIndex.from_frame(keys[["country", "kind"]]).get_indexer(
        pd.MultiIndex.from_frame(groups[["country", "kind"]])
    )
    n_groups, weeks = len(keys), alpha.shape[0]
    group_capacity = np.bincount(code, weights=capacity, minlength=n_groups)
    # lost capacity per week and group: (weeks × N) @ one-hot (N × G), never weeks × N × G
    onehot = np.zeros((len(capacity), n_groups))
    onehot[np.arange(len(capacity)), code] = capacity
    lost = (1.0 - alpha) @ onehot
    lost = np.where(np.abs(lost) < 1e-9 * np.maximum(group_capacity, 1.0), 0.0, lost)
    share = np.divide(lost, group_capacity, out=np.zeros_like(lost), where=group_capacity > 0)
    return pd.DataFrame(
        {
            "week": np.repeat(np.arange(weeks), n_groups),
            "country": np.tile(keys["country"].to_numpy(dtype=object), weeks),
            "kind": np.tile(keys["kind"].to_numpy(dtype=object), weeks),
            "capacity": np.tile(group_capacity, weeks),
            "lost_capacity": lost.ravel(),
            "lost_share": share.ravel(),
        }
    )
