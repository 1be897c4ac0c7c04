"""A plan vector as the optimiser's actions (docs/model.md §5-6): the rows of strategy.csv, the
edges it opens, the stock it buys and the capacity it builds, with each certification's and
expansion's cost shared among the consortium's members.

**Uses.** A member *uses* a granted certification j (supplier u, item k) when j opens an edge
u → v for k (``instance``: v a member buyer with a recipe for k that u does not already supply)
to some buyer v that is that member's: v is in the member's country, of the member's company,
or is the member facility. Use is structural (the edge is open to the member, whether or not
it carries flow in a sample); one buyer can make several members users (its country and its
company).

A granted certification's cost is allocated by the Shapley value of the cost game
C(S) = Σ_j cost_j · [some member of S uses j] (``costsharing.certification_game``), computed by
its closed form, the equal split of each certification's cost among the members that use it
(``costsharing.certification_shapley``, exact for any number of members); beside it, the split
in proportion to each member's expected use (value delivered over the edges j opens for it,
on the optimiser's samples, ``costsharing.proportional``; the equal split among its users when
none carries flow).

**Expansions.** An expansion is capacity at one facility, so it has *owners*, not users: the
members the facility belongs to (its country, its company, or the facility itself). Its cost
game is C(S) = cost · [S holds an owner], whose Shapley value is the equal split among the owners
(the certification closed form with users = owners): an expansion at a member's facility is paid
by that member. An expansion at a facility of no member (capacity the consortium buys abroad)
is a joint purchase: every member is an owner and pays an equal share. The proportional column
gives the same split (an expansion has no per-member flow of its own to measure).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .costsharing import certification_shapley, proportional
from .instance import _Instance, _Samples
from .recourse import _Recourse
from .strategy import STRATEGY_COLUMNS


def _actions(
    inst: _Instance, plan: np.ndarray, samples: _Samples, recourse: _Recourse
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """strategy.csv rows (``STRATEGY_COLUMNS``), the opened edges and the stock bought (what
    ``Strategy.apply`` puts in force); ``_built`` gives the expansions."""
    network, arr = inst.network, inst.network.arrays
    ids = arr.facility_ids
    cand, cert = network.candidates, network.certifications
    rows: list[dict[str, Any]] = []
    opened: list[dict[str, Any]] = []
    bought_c = [c for c in range(inst.n_cand) if plan[c] > 0.5]
    bought_j = [j for j in range(inst.n_cert) if plan[inst.n_cand + j] > 0.5]
    empty_cols = {
        "members_cost_share": "",
        "max_share": np.nan,
        "stock_weeks": np.nan,
        "members_cost_share_proportional": "",
        "added_capacity": np.nan,
    }
    for c in bought_c:
        r = cand.iloc[c]
        rows.append(
            {
                "action": "qualify",
                "supplier": r["supplier"],
                "buyer": r["buyer"],
                "item": r["item"],
                "cost": float(r["cost"]),
                "lead_weeks": float(r["lead_weeks"]),
                **empty_cols,
                "max_share": float(r["max_share"]),
            }
        )
    # expected flow value over each opened edge, for the proportional allocation
    flow_use = np.zeros(inst.n_new)
    if bought_j and inst.n_new:
        flow_use = recourse.expected_new_flow(plan, samples)
    for j in bought_j:
        r = cert.iloc[j]
        edges = np.flatnonzero(inst.edge_cert == j)
        buyers = [ids[v] for v in inst.new_dst[edges].tolist()]
        players = list(inst.members)
        access: set[str] = set()  # the members that use certification j
        use = dict.fromkeys(players, 0.0)
        for x in edges.tolist():
            for m in inst.member_of.get(int(inst.new_dst[x]), []):
                access.add(m)
                use[m] += float(flow_use[x])
        total = float(r["cost"])
        shares = certification_shapley({"certification": total}, {"certification": access}, players)
        if not access:
            prop = {m: total / len(players) for m in players} if players else {}
        else:
            prop = (
                proportional({m: use[m] if use[m] > 0 else 0.0 for m in players}, total)
                if sum(use.values()) > 0
                else {m: (total / len(access) if m in access else 0.0) for m in players}
            )
        rows.append(
            {
                "action": "certify",
                "supplier": r["supplier"],
                "buyer": ";".join(buyers),
                "item": r["item"],
                "cost": total,
                "lead_weeks": float(r["lead_weeks"]),
                "members_cost_share": _fmt_shares(shares),
                "max_share": float(r["max_share"]),
                "stock_weeks": np.nan,
                "members_cost_share_proportional": _fmt_shares(prop),
                "added_capacity": np.nan,
            }
        )
    for row in _built(inst, plan).to_dict("records"):
        owners = _owners(inst, int(inst.exp_facility[int(row["expansion"])]))
        total = float(row["cost"])
        shares = certification_shapley({"expansion": total}, {"expansion": owners}, inst.members) if owners else {}
        rows.append(
            {
                "action": "expand",
                "supplier": row["facility"],
                "buyer": "",
                "item": row["item"],
                "cost": total,
                "lead_weeks": float(row["lead_weeks"]),
                "members_cost_share": _fmt_shares(shares),
                "max_share": np.nan,
                "stock_weeks": np.nan,
                "members_cost_share_proportional": _fmt_shares(shares),
                "added_capacity": float(row["added_capacity"]),
            }
        )
    # opened edges with the share that counts (larger max_share of the openers bought)
    cand_share, cand_lead = (cand[col].to_numpy(dtype=float) for col in ("max_share", "lead_weeks"))
    cert_share, cert_lead = (cert[col].to_numpy(dtype=float) for col in ("max_share", "lead_weeks"))
    for x in range(inst.n_new):
        c, j = int(inst.edge_cand[x]), int(inst.edge_cert[x])
        shares_: list[float] = []
        leads: list[float] = []
        if c >= 0 and plan[c] > 0.5:
            shares_.append(float(cand_share[c]))
            leads.append(float(cand_lead[c]))
        if j >= 0 and plan[inst.n_cand + j] > 0.5:
            shares_.append(float(cert_share[j]))
            leads.append(float(cert_lead[j]))
        if shares_:
            opened.append(
                {
                    "supplier": ids[inst.new_src[x]],
                    "buyer": ids[inst.new_dst[x]],
                    "item": arr.item_ids[inst.new_item[x]],
                    "max_share": max(shares_),
                    "lead_weeks": min(leads),
                }
            )
    stock_rows: list[dict[str, Any]] = []
    s0 = inst.stock_start
    for i, r in enumerate(inst.stock_recipes.tolist()):
        weeks = float(plan[s0 + i])
        if weeks <= 1e-9:
            continue
        fac, item = ids[arr.recipe_facility[r]], arr.item_ids[arr.recipe_item[r]]
        cost = weeks * float(inst.cost[s0 + i])
        rows.append(
            {
                "action": "stock",
                "supplier": "",
                "buyer": fac,
                "item": item,
                "cost": cost,
                "lead_weeks": 0.0,
                **empty_cols,
                "stock_weeks": weeks,
            }
        )
        stock_rows.append({"facility": fac, "item": item, "weeks": weeks})
    actions = pd.DataFrame(rows, columns=STRATEGY_COLUMNS)
    return (
        actions,
        pd.DataFrame(opened, columns=["supplier", "buyer", "item", "max_share", "lead_weeks"]),
        pd.DataFrame(stock_rows, columns=["facility", "item", "weeks"]),
    )


EXPANSION_COLUMNS = ["facility", "item", "added_capacity", "lead_weeks", "cost", "expansion"]
"""``Strategy.expansions``: the expansions built (``expansion`` their row of the network's
``expansions`` table)."""


def _built(inst: _Instance, plan: np.ndarray) -> pd.DataFrame:
    """The expansions the plan builds (``EXPANSION_COLUMNS``), in table order."""
    arr = inst.network.arrays
    table = inst.network.expansions
    chosen = [e for e in range(inst.n_exp) if plan[inst.exp_start + e] > 0.5]
    added, lead, cost = (table[col].to_numpy(dtype=float) for col in ("added_capacity", "lead_weeks", "cost"))
    records = []
    for e in chosen:
        r = int(inst.exp_rows[e])
        v = int(inst.exp_facility[e])
        records.append(
            {
                "facility": arr.facility_ids[v],
                "item": inst.network.facilities["produces"].iat[v],
                "added_capacity": float(added[r]),
                "lead_weeks": float(lead[r]),
                "cost": float(cost[r]),
                "expansion": r,
            }
        )
    return pd.DataFrame(records, columns=EXPANSION_COLUMNS)


def _owners(inst: _Instance, facility: int) -> set[str]:
    """The members an expansion at ``facility`` belongs to (its country, company or id), or
    every member when it is no member's (a joint purchase); empty without a consortium."""
    own = set(inst.member_of.get(facility, []))
    return own if own else set(inst.members)


def _fmt_shares(shares: dict[str, float]) -> str:
    """``member=amount;…`` with amounts to 12 significant digits (``IND=1666666.66667``; an
    exponent only from 1e12 on)."""
    return ";".join(f"{m}={float(v):.12g}" for m, v in shares.items())
