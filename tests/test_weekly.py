"""The week-by-week engine (docs/model.md §3.3, ``supplychain.weekly``).

Worked examples small enough to do on paper (the arithmetic is in each docstring), then
properties on random networks with cycles (``tests/strategies.py``): constant factors without
stock give the static α in every week; the engine agrees with a plain week-by-week reference
written here with dicts and loops; skipping work never changes a bit of the result; and the
skip rule really skips. Both engines (numpy, and numba when installed) are checked.

Conventions of the worked examples: quantities are small and capacities large (neither plays
a part in availability); weeks are t = 0 … H − 1; stock is in weeks of normal use.
"""

from __future__ import annotations

import contextlib
import importlib.util
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, Phase, assume, given, settings
from hypothesis import strategies as st
from strategies import networks

import supplychain as sc
from supplychain import weekly
from supplychain.errors import InputError
from supplychain.stress import propagate
from supplychain.weekly import STOCK_TOLERANCE, WeekFactors, WeeklyResult, timeline

ENGINES = ["numpy", "numba"] if importlib.util.find_spec("numba") is not None else ["numpy"]

PROPERTY = settings(
    max_examples=50,  # each example builds a network and runs three or four timelines: ≈ 2 s a test
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# ---------------------------------------------------------------------------------------------
# builders


def facility(fid: str, country: str, produces: str, kind: str = "material") -> dict:
    return {
        "id": fid,
        "name": fid,
        "company": fid,
        "country": country,
        "kind": kind,
        "produces": produces,
        "capacity": 1000.0,
    }


def recipe(fid: str, item: str, stock_weeks: float = 0.0) -> dict:
    return {"facility": fid, "item": item, "quantity": 0.01, "stock_weeks": stock_weeks}


def supply(supplier: str, buyer: str, item: str, share: float = 1.0) -> dict:
    return {"supplier": supplier, "buyer": buyer, "item": item, "share": share}


def network(facilities: list[dict], recipes: list[dict], supplies: list[dict]) -> sc.Network:
    ids = {f["produces"] for f in facilities} | {r["item"] for r in recipes}
    return sc.Network([{"id": k} for k in sorted(ids)], facilities, recipes, supplies, name="weekly")


def run(
    net: sc.Network,
    weeks: int,
    edges: dict[tuple[str, str], list[float]] | None = None,
    own: dict[str, list[float]] | None = None,
    engine: str = "numpy",
    **options: Any,
) -> WeeklyResult:
    """A timeline with week factors given per edge (supplier, buyer) or facility id as lists of
    weekly values (the last value holds to the end); every other factor is 1."""
    arr = net.arrays
    edge_dense = np.ones((weeks, arr.n_edges))
    pairs = list(zip(net.supplies["supplier"], net.supplies["buyer"], strict=True))
    for key, values in (edges or {}).items():
        edge_dense[:, pairs.index(key)] = _padded(values, weeks)
    own_dense = np.ones((weeks, arr.n_facilities))
    for fid, values in (own or {}).items():
        own_dense[:, arr.index[fid]] = _padded(values, weeks)
    return timeline(
        arr.plan,
        WeekFactors.from_dense(edge_dense),
        WeekFactors.from_dense(own_dense),
        arr.stock_weeks,
        weeks,
        engine=engine,
        watch=range(arr.n_facilities),
        **options,
    )


def _padded(values: list[float], weeks: int) -> np.ndarray:
    return np.array((list(values) + [values[-1]] * weeks)[:weeks], dtype=float)


def series(net: sc.Network, result: WeeklyResult, fid: str) -> list[float]:
    return [round(float(x), 12) for x in result.alpha[:, net.arrays.index[fid]]]


def stock_series(net: sc.Network, result: WeeklyResult, fid: str, item: str) -> list[float]:
    """s_vk(t) at the start of each week, for recipe (fid, item)."""
    rows = net.recipes.index[(net.recipes["facility"] == fid) & (net.recipes["item"] == item)].tolist()
    column = result.watch_recipes.tolist().index(rows[0])
    return [round(float(x), 12) for x in result.watch_stock[:, column]]


def chain(stock: float) -> sc.Network:
    """src_a (JPN, share 0.6) + src_b (CHN, share 0.4) → fab (``stock`` weeks of m) → dc (no
    stock)."""
    return network(
        [
            facility("src_a", "JPN", "m"),
            facility("src_b", "CHN", "m"),
            facility("fab", "TWN", "w", "foundry"),
            facility("dc", "USA", "c", "compute"),
        ],
        [recipe("fab", "m", stock), recipe("dc", "w")],
        [supply("src_a", "fab", "m", 0.6), supply("src_b", "fab", "m", 0.4), supply("fab", "dc", "w")],
    )


# ---------------------------------------------------------------------------------------------
# worked examples


@pytest.mark.parametrize("engine", ENGINES)
def test_a_delayed_supplier_drains_the_stock_then_production_falls(engine: str) -> None:
    """Chain(4 weeks of m), H = 12; a(src_a → fab) = 1 in weeks 0-1, 0 in weeks 2-9, 1 after.

    Weeks 0-1: F = 1, A = 1, α = 1, s stays 4. From week 2, F = 0.4: A = min(1, 0.4 + s) = 1
    while s ≥ 0.6, so α = 1 and s falls by 1 − 0.4 = 0.6 a week: s(3 … 8) = 3.4, 2.8, 2.2,
    1.6, 1.0, 0.4. Week 8: A = 0.4 + 0.4 = 0.8 = α, s(9) = 0.4 + 0.4 − 0.8 = 0. Week 9:
    A = 0.4 = α. Week 10: F = 1, α = 1, s = 0 + 1 − 1 = 0: no refill (deliveries never exceed
    use). Mean (10 + 0.8 + 0.4) / 12 = 11.2 / 12; dc needs only the fab's output and follows
    it; the limiting input is m in weeks 8-9; the worst week is 9.
    """
    net = chain(4.0)
    result = run(net, 12, edges={("src_a", "fab"): [1, 1] + [0] * 8 + [1]}, engine=engine)
    fab = [1.0] * 8 + [0.8, 0.4, 1.0, 1.0]
    assert series(net, result, "fab") == pytest.approx(fab, abs=1e-12)
    assert series(net, result, "dc") == pytest.approx(fab, abs=1e-12)
    assert series(net, result, "src_a") == [1.0] * 12  # a source's α is its own factor
    assert stock_series(net, result, "fab", "m") == pytest.approx(
        [4, 4, 4, 3.4, 2.8, 2.2, 1.6, 1.0, 0.4, 0, 0, 0], abs=1e-12
    )
    index = net.arrays.index
    assert result.mean_availability()[index["fab"]] == pytest.approx(11.2 / 12, abs=1e-12)
    assert result.worst_week()[[index["fab"], index["dc"], index["src_a"]]].tolist() == [9, 9, -1]
    fab_m = net.recipes.index[(net.recipes["facility"] == "fab") & (net.recipes["item"] == "m")][0]
    assert result.limiting_recipe is not None
    limiting = result.limiting_recipe[:, index["fab"]].tolist()
    assert limiting == [-1] * 8 + [fab_m, fab_m, -1, -1]
    assert result.final_stock.tolist() == pytest.approx([0.0, 0.0], abs=1e-12)


@pytest.mark.parametrize("engine", ENGINES)
def test_a_stop_ramping_back_without_stock(engine: str) -> None:
    """Chain(no stock), H = 8; o(src_b) = 1, 0, 0, 0.25, 0.5, 0.75, 1, 1: a stop of 2 weeks from
    week 1, ramping back over 3 weeks (o = j / (3 + 1), j = 1, 2, 3, docs/model.md §3.1).

    Without stock α_fab = F = 0.6 · 1 + 0.4 · o(src_b) = 1, 0.6, 0.6, 0.7, 0.8, 0.9, 1, 1; mean
    6.6 / 8 = 0.825. dc follows.
    """
    net = chain(0.0)
    result = run(net, 8, own={"src_b": [1, 0, 0, 0.25, 0.5, 0.75, 1]}, engine=engine)
    fab = [1, 0.6, 0.6, 0.7, 0.8, 0.9, 1, 1]
    assert series(net, result, "fab") == pytest.approx(fab, abs=1e-12)
    assert series(net, result, "dc") == pytest.approx(fab, abs=1e-12)
    assert result.mean_availability()[net.arrays.index["fab"]] == pytest.approx(0.825, abs=1e-12)


def licensed() -> sc.Network:
    """src (USA) → fab (CHN, 4 weeks of m) → dc."""
    return network(
        [facility("src", "USA", "m"), facility("fab", "CHN", "w", "foundry"), facility("dc", "CHN", "c", "compute")],
        [recipe("fab", "m", 4.0), recipe("dc", "w")],
        [supply("src", "fab", "m"), supply("fab", "dc", "w")],
    )


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    ("delay", "fab"),
    [
        (3, [1.0] * 12),
        (6, [1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 1, 1]),
    ],
)
def test_a_licence_delay_shorter_or_longer_than_the_stock(engine: str, delay: int, fab: list[float]) -> None:
    """Control from week 2, licences approved (factor 1) after ``delay`` weeks; 4 weeks of stock.

    Delay 3 < 4: weeks 2-4 draw 1 a week (s = 4 → 3 → 2 → 1), α = 1 throughout, no loss; s
    stays at 1 afterwards (no refill). Delay 6 > 4: weeks 2-5 use up the stock (4 → 0), weeks
    6-7 have neither deliveries nor stock, α = 0; from week 8 α = 1. Loss = delay − stock = 2
    weeks of output: mean 10 / 12.
    """
    net = licensed()
    factor = [1, 1] + [0] * delay + [1]
    result = run(net, 12, edges={("src", "fab"): factor}, engine=engine)
    assert series(net, result, "fab") == pytest.approx(fab, abs=1e-12)
    assert series(net, result, "dc") == pytest.approx(fab, abs=1e-12)
    left = stock_series(net, result, "fab", "m")
    assert left[-1] == (1.0 if delay == 3 else 0.0)
    assert min(left) >= 0.0


