"""A plain reference implementation of the static stress (docs/model.md §3), for the tests.

Written straight from the text of docs/model.md §3 with dicts and loops, and deliberately slow and obvious:
no arrays, no vectorisation, no shortcuts. The property tests compare ``sc.stress`` with it on
random networks. It reads only data: the network's normalised tables (``net.items``,
``net.facilities``, ``net.recipes``, ``net.supplies``) and the scenario as a plain dict
(``scenario.model_dump(by_alias=True)``, or a dict shaped like the scenario YAML).

Decisions beyond that text, which the engine takes the same way:

- ``where``: ``min`` and ``max`` are inclusive, ``in`` is membership; an item lacking the
  attribute (missing / NaN) does not match.
- ``destinations: ["*"]`` means every country but that issuer's.
- A facility without recipes has issuer-origin content share 0.
- A recipe limits only when A_vk < 1 - 1e-9; items within 1e-9 of the smallest A_vk tie, and
  the tie goes to the smaller item id.
- The limiting control (cause) is the control (player) with the largest Shapley share of the
  facility's lost capacity, when it exceeds 1e-9 x capacity; shares within 1e-9 x capacity of
  the largest tie, and the tie goes to the one listed first (controls before disruptions).
- A disruption hits a facility when it matches every selector it gives.
- Week factors (docs/model.md §3.1) are evaluated one week at a time and averaged over the
  horizon; affiliates are found by repeating the ownership sums until nothing is added.
"""

from __future__ import annotations

from fnmatch import fnmatchcase
from typing import Any

__all__ = [
    "LIMIT_TOL",
    "reference_companies",
    "reference_content_share",
    "reference_controls",
    "reference_covers",
    "reference_edge_factors",
    "reference_edges_covered",
    "reference_own_factors",
    "reference_shapley",
    "reference_solve",
    "reference_stress",
    "scenario_dict",
]

LIMIT_TOL = 1e-9
"""Tolerance of the limiting-item and limiting-control rules."""

FIXED_POINT_TOL = 1e-12
"""The global iteration stops when no availability changes by this much."""

MAX_ITERATIONS = 1_000_000


# ---------------------------------------------------------------------------------------------
# reading the inputs as plain data


def is_missing(value: Any) -> bool:
    """True for None, NaN and pandas' missing markers."""
    if value is None:
        return True
    try:
        return bool(value != value)  # NaN is the only value unequal to itself
    except (TypeError, ValueError):
        return False


def scenario_dict(scenario: Any) -> dict:
    """The scenario as a plain dict with the YAML's keys (``in`` for the ``where`` membership)."""
    if isinstance(scenario, dict):
        return scenario
    return scenario.model_dump(by_alias=True)


def _records(table: Any) -> list[dict]:
    if table is None:
        return []
    if isinstance(table, list):
        return [dict(row) for row in table]
    return table.to_dict("records")


class _Data:
    """The four tables as plain Python rows, read once."""

    def __init__(self, net: Any) -> None:
        self.items = {row["id"]: row for row in _records(net.items)}
        self.facilities = _records(net.facilities)
        self.recipes = _records(net.recipes)
        self.supplies = _records(net.supplies)
        self.by_id = {f["id"]: f for f in self.facilities}
        self.ownership = _records(getattr(net, "ownership", None))
        self.content_shares: dict[tuple[str, str], float] = {}  # (facility, issuer) -> share


def _data(net: Any) -> _Data:
    return net if isinstance(net, _Data) else _Data(net)


def _horizon(scen: dict) -> float:
    h = scen.get("horizon_weeks")
    return 52.0 if is_missing(h) else float(h)


def _issuers(control: dict) -> list[str]:
    issuer = control["issuer"]
    if isinstance(issuer, str):
        return [issuer]
    return list(issuer)


def _given(selector: Any) -> bool:
    return selector is not None


def _number(value: Any, default: float) -> float:
    return default if is_missing(value) else float(value)


def _stock_weeks(recipe: dict) -> float:
    return _number(recipe.get("stock_weeks"), 0.0)


def _is_tool(item: dict) -> bool:
    value = item.get("tool")
    return (not is_missing(value)) and bool(value)


# ---------------------------------------------------------------------------------------------
# 1. coverage


