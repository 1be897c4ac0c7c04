"""``--format xlsx`` (docs/model.md §6): report.xlsx beside the CSV files, a sheet per table with
the same cells, reproducible bytes, formulas never run."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
import pytest

import supplychain as sc
from supplychain.cli import main
from supplychain.errors import InputError
from supplychain.reports import xlsx_bytes


@pytest.fixture(scope="module")
def tiny_run() -> sc.StressResult:
    return sc.stress(None, "tiny-export-controls")


def test_each_sheet_holds_its_csv(tmp_path: Path, tiny_run: sc.StressResult) -> None:
    folder = sc.write_reports(tiny_run, tmp_path / "out", formats=["csv", "xlsx"])
    book = openpyxl.load_workbook(folder / "report.xlsx")
    assert sorted(book.sheetnames) == sorted(p.stem for p in folder.glob("*.csv"))
    assert {"facilities", "countries", "controls", "companies", "summary"} <= set(book.sheetnames)
    for name in book.sheetnames:
        with (folder / f"{name}.csv").open(newline="") as fh:
            want = list(csv.reader(fh))
        got = [["" if v is None else v for v in row] for row in book[name].iter_rows(values_only=True)]
        assert [str(c) for c in got[0]] == want[0]
        for w_row, g_row in zip(want[1:], got[1:], strict=True):
            for w, g in zip(w_row, g_row, strict=True):
                if isinstance(g, bool):
                    assert w == ("true" if g else "false")
                elif isinstance(g, int | float):
                    assert float(w) == pytest.approx(g, rel=1e-11)
                else:
                    assert w == g


def test_bytes_are_reproducible(tiny_run: sc.StressResult) -> None:
    tables = [("facilities.csv", tiny_run.table("facilities")), ("summary.csv", tiny_run.table("summary"))]
    assert xlsx_bytes(tables) == xlsx_bytes(tables)


def test_text_that_looks_like_a_formula_is_escaped() -> None:
    import pandas as pd

    raw = xlsx_bytes([("t.csv", pd.DataFrame({"name": ["=HYPERLINK(1)", "ok"], "x": [1.5, None]}))])
    sheet = openpyxl.load_workbook(io.BytesIO(raw))["t"]
    assert [c.value for c in sheet["A"]] == ["name", "'=HYPERLINK(1)", "ok"]
    assert [c.value for c in sheet["B"]] == ["x", 1.5, None]


def test_unknown_formats_are_refused(tmp_path: Path, tiny_run: sc.StressResult) -> None:
    with pytest.raises(InputError, match="unknown report format 'pdf'"):
        sc.write_reports(tiny_run, tmp_path / "out", formats=["pdf"])
    assert not (tmp_path / "out").exists()


def test_cli_format_xlsx(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert main(["run", "tiny-export-controls", "--format", "xlsx", "--out", str(out), "--quiet", "--no-analyses"]) == 0
    assert (out / "report.xlsx").is_file()
    assert (out / "facilities.csv").is_file()
