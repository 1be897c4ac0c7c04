"""The optimiser's strategy in words, and which members use which action (docs/model.md §6).

``strategy_sentences(result)`` gives one sentence per action of a run's strategy.csv, then what
the plan does to the members' and the world's expected loss, e.g.

    Certify supermicro_mi300 (Supermicro ...) for AI servers: USD 15 M, shared by 9 members
    that use it, USD 1.67 M each; in use after 26 weeks, up to 50 % of each member buyer's need.

``members_use(result)`` is the table behind "which members use which certification or
expansion": one row per action with a members' cost share, one column per member, the member's
Shapley share of its cost (0: the member does not use it).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:
    from .results import StressResult

__all__ = ["members_use", "money", "strategy_sentences"]


def money(value: float, currency: str = "USD") -> str:
    """An amount as a reader says it: USD 15 M, USD 1.67 M, USD 2.5 bn, USD 4 (3 significant
    figures from a million on)."""
    v = float(value)
    if abs(v) >= 1e9:
        return f"{currency} {v / 1e9:.3g} bn"
    if abs(v) >= 1e6:
        return f"{currency} {v / 1e6:.3g} M"
    return f"{currency} {v:.6g}"


def _shares(cell: Any) -> dict[str, float]:
    """``member=amount;…`` (strategy.csv's members_cost_share) as a dict; {} for an empty cell."""
    if not isinstance(cell, str) or not cell.strip():
        return {}
    out: dict[str, float] = {}
    for part in cell.split(";"):
        name, _, amount = part.partition("=")
        if name.strip():
            out[name.strip()] = float(amount) if amount.strip() else 0.0
    return out


def members_use(result: StressResult) -> pd.DataFrame:
    """Per action with a members' cost share (index ``action``: "certify supplier / item",
    "expand facility"), per member (columns, in the order strategy.csv lists them) the member's
    Shapley share of the cost; 0 where the member does not use the action. Empty when the run
    has no strategy or no consortium."""
    try:
        actions = result.table("strategy")
    except KeyError:
        return pd.DataFrame()
    rows: dict[str, dict[str, float]] = {}
    for record in actions.to_dict("records"):
        shares = _shares(record.get("members_cost_share"))
        if shares:
            rows[_label(record)] = shares
    if not rows:
        return pd.DataFrame()
    members = list(dict.fromkeys(m for shares in rows.values() for m in shares))
    table = pd.DataFrame.from_dict(rows, orient="index").reindex(columns=members).fillna(0.0)
    table.index.name = "action"
    return table


def _label(record: dict[Any, Any]) -> str:
    action = str(record["action"])
    if action == "expand":
        return f"expand {record['supplier']}"
    if action == "certify":
        return f"certify {record['supplier']} / {record['item']}"
    return f"{action} {record['supplier']} -> {record['buyer']} / {record['item']}"


def _text(value: Any) -> str:
    return "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)


def strategy_sentences(result: StressResult, currency: str = "USD") -> list[str]:
    """The strategy of a run in words: one sentence per action (what it is, its cost and who
    pays, when it is in use), then the plan's cost and the members' and world's expected
    final-output loss per week before and after. Empty when the run has no strategy.

    Amounts are in ``currency`` (the network's costs are read as that currency); losses are
    final-output value per week, in the unit of the network's item values."""
    try:
        actions = result.table("strategy")
    except KeyError:
        return []
    network = result.network
    items = network.items.set_index("id")["name"] if "name" in network.items.columns else pd.Series(dtype=object)
    facilities = network.facilities.set_index("id")

    def item(k: Any) -> str:
        name = _text(items.get(k)) if k in items.index else ""
        return name or str(k)

    def where(f: Any) -> str:
        if f not in facilities.index:
            return str(f)
        return f"{f} ({facilities.loc[f, 'country']})"

    out = []
    for r in actions.to_dict("records"):
        action, cost, lead = str(r["action"]), float(r["cost"]), _text(r.get("lead_weeks"))
        ready = f"in use after {int(float(lead))} weeks" if lead and float(lead) > 0 else "in use at once"
        share = _text(r.get("max_share"))
        upto = f", up to {100 * float(share):.3g} %" if share else ""
        shares = {m: v for m, v in _shares(r.get("members_cost_share")).items() if v > 0}
        if shares:
            amounts = {round(v, 2) for v in shares.values()}
            n = len(shares)
            who = (
                f"shared by {n} member{'s' * (n != 1)} that use it, {money(next(iter(shares.values())), currency)} each"
                if len(amounts) == 1 and n > 1
                else "paid by " + ", ".join(f"{m} {money(v, currency)}" for m, v in shares.items())
            )
        else:
            who = ""
        if action == "certify":
            text = (
                f"Certify {r['supplier']} for {item(r['item'])}: {money(cost, currency)}"
                + (f", {who}" if who else "")
                + f"; {ready}{upto + ' of each member buyer’s need' if upto else ''}."
            )
        elif action == "qualify":
            text = (
                f"Qualify {r['supplier']} as a supplier of {item(r['item'])} to {where(r['buyer'])}: "
                f"{money(cost, currency)}; {ready}{upto + ' of its need' if upto else ''}."
            )
        elif action == "stock":
            weeks = _text(r.get("stock_weeks"))
            text = (
                f"Hold {float(weeks):.3g} more weeks of {item(r['item'])} in stock at {where(r['buyer'])}: "
                f"{money(cost, currency)}."
            )
        elif action == "expand":
            added = _text(r.get("added_capacity"))
            amount = f"{float(added):.4g} units per week more " if added else "more "
            text = (
                f"Build {amount}{item(r['item'])} at {where(r['supplier'])}: {money(cost, currency)}"
                + (f", {who}" if who else "")
                + f"; {ready}."
            )
        else:
            text = f"{action.capitalize()} {r['supplier']} / {r['item']}: {money(cost, currency)}."
        out.append(text)
    summary = result.summary
    if "cost" in summary.index and not actions.empty:
        total = f"Together the plan costs {money(float(summary['cost']), currency)}"
        before, after = (summary.get(f"members_expected_lost_output_{w}") for w in ("before", "after"))
        world = [summary.get(f"expected_lost_output_{w}") for w in ("before", "after")]
        if before is not None and after is not None and not math.isnan(before):
            change = f" ({100 * (before - after) / before:.1f} % less)" if before > 0 else ""
            total += (
                f" and lowers the members' expected loss of final output from {before:.4g} to {after:.4g} "
                f"per week{change}"
            )
            if world[0] is not None and world[1] is not None:
                total += f"; the world's goes from {world[0]:.4g} to {world[1]:.4g}"
        elif world[0] is not None and world[1] is not None:
            total += f" and lowers the expected loss of final output from {world[0]:.4g} to {world[1]:.4g} per week"
        out.append(total + ".")
    elif actions.empty:
        out.append("The optimiser proposes no action.")
    return out
