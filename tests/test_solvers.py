"""Solver names, availability and honest statuses (``supplychain.solvers``)."""

from __future__ import annotations

import numpy as np
import pulp
import pytest

import supplychain as sc
from supplychain.solvers import (
    STATUSES,
    ReusableProblem,
    SolveStatus,
    get_solver,
    solve,
    solver_name,
    status_from_pulp,
)

# ``solver`` (conftest.py): each of "highs" and "cbc", skipped where it is not installed.


def small_lp(upper: float = 4.0) -> tuple[pulp.LpProblem, pulp.LpVariable, pulp.LpVariable]:
    """max x + 2y  s.t.  x + y ≤ 3,  x ≤ upper,  y ≤ 2,  x, y ≥ 0: optimum 5 at x = 1, y = 2."""
    problem = pulp.LpProblem("small", pulp.LpMaximize)
    x = problem.add_variable("x", lowBound=0, upBound=upper)
    y = problem.add_variable("y", lowBound=0, upBound=2)
    problem.addConstraint(
        pulp.LpConstraint(pulp.LpAffineExpression([(x, 1.0), (y, 1.0)]), pulp.LpConstraintLE, rhs=3.0), "sum"
    )
    problem.setObjective(pulp.LpAffineExpression([(x, 1.0), (y, 2.0)]))
    return problem, x, y


def market_split(m: int = 5, n: int = 40, seed: int = 3) -> pulp.LpProblem:
    """A market-split MILP (Cornuéjols & Dawande 1999): min Σ|slack| of A x = b, x binary,
    b = half the row sums. x = 0 is feasible at once, the LP bound is 0, and branch and bound
    needs of the order of 2^n nodes to prove anything better: far beyond a 1 s time limit."""
    rng = np.random.default_rng(seed)
    a = rng.integers(0, 100, size=(m, n))
    b = a.sum(axis=1) // 2
    problem = pulp.LpProblem("market_split", pulp.LpMinimize)
    x = [problem.add_variable(f"x{j}", 0, 1, cat=pulp.LpInteger) for j in range(n)]
    over = [problem.add_variable(f"over{i}", 0) for i in range(m)]
    under = [problem.add_variable(f"under{i}", 0) for i in range(m)]
    for i in range(m):
        pairs = [(x[j], float(a[i, j])) for j in range(n)] + [(over[i], 1.0), (under[i], -1.0)]
        problem.addConstraint(
            pulp.LpConstraint(pulp.LpAffineExpression(pairs), pulp.LpConstraintEQ, rhs=float(b[i])), f"row{i}"
        )
    problem.setObjective(pulp.LpAffineExpression([(v, 1.0) for v in over + under]))
    return problem


def test_highs_and_cbc_available() -> None:
    assert sc.available_solvers() == ["highs", "cbc"]


def test_default_is_highs() -> None:
    assert isinstance(get_solver(), pulp.HiGHS)
    assert solver_name(get_solver()) == "highs"
    assert solver_name(get_solver(" CBC ")) == "cbc"
    assert isinstance(get_solver("cbc"), pulp.COIN_CMD)


def test_options_reach_the_solver() -> None:
    highs = get_solver("highs", time_limit=3, gap=0.01, msg=True)
    assert (highs.timeLimit, highs.gapRel, highs.msg) == (3, 0.01, True)
    cbc = get_solver("cbc", time_limit=3, gap=0.01)
    assert (cbc.timeLimit, cbc.optionsDict.get("gapRel"), cbc.msg) == (3, 0.01, False)


@pytest.mark.parametrize(("name", "hint"), [("hihgs", "highs"), ("cbcc", "cbc"), ("gurobi", None)])
def test_unknown_solver(name: str, hint: str | None) -> None:
    with pytest.raises(sc.SolverError, match=f"unknown solver '{name}'") as err:
        get_solver(name)
    message = str(err.value)
    assert "highs, cbc" in message
    if hint:
        assert f"did you mean '{hint}'?" in message


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [({"time_limit": 0}, "time_limit"), ({"time_limit": float("nan")}, "time_limit"), ({"gap": -0.1}, "gap")],
)
def test_bad_options(kwargs: dict, match: str) -> None:
    with pytest.raises(sc.InputError, match=match):
        get_solver(**kwargs)


def test_unavailable_solver_names_the_cause(monkeypatch: pytest.MonkeyPatch) -> None:
    import supplychain.solvers as solvers

    monkeypatch.setattr(solvers, "_probe", lambda name: "no CBC binary here" if name == "cbc" else None)
    with pytest.raises(
        sc.SolverError, match="solver 'cbc' is unavailable: no CBC binary here; available instead: highs"
    ):
        get_solver("cbc")
    monkeypatch.setattr(solvers, "_probe", lambda name: "missing" if name == "highs" else None)
    assert solver_name(get_solver()) == "cbc"  # the default falls back to what works
    monkeypatch.setattr(solvers, "_probe", lambda name: "missing")
    with pytest.raises(sc.SolverError, match="no LP solver works here"):
        get_solver()


