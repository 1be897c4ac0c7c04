"""Sharing certification costs (supplychain/optimise/costsharing.py).

Worked examples and the Shapley axioms:

- **Airport game** (Littlechild & Owen 1973): runway needs 1, 2, 4, C(S) = max need in S.
  The runway is split segment by segment among those who need it: a pays 1/3, b pays
  1/3 + 1/2 = 5/6, c pays 1/3 + 1/2 + 2 = 17/6; total 4.
- **Glove game**: one left glove (L), two right gloves (R1, R2), v(S) = pairs S can form.
  L is pivotal in 4 of the 6 orders (whenever a right glove came before it): 2/3; each right
  glove 1/6.
- **Certification game**: by additivity each certification's cost is split equally among its
  users, φ_i = Σ_{c ∋ i} cost_c / |users_c| (asserted to 1e-12 against the exact enumeration).
- Efficiency, symmetry, dummy, additivity; the sampled estimate (n = 12) within 4 standard
  errors of the closed form, with shares summing to the total.
- **The closed form** (``certification_shapley``) against a brute-force Shapley value (the
  subset formula over all 2ⁿ coalitions, written here) on random certification games of up to
  8 members (hypothesis); for 50 members, where no enumeration is possible, symmetry
  (members in identical roles pay exactly the same), dummies and efficiency; and through the
  optimiser, a consortium of 12 members whose three users of one certification pay exactly a
  third each.
"""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import supplychain as sc
from supplychain.errors import InputError
from supplychain.optimise import optimise
from supplychain.optimise.costsharing import certification_game, certification_shapley, proportional, shapley

Z = 4.0  # standard errors allowed for the sampled estimate

CERTIFICATIONS = {"litho_jp": 12.0, "chip_kr": 7.5, "sand_au": 3.0, "dep_de": 5.25}
USERS = {
    "litho_jp": {"CHN", "IND", "VNM"},
    "chip_kr": {"IND", "MYS"},
    "sand_au": {"CHN", "IND", "MYS", "VNM"},
    "dep_de": {"VNM"},
}
MEMBERS = ["CHN", "IND", "MYS", "VNM", "BRA"]  # BRA uses nothing: a dummy


def closed_form(certifications: dict[str, float], users: dict[str, set[str]], members: list[str]) -> dict[str, float]:
    """φ_i = Σ over certifications i uses of cost / number of users."""
    return {
        m: sum(cost / len(users[c]) for c, cost in certifications.items() if m in users.get(c, ())) for m in members
    }


def brute_force(players: list[str], cost: object) -> dict[str, float]:
    """Shapley value as the mean marginal cost over all n! orders (small n only)."""
    shares = dict.fromkeys(players, 0.0)
    orders = list(itertools.permutations(players))
    for order in orders:
        before: frozenset[str] = frozenset()
        for p in order:
            shares[p] += cost(before | {p}) - cost(before)  # type: ignore[operator]
            before = before | {p}
    return {p: v / len(orders) for p, v in shares.items()}


def test_airport_game_worked_by_hand() -> None:
    need = {"a": 1.0, "b": 2.0, "c": 4.0}
    shares, errors = shapley(list(need), lambda s: max((need[p] for p in s), default=0.0))
    assert shares == pytest.approx({"a": 1 / 3, "b": 5 / 6, "c": 17 / 6}, abs=1e-12)
    assert errors == {"a": 0.0, "b": 0.0, "c": 0.0}
    assert math.fsum(shares.values()) == pytest.approx(4.0, abs=1e-12)


def test_glove_game_worked_by_hand() -> None:
    def pairs(s: frozenset[str]) -> float:
        return float(min(int("L" in s), len(s & {"R1", "R2"})))

    shares, _ = shapley(["L", "R1", "R2"], pairs)
    assert shares == pytest.approx({"L": 2 / 3, "R1": 1 / 6, "R2": 1 / 6}, abs=1e-12)


def test_certification_game_values() -> None:
    game = certification_game(CERTIFICATIONS, USERS)
    assert game(frozenset()) == 0.0
    assert game(frozenset({"BRA"})) == 0.0
    assert game(frozenset({"VNM"})) == 12.0 + 3.0 + 5.25
    assert game(frozenset({"MYS", "BRA"})) == 7.5 + 3.0
    assert game(frozenset(MEMBERS)) == sum(CERTIFICATIONS.values())


def test_exact_shapley_is_the_closed_form() -> None:
    game = certification_game(CERTIFICATIONS, USERS)
    shares, errors = shapley(MEMBERS, game)
    expected = closed_form(CERTIFICATIONS, USERS, MEMBERS)
    for m in MEMBERS:
        assert abs(shares[m] - expected[m]) <= 1e-12
        assert errors[m] == 0.0
    assert shares == pytest.approx(brute_force(MEMBERS, game), abs=1e-12)


