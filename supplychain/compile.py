"""Compilation: a scenario's rules turned into arrays over one network's supply edges and
facilities (docs/model.md §3.1), which every engine consumes.

``compile_rules`` is the compiler without argument checks; the public entry points
(``compile_scenario``, ``validate_scenario`` and every function taking ``(network, scenario)``
through ``scenario.prepare``) live in ``scenario.py`` beside the models they check.
"""

from __future__ import annotations

import fnmatch
import re
import typing
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .errors import InputError, Problem, quoted
from .network import Network, Suggester

if TYPE_CHECKING:
    from .scenario import Control, Disruption, Scenario, Threshold
    from .weekly import WeekFactors

__all__ = ["CompiledScenario", "compile_rules", "control_weeks", "countries_of", "disruption_weeks"]


def _suggest(word: str, valid: typing.Iterable[str] | Suggester) -> str:
    """``"; did you mean 'x'?"`` for the nearest valid word, or ``""``. Give a ``Suggester``
    when the same names serve many lookups (it caches and bounds the work)."""
    suggester = valid if isinstance(valid, Suggester) else Suggester(valid, limit=None)
    guess = suggester(str(word))
    return f"; did you mean {quoted(guess)}?" if guess else ""


def _examples(names: typing.Iterable[str], n: int = 8) -> str:
    """``"; companies include: a, b, c, …"`` to show what is valid when nothing is near."""
    shown = sorted(names)[:n]
    return "; valid names include: " + ", ".join(shown) + (", …" if len(set(names)) > n else "")


