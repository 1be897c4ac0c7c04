"""Root causes: the chain upstream from a facility to the origins of its loss (docs/model.md §3.4).

``explain(result, facility)`` walks the static engine's equations (docs/model.md §3.2)
backwards. A facility v makes α_v = o_v · min(1, min_k A_vk) of its normal output: either its
own factor o_v is below 1 (a disruption hits it: an **origin**), or its limiting item k is
short, A_vk = min(1, Σ_e share_e · a_e · α_u + stock_weeks_vk / H) < 1. Each supply edge
e = (u → v, k) then delivers share_e · a_e · α_u of v's need and falls short of its share by
share_e · (1 − a_e · α_u), for one or both of two reasons:

- the edge is **licensed** below 1 (a_e < 1: the controls covering it, each with the reach
  that brings u within its issuer's jurisdiction): an origin;
- the supplier is **short** (α_u < 1): the walk goes on upstream from u.

Each origin carries the Shapley share (docs/model.md §3.4) of its player — the control or the
disruption — in the explained facility's lost capacity, so the sentences say both where the
loss comes from and how much of it each rule causes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .errors import InputError, Problem
from .scenario import CompiledScenario, compile_scenario
from .stress import TOLERANCE, propagate

if TYPE_CHECKING:
    from .network import Network
    from .results import StressResult

__all__ = ["Explanation", "explain"]

COLUMNS = [
    "depth",
    "facility",
    "availability",
    "item",
    "supplier",
    "share",
    "edge_factor",
    "supplier_availability",
    "delivered",
    "shortfall",
    "reason",
    "player",
    "reach",
    "origin",
    "player_share",
]
"""The chain table's columns (docs/model.md §3.4): one row per step of the walk.