def test_shares_sum_to_the_total() -> None:
    game = certification_game(CERTIFICATIONS, USERS)
    shares, _ = shapley(MEMBERS, game)
    assert math.fsum(shares.values()) == pytest.approx(game(frozenset(MEMBERS)), abs=1e-12)
    # a game with no structure: random costs of every coalition (C(∅) = 0)
    rng = np.random.default_rng(1)
    players = [f"p{i}" for i in range(7)]
    table = {frozenset(s): float(rng.uniform(0, 100)) for r in range(1, 8) for s in itertools.combinations(players, r)}
    table[frozenset()] = 0.0
    shares, _ = shapley(players, table.__getitem__)
    assert math.fsum(shares.values()) == pytest.approx(table[frozenset(players)], abs=1e-10)
    assert shares == pytest.approx(brute_force(players, table.__getitem__), abs=1e-10)


def test_symmetric_members_pay_the_same() -> None:
    users = {"a": {"X", "Y", "Z"}, "b": {"X", "Y"}, "c": {"Z"}}
    shares, _ = shapley(["X", "Y", "Z"], certification_game({"a": 9.0, "b": 4.0, "c": 1.0}, users))
    assert shares["X"] == shares["Y"]
    assert shares == pytest.approx({"X": 5.0, "Y": 5.0, "Z": 4.0}, abs=1e-12)


def test_dummy_member_pays_nothing() -> None:
    shares, _ = shapley(MEMBERS, certification_game(CERTIFICATIONS, USERS))
    assert shares["BRA"] == 0.0


def test_additivity_over_certifications() -> None:
    """Shapley of the whole game = Σ over certifications of Shapley of that one's game."""
    total, _ = shapley(MEMBERS, certification_game(CERTIFICATIONS, USERS))
    parts = [shapley(MEMBERS, certification_game({c: cost}, {c: USERS[c]}))[0] for c, cost in CERTIFICATIONS.items()]
    for m in MEMBERS:
        assert total[m] == pytest.approx(sum(p[m] for p in parts), abs=1e-12)
    # and each one-certification game splits its cost equally among its users
    for (c, cost), part in zip(CERTIFICATIONS.items(), parts, strict=True):
        for m in MEMBERS:
            assert part[m] == pytest.approx(cost / len(USERS[c]) if m in USERS[c] else 0.0, abs=1e-12)


def test_sampled_estimate_for_twelve_members() -> None:
    rng = np.random.default_rng(12)
    members = [f"m{i:02d}" for i in range(12)]
    certifications = {f"c{j}": float(rng.integers(1, 20)) for j in range(8)}
    users = {c: {m for m in members if rng.random() < 0.4} | {members[j]} for j, c in enumerate(certifications)}
    game = certification_game(certifications, users)
    shares, errors = shapley(members, game, samples=2000, seed=3)
    expected = closed_form(certifications, users, members)
    total = game(frozenset(members))
    assert math.fsum(shares.values()) == pytest.approx(total, abs=1e-9)
    assert any(e > 0 for e in errors.values())
    for m in members:
        assert abs(shares[m] - expected[m]) <= Z * errors[m] + 1e-9, m
    # the same seed gives the same estimate; the exact path agrees when allowed
    assert shapley(members, game, samples=2000, seed=3) == (shares, errors)
    exact, exact_errors = shapley(members, game, exact_limit=12)
    assert all(abs(exact[m] - expected[m]) <= 1e-12 for m in members)
    assert set(exact_errors.values()) == {0.0}


def test_proportional() -> None:
    assert proportional({"CHN": 3.0, "IND": 1.0, "BRA": 0.0}, 8.0) == {"CHN": 6.0, "IND": 2.0, "BRA": 0.0}
    assert proportional({"CHN": 0.0, "IND": 0.0}, 8.0) == {"CHN": 4.0, "IND": 4.0}
    shares = proportional({"a": 1.0, "b": 2.0, "c": 4.0}, 10.0)
    assert math.fsum(shares.values()) == pytest.approx(10.0, abs=1e-12)
    assert proportional({}, 0.0) == {}


def test_bad_input() -> None:
    with pytest.raises(InputError, match="distinct"):
        shapley(["a", "a"], lambda s: float(len(s)))
    with pytest.raises(InputError, match="empty coalition"):
        shapley(["a"], lambda s: 1.0)
    with pytest.raises(InputError, match="not chosen"):
        certification_game({"c1": 1.0}, {"c2": {"a"}})
    with pytest.raises(InputError, match="non-negative"):
        certification_game({"c1": -1.0}, {})
    with pytest.raises(InputError, match="non-negative"):
        proportional({"a": -1.0}, 1.0)
    with pytest.raises(InputError, match="no members"):
        proportional({}, 5.0)
    assert shapley([], lambda s: 0.0) == ({}, {})


# ---------------------------------------------------------------------------------------------
# the closed form