# --------------------------------------------------------------------------------------------
# Compilation: rules -> arrays over the network's edges and facilities
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class CompiledScenario:
    """A scenario turned into arrays over one network (docs/model.md §3.1).

    Edges and facilities are in the order of ``network.arrays`` (the engine's order). A run
    compiles its scenario once and hands this object to every step: each public function that
    takes ``(network, scenario)`` also accepts a ``CompiledScenario`` as the scenario and then
    skips compilation (``network`` may be None or must be the network it was compiled for).

    - ``horizon_weeks``: H, whole weeks;
    - ``coverage[c, e]``: control c covers supply edge e (does not depend on the week);
    - ``approval[c]``: its licence_approval; ``control_probability[c]``: chance it is in force;
    - ``control_start[c]``, ``control_end[c]`` (H when not lifted within the horizon),
      ``control_delay[c]``: its weeks, clipped to the horizon;
    - ``control_weeks[c, t]``: a_c(t), its factor on an edge it covers in week t (1 when not in
      force, 0 while licences are pending, then licence_approval);
    - ``disruption_hit[d, v]``: disruption d hits facility v; ``disruption_weeks[d, t]``:
      o_d(t), its factor on the facilities it hits in week t;
    - ``disruption_factor[d, v]``: facility v's horizon-mean own factor under disruption d
      alone, (1/H) Σ_t o_d(t) where hit, else 1;
    - ``stock_term[r]``: stock_weeks / H per recipe row, the share of the horizon stock covers;
    - ``observed_select[o, v]``: observation o (a backtest's ``observed`` entry) selects v.

    ``edge_factor`` and ``own_factor`` give the static engine's horizon means (docs/model.md
    §3.2), products taken week by week; ``edge_week_factors`` and ``own_week_factors`` the
    week-by-week factors of the timeline (§3.3).
    """

    horizon_weeks: int
    control_names: tuple[str, ...]
    coverage: np.ndarray
    approval: np.ndarray
    control_probability: np.ndarray
    disruption_labels: tuple[str, ...]
    disruption_factor: np.ndarray
    disruption_probability: np.ndarray
    stock_term: np.ndarray
    scenario: Scenario = field(repr=False)
    network: Network = field(repr=False)
    control_start: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64), repr=False)
    control_end: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64), repr=False)
    control_delay: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64), repr=False)
    control_weeks: np.ndarray = field(default_factory=lambda: np.ones((0, 1)), repr=False)
    disruption_hit: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), dtype=bool), repr=False)
    disruption_weeks: np.ndarray = field(default_factory=lambda: np.ones((0, 1)), repr=False)
    observed_select: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), dtype=bool), repr=False)

    @property
    def timed_controls(self) -> bool:
        """Whether some control is not simply in force, at its licence_approval, all horizon
        long (a start, an end or a licence delay within the horizon)."""
        return bool(np.any(self.control_weeks != self.control_weeks[:, :1]))

    @property
    def timed_disruptions(self) -> bool:
        """Whether some disruption's factor changes within the horizon."""
        return bool(np.any(self.disruption_weeks != self.disruption_weeks[:, :1]))

    def edge_factor(self, active: np.ndarray | None = None) -> np.ndarray:
        """Static edge factors a_e = (1/H) Σ_t Π_{c in force, covering e} a_c(t) (docs/model.md
        §3.2) for each row of ``active`` (S × C booleans: which controls are drawn in force in
        each sample); all controls when omitted. Returns S × E (1 × E when omitted)."""
        n_controls, n_edges = self.coverage.shape
        if active is None:
            active = np.ones((1, n_controls), dtype=bool)
        active = np.atleast_2d(np.asarray(active, dtype=bool))
        if not self.timed_controls:
            factor = np.ones((active.shape[0], n_edges))
            for c in range(n_controls):
                if self.approval[c] == 1.0 or not active[:, c].any():
                    continue
                per_edge = np.where(self.coverage[c], self.approval[c], 1.0)
                factor[active[:, c]] *= per_edge
            return factor
        return _mean_of_products(self.coverage, self.control_weeks, active)

    def own_factor(self, active: np.ndarray | None = None) -> np.ndarray:
        """Static own factors o_v = (1/H) Σ_t Π_{d happening, hitting v} o_d(t) for each row of
        ``active`` (S × D booleans: which disruptions happen); all when omitted. Returns
        S × N (1 × N when omitted)."""
        n_disruptions, n_facilities = self.disruption_factor.shape
        if active is None:
            active = np.ones((1, n_disruptions), dtype=bool)
        active = np.atleast_2d(np.asarray(active, dtype=bool))
        overlap = n_disruptions > 1 and bool(np.any(self.disruption_hit.sum(axis=0) > 1))
        if not (overlap and self.timed_disruptions):  # the product of means is the mean of products
            factor = np.ones((active.shape[0], n_facilities))
            for d in range(n_disruptions):
                if active[:, d].any():
                    factor[active[:, d]] *= self.disruption_factor[d]
            return factor
        return _mean_of_products(self.disruption_hit, self.disruption_weeks, active)

    def edge_week_factors(self, active: np.ndarray | None = None) -> WeekFactors:
        """a_e(t) for every supply edge (table order), piecewise constant over the horizon,
        with the controls of ``active`` (C booleans; all when omitted) in force."""
        active = np.ones(len(self.control_names), dtype=bool) if active is None else np.asarray(active, dtype=bool)
        return _week_factors(self.coverage, self.control_weeks, active)

    def own_week_factors(self, active: np.ndarray | None = None) -> WeekFactors:
        """o_v(t) for every facility (table order), piecewise constant over the horizon, with
        the disruptions of ``active`` (D booleans; all when omitted) happening."""
        active = np.ones(len(self.disruption_labels), dtype=bool) if active is None else np.asarray(active, dtype=bool)
        return _week_factors(self.disruption_hit, self.disruption_weeks, active)


def _mean_of_products(hits: np.ndarray, weekly: np.ndarray, active: np.ndarray) -> np.ndarray:
    """(1/H) Σ_t Π_{p active in sample s, hitting entry m} weekly[p, t], as S × M.

    ``hits`` (P × M) says which players (controls or disruptions) touch which entries (edges
    or facilities), ``weekly`` (P × H) is each player's factor per week, ``active`` (S × P)
    which players are in play in each sample. Entries touched by the same set of players
    share a factor, so the mean is computed once per distinct set (in a network a handful),
    not per entry."""
    n_players, n_entries = hits.shape
    if n_players == 0:
        return np.ones((active.shape[0], n_entries))
    packed = np.packbits(hits.T, axis=1)
    signatures, inverse = np.unique(packed, axis=0, return_inverse=True)
    sets = np.unpackbits(signatures, axis=1, count=n_players).astype(bool)  # U × P
    values = np.empty((active.shape[0], len(signatures)))
    memo: dict[bytes, float] = {}
    for s, row in enumerate(active):
        for u, members in enumerate(sets & row):
            key = members.tobytes()
            if key not in memo:
                memo[key] = float(weekly[members].prod(axis=0).mean()) if members.any() else 1.0
            values[s, u] = memo[key]
    return values[:, inverse.reshape(-1)]


