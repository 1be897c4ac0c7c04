"""Progress bars (supplychain/progress.py): a live tqdm bar on a terminal or in Jupyter, a plain
line per tenth of the work in a pipe, nothing with ``never``."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest

from supplychain import progress
from supplychain.errors import InputError


@pytest.fixture(autouse=True)
def _restore_mode() -> Iterator[None]:
    progress.set_mode("auto")
    yield
    progress.set_mode("auto")


def test_a_pipe_gets_a_line_per_tenth() -> None:
    stream = io.StringIO()  # not a terminal
    bar = progress.Progress("exposure", stream=stream)
    for done in range(0, 101):
        bar(done, 100)
    lines = stream.getvalue().splitlines()
    assert [line.split(" after ")[0] for line in lines] == [f"exposure: {10 * k}/100 ({10 * k} %)" for k in range(11)]
    assert "\r" not in stream.getvalue()


def test_always_draws_the_live_bar_into_a_pipe() -> None:
    progress.set_mode("always")
    stream = io.StringIO()
    bar = progress.Progress("monte carlo", stream=stream)
    for done in range(1, 6):
        bar(done, 5)
    text = stream.getvalue()
    assert "monte carlo" in text
    assert "5/5" in text


def test_never_draws_nothing_and_true_gives_no_callback() -> None:
    progress.set_mode("never")
    assert progress.progress_callback(True, "x") is None
    stream = io.StringIO()
    bar = progress.Progress("x", stream=stream)
    bar(1, 2)
    bar(2, 2)
    assert stream.getvalue() == ""


def test_end_line_closes_a_bar_left_open() -> None:
    progress.set_mode("always")
    stream = io.StringIO()
    bar = progress.Progress("half", stream=stream)
    bar(1, 2)
    progress.end_line()
    assert stream.getvalue().endswith("\n")
    progress.end_line()  # nothing open: nothing happens


def test_bad_modes_and_arguments_are_input_errors() -> None:
    with pytest.raises(InputError, match="--progress must be one of auto, always, never"):
        progress.set_mode("sometimes")
    with pytest.raises(InputError, match="progress must be True, False, None or a callable"):
        progress.progress_callback("yes", "x")  # type: ignore[arg-type]
