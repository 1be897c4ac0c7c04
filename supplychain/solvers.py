"""Solver names -> PuLP solver objects, what is available here, and honest solve statuses.

Two LP/MIP solvers are supported, chosen by name (docs/model.md §5):

- ``"highs"`` (the default): HiGHS through ``highspy`` and PuLP's ``HiGHS`` API class, which
  keeps the model in memory, so a problem solved many times with changed bounds is re-solved
  in place from the previous basis (``ReusableProblem``);
- ``"cbc"``: COIN-OR CBC, the binary bundled with PuLP (PuLP's ``PULP_CBC_CMD``), driven as
  ``COIN_CMD`` on that binary: the same solver without PuLP 3.3's deprecation warning for the
  class name. A ``cbc`` on ``PATH`` is used when PuLP ships none. Each solve writes an MPS file
  and runs the executable.

``solve`` returns a ``SolveStatus`` whose ``status`` is one of ``STATUSES``. It reads the
solver's own status rather than PuLP's ``LpStatus`` alone: after a time limit PuLP reports
"Optimal" with the *solution* status "integer feasible", which is a limit, not an optimum.
An infeasible model raises ``SolverError`` naming the model.
"""

from __future__ import annotations

import contextlib
import difflib
import functools
import math
import os
import shutil
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pulp

from .errors import InputError, SolverError

__all__ = [
    "DEFAULT_SOLVER",
    "SOLVERS",
    "STATUSES",
    "ReusableProblem",
    "SolveStatus",
    "available_solvers",
    "get_solver",
    "solve",
    "solver_name",
    "status_from_pulp",
]

SOLVERS: tuple[str, ...] = ("highs", "cbc")
"""The solver names this package knows, in order of preference."""

DEFAULT_SOLVER = "highs"

STATUSES: tuple[str, ...] = ("optimal", "time_limit", "infeasible", "unbounded", "not_solved", "error")
"""``optimal``: proven optimal (within the gap asked for, for a MIP). ``time_limit``: stopped by
a time (or iteration) limit; ``objective`` is set only when a feasible solution was found.
``infeasible`` / ``unbounded``: as proven by the solver. ``not_solved``: the solver stopped
without a solution for another reason. ``error``: the solver failed."""

_ALIASES = {"highs": "highs", "highspy": "highs", "cbc": "cbc", "coin": "cbc", "coin_cmd": "cbc", "pulp_cbc_cmd": "cbc"}


@dataclass(frozen=True)
class SolveStatus:
    """How a solve ended.

    ``status`` is one of ``STATUSES``; ``objective`` the objective value of the solution
    found (None without a feasible solution); ``solver`` the solver's name; ``seconds`` the
    wall time of the solver call; ``gap`` the relative optimality gap when known (0 for an
    optimal LP, the MIP gap reported by HiGHS; None when the solver does not say).
    """

    status: str
    objective: float | None
    solver: str
    seconds: float
    gap: float | None = None

    @property
    def optimal(self) -> bool:
        return self.status == "optimal"

    def __repr__(self) -> str:
        objective = "-" if self.objective is None else f"{self.objective:.10g}"
        gap = "" if self.gap is None else f", gap {self.gap:.3g}"
        return f"<SolveStatus {self.status} ({self.solver}): objective {objective}{gap}, {self.seconds:.3f} s>"


# ---------------------------------------------------------------------------------------------
# availability and construction


@contextlib.contextmanager
def _quiet_stdout() -> Iterator[None]:
    """Silence file descriptor 1 (C++ banners that bypass ``sys.stdout``)."""
    try:
        sys.stdout.flush()
        saved = os.dup(1)
    except (OSError, ValueError):  # no real stdout (embedded interpreters): nothing to silence
        yield
        return
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 1)
            yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)


def _cbc_path() -> str | None:
    """The CBC executable: PuLP's bundled binary, else ``cbc`` on PATH, else None."""
    bundled = getattr(pulp.PULP_CBC_CMD, "pulp_cbc_path", None)
    if bundled and os.path.isfile(bundled) and os.access(bundled, os.X_OK):
        return str(bundled)
    return shutil.which("cbc")


def _make(name: str, *, time_limit: float | None, gap: float | None, msg: bool) -> Any:
    if name == "highs":
        return pulp.HiGHS(msg=msg, timeLimit=time_limit, gapRel=gap)
    path = _cbc_path()
    if path is None:
        raise SolverError(
            "solver 'cbc' is unavailable: PuLP ships no CBC binary here and no 'cbc' is on PATH "
            "(install it with `pip install pulp[cbc]` or your package manager)"
        )
    return pulp.COIN_CMD(path=path, msg=msg, timeLimit=time_limit, gapRel=gap)