def _week_factors(hits: np.ndarray, weekly: np.ndarray, active: np.ndarray) -> WeekFactors:
    """Π over active players touching each entry of their weekly factor, as ``WeekFactors``:
    one stretch per week in which some active player's factor changes."""
    from .weekly import WeekFactors

    n_entries = hits.shape[1]
    players = np.flatnonzero(active & hits.any(axis=1))
    if len(players) == 0:
        return WeekFactors.ones(n_entries)
    series = weekly[players]
    change = np.r_[True, np.any(series[:, 1:] != series[:, :-1], axis=0)]
    starts = np.flatnonzero(change)
    values = np.ones((len(starts), n_entries))
    for p, player in enumerate(players.tolist()):
        touched = np.flatnonzero(hits[player])
        values[:, touched] *= series[p, starts][:, None]
    return WeekFactors(starts, values)


def control_weeks(control: Control, horizon: int) -> np.ndarray:
    """a_c(t) for t < ``horizon`` on an edge the control covers (docs/model.md §3.1): 1 when
    not in force, 0 during the licence delay, then licence_approval."""
    t = np.arange(horizon)
    end = horizon if control.end_week is None else min(control.end_week, horizon)
    in_force = (t >= control.start_week) & (t < end)
    pending = t < control.start_week + control.licence_delay_weeks
    return np.where(in_force, np.where(pending, 0.0, control.licence_approval), 1.0)


def disruption_weeks(shock: Disruption, horizon: int) -> np.ndarray:
    """o_d(t) for t < ``horizon`` on the facilities the disruption hits (docs/model.md §3.1):
    capacity_factor while it lasts, then a linear ramp back over ramp_weeks, else 1."""
    t = np.arange(horizon)
    start = shock.start_week
    end = horizon if shock.weeks is None else start + shock.weeks
    factor = np.ones(horizon)
    cf = shock.capacity_factor
    factor[(t >= start) & (t < end)] = cf
    if shock.weeks is not None and shock.ramp_weeks:
        j = t - end + 1  # 1 in the first week after the end
        ramp = (j >= 1) & (j <= shock.ramp_weeks)
        factor[ramp] = cf + (1.0 - cf) * j[ramp] / (shock.ramp_weeks + 1)
    return factor


@dataclass(frozen=True)
class _ItemTags:
    """The items' ids and tags, parsed once per compile: the sorted tag ``vocabulary`` and
    (item, tag) pairs as codes."""

    ids: list[str]
    vocabulary: list[str]
    pair_item: np.ndarray
    pair_tag: np.ndarray

    @classmethod
    def of(cls, items: pd.DataFrame) -> _ItemTags:
        tags = [[t.strip() for t in str(s).split(";") if t.strip()] for s in items["tags"]]
        vocabulary = sorted({t for ts in tags for t in ts})
        tag_code = {t: j for j, t in enumerate(vocabulary)}
        return cls(
            items["id"].tolist(),
            vocabulary,
            np.fromiter((k for k, ts in enumerate(tags) for _ in ts), dtype=np.int64),
            np.fromiter((tag_code[t] for ts in tags for t in ts), dtype=np.int64),
        )


@dataclass(frozen=True)
class _Rules:
    """What compilation reads of a scenario: its controls and disruptions, each with its
    index in the file (for error locations; a partly valid file has gaps), the horizon, and
    ``locate(*key_path)``, which words where a key path is for a message."""

    controls: list[tuple[int, Control]]
    disruptions: list[tuple[int, Disruption]]
    horizon_weeks: int
    locate: Callable[..., str]
    scenario: Scenario | None = None
    observations: list[tuple[int, Any]] = field(default_factory=list)

    @classmethod
    def of(cls, scenario: Scenario) -> _Rules:
        return cls(
            list(enumerate(scenario.controls)),
            list(enumerate(scenario.disruptions)),
            int(scenario.horizon_weeks),
            scenario.locate,
            scenario,
            list(enumerate(scenario.observed)),
        )