@pytest.mark.parametrize("engine", ENGINES)
def test_two_overlapping_disruptions_multiply_week_by_week(engine: str) -> None:
    """Two disruptions of fab, each at capacity 0.5: weeks 2-5 and weeks 4-7 (H = 10).

    o_fab(t) = Π_d o_d(t) = 1, 1, 0.5, 0.5, 0.25, 0.25, 0.5, 0.5, 1, 1: built as the product
    of two WeekFactors. No stock, all inputs delivered: α_fab = o_fab, and dc follows; mean
    (4 · 1 + 4 · 0.5 + 2 · 0.25) / 10 = 0.65.
    """
    net = chain(0.0)
    arr = net.arrays
    n = arr.n_facilities
    hit = np.ones(n)
    hit[arr.index["fab"]] = 0.5
    first = WeekFactors(np.array([0, 2, 6]), np.stack([np.ones(n), hit, np.ones(n)]))
    second = WeekFactors(np.array([0, 4, 8]), np.stack([np.ones(n), hit, np.ones(n)]))
    both = first * second
    assert both.starts.tolist() == [0, 2, 4, 6, 8]
    result = timeline(arr.plan, WeekFactors.ones(arr.n_edges), both, arr.stock_weeks, 10, engine=engine)
    fab = [1, 1, 0.5, 0.5, 0.25, 0.25, 0.5, 0.5, 1, 1]
    assert series(net, result, "fab") == pytest.approx(fab, abs=1e-12)
    assert series(net, result, "dc") == pytest.approx(fab, abs=1e-12)
    assert result.mean_availability()[arr.index["fab"]] == pytest.approx(0.65, abs=1e-12)


