"""Chokepoints (docs/model.md §4): what the world loses when one facility, company or country
is removed.

Each candidate is removed alone (its facilities' own factor 0, nothing else disrupted) and the
static stress is re-evaluated; all removals of a level run as one batch through the engine's
sample axis, in memory-bounded chunks, once with the scenario's controls in force and once
without. Lost final output is Σ over final outputs of value · capacity · (1 − α), per week;
lost compute is Σ over compute facilities of capacity · (1 − α), units per week.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..progress import ProgressArg, progress_callback
from ..scenario import check_network, prepare
from ..stress import propagate

if TYPE_CHECKING:
    from pathlib import Path

    from ..network import Network
    from ..scenario import CompiledScenario, Scenario

__all__ = ["LEVELS", "chokepoints"]

LEVELS = ("facility", "company", "country")
COLUMNS = [
    "level",
    "name",
    "lost_output",
    "lost_compute",
    "rank",
    "lost_output_without_controls",
    "lost_compute_without_controls",
    "facilities",
]
_CHUNK_CELLS = 1 << 22  # samples × max(facilities, edges) per engine call: ~32 MiB per array


def chokepoints(
    network: Network | None,
    scenario: Scenario | CompiledScenario | str | Path | None = None,
    *,
    levels: tuple[str, ...] = LEVELS,
    progress: ProgressArg = None,
) -> pd.DataFrame:
    """Rank facilities, companies and countries by the output lost when each alone is removed.

    With a ``scenario``, its controls are in force in ``lost_output`` / ``lost_compute``
    (its disruptions are not: the removal is the disruption) and its horizon sets the
    weight of stock; ``lost_output_without_controls`` / ``lost_compute_without_controls``
    repeat the removal with no control. Without a scenario both are the same, over 52 weeks.
    ``rank`` is 1 for the largest ``lost_output`` within a level (ties: larger lost compute,
    then name). ``facilities`` counts the facilities removed. ``network`` None means the
    network the scenario names.

    >>> import supplychain as sc
    >>> top = sc.chokepoints(sc.read_network("tiny"))
    >>> top[top["rank"] == 1][["level", "name", "lost_output"]].values.tolist()
    [['facility', 'amat', 150.0], ['company', 'amat', 150.0], ['country', 'USA', 150.0]]
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
    no_controls = np.ones((1, arr.n_edges))

    output_weight = np.where(arr.is_final, arr.value * arr.capacity, 0.0)
    compute_weight = np.where(arr.kind == arr.kinds.index("compute"), arr.capacity, 0.0)
    groups = {
        "facility": (np.arange(arr.n_facilities), arr.facility_ids),
        "company": (arr.company, arr.companies),
        "country": (arr.country, arr.countries),
    }
    todo = sum(len(groups[lv][1]) for lv in levels)
    done = 0
    chunk = max(1, _CHUNK_CELLS // max(arr.n_facilities, arr.n_edges, 1))
    frames = []
    for level in levels:
        codes, names = groups[level]
        n = len(names)
        losses = np.zeros((4, n))
        for start in range(0, n, chunk):
            which = np.arange(start, min(n, start + chunk))
            own = (codes[None, :] != which[:, None]).astype(float)  # removed facilities: own factor 0
            for j, edge_factor in enumerate((with_controls, no_controls)):
                if j == 1 and scenario is None:
                    losses[2:, which] = losses[:2, which]
                    continue
                alpha, _ = propagate(arr.plan, edge_factor, own, stock_term)
                lost = 1.0 - alpha
                losses[2 * j, which] = lost @ output_weight
                losses[2 * j + 1, which] = lost @ compute_weight
            done += len(which)
            if report is not None:
                report(done, todo)
        frame = pd.DataFrame(
            {
                "level": level,
                "name": list(names),
                "lost_output": losses[0],
                "lost_compute": losses[1],
                "lost_output_without_controls": losses[2],
                "lost_compute_without_controls": losses[3],
                "facilities": np.bincount(codes, minlength=n).astype(np.int64),
            }
        )
        frame = frame.sort_values(
            ["lost_output", "lost_compute", "name"], ascending=[False, False, True], kind="stable"
        ).reset_index(drop=True)
        frame["rank"] = np.arange(1, len(frame) + 1, dtype=np.int64)
        frames.append(frame)
    table = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=COLUMNS)
    return table[COLUMNS]