_NOT_ATTRIBUTES = ("id", "name", "tags")  # item columns that items patterns select on, not thresholds


def _check_where(
    rules: _Rules, i: int, control: Control, items: pd.DataFrame, problems: list[Problem]
) -> dict[str, Threshold]:
    """The ``where`` thresholds of control ``i`` that items can be tested on. A threshold on a
    column items lack, on ``id``, ``name`` or ``tags``, or a ``min``/``max`` on a text column
    is a problem naming its key path (it would otherwise match no item and cover nothing)."""
    if not control.where:
        return {}
    numeric = [
        c for c in items.columns if c not in (*_NOT_ATTRIBUTES, "tool") and pd.api.types.is_numeric_dtype(items[c])
    ]
    text = [c for c in items.columns if c not in (*_NOT_ATTRIBUTES, "tool") and c not in numeric]
    listed = f"numeric attributes: {', '.join(numeric) or '(none)'}" + (
        f"; text attributes, for 'in' only: {', '.join(text)}" if text else ""
    )
    usable: dict[str, Threshold] = {}
    for attr, threshold in control.where.items():
        where = rules.locate("controls", i, "where", attr)
        if attr in _NOT_ATTRIBUTES:
            problems.append(
                Problem(
                    where,
                    f"{quoted(attr)} is a text column of items, not an attribute to threshold; select items by id "
                    f"or tag with 'items' patterns ({listed})",
                )
            )
        elif attr not in items.columns:
            problems.append(
                Problem(where, f"items have no attribute {quoted(attr)}{_suggest(attr, numeric + text)} ({listed})")
            )
        elif attr in text and (threshold.min is not None or threshold.max is not None):
            bound = "min" if threshold.min is not None else "max"
            problems.append(
                Problem(
                    rules.locate("controls", i, "where", attr, bound),
                    f"{quoted(attr)} is a text column of items; min and max compare numbers, so no item would "
                    f"match: use 'in' with the values to select, or a numeric attribute ({listed})",
                )
            )
        else:
            usable[attr] = threshold
    return usable


def _item_matches(
    rules: _Rules,
    i: int,
    control: Control,
    items: pd.DataFrame,
    parsed: _ItemTags,
    suggest: Suggester,
    problems: list[Problem],
) -> np.ndarray:
    """Which items a control's ``items`` patterns and ``where`` thresholds select."""
    ids, vocabulary, pair_item, pair_tag = parsed.ids, parsed.vocabulary, parsed.pair_item, parsed.pair_tag
    if control.items is None:
        chosen = np.ones(len(ids), dtype=bool)
    else:
        chosen = np.zeros(len(ids), dtype=bool)
        for j, pattern in enumerate(control.items):
            match = re.compile(fnmatch.translate(pattern)).match
            tag_hit = np.fromiter((match(t) is not None for t in vocabulary), dtype=bool, count=len(vocabulary))
            hit = np.fromiter((match(k) is not None for k in ids), dtype=bool, count=len(ids))
            hit |= np.bincount(pair_item[tag_hit[pair_tag]], minlength=len(ids)) > 0
            if not hit.any():
                problems.append(
                    Problem(
                        rules.locate("controls", i, "items", j),
                        f"pattern {quoted(pattern)} matches no item id or tag{_suggest(pattern, suggest)}",
                    )
                )
            chosen |= hit
    for attr, threshold in _check_where(rules, i, control, items, problems).items():
        column = items[attr]
        numeric = pd.to_numeric(column, errors="coerce").to_numpy(dtype=float)
        ok = column.notna().to_numpy() & (column.astype(str) != "").to_numpy()
        if threshold.min is not None:
            ok &= ~np.isnan(numeric) & (numeric >= threshold.min)
        if threshold.max is not None:
            ok &= ~np.isnan(numeric) & (numeric <= threshold.max)
        if threshold.in_ is not None:
            allowed = {str(x) for x in threshold.in_} | {float(x) for x in threshold.in_ if isinstance(x, int | float)}
            ok &= np.array([(v in allowed) or (str(v) in allowed) for v in column.tolist()], dtype=bool)
        chosen &= ok
    return chosen


