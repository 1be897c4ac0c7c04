"""The optimiser's result (docs/model.md §5-6): ``Strategy``, and how it is applied to a network.

A ``Strategy`` is immutable: ``apply`` returns a new network and leaves both the network and
the strategy as they were.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from ..network import Network

STRATEGY_COLUMNS = [
    "action",
    "supplier",
    "buyer",
    "item",
    "cost",
    "lead_weeks",
    "members_cost_share",
    "max_share",
    "stock_weeks",
    "members_cost_share_proportional",
    "added_capacity",
]
"""strategy.csv: the seven columns of docs/model.md §6, then ``max_share`` (qualify/certify),
``stock_weeks`` (stock rows: extra weeks bought), the proportional-to-use allocation and
``added_capacity`` (expand rows: units per week built at the facility)."""

FRONTIER_COLUMNS = ["budget", "expected_lost_output", "cvar_lost_output", "cost", "actions"]
"""frontier.csv: one row per budget of the sweep; the losses are the members' (the optimiser's
objective; everyone's without a consortium), on the samples of the before/after figures."""


@dataclass(frozen=True, eq=False)
class Strategy:
    """What the optimiser proposes (docs/model.md §5), and how sure it is.

    - ``actions``: strategy.csv (``STRATEGY_COLUMNS``): one row per action — ``qualify``
      (a candidate: supplier → buyer for item), ``certify`` (a certification: ``buyer`` lists
      the member buyer facilities it opens, ';'-joined; ``members_cost_share`` the Shapley
      allocation ``member=amount;…``, ``members_cost_share_proportional`` the allocation in
      proportion to each member's expected use), ``stock`` (``buyer`` the facility, ``item``
      the input, ``stock_weeks`` the extra weeks, ``cost`` = weeks × stock_cost), ``expand``
      (an expansion: ``supplier`` the facility where capacity is built, ``buyer`` empty,
      ``item`` what it makes, ``added_capacity`` units per week in use from ``lead_weeks`` on;
      ``members_cost_share`` charges the members the facility belongs to, equally, or every
      member equally when it is no member's);
    - ``frontier``: frontier.csv, one row per budget of the sweep;
    - ``cost``: first-stage cost of the actions;
    - ``expected_loss_before`` / ``expected_loss_after``: the **world's** expected final-output
      value lost per week (every final output, the surviving flow re-routed for all: the
      adaptive stress of docs/model.md §4) without and with the strategy, re-stressed over every
      scenario sample (``verification``), or over the optimiser's samples when verification was
      skipped;
    - ``members_expected_loss_before`` / ``members_expected_loss_after``: the same for the
      **members'** final outputs (in a member country, of a member company, or member
      facilities; the flow re-routed in their favour), the loss the optimiser minimises; without
      a consortium every final output is the members' and these equal the world's;
    - ``cost_per_members_loss_avoided``: ``cost`` / (members' expected loss before − after),
      currency per unit of final-output value per week of expected loss avoided (NaN when
      nothing is avoided);
    - ``frontier`` losses, ``model_loss_*`` and ``cvar_*`` are the members' loss too (the
      frontier on the samples of the before/after figures, ``model_loss_*`` and ``cvar_*`` on the
      optimiser's reduced samples);
    - ``status`` (``optimal``, ``time_limit``, …), ``gap`` (relative, of the objective) and
      ``bound`` (a proven lower bound of the objective; None when the solver does not say);
    - ``notes``: why the strategy is empty, cost-sharing sampling errors, capacity trims;
    - ``opened`` (supplier, buyer, item, max_share, lead_weeks) and ``stock`` (facility, item,
      weeks): what ``apply`` puts in force; ``expansions`` (facility, item, added_capacity,
      lead_weeks, cost, expansion): the capacity built, which ``apply`` leaves out (a network's
      capacity is also its normal demand, so new capacity is not a change of its tables: the
      optimiser's LPs and the verification carry it); ``plan`` the first-stage vector π.
    """

    actions: pd.DataFrame
    frontier: pd.DataFrame
    cost: float
    expected_loss_before: float
    expected_loss_after: float
    status: str
    gap: float | None
    bound: float | None
    objective_value: float
    method: str
    solver: str
    objective: str
    samples: int
    notes: list[str] = field(default_factory=list)
    model_loss_before: float = float("nan")
    model_loss_after: float = float("nan")
    cvar_before: float = float("nan")
    cvar_after: float = float("nan")
    verification: dict[str, Any] = field(default_factory=dict)
    availability_after: np.ndarray | None = None
    fidelity: dict[str, Any] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    iterations: int = 0
    opened: pd.DataFrame = field(default_factory=pd.DataFrame)
    stock: pd.DataFrame = field(default_factory=pd.DataFrame)
    plan: np.ndarray = field(default_factory=lambda: np.zeros(0))
    members_expected_loss_before: float = float("nan")
    members_expected_loss_after: float = float("nan")
    consortium: str | None = None
    expansions: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def empty(self) -> bool:
        return bool(self.actions.empty)

    @property
    def members_loss_avoided(self) -> float:
        """The members' expected loss the strategy avoids, before − after (value per week)."""
        return self.members_expected_loss_before - self.members_expected_loss_after

    @property
    def cost_per_members_loss_avoided(self) -> float:
        """``cost`` per unit of the members' expected loss avoided (currency per unit of
        final-output value per week); NaN when the strategy avoids none of it (within 1e-9 of
        the loss before, or nothing is bought)."""
        avoided = self.members_loss_avoided
        if not math.isfinite(avoided) or avoided <= 1e-9 * max(1.0, abs(self.members_expected_loss_before)):
            return float("nan")
        return self.cost / avoided

    def __repr__(self) -> str:
        kinds = self.actions["action"].value_counts().to_dict() if len(self.actions) else {}
        acts = ", ".join(f"{n} {k}" for k, n in kinds.items()) or "no action"
        gap = "" if self.gap is None else f", gap {self.gap:.2g}"
        members = (
            f"members' expected loss {self.members_expected_loss_before:.6g} -> "
            f"{self.members_expected_loss_after:.6g}, world's "
            if self.consortium is not None
            else "expected loss "
        )
        return (
            f"<Strategy ({self.objective}, {self.method}/{self.solver} {self.status}{gap}): {acts}; cost "
            f"{self.cost:.6g}; {members}{self.expected_loss_before:.6g} -> {self.expected_loss_after:.6g} "
            "per week>"
        )

    def summary_metrics(self) -> list[tuple[str, float]]:
        """The summary.csv rows of docs/model.md §6 (plus the model's own numbers and notes)."""
        rows: list[tuple[str, float]] = [
            ("cost", self.cost),
            ("expected_lost_output_before", self.expected_loss_before),
            ("expected_lost_output_after", self.expected_loss_after),
            ("members_expected_lost_output_before", self.members_expected_loss_before),
            ("members_expected_lost_output_after", self.members_expected_loss_after),
            ("cost_per_members_lost_output_avoided", self.cost_per_members_loss_avoided),
            ("optimiser_objective", self.objective_value),
            ("optimiser_gap", float("nan") if self.gap is None else self.gap),
            ("optimiser_scenarios", float(self.samples)),
        ]
        for key in (
            "static_lost_output_before",
            "static_lost_output_after",
            "members_static_lost_output_before",
            "members_static_lost_output_after",
        ):
            if key in self.verification:
                rows.append((key, float(self.verification[key])))
        rows += [(f"note:{n}", 0.0) for n in self.notes]
        return rows

    def info(self) -> dict[str, Any]:
        """JSON-ready facts for run.json."""

        def num(x: Any) -> Any:
            return None if x is None or (isinstance(x, float) and not math.isfinite(x)) else float(x)

        return {
            "status": self.status,
            "gap": num(self.gap),
            "bound": num(self.bound),
            "objective": self.objective,
            "objective_value": num(self.objective_value),
            "method": self.method,
            "solver": self.solver,
            "scenarios": self.samples,
            "iterations": self.iterations,
            "cost": num(self.cost),
            "consortium": self.consortium,
            "expected_loss_before": num(self.expected_loss_before),
            "expected_loss_after": num(self.expected_loss_after),
            "members_expected_loss_before": num(self.members_expected_loss_before),
            "members_expected_loss_after": num(self.members_expected_loss_after),
            "cost_per_members_loss_avoided": num(self.cost_per_members_loss_avoided),
            "notes": list(self.notes),
            "fidelity": {k: (num(v) if isinstance(v, float) else v) for k, v in self.fidelity.items()},
            "verification": {
                k: num(v) if isinstance(v, float | int) and not isinstance(v, bool) else v
                for k, v in self.verification.items()
            },
            "timings": {k: round(v, 6) for k, v in self.timings.items()},
        }

    def apply(self, network: Network, *, horizon_weeks: float | None = None) -> Network:
        """A new, validated network with the strategy in force; neither the network nor the
        strategy is changed (``apply_with_notes`` also says what had to be adjusted).

        Each opened edge u → v for k becomes a supplies row with share m (its max_share); the
        existing shares of (v, k) shrink in proportion, once, by the total M of the new shares
        into (v, k) (× (1 − M); new shares summing above 1 are scaled to 1), and rows whose
        share falls to 0 are dropped. A qualified candidate on a relation that already exists adds
        m to that relation's shrunk share. When a new supplier's capacity cannot cover the normal demand
        with its new buyers, the new shares of that supplier are scaled down to fit. Extra stock
        weeks are added to ``recipes.stock_weeks``.

        ``horizon_weeks`` None gives the network once every opened edge is ready. With a horizon
        H the shares are horizon means, as the static verification uses them: an edge ready at
        week L (its lead_weeks) takes m over weeks L … H − 1 only, so its share is
        m · max(0, H − L) / H and the existing shares shrink by that instead of m (several edges
        into one need: week by week, then averaged; ``strategy._mean_shares``).
        """
        return apply_plan(network, self.opened, self.stock, horizon_weeks=horizon_weeks)[0]

    def apply_with_notes(self, network: Network, *, horizon_weeks: float | None = None) -> tuple[Network, list[str]]:
        """``apply``, and a note for each adjustment it made (shares scaled to fit a supplier's
        capacity or a buyer's need)."""
        return apply_plan(network, self.opened, self.stock, horizon_weeks=horizon_weeks)