@pytest.mark.parametrize("engine", ENGINES)
def test_a_control_lifted_mid_horizon(engine: str) -> None:
    """Chain(2 weeks of m), H = 10; src_a → fab denied (factor 0) from week 3, lifted at week 7.

    Weeks 3-5: F = 0.4, the stock covers the 0.6 short: s = 2 → 1.4 → 0.8 → 0.2, α = 1.
    Week 6: A = 0.4 + 0.2 = 0.6 = α, s → 0. Week 7 on: F = 1, α = 1 (s stays 0). Mean
    9.6 / 10.
    """
    net = chain(2.0)
    result = run(net, 10, edges={("src_a", "fab"): [1, 1, 1, 0, 0, 0, 0, 1]}, engine=engine)
    assert series(net, result, "fab") == pytest.approx([1, 1, 1, 1, 1, 1, 0.6, 1, 1, 1], abs=1e-12)
    assert stock_series(net, result, "fab", "m") == pytest.approx([2, 2, 2, 2, 1.4, 0.8, 0.2, 0, 0, 0], abs=1e-12)
    assert result.mean_availability()[net.arrays.index["fab"]] == pytest.approx(0.96, abs=1e-12)


def two_inputs() -> sc.Network:
    """src_m → fab (2 weeks of m), src_g → fab (no stock of g); fab → dc."""
    return network(
        [
            facility("src_m", "JPN", "m"),
            facility("src_g", "CHN", "g"),
            facility("fab", "TWN", "w", "foundry"),
            facility("dc", "USA", "c", "compute"),
        ],
        [recipe("fab", "g"), recipe("fab", "m", 2.0), recipe("dc", "w")],
        [supply("src_m", "fab", "m"), supply("src_g", "fab", "g"), supply("fab", "dc", "w")],
    )


@pytest.mark.parametrize("engine", ENGINES)
def test_stock_refills_only_while_another_input_holds_production_back(engine: str) -> None:
    """fab needs m (2 weeks of stock) and g (none), H = 10. m is cut in weeks 2-3; g's
    supplier runs at 0.5 in weeks 4-7.

    Weeks 2-3: A_m = min(1, 0 + s) = 1, α = 1, s = 2 → 1 → 0. Weeks 4-7: m is delivered again
    (F_m = 1) but A_g = 0.5, so α = 0.5 and m's stock refills by F − α = 0.5 a week:
    s = 0 → 0.5 → 1 → 1.5 → 2 (full at week 8). From week 8, α = 1 and the stock stays full.
    Without the g shortfall the stock would stay at 0 once drawn: deliveries never exceed the
    normal need, so the timeline is conservative after a shock.
    """
    net = two_inputs()
    cut = {("src_m", "fab"): [1, 1, 0, 0, 1]}
    result = run(net, 10, edges=cut, own={"src_g": [1, 1, 1, 1, 0.5, 0.5, 0.5, 0.5, 1]}, engine=engine)
    assert series(net, result, "fab") == pytest.approx([1, 1, 1, 1, 0.5, 0.5, 0.5, 0.5, 1, 1], abs=1e-12)
    assert stock_series(net, result, "fab", "m") == pytest.approx([2, 2, 2, 1, 0, 0.5, 1, 1.5, 2, 2], abs=1e-12)
    g_row = net.recipes.index[(net.recipes["facility"] == "fab") & (net.recipes["item"] == "g")][0]
    assert result.limiting_recipe is not None
    assert result.limiting_recipe[4:8, net.arrays.index["fab"]].tolist() == [g_row] * 4

    alone = run(net, 10, edges=cut, engine=engine)
    assert stock_series(net, alone, "fab", "m") == pytest.approx([2, 2, 2, 1, 0, 0, 0, 0, 0, 0], abs=1e-12)