def item_matches(control: dict, item: dict) -> bool:
    """Some ``items`` pattern matches the id or a tag, and every ``where`` threshold holds."""
    patterns = control.get("items")
    if patterns is not None:
        names = [item["id"]]
        tags = item.get("tags")
        if not is_missing(tags):
            for tag in str(tags).split(";"):
                if tag != "":
                    names.append(tag)
        matched = False
        for pattern in patterns:
            for name in names:
                if fnmatchcase(name, pattern):
                    matched = True
        if not matched:
            return False
    where = control.get("where") or {}
    for attribute, condition in where.items():
        if condition is None:
            continue
        value = item.get(attribute)
        if is_missing(value):
            return False
        low = condition.get("min")
        high = condition.get("max")
        allowed = condition.get("in", condition.get("in_"))
        if low is not None and not value >= low:
            return False
        if high is not None and not value <= high:
            return False
        if allowed is not None and value not in allowed:
            return False
    return True


def reference_content_share(net: Any, facility_id: str, issuer: str) -> float:
    """u's issuer-origin content share: value x quantity weighted share of inputs from the issuer.

    Sum over u's recipes of value_k * quantity * (shares of u's suppliers of k in the issuer's
    country), divided by the sum of value_k * quantity; 0 for a facility with no recipe.
    """
    data = _data(net)
    if (facility_id, issuer) in data.content_shares:
        return data.content_shares[(facility_id, issuer)]
    top = 0.0
    bottom = 0.0
    for recipe in data.recipes:
        if recipe["facility"] != facility_id:
            continue
        weight = _number(data.items[recipe["item"]].get("value"), 1.0) * float(recipe["quantity"])
        from_issuer = 0.0
        for supply in data.supplies:
            if (
                supply["buyer"] == facility_id
                and supply["item"] == recipe["item"]
                and data.by_id[supply["supplier"]]["country"] == issuer
            ):
                from_issuer += float(supply["share"])
        top += weight * from_issuer
        bottom += weight
    share = 0.0 if bottom == 0 else top / bottom
    data.content_shares[(facility_id, issuer)] = share
    return share


def _within_reach(data: _Data, control: dict, supplier: dict, issuer: str) -> bool:
    if supplier["country"] == issuer:
        return True
    reach = control.get("reach") or {}
    threshold = reach.get("de_minimis")
    if threshold is not None and reference_content_share(data, supplier["id"], issuer) >= threshold:
        return True
    if reach.get("foreign_direct_product"):
        for supply in data.supplies:
            if (
                supply["buyer"] == supplier["id"]
                and _is_tool(data.items[supply["item"]])
                and data.by_id[supply["supplier"]]["country"] == issuer
            ):
                return True
    return False


def reference_covers(net: Any, control: dict, supply: dict) -> bool:
    """Does ``control`` (a dict) cover the supply edge ``supply`` (a row of the supplies table)?"""
    data = _data(net)
    u = data.by_id[supply["supplier"]]
    v = data.by_id[supply["buyer"]]
    if not item_matches(control, data.items[supply["item"]]):
        return False
    destinations = control.get("destinations") or []
    headquarters = control.get("headquarters") or []
    end_users = list(control.get("end_users") or [])
    reach = control.get("reach") or {}
    if reach.get("affiliates") is not None:
        end_users += _affiliates(data, end_users, float(reach["affiliates"]))
    hq = v.get("hq_country")
    hq = v["country"] if is_missing(hq) or hq == "" else hq
    for issuer in _issuers(control):
        to_destination = v["country"] in destinations or ("*" in destinations and v["country"] != issuer)
        listed = v["company"] in end_users or v["id"] in end_users or hq in headquarters
        if not (to_destination or listed):
            continue
        if v["country"] == issuer:  # a transfer inside v's country is covered when u is within reach
            continue
        if _within_reach(data, control, u, issuer):
            return True
    return False


def _affiliates(data: _Data, listed: list[str], threshold: float) -> list[str]:
    """Companies the listed companies and the affiliates found so far hold, together, at a
    share >= threshold, repeated until no company is added."""
    companies = {f["company"] for f in data.facilities}
    holders = {name for name in listed if name in companies}
    found: list[str] = []
    while True:
        added = False
        for company in sorted(companies):
            if company in holders:
                continue
            held = sum(float(r["share"]) for r in data.ownership if r["owned"] == company and r["owner"] in holders)
            if held >= threshold - 1e-12:
                holders.add(company)
                found.append(company)
                added = True
        if not added:
            return found


