"""Scenarios: the YAML format (SPEC section 2) as pydantic models, and their compilation.

A scenario says what happens to the network: export controls (who restricts which items to
whom, with what reach and licence policy) and physical disruptions. ``read_scenario`` parses
and validates a file, reporting every problem with its file, line and key path;
``compile_scenario`` turns the rules into arrays over the network's supply edges and
facilities (SPEC section 3, rules 1-3), which the engine in ``stress.py`` consumes.
"""

from __future__ import annotations

import difflib
import fnmatch
import hashlib
import json
import re
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
import pandas as pd
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from .errors import InputError, Problem
from .io import KeyPath, format_key_path, load_yaml, read_network
from .network import Network
from .schema import COUNTRY_CODES, KINDS, suggest_country

__all__ = [
    "CompiledScenario",
    "Consortium",
    "Control",
    "Disruption",
    "MonteCarlo",
    "Optimise",
    "Reach",
    "Scenario",
    "Threshold",
    "compile_scenario",
    "prepare",
    "read_scenario",
    "scenario_json_schema",
]

Probability = Annotated[float, Field(ge=0, le=1)]


def _as_list(value: Any) -> Any:
    """Let a single string stand for a one-element list (``issuer: USA``)."""
    return [value] if isinstance(value, str) else value


def _one_or_many(item_schema: dict[str, Any]) -> WithJsonSchema:
    return WithJsonSchema({"anyOf": [item_schema, {"type": "array", "items": item_schema}]})


Names = Annotated[list[str], BeforeValidator(_as_list), _one_or_many({"type": "string"})]
"""A list of names; a single string stands for a one-element list."""
Kinds = Annotated[
    list[Literal[KINDS]],  # type: ignore[valid-type]
    BeforeValidator(_as_list),
    _one_or_many({"enum": list(KINDS), "type": "string"}),
]


def _suggest(word: str, valid: typing.Iterable[str], n: int = 1) -> str:
    """``"; did you mean 'x'?"`` for the nearest valid word, or ``""``."""
    close = difflib.get_close_matches(str(word), sorted(set(valid)), n=n, cutoff=0.6)
    if not close:
        return ""
    return "; did you mean " + " or ".join(f"'{c}'" for c in close) + "?"


def _examples(names: typing.Iterable[str], n: int = 8) -> str:
    """``"; companies include: a, b, c, …"`` to show what is valid when nothing is near."""
    shown = sorted(names)[:n]
    return "; valid names include: " + ", ".join(shown) + (", …" if len(set(names)) > n else "")


def _check_countries(codes: list[str], allow_star: bool = False) -> list[str]:
    """Validate ISO 3166 alpha-3 codes, suggesting the nearest code for a typo."""
    for code in codes:
        if allow_star and code == "*":
            continue
        if code not in COUNTRY_CODES:
            near = suggest_country(code)
            hint = f"; did you mean '{near}'?" if near else ""
            raise ValueError(f"'{code}' is not an ISO 3166 alpha-3 country code{hint}")
    return codes


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, allow_inf_nan=False, strict=True)


class Threshold(_Model):
    """A threshold on one item attribute: ``min`` ≤ value ≤ ``max`` (both inclusive), and/or
    value in ``in``. An item without the attribute does not match."""

    min: float | None = None
    max: float | None = None
    in_: list[float | str] | None = Field(None, alias="in")

    @model_validator(mode="after")
    def _not_empty(self) -> Threshold:
        if self.min is None and self.max is None and self.in_ is None:
            raise ValueError("give at least one of min, max, in")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min {self.min} is above max {self.max}")
        return self


class Reach(_Model):
    """Extraterritorial reach of a control beyond goods made in the issuer's country.

    ``de_minimis``: a foreign supplier is within reach when its issuer-origin content share
    (value-weighted, SPEC section 3 rule 1) is at least this fraction (EAR §734.4: 0.25, or
    0.10 for some destinations). ``foreign_direct_product``: a foreign supplier is within reach
    when it uses a tool (equipment, EDA, IP) supplied from the issuer's country.
    """

    de_minimis: float | None = Field(None, ge=0, le=1)
    foreign_direct_product: bool = False


