"""Builders shared by the tests: table rows, small networks and scenarios, result lookups.

A plain module, not a test module: the tests import it as ``builders``, as they import
``strategies`` and ``reference`` (pytest's default import mode puts ``tests/`` on
``sys.path``). The fixtures built on these live in ``conftest.py``.

Rows are the network tables' columns as dicts; defaults are chosen so that, unless a test
says otherwise, capacities are large enough that no supplier falls short and quantities are
small (0.01): neither plays a part in a static-stress availability. Tests where quantities
or capacities matter (the flow LP) pass them explicitly.
"""

from __future__ import annotations

import contextlib
import csv
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

import supplychain as sc

DATA = Path(__file__).resolve().parent / "data"
"""``tests/data``: the worked scenario files of the tests (all on the bundled ``tiny`` network)."""

TINY_CONTROLS = DATA / "tiny-controls.yaml"
TINY_DEMINIMIS = DATA / "tiny-deminimis.yaml"
TINY_MC = DATA / "tiny-mc.yaml"
TINY_OPTIMISE = DATA / "tiny-optimise.yaml"


# ---- table rows -------------------------------------------------------------------------------


def facility(
    fid: str,
    country: str,
    produces: str,
    kind: str = "material",
    company: str | None = None,
    capacity: float = 1000.0,
    recovery_weeks: float | None = None,
    **extra: Any,
) -> dict:
    """A facility row; its name is its id, its company its id unless given; ``extra`` adds
    columns (``hq_country="CHN"``)."""
    row: dict[str, Any] = {
        "id": fid,
        "name": fid,
        "company": company or fid,
        "country": country,
        "kind": kind,
        "produces": produces,
        "capacity": capacity,
    }
    if recovery_weeks is not None:
        row["recovery_weeks"] = recovery_weeks
    return {**row, **extra}


def recipe(fid: str, item: str, quantity: float = 0.01, stock_weeks: float | None = None) -> dict:
    """A recipe row: ``fid`` needs ``quantity`` of ``item`` per unit, optionally with stock."""
    row: dict[str, Any] = {"facility": fid, "item": item, "quantity": quantity}
    if stock_weeks is not None:
        row["stock_weeks"] = stock_weeks
    return row


def supply(supplier: str, buyer: str, item: str, share: float = 1.0) -> dict:
    """A supply row: ``supplier`` provides ``share`` of ``buyer``'s ``item``."""
    return {"supplier": supplier, "buyer": buyer, "item": item, "share": share}


def control(**fields: Any) -> dict:
    """A control: issuer USA, destination CHN, full denial, unless the test says otherwise."""
    return {"name": "ctl", "issuer": "USA", "destinations": ["CHN"], "licence_approval": 0.0, **fields}


# ---- networks and scenarios -------------------------------------------------------------------


def network(
    facilities: list[dict],
    recipes: Sequence[dict] = (),
    supplies: Sequence[dict] = (),
    items: list[dict] | None = None,
    values: dict[str, float] | None = None,
    ownership: Sequence[dict] = (),
) -> sc.Network:
    """A network; items default to bare rows for every item produced or used, sorted by id,
    with ``values[k]`` as item k's value where given."""
    if items is None:
        ids = sorted({f["produces"] for f in facilities} | {r["item"] for r in recipes})
        items = [{"id": k, **({"value": values[k]} if values and k in values else {})} for k in ids]
    return sc.Network(items, facilities, list(recipes), list(supplies), ownership=list(ownership), name="built")


def scenario(controls: Sequence[dict] = (), disruptions: Sequence[dict] = (), horizon_weeks: float = 52) -> sc.Scenario:
    """A scenario of these controls and disruptions over ``horizon_weeks``."""
    return sc.Scenario.model_validate(
        {"name": "built", "horizon_weeks": horizon_weeks, "controls": list(controls), "disruptions": list(disruptions)}
    )


def stress(
    net: sc.Network, controls: Sequence[dict] = (), disruptions: Sequence[dict] = (), horizon_weeks: float = 52
) -> sc.StressResult:
    """The static stress of ``net`` under these controls and disruptions."""
    return sc.stress(net, scenario(controls, disruptions, horizon_weeks))


