"""The example notebooks in examples/ run from top to bottom on the bundled data (nbclient), so
they never rot: each cell must finish without an error."""

from __future__ import annotations

import time
from pathlib import Path

import nbclient
import nbformat
import pytest

EXAMPLES = sorted((Path(__file__).resolve().parent.parent / "examples").glob("*.ipynb"))


def test_there_are_examples_to_follow() -> None:
    assert len(EXAMPLES) >= 2


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_example_notebook_runs(path: Path, tmp_path: Path) -> None:
    book = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(
        book, timeout=900, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    )
    started = time.perf_counter()
    client.execute()
    seconds = time.perf_counter() - started
    errors = [
        o
        for cell in book.cells
        if cell.cell_type == "code"
        for o in cell.get("outputs", [])
        if o.get("output_type") == "error"
    ]
    assert not errors, errors
    print(f"{path.name}: {seconds:.1f} s")
