"""Sharing a consortium's certification costs among its members (docs/model.md §5).

A consortium's members certify suppliers together; the optimiser decides which certifications
to pay for, and this module splits the bill.

**The cost game.** For a coalition S of members, C(S) is the cost of the cheapest plan that
gives S what its members use; for shared certification (``certification_game``)

    C(S) = Σ_c cost_c · [some member of S uses c]        (C(∅) = 0, currency units)

over the certifications c the optimiser chose.

**Shapley value** (``shapley``): member i pays its marginal cost averaged over every order in
which the consortium could have formed,

    φ_i = Σ_{S ⊆ N∖{i}} |S|! (n − |S| − 1)! / n! · (C(S ∪ {i}) − C(S)),

the only split that is efficient (Σ_i φ_i = C(N)), symmetric (interchangeable members pay the
same), charges 0 to a member that adds no cost (dummy) and is additive over games.

**Closed form for the certification game** (``certification_shapley``). C is the sum over
certifications of the games C_c(S) = cost_c · [S ∩ users_c ≠ ∅]; by additivity φ_i is the sum of
their Shapley values. In C_c every member outside users_c is a dummy (0) and the users are
interchangeable, so by efficiency and symmetry they split C_c(N) = cost_c equally:

    φ_i = Σ_{c : i ∈ users_c} cost_c / |users_c|,

exact for any number of members, in O(Σ_c |users_c|) operations (no 2ⁿ coalitions, no
sampling). ``shapley`` stays for any other game: exact by enumeration up to ``exact_limit``
players, estimated beyond.

**Proportional** (``proportional``): the total split in proportion to a measure of use.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Iterable, Mapping
from typing import TypeAlias

import numpy as np

from ..errors import InputError

__all__ = ["CostGame", "certification_game", "certification_shapley", "proportional", "shapley"]

CostGame: TypeAlias = Callable[[frozenset[str]], float]
"""A cost game: coalition (frozenset of player names) -> its cost; the empty coalition costs 0."""


def shapley(
    players: Iterable[str], cost: CostGame, *, exact_limit: int = 10, samples: int = 2000, seed: int = 0
) -> tuple[dict[str, float], dict[str, float]]:
    """The Shapley value of a cost game, and the standard error of each share.

    Returns ``(shares, standard_errors)`` keyed by player, in currency units.

    - n ≤ ``exact_limit``: exact, by the subset formula φ_i = Σ_{S ∌ i} w_|S| (C(S ∪ i) − C(S))
      with w_s = s! (n − s − 1)! / n!, enumerating the 2ⁿ coalitions as bitmasks and calling
      ``cost`` once per coalition; every standard error is 0. Each sum is taken with
      ``math.fsum``, so Σ_i φ_i equals C(N) up to rounding of the last digit.
    - n > ``exact_limit``: estimated over ``samples`` uniformly random orders (seeded numpy
      ``Generator``): φ̂_i is the mean over orders π of i's marginal cost
      C(P_π,i ∪ {i}) − C(P_π,i), P_π,i the players before i in π, and its standard error
      s_i / √samples (s_i the sample standard deviation of those marginal costs). In each
      order the marginal costs telescope to C(N) − C(∅) = C(N), so Σ_i φ̂_i = C(N) as well
      (up to rounding). ``cost`` is memoised per coalition.

    Raises ``InputError`` for duplicate players, a non-zero cost of the empty coalition, or
    a non-finite cost.

    >>> airport = {"a": 1.0, "b": 2.0, "c": 4.0}   # runway lengths: C(S) = longest needed
    >>> shares, errors = shapley(airport, lambda s: max((airport[p] for p in s), default=0.0))
    >>> {p: round(v, 12) for p, v in shares.items()}
    {'a': 0.333333333333, 'b': 0.833333333333, 'c': 2.833333333333}
    """
    names = list(players)
    if len(set(names)) != len(names):
        duplicates = sorted({p for p in names if names.count(p) > 1})
        raise InputError(f"shapley: players must be distinct; repeated: {', '.join(map(str, duplicates))}")
    if samples < 2 and len(names) > exact_limit:
        raise InputError(f"shapley: samples must be at least 2 to estimate an error (got {samples})")
    memo: dict[frozenset[str], float] = {}

    def cost_of(coalition: frozenset[str]) -> float:
        value = memo.get(coalition)
        if value is None:
            value = float(cost(coalition))
            if not math.isfinite(value):
                raise InputError(f"shapley: the cost of coalition {sorted(coalition)} is not finite ({value})")
            memo[coalition] = value
        return value

    empty = cost_of(frozenset())
    if empty != 0:
        raise InputError(f"shapley: the empty coalition must cost 0 (got {empty})")
    if not names:
        return {}, {}
    if len(names) <= exact_limit:
        return _exact(names, cost_of), dict.fromkeys(names, 0.0)
    return _sampled(names, cost_of, samples, seed)


def _exact(names: list[str], cost_of: CostGame) -> dict[str, float]:
    """Exact Shapley value by the subset formula over all 2ⁿ coalitions (bitmasks)."""
    n = len(names)
    masks = np.arange(1 << n)
    coalition_cost = np.array([cost_of(frozenset(names[j] for j in range(n) if m >> j & 1)) for m in range(1 << n)])
    size = np.array([bin(m).count("1") for m in range(1 << n)])
    weight = np.array(
        [math.factorial(s) * math.factorial(n - s - 1) / math.factorial(n) if s < n else 0.0 for s in range(n + 1)]
    )
    shares = {}
    for i, name in enumerate(names):
        without = masks[(masks >> i & 1) == 0]
        terms = weight[size[without]] * (coalition_cost[without | (1 << i)] - coalition_cost[without])
        shares[name] = math.fsum(terms.tolist())
    return shares


def _sampled(names: list[str], cost_of: CostGame, samples: int, seed: int) -> tuple[dict[str, float], dict[str, float]]:
    """Shapley value estimated over random orders, with standard errors."""
    n = len(names)
    rng = np.random.Generator(np.random.PCG64(seed))
    marginal = np.empty((samples, n))
    for t in range(samples):
        before: frozenset[str] = frozenset()
        previous = 0.0
        for i in rng.permutation(n).tolist():
            after = before | {names[i]}
            current = cost_of(after)
            marginal[t, i] = current - previous
            before, previous = after, current
    mean = marginal.mean(axis=0)
    error = marginal.std(axis=0, ddof=1) / math.sqrt(samples)
    return (
        {name: float(mean[i]) for i, name in enumerate(names)},
        {name: float(error[i]) for i, name in enumerate(names)},
    )


def certification_game(certifications: Mapping[str, float], users: Mapping[str, Collection[str]]) -> CostGame:
    """The cost game of shared certification.

    ``certifications``: certification id -> its one-off cost (currency units, ≥ 0), the
    certifications chosen; ``users``: certification id -> the members that use it (a
    certification with no entry has no users). Returns C with

        C(S) = Σ_c cost_c · [S ∩ users_c ≠ ∅],

    the cheapest plan giving coalition S the certifications its members use.

    >>> game = certification_game({"c1": 6.0, "c2": 4.0}, {"c1": {"CHN", "IND"}, "c2": {"IND"}})
    >>> game(frozenset({"CHN"})), game(frozenset({"IND"})), game(frozenset({"CHN", "IND"}))
    (6.0, 10.0, 10.0)
    """
    unknown = sorted(set(users) - set(certifications))
    if unknown:
        raise InputError(
            f"certification_game: users given for certifications that are not chosen: {', '.join(unknown)}"
        )
    bad = sorted(c for c, v in certifications.items() if not (math.isfinite(v) and v >= 0))
    if bad:
        raise InputError(f"certification_game: costs must be finite and non-negative: {', '.join(bad)}")
    table = [(float(certifications[c]), frozenset(users.get(c, ()))) for c in certifications]

    def cost(coalition: frozenset[str]) -> float:
        return math.fsum(value for value, members in table if not members.isdisjoint(coalition))

    return cost


def certification_shapley(
    certifications: Mapping[str, float], users: Mapping[str, Collection[str]], members: Iterable[str]
) -> dict[str, float]:
    """The exact Shapley value of ``certification_game(certifications, users)`` for ``members``,
    by the closed form φ_i = Σ_{c : i ∈ users_c} cost_c / |users_c| (module docstring), in
    currency units, keyed by member in the order given.

    Every certification's users must be among ``members`` (a user outside the consortium is an
    ``InputError``); a certification without users is charged to no one (C_c is then 0 for every
    coalition). Each share is summed with ``math.fsum``; Σ_i φ_i = Σ over used certifications
    of cost_c, up to rounding of the last digit.

    >>> certification_shapley({"c1": 6.0, "c2": 4.0}, {"c1": {"CHN", "IND"}, "c2": {"IND"}}, ["CHN", "IND", "BRA"])
    {'CHN': 3.0, 'IND': 7.0, 'BRA': 0.0}
    """
    names = list(members)
    if len(set(names)) != len(names):
        duplicates = sorted({m for m in names if names.count(m) > 1})
        raise InputError(f"certification_shapley: members must be distinct; repeated: {', '.join(duplicates)}")
    certification_game(certifications, users)  # the same checks of costs and certification ids
    known = set(names)
    outside = sorted({str(m) for c in users for m in users[c] if m not in known})
    if outside:
        raise InputError(f"certification_shapley: users that are not members: {', '.join(outside)}")
    parts: dict[str, list[float]] = {m: [] for m in names}
    for c, cost in certifications.items():
        group = set(users.get(c, ()))
        for m in group:
            parts[m].append(float(cost) / len(group))
    return {m: math.fsum(parts[m]) for m in names}


def proportional(use: Mapping[str, float], total: float) -> dict[str, float]:
    """``total`` split in proportion to each member's ``use`` (any non-negative measure):
    share_i = total · use_i / Σ_j use_j, or total / n each when every use is 0.

    >>> proportional({"CHN": 3.0, "IND": 1.0}, 8.0)
    {'CHN': 6.0, 'IND': 2.0}
    >>> proportional({"CHN": 0.0, "IND": 0.0}, 8.0)
    {'CHN': 4.0, 'IND': 4.0}
    """
    bad = sorted(m for m, v in use.items() if not (math.isfinite(v) and v >= 0))
    if bad:
        raise InputError(f"proportional: use must be finite and non-negative: {', '.join(bad)}")
    if not use:
        if total != 0:
            raise InputError(f"proportional: no members to share a total of {total}")
        return {}
    used = math.fsum(use.values())
    if used == 0:
        return dict.fromkeys(use, total / len(use))
    return {member: total * value / used for member, value in use.items()}