def loop_network(third_supplier: bool, stock_weeks: float | None = None) -> sc.Network:
    """a (TWN) makes ya and needs yb from b (share 1). b (KOR) makes yb and needs ya: from a
    alone, or (third_supplier) half from a and half from c (JPN, no recipe); b holds
    ``stock_weeks`` of ya."""
    facilities = [facility("a", "TWN", "ya"), facility("b", "KOR", "yb")]
    supplies = [supply("b", "a", "yb")]
    if third_supplier:
        facilities.append(facility("c", "JPN", "ya"))
        supplies += [supply("a", "b", "ya", 0.5), supply("c", "b", "ya", 0.5)]
    else:
        supplies.append(supply("a", "b", "ya"))
    return network(facilities, [recipe("a", "yb"), recipe("b", "ya", stock_weeks=stock_weeks)], supplies)


def chain_network() -> sc.Network:
    """src_a (JPN) and src_b (CHN) supply m to fab (KOR, capacity 12, no stock), 60 % and 40 %;
    fab supplies chip to dc (KOR, compute, capacity 10). Every value is 1. The attribution's
    worked examples run on it (tests/test_attribution.py)."""
    facilities = [
        facility("src_a", "JPN", "m", capacity=100),
        facility("src_b", "CHN", "m", capacity=100),
        facility("fab", "KOR", "chip", kind="foundry", capacity=12),
        facility("dc", "KOR", "ai", kind="compute", capacity=10),
    ]
    return network(
        facilities,
        [recipe("fab", "m", quantity=1), recipe("dc", "chip", quantity=1)],
        [supply("src_a", "fab", "m", 0.6), supply("src_b", "fab", "m", 0.4), supply("fab", "dc", "chip")],
    )


JAPAN_DENIES_M = {"issuer": "JPN", "items": ["m"], "destinations": ["KOR"], "licence_approval": 0.0}
"""A Japanese denial of m to Korea: on the chain network it covers src_a -> fab only."""


# ---- reading results and files ----------------------------------------------------------------


def availability(result: sc.StressResult) -> dict[str, float]:
    """Facility id -> availability, in the network's order."""
    return result.facilities["availability"].to_dict()


def row(result: sc.StressResult, fid: str) -> dict:
    """The facilities-table row of ``fid`` as a dict, missing text (NaN in the table, e.g. no
    limiting control) as "" the way facilities.csv shows it."""
    return {
        k: "" if isinstance(v, float) and v != v and k.startswith("limiting_") else v
        for k, v in result.facilities.loc[fid].to_dict().items()
    }


def read_csv(path: Path) -> list[dict[str, str]]:
    """The rows of a report CSV file as dicts of text cells."""
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


def line_of(path: Path, needle: str) -> int:
    """1-based number of the first line of ``path`` containing ``needle``."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {path}")


def contest_network() -> sc.Network:
    """Servers for three compute centres (tests/test_optimise_members.py's module docstring):
    srv_us (USA, 200/week) supplies dc_in (IND, 50), dc_br (BRA, 20) and dc_de (DEU, 100);
    srv_mx (MEX, 60) could be qualified for dc_de (cost 3) or dc_in (cost 5), or certified for
    every member buyer (cost 4, lead 26 weeks)."""
    facilities = [
        facility("srv_us", "USA", "server", kind="osat", capacity=200),
        facility("srv_mx", "MEX", "server", kind="osat", capacity=60),
        facility("dc_in", "IND", "compute", kind="compute", company="cloud_in", capacity=50),
        facility("dc_br", "BRA", "compute", kind="compute", company="cloud_br", capacity=20),
        facility("dc_de", "DEU", "compute", kind="compute", company="cloud_de", capacity=100),
    ]
    recipes = [recipe(dc, "server", quantity=1.0) for dc in ("dc_in", "dc_br", "dc_de")]
    supplies = [supply("srv_us", dc, "server") for dc in ("dc_in", "dc_br", "dc_de")]
    net = network(facilities, recipes, supplies)
    return net.replace(
        candidates=pd.DataFrame(
            [
                {"supplier": "srv_mx", "buyer": "dc_de", "item": "server", "cost": 3, "lead_weeks": 0, "max_share": 1},
                {"supplier": "srv_mx", "buyer": "dc_in", "item": "server", "cost": 5, "lead_weeks": 0, "max_share": 1},
            ]
        ),
        certifications=pd.DataFrame(
            [{"supplier": "srv_mx", "item": "server", "cost": 4, "lead_weeks": 26, "max_share": 1}]
        ),
    )


def children(pid: int) -> list[int]:
    """The process ids of ``pid``'s children (read from /proc)."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):
            found += [int(c) for c in (task / "children").read_text().split()]
    return found


def running(pid: int) -> bool:
    """True while ``pid`` exists and is not a zombie (an orphan keeps running)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")