# ---------------------------------------------------------------------------------------------
# 2. and 3. edge factors and own factors, week by week and averaged


def _week(value: Any, default: int) -> int:
    return default if is_missing(value) else int(value)


def control_factor(control: dict, week: int, horizon: int) -> float:
    """a_c(t) on an edge the control covers: 1 when not in force, 0 while licences are pending,
    then licence_approval."""
    start = _week(control.get("start_week"), 0)
    end = _week(control.get("end_week"), horizon)
    delay = _week(control.get("licence_delay_weeks"), 0)
    if not (start <= week < end):
        return 1.0
    if week < start + delay:
        return 0.0
    approval = control.get("licence_approval")
    return 0.0 if approval is None else float(approval)


def disruption_factor(disruption: dict, week: int, horizon: int) -> float:
    """o_d(t) on a facility the disruption hits."""
    start = _week(disruption.get("start_week"), 0)
    end = start + _week(disruption.get("weeks"), horizon)
    ramp = _week(disruption.get("ramp_weeks"), 0)
    capacity_factor = float(disruption.get("capacity_factor", 0.0))
    if start <= week < end:
        return capacity_factor
    j = week - end + 1
    if disruption.get("weeks") is not None and 1 <= j <= ramp:
        return capacity_factor + (1.0 - capacity_factor) * j / (ramp + 1)
    return 1.0


def reference_edge_factors(net: Any, controls: list[dict], horizon: float = 52.0) -> list[float]:
    """a_e per supplies row: (1/H) Σ_t Π over the controls covering it of a_c(t)."""
    data = _data(net)
    weeks = int(horizon)
    factors = []
    for supply in data.supplies:
        covering = [c for c in controls if reference_covers(data, c, supply)]
        total = 0.0
        for t in range(weeks):
            a = 1.0
            for control in covering:
                a *= control_factor(control, t, weeks)
            total += a
        factors.append(total / weeks)
    return factors


def reference_own_factors(net: Any, scenario: Any) -> dict[str, float]:
    """o_v = (1/H) Σ_t Π over disruptions hitting v of o_d(t)."""
    scen = scenario_dict(scenario)
    horizon = _horizon(scen)
    weeks = int(horizon)
    data = _data(net)
    own = {}
    for f in data.facilities:
        hitting = []
        for disruption in scen.get("disruptions") or []:
            hit = True
            if _given(disruption.get("facilities")) and f["id"] not in disruption["facilities"]:
                hit = False
            if _given(disruption.get("countries")) and f["country"] not in disruption["countries"]:
                hit = False
            if _given(disruption.get("kinds")) and f["kind"] not in disruption["kinds"]:
                hit = False
            if _given(disruption.get("companies")) and f["company"] not in disruption["companies"]:
                hit = False
            if hit:
                hitting.append(disruption)
        total = 0.0
        for t in range(weeks):
            o = 1.0
            for disruption in hitting:
                o *= disruption_factor(disruption, t, weeks)
            total += o
        own[f["id"]] = total / weeks
    return own


# ---------------------------------------------------------------------------------------------
# 4. and 5. input availability and the greatest fixed point


def reference_solve(
    net: Any, edge_factors: list[float], own: dict[str, float], horizon: float
) -> tuple[dict[str, float], dict[str, dict[str, float]]]:
    """Iterate alpha from 1, all facilities at once, until nothing moves by 1e-12.

    Returns (alpha per facility, A_vk per facility and recipe item).
    """
    data = _data(net)
    edges_of = {}  # (buyer, item) -> the supplies rows into that recipe
    for recipe in data.recipes:
        edges_of[(recipe["facility"], recipe["item"])] = []
    for e, supply in enumerate(data.supplies):
        edges_of[(supply["buyer"], supply["item"])].append(e)
    alpha = {f["id"]: 1.0 for f in data.facilities}
    for _ in range(MAX_ITERATIONS):
        inputs: dict[str, dict[str, float]] = {f["id"]: {} for f in data.facilities}
        for recipe in data.recipes:
            v, k = recipe["facility"], recipe["item"]
            total = 0.0
            for e in edges_of[(v, k)]:
                supply = data.supplies[e]
                total += float(supply["share"]) * edge_factors[e] * alpha[supply["supplier"]]
            total += _stock_weeks(recipe) / horizon
            inputs[v][k] = min(1.0, total)
        new = {}
        for f in data.facilities:
            v = f["id"]
            if inputs[v]:
                new[v] = own[v] * min(1.0, min(inputs[v].values()))
            else:
                new[v] = own[v]
        change = max(abs(new[v] - alpha[v]) for v in alpha)
        alpha = new
        if change < FIXED_POINT_TOL:
            return alpha, inputs
    raise RuntimeError("the reference fixed-point iteration did not converge")