def compile_rules(network: Network, scenario: Scenario) -> CompiledScenario:
    """``compile_scenario`` without the argument checks, for callers inside the package that
    compile over a view of a network (any object with ``arrays``, ``items`` and ``name``)."""
    problems: list[Problem] = []
    compiled = _compile(network, _Rules.of(scenario), problems)
    if problems or compiled is None:
        src = scenario.source or f"scenario {quoted(scenario.name)}"
        raise InputError(f"{src}: ids unknown to network {quoted(network.name)}", problems)
    return compiled


def _compile(network: Network, rules: _Rules, problems: list[Problem]) -> CompiledScenario | None:
    """The arrays of ``compile_scenario``, appending a problem for every id the rules name
    that the network lacks (the arrays are meaningless when there are any). None when the
    rules come from a partly valid file (``rules.scenario`` None): only the problems count."""
    arr = network.arrays
    items = network.items
    facility_ids = set(arr.facility_ids)
    companies = set(arr.companies)
    parsed = _ItemTags.of(items)
    suggest_item = Suggester(set(parsed.ids) | set(parsed.vocabulary))
    suggest_buyer = Suggester(companies | facility_ids)
    suggest_facility = Suggester(facility_ids)
    suggest_company = Suggester(companies)

    coverage = np.zeros((len(rules.controls), arr.n_edges), dtype=bool)
    buyer_country = arr.country[arr.edge_dst]
    facility_names = np.asarray(arr.facility_ids, dtype=object)
    company_of = np.asarray(arr.companies, dtype=object)[arr.company]
    hq_country = network.facilities["hq_country"].to_numpy(dtype=object)
    for c, (i, control) in enumerate(rules.controls):
        item_ok = _item_matches(rules, i, control, items, parsed, suggest_item, problems)[arr.edge_item]
        for j, u in enumerate(control.end_users):
            if u not in facility_ids and u not in companies:
                problems.append(
                    Problem(
                        rules.locate("controls", i, "end_users", j),
                        f"{quoted(u)} is neither a company nor a facility id of network "
                        f"{quoted(network.name)}{_suggest(u, suggest_buyer) or _examples(companies)}",
                    )
                )
        listed = set(control.end_users)
        if control.reach.affiliates is not None:
            listed |= affiliates(network.ownership, listed & companies, control.reach.affiliates)
        targeted = np.isin(facility_names, list(listed)) | np.isin(company_of, list(listed))
        if control.headquarters:
            targeted |= np.isin(hq_country, control.headquarters)
        targeted_edge = targeted[arr.edge_dst]
        covered = np.zeros(arr.n_edges, dtype=bool)
        for issuer in control.issuer:
            code = arr.country_code(issuer)  # -1 when no facility is in that country
            if "*" in control.destinations:
                dest = buyer_country != code
            else:
                codes = [arr.country_code(c) for c in control.destinations]
                dest = np.isin(buyer_country, [c for c in codes if c >= 0])
            reach = arr.country == code
            if control.reach.de_minimis is not None:
                reach |= arr.origin_content_share(code) >= control.reach.de_minimis
            if control.reach.foreign_direct_product:
                reach |= arr.uses_tools_from(code)
            # condition 3 is only "the buyer is outside the issuer's country": a transfer inside
            # the buyer's country of an item within reach is covered (docs/model.md §3.1)
            covered |= item_ok & (dest | targeted_edge) & (buyer_country != code) & reach[arr.edge_src]
        coverage[c] = covered

    n = arr.n_facilities
    horizon = rules.horizon_weeks
    disruption_factor = np.ones((len(rules.disruptions), n))
    disruption_hit = np.zeros((len(rules.disruptions), n), dtype=bool)
    weekly_own = np.ones((len(rules.disruptions), horizon))
    kind_names = np.asarray(arr.kinds, dtype=object)[arr.kind]

    def select(shock: Any, *where: str | int) -> np.ndarray:
        """Facilities matching every selector of ``shock`` (a disruption or an observation's
        selection); an unknown facility or company is a problem at ``where`` + its key."""
        hit = np.ones(n, dtype=bool)
        if shock.facilities is not None:
            for j, f in enumerate(shock.facilities):
                if f not in facility_ids:
                    problems.append(
                        Problem(
                            rules.locate(*where, "facilities", j),
                            f"unknown facility {quoted(f)} in network {quoted(network.name)}"
                            f"{_suggest(f, suggest_facility)}",
                        )
                    )
            hit &= np.isin(np.asarray(arr.facility_ids, dtype=object), shock.facilities)
        if shock.companies is not None:
            for j, name in enumerate(shock.companies):
                if name not in companies:
                    problems.append(
                        Problem(
                            rules.locate(*where, "companies", j),
                            f"unknown company {quoted(name)} in network {quoted(network.name)}"
                            f"{_suggest(name, suggest_company)}",
                        )
                    )
            hit &= np.isin(np.asarray(arr.companies, dtype=object)[arr.company], shock.companies)
        if shock.countries is not None:
            hit &= np.isin(countries_of(arr), shock.countries)
        if shock.kinds is not None:
            hit &= np.isin(kind_names, shock.kinds)
        return hit

    for d, (i, shock) in enumerate(rules.disruptions):
        hit = select(shock, "disruptions", i)
        disruption_hit[d] = hit
        weekly_own[d] = disruption_weeks(shock, horizon)
        disruption_factor[d, hit] = weekly_own[d].mean()

    observed = np.zeros((len(rules.observations), n), dtype=bool)
    for o, (i, obs) in enumerate(rules.observations):
        observed[o] = select(obs.select, "observed", i, "select")
        if not observed[o].any():
            problems.append(
                Problem(
                    rules.locate("observed", i, "select"),
                    f"selects no facility of network {quoted(network.name)} (a facility must match every selector)",
                )
            )

    if rules.scenario is None:
        return None
    return CompiledScenario(
        horizon_weeks=horizon,
        control_names=tuple(c.name for _, c in rules.controls),
        coverage=coverage,
        approval=np.array([c.licence_approval for _, c in rules.controls], dtype=float),
        control_probability=np.array([c.probability for _, c in rules.controls], dtype=float),
        disruption_labels=tuple(d.label for _, d in rules.disruptions),
        disruption_factor=disruption_factor,
        disruption_probability=np.array([d.probability for _, d in rules.disruptions], dtype=float),
        stock_term=arr.stock_weeks / horizon,
        scenario=rules.scenario,
        network=network,
        control_start=np.array([min(c.start_week, horizon) for _, c in rules.controls], dtype=np.int64),
        control_end=np.array(
            [horizon if c.end_week is None else min(c.end_week, horizon) for _, c in rules.controls], dtype=np.int64
        ),
        control_delay=np.array([c.licence_delay_weeks for _, c in rules.controls], dtype=np.int64),
        control_weeks=np.array([control_weeks(c, horizon) for _, c in rules.controls], dtype=float).reshape(
            len(rules.controls), horizon
        ),
        disruption_hit=disruption_hit,
        disruption_weeks=weekly_own,
        observed_select=observed,
    )


