"""Report files (docs/model.md §6): numbers as plain decimals, formula-like text escaped, CSV
bytes deterministic, and folders written atomically (all files or none; a failure leaves the
previous report as it was; no temporary folders left behind)."""

from __future__ import annotations

import csv
import io
import math
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import supplychain as sc
from supplychain import reports
from supplychain.errors import InputError
from supplychain.reports import MARKER, REPORT_FILES, format_number, to_csv_bytes, write_folder_atomically

# ---- format_number ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0.20500000000000002, "0.205"),
        (0.1 + 0.2, "0.3"),
        (150.0, "150"),
        (150, "150"),
        (0.0, "0"),
        (-0.0, "0"),
        (-2.5, "-2.5"),
        (1e20, "100000000000000000000"),
        (1e-7, "0.0000001"),
        (-1e-7, "-0.0000001"),
        (123456789.123456789, "123456789.123"),  # 12 significant digits
        (2 / 3, "0.666666666667"),
        (10_000.0, "10000"),  # HHI: no thousands separator
        (float("nan"), ""),
        (None, ""),
        (True, "true"),
        (False, "false"),
        (np.float64(0.25), "0.25"),
        (np.int64(7), "7"),
        (np.bool_(True), "true"),
        (np.nan, ""),
        (float("inf"), "inf"),
        (float("-inf"), "-inf"),
    ],
)
def test_format_number(value: object, text: str) -> None:
    assert format_number(value) == text


@pytest.mark.parametrize("value", [1e20, 1e-7, 1.5e300, 3e-20, 123456789012345678.0, -4.2e15])
def test_format_number_never_uses_exponent_or_separators(value: float) -> None:
    text = format_number(value)
    assert "e" not in text.lower()
    assert "," not in text
    assert math.isclose(float(text), value, rel_tol=1e-11)


# ---- CSV cells ---------------------------------------------------------------------------------


def cells(table: pd.DataFrame) -> list[list[str]]:
    return list(csv.reader(io.StringIO(to_csv_bytes(table).decode("utf-8"), newline="")))


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
        ("+tsmc", "'+tsmc"),
        ("-chips", "'-chips"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("plain", "plain"),
        ("a=b", "a=b"),  # only the first character matters
        ("", ""),
    ],
)
def test_text_that_looks_like_a_formula_is_escaped(text: str, escaped: str) -> None:
    assert cells(pd.DataFrame({"name": [text]}))[1] == [escaped]


def test_leading_carriage_return_is_escaped() -> None:
    assert to_csv_bytes(pd.DataFrame({"name": ["\rx"]})) == b'name\n"\'\rx"\n'


def test_carriage_return_in_text_round_trips() -> None:
    assert cells(pd.DataFrame({"name": ["a\rb", "c\nd"], "n": [1, 2]}))[1:] == [["a\rb", "1"], ["c\nd", "2"]]


def test_header_cells_are_escaped_too() -> None:
    assert cells(pd.DataFrame({"=x": [1]}))[0] == ["'=x"]


def test_numbers_are_not_escaped() -> None:
    table = pd.DataFrame({"lost": [-1.5, 0.25], "mixed": ["-x", -2.0], "n": [-3, 4]})
    assert cells(table)[1:] == [["-1.5", "'-x", "-3"], ["0.25", "-2", "4"]]


def test_missing_values_are_empty_cells() -> None:
    table = pd.DataFrame({"text": ["a", None, np.nan], "number": [1.0, np.nan, 2.0]})
    assert cells(table)[1:] == [["a", "1"], ["", ""], ["", "2"]]


def test_booleans_are_lowercase() -> None:
    assert cells(pd.DataFrame({"flag": [True, False]}))[1:] == [["true"], ["false"]]


def test_booleans_in_mixed_columns_are_lowercase() -> None:
    assert cells(pd.DataFrame({"value": ["x", True, np.bool_(False), 1]}))[1:] == [["x"], ["true"], ["false"], ["1"]]


def test_csv_bytes_are_deterministic_with_unix_line_ends() -> None:
    table = pd.DataFrame({"item": ["euv", "a,b", 'say "hi"'], "share": [0.1 + 0.2, 1 / 3, 1.0]})
    data = to_csv_bytes(table)
    assert data == to_csv_bytes(table.copy())
    assert b"\r" not in data
    assert data.decode("utf-8") == 'item,share\neuv,0.3\n"a,b",0.333333333333\n"say ""hi""",1\n'


# ---- write_folder_atomically -------------------------------------------------------------------

FILES = {"facilities.csv": b"facility\nnew\n", "summary.csv": b"metric,value\nx,1\n"}


def names(folder: Path) -> list[str]:
    """The files of ``folder`` but the report marker."""
    return sorted(p.name for p in folder.iterdir() if p.name != MARKER)


@pytest.fixture
def previous(tmp_path: Path) -> Path:
    """A previous run's report folder (with the marker it writes)."""
    target = tmp_path / "out"
    write_folder_atomically(target, {"facilities.csv": b"facility\nold\n", "monte_carlo.csv": b"country\nold\n"})
    return target


