"""Progress bars for long work (Monte Carlo, timelines, exposure LPs, chokepoint batches, the
optimiser), drawn with tqdm: a widget in Jupyter, a text bar on a terminal, and in a pipe or a
log file a plain line at each tenth of the work, without carriage returns.

Every public function's ``progress=`` takes True (a bar), False or None (nothing) or a
callable ``progress(done, total)``. ``set_mode("auto" | "always" | "never")`` (the CLI's
``--progress``; ``--quiet`` is ``never``) decides where bars appear: ``auto`` draws on a
terminal and in Jupyter and writes the tenth-lines elsewhere, ``always`` draws the live bar
even into a pipe, ``never`` draws nothing. ``end_line()`` closes a bar left open (a run stopped
by Ctrl-C), so that the next message starts a line.
"""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Callable
from typing import Any, Literal, TextIO, TypeAlias

__all__ = [
    "MODES",
    "Progress",
    "ProgressArg",
    "ProgressCallback",
    "current_mode",
    "end_line",
    "progress_callback",
    "set_mode",
]

ProgressCallback: TypeAlias = Callable[[int, int], None]
"""Called as ``progress(done, total)`` while long work advances."""

ProgressArg: TypeAlias = bool | ProgressCallback | None
"""What every public function's ``progress=`` takes: True draws a bar (see the module
docstring), False or None draws nothing, a callable is called with (done, total)."""

Mode: TypeAlias = Literal["auto", "always", "never"]
MODES: tuple[Mode, ...] = ("auto", "always", "never")
_mode: Mode = "auto"


def current_mode() -> str:
    """The mode set last (``auto`` unless changed)."""
    return _mode


def set_mode(mode: str) -> None:
    """Where bars appear from now on: ``auto``, ``always`` or ``never`` (module docstring)."""
    global _mode
    if mode not in MODES:
        from .errors import InputError

        raise InputError(f"--progress must be one of {', '.join(MODES)} (got {mode!r})")
    _mode = mode


def progress_callback(progress: ProgressArg, label: str) -> ProgressCallback | None:
    """The callback for a ``progress=`` argument (see ``ProgressArg``); None draws nothing."""
    if progress is None or progress is False:
        return None
    if progress is True:
        return None if _mode == "never" else Progress(label)
    if callable(progress):
        return progress
    from .errors import InputError

    raise InputError(f"progress must be True, False, None or a callable(done, total), not {type(progress).__name__}")


def _in_notebook() -> bool:
    """Whether this runs in a Jupyter kernel (where tqdm draws a widget, with ipywidgets)."""
    shell = sys.modules.get("IPython")
    if shell is None:
        return False
    try:
        ip = shell.get_ipython()
    except Exception:  # pragma: no cover - a broken IPython
        return False
    return ip is not None and "IPKernelApp" in getattr(ip, "config", {})


_open: Progress | None = None
"""The bar drawn last, while it is not finished."""


class Progress:
    """``progress = Progress("exposure"); progress(done, total)`` advances one bar.

    The bar is made on the first call (its total known then) and closed when ``done`` reaches
    ``total``. ``enabled=False`` draws nothing; ``stream`` (default standard error) is where a
    text bar goes.
    """

    def __init__(self, label: str, *, enabled: bool = True, stream: TextIO | None = None) -> None:
        self.label = label
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = enabled and _mode != "never"
        self.started = time.perf_counter()
        self._bar: Any = None
        self._tenth = -1
        self._plain = False

    def _make(self, total: int) -> None:
        terminal = hasattr(self.stream, "isatty") and self.stream.isatty()
        notebook = self.stream is sys.stderr and _in_notebook()
        if _mode == "auto" and not (terminal or notebook):
            self._plain = True
            return
        if notebook:
            try:
                import ipywidgets  # noqa: F401  (tqdm's widget needs it)
                from tqdm.notebook import tqdm as bar_type
            except ImportError:
                from tqdm import tqdm as bar_type
        else:
            from tqdm import tqdm as bar_type
        self._bar = bar_type(
            total=total, desc=self.label, file=None if notebook else self.stream, mininterval=0.5, leave=True
        )

    def __call__(self, done: int, total: int) -> None:
        global _open
        if not self.enabled or total <= 0:
            return
        if self._bar is None and not self._plain:
            self._make(total)
        done = min(done, total)
        if self._plain:
            tenth = 10 * done // total
            if tenth > self._tenth:
                self._tenth = tenth
                elapsed = time.perf_counter() - self.started
                self.stream.write(f"{self.label}: {done}/{total} ({10 * tenth} %) after {elapsed:.1f} s\n")
                self.stream.flush()
            _open = None
            return
        bar = self._bar
        if bar.total != total:
            bar.total = total
        bar.update(done - bar.n)
        if done >= total:
            bar.close()
            _open = None
        else:
            _open = self

    def close(self) -> None:
        """Close the bar (its line ends)."""
        if self._bar is not None:
            self._bar.close()


def end_line() -> None:
    """Close a bar left unfinished (nothing when there is none)."""
    global _open
    if _open is not None:
        bar, _open = _open, None
        with contextlib.suppress(OSError, ValueError):  # the stream is closed or gone
            bar.close()