def affiliates(ownership: pd.DataFrame, listed: set[str], threshold: float) -> set[str]:
    """Companies held, together, at a share ≥ ``threshold`` by the ``listed`` companies and
    the affiliates found so far (docs/model.md §3.1, BIS's Affiliates rule at 0.5), repeated
    until no company is added; the listed companies themselves are not included.

    >>> own = pd.DataFrame(
    ...     {"owner": ["A", "A", "B", "C"], "owned": ["B", "C", "C", "D"], "share": [0.6, 0.3, 0.3, 0.5]}
    ... )
    >>> sorted(affiliates(own, {"A"}, 0.5))
    ['B', 'C', 'D']
    """
    if ownership.empty or not listed:
        return set()
    owners = ownership["owner"].tolist()
    owned = ownership["owned"].tolist()
    shares = ownership["share"].tolist()
    holders = set(listed)
    found: set[str] = set()
    while True:
        held: dict[str, float] = {}
        for owner, company, share in zip(owners, owned, shares, strict=True):
            if owner in holders and company not in holders:
                held[company] = held.get(company, 0.0) + share
        new = {company for company, total in held.items() if total >= threshold - 1e-12}
        if not new:
            return found
        found |= new
        holders |= new


def countries_of(arr: Any) -> np.ndarray:
    """Each facility's ISO code, as an object array in the engine's facility order."""
    return np.asarray(arr.countries, dtype=object)[arr.country]