def slow_ring() -> sc.Network:
    """a and b each need the other's item (share 1): a cycle of gain o_a · o_b per round."""
    return network(
        [facility("a", "USA", "x", "foundry"), facility("b", "JPN", "y", "foundry")],
        [recipe("a", "y"), recipe("b", "x")],
        [supply("b", "a", "y"), supply("a", "b", "x")],
    )


@pytest.mark.parametrize("engine", ENGINES)
def test_a_slow_cycle_reaches_its_greatest_fixed_point(engine: str) -> None:
    """o_a = o_b = 0.999 from week 1: α = 0.999 · α_other, whose only fixed point is 0.

    Iterating from α = o shrinks α by 0.999 a sweep (≈ 28 000 sweeps to 1e-12); after 1 000 the
    engine jumps to the policy's linear solution (``policy_bound``, as ``propagate``), which is
    exact here: α = 0 from week 1, after 1 000 sweeps rather than 28 000.
    """
    net = slow_ring()
    result = run(net, 4, own={"a": [1, 0.999], "b": [1, 0.999]}, engine=engine)
    assert series(net, result, "a") == [1.0, 0.0, 0.0, 0.0]
    assert series(net, result, "b") == [1.0, 0.0, 0.0, 0.0]
    assert 1_000 <= result.cycle_iterations <= 1_010
    static, _ = propagate(net.arrays.plan, np.ones((1, 2)), np.full((1, 2), 0.999), np.zeros(2))
    assert static[0].tolist() == [0.0, 0.0]


def stocked_ring() -> sc.Network:
    """src → a (m); a needs m and y, b needs x (1.5 weeks of stock); a → b (x), b → a (y)."""
    return network(
        [facility("src", "USA", "m"), facility("a", "JPN", "x", "foundry"), facility("b", "KOR", "y", "foundry")],
        [recipe("a", "m"), recipe("a", "y"), recipe("b", "x", 1.5)],
        [supply("src", "a", "m"), supply("b", "a", "y"), supply("a", "b", "x")],
    )


@pytest.mark.parametrize("engine", ENGINES)
def test_stock_inside_a_cycle(engine: str) -> None:
    """a and b form a cycle; from week 1 src delivers half of a's m (H = 8).

    Each week is the greatest fixed point of α_a = min(0.5, α_b), α_b = min(1, α_a + s_x).
    Weeks 1-3: s_x = 1.5, 1.0, 0.5 gives α_b = 1 (A_x = min(1, 0.5 + s_x) = 1) and α_a = 0.5,
    so s_x falls by 1 − 0.5 a week. Week 4: s_x = 0 and α_a = α_b = 0.5; s_x stays 0 (F = α).
    Stock enters every sweep of a cycle, so the block is iterated again whenever one of its
    stocks moves below 1 week (weeks 3 and 4), not when it moves from 1.5 to 1 (week 2):
    evaluated weeks 0, 1 (the factor changes), 3 and 4."""
    net = stocked_ring()
    result = run(net, 8, edges={("src", "a"): [1, 0.5]}, engine=engine)
    assert series(net, result, "a") == [1.0] + [0.5] * 7
    assert series(net, result, "b") == [1.0] * 4 + [0.5] * 4
    assert stock_series(net, result, "b", "x") == [1.5, 1.5, 1.0, 0.5, 0.0, 0.0, 0.0, 0.0]
    assert np.flatnonzero(result.evaluated).tolist() == [0, 1, 3, 4]
    _assert_identical(result, run(net, 8, edges={("src", "a"): [1, 0.5]}, engine=engine, skip=False))


def two_rings() -> sc.Network:
    """Two copies of ``stocked_ring`` without stock, side by side: src1 → a1 ⇄ b1 and
    src2 → a2 ⇄ b2. Both rings are on the same level, so the plan puts them in one cyclic block,
    as two strongly connected components."""
    facilities, recipes, supplies = [], [], []
    for i in ("1", "2"):
        facilities += [facility(f"src{i}", "USA", f"m{i}"), facility(f"a{i}", "JPN", f"x{i}", "foundry")]
        facilities.append(facility(f"b{i}", "KOR", f"y{i}", "foundry"))
        recipes += [recipe(f"a{i}", f"m{i}"), recipe(f"a{i}", f"y{i}"), recipe(f"b{i}", f"x{i}")]
        supplies += [
            supply(f"src{i}", f"a{i}", f"m{i}"),
            supply(f"b{i}", f"a{i}", f"y{i}"),
            supply(f"a{i}", f"b{i}", f"x{i}"),
        ]
    return network(facilities, recipes, supplies)