class Control(_Model):
    """An export control, sanction or embargo (SPEC section 3, rules 1-2).

    It covers a supply edge u -> v of item k when k matches ``items`` (glob patterns on ids
    and tags; omitted = every item) and every ``where`` threshold, v is in ``destinations``
    or is one of ``end_users`` (company names or facility ids), the flow crosses a border
    and leaves the issuer's country for another, and u is within the issuer's ``reach``.
    A covered edge keeps the fraction ``licence_approval`` of its flow (0 = denial).
    """

    name: str = Field(min_length=1)
    issuer: Names = Field(min_length=1)
    items: Names | None = None
    where: dict[str, Threshold] = Field(default_factory=dict)
    destinations: Names = Field(default_factory=list)
    end_users: Names = Field(default_factory=list)
    reach: Reach = Field(default_factory=Reach)
    licence_approval: Probability = 0.0
    probability: Probability = 1.0

    @field_validator("issuer")
    @classmethod
    def _issuer_codes(cls, v: list[str]) -> list[str]:
        return _check_countries(v)

    @field_validator("destinations")
    @classmethod
    def _destination_codes(cls, v: list[str]) -> list[str]:
        return _check_countries(v, allow_star=True)

    @model_validator(mode="after")
    def _has_target(self) -> Control:
        if not self.destinations and not self.end_users:
            raise ValueError(
                "give destinations (countries, or '*') or end_users (companies or facility ids): "
                "a control with neither covers nothing"
            )
        return self


class Disruption(_Model):
    """A physical shock (fire, quake, blockade) cutting facilities' capacity.

    The facilities hit are those matching every selector given (``countries: [TWN]`` with
    ``kinds: [foundry]`` hits Taiwan's foundries). Over ``weeks`` of the horizon H they run
    at ``capacity_factor``; their own factor is 1 − (1 − capacity_factor)·min(1, weeks/H).
    """

    name: str | None = None
    facilities: Names | None = None
    countries: Names | None = None
    kinds: Kinds | None = None
    companies: Names | None = None
    capacity_factor: Probability = 0.0
    weeks: float | None = Field(None, ge=0)
    probability: Probability = 1.0

    @field_validator("countries")
    @classmethod
    def _country_codes(cls, v: list[str] | None) -> list[str] | None:
        return None if v is None else _check_countries(v)

    @model_validator(mode="after")
    def _has_selector(self) -> Disruption:
        if not any((self.facilities, self.countries, self.kinds, self.companies)):
            raise ValueError("select what is hit: give facilities, countries, kinds and/or companies")
        return self

    @property
    def label(self) -> str:
        """A readable name: ``name`` if given, else the selectors."""
        if self.name:
            return self.name
        parts = [",".join(v) for v in (self.facilities, self.companies, self.countries, self.kinds) if v]
        return "/".join(parts)


class MonteCarlo(_Model):
    """Monte Carlo sampling: ``samples`` draws from ``seed`` (SPEC section 3); VaR and CVaR
    of lost capacity are reported at ``cvar_alpha``."""

    samples: int = Field(10_000, ge=1)
    seed: int = Field(0, ge=0)
    cvar_alpha: float = Field(0.95, gt=0, lt=1)


class Consortium(_Model):
    """Buyers certifying suppliers together; members are countries, companies or facility ids."""

    name: str = Field(min_length=1)
    members: list[str] = Field(min_length=1)