``depth`` 0 is the explained facility; ``facility`` the buyer at that step, with its
``availability`` α (0–1) and its limiting ``item``; ``supplier``, ``share`` (its nominal share
of the buyer's need of the item), ``edge_factor`` a_e (horizon mean, 0–1),
``supplier_availability`` α_u, ``delivered`` = share · a_e · α_u and ``shortfall`` = share −
delivered (shares of the buyer's need); ``reason`` one of ``denied`` (a_e = 0), ``licensed``
(0 < a_e < 1), ``supplier short``, ``licensed; supplier short``, ``denied; supplier short``,
``stock`` (the stock that covers part of the need) or ``disrupted`` (the facility's own factor
is below 1; ``supplier`` empty, ``edge_factor`` the own factor o_v); ``player`` the controls or
disruptions behind an origin (``;``-joined); ``reach`` why the control covers the edge;
``origin`` whether the row is an origin of the loss (a covered edge or a disrupted facility);
``player_share`` the Shapley share of ``player`` in the explained facility's lost capacity
(0–1; the sum over players of one origin when it names several)."""


@dataclass
class Explanation:
    """Why a facility makes less than normal, from the facility back to the origins.

    - ``facility``, ``availability`` (0–1) and ``lost_capacity`` (units of its item per week);
    - ``chain``: the walk as a table (columns ``COLUMNS``, one row per edge, stock or
      disruption met on the way, in the order visited);
    - ``causes``: the Shapley attribution of its lost capacity among the scenario's players
      (``player``, ``kind`` control or disruption, ``lost_capacity`` in units per week, ``share``
      of the loss), largest first;
    - ``sentences``: the same in a few plain sentences; ``str(explanation)`` joins them.
    """

    facility: str
    availability: float
    lost_capacity: float
    chain: pd.DataFrame
    causes: pd.DataFrame
    sentences: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return "\n".join(self.sentences)

    def __repr__(self) -> str:
        origins = int(self.chain["origin"].sum()) if len(self.chain) else 0
        return (
            f"<Explanation of {self.facility!r}: availability {_pct(self.availability)}, "
            f"{len(self.chain)} steps, {origins} origins>"
        )


def _pct(x: float) -> str:
    """A share as a percentage with at most one decimal ("12.5 %", "20 %")."""
    value = round(100.0 * float(x), 1)
    return f"{value:g} %"


def _num(x: float) -> str:
    """A quantity with up to 4 significant figures and no exponent for everyday sizes."""
    x = float(x)
    if x == 0:
        return "0"
    if abs(x) >= 1e4:
        return f"{x:,.0f}".replace(",", " ")
    return f"{x:.4g}"


def _units(x: float) -> str:
    return "unit" if float(x) == 1.0 else "units"


def _compiled(result: StressResult) -> CompiledScenario:
    compiled = result.extras.get("compiled") if isinstance(result.extras, dict) else None
    if isinstance(compiled, CompiledScenario) and compiled.network is result.network:
        return compiled
    return compile_scenario(result.network, result.scenario)


class _Walk:
    """The static engine's state for one scenario, with the lookups the walk needs."""

    def __init__(self, network: Network, compiled: CompiledScenario) -> None:
        self.network = network
        self.compiled = compiled
        arr = network.arrays
        self.arr = arr
        self.edge_factor = compiled.edge_factor()[0]
        self.own = compiled.own_factor()[0]
        alpha, avail = propagate(arr.plan, self.edge_factor[None, :], self.own[None, :], compiled.stock_term)
        self.alpha = alpha[0]
        self.avail = avail[0]
        self.recipes_of: dict[int, np.ndarray] = {}
        order = np.argsort(arr.recipe_facility, kind="stable")
        starts = np.searchsorted(arr.recipe_facility[order], np.arange(arr.n_facilities + 1))
        self._recipe_order, self._recipe_starts = order, starts
        edge_order = np.argsort(arr.edge_recipe, kind="stable")
        self._edge_order = edge_order
        self._edge_starts = np.searchsorted(arr.edge_recipe[edge_order], np.arange(arr.n_recipes + 1))
        self._content: dict[int, np.ndarray] = {}
        self._targets: dict[int, Any] = {}

    def recipes(self, v: int) -> np.ndarray:
        return self._recipe_order[self._recipe_starts[v] : self._recipe_starts[v + 1]]

    def edges(self, r: int) -> np.ndarray:
        return self._edge_order[self._edge_starts[r] : self._edge_starts[r + 1]]

    def limiting_recipe(self, v: int) -> int | None:
        """The recipe row of v's limiting item (smallest A_vk below 1; ties: smaller item id)."""
        rows = self.recipes(v)
        if len(rows) == 0:
            return None
        values = self.avail[rows]
        low = values.min()
        if low >= 1.0 - TOLERANCE:
            return None
        tied = rows[values <= low + TOLERANCE]
        items = [self.arr.item_ids[self.arr.recipe_item[r]] for r in tied.tolist()]
        return int(tied[items.index(min(items))])

    def content(self, code: int) -> np.ndarray:
        if code not in self._content:
            self._content[code] = self.arr.origin_content_share(code)
        return self._content[code]

    def reach(self, c: int, e: int) -> str:
        """Why control c covers edge e: the issuer whose reach brings the supplier in, and how."""
        arr = self.arr
        control = self.compiled.scenario.controls[c]
        u, v = int(arr.edge_src[e]), int(arr.edge_dst[e])
        supplier = arr.facility_ids[u]
        reasons = []
        for issuer in control.issuer:
            code = arr.country_code(issuer)
            if code < 0:
                continue
            if arr.country[u] == code:
                reasons.append(f"{issuer}: made in {issuer}")
                continue
            if control.reach.de_minimis is not None:
                share = float(self.content(code)[u])
                if share >= control.reach.de_minimis:
                    reasons.append(
                        f"{issuer}, de minimis: {supplier} has {_pct(share)} {issuer} content "
                        f"(threshold {_pct(control.reach.de_minimis)})"
                    )
                    continue
            if control.reach.foreign_direct_product:
                into = np.flatnonzero(
                    (arr.edge_dst == u) & arr.item_tool[arr.edge_item] & (arr.country[arr.edge_src] == code)
                )
                if len(into):
                    tools = sorted({arr.item_ids[arr.edge_item[x]] for x in into.tolist()})
                    reasons.append(
                        f"{issuer}, foreign-direct product: {supplier} uses {issuer} tools ({', '.join(tools)})"
                    )
        buyer = self._buyer_reason(control, v)
        text = "; ".join(reasons) if reasons else "within reach"
        return f"{text}; buyer {buyer}" if buyer else text

    def _buyer_reason(self, control: Any, v: int) -> str:
        arr = self.arr
        country = arr.countries[arr.country[v]]
        if "*" in control.destinations or country in control.destinations:
            return f"in {country}"
        company = arr.companies[arr.company[v]]
        if arr.facility_ids[v] in control.end_users or company in control.end_users:
            return "a listed end user"
        hq = self.network.facilities["hq_country"].iat[v]
        if hq in control.headquarters:
            return f"headquartered in {hq}"
        return "an affiliate of a listed end user"


def explain(
    result: StressResult,
    facility: str,
    *,
    max_depth: int = 10,
    shares: pd.DataFrame | None = None,
) -> Explanation:
    """The chain upstream from ``facility`` to the origins of its loss (docs/model.md §3.4).

    ``result`` is a ``StressResult`` (``sc.stress`` or ``sc.run_scenario``); ``facility`` a
    facility id of its network. The walk follows each short facility's limiting item to the
    supply edges of that item, and from every supplier that is itself short on upstream, up to
    ``max_depth`` steps (each facility is explained once, where the walk first meets it).
    ``shares``: the Shapley attribution (facility × player, units per week) to use instead of
    ``result.attribution``. Returns an ``Explanation`` (a table and plain sentences).

    >>> import supplychain as sc
    >>> res = sc.stress(None, "scenarios/tiny-export-controls.yaml")
    >>> print(sc.explain(res, "fab_cn").sentences[0])
    fab_cn makes 25 % of normal (loses 18.75 of 25 units of chip per week): limiting input euv.
    """
    network = result.network
    arr = network.arrays
    if facility not in arr.index:
        from .compile import _suggest

        raise InputError(
            f"cannot explain {facility!r}",
            [
                Problem(
                    "facility",
                    f"unknown facility {facility!r} in network {network.name!r}{_suggest(facility, arr.facility_ids)}",
                )
            ],
        )
    compiled = _compiled(result)
    walk = _Walk(network, compiled)
    root = arr.index[facility]
    capacity = float(arr.capacity[root])
    alpha_root = float(walk.alpha[root])
    lost = capacity * (1.0 - alpha_root)
    causes = _causes(result, compiled, facility, lost, shares)
    share_of = dict(zip(causes["player"], causes["share"], strict=True))

    rows: list[dict[str, Any]] = []
    seen = {root}
    queue: list[tuple[int, int]] = [(root, 0)]
    control_names = compiled.control_names
    disruption_names = compiled.disruption_labels
    while queue:
        v, depth = queue.pop(0)
        alpha_v = float(walk.alpha[v])
        name = arr.facility_ids[v]
        if walk.own[v] < 1.0 - TOLERANCE:
            hits = [disruption_names[d] for d in np.flatnonzero(compiled.disruption_hit[:, v]).tolist()]
            rows.append(
                _row(
                    depth,
                    name,
                    alpha_v,
                    "",
                    "",
                    np.nan,
                    float(walk.own[v]),
                    np.nan,
                    np.nan,
                    np.nan,
                    "disrupted",
                    hits,
                    "",
                    True,
                    share_of,
                )
            )
        r = walk.limiting_recipe(v)
        if r is None:
            continue
        item = arr.item_ids[arr.recipe_item[r]]
        stock = float(compiled.stock_term[r])
        if stock > TOLERANCE:
            rows.append(
                _row(
                    depth, name, alpha_v, item, "", np.nan, np.nan, np.nan, stock, 0.0, "stock", [], "", False, share_of
                )
            )
        for e in walk.edges(r).tolist():
            u = int(arr.edge_src[e])
            share = float(arr.share[e])
            a_e = float(walk.edge_factor[e])
            alpha_u = float(walk.alpha[u])
            delivered = share * a_e * alpha_u
            shortfall = share - delivered
            if shortfall <= TOLERANCE:
                continue
            licensed = a_e < 1.0 - TOLERANCE
            short = alpha_u < 1.0 - TOLERANCE
            parts = []
            players: list[str] = []
            reach = ""
            if licensed:
                parts.append("denied" if a_e <= TOLERANCE else "licensed")
                covering = [
                    c
                    for c in np.flatnonzero(compiled.coverage[:, e]).tolist()
                    if compiled.approval[c] < 1.0 or compiled.control_delay[c] > 0
                ]
                players = [control_names[c] for c in covering]
                reach = " | ".join(f"{control_names[c]} ({walk.reach(c, e)})" for c in covering)
            if short:
                parts.append("supplier short")
                if u not in seen and depth + 1 <= max_depth:
                    seen.add(u)
                    queue.append((u, depth + 1))
            rows.append(
                _row(
                    depth,
                    name,
                    alpha_v,
                    item,
                    arr.facility_ids[u],
                    share,
                    a_e,
                    alpha_u,
                    delivered,
                    shortfall,
                    "; ".join(parts),
                    players,
                    reach,
                    licensed,
                    share_of,
                )
            )
    chain = pd.DataFrame(rows, columns=COLUMNS)
    item_name = arr.item_ids[arr.produces[root]]
    return Explanation(
        facility=facility,
        availability=alpha_root,
        lost_capacity=lost,
        chain=chain,
        causes=causes,
        sentences=_sentences(
            facility,
            item_name,
            capacity,
            alpha_root,
            rows,
            [{str(k): v for k, v in r.items()} for r in causes.to_dict("records")],
        ),
    )


def _row(
    depth: int,
    facility: str,
    availability: float,
    item: str,
    supplier: str,
    share: float,
    edge_factor: float,
    supplier_availability: float,
    delivered: float,
    shortfall: float,
    reason: str,
    players: list[str],
    reach: str,
    origin: bool,
    share_of: dict[str, float],
) -> dict[str, Any]:
    return {
        "depth": depth,
        "facility": facility,
        "availability": availability,
        "item": item,
        "supplier": supplier,
        "share": share,
        "edge_factor": edge_factor,
        "supplier_availability": supplier_availability,
        "delivered": delivered,
        "shortfall": shortfall,
        "reason": reason,
        "player": ";".join(players),
        "reach": reach,
        "origin": origin,
        "player_share": float(sum(share_of.get(p, 0.0) for p in players)) if origin else np.nan,
    }


def _causes(
    result: StressResult, compiled: CompiledScenario, facility: str, lost: float, shares: pd.DataFrame | None
) -> pd.DataFrame:
    """The Shapley attribution of ``facility``'s lost capacity: player, kind, lost_capacity
    (units per week), share (of the loss, 0–1), largest first (ties: the order listed)."""
    table = shares
    if table is None:
        attribution = getattr(result, "attribution", None)
        if attribution is None:
            from .attribution import attribute_compiled

            attribution = attribute_compiled(compiled)
        table = attribution.shares
    found: dict[str, float] = {}
    if facility in table.index:
        found = {str(k): float(v) for k, v in table.loc[facility].to_dict().items()}
    players = list(compiled.control_names) + list(compiled.disruption_labels)
    kinds = ["control"] * len(compiled.control_names) + ["disruption"] * len(compiled.disruption_labels)
    values = np.asarray([found.get(p, 0.0) for p in players], dtype=np.float64)
    frame = pd.DataFrame(
        {
            "player": players,
            "kind": kinds,
            "lost_capacity": values,
            "share": values / lost if lost > TOLERANCE else np.zeros(len(players)),
        }
    )
    order = np.argsort(-np.round(frame["lost_capacity"].to_numpy(), 12), kind="stable")
    frame = frame.iloc[order]
    return frame[frame["lost_capacity"].abs() > TOLERANCE * max(1.0, lost)].reset_index(drop=True)


def _sentences(
    facility: str, item: str, capacity: float, alpha: float, rows: list[dict[str, Any]], causes: list[dict[str, Any]]
) -> list[str]:
    """The chain in plain sentences: one per facility met (its availability, disruption and
    limiting input), one per short edge or stock under it, and the Shapley shares last."""
    lost = capacity * (1.0 - alpha)
    if lost <= TOLERANCE * max(1.0, capacity):
        normal = f"{_num(capacity)} {_units(capacity)} of {item} per week"
        return [f"{facility} makes its normal output ({normal}): nothing limits it."]
    groups: dict[tuple[str, int], list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault((row["facility"], row["depth"]), []).append(row)
    out: list[str] = []
    for (name, depth), steps in groups.items():
        head = f"{name} makes {_pct(steps[0]['availability'])} of normal"
        if depth == 0:
            head += f" (loses {_num(lost)} of {_num(capacity)} {_units(capacity)} of {item} per week)"
        clauses = [
            f"it is disrupted by {row['player'].replace(';', ', ')} (own factor {_pct(row['edge_factor'])})"
            for row in steps
            if row["reason"] == "disrupted"
        ]
        limiting = [row["item"] for row in steps if row["item"]]
        if limiting:
            clauses.append(f"limiting input {limiting[0]}")
        out.append(f"{head}: {'; '.join(clauses)}." if clauses else f"{head}.")
        for row in steps:
            reason = row["reason"]
            if reason == "disrupted":
                continue
            if reason == "stock":
                out.append(
                    f"  Stock covers {_pct(row['delivered'])} of {name}'s need of {row['item']} over the horizon."
                )
                continue
            edge = (
                f"  {row['supplier']} -> {name} ({row['item']}, {_pct(row['share'])} of the need) "
                f"delivers {_pct(row['delivered'])}"
            )
            why = []
            if "denied" in reason or "licensed" in reason:
                verb = "denied" if "denied" in reason else f"licensed at {_pct(row['edge_factor'])}"
                why.append(f"{verb} under {row['reach']}")
            if "supplier short" in reason:
                why.append(f"{row['supplier']} is short ({_pct(row['supplier_availability'])} of normal)")
            out.append(f"{edge}: {' and '.join(why)}.")
    if causes:
        parts = [f"{c['player']} {_pct(c['share'])} ({_num(c['lost_capacity'])} units/week)" for c in causes]
        out.append(f"Of {facility}'s loss of {_num(lost)} units per week (Shapley shares): {', '.join(parts)}.")
    return out