@pytest.mark.parametrize("engine", ENGINES)
def test_only_the_component_with_new_inputs_is_iterated(engine: str) -> None:
    """Two rings in one cyclic block; src1 runs at 0.5 from week 2 (H = 6), ring 2 never changes.

    Week 0 iterates both rings from α = o = 1: one sweep each (nothing moves), 2 component
    sweeps. Week 2 iterates ring 1 alone: α_a1 = min(0.5, α_b1), α_b1 = α_a1, from 1: sweep 1
    gives (0.5, 1), sweep 2 (0.5, 0.5), sweep 3 confirms: 3 sweeps. Ring 2 is not iterated
    again (its inputs are last week's, so the sweeps would repeat), so 5 component sweeps in all
    and 2 + 4 + 2 facility evaluations (sources included). Evaluating every week gives the same
    values bitwise."""
    net = two_rings()
    plan = net.arrays.plan
    assert [b.n1 - b.n0 for b in plan.blocks if b.cyclic] == [4]  # one block, two components
    result = run(net, 6, own={"src1": [1, 1, 0.5]}, engine=engine)
    assert series(net, result, "a1") == [1.0, 1.0] + [0.5] * 4
    assert series(net, result, "b1") == [1.0, 1.0] + [0.5] * 4
    assert series(net, result, "a2") == series(net, result, "b2") == [1.0] * 6
    assert np.flatnonzero(result.evaluated).tolist() == [0, 2]
    assert result.cycle_iterations == 2 + 3
    assert result.evaluations == 6 + 1 + 2
    everything = run(net, 6, own={"src1": [1, 1, 0.5]}, engine=engine, skip=False)
    assert everything.cycle_iterations == 2 * (1 + 1) + 4 * (3 + 1)  # both rings, every week from α = o
    _assert_identical(result, everything)


# ---------------------------------------------------------------------------------------------
# the skip rule


@pytest.mark.parametrize("engine", ENGINES)
def test_weeks_at_rest_are_copied_not_computed(engine: str) -> None:
    """Chain(4), the delay of the first example. Evaluated: week 0 (everything), week 2 (the
    factor changes), weeks 8 and 9 (the stock no longer covers the shortfall, so A_m moves),
    week 10 (the factor changes back). Weeks 3-7 are copies although the stock moves: it still
    covers the week (A_m = 1 before and after). Weeks 1 and 11 are at rest (full stock not
    drawn; empty stock staying empty): copies, and every identical week up to the next change
    point is filled in one step. The result is bitwise that of evaluating every week."""
    net = chain(4.0)
    delay = {("src_a", "fab"): [1, 1] + [0] * 8 + [1]}
    skipped = run(net, 12, edges=delay, engine=engine)
    everything = run(net, 12, edges=delay, engine=engine, skip=False)
    assert np.flatnonzero(skipped.evaluated).tolist() == [0, 2, 8, 9, 10]
    assert skipped.evaluated_weeks == 5
    assert everything.evaluated_weeks == 12
    assert skipped.evaluations < everything.evaluations == 12 * 4
    _assert_identical(skipped, everything)

    # 520 weeks of nothing happening after the change at week 10: still 5 evaluated weeks
    long = run(net, 520, edges=delay, engine=engine)
    assert long.evaluated_weeks == 5
    assert (long.alpha[10:] == 1.0).all()


@pytest.mark.parametrize("engine", ENGINES)
def test_constant_factors_are_computed_once(engine: str) -> None:
    """No change point and no stock moving: week 0 is computed and copied to the end."""
    net = two_inputs()
    result = run(net, 30, own={"src_g": [0.5]}, engine=engine)
    assert result.evaluated_weeks == 1
    assert (result.alpha == result.alpha[0]).all()
    assert result.alpha[0, net.arrays.index["fab"]] == 0.5
    # m's stock is full and F_m = 1 > α = 0.5: "full and not drawn", at rest
    assert stock_series(net, result, "fab", "m") == [2.0] * 30


@pytest.mark.parametrize("engine", ENGINES)
def test_rounding_of_the_shares_never_drains_a_stock(engine: str) -> None:
    """Shares 0.35, 0.3, 0.35 add up to 0.9999999999999999 in floating point: with every input
    delivered F = 1 − 1.1e-16 and α = 1, a draw of one rounding unit a week that would take
    half a week of stock down by 520 units in 520 weeks and keep the stock "moving". A change
    |F − α| ≤ STOCK_TOLERANCE (1e-9 weeks) is no change: the stock stays exactly full and the
    520 weeks are one evaluated week and one copy."""
    net = network(
        [facility(f"s{i}", "JPN", "m") for i in range(3)] + [facility("fab", "TWN", "w", "foundry")],
        [recipe("fab", "m", 0.5)],
        [supply("s0", "fab", "m", 0.35), supply("s1", "fab", "m", 0.3), supply("s2", "fab", "m", 0.35)],
    )
    result = run(net, 520, engine=engine)
    assert result.watch_delivered[0, 0] < 1.0  # the rounding is there
    assert result.final_stock.tolist() == [0.5]
    assert result.evaluated_weeks == 1


