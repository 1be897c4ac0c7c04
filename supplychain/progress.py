"""A small progress bar for long work (exposure LPs, chokepoint batches, Monte Carlo).

Drawn on standard error only when it is a terminal, so logs and captured output stay clean;
``Progress(enabled=False)`` (the CLI's ``--quiet``) draws nothing. ``end_line()`` finishes a
bar left half drawn (a run stopped by Ctrl-C), so that the next message starts a line.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TextIO, TypeAlias

__all__ = ["Progress", "ProgressArg", "ProgressCallback", "end_line", "progress_callback"]

ProgressCallback: TypeAlias = Callable[[int, int], None]
"""Called as ``progress(done, total)`` while long work advances."""

ProgressArg: TypeAlias = bool | ProgressCallback | None
"""What every public function's ``progress=`` takes: True draws a bar on a terminal's
standard error, False or None draws nothing, a callable is called with (done, total)."""


def progress_callback(progress: ProgressArg, label: str) -> ProgressCallback | None:
    """The callback for a ``progress=`` argument (see ``ProgressArg``); None draws nothing."""
    if progress is None or progress is False:
        return None
    if progress is True:
        return Progress(label)
    if callable(progress):
        return progress
    from .errors import InputError

    raise InputError(f"progress must be True, False, None or a callable(done, total), not {type(progress).__name__}")


_unfinished: Progress | None = None
"""The bar drawn last, while its line is not finished."""


class Progress:
    """``progress = Progress("exposure"); progress(done, total)`` redraws one line.

    Only redraws when the shown percentage changes or half a second passed, and finishes
    the line when ``done == total``.
    """

    def __init__(self, label: str, *, enabled: bool = True, stream: TextIO | None = None) -> None:
        self.label = label
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = enabled and hasattr(self.stream, "isatty") and self.stream.isatty()
        self.started = time.perf_counter()
        self._last = (-1, 0.0)

    def __call__(self, done: int, total: int) -> None:
        global _unfinished
        if not self.enabled or total <= 0:
            return
        now = time.perf_counter()
        percent = int(100 * done / total)
        if done < total and percent == self._last[0] and now - self._last[1] < 0.5:
            return
        self._last = (percent, now)
        width = 30
        filled = int(width * done / total)
        bar = "#" * filled + "." * (width - filled)
        self.stream.write(f"\r{self.label:<12} [{bar}] {done}/{total} {now - self.started:6.1f} s")
        if done >= total:
            self.stream.write("\n")
        _unfinished = self if done < total else None
        self.stream.flush()


def end_line() -> None:
    """End the line of a bar left unfinished (nothing when there is none)."""
    global _unfinished
    if _unfinished is not None:
        stream, _unfinished = _unfinished.stream, None
        try:
            stream.write("\n")
            stream.flush()
        except (OSError, ValueError):  # the stream is closed or gone
            pass