def _limiting_item(inputs: dict[str, float]) -> str:
    """The item with the smallest A_vk, when below 1 - 1e-9; items within 1e-9 of the
    smallest tie, and the tie goes to the smaller id."""
    if not inputs:
        return ""
    smallest = min(inputs.values())
    tied = [k for k in inputs if inputs[k] <= smallest + LIMIT_TOL]
    chosen = min(tied)
    return chosen if inputs[chosen] < 1 - LIMIT_TOL else ""


def limiting_player(shares: dict[str, float], capacity: float) -> str:
    """The player with the largest share, when it exceeds 1e-9 x capacity; shares within
    1e-9 x capacity of the largest tie, and the tie goes to the player listed first."""
    if not shares:
        return ""
    tol = LIMIT_TOL * capacity
    largest = max(shares.values())
    for name, share in shares.items():
        if share >= largest - tol:
            return name if share > tol else ""
    return ""


def _run(data: _Data, scen: dict, controls: list[dict]) -> tuple[dict[str, float], dict]:
    edge_factors = reference_edge_factors(data, controls, _horizon(scen))
    own = reference_own_factors(data, scen)
    return reference_solve(data, edge_factors, own, _horizon(scen))


def reference_stress(net: Any, scenario: Any) -> dict[str, dict[str, Any]]:
    """Per facility id: availability, limiting_item, limiting_control, limiting_cause.

    The limiting control and cause come from the brute-force Shapley shares
    (``reference_shapley``): the control, and the player, with the largest share. For the tests
    each entry also holds ``inputs`` (A_vk per recipe item), ``shares`` (player -> share, controls
    first) and ``controls`` (the names of the controls among them).
    """
    data = _data(net)
    scen = scenario_dict(scenario)
    controls = [c["name"] for c in scen.get("controls") or []]
    alpha, inputs = _run(data, scen, list(scen.get("controls") or []))
    shares = reference_shapley(data, scen)
    out = {}
    for f in data.facilities:
        v = f["id"]
        capacity = float(f["capacity"])
        out[v] = {
            "availability": alpha[v],
            "limiting_item": _limiting_item(inputs[v]),
            "limiting_control": limiting_player({c: shares[v][c] for c in controls}, capacity),
            "limiting_cause": limiting_player(shares[v], capacity),
            "inputs": inputs[v],
            "shares": shares[v],
            "controls": controls,
        }
    return out


def reference_edges_covered(net: Any, scenario: Any) -> dict[str, int]:
    """Per control name: the number of supplies rows it covers."""
    data = _data(net)
    scen = scenario_dict(scenario)
    counts = {}
    for control in scen.get("controls") or []:
        counts[control["name"]] = sum(1 for s in data.supplies if reference_covers(data, control, s))
    return counts


def reference_controls(net: Any, scenario: Any) -> dict[str, dict[str, float]]:
    """Per control: edges_covered, facilities_hit and standalone_lost_compute, each with that
    control alone in force and no disruption."""
    data = _data(net)
    scen = scenario_dict(scenario)
    covered = reference_edges_covered(data, scen)
    alone_scenario = {**scen, "disruptions": []}
    out = {}
    for control in scen.get("controls") or []:
        alpha, _ = _run(data, alone_scenario, [control])
        lost = 0.0
        hit = 0
        for f in data.facilities:
            if alpha[f["id"]] < 1 - LIMIT_TOL:
                hit += 1
            if f["kind"] == "compute":
                lost += float(f["capacity"]) * (1 - alpha[f["id"]])
        out[control["name"]] = {
            "edges_covered": covered[control["name"]],
            "facilities_hit": hit,
            "standalone_lost_compute": lost,
        }
    return out