# ---------------------------------------------------------------------------------------------
# week factors and input checks


def test_week_factors_from_dense_at_mean_and_product() -> None:
    dense = np.array([[1.0, 1.0], [1.0, 1.0], [0.0, 1.0], [0.0, 0.5], [0.0, 0.5]])
    f = WeekFactors.from_dense(dense)
    assert f.starts.tolist() == [0, 2, 3]
    assert f.stretches == 3
    assert f.size == 2
    assert f.at(0).tolist() == [1.0, 1.0]
    assert f.at(4).tolist() == [0.0, 0.5]
    assert f.at(400).tolist() == [0.0, 0.5]  # the last stretch holds for ever
    assert np.array_equal(f.dense(5), dense)
    assert f.mean(5).tolist() == pytest.approx([0.4, 0.8])
    assert f.mean(2).tolist() == [1.0, 1.0]  # change points after the horizon do not count
    g = WeekFactors(np.array([0, 1]), np.array([[1.0, 0.5], [1.0, 1.0]]))
    product = f * g
    assert np.array_equal(product.dense(6), f.dense(6) * g.dense(6))
    assert product.starts.tolist() == [0, 1, 2, 3]
    assert "3 stretches" in repr(f)
    with pytest.raises(ValueError, match=r"read-only|not writeable"):
        f.values[0, 0] = 0.5


@pytest.mark.parametrize(
    ("starts", "values", "message"),
    [
        ([1, 2], [[1.0], [0.5]], "must be 0"),
        ([0, 3, 3], [[1.0], [0.5], [1.0]], "strictly increasing"),
        ([0, 2], [[1.0], [1.5]], r"in \[0, 1\]"),
        ([0, 2], [[1.0], [np.nan]], r"in \[0, 1\]"),
        ([0, 2], [[1.0]], "must have shape"),
        ([0, 1.5], [[1.0], [0.5]], "whole weeks"),
    ],
)
def test_week_factors_are_checked(starts: list[float], values: list[list[float]], message: str) -> None:
    with pytest.raises(InputError, match=message):
        WeekFactors(np.array(starts), np.array(values))


def test_timeline_checks_its_inputs_all_at_once() -> None:
    net = chain(1.0)
    arr = net.arrays
    with pytest.raises(InputError) as info:
        timeline(arr.plan, WeekFactors.ones(2), WeekFactors.ones(4), np.array([-1.0, 0.0]), 0, engine="gpu")
    where = [p.where for p in info.value.problems]
    assert where == ["edge_factor", "stock_weeks", "weeks", "engine"]
    assert isinstance(info.value, ValueError)


# ---------------------------------------------------------------------------------------------
# properties on random networks


@st.composite
def _factor_stretches(draw: Any, weeks: int, size: int, choices: list[float]) -> WeekFactors:
    """Piecewise-constant factors: 0-3 change points, each stretch a random vector."""
    starts = [0]
    if weeks > 1:
        starts += sorted(set(draw(st.lists(st.integers(1, weeks - 1), max_size=3))))
    rows = [draw(st.lists(st.sampled_from(choices), min_size=size, max_size=size)) for _ in starts]
    return WeekFactors(np.array(starts), np.array(rows, dtype=float).reshape(len(starts), size))


EDGE_CHOICES = [1.0, 1.0, 1.0, 0.0, 0.2, 0.5]
OWN_CHOICES = [1.0, 1.0, 1.0, 0.0, 0.25, 0.5, 0.8]
STOCK_CHOICES = [0.0, 0.0, 0.5, 1.0, 2.5, 4.0]


def _doubled(tables: dict) -> dict:
    """The network and a copy of it side by side (facility ids + "b", the same items): every
    cyclic block then holds at least two strongly connected components, one per copy."""

    def renamed(row: dict, *keys: str) -> dict:
        return row | {k: row[k] + "b" for k in keys}

    return {
        "items": tables["items"],
        "facilities": tables["facilities"] + [renamed(f, "id", "name") for f in tables["facilities"]],
        "recipes": tables["recipes"] + [renamed(r, "facility") for r in tables["recipes"]],
        "supplies": tables["supplies"] + [renamed(e, "supplier", "buyer") for e in tables["supplies"]],
    }