class Optimise(_Model):
    """The strategy optimiser's settings (SPEC section 5)."""

    consortium: Consortium | None = None
    budget: float | None = Field(None, ge=0)
    penalty: float | None = Field(None, ge=0)
    objective: Literal["expected", "cvar", "worst"] = "expected"
    cvar_alpha: float = Field(0.95, gt=0, lt=1)

    @model_validator(mode="after")
    def _budget_or_penalty(self) -> Optimise:
        if self.budget is None and self.penalty is None:
            raise ValueError(
                "give a budget (spend at most this much) or a penalty (cost per unit of final output value lost)"
            )
        return self


class Scenario(_Model):
    """A scenario file (SPEC section 2): controls and disruptions over a horizon.

    Build one with ``read_scenario(path)`` or ``Scenario.model_validate(dict)``.

    >>> s = Scenario.model_validate({"name": "demo", "controls": [
    ...     {"name": "nl-litho", "issuer": "NLD", "items": ["euv"], "destinations": ["CHN"]}]})
    >>> s
    <Scenario 'demo': 1 control, 0 disruptions over 52 weeks>
    """

    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$", max_length=120)
    description: str = ""
    network: str | None = None
    horizon_weeks: float = Field(52, gt=0)
    controls: list[Control] = Field(default_factory=list)
    disruptions: list[Disruption] = Field(default_factory=list)
    monte_carlo: MonteCarlo | None = None
    optimise: Optimise | None = None

    _source: Path | None = PrivateAttr(None)
    _lines: dict[KeyPath, int] = PrivateAttr(default_factory=dict)
    _sha256: str | None = PrivateAttr(None)

    @model_validator(mode="after")
    def _unique_control_names(self) -> Scenario:
        first: dict[str, int] = {}
        for i, control in enumerate(self.controls):
            if control.name in first:
                raise PydanticCustomError(
                    "duplicate_name",
                    "control name '{name}' repeats controls[{first}].name; control names must be unique (reports "
                    "name controls)",
                    {"name": control.name, "first": first[control.name], "at": ("controls", i, "name")},
                )
            first[control.name] = i
        return self

    def __repr__(self) -> str:
        c, d = len(self.controls), len(self.disruptions)
        return (
            f"<Scenario '{self.name}': {c} control{'s' * (c != 1)}, {d} disruption{'s' * (d != 1)} "
            f"over {self.horizon_weeks:g} weeks>"
        )

    __str__ = __repr__

    @property
    def source(self) -> Path | None:
        """The file this scenario was read from, if any."""
        return self._source

    @property
    def sha256(self) -> str:
        """SHA-256 of the scenario file's bytes, or of its canonical JSON when built in memory."""
        if self._sha256 is None:
            text = json.dumps(self.model_dump(mode="json", by_alias=True), sort_keys=True)
            return hashlib.sha256(text.encode()).hexdigest()
        return self._sha256

    def locate(self, *path: str | int) -> str:
        """Where a key path is, for error messages: ``"s.yaml line 9: controls[0].items"``."""
        key = format_key_path(path)
        src = str(self._source) if self._source else f"scenario '{self.name}'"
        line = _line_of(self._lines, path)
        return f"{src} line {line}: {key}" if line else f"{src}: {key}"

    def read_network(self) -> Network:
        """Read the network this scenario names (``network:``), relative to the scenario file."""
        if not self.network:
            raise InputError(
                f"{self.locate('network')}: the scenario names no network; add 'network: <bundled name or path>'"
            )
        base = self._source.parent if self._source else None
        return read_network(self.network, base=base)


def _line_of(lines: dict[KeyPath, int], path: tuple) -> int | None:
    """The line of the longest prefix of ``path`` that the YAML file has."""
    for n in range(len(path), -1, -1):
        if tuple(path[:n]) in lines:
            return lines[tuple(path[:n])]
    return None