def apply_plan(
    network: Network, opened: pd.DataFrame, stock: pd.DataFrame, *, horizon_weeks: float | None = None
) -> tuple[Network, list[str]]:
    """The network with ``opened`` edges (supplier, buyer, item, max_share, lead_weeks) and extra
    ``stock`` weeks (facility, item, weeks) in force, and the notes of what was adjusted
    (``Strategy.apply`` states the rules). The inputs are not changed.

    With ``horizon_weeks`` H the shares are horizon means (docs/model.md §3.2): an edge ready
    at week L takes its share over weeks L … H − 1 only (``_mean_shares``).
    """
    supplies = network.supplies.copy()
    recipes = network.recipes.copy()
    notes: list[str] = []
    if len(opened):
        cap = network.facilities.set_index("id")["capacity"]
        qty = recipes.set_index(["facility", "item"])["quantity"]
        recipe_of = qty.index.get_indexer(pd.MultiIndex.from_arrays([supplies["buyer"], supplies["item"]]))
        need = supplies["buyer"].map(cap).to_numpy() * qty.to_numpy(dtype=float)[recipe_of] * supplies["share"]
        existing = pd.Series(need.to_numpy(), index=supplies["supplier"]).groupby(level=0).sum()
        shares = opened["max_share"].to_numpy(dtype=float).copy()
        lead = opened["lead_weeks"].to_numpy(dtype=float)
        ready = (
            np.ones(len(opened))
            if horizon_weeks is None
            else np.maximum(0.0, float(horizon_weeks) - lead) / float(horizon_weeks)
        )
        new_need = np.array([cap[b] * qty[(b, i)] for b, i in zip(opened["buyer"], opened["item"], strict=True)])
        for u in opened["supplier"].unique().tolist():
            rows = np.flatnonzero(opened["supplier"].to_numpy() == u)
            demand = float((new_need[rows] * shares[rows] * ready[rows]).sum())
            spare = float(cap[u]) * (1 - 1e-9) - float(existing.get(u, 0.0))
            if demand > spare:
                factor = max(0.0, spare) / demand
                shares[rows] *= factor
                notes.append(f"apply: {u} lacks capacity for its new buyers; their shares scaled by {factor:.6g}")
        # several opened edges into one (buyer, item): together they take M = Σ m of the need
        # (scaled to 1 when they would exceed it); the existing suppliers shrink once by 1 − M
        mean, crowded = _mean_shares(opened["buyer"].tolist(), opened["item"].tolist(), shares, lead, horizon_weeks)
        if crowded:
            notes.append(
                "apply: opened edges into one buyer and item exceed its need together; "
                "their shares are scaled to sum to 1"
            )
        frame = pd.DataFrame(
            {
                "supplier": opened["supplier"].to_numpy(),
                "buyer": opened["buyer"].to_numpy(),
                "item": opened["item"].to_numpy(),
                "share": mean,
            }
        )
        frame = frame[frame["share"] > 0]
        taken = frame.groupby(["buyer", "item"], sort=False)["share"].sum()
        where = taken.index.get_indexer(pd.MultiIndex.from_arrays([supplies["buyer"], supplies["item"]]))
        shrink = 1.0 - np.where(where >= 0, taken.to_numpy(dtype=float)[where], 0.0)
        supplies["share"] = supplies["share"] * np.asarray(shrink, dtype=float)
        new_rows = frame.to_dict("records")
        supplies = supplies[supplies["share"] > 1e-12]
        if new_rows:
            extra = pd.DataFrame(new_rows)
            for col in supplies.columns:
                if col not in extra:
                    extra[col] = "" if supplies[col].dtype == object else np.nan
            supplies = pd.concat([supplies, extra[supplies.columns]], ignore_index=True)
            key = ["supplier", "buyer", "item"]
            share = supplies.groupby(key, sort=False)["share"].transform("sum")
            supplies = supplies.assign(share=share).drop_duplicates(key, keep="first")
    if len(stock):
        weeks = stock["weeks"].to_numpy(dtype=float).tolist()
        for facility, item, extra_weeks in zip(stock["facility"].tolist(), stock["item"].tolist(), weeks, strict=True):
            mask = (recipes["facility"] == facility) & (recipes["item"] == item)
            recipes.loc[mask, "stock_weeks"] = recipes.loc[mask, "stock_weeks"] + extra_weeks
    return network.replace(supplies=supplies.reset_index(drop=True), recipes=recipes), notes