@st.composite
def weekly_cases(draw: Any, doubled: bool = False) -> tuple[sc.Network, WeekFactors, WeekFactors, np.ndarray, int]:
    tables = _doubled(draw(networks(cyclic=True, max_facilities=10))) if doubled else draw(networks(max_facilities=15))
    net = sc.Network(**tables, name="random")
    arr = net.arrays
    weeks = draw(st.integers(1, 14), label="weeks")
    edge = draw(_factor_stretches(weeks, arr.n_edges, EDGE_CHOICES), label="edge factors")
    own = draw(_factor_stretches(weeks, arr.n_facilities, OWN_CHOICES), label="own factors")
    stock = np.array(draw(st.lists(st.sampled_from(STOCK_CHOICES), min_size=arr.n_recipes, max_size=arr.n_recipes)))
    return net, edge, own, stock.reshape(arr.n_recipes), weeks


def reference_timeline(
    net: sc.Network, edge: WeekFactors, own: WeekFactors, stock_weeks: np.ndarray, weeks: int
) -> dict[str, list[list[float]]]:
    """docs/model.md §3.3 with dicts and loops, week by week: α by one global Jacobi iteration from 1
    until nothing moves by 1e-13 (the greatest fixed point, stocks held fixed), then F and A
    from that α, then the stock update. One decision beyond the specification, as the engine's:
    a stock change |F − α| ≤ 1e-9 (``STOCK_TOLERANCE``) is taken as 0.

    Returns per week: ``alpha`` per facility row, and ``stock`` (at the start of the week),
    ``delivered`` F and ``input`` A per recipe row."""
    facilities = net.facilities["id"].tolist()
    recipes = net.recipes.to_dict("records")
    supplies = net.supplies.to_dict("records")
    edges_of: dict[int, list[int]] = {r: [] for r in range(len(recipes))}
    recipe_of = {(rec["facility"], rec["item"]): r for r, rec in enumerate(recipes)}
    for e, s in enumerate(supplies):
        edges_of[recipe_of[(s["buyer"], s["item"])]].append(e)
    recipes_of: dict[str, list[int]] = {v: [] for v in facilities}
    for r, rec in enumerate(recipes):
        recipes_of[rec["facility"]].append(r)
    stock = {r: float(stock_weeks[r]) for r in range(len(recipes))}
    out: dict[str, list[list[float]]] = {"alpha": [], "stock": [], "delivered": [], "input": []}
    for t in range(weeks):
        a = edge.at(t).tolist()
        o = dict(zip(facilities, own.at(t).tolist(), strict=True))

        def inputs(alpha: dict[str, float], a: list[float] = a) -> tuple[dict[int, float], dict[int, float]]:
            delivered, available = {}, {}
            for r in range(len(recipes)):
                total = 0.0
                for e in edges_of[r]:
                    total += supplies[e]["share"] * a[e] * alpha[supplies[e]["supplier"]]
                delivered[r] = min(1.0, total)
                available[r] = min(1.0, delivered[r] + stock[r])
            return delivered, available

        alpha = dict.fromkeys(facilities, 1.0)
        for _ in range(200_000):
            _, available = inputs(alpha)
            new = {}
            for v in facilities:
                if recipes_of[v]:
                    new[v] = o[v] * min(1.0, min(available[r] for r in recipes_of[v]))
                else:
                    new[v] = o[v]
            change = max(abs(new[v] - alpha[v]) for v in facilities)
            alpha = new
            if change < 1e-13:
                break
        else:
            raise AssertionError("the reference iteration did not settle")
        delivered, available = inputs(alpha)
        out["alpha"].append([alpha[v] for v in facilities])
        out["stock"].append([stock[r] for r in range(len(recipes))])
        out["delivered"].append([delivered[r] for r in range(len(recipes))])
        out["input"].append([available[r] for r in range(len(recipes))])
        for r, rec in enumerate(recipes):
            change = delivered[r] - alpha[rec["facility"]]
            if abs(change) <= STOCK_TOLERANCE:
                change = 0.0
            stock[r] = min(float(stock_weeks[r]), max(0.0, stock[r] + change))
    return out


@contextlib.contextmanager
def _dense_share(share: float) -> Iterator[None]:
    """Temporarily set ``weekly.DENSE_SHARE``: 0 evaluates every block with a marked facility
    whole, 1 only the marked facilities (gathered), whatever their number."""
    saved = weekly.DENSE_SHARE
    weekly.DENSE_SHARE = share
    try:
        yield
    finally:
        weekly.DENSE_SHARE = saved


def _assert_identical(a: WeeklyResult, b: WeeklyResult) -> None:
    assert np.array_equal(a.alpha, b.alpha)
    assert a.limiting_recipe is not None
    assert b.limiting_recipe is not None
    assert np.array_equal(a.limiting_recipe, b.limiting_recipe)
    assert np.array_equal(a.final_stock, b.final_stock)
    assert np.array_equal(a.watch_stock, b.watch_stock)
    assert np.array_equal(a.watch_delivered, b.watch_delivered)
    assert np.array_equal(a.watch_input, b.watch_input)