@functools.cache
def _probe(name: str) -> str | None:
    """Why solver ``name`` cannot be used here (None when it can): it must solve a tiny LP."""
    try:
        if name == "highs":
            try:
                import highspy
            except ImportError as exc:
                return f"the Python package highspy cannot be imported ({exc}); install it with `pip install highspy`"
            with _quiet_stdout():  # HiGHS prints a banner when the first model is created
                highspy.Highs()
        solver = _make(name, time_limit=None, gap=None, msg=False)
        if not solver.available():
            return f"PuLP reports {type(solver).__name__} unavailable"
        problem = pulp.LpProblem("probe", pulp.LpMinimize)
        x = problem.add_variable("x", lowBound=1)
        problem.setObjective(pulp.LpAffineExpression([(x, 1.0)]))
        problem.solve(solver)
        if problem.status != pulp.LpStatusOptimal or abs((x.varValue or 0.0) - 1.0) > 1e-9:
            return f"a test LP did not solve (status {pulp.LpStatus[problem.status]})"
    except Exception as exc:  # any failure means "not usable here"; say why
        return f"{type(exc).__name__}: {exc}"
    return None


def available_solvers() -> list[str]:
    """The names of the solvers that work here (each is tried once on a tiny LP per process).

    >>> set(available_solvers()) <= {"highs", "cbc"}
    True
    """
    return [name for name in SOLVERS if _probe(name) is None]


def _canonical(name: str) -> str:
    key = name.strip().lower()
    if key in _ALIASES:
        return _ALIASES[key]
    available = available_solvers()
    close = difflib.get_close_matches(key, list(_ALIASES), n=1, cutoff=0.5)
    hint = f"; did you mean '{_ALIASES[close[0]]}'?" if close else ""
    raise SolverError(f"unknown solver '{name}'{hint} (solvers available here: {', '.join(available) or 'none'})")


def get_solver(
    name: str | None = None, *, time_limit: float | None = None, gap: float | None = None, msg: bool = False
) -> Any:
    """A PuLP solver object by name: ``"highs"`` (default) or ``"cbc"``.

    ``time_limit`` (seconds, > 0) bounds each solve; ``gap`` (relative, ≥ 0) stops a MIP once
    proven within that fraction of the optimum; ``msg`` shows the solver's log. With no name
    the default HiGHS is used, or CBC when HiGHS is unavailable here.

    Raises ``SolverError`` for an unknown name (with the nearest valid one and the list of
    those available) or a solver that does not work here (with the reason), and
    ``InputError`` for a non-positive time limit or a negative gap.
    """
    if time_limit is not None and not (math.isfinite(time_limit) and time_limit > 0):
        raise InputError(f"time_limit must be a positive number of seconds (got {time_limit!r})")
    if gap is not None and not (math.isfinite(gap) and gap >= 0):
        raise InputError(f"gap must be a relative gap ≥ 0, e.g. 0.01 for 1 % (got {gap!r})")
    if name is None:
        usable = available_solvers()
        if not usable:
            reasons = "; ".join(f"{n}: {_probe(n)}" for n in SOLVERS)
            raise SolverError(f"no LP solver works here ({reasons})")
        canonical = DEFAULT_SOLVER if DEFAULT_SOLVER in usable else usable[0]
    else:
        canonical = _canonical(name)
        reason = _probe(canonical)
        if reason is not None:
            others = [n for n in available_solvers() if n != canonical]
            alt = f"; available instead: {', '.join(others)}" if others else ""
            raise SolverError(f"solver '{canonical}' is unavailable: {reason}{alt}")
    return _make(canonical, time_limit=time_limit, gap=gap, msg=msg)


def solver_name(solver: Any) -> str:
    """``"highs"`` or ``"cbc"`` for a PuLP solver object (its class name, lower case, otherwise)."""
    if isinstance(solver, pulp.HiGHS):
        return "highs"
    if isinstance(solver, pulp.COIN_CMD):
        return "cbc"
    return type(solver).__name__.lower()


# ---------------------------------------------------------------------------------------------
# statuses


