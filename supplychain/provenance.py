"""Provenance of a network's figures (docs/model.md §1.1): which source backs each number.

A network may carry a ``sources`` table (key, kind, author, title, year, url, licence, method).
Every number of the other tables is a **figure**; its source is the row's ``<column>_source``
cell when it is not empty, else the row's ``source`` cell: one or more keys
of ``sources`` (``;``-separated). A key of kind ``published`` names a publication that gives
the figure (or the share it is allocated from); a key of kind ``estimate`` is the network's own
estimate, whose ``method`` says how it was made.

``figures`` lists every figure with its source and kind; ``headline_provenance`` says how much of
a stress result's loss rests on estimates.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .schema import TABLES

if TYPE_CHECKING:
    from .network import Network

__all__ = ["FIGURE_COLUMNS", "figures", "headline_provenance", "source_of"]

FIGURE_COLUMNS: dict[str, tuple[str, ...]] = {
    table: tuple(c.name for c in cols if c.dtype == "float") for table, cols in TABLES.items() if table != "sources"
}
"""The schema's number columns per table; numeric extra columns of a table are figures too."""

_KEYS: dict[str, tuple[str, ...]] = {
    "items": ("id",),
    "facilities": ("id",),
    "recipes": ("facility", "item"),
    "supplies": ("supplier", "buyer", "item"),
    "candidates": ("supplier", "buyer", "item"),
    "certifications": ("supplier", "item"),
    "ownership": ("owner", "owned"),
    "expansions": ("facility", "lead_weeks"),  # two phases at one facility differ in their lead
}


def _cells(frame: pd.DataFrame, column: str) -> pd.Series:
    """A text column's cells, ``""`` where empty or absent."""
    if column not in frame.columns:
        return pd.Series("", index=frame.index, dtype=object)
    col = frame[column]
    return col.astype(str).where(col.notna() & (col.astype(str) != "nan"), "").str.strip()


def source_of(frame: pd.DataFrame, column: str) -> pd.Series:
    """The source cell of each figure of ``column``: the row's ``<column>_source`` cell when
    it is not empty, else its ``source`` cell (``""`` when neither)."""
    own = _cells(frame, f"{column}_source")
    return own.where(own != "", _cells(frame, "source"))


def _figure_columns(table: str, frame: pd.DataFrame) -> list[str]:
    cols = [c for c in FIGURE_COLUMNS[table] if c in frame.columns]
    schema = {col.name for col in TABLES[table]}
    for c in frame.columns:
        own = c in cols or c in schema or c == "source" or str(c).endswith("_source")
        if not own and pd.api.types.is_numeric_dtype(frame[c]) and not pd.api.types.is_bool_dtype(frame[c]):
            cols.append(str(c))
    return cols


def figures(network: Network) -> pd.DataFrame:
    """Every figure of the network with its source: columns table, row (the row's key, ``|``-
    joined), column, value, source (the key cell, ``""`` when none) and kind (``published`` when
    every key it names is published, ``estimate`` when any is an estimate, ``""`` when it has no
    source or a key the sources table lacks). Empty (NaN) cells are not figures."""
    kinds = dict(zip(network.sources["key"], network.sources["kind"], strict=True)) if len(network.sources) else {}
    parts = []
    for table, keys in _KEYS.items():
        frame: pd.DataFrame = getattr(network, table)
        if frame.empty:
            continue
        row_key = frame[keys[0]].astype(str)
        for k in keys[1:]:
            row_key = row_key + "|" + frame[k].astype(str)
        for col in _figure_columns(table, frame):
            values = pd.to_numeric(frame[col], errors="coerce")
            present = values.notna().to_numpy()
            src = source_of(frame, col)
            parts.append(
                pd.DataFrame(
                    {
                        "table": table,
                        "row": row_key[present].to_numpy(),
                        "column": col,
                        "value": values[present].to_numpy(dtype=float),
                        "source": src[present].to_numpy(dtype=object),
                    }
                )
            )
    out = (
        pd.concat(parts, ignore_index=True)
        if parts
        else pd.DataFrame(columns=["table", "row", "column", "value", "source"])
    )
    out["kind"] = [_kind(s, kinds) for s in out["source"]]
    return out


def _kind(cell: str, kinds: dict[str, str]) -> str:
    keys = [k.strip() for k in str(cell).split(";") if k.strip()]
    if not keys or any(k not in kinds for k in keys):
        return ""
    return "estimate" if any(kinds[k] == "estimate" for k in keys) else "published"


def headline_provenance(network: Network, alpha: np.ndarray, limiting: pd.Series | None = None) -> dict[str, Any]:
    """How much of a stress result rests on estimates, for run.json and the report.

    **Figures behind the loss**: for every facility that loses output (α < 1): its capacity;
    and for its limiting input (``limiting``: the item per facility, as in facilities.csv; all
    its inputs when not given) the recipe's quantity and stock_weeks and the share of each
    supply edge of that item. Returns counts of published and estimated figures, overall and
    behind the loss, with the estimated share (None when there is nothing to count). Without a
    ``sources`` table every figure counts as without source.
    """
    figs = figures(network)
    fac = network.facilities
    losing = set(fac["id"].to_numpy()[np.asarray(alpha) < 1 - 1e-12])
    wanted: set[tuple[str, str, str]] = {("facilities", f, "capacity") for f in losing}
    rec = network.recipes
    if limiting is None:
        pairs = {(f, i) for f, i in zip(rec["facility"], rec["item"], strict=True) if f in losing}
    else:
        lim = dict(zip(fac["id"], limiting.fillna("").astype(str), strict=True))
        pairs = {(f, i) for f, i in lim.items() if f in losing and i}
    for fid, item in pairs:
        wanted.add(("recipes", f"{fid}|{item}", "quantity"))
        wanted.add(("recipes", f"{fid}|{item}", "stock_weeks"))
    sup = network.supplies
    for s, b, i in zip(sup["supplier"], sup["buyer"], sup["item"], strict=True):
        if (b, i) in pairs:
            wanted.add(("supplies", f"{s}|{b}|{i}", "share"))
    key = list(zip(figs["table"], figs["row"], figs["column"], strict=True))
    behind = figs[[k in wanted for k in key]]

    def count(frame: pd.DataFrame) -> dict[str, Any]:
        n = len(frame)
        est = int((frame["kind"] == "estimate").sum())
        pub = int((frame["kind"] == "published").sum())
        return {
            "figures": n,
            "published": pub,
            "estimates": est,
            "without_source": n - est - pub,
            "estimated_share": round(est / n, 6) if n else None,
        }

    return {"network": count(figs), "behind_the_loss": count(behind)}