def _model_at(loc: tuple) -> Any:
    """The type found at ``loc`` inside ``Scenario`` (for listing the keys valid there)."""
    current: Any = Scenario
    for part in loc:
        current = _unwrap(current)
        if isinstance(current, type) and issubclass(current, BaseModel) and isinstance(part, str):
            field = next((f for n, f in current.model_fields.items() if part in (n, f.alias)), None)
            if field is None:
                return None
            current = field.annotation
        elif typing.get_origin(current) is list and isinstance(part, int):
            current = typing.get_args(current)[0]
        elif typing.get_origin(current) is dict and isinstance(part, str):
            current = typing.get_args(current)[1]
        else:
            return None
    return _unwrap(current)


def _unwrap(tp: Any) -> Any:
    """``X | None`` -> ``X``."""
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return tp


def _keys_of(model: Any) -> list[str]:
    if isinstance(model, type) and issubclass(model, BaseModel):
        return [f.alias or n for n, f in model.model_fields.items()]
    return []


def _problems_from(exc: ValidationError, src: str, lines: dict[KeyPath, int]) -> list[Problem]:
    """Turn pydantic's errors into problems naming file, line and key path."""
    problems = []
    for err in exc.errors():
        loc = tuple(err.get("ctx", {}).get("at") or err["loc"])
        line = _line_of(lines, loc)
        where = f"{src} line {line}" if line else src
        key = format_key_path(loc) or "(top level)"
        if err["type"] == "extra_forbidden":
            valid = _keys_of(_model_at(loc[:-1]))
            msg = f"{key}: unknown key '{loc[-1]}'{_suggest(str(loc[-1]), valid)}"
            if valid:
                msg += f" (valid keys here: {', '.join(valid)})"
        elif err["type"] == "missing":
            msg = f"{key}: required key missing"
        else:
            text = err["msg"].removeprefix("Value error, ")
            given = err.get("input")
            shown = "" if isinstance(given, dict | list) or given is None else f" (got {given!r})"
            msg = f"{key}: {text}{shown}"
        problems.append(Problem(where, msg))
    return problems


def read_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario YAML file (SPEC section 2).

    Every problem is reported at once as an ``InputError`` naming the file, the line and
    the key path (``controls[2].where.tpp.min``), with the nearest valid key for a typo.
    Ids that need the network (facilities, end users, item patterns) are checked when the
    scenario is compiled against it (``stress`` or ``run_scenario.py --validate``).

    >>> import supplychain as sc, pathlib, tempfile
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "s.yaml"
    >>> _ = p.write_text("name: s\\nnetwork: tiny\\ncontrols:\\n  - {name: c, issuer: NLD, "
    ...                  "items: [euv], destinations: [CHN]}\\n")
    >>> sc.read_scenario(p)
    <Scenario 's': 1 control, 0 disruptions over 52 weeks>
    """
    path = Path(path)
    data, lines = load_yaml(path)
    if not isinstance(data, dict):
        holds = "nothing" if data is None else f"a {type(data).__name__}"
        raise InputError(
            f"{path}: a scenario is a YAML mapping with keys such as name, network, controls; this file holds {holds}"
        )
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        raise InputError(f"{path}: invalid scenario", _problems_from(exc, str(path), lines)) from None
    scenario._source = path
    scenario._lines = lines
    scenario._sha256 = hashlib.sha256(path.read_bytes()).hexdigest()
    return scenario


def scenario_json_schema() -> dict[str, Any]:
    """The JSON Schema of the scenario format, generated from the models."""
    schema = Scenario.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "supplychain scenario"
    return schema


# --------------------------------------------------------------------------------------------
# Compilation: rules -> arrays over the network's edges and facilities
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class CompiledScenario:
    """A scenario turned into arrays over one network (SPEC section 3, rules 1-3).

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


def _item_matches(
    scenario: Scenario, i: int, control: Control, items: pd.DataFrame, parsed: _ItemTags, problems: list[Problem]
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
                        scenario.locate("controls", i, "items", j),
                        f"pattern '{pattern}' matches no item id or tag{_suggest(pattern, set(ids) | set(vocabulary))}",
                    )
                )
            chosen |= hit
    attributes = [c for c in items.columns if c not in ("id", "name", "tags", "tool")]
    for attr, threshold in control.where.items():
        if attr not in items.columns or attr in ("id", "name", "tags"):
            problems.append(
                Problem(
                    scenario.locate("controls", i, "where", attr),
                    f"items have no attribute '{attr}'{_suggest(attr, attributes)} "
                    f"(attributes: {', '.join(attributes)})",
                )
            )
            continue
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