def status_from_pulp(lp_status: int, solution_status: int, *, limit_reached: bool = False) -> str:
    """Map PuLP's problem status and solution status to one of ``STATUSES``.

    PuLP's ``LpStatus`` alone is not enough: after a time limit CBC and HiGHS leave it at
    ``LpStatusOptimal`` with ``sol_status`` ``LpSolutionIntegerFeasible`` (a feasible, not
    proven optimal, solution), and when a limit stops the solver before any solution it reads
    ``LpStatusNotSolved`` — ``limit_reached`` (the caller's clock reached the time limit) tells
    that apart from other reasons for not solving.

    >>> status_from_pulp(pulp.LpStatusOptimal, pulp.LpSolutionOptimal)
    'optimal'
    >>> status_from_pulp(pulp.LpStatusOptimal, pulp.LpSolutionIntegerFeasible)
    'time_limit'
    """
    if lp_status == pulp.LpStatusOptimal:
        if solution_status == pulp.LpSolutionOptimal:
            return "optimal"
        if solution_status == pulp.LpSolutionIntegerFeasible:
            return "time_limit"
        return "not_solved"
    if lp_status == pulp.LpStatusInfeasible:
        return "infeasible"
    if lp_status == pulp.LpStatusUnbounded:
        return "unbounded"
    if lp_status == pulp.LpStatusNotSolved:
        return "time_limit" if limit_reached else "not_solved"
    return "error"


def _highs_status(highs: Any) -> tuple[str, bool]:
    """(status, has a feasible solution) from a highspy model after ``run()``."""
    import highspy

    ms = highspy.HighsModelStatus
    model_status = highs.getModelStatus()
    feasible = int(highs.getInfo().primal_solution_status) == 2  # kSolutionStatusFeasible
    if model_status == ms.kOptimal:
        return "optimal", True
    if model_status in (ms.kTimeLimit, ms.kIterationLimit, ms.kInterrupt, ms.kSolutionLimit):
        return "time_limit", feasible
    if model_status in (ms.kInfeasible, ms.kUnboundedOrInfeasible):
        return "infeasible", False
    if model_status == ms.kUnbounded:  # a feasible point exists, but no objective value
        return "unbounded", False
    if model_status in (ms.kObjectiveBound, ms.kObjectiveTarget, ms.kModelEmpty, ms.kNotset, ms.kUnknown):
        return "not_solved", feasible
    return "error", False


def _raise_infeasible(what: str, name: str) -> None:
    raise SolverError(
        f"{what}: the model is infeasible according to {name}; this indicates inconsistent "
        "bounds or data (it cannot come from a valid network and scenario)"
    )


def _gap(problem: pulp.LpProblem, status: str, highs: Any | None, is_mip: bool | None = None) -> float | None:
    """The relative MIP gap of the last solve (0 for an optimal LP, None when unknown);
    ``is_mip`` saves PuLP's ``isMIP()``, which walks every variable of the problem."""
    mip = problem.isMIP() if is_mip is None else is_mip
    if highs is not None and mip:
        gap = float(highs.getInfo().mip_gap)
        return gap if math.isfinite(gap) else None
    if status == "optimal" and not mip:
        return 0.0
    return None


def solve(problem: pulp.LpProblem, solver: Any, *, what: str | None = None) -> SolveStatus:
    """Solve a PuLP problem and report how it ended (see ``STATUSES``).

    ``what`` names the model in error messages (``"adaptive stress LP"``). Raises
    ``SolverError`` when the model is infeasible or the solver fails to run.
    """
    label = what or f"model '{problem.name}'"
    name = solver_name(solver)
    start = time.perf_counter()
    try:
        problem.solve(solver)
    except pulp.PulpSolverError as exc:
        raise SolverError(f"{label}: solver {name} failed: {exc}") from exc
    seconds = time.perf_counter() - start
    highs = problem.solverModel if name == "highs" else None
    if highs is not None:
        status, feasible = _highs_status(highs)
    else:
        limit = getattr(solver, "timeLimit", None)
        status = status_from_pulp(
            problem.status, problem.sol_status, limit_reached=limit is not None and seconds >= 0.95 * limit
        )
        feasible = problem.sol_status in (pulp.LpSolutionOptimal, pulp.LpSolutionIntegerFeasible)
    if status == "infeasible":
        _raise_infeasible(label, name)
    objective = _objective_value(problem) if feasible else None
    return SolveStatus(status, objective, name, seconds, _gap(problem, status, highs))


def _objective_value(problem: pulp.LpProblem) -> float | None:
    """The objective at the solution PuLP holds; None when a variable in it has no value.
    (``pulp.value`` gives None for an objective without variables, which PuLP pads with an
    unsolved dummy.)"""
    expression = problem.objective
    if expression is None:
        return 0.0
    total = float(expression.constant)
    for var, coef in expression.items():
        if coef == 0:
            continue
        if var.varValue is None:
            return None
        total += coef * var.varValue
    return total