# ---------------------------------------------------------------------------------------------
# 6. Shapley attribution (docs/model.md §3.4), by brute force over every order of the players


def reference_shapley(net: Any, scenario: Any) -> dict[str, dict[str, float]]:
    """Per facility id, per player name: its Shapley share of the facility's lost capacity.

    The players are the controls (by name) and then the disruptions (by ``name``, or
    ``disruption-<i>`` for the i-th, 1-based, without one). The worth of a set S is
    capacity · (1 − alpha) with only the rules of S in force, alpha from ``reference_solve``.
    Each share is the average, over all n! orders of the players, of what the player adds to
    the loss when it joins those before it in the order.
    """
    from itertools import permutations

    data = _data(net)
    scen = scenario_dict(scenario)
    controls = list(scen.get("controls") or [])
    disruptions = list(scen.get("disruptions") or [])
    names = [c["name"] for c in controls]
    names += [d.get("name") or f"disruption-{i}" for i, d in enumerate(disruptions, start=1)]
    n = len(names)
    worth: dict[frozenset[int], dict[str, float]] = {}

    def loss(players: frozenset[int]) -> dict[str, float]:
        if players not in worth:
            chosen = [controls[p] for p in sorted(players) if p < len(controls)]
            shocks = [disruptions[p - len(controls)] for p in sorted(players) if p >= len(controls)]
            alpha, _ = _run(data, {**scen, "disruptions": shocks}, chosen)
            worth[players] = {f["id"]: float(f["capacity"]) * (1.0 - alpha[f["id"]]) for f in data.facilities}
        return worth[players]

    shares = {f["id"]: dict.fromkeys(names, 0.0) for f in data.facilities}
    orders = list(permutations(range(n)))
    for order in orders:
        before: frozenset[int] = frozenset()
        for p in order:
            after = before | {p}
            low, high = loss(before), loss(after)
            for v in shares:
                shares[v][names[p]] += (high[v] - low[v]) / len(orders)
            before = after
    return shares


# 6. the business view (docs/model.md §6, companies.csv)


def reference_companies(net: Any, scenario: Any) -> dict[str, dict[str, Any]]:
    """Per company name: hq_country, output_value, lost_output_value, lost_output_share,
    sales_value and lost_sales_value, one facility and one supplies row at a time.

    α is the reference's static availability and a_e its horizon-mean edge factor. A company
    whose facilities give different ``hq_country`` values gets them all, ``;``-separated in
    alphabetical order; a company whose output has no value has ``lost_output_share`` None.
    """
    data = _data(net)
    scen = scenario_dict(scenario)
    controls = list(scen.get("controls") or [])
    alpha, _ = _run(data, scen, controls)
    edge_factors = reference_edge_factors(data, controls, _horizon(scen))
    quantity = {(r["facility"], r["item"]): float(r["quantity"]) for r in data.recipes}
    out: dict[str, dict[str, Any]] = {}
    hq: dict[str, set[str]] = {}
    for f in data.facilities:
        row = out.setdefault(
            f["company"],
            {"output_value": 0.0, "lost_output_value": 0.0, "sales_value": 0.0, "lost_sales_value": 0.0},
        )
        value = _number(data.items[f["produces"]].get("value"), 1.0) * float(f["capacity"])
        row["output_value"] += value
        row["lost_output_value"] += value * (1.0 - alpha[f["id"]])
        given = f.get("hq_country")
        hq.setdefault(f["company"], set()).add(f["country"] if is_missing(given) or given == "" else given)
    for e, supply in enumerate(data.supplies):
        seller = data.by_id[supply["supplier"]]["company"]
        buyer = data.by_id[supply["buyer"]]
        intake = (
            _number(data.items[supply["item"]].get("value"), 1.0)
            * quantity[(supply["buyer"], supply["item"])]
            * float(buyer["capacity"])
            * float(supply["share"])
        )
        out[seller]["sales_value"] += intake
        out[seller]["lost_sales_value"] += intake * (1.0 - edge_factors[e] * alpha[buyer["id"]])
    for company, row in out.items():
        row["hq_country"] = ";".join(sorted(hq[company]))
        row["lost_output_share"] = row["lost_output_value"] / row["output_value"] if row["output_value"] > 0 else None
    return out