@PROPERTY
@given(tables=networks(max_facilities=20), data=st.data())
def test_constant_factors_without_stock_give_the_static_alpha_every_week(tables: dict, data: st.DataObject) -> None:
    """docs/model.md §3.3: with every factor constant and no stock, α_v(t) is the static α_v (3.2) in
    every week (to the bit with numpy when no cyclic block holds two strongly connected
    components; else within the fixed-point tolerance's effect); the timeline computes week 0
    and copies it."""
    net = sc.Network(**tables, name="random")
    arr = net.arrays
    n, e = arr.n_facilities, arr.n_edges
    edge = np.array(data.draw(st.lists(st.sampled_from(EDGE_CHOICES), min_size=e, max_size=e))).reshape(e)
    own = np.array(data.draw(st.lists(st.sampled_from(OWN_CHOICES), min_size=n, max_size=n))).reshape(n)
    static, _ = propagate(arr.plan, edge[None, :], own[None, :], np.zeros(arr.n_recipes))
    one_component_per_block = all(c is None or len(c.units) == 1 for c in weekly._layout(arr.plan).components)
    for engine in ENGINES:
        result = timeline(
            arr.plan, WeekFactors.constant(edge), WeekFactors.constant(own), np.zeros(arr.n_recipes), 6, engine=engine
        )
        if engine == "numpy" and one_component_per_block:  # the same arithmetic as propagate, to the bit
            assert (result.alpha == static[0]).all()
        else:  # numba adds in another order; with several components in a block, propagate sweeps
            # each until the slowest settles, the timeline each to its own tolerance
            np.testing.assert_allclose(result.alpha, np.broadcast_to(static[0], result.alpha.shape), atol=1e-10)
        assert result.evaluated_weeks == 1


@PROPERTY
@given(case=weekly_cases())
def test_engine_matches_the_weekly_reference(case: tuple) -> None:
    """Random networks (with cycles), random piecewise-constant factors and stocks: α, stocks,
    F and A agree with the plain reference to 1e-9 in every week; the skipping engine equals the
    every-week path bitwise; the numba engine equals numpy within 1e-12; bounds hold."""
    _check_against_the_reference(*case)


@PROPERTY
@given(case=weekly_cases(doubled=True))
def test_components_of_one_cyclic_block_are_skipped_exactly(case: tuple) -> None:
    """The same checks on a cyclic network and a copy of it side by side, each copy with factors
    and stocks of its own: every cyclic block holds two or more strongly connected components,
    and a week iterates only those with new inputs. Skipping the others still gives the
    every-week result bitwise (numba skipping also reuses the stored sums of recipes whose
    inputs did not change)."""
    net = case[0]
    components = [c for c in weekly._layout(net.arrays.plan).components if c is not None]
    assume(components)  # networks(cyclic=True) allows cycles; most examples have some
    assert all(len(c.units) >= 2 for c in components)
    _check_against_the_reference(*case)


def _check_against_the_reference(
    net: sc.Network, edge: WeekFactors, own: WeekFactors, stock: np.ndarray, weeks: int
) -> None:
    arr = net.arrays
    want = reference_timeline(net, edge, own, stock, weeks)
    watch = range(arr.n_facilities)
    got = timeline(arr.plan, edge, own, stock, weeks, watch=watch)
    assert got.watch_recipes.tolist() == list(range(arr.n_recipes))
    np.testing.assert_allclose(got.alpha, np.array(want["alpha"]).reshape(got.alpha.shape), atol=1e-9)
    for key, values in [("stock", got.watch_stock), ("delivered", got.watch_delivered), ("input", got.watch_input)]:
        np.testing.assert_allclose(values, np.array(want[key]).reshape(values.shape), atol=1e-9, err_msg=key)

    # bounds: 0 ≤ α(t) ≤ o(t), 0 ≤ s(t) ≤ stock_weeks
    assert (got.alpha >= 0).all()
    assert (got.alpha <= own.dense(weeks) + 1e-12).all()
    assert (got.watch_stock >= 0).all()
    assert (got.watch_stock <= stock + 1e-12).all()

    _assert_identical(got, timeline(arr.plan, edge, own, stock, weeks, watch=watch, skip=False))
    for engine in ENGINES:  # not recording the limiting recipe changes nothing else
        plain = timeline(arr.plan, edge, own, stock, weeks, limiting=False, engine=engine)
        assert plain.limiting_recipe is None
        np.testing.assert_allclose(plain.alpha, got.alpha, atol=0 if engine == "numpy" else 1e-12)
    for share in (0.0, 1.0):  # marked facilities always recomputed by whole blocks / always one by one
        with _dense_share(share):
            _assert_identical(got, timeline(arr.plan, edge, own, stock, weeks, watch=watch))
    assert got.evaluated_weeks <= weeks
    if "numba" in ENGINES:
        fast = timeline(arr.plan, edge, own, stock, weeks, watch=watch, engine="numba")
        np.testing.assert_allclose(fast.alpha, got.alpha, atol=1e-12)
        np.testing.assert_allclose(fast.watch_stock, got.watch_stock, atol=1e-12)
        _assert_identical(fast, timeline(arr.plan, edge, own, stock, weeks, watch=watch, engine="numba", skip=False))