# ---------------------------------------------------------------------------------------------
# re-solving one model with changed bounds


class ReusableProblem:
    """A PuLP problem solved many times while only variable bounds, the objective, or added
    rows change between solves.

    With HiGHS the model is translated into a ``highspy.Highs`` object once, through PuLP's
    own ``HiGHS.buildSolverModel`` (``build()``, timed in ``build_seconds``), and each change is
    pushed to it (``changeColsBounds``, ``changeColsCost``, ``addRow``, ``addCol``): a re-solve starts
    from the previous optimal basis instead of rebuilding and presolving the whole model. With
    CBC, which runs as a separate process on an MPS file, each ``solve()`` writes the model
    anew through ``problem.solve``. The PuLP problem is kept in step either way, so
    ``problem`` always describes what the last solve solved.

    Solution values are read with ``values(variables)`` after a solve, row duals with
    ``duals(constraints)``.
    """

    def __init__(self, problem: pulp.LpProblem, solver: Any, *, what: str | None = None) -> None:
        self.problem = problem
        self.solver = solver
        self.name = solver_name(solver)
        self.what = what or f"model '{problem.name}'"
        self.build_seconds = 0.0
        self.solves = 0
        self._highs: Any = None  # the live highspy.Highs model once built (highspy is untyped)
        self._n_cols = 0
        self._is_mip: bool | None = None
        self._values: np.ndarray | None = None

    def __repr__(self) -> str:
        state = "built" if self._highs is not None else "not built"
        return (
            f"<ReusableProblem {self.what} ({self.name}, {state}): {len(self.problem.variables())} variables, "
            f"{len(self.problem._constraints)} constraints, {self.solves} solves>"
        )

    @property
    def in_place(self) -> bool:
        """True when changes go straight into a live solver model (HiGHS)."""
        return self.name == "highs"

    def build(self) -> None:
        """Translate the PuLP problem into the solver's model (HiGHS only; CBC builds per solve)."""
        if not self.in_place or self._highs is not None:
            return
        start = time.perf_counter()
        self.solver.createAndConfigureSolver(self.problem)
        self.solver.buildSolverModel(self.problem)
        self._highs = self.problem.solverModel
        self._n_cols = int(self._highs.getNumCol())
        self._is_mip = bool(self.problem.isMIP())  # fixed: changes touch bounds, costs and rows only
        self.build_seconds += time.perf_counter() - start

    def set_bounds(
        self, variables: Sequence[pulp.LpVariable], lower: Sequence[float | None], upper: Sequence[float | None]
    ) -> None:
        """Set the bounds of ``variables`` (None = unbounded on that side)."""
        for var, lo, hi in zip(variables, lower, upper, strict=True):
            var.lowBound = lo
            var.upBound = hi
        if self._highs is not None and len(variables):
            inf = math.inf
            index = np.fromiter((v.index for v in variables), dtype=np.int32, count=len(variables))
            lo_arr = np.array([-inf if lo is None else lo for lo in lower], dtype=float)
            hi_arr = np.array([inf if hi is None else hi for hi in upper], dtype=float)
            self._highs.changeColsBounds(len(index), index, lo_arr, hi_arr)

    def set_objective(self, expression: pulp.LpAffineExpression, sense: int = pulp.LpMinimize) -> None:
        """Replace the objective (``pulp.LpMinimize`` or ``pulp.LpMaximize``)."""
        self.problem.setObjective(expression)
        self.problem.sense = sense
        if self._highs is not None:
            sign = -1.0 if sense == pulp.LpMaximize else 1.0  # PuLP's HiGHS model always minimises
            cost = np.zeros(self._n_cols)
            for var, coef in expression.items():
                cost[var.index] += sign * coef
            self._highs.changeColsCost(self._n_cols, np.arange(self._n_cols, dtype=np.int32), cost)

    def add_constraint(self, constraint: pulp.LpConstraint, name: str) -> None:
        """Add a row over variables already in the model."""
        self.problem.addConstraint(constraint, name)
        if self._highs is not None:
            items = [(v.index, c) for v, c in constraint.items() if c != 0]
            index = np.array([i for i, _ in items], dtype=np.int32)
            coef = np.array([c for _, c in items], dtype=float)
            lb, ub = constraint.getLb(), constraint.getUb()
            self._highs.addRow(-math.inf if lb is None else lb, math.inf if ub is None else ub, len(index), index, coef)
            constraint.index = int(self._highs.getNumRow()) - 1

    def add_variable(self, name: str, low: float | None = None, up: float | None = None) -> pulp.LpVariable:
        """A new column ``name`` with bounds [low, up] (None = unbounded on that side), in no row
        and with cost 0 until rows and the objective use it (``add_constraint``,
        ``set_objective``)."""
        var = self.problem.add_variable(name, lowBound=low, upBound=up)
        if self._highs is not None:
            empty_index, empty_value = np.zeros(0, dtype=np.int32), np.zeros(0, dtype=float)
            lo = -math.inf if low is None else low
            hi = math.inf if up is None else up
            self._highs.addCol(0.0, lo, hi, 0, empty_index, empty_value)
            var.index = self._n_cols
            self._n_cols += 1
            self._values = None
        return var

    def solve(self, *, warm: bool = True) -> SolveStatus:
        """Solve the problem as it stands. Raises ``SolverError`` when it is infeasible.

        With HiGHS, ``warm`` re-solves from the last basis; ``warm=False`` (or a warm solve
        that ends neither optimal nor at a limit, e.g. HiGHS' "unknown" after numerical
        trouble) solves from scratch, with presolve.
        """
        self.solves += 1
        self._values = None
        if not self.in_place:
            return solve(self.problem, self.solver, what=self.what)
        self.build()
        if not warm:
            self._highs.clearSolver()
        result = self._run()
        if warm and result.status in ("not_solved", "error"):
            self._highs.clearSolver()
            retry = self._run()
            result = SolveStatus(retry.status, retry.objective, retry.solver, result.seconds + retry.seconds, retry.gap)
        return result

    def _run(self) -> SolveStatus:
        limit = getattr(self.solver, "timeLimit", None)
        if limit is not None:  # HiGHS measures time_limit on a clock that adds up over runs
            self._highs.setOptionValue("time_limit", float(self._highs.getRunTime()) + float(limit))
        start = time.perf_counter()
        try:
            self._highs.run()
        except Exception as exc:  # highspy raises on internal errors
            raise SolverError(f"{self.what}: solver highs failed: {exc}") from exc
        seconds = time.perf_counter() - start
        status, feasible = _highs_status(self._highs)
        if status == "infeasible":
            _raise_infeasible(self.what, self.name)
        objective = None
        if feasible:
            sign = -1.0 if self.problem.sense == pulp.LpMaximize else 1.0
            objective = sign * float(self._highs.getInfo().objective_function_value)
            objective += float(self.problem.objective.constant) if self.problem.objective is not None else 0.0
        return SolveStatus(status, objective, self.name, seconds, _gap(self.problem, status, self._highs, self._is_mip))

    def basis(self) -> Any:
        """The last solve's basis (a ``highspy.HighsBasis``) to start a later solve from with
        ``set_basis``; None with CBC, which keeps no basis between solves."""
        if self._highs is None:
            return None
        return self._highs.getBasis()

    def set_basis(self, basis: Any) -> None:
        """Start the next solve from ``basis`` (from ``basis()``) instead of the last one: for
        a series of solves that each change the same model a little in a different place,
        re-solving from the model's own basis repairs one change, not two (a no-op with CBC or
        None)."""
        if self._highs is not None and basis is not None:
            self._highs.setBasis(basis)

    def duals(self, constraints: Sequence[pulp.LpConstraint]) -> np.ndarray:
        """The last solution's row duals (shadow prices) of ``constraints``, in the solver's own
        sign convention (NaN where the solver gave none). Only their magnitude is portable:
        a row with a nonzero dual at an optimum is tight in every optimal solution
        (complementary slackness)."""
        if not self.in_place:
            return np.array([np.nan if c.pi is None else c.pi for c in constraints], dtype=float)
        row_dual = np.asarray(self._highs.getSolution().row_dual, dtype=float)
        index = np.fromiter((c.index for c in constraints), dtype=np.int64, count=len(constraints))
        if row_dual.size <= (int(index.max()) if len(index) else -1):
            return np.full(len(constraints), np.nan)
        return row_dual[index]

    def values(self, variables: Sequence[pulp.LpVariable]) -> np.ndarray:
        """The last solution's values of ``variables`` (NaN where the solver gave none)."""
        if not self.in_place:
            return np.array([np.nan if v.varValue is None else v.varValue for v in variables], dtype=float)
        if self._values is None:
            self._values = np.asarray(self._highs.getSolution().col_value, dtype=float)
        if self._values.size < self._n_cols:
            return np.full(len(variables), np.nan)
        index = np.fromiter((v.index for v in variables), dtype=np.int64, count=len(variables))
        return self._values[index]