def compile_scenario(network: Network | None, scenario: Scenario | str | Path) -> CompiledScenario:
    """Turn a scenario's rules into per-edge and per-facility arrays (SPEC section 3).

    ``network`` None means the network the scenario names; ``scenario`` may be a path. Checks
    every id against the network first (facilities, companies and end users, item patterns and
    ``where`` attributes), reporting all unknown ones at once with the scenario file, line and
    key path and the nearest valid id.
    """
    network = check_network(network, "compile_scenario", optional=True)
    scenario = check_scenario(scenario, "compile_scenario")
    if network is None:
        network = scenario.read_network()
    return compile_rules(network, scenario)


def compile_rules(network: Network, scenario: Scenario) -> CompiledScenario:
    """``compile_scenario`` without the argument checks, for callers inside the package that
    compile over a view of a network (any object with ``arrays``, ``items`` and ``name``)."""
    arr = network.arrays
    items = network.items
    problems: list[Problem] = []
    facility_ids = set(arr.facility_ids)
    companies = set(arr.companies)

    coverage = np.zeros((len(scenario.controls), arr.n_edges), dtype=bool)
    buyer_country = arr.country[arr.edge_dst]
    supplier_country = arr.country[arr.edge_src]
    cross_border = buyer_country != supplier_country
    parsed = _ItemTags.of(items)
    for i, control in enumerate(scenario.controls):
        item_ok = _item_matches(scenario, i, control, items, parsed, problems)[arr.edge_item]
        unknown = [u for u in control.end_users if u not in facility_ids and u not in companies]
        for u in unknown:
            j = control.end_users.index(u)
            problems.append(
                Problem(
                    scenario.locate("controls", i, "end_users", j),
                    f"'{u}' is neither a company nor a facility id of network "
                    f"'{network.name}'{_suggest(u, companies | facility_ids) or _examples(companies)}",
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
        coverage[i] = covered

    n = arr.n_facilities
    horizon = float(scenario.horizon_weeks)
    disruption_factor = np.ones((len(scenario.disruptions), n))
    kind_names = np.asarray(arr.kinds, dtype=object)[arr.kind]
    for d, shock in enumerate(scenario.disruptions):
        hit = np.ones(n, dtype=bool)
        if shock.facilities is not None:
            for j, f in enumerate(shock.facilities):
                if f not in facility_ids:
                    problems.append(
                        Problem(
                            scenario.locate("disruptions", d, "facilities", j),
                            f"unknown facility '{f}' in network '{network.name}'{_suggest(f, facility_ids)}",
                        )
                    )
            hit &= np.isin(np.asarray(arr.facility_ids, dtype=object), shock.facilities)
        if shock.companies is not None:
            for j, c in enumerate(shock.companies):
                if c not in companies:
                    problems.append(
                        Problem(
                            scenario.locate("disruptions", d, "companies", j),
                            f"unknown company '{c}' in network '{network.name}'{_suggest(c, companies)}",
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

    if problems:
        src = scenario.source or f"scenario '{scenario.name}'"
        raise InputError(f"{src}: ids unknown to network '{network.name}'", problems)
    return CompiledScenario(
        horizon_weeks=horizon,
        control_names=tuple(c.name for c in scenario.controls),
        coverage=coverage,
        approval=np.array([c.licence_approval for c in scenario.controls], dtype=float),
        control_probability=np.array([c.probability for c in scenario.controls], dtype=float),
        disruption_labels=tuple(d.label for d in scenario.disruptions),
        disruption_factor=disruption_factor,
        disruption_probability=np.array([d.probability for d in scenario.disruptions], dtype=float),
        stock_term=arr.stock_weeks / horizon,
        scenario=scenario,
        network=network,
    )


# --------------------------------------------------------------------------------------------
# The public functions' arguments: (network, scenario, *, ...) everywhere
# --------------------------------------------------------------------------------------------


def _described(value: object) -> str:
    """A short description of what a caller passed, for error messages."""
    if isinstance(value, str | Path):
        text = str(value)
        return f"the {'path' if isinstance(value, Path) else 'string'} {text[:60]!r}{'…' if len(text) > 60 else ''}"
    name = type(value).__name__
    return f"{'an' if name[0].lower() in 'aeiou' else 'a'} {name}"


@typing.overload
def check_network(network: object, caller: str, *, optional: Literal[False] = ...) -> Network: ...
@typing.overload
def check_network(network: object, caller: str, *, optional: bool) -> Network | None: ...
def check_network(network: object, caller: str, *, optional: bool = False) -> Network | None:
    """``network`` as a ``Network`` (or None when ``optional``), else an ``InputError`` saying
    what ``caller``'s first argument must be: a swapped call, a path or a name where the
    network belongs are told how to call it instead."""
    if isinstance(network, Network) or (optional and network is None):
        return network
    order = f"{caller}(network, scenario, ...)"
    if isinstance(network, Scenario | CompiledScenario):
        hint = f"the arguments look swapped: call {order}"
    elif isinstance(network, str | Path):
        hint = f"read it first with sc.read_network({str(network)[:60]!r})" + (
            ", or pass None to use the network the scenario names" if optional else ""
        )
    elif network is None:
        hint = "pass a network (sc.read_network(name_or_path))"
    else:
        hint = "pass a network read with sc.read_network(name_or_path)"
    return _bad_argument(caller, "network", "a Network" + (" or None" if optional else ""), network, hint)


def check_scenario(scenario: object, caller: str) -> Scenario:
    """``scenario`` as a ``Scenario``: a path (``str`` or ``Path``) is read with
    ``read_scenario``; anything else is an ``InputError`` naming the argument."""
    if isinstance(scenario, Scenario):
        return scenario
    if isinstance(scenario, CompiledScenario):
        return scenario.scenario
    if isinstance(scenario, str | Path):
        return read_scenario(scenario)
    if isinstance(scenario, Network):
        hint = f"the arguments look swapped: call {caller}(network, scenario, ...)"
    elif isinstance(scenario, dict):
        hint = "build one with sc.Scenario.model_validate(the_dict)"
    else:
        hint = "pass sc.read_scenario(path), a path, or sc.Scenario.model_validate(dict)"
    return _bad_argument(caller, "scenario", "a Scenario or the path of a scenario file", scenario, hint)


def _bad_argument(caller: str, name: str, expected: str, value: object, hint: str) -> typing.NoReturn:
    raise InputError(f"{caller}: argument '{name}' must be {expected}, not {_described(value)}; {hint}")


def prepare(network: object, scenario: object, caller: str) -> CompiledScenario:
    """The compiled form of ``scenario`` on ``network``, checking both arguments.

    ``network`` None means the network the scenario names; ``scenario`` may be a ``Scenario``,
    a path, or a ``CompiledScenario`` (then reused as it is, without compiling again, when
    ``network`` is None or the network it was compiled for). Every public function taking
    ``(network, scenario)`` starts here, so all of them accept and refuse the same things.
    """
    net = check_network(network, caller, optional=True)
    if isinstance(scenario, CompiledScenario) and (net is None or net is scenario.network):
        return scenario
    scen = check_scenario(scenario, caller)
    if net is None:
        net = scen.read_network()
    return compile_rules(net, scen)


def countries_of(arr: Any) -> np.ndarray:
    """Each facility's ISO code, as an object array in the engine's facility order."""
    return np.asarray(arr.countries, dtype=object)[arr.country]
