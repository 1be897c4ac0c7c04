"""Hypothesis strategies for random valid networks and scenarios.

``networks()`` draws the four tables as lists of dicts (``sc.Network(**tables)`` builds it):
3-25 facilities over a handful of countries, items with tags / tpp / node_nm / value,
recipes of 0-3 inputs, supplies whose shares sum to exactly 1 per recipe, capacities that
cover every supplier's demand, cycles when ``cyclic`` (the default draws both kinds), and
sometimes stock. ``scenarios(tables)`` draws a scenario dict valid against those tables:
0-3 controls (item patterns that match something, where thresholds, destinations or "*",
headquarters, end users, reach with affiliates, licence approval, one issuer or two, and
sometimes start and end weeks and licence delays) and 0-2 disruptions (sometimes starting
late and ramping back). Networks sometimes carry ``hq_country`` and an ``ownership`` table.

The numbers are chosen so that every feedback loop contracts by a factor of at most 0.95 per
pass (licence approvals <= 0.5, disruptions cost at least 5 % of the horizon), so both the
engine and the reference converge to well inside the tests' 1e-7 tolerance.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import strategies as st

__all__ = ["COUNTRIES", "ISSUERS", "KINDS", "networks", "scenarios", "stress_cases"]

COUNTRIES = ("USA", "NLD", "JPN", "CHN", "TWN", "KOR")
ISSUERS = ("USA", "NLD", "JPN", "CHN")
KINDS = ("material", "equipment", "eda_ip", "design", "foundry", "memory", "osat", "compute")
TAGS = ("eccn:3A090.a", "eccn:3A090.b", "eccn:3B001.f", "eccn:3B001.d", "euv", "hbm", "eda")
COMPANIES = ("acme", "bolt", "cirrus", "delta", "ember")
QUANTITIES = (0.01, 0.1, 0.25, 0.3)  # <= 0.3 with <= 3 recipes: demand gain <= 0.9 per loop
VALUES = (1.0, 2.0, 20.0, 500.0, 1000.0)

# strategies built once (building them inside loops dominates the drawing time)
_TAG_LIST = st.lists(st.sampled_from(TAGS), max_size=2, unique=True)
_TPP = st.sampled_from([None, 1000.0, 4800.0, 5000.0])
_NODE = st.sampled_from([None, 3.0, 7.0, 16.0])
_VALUE = st.sampled_from([None, *VALUES])
_TOOL = st.sampled_from([None, None, True, False])
_COMPANY = st.sampled_from(COMPANIES)
_COUNTRY = st.sampled_from(COUNTRIES)
_KIND = st.sampled_from(KINDS)
_QUANTITY = st.sampled_from(QUANTITIES)
_STOCK = st.sampled_from([None, None, None, 0.0, 4.0, 13.0, 26.0, 60.0])
_WEIGHT = st.integers(1, 5)


@st.composite
def _items(draw: Any, n_items: int) -> list[dict]:
    items = []
    for i in range(n_items):
        item: dict[str, Any] = {"id": f"i{i}", "name": f"item {i}"}
        tags = draw(_TAG_LIST)
        if tags or draw(st.booleans()):
            item["tags"] = ";".join(tags)
        item["tpp"] = draw(_TPP)
        item["node_nm"] = draw(_NODE)
        value = draw(_VALUE)
        if value is not None:
            item["value"] = value
        tool = draw(_TOOL)
        if tool is not None:
            item["tool"] = tool
        items.append(item)
    return items


@st.composite
def networks(
    draw: Any, cyclic: bool | None = None, min_facilities: int = 3, max_facilities: int = 25, twins: int = 0
) -> dict[str, list[dict]]:
    """The tables of a random valid network, as lists of dicts.

    With ``twins`` > 0, 1 to ``twins`` final outputs with recipes (facilities that supply no
    one) get an identical twin, id ``<id>t``: same company, country, item, recipes, suppliers
    and shares, hence the same capacity (capacities are drawn after, covering both)."""
    if cyclic is None:
        cyclic = draw(st.booleans())
    n = draw(st.integers(min_facilities, max_facilities))
    n_items = draw(st.integers(2, min(n, 10)))
    items = draw(_items(n_items))
    # every item has at least one producer; the rest produce random items
    produces = [f"i{i}" for i in range(n_items)]
    produces += [f"i{draw(st.integers(0, n_items - 1))}" for _ in range(n - n_items)]
    produces = draw(st.permutations(produces))
    facilities = []
    for j, item in enumerate(produces):
        facilities.append(
            {
                "id": f"f{j:02d}",
                "name": f"facility {j}",
                "company": draw(_COMPANY),
                "country": draw(_COUNTRY),
                "kind": draw(_KIND),
                "produces": item,
                "capacity": 1.0,  # set below, once demand is known
                **({"hq_country": draw(_COUNTRY)} if draw(st.integers(0, 3)) == 0 else {}),
            }
        )
    producers: dict[str, list[str]] = {}
    for f in facilities:
        producers.setdefault(f["produces"], []).append(f["id"])

    recipes: list[dict] = []
    supplies: list[dict] = []
    for f in facilities:
        own = int(f["produces"][1:])
        # acyclic: inputs only of lower-numbered items, so supply runs from low items to high
        choices = [f"i{i}" for i in range(n_items) if i != own and (cyclic or i < own)]
        choices = [k for k in choices if any(p != f["id"] for p in producers[k])]
        if not choices:
            continue
        inputs = draw(st.lists(st.sampled_from(choices), max_size=3, unique=True))
        for k in inputs:
            recipe: dict[str, Any] = {"facility": f["id"], "item": k, "quantity": draw(_QUANTITY)}
            stock = draw(_STOCK)
            if stock is not None:
                recipe["stock_weeks"] = stock
            recipes.append(recipe)
            candidates = [p for p in producers[k] if p != f["id"]]
            chosen = draw(
                st.lists(st.sampled_from(candidates), min_size=1, max_size=min(3, len(candidates)), unique=True)
            )
            weights = [draw(_WEIGHT) for _ in chosen]
            total = sum(weights)
            shares = [w / total for w in weights[:-1]]
            shares.append(1.0 - sum(shares))
            for supplier, share in zip(chosen, shares, strict=True):
                supplies.append({"supplier": supplier, "buyer": f["id"], "item": k, "share": share})

    if twins:
        _add_twins(draw, twins, facilities, recipes, supplies)
        n = len(facilities)

    # capacities: cap = base + 1.05 * M cap, M[u, v] = quantity * share of u's supply to v. Each
    # buyer's column of M sums to <= 0.9 (<= 3 recipes of quantity <= 0.3), so the series
    # converges, cap >= base > 0, and cap >= 1.05 * demand on it.
    index = {f["id"]: j for j, f in enumerate(facilities)}
    quantity = {(r["facility"], r["item"]): r["quantity"] for r in recipes}
    gain = np.zeros((n, n))
    for s in supplies:
        gain[index[s["supplier"]], index[s["buyer"]]] += quantity[(s["buyer"], s["item"])] * s["share"]
    base = np.array(draw(st.lists(st.integers(1, 200), min_size=n, max_size=n)), dtype=float)
    for j, f in enumerate(facilities):  # a twin has its original's capacity
        if f["id"].endswith("t"):
            base[j] = base[index[f["id"][:-1]]]
    capacity = np.linalg.solve(np.eye(n) - 1.05 * gain, base)
    for f, cap in zip(facilities, capacity.tolist(), strict=True):
        f["capacity"] = round(cap * 1.01, 6) + 1e-6
    ownership = []
    companies = sorted({f["company"] for f in facilities})
    if len(companies) >= 2 and draw(st.booleans()):
        for owned in companies:
            owners = draw(st.lists(st.sampled_from([c for c in companies if c != owned]), max_size=2, unique=True))
            left = 1.0
            for owner in owners:
                share = draw(st.sampled_from([0.2, 0.3, 0.5, 0.6]))
                if share > left + 1e-12:
                    break
                ownership.append({"owner": owner, "owned": owned, "share": share})
                left -= share
    return {"items": items, "facilities": facilities, "recipes": recipes, "supplies": supplies, "ownership": ownership}


def _add_twins(draw: Any, twins: int, facilities: list[dict], recipes: list[dict], supplies: list[dict]) -> None:
    """Give 1 to ``twins`` final outputs with recipes an identical twin (see ``networks``)."""
    suppliers = {s["supplier"] for s in supplies}
    finals = sorted({r["facility"] for r in recipes} - suppliers)
    if not finals:
        return
    chosen = draw(st.lists(st.sampled_from(finals), min_size=1, max_size=min(twins, len(finals)), unique=True))
    for fid in chosen:
        original = next(f for f in facilities if f["id"] == fid)
        facilities.append({**original, "id": f"{fid}t", "name": f"{original['name']} (twin)"})
        recipes += [{**r, "facility": f"{fid}t"} for r in recipes if r["facility"] == fid]
        supplies += [{**s, "buyer": f"{fid}t"} for s in supplies if s["buyer"] == fid]


def _patterns_for(tables: dict[str, list[dict]]) -> list[str]:
    """Glob patterns each matching at least one item id or tag of the network."""
    patterns = ["*"]
    for item in tables["items"]:
        patterns.append(item["id"])
        for tag in (item.get("tags") or "").split(";"):
            if tag:
                patterns.append(tag)
                patterns.append(tag[:6] + "*")  # "eccn:3*", "euv*" ...
    patterns.append("i[0-3]")
    patterns.append("i?")
    return sorted(set(patterns))


_WHERE = st.sampled_from(
    [
        {"tpp": {"min": 4800}},
        {"tpp": {"max": 4800}},
        {"tpp": {"min": 1000, "max": 4800}},
        {"node_nm": {"in": [3, 7]}},
        {"node_nm": {"max": 7}},
        {"value": {"min": 20}},
        {"value": {"in": [1, 500]}},
        {"tpp": {"min": 4800}, "node_nm": {"max": 7}},
    ]
)


@st.composite
def _control(draw: Any, name: str, tables: dict[str, list[dict]]) -> dict:
    control: dict[str, Any] = {"name": name}
    if draw(st.integers(0, 3)) == 0:
        control["issuer"] = draw(st.lists(st.sampled_from(ISSUERS), min_size=2, max_size=2, unique=True))
    else:
        control["issuer"] = draw(st.sampled_from(ISSUERS))
    if draw(st.integers(0, 3)):
        control["items"] = draw(st.lists(st.sampled_from(_patterns_for(tables)), min_size=1, max_size=2, unique=True))
    if draw(st.integers(0, 3)) == 0:
        control["where"] = draw(_WHERE)
    target = draw(st.sampled_from(["destinations", "end_users", "both", "headquarters"]))
    if target == "headquarters":
        control["headquarters"] = draw(st.lists(st.sampled_from(COUNTRIES), min_size=1, max_size=2, unique=True))
    if target in ("destinations", "both"):
        if draw(st.booleans()):
            control["destinations"] = ["*"]
        else:
            control["destinations"] = draw(st.lists(st.sampled_from(COUNTRIES), min_size=1, max_size=3, unique=True))
    if target in ("end_users", "both"):
        names = sorted({f["company"] for f in tables["facilities"]} | {f["id"] for f in tables["facilities"]})
        control["end_users"] = draw(st.lists(st.sampled_from(names), min_size=1, max_size=3, unique=True))
    reach = draw(st.sampled_from(["none", "de_minimis", "fdp", "both"]))
    if reach != "none":
        control["reach"] = {}
        if reach in ("de_minimis", "both"):
            control["reach"]["de_minimis"] = draw(st.sampled_from([0.0, 0.1, 0.25, 0.3, 0.5, 0.9]))
        if reach in ("fdp", "both"):
            control["reach"]["foreign_direct_product"] = True
    if control.get("end_users") and draw(st.booleans()):
        control.setdefault("reach", {})["affiliates"] = draw(st.sampled_from([0.3, 0.5, 1.0]))
    control["licence_approval"] = draw(st.sampled_from([0.0, 0.2, 0.5]))
    if draw(st.integers(0, 2)) == 0:  # timing (starts below the shortest horizon, 26)
        start = draw(st.sampled_from([0, 3, 20]))
        control["start_week"] = start
        end = draw(st.sampled_from([None, start + 4, start + 40]))
        if end is not None:
            control["end_week"] = end
        control["licence_delay_weeks"] = draw(st.sampled_from([0, 2, 30]))
    return control


@st.composite
def _disruption(draw: Any, tables: dict[str, list[dict]]) -> dict:
    disruption: dict[str, Any] = {}
    selectors = draw(
        st.lists(
            st.sampled_from(["facilities", "countries", "kinds", "companies"]), min_size=1, max_size=2, unique=True
        )
    )
    for selector in selectors:
        if selector == "facilities":
            pool = [f["id"] for f in tables["facilities"]]
        elif selector == "companies":
            pool = sorted({f["company"] for f in tables["facilities"]})
        elif selector == "countries":
            pool = list(COUNTRIES)
        else:
            pool = list(KINDS)
        disruption[selector] = draw(st.lists(st.sampled_from(pool), min_size=1, max_size=3, unique=True))
    disruption["capacity_factor"] = draw(st.sampled_from([0.0, 0.25, 0.5, 0.8]))
    weeks = draw(st.sampled_from([None, 13, 26, 52, 80]))
    if weeks is not None:
        disruption["weeks"] = weeks
        if draw(st.integers(0, 2)) == 0:
            disruption["start_week"] = draw(st.sampled_from([0, 5, 20]))
            disruption["ramp_weeks"] = draw(st.sampled_from([0, 3, 10]))
    return disruption


@st.composite
def scenarios(draw: Any, tables: dict[str, list[dict]], max_controls: int = 3, max_disruptions: int = 2) -> dict:
    """A scenario dict (the YAML's shape) valid against the network ``tables``."""
    scenario: dict[str, Any] = {"name": "random"}
    horizon = draw(st.sampled_from([None, 26, 52]))
    if horizon is not None:
        scenario["horizon_weeks"] = horizon
    n_controls = draw(st.integers(0, max_controls))
    scenario["controls"] = [draw(_control(f"ctl{i}", tables)) for i in range(n_controls)]
    n_disruptions = draw(st.integers(0, max_disruptions))
    scenario["disruptions"] = [draw(_disruption(tables)) for _ in range(n_disruptions)]
    return scenario


@st.composite
def stress_cases(draw: Any, cyclic: bool | None = None, max_facilities: int = 25) -> tuple[dict, dict]:
    """(network tables, scenario dict)."""
    tables = draw(networks(cyclic=cyclic, max_facilities=max_facilities))
    return tables, draw(scenarios(tables))