@pytest.mark.parametrize(
    ("lp_status", "solution_status", "limit", "expected"),
    [
        (pulp.LpStatusOptimal, pulp.LpSolutionOptimal, False, "optimal"),
        # what PuLP reports after a time limit with an incumbent: "Optimal", but not proven
        (pulp.LpStatusOptimal, pulp.LpSolutionIntegerFeasible, False, "time_limit"),
        (pulp.LpStatusOptimal, pulp.LpSolutionNoSolutionFound, False, "not_solved"),
        (pulp.LpStatusNotSolved, pulp.LpSolutionNoSolutionFound, True, "time_limit"),
        (pulp.LpStatusNotSolved, pulp.LpSolutionNoSolutionFound, False, "not_solved"),
        (pulp.LpStatusInfeasible, pulp.LpSolutionInfeasible, False, "infeasible"),
        (pulp.LpStatusUnbounded, pulp.LpSolutionUnbounded, False, "unbounded"),
        (pulp.LpStatusUndefined, pulp.LpSolutionNoSolutionFound, False, "error"),
    ],
)
def test_status_mapping(lp_status: int, solution_status: int, limit: bool, expected: str) -> None:
    assert status_from_pulp(lp_status, solution_status, limit_reached=limit) == expected
    assert expected in STATUSES


def test_optimal(solver: str) -> None:
    problem, x, y = small_lp()
    result = solve(problem, get_solver(solver))
    assert isinstance(result, SolveStatus)
    assert (result.status, result.solver, result.gap) == ("optimal", solver, 0.0)
    assert result.objective == pytest.approx(5.0)
    assert (x.varValue, y.varValue) == pytest.approx((1.0, 2.0))
    assert "optimal" in repr(result)


def test_infeasible_raises_naming_the_model(solver: str) -> None:
    problem, x, _ = small_lp()
    problem.addConstraint(
        pulp.LpConstraint(pulp.LpAffineExpression([(x, 1.0)]), pulp.LpConstraintGE, rhs=10.0), "impossible"
    )
    with pytest.raises(sc.SolverError, match=f"toy LP: the model is infeasible according to {solver}"):
        solve(problem, get_solver(solver), what="toy LP")


def test_unbounded(solver: str) -> None:
    """min −x s.t. x − y ≤ 1: x and y can grow together without end."""
    problem = pulp.LpProblem("unbounded", pulp.LpMinimize)
    x, y = problem.add_variable("x", 0), problem.add_variable("y", 0)
    problem.addConstraint(
        pulp.LpConstraint(pulp.LpAffineExpression([(x, 1.0), (y, -1.0)]), pulp.LpConstraintLE, rhs=1.0), "c"
    )
    problem.setObjective(pulp.LpAffineExpression([(x, -1.0)]))
    result = solve(problem, get_solver(solver))
    assert (result.status, result.objective) == ("unbounded", None)


def test_time_limit_is_not_optimal(solver: str) -> None:
    """A MILP stopped by the time limit reports "time_limit" with its incumbent, although
    PuLP's own LpStatus reads "Optimal"."""
    problem = market_split()
    result = solve(problem, get_solver(solver, time_limit=0.5))
    assert result.status == "time_limit"
    assert result.objective is not None
    assert result.objective > 0
    assert pulp.LpStatus[problem.status] == "Optimal"  # the misleading word this module corrects


def test_reusable_problem_resolves_with_new_bounds(solver: str) -> None:
    """Changing a bound and re-solving gives what solving the changed problem afresh gives;
    so does a new objective and an added row."""
    problem, x, y = small_lp()
    run = ReusableProblem(problem, get_solver(solver), what="small LP")
    assert run.solve().objective == pytest.approx(5.0)
    run.set_bounds([y], [0.0], [0.5])  # now x = 2.5, y = 0.5: 3.5
    assert run.solve().objective == pytest.approx(3.5)
    assert run.values([x, y]) == pytest.approx([2.5, 0.5])
    run.set_bounds([y], [0.0], [None])  # y ≤ 3 through the row: x = 0, y = 3: 6
    assert run.solve(warm=False).objective == pytest.approx(6.0)
    run.set_objective(pulp.LpAffineExpression([(x, 1.0)]), pulp.LpMinimize)
    run.add_constraint(
        pulp.LpConstraint(pulp.LpAffineExpression([(x, 1.0), (y, -1.0)]), pulp.LpConstraintGE, rhs=1.0), "x_above_y"
    )
    result = run.solve()
    assert result.objective == pytest.approx(1.0)
    assert run.solves == 4
    fresh, fx, fy = small_lp()
    fresh.addConstraint(
        pulp.LpConstraint(pulp.LpAffineExpression([(fx, 1.0), (fy, -1.0)]), pulp.LpConstraintGE, rhs=1.0), "x_above_y"
    )
    fy.upBound = None
    fresh.setObjective(pulp.LpAffineExpression([(fx, 1.0)]))
    fresh.sense = pulp.LpMinimize
    assert solve(fresh, get_solver(solver)).objective == pytest.approx(result.objective)


def test_reusable_time_limit_applies_per_solve() -> None:
    """HiGHS counts its time limit on a clock that adds up over runs of one model; each
    re-solve gets the full limit again."""
    from supplychain.analysis.flow import build_flow_model

    net = sc.read_network("semiconductors")
    model = build_flow_model(net)
    limit = 0.1
    run = ReusableProblem(model.problem, get_solver("highs", time_limit=limit), what="flow LP")
    run.set_bounds([model.window], [52.0], [52.0])
    spent = 0.0
    for j in range(net.arrays.n_facilities):
        run.set_bounds([model.production[j]], [0.0], [0.0])
        result = run.solve()
        assert result.status == "optimal"
        spent += result.seconds
        run.set_bounds([model.production[j]], [0.0], [None])
        if spent > 3 * limit:
            break
    assert spent > 3 * limit  # together well beyond one limit
