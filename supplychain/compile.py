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

__all__ = ["CompiledScenario", "compile_rules", "countries_of"]


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

    - ``coverage[c, e]``: control c covers supply edge e;
    - ``approval[c]``: its licence_approval; ``control_probability[c]``: chance it is in force;
    - ``disruption_factor[d, v]``: facility v's own factor under disruption d alone
      (1 − (1 − capacity_factor)·min(1, weeks/H) where hit, else 1);
    - ``stock_term[r]``: stock_weeks / H per recipe row, the share of the horizon stock covers.
    """

    horizon_weeks: float
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

    def edge_factor(self, active: np.ndarray | None = None) -> np.ndarray:
        """Edge factors a_e (rule 2) for each row of ``active`` (S × C booleans: which
        controls are in force in each sample); all controls in force when omitted.
        Returns S × E (1 × E when ``active`` is omitted)."""
        n_controls, n_edges = self.coverage.shape
        if active is None:
            active = np.ones((1, n_controls), dtype=bool)
        active = np.atleast_2d(active)
        factor = np.ones((active.shape[0], n_edges))
        for c in range(n_controls):
            if self.approval[c] == 1.0 or not active[:, c].any():
                continue
            per_edge = np.where(self.coverage[c], self.approval[c], 1.0)
            factor[active[:, c]] *= per_edge
        return factor

    def own_factor(self, active: np.ndarray | None = None) -> np.ndarray:
        """Own factors o_v (rule 3) for each row of ``active`` (S × D booleans: which
        disruptions happen); all when omitted. Returns S × N (1 × N when omitted)."""
        n_disruptions, n_facilities = self.disruption_factor.shape
        if active is None:
            active = np.ones((1, n_disruptions), dtype=bool)
        active = np.atleast_2d(active)
        factor = np.ones((active.shape[0], n_facilities))
        for d in range(n_disruptions):
            if active[:, d].any():
                factor[active[:, d]] *= self.disruption_factor[d]
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
    horizon_weeks: float
    locate: Callable[..., str]
    scenario: Scenario | None = None

    @classmethod
    def of(cls, scenario: Scenario) -> _Rules:
        return cls(
            list(enumerate(scenario.controls)),
            list(enumerate(scenario.disruptions)),
            float(scenario.horizon_weeks),
            scenario.locate,
            scenario,
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
    supplier_country = arr.country[arr.edge_src]
    cross_border = buyer_country != supplier_country
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
        listed_fac = np.isin(np.asarray(arr.facility_ids, dtype=object), control.end_users)
        listed_fac |= np.isin(np.asarray(arr.companies, dtype=object)[arr.company], control.end_users)
        listed_edge = listed_fac[arr.edge_dst]
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
            covered |= item_ok & (dest | listed_edge) & (buyer_country != code) & cross_border & reach[arr.edge_src]
        coverage[c] = covered

    n = arr.n_facilities
    horizon = rules.horizon_weeks
    disruption_factor = np.ones((len(rules.disruptions), n))
    kind_names = np.asarray(arr.kinds, dtype=object)[arr.kind]
    for d, (i, shock) in enumerate(rules.disruptions):
        hit = np.ones(n, dtype=bool)
        if shock.facilities is not None:
            for j, f in enumerate(shock.facilities):
                if f not in facility_ids:
                    problems.append(
                        Problem(
                            rules.locate("disruptions", i, "facilities", j),
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
                            rules.locate("disruptions", i, "companies", j),
                            f"unknown company {quoted(name)} in network {quoted(network.name)}"
                            f"{_suggest(name, suggest_company)}",
                        )
                    )
            hit &= np.isin(np.asarray(arr.companies, dtype=object)[arr.company], shock.companies)
        if shock.countries is not None:
            hit &= np.isin(countries_of(arr), shock.countries)
        if shock.kinds is not None:
            hit &= np.isin(kind_names, shock.kinds)
        weeks = horizon if shock.weeks is None else shock.weeks
        factor = 1.0 - (1.0 - shock.capacity_factor) * min(1.0, weeks / horizon)
        disruption_factor[d, hit] = factor

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
    )


def countries_of(arr: Any) -> np.ndarray:
    """Each facility's ISO code, as an object array in the engine's facility order."""
    return np.asarray(arr.countries, dtype=object)[arr.country]