def _mean_shares(
    buyers: list[str], items: list[str], shares: np.ndarray, lead: np.ndarray, horizon_weeks: float | None
) -> tuple[np.ndarray, bool]:
    """Each opened edge's share of its buyer's need, averaged over the horizon, and whether the
    edges into some (buyer, item) ever exceed its need together.

    Week by week an edge i ready at week L_i takes m_i (its ``shares`` entry) from week L_i on;
    in a week where the ready edges into one (buyer, item) have Σ m > 1 each takes m_i / Σ m.
    Over the periods between the ready weeks, [a, b) with b − a weeks, the horizon mean is

        m̄_i = Σ_periods (b − a) / H · m_i / max(1, Σ_{ready j} m_j)   (0 before L_i),

    so an edge alone takes m_i · max(0, H − L_i) / H, and the existing suppliers, shrinking in
    proportion, keep 1 − Σ_i m̄_i of the need. Without ``horizon_weeks`` every edge is ready
    from the start (m̄_i = m_i / max(1, Σ m)).
    """
    horizon = 1.0 if horizon_weeks is None else float(horizon_weeks)
    ready = np.zeros(len(shares)) if horizon_weeks is None else np.clip(lead, 0.0, horizon)
    mean = np.zeros(len(shares))
    crowded = False
    groups: dict[tuple[str, str], list[int]] = {}
    for i, key in enumerate(zip(buyers, items, strict=True)):
        groups.setdefault(key, []).append(i)
    for rows in groups.values():
        members = np.array(rows)
        starts = sorted({float(ready[i]) for i in rows})
        for a, b in zip(starts, [*starts[1:], horizon], strict=True):
            if b <= a:
                continue
            active = members[ready[members] <= a]
            total = float(shares[active].sum())
            crowded = crowded or total > 1 + 1e-12
            mean[active] += (b - a) / horizon * shares[active] / max(total, 1.0)
    return mean, crowded