def test_writes_new_folder_and_leaves_no_temporary_folders(tmp_path: Path) -> None:
    target = tmp_path / "deep" / "out"
    assert write_folder_atomically(target, FILES) == target
    assert names(target) == sorted(FILES)
    assert (target / "facilities.csv").read_bytes() == FILES["facilities.csv"]
    assert names(tmp_path / "deep") == ["out"]


def test_replaces_previous_report_folder_whole(tmp_path: Path, previous: Path) -> None:
    write_folder_atomically(previous, FILES)
    assert names(previous) == sorted(FILES)  # the stale monte_carlo.csv is gone
    assert (previous / "facilities.csv").read_bytes() == FILES["facilities.csv"]
    assert names(tmp_path) == ["out"]


def test_never_replaces_a_folder_with_user_files(tmp_path: Path, previous: Path) -> None:
    (previous / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(InputError, match=r"notes\.txt"):
        write_folder_atomically(previous, FILES)
    assert names(previous) == ["facilities.csv", "monte_carlo.csv", "notes.txt"]
    assert (previous / "facilities.csv").read_bytes() == b"facility\nold\n"
    assert names(tmp_path) == ["out"]


def test_never_replaces_a_file(tmp_path: Path) -> None:
    target = tmp_path / "out"
    target.write_text("mine", encoding="utf-8")
    with pytest.raises(InputError, match="is a file"):
        write_folder_atomically(target, FILES)
    assert target.read_text(encoding="utf-8") == "mine"


def test_folder_holding_a_subfolder_is_not_replaced(tmp_path: Path, previous: Path) -> None:
    (previous / "plots").mkdir()
    with pytest.raises(InputError, match="plots"):
        write_folder_atomically(previous, FILES)
    assert (previous / "plots").is_dir()


def test_report_files_cover_the_spec() -> None:
    assert {
        "facilities.csv",
        "countries.csv",
        "controls.csv",
        "disruptions.csv",
        "concentration.csv",
        "chokepoints.csv",
        "exposure.csv",
        "monte_carlo.csv",
        "strategy.csv",
        "frontier.csv",
        "companies.csv",
        "summary.csv",
        "run.json",
    } <= REPORT_FILES


def failing_on_call(n: int, real: object) -> object:
    """A stand-in for ``real`` that raises OSError on its ``n``-th call."""
    calls = {"count": 0}

    def fake(*args: object, **kwargs: object) -> object:
        calls["count"] += 1
        if calls["count"] == n:
            raise OSError("disk full")
        return real(*args, **kwargs)  # type: ignore[operator]

    return fake


def test_failure_mid_way_leaves_previous_folder_intact(
    tmp_path: Path, previous: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(reports.os, "fsync", failing_on_call(2, os.fsync))  # after the first file
    with pytest.raises(OSError, match="disk full"):
        write_folder_atomically(previous, FILES)
    assert names(previous) == ["facilities.csv", "monte_carlo.csv"]
    assert (previous / "facilities.csv").read_bytes() == b"facility\nold\n"
    assert names(tmp_path) == ["out"]  # no staging folder left behind


def test_failure_mid_way_without_previous_folder_creates_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(reports.os, "fsync", failing_on_call(2, os.fsync))
    with pytest.raises(OSError, match="disk full"):
        write_folder_atomically(tmp_path / "out", FILES)
    assert names(tmp_path) == []


def test_failure_while_swapping_keeps_previous_folder(
    tmp_path: Path, previous: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # without an atomic exchange, os.replace: 1st call moves the previous folder aside, 2nd
    # moves the new one into place
    monkeypatch.setattr(reports, "_exchange", lambda a, b: False)
    monkeypatch.setattr(reports.os, "replace", failing_on_call(2, os.replace))
    with pytest.raises(OSError, match="disk full"):
        write_folder_atomically(previous, FILES)
    assert (previous / "facilities.csv").read_bytes() == b"facility\nold\n"
    assert names(tmp_path) == ["out"]


# ---- write_reports -----------------------------------------------------------------------------


def test_write_reports_of_a_stress_result(tmp_path: Path, tiny: sc.Network) -> None:
    scenario = sc.Scenario.model_validate(
        {
            "name": "litho",
            "controls": [{"name": "nl-litho", "issuer": "NLD", "items": ["euv"], "destinations": ["CHN"]}],
        }
    )
    result = sc.stress(tiny, scenario)
    first = sc.write_reports(result, tmp_path / "a")
    second = sc.write_reports(result, tmp_path / "b")
    assert names(first) == [
        "companies.csv",
        "controls.csv",
        "countries.csv",
        "disruptions.csv",
        "facilities.csv",
        "report.html",
        "run.json",
        "summary.csv",
    ]
    for name in (
        "companies.csv",
        "controls.csv",
        "countries.csv",
        "disruptions.csv",
        "facilities.csv",
        "summary.csv",
        "report.html",
    ):
        assert (first / name).read_bytes() == (second / name).read_bytes()
    assert names(tmp_path) == ["a", "b"]
