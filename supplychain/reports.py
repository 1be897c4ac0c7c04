"""Result objects -> report files (SPEC section 6), written atomically.

All files of a run are written into a temporary folder beside the target and moved into
place in one rename, so a reader sees either the previous complete report or the new one,
never a mix. A target folder holding anything supplychain did not write is never touched.
CSV cells are deterministic (same result, same bytes): numbers as plain decimals rounded to
12 significant digits, text that a spreadsheet would run as a formula escaped.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .errors import InputError

__all__ = ["REPORT_FILES", "format_number", "to_csv_bytes", "write_folder_atomically", "write_reports"]

REPORT_FILES: frozenset[str] = frozenset(
    {
        "facilities.csv",
        "countries.csv",
        "controls.csv",
        "concentration.csv",
        "chokepoints.csv",
        "exposure.csv",
        "monte_carlo.csv",
        "strategy.csv",
        "frontier.csv",
        "summary.csv",
        "run.json",
    }
)
"""Every file a report folder may hold; a folder with anything else is not ours to replace."""

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def format_number(x: float) -> str:
    """A plain decimal with at most 12 significant digits (no exponent, no separators);
    empty for NaN. ``0.20500000000000002`` -> ``"0.205"``, ``150.0`` -> ``"150"``."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return ""
    if isinstance(x, bool | np.bool_):
        return "true" if x else "false"
    if isinstance(x, int | np.integer):
        return str(int(x))
    if not math.isfinite(x):
        return "inf" if x > 0 else "-inf"
    text = np.format_float_positional(float(f"{float(x):.12g}"), trim="-")
    return "0" if text == "-0" else text


def _format_text(x: Any) -> str:
    """Text as is, with a leading apostrophe when a spreadsheet would treat it as a formula."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return ""
    text = str(x)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _format_column(values: pd.Series) -> list[str]:
    if pd.api.types.is_bool_dtype(values):
        return ["true" if v else "false" for v in values.tolist()]
    if pd.api.types.is_numeric_dtype(values):
        return [format_number(v) for v in values.tolist()]
    return [
        format_number(v) if isinstance(v, float | int | np.floating | np.integer | np.bool_) else _format_text(v)
        for v in values.tolist()
    ]


def _csv_field(text: str) -> str:
    """Quote a field holding a comma, quote, CR or LF (RFC 4180), so every reader splits it right."""
    if any(ch in text for ch in ',"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


def to_csv_bytes(table: pd.DataFrame) -> bytes:
    """A DataFrame as CSV bytes: header, then rows; ``\\n`` line ends; deterministic."""
    header = [_format_text(c) for c in table.columns]
    columns = [_format_column(table[c]) for c in table.columns]
    rows = [header, *zip(*columns, strict=True)]
    lines = [",".join(_csv_field(f) for f in row) for row in rows]
    if len(header) == 1:  # a lone empty field would read back as a blank line, which readers skip
        lines = [line or '""' for line in lines]
    return ("\n".join(lines) + "\n").encode("utf-8")


def write_folder_atomically(target: Path, files: dict[str, bytes]) -> Path:
    """Write ``files`` (name -> bytes) as the folder ``target``, all or nothing.

    An existing ``target`` is replaced only when it holds nothing but report files (a
    previous run's); otherwise ``InputError`` names what is in the way.
    """
    target = Path(target)
    if target.exists():
        if not target.is_dir():
            raise InputError(f"{target}: exists and is a file; choose another output folder")
        foreign = sorted(p.name for p in target.iterdir() if p.name not in REPORT_FILES)
        if foreign:
            shown = ", ".join(foreign[:5]) + (" …" if len(foreign) > 5 else "")
            raise InputError(
                f"{target}: the output folder holds files supplychain did not write ({shown}); "
                "choose an empty or new folder with --out so nothing of yours is overwritten"
            )
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent))
    try:
        for name, data in files.items():
            with open(staging / name, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
        if target.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".old", dir=target.parent))
            os.replace(target, old / target.name)
            try:
                os.replace(staging, target)
            except BaseException:
                os.replace(old / target.name, target)  # put the previous report back
                shutil.rmtree(old, ignore_errors=True)
                raise
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(staging, target)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return target


def _tables(result: Any) -> Iterable[tuple[str, pd.DataFrame]]:
    for name in (
        "facilities",
        "countries",
        "controls",
        "concentration",
        "chokepoints",
        "exposure",
        "monte_carlo",
        "strategy",
        "frontier",
        "summary",
    ):
        table = getattr(result, name, None)
        if table is None:
            table = result.extras.get(name) if hasattr(result, "extras") else None
        if isinstance(table, pd.DataFrame):
            yield f"{name}.csv", table


def run_info(result: Any) -> dict[str, Any]:
    """The contents of run.json: what was run, on what, with which version and settings."""
    from . import __version__

    scenario = result.scenario
    return {
        "scenario": scenario.name,
        "scenario_file": str(scenario.source) if scenario.source else None,
        "scenario_sha256": scenario.sha256,
        "network": result.network.name,
        "version": __version__,
        "seed": result.extras.get("seed"),
        "samples": result.extras.get("samples"),
        **({"mc_engine": result.extras["mc_engine"]} if "mc_engine" in result.extras else {}),
        "solver": result.extras.get("solver"),
        **({"optimise": result.extras["optimise"]} if "optimise" in result.extras else {}),
        "timings": {k: round(v, 6) for k, v in result.timings.items()},
    }


def write_reports(result: Any, directory: str | Path) -> Path:
    """Write a result's report files into ``directory`` atomically (SPEC section 6).

    Writes facilities.csv, countries.csv, controls.csv, summary.csv (and every other table
    the result carries) plus run.json; returns the folder. Every CSV is byte-identical for
    the same inputs; run.json differs between runs only in ``timings``.

    >>> import supplychain as sc, tempfile
    >>> res = sc.stress(sc.read_network("tiny"), sc.Scenario.model_validate({"name": "none"}))
    >>> folder = sc.write_reports(res, tempfile.mkdtemp() + "/out")
    >>> sorted(p.name for p in folder.iterdir())
    ['controls.csv', 'countries.csv', 'facilities.csv', 'run.json', 'summary.csv']
    """
    files = {name: to_csv_bytes(table) for name, table in _tables(result)}
    files["run.json"] = (json.dumps(run_info(result), indent=2) + "\n").encode("utf-8")
    return write_folder_atomically(Path(directory), files)
