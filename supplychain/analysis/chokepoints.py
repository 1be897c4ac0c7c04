"""Chokepoints (docs/model.md §4): what the world loses when one facility, company, country,
or one country's production of one item is removed.

Each candidate is removed alone (its facilities' own factor 0, nothing else disrupted) and the
static stress is re-evaluated; the removals run as one batch through the engine's sample axis,
in memory-bounded chunks, once with the scenario's controls in force and once without. A set
of facilities that several candidates share (a company with one facility, the only producer of
an item in its country) is evaluated once. Lost final output is Σ over final outputs of
value · capacity · (1 − α), per week; lost compute is Σ over compute facilities of
capacity · (1 − α), units per week. The ``extra_`` columns subtract the loss of the same
evaluation without any removal (the scenario's controls alone), so they say what the removal
adds.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..progress import ProgressArg, progress_callback
from ..scenario import check_network, prepare
from ..stress import TOLERANCE, propagate

if TYPE_CHECKING:
    from pathlib import Path

    from ..network import Network
    from ..scenario import CompiledScenario, Scenario

__all__ = ["LEVELS", "chokepoints", "item_country_name"]

LEVELS = ("facility", "company", "country", "item_country")
COLUMNS = [
    "level",
    "name",
    "lost_output",
    "lost_compute",
    "rank",
    "extra_lost_output",
    "extra_lost_compute",
    "lost_output_without_controls",
    "lost_compute_without_controls",
    "facilities",
]
_CHUNK_CELLS = 1 << 22  # samples × max(facilities, edges) per engine call: ~32 MiB per array


def item_country_name(country: str, item: str) -> str:
    """The ``name`` of an ``item_country`` chokepoint: ``"<country>:<item id>"``, e.g.
    ``"JPN:photoresist"`` (every facility in Japan that makes photoresist). The country is an
    ISO alpha-3 code, so the name splits at its first colon."""
    return f"{country}:{item}"


def chokepoints(
    network: Network | None,
    scenario: Scenario | CompiledScenario | str | Path | None = None,
    *,
    levels: tuple[str, ...] = LEVELS,
    progress: ProgressArg = None,
) -> pd.DataFrame:
    """Rank facilities, companies, countries and (country, item) pairs by the final output lost
    when each alone is removed.

    Levels (``levels``, default all four, in this order in the table):

    - ``facility``, ``company``, ``country``: the facility, every facility of the company, every
      facility in the country;
    - ``item_country``: every facility in country C that makes item k, at once ("Japan stops
      photoresist to everyone"), named ``C:k`` (``item_country_name``); one row per pair that
      some facility makes.

    With a ``scenario``, its controls are in force in ``lost_output`` / ``lost_compute``
    (its disruptions are not: the removal is the disruption) and its horizon sets the
    weight of stock; ``lost_output_without_controls`` / ``lost_compute_without_controls``
    repeat the removal with no control. Without a scenario both are the same, over 52 weeks.
    ``extra_lost_output`` / ``extra_lost_compute`` are ``lost_output`` / ``lost_compute`` less
    the loss of the same evaluation without the removal (the scenario's controls alone; 0
    without a scenario): what the removal adds to the scenario, ≥ 0 (differences within 1e-9
    of the world's output value or compute capacity are rounding and reported as 0).
    ``rank`` is 1 for the largest ``lost_output`` within a level (ties: larger lost compute,
    then name); as the scenario's own loss is the same for every row, ranking by the extra
    loss gives the same order. ``facilities`` counts the facilities removed. ``network`` None
    means the network the scenario names. Units: value per week (output), units per week
    (compute).

    >>> import supplychain as sc
    >>> top = sc.chokepoints(sc.read_network("tiny"))
    >>> top[top["rank"] == 1][["level", "name", "lost_output"]].values.tolist()  # doctest: +NORMALIZE_WHITESPACE
    [['facility', 'amat', 150.0], ['company', 'amat', 150.0], ['country', 'USA', 150.0],
     ['item_country', 'USA:dep', 150.0]]
    """
    report = progress_callback(progress, "chokepoints")
    unknown = [lv for lv in levels if lv not in LEVELS]
    if unknown:
        from ..errors import InputError

        raise InputError(f"unknown chokepoint level(s) {unknown}; levels are {', '.join(LEVELS)}")
    if scenario is not None:
        compiled = prepare(network, scenario, "chokepoints")
        network = compiled.network
        with_controls = compiled.edge_factor()
        stock_term = compiled.stock_term
    else:
        network = check_network(network, "chokepoints")
        with_controls = np.ones((1, network.arrays.n_edges))
        stock_term = network.arrays.stock_weeks / 52.0
    arr = network.arrays
    n = arr.n_facilities
    factors = (with_controls,) if scenario is None else (with_controls, np.ones((1, arr.n_edges)))

    output_weight = np.where(arr.is_final, arr.value * arr.capacity, 0.0)
    compute_weight = np.where(arr.kind == arr.kinds.index("compute"), arr.capacity, 0.0)
    weights = np.column_stack([output_weight, compute_weight])  # N × 2
    groups = {level: _groups(network, level) for level in dict.fromkeys(levels)}
    removals, removal_of = _removal_sets(groups)

    # losses[j, s]: with (j = 0, 1) and without (2, 3) controls, output and compute, removal s
    losses = np.zeros((4, len(removals)))
    baseline = np.zeros(4)
    for j, edge_factor in enumerate(factors):
        alpha, _ = propagate(arr.plan, edge_factor, np.ones((1, n)), stock_term)
        baseline[2 * j : 2 * j + 2] = (1.0 - alpha[0]) @ weights
    chunk = max(1, _CHUNK_CELLS // max(n, arr.n_edges, 1))
    for start in range(0, len(removals), chunk):
        batch = removals[start : start + chunk]
        own = np.ones((len(batch), n))
        own[np.repeat(np.arange(len(batch)), [len(m) for m in batch]), np.concatenate(batch)] = 0.0
        for j, edge_factor in enumerate(factors):
            alpha, _ = propagate(arr.plan, edge_factor, own, stock_term)
            losses[2 * j : 2 * j + 2, start : start + len(batch)] = ((1.0 - alpha) @ weights).T
        if report is not None:
            report(start + len(batch), len(removals))
    if scenario is None:
        losses[2:], baseline[2:] = losses[:2], baseline[:2]
    scale = weights.sum(axis=0)

    frames = []
    for level in dict.fromkeys(levels):
        codes, names = groups[level]
        lost = losses[:, removal_of[level]]
        extra = lost[:2] - baseline[:2, None]
        extra = np.where(np.abs(extra) <= TOLERANCE * np.maximum(1.0, scale)[:, None], 0.0, extra)
        frame = pd.DataFrame(
            {
                "level": level,
                "name": list(names),
                "lost_output": lost[0],
                "lost_compute": lost[1],
                "extra_lost_output": extra[0],
                "extra_lost_compute": extra[1],
                "lost_output_without_controls": lost[2],
                "lost_compute_without_controls": lost[3],
                "facilities": np.bincount(codes, minlength=len(names)).astype(np.int64),
            }
        )
        frame = frame.sort_values(
            ["lost_output", "lost_compute", "name"], ascending=[False, False, True], kind="stable"
        ).reset_index(drop=True)
        frame["rank"] = np.arange(1, len(frame) + 1, dtype=np.int64)
        frames.append(frame)
    table = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=COLUMNS)
    return table[COLUMNS]


def _groups(network: Network, level: str) -> tuple[np.ndarray, list[str]]:
    """(the group code of every facility in table order, the groups' names) of one level."""
    arr = network.arrays
    if level == "facility":
        return np.arange(arr.n_facilities), list(arr.facility_ids)
    if level == "company":
        return arr.company, list(arr.companies)
    if level == "country":
        return arr.country, list(arr.countries)
    # item_country: the (country, item) pairs facilities make, by country then item id
    item_rank = np.argsort(np.argsort(np.asarray(arr.item_ids, dtype=object), kind="stable"), kind="stable")
    key = arr.country * len(arr.item_ids) + item_rank[arr.produces]
    pairs, codes = np.unique(key, return_inverse=True)
    by_rank = np.argsort(item_rank)
    names = [
        item_country_name(arr.countries[c], arr.item_ids[by_rank[i]])
        for c, i in zip((pairs // len(arr.item_ids)).tolist(), (pairs % len(arr.item_ids)).tolist(), strict=True)
    ]
    return codes.astype(np.int64), names


def _removal_sets(groups: dict[str, tuple[np.ndarray, list[str]]]) -> tuple[list[np.ndarray], dict[str, np.ndarray]]:
    """The distinct sets of facilities the levels remove (each evaluated once), and for each
    level the index of every group's set in that list."""
    removals: list[np.ndarray] = []
    seen: dict[bytes, int] = {}
    removal_of = {}
    for level, (codes, names) in groups.items():
        order = np.argsort(codes, kind="stable")  # members of each group, ascending
        starts = np.searchsorted(codes[order], np.arange(len(names) + 1))
        index = np.empty(len(names), dtype=np.int64)
        for g in range(len(names)):
            members = order[starts[g] : starts[g + 1]]
            key = members.tobytes()
            if key not in seen:
                seen[key] = len(removals)
                removals.append(members)
            index[g] = seen[key]
        removal_of[level] = index
    return removals, removal_of
