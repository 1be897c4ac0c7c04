"""The exceptions supplychain raises.

``InputError`` means the user's input (a network table, a scenario file, a command-line
argument) is wrong; it carries every problem found, each with its location, so that one run
reports them all. ``SolverError`` means an optimisation solver failed or is missing. Anything
else escaping the package is a bug.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["QUOTE_LIMIT", "InputError", "Problem", "SolverError", "SupplychainError", "quoted", "shortened"]

QUOTE_LIMIT = 60
"""How many characters of a user's value an error message repeats; longer values are cut."""


class SupplychainError(Exception):
    """Base class of the errors supplychain raises on purpose."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input.

    ``where`` names the place a user can find and fix (``"network.yaml: supplies row 3
    (line 41), column share"`` or ``"scenario.yaml line 12: controls[0].destinations"``);
    ``message`` says what is wrong and what would be valid.
    """

    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


class InputError(SupplychainError, ValueError):
    """Bad input: a network, scenario or argument that cannot be used as written.

    ``problems`` lists every problem found (all at once, not only the first).
    """

    def __init__(self, summary: str, problems: list[Problem] | None = None) -> None:
        self.summary = summary
        self.problems = list(problems or [])
        super().__init__(self.__str__())

    def __str__(self) -> str:
        if not self.problems:
            return self.summary
        shown = self.problems[:50]
        lines = [f"{self.summary} ({len(self.problems)} problem{'s' * (len(self.problems) != 1)}):"]
        lines += [f"  - {p}" for p in shown]
        if len(self.problems) > len(shown):
            lines.append(f"  ... and {len(self.problems) - len(shown)} more")
        return "\n".join(lines)


def shortened(value: object, limit: int = QUOTE_LIMIT) -> str:
    """``value`` as text fit for a one-paragraph message: control characters (line breaks,
    NUL, …) written as escapes, and cut to ``limit`` characters with ``…`` and the full length
    when longer (``'xxxx…' (1000000 characters)`` keeps a 1 MB value out of the message)."""
    text = str(value)
    cut = text[:limit]
    cut = "".join(c if c.isprintable() else repr(c)[1:-1] for c in cut)
    if len(text) <= limit:
        return cut
    return f"{cut}… ({len(text)} characters)"


def quoted(value: object, limit: int = QUOTE_LIMIT) -> str:
    """``'value'`` in single quotes, shortened as :func:`shortened` does (the length, when
    the value is cut, follows the closing quote)."""
    text = str(value)
    short = shortened(text[:limit], limit)
    if len(text) <= limit:
        return f"'{short}'"
    return f"'{short}…' ({len(text)} characters)"


class SolverError(SupplychainError):
    """An optimisation solver is unavailable, failed, or found the model infeasible."""