def subset_shapley(players: list[str], cost: object) -> dict[str, float]:
    """Brute force: φ_i = Σ_{S ⊆ N∖{i}} |S|! (n − |S| − 1)! / n! · (C(S ∪ {i}) − C(S))."""
    n = len(players)
    shares = {}
    for i, p in enumerate(players):
        others = players[:i] + players[i + 1 :]
        total = 0.0
        for size in range(n):
            weight = math.factorial(size) * math.factorial(n - size - 1) / math.factorial(n)
            for coalition in itertools.combinations(others, size):
                s = frozenset(coalition)
                total += weight * (cost(s | {p}) - cost(s))  # type: ignore[operator]
        shares[p] = total
    return shares


@st.composite
def certification_games(draw: st.DrawFn) -> tuple[list[str], dict[str, float], dict[str, set[str]]]:
    """1-8 members, 0-5 certifications of cost 0-1e8, each used by any subset of the members."""
    members = [f"m{i}" for i in range(draw(st.integers(1, 8)))]
    certifications = {f"c{j}": draw(st.floats(0, 1e8, allow_nan=False)) for j in range(draw(st.integers(0, 5)))}
    users = {c: set(draw(st.lists(st.sampled_from(members), unique=True))) for c in certifications}
    return members, certifications, users


@settings(max_examples=60, deadline=None)
@given(certification_games())
def test_closed_form_equals_brute_force_shapley(
    game_data: tuple[list[str], dict[str, float], dict[str, set[str]]],
) -> None:
    members, certifications, users = game_data
    game = certification_game(certifications, users)
    closed = certification_shapley(certifications, users, members)
    brute = subset_shapley(members, game)
    assert list(closed) == members
    for m in members:
        assert closed[m] == pytest.approx(brute[m], rel=1e-9, abs=1e-6)
    used = math.fsum(cost for c, cost in certifications.items() if users[c])
    assert math.fsum(closed.values()) == pytest.approx(used, rel=1e-12, abs=1e-6)


def test_closed_form_for_fifty_members_is_symmetric_and_efficient() -> None:
    """50 members in three roles: 20 use both certifications, 25 only the first, 5 neither.
    The first (cost 9e6) is split among 45 users (2e5 each), the second (5e6) among 20
    (2.5e5 each): a member of the first role pays 4.5e5, of the second 2e5, of the third 0."""
    members = [f"m{i:02d}" for i in range(50)]
    users = {"first": set(members[:45]), "second": set(members[:20])}
    shares = certification_shapley({"first": 9e6, "second": 5e6}, users, members)
    roles = [members[:20], members[20:45], members[45:]]
    for role, expected in zip(roles, [4.5e5, 2e5, 0.0], strict=True):
        paid = {shares[m] for m in role}
        assert len(paid) == 1  # identical roles pay exactly the same
        assert paid.pop() == pytest.approx(expected, rel=1e-15)
    assert math.fsum(shares.values()) == pytest.approx(14e6, rel=1e-15)


def test_closed_form_bad_input() -> None:
    with pytest.raises(InputError, match="not members"):
        certification_shapley({"c": 1.0}, {"c": {"X"}}, ["Y"])
    with pytest.raises(InputError, match="distinct"):
        certification_shapley({"c": 1.0}, {"c": {"X"}}, ["X", "X"])
    with pytest.raises(InputError, match="non-negative"):
        certification_shapley({"c": -1.0}, {"c": {"X"}}, ["X"])
    assert certification_shapley({"c": 5.0}, {}, ["X"]) == {"X": 0.0}  # no user: charged to no one


def test_optimiser_shares_are_exact_for_twelve_members() -> None:
    """tests/data/optimise.yaml without its candidate: certifying litho_jp (cost 8) restores
    fab_cn. Of 12 members only fab_cn's own country (CHN), company (smic) and id (fab_cn) use
    the certification: a third each, exactly, and no sampling note; the rest pay 0."""
    data = Path(__file__).parent / "data"
    network = sc.read_network(data / "opt-network.yaml").replace(candidates=pd.DataFrame())
    scenario = sc.read_scenario(data / "optimise.yaml")
    others = ["IND", "BRA", "IDN", "ZAF", "MEX", "NGA", "KEN", "VNM", "MYS"]
    block = scenario.optimise.model_dump() | {  # type: ignore[union-attr]
        "budget": 8,
        "consortium": {"name": "twelve", "members": ["CHN", "smic", "fab_cn", *others]},
    }
    scenario = scenario.model_copy(update={"optimise": type(scenario.optimise).model_validate(block)})
    strategy = optimise(network, scenario, frontier=False, verify=False)
    cert = strategy.actions[strategy.actions["action"] == "certify"]
    assert cert["supplier"].tolist() == ["litho_jp"]
    shares = {k: float(v) for k, v in (kv.split("=") for kv in cert["members_cost_share"].iat[0].split(";"))}
    assert len(shares) == 12
    for m in ("CHN", "smic", "fab_cn"):
        assert shares[m] == pytest.approx(8 / 3, rel=1e-11)
    assert all(shares[m] == 0.0 for m in others)
    assert not any("sampled" in n for n in strategy.notes)
