"""Scenarios: the YAML format (docs/model.md §2) as pydantic models, and their compilation.

A scenario says what happens to the network: export controls (who restricts which items to
whom, with what reach and licence policy) and physical disruptions. ``read_scenario`` parses
and validates a file, reporting every problem with its file, line and key path;
``compile_scenario`` turns the rules into arrays over the network's supply edges and
facilities (docs/model.md §3.1), which the engine in ``stress.py`` consumes;
``validate_scenario`` checks everything a run checks (the file, and every id it names against
the network, the optimiser's consortium members too) and reports it all in one error.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import types
import typing
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal, Self

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    TypeAdapter,
    ValidationError,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from .compile import CompiledScenario, _compile, _examples, _Rules, _suggest, compile_rules
from .errors import InputError, Problem, quoted, shortened
from .io import KeyPath, format_key_path, load_yaml, read_network
from .network import Network, Suggester
from .schema import COUNTRY_CODES, KINDS, suggest_country

__all__ = [
    "CompiledScenario",
    "Consortium",
    "Control",
    "Disruption",
    "MonteCarlo",
    "Observation",
    "Optimise",
    "Reach",
    "Scenario",
    "Selection",
    "Threshold",
    "bundled_scenarios",
    "compile_scenario",
    "prepare",
    "read_scenario",
    "scenario_json_schema",
    "validate_scenario",
]

PENALTY_MAX = 1e12
"""The largest ``optimise.penalty`` accepted (cost per unit of final-output value lost)."""
BUDGET_MAX = 1e15
"""The largest ``optimise.budget`` accepted (currency units)."""

Probability = Annotated[float, Field(ge=0, le=1)]

HORIZON_MAX = 520
"""The longest horizon accepted, in weeks (ten years)."""


def _whole_weeks(value: Any) -> Any:
    """A week count must be a whole number: ``2`` or ``2.0``, not ``2.5`` or ``"2"``."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("must be a whole number of weeks")
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError("must be a finite whole number of weeks")
        if value != int(value):
            raise ValueError("must be a whole number of weeks (weeks are counted 0, 1, 2, …; no fractions)")
        return int(value)
    return value


Week = Annotated[int, BeforeValidator(_whole_weeks), Field(ge=0), WithJsonSchema({"type": "integer", "minimum": 0})]
"""A whole number of weeks ≥ 0 (a week index t = 0 … H − 1, or a duration)."""


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


def _check_countries(codes: list[str], allow_star: bool = False) -> list[str]:
    """Validate ISO 3166 alpha-3 codes, suggesting the nearest code for a typo."""
    for code in codes:
        if allow_star and code == "*":
            continue
        if code not in COUNTRY_CODES:
            near = suggest_country(code)
            hint = f"; did you mean '{near}'?" if near else ""
            raise ValueError(f"{quoted(code)} is not an ISO 3166 alpha-3 country code{hint}")
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
    (value-weighted, docs/model.md §3.1) is at least this fraction (EAR §734.4: 0.25, or
    0.10 for some destinations). ``foreign_direct_product``: a foreign supplier is within reach
    when it uses a tool (equipment, EDA, IP) supplied from the issuer's country. Both reach
    transfers inside the buyer's country too. ``affiliates``: the control's ``end_users``
    extend to companies held at or above this share (0 < x ≤ 1) by listed parties and the
    affiliates already found, through the network's ``ownership`` table.
    """

    de_minimis: float | None = Field(None, ge=0, le=1)
    foreign_direct_product: bool = False
    affiliates: float | None = Field(
        None,
        gt=0,
        le=1,
        description="Extend end_users to their affiliates: companies held, together, at least this share by "
        "listed end users and affiliates already found (the network's ownership table; BIS's 2025 "
        "Affiliates rule: 0.5).",
    )


class Control(_Model):
    """An export control, sanction or embargo (docs/model.md §3.1).

    It covers a supply edge u -> v of item k when k matches ``items`` (glob patterns on ids
    and tags; omitted = every item) and every ``where`` threshold, v is targeted (its
    country is in ``destinations``, its company's headquarters in ``headquarters``, or it is
    one of ``end_users``, company names or facility ids, or their affiliates under
    ``reach.affiliates``), v is outside the issuer's country, and u is within the issuer's
    ``reach`` (inside v's country too: an in-country transfer of an item within reach).

    In force in weeks ``start_week`` ≤ t < ``end_week`` (None: to the end of the horizon).
    A covered edge carries nothing for the first ``licence_delay_weeks`` weeks in force, then
    the fraction ``licence_approval`` of its flow (0 = denial).
    """

    name: str = Field(min_length=1)
    issuer: Names = Field(min_length=1)
    items: Names | None = None
    where: dict[str, Threshold] = Field(default_factory=dict)
    destinations: Names = Field(default_factory=list)
    headquarters: Names = Field(default_factory=list)
    end_users: Names = Field(default_factory=list)
    reach: Reach = Field(default_factory=Reach)
    licence_approval: Probability = 0.0
    licence_delay_weeks: Week = 0
    start_week: Week = 0
    end_week: Week | None = None
    probability: Probability = 1.0

    @field_validator("issuer")
    @classmethod
    def _issuer_codes(cls, v: list[str]) -> list[str]:
        return _check_countries(v)

    @field_validator("destinations")
    @classmethod
    def _destination_codes(cls, v: list[str]) -> list[str]:
        return _check_countries(v, allow_star=True)

    @field_validator("headquarters")
    @classmethod
    def _headquarters_codes(cls, v: list[str]) -> list[str]:
        return _check_countries(v)

    @model_validator(mode="after")
    def _has_target(self) -> Control:
        if not self.destinations and not self.end_users and not self.headquarters:
            raise ValueError(
                "give destinations (countries, or '*'), headquarters (countries) or end_users (companies or "
                "facility ids): a control with none covers nothing"
            )
        if self.end_week is not None and self.end_week <= self.start_week:
            raise PydanticCustomError(
                "end_before_start",
                "end_week {end} is not after start_week {start}: the control would never be in force (give "
                "end_week > start_week, or leave it out to keep the control to the end of the horizon)",
                {"end": self.end_week, "start": self.start_week, "at": ("end_week",)},
            )
        return self

    def in_force(self, weeks: int) -> list[bool]:
        """Per week t < ``weeks``: whether the control is in force."""
        end = weeks if self.end_week is None else min(self.end_week, weeks)
        return [self.start_week <= t < end for t in range(weeks)]


class _Selectors(_Model):
    """Facilities chosen by ``facilities``, ``countries``, ``kinds`` and ``companies``: those
    matching every selector given (at least one). Shared by disruptions and observations."""

    facilities: Names | None = None
    countries: Names | None = None
    kinds: Kinds | None = None
    companies: Names | None = None

    _missing: ClassVar[str] = "give facilities, countries, kinds and/or companies"

    @field_validator("countries")
    @classmethod
    def _country_codes(cls, v: list[str] | None) -> list[str] | None:
        return None if v is None else _check_countries(v)

    @model_validator(mode="after")
    def _has_selector(self) -> Self:
        if not any((self.facilities, self.countries, self.kinds, self.companies)):
            raise ValueError(self._missing)
        return self


class Disruption(_Selectors):
    """A physical shock (fire, quake, blockade) cutting facilities' capacity.

    The facilities hit are those matching every selector given (``countries: [TWN]`` with
    ``kinds: [foundry]`` hits Taiwan's foundries). From ``start_week`` for ``weeks`` weeks
    (None: to the end of the horizon) they run at ``capacity_factor``; then their capacity
    returns linearly over ``ramp_weeks``: in the j-th week after the end (j = 1 … ramp_weeks)
    the factor is capacity_factor + (1 − capacity_factor)·j/(ramp_weeks + 1) (docs/model.md §3.1).
    """

    name: str | None = None
    capacity_factor: Probability = 0.0
    start_week: Week = 0
    weeks: Week | None = None
    ramp_weeks: Week = 0
    probability: Probability = 1.0

    _missing: ClassVar[str] = "select what is hit: give facilities, countries, kinds and/or companies"

    @property
    def label(self) -> str:
        """A readable name: ``name`` if given, else the selectors."""
        if self.name:
            return self.name
        parts = [",".join(v) for v in (self.facilities, self.companies, self.countries, self.kinds) if v]
        return "/".join(parts)


TIMELINE_METRICS = ("lost_share_timeline", "worst_week_lost_share", "recovery_week")
"""Backtest metrics computed from the week-by-week timeline (docs/model.md §8)."""
ADAPTIVE_METRICS = ("lost_share_adaptive",)
"""Backtest metrics computed from the adaptive stress: flows re-routed over qualified suppliers."""
METRICS = ("lost_share", *TIMELINE_METRICS, *ADAPTIVE_METRICS)


class Selection(_Selectors):
    """An observation's facilities, selected as disruptions select them: those matching every
    selector given."""

    _missing: ClassVar[str] = "select facilities: give facilities, countries, kinds and/or companies"


class Observation(_Model):
    """What was measured after a real event, to hold the model against (docs/model.md §8).

    Over the ``select``-ed facilities (weights value · capacity), ``metric`` is ``lost_share``
    (static), ``lost_share_timeline`` (the weekly availability averaged over ``weeks``, the
    window [from, to)), ``worst_week_lost_share`` (the largest weekly lost share in the window),
    ``recovery_week`` (the first week from which the weekly lost share stays ≤ 0.05 to the
    end of the horizon; H when it never does) or ``lost_share_adaptive`` (the adaptive stress:
    buyers re-route to their other qualified suppliers within capacity, over the horizon).
    ``range`` [low, high] is what was observed, with its uncertainty, from ``source``; never
    from the model.
    """

    name: str = Field(min_length=1)
    select: Selection
    metric: Literal[METRICS]  # type: ignore[valid-type]
    weeks: Annotated[list[Week], Field(min_length=2, max_length=2)] | None = None
    range: Annotated[list[float], Field(min_length=2, max_length=2)]
    source: str = Field(min_length=1)

    @model_validator(mode="after")
    def _ordered(self) -> Observation:
        low, high = self.range
        if low > high:
            raise PydanticCustomError(
                "range_order", "range low {low} is above high {high}", {"low": low, "high": high, "at": ("range",)}
            )
        if self.weeks is not None and self.metric in ("lost_share", *ADAPTIVE_METRICS):
            raise PydanticCustomError(
                "window_unused",
                "metric {metric} is over the whole horizon and takes no weeks; give a timeline metric "
                "(lost_share_timeline, worst_week_lost_share, recovery_week) for a window, or set "
                "horizon_weeks to the period",
                {"metric": self.metric, "at": ("weeks",)},
            )
        if self.weeks is not None and self.weeks[0] >= self.weeks[1]:
            raise PydanticCustomError(
                "window_order",
                "weeks [{a}, {b}] is an empty window: give [from, to) with from < to",
                {"a": self.weeks[0], "b": self.weeks[1], "at": ("weeks",)},
            )
        if not self.source.strip():
            raise PydanticCustomError("no_source", "give the observation's source", {"at": ("source",)})
        return self

    def window(self, horizon: int) -> tuple[int, int]:
        """The weeks [from, to) a timeline metric looks at (default: the whole horizon)."""
        return (0, horizon) if self.weeks is None else (self.weeks[0], min(self.weeks[1], horizon))


class MonteCarlo(_Model):
    """Monte Carlo sampling: ``samples`` draws from ``seed`` (docs/model.md §3); VaR and CVaR
    of lost capacity are reported at ``cvar_alpha``."""

    samples: int = Field(10_000, ge=1)
    seed: int = Field(0, ge=0)
    cvar_alpha: float = Field(0.95, gt=0, lt=1)


class Consortium(_Model):
    """Buyers certifying suppliers together; members are countries, companies or facility ids."""

    name: str = Field(min_length=1)
    members: list[str] = Field(min_length=1)


class Optimise(_Model):
    """The strategy optimiser's settings (docs/model.md §5)."""

    consortium: Consortium | None = None
    budget: float | None = Field(
        None,
        ge=0,
        json_schema_extra={"maximum": BUDGET_MAX},
        description="Spend at most this much on the strategy (currency units), at most 1e15: ten times world "
        "GDP, far above any plan the network's costs can add up to, and small enough that the MILP's budget row "
        "keeps its coefficients within the solver's numerical range.",
    )
    penalty: float | None = Field(
        None,
        ge=0,
        json_schema_extra={"maximum": PENALTY_MAX},
        description="Cost per unit of final-output value lost per week, weighed against spending, at most 1e12. "
        "Above that the penalty swamps every cost in the objective by more than double precision (and the "
        "solver's tolerances of about 1e-7) can resolve, so the MILP cannot be solved reliably; any value high "
        "enough to mean 'avoid every loss' is far below it.",
    )
    objective: Literal["expected", "cvar", "worst"] = "expected"
    cvar_alpha: float = Field(0.95, gt=0, lt=1)
    budgets: list[Annotated[float, Field(ge=0, le=BUDGET_MAX, allow_inf_nan=False)]] | None = Field(
        None,
        min_length=1,
        description="The budgets of the frontier's sweep (currency units, each 0 to 1e15; frontier.csv has one "
        "row per distinct budget, in increasing order). Default: 0, the cumulative sorted action costs, the "
        "budget and the total cost of every action. The command line's --budgets overrides it.",
    )
    expansions: bool = Field(
        False,
        description="Let the optimiser build capacity: one yes/no action per row of the network's expansions "
        "table (added capacity at an existing facility, in use after its lead time, for a one-off cost). Default "
        "false: the plan draws only on qualification, certification and stock, as before the table existed.",
    )

    @field_validator("budget")
    @classmethod
    def _budget_in_range(cls, v: float | None) -> float | None:
        if v is not None and v > BUDGET_MAX:
            raise ValueError(
                f"budget must be at most {BUDGET_MAX:.0e} (currency units); larger values make the optimiser's MILP "
                "numerically unsolvable"
            )
        return v

    @field_validator("penalty")
    @classmethod
    def _penalty_in_range(cls, v: float | None) -> float | None:
        if v is not None and v > PENALTY_MAX:
            raise ValueError(
                f"penalty must be at most {PENALTY_MAX:.0e} (cost per unit of final-output value lost); larger "
                "values make the optimiser's MILP numerically unsolvable"
            )
        return v

    @model_validator(mode="after")
    def _budget_or_penalty(self) -> Optimise:
        if self.budget is None and self.penalty is None:
            raise ValueError(
                "give a budget (spend at most this much) or a penalty (cost per unit of final output value lost)"
            )
        return self


class Scenario(_Model):
    """A scenario file (docs/model.md §2): controls and disruptions over a horizon.

    Build one with ``read_scenario(path)`` or ``Scenario.model_validate(dict)``; either raises
    ``InputError`` listing every problem (from a dict, each located by its key path).

    >>> s = Scenario.model_validate({"name": "demo", "controls": [
    ...     {"name": "nl-litho", "issuer": "NLD", "items": ["euv"], "destinations": ["CHN"]}]})
    >>> s
    <Scenario 'demo': 1 control, 0 disruptions over 52 weeks>
    """

    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$", max_length=120)
    extends: str | None = Field(
        None,
        description="a scenario this one builds on: a bundled scenario's name or a path relative to this file; "
        "its controls, disruptions, observations and settings are inherited, entries of the same name merged "
        "key by key (this file's keys win), settings written here replace the parent's",
    )
    remove: list[str] = Field(
        default_factory=list,
        description="names of the parent's controls, disruptions or observations to leave out (with extends)",
    )
    description: str = ""
    network: str | None = None
    horizon_weeks: Annotated[
        int,
        BeforeValidator(_whole_weeks),
        Field(ge=1, le=HORIZON_MAX),
        WithJsonSchema({"type": "integer", "minimum": 1, "maximum": HORIZON_MAX}),
    ] = 52
    timeline: bool = False
    controls: list[Control] = Field(default_factory=list)
    disruptions: list[Disruption] = Field(default_factory=list)
    monte_carlo: MonteCarlo | None = None
    optimise: Optimise | None = None
    observed: list[Observation] = Field(default_factory=list)

    _source: Path | None = PrivateAttr(None)
    _lines: dict[KeyPath, Where] = PrivateAttr(default_factory=dict)
    _files: list[Path] = PrivateAttr(default_factory=list)
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

    @model_validator(mode="after")
    def _unique_disruption_names(self) -> Scenario:
        taken = {c.name: f"controls[{i}].name" for i, c in enumerate(self.controls)}
        for i, name in enumerate(self.disruption_names):
            given = self.disruptions[i].name is not None
            if name in taken:
                raise PydanticCustomError(
                    "duplicate_name",
                    "disruption name '{name}' repeats {where}; rule names must be unique across controls and "
                    "disruptions (the attribution and disruptions.csv name each rule)"
                    + ("" if given else "; give this disruption a name"),
                    {
                        "name": name,
                        "where": taken[name],
                        "at": ("disruptions", i, "name") if given else ("disruptions", i),
                    },
                )
            taken[name] = f"disruptions[{i}].name" if given else f"the default name of disruptions[{i}]"
        return self

    @property
    def disruption_names(self) -> tuple[str, ...]:
        """Each disruption's name in reports (docs/model.md §3.4): its ``name``, or
        ``disruption-<i>`` for the i-th disruption of the list (1-based) when it has none."""
        return tuple(d.name if d.name else f"disruption-{i}" for i, d in enumerate(self.disruptions, start=1))

    @model_validator(mode="after")
    def _observations(self) -> Scenario:
        first: dict[str, int] = {}
        for i, obs in enumerate(self.observed):
            if obs.name in first:
                raise PydanticCustomError(
                    "duplicate_name",
                    "observation name '{name}' repeats observed[{first}].name; observation names must be unique",
                    {"name": obs.name, "first": first[obs.name], "at": ("observed", i, "name")},
                )
            first[obs.name] = i
            if obs.weeks is not None and obs.weeks[1] > self.horizon_weeks:
                raise PydanticCustomError(
                    "window_past_horizon",
                    "weeks [{a}, {b}] ends past the horizon of {h} weeks (the window is [from, to) within 0 … {h})",
                    {"a": obs.weeks[0], "b": obs.weeks[1], "h": self.horizon_weeks, "at": ("observed", i, "weeks")},
                )
        return self

    @property
    def observations_need_timeline(self) -> bool:
        """Whether an observation's metric is computed from the timeline."""
        return any(o.metric in TIMELINE_METRICS for o in self.observed)

    @property
    def observations_need_adaptive(self) -> bool:
        """Whether an observation's metric is computed from the adaptive stress."""
        return any(o.metric in ADAPTIVE_METRICS for o in self.observed)

    @property
    def needs_timeline(self) -> bool:
        """Whether a run steps week by week: ``timeline: true`` or an observation of a timeline metric."""
        return self.timeline or self.observations_need_timeline

    @model_validator(mode="after")
    def _starts_within_horizon(self) -> Scenario:
        late = [("controls", i, c.start_week) for i, c in enumerate(self.controls)]
        late += [("disruptions", i, d.start_week) for i, d in enumerate(self.disruptions)]
        for section, i, start in late:
            if start >= self.horizon_weeks:
                raise PydanticCustomError(
                    "start_past_horizon",
                    "start_week {start} is past the horizon (weeks 0 … {last}); give a start_week below "
                    "horizon_weeks {horizon}, or a longer horizon",
                    {
                        "start": start,
                        "last": self.horizon_weeks - 1,
                        "horizon": self.horizon_weeks,
                        "at": (section, i, "start_week"),
                    },
                )
        return self

    @classmethod
    def model_validate(cls, obj: Any, **options: Any) -> Scenario:
        """Validate a mapping as a scenario (pydantic's ``model_validate``), raising
        ``InputError`` with every problem, each named by its key path and worded as for a
        file (``controls[0].destinatons: unknown key 'destinatons'; did you mean
        'destinations'?``), instead of pydantic's ``ValidationError``."""
        files: list[Path] = []
        if isinstance(obj, dict) and any(
            isinstance(e, dict) and "from" in e for sec in BORROWED for e in (obj.get(sec) or []) if isinstance(e, dict)
        ):
            name = obj.get("name")
            label = f"scenario {quoted(name)}" if isinstance(name, str) else "scenario"
            problems: list[Problem] = []
            obj, _, files = _borrow(obj, {}, Path.cwd(), label, problems, ())
            if problems:
                raise InputError(f"{label}: invalid scenario", problems)
        if isinstance(obj, dict) and obj.get("extends") is not None:
            obj, parents = _extended(obj)
            files = [*parents, *files]
        try:
            scenario = cls._validated(obj, **options)
            scenario._files = files
            return scenario
        except ValidationError as exc:
            name = obj.get("name") if isinstance(obj, dict) else None
            label = f"scenario {quoted(name)}" if isinstance(name, str) else "scenario"
            raise InputError(f"{label}: invalid scenario", _problems_from(exc, None, {}, obj)) from None

    @classmethod
    def _validated(cls, obj: Any, **options: Any) -> Scenario:
        """pydantic's own validation, raising its ``ValidationError`` (for callers that locate
        the errors in a file)."""
        return super().model_validate(obj, **options)

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
        src = str(self._source) if self._source else f"scenario {quoted(self.name)}"
        return _locate(src, self._lines, path)

    def read_network(self) -> Network:
        """Read the network this scenario names (``network:``), relative to the scenario file."""
        if not self.network:
            raise InputError(
                f"{self.locate('network')}: the scenario names no network; add 'network: <bundled name or path>'"
            )
        base = self._source.parent if self._source else None
        return read_network(self.network, base=base)


def _locate(src: str, lines: dict[KeyPath, Where], path: tuple) -> str:
    """``"s.yaml line 9: controls[0].items"``: the source, the line of the key path if known, the key path.
    A key inherited through ``extends`` is named in its own file: ``"base.yaml line 4: ..."``."""
    key = format_key_path(path)
    where = _where(src, _line_of(lines, path))
    return f"{where}: {key}"


def _where(src: str, line: Where | None) -> str:
    """``"s.yaml line 9"``: the file and line of a place (another file's for an inherited key)."""
    if isinstance(line, tuple):
        return f"{line[0]} line {line[1]}"
    return f"{src} line {line}" if line else src


def _line_of(lines: dict[KeyPath, Where], path: tuple) -> Where | None:
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


def _late_starts(data: Any) -> list[tuple[tuple[str | int, ...], str]]:
    """``start_week`` values at or past the horizon in a raw scenario mapping, as (key path,
    message), for a file whose other problems keep the scenario's own check from running (so
    that one pass reports them too). Values that are not whole numbers are left to pydantic."""
    if not isinstance(data, dict):
        return []
    horizon = data.get("horizon_weeks", 52)
    if isinstance(horizon, bool) or not isinstance(horizon, int | float) or not math.isfinite(horizon):
        return []
    if horizon != int(horizon):
        return []
    found: list[tuple[tuple[str | int, ...], str]] = []
    for section in ("controls", "disruptions"):
        entries = data.get(section)
        for i, entry in enumerate(entries if isinstance(entries, list) else []):
            start = entry.get("start_week") if isinstance(entry, dict) else None
            if not isinstance(start, int | float) or isinstance(start, bool) or not math.isfinite(start):
                continue
            if start == int(start) >= horizon:
                found.append(
                    (
                        (section, i, "start_week"),
                        f"start_week {int(start)} is past the horizon (weeks 0 … {int(horizon) - 1}); give a "
                        f"start_week below horizon_weeks {int(horizon)}, or a longer horizon",
                    )
                )
    return found


def _problems_from(
    exc: ValidationError, src: str | None, lines: dict[KeyPath, Where], data: Any = None
) -> list[Problem]:
    """Turn pydantic's errors into problems naming file, line and key path: ``where`` is the
    file and line, the message starts with the key path. Without a file (``src`` None: a
    scenario validated from a dict) ``where`` is the key path and the message the rest.
    ``data``, the raw mapping, adds the start weeks past the horizon that the scenario's own
    check did not get to report (it runs only on an otherwise valid file, and stops at the
    first)."""
    errors: list[Any] = list(exc.errors())
    reported = {tuple(e["loc"]) + tuple(e.get("ctx", {}).get("at") or ()) for e in errors}
    errors += [
        {"type": "start_past_horizon", "loc": loc, "msg": msg, "input": None}
        for loc, msg in _late_starts(data)
        if loc not in reported
    ]
    problems = []
    for err in errors:
        loc = tuple(err["loc"]) + tuple(err.get("ctx", {}).get("at") or ())
        key = format_key_path(loc) or "(top level)"
        if err["type"] == "extra_forbidden":
            valid = _keys_of(_model_at(loc[:-1]))
            msg = f"unknown key {quoted(loc[-1])}{_suggest(str(loc[-1]), valid)}"
            if valid:
                msg += f" (valid keys here: {', '.join(valid)})"
        elif err["type"] == "missing":
            msg = "required key missing"
        else:
            text = shortened(err["msg"].removeprefix("Value error, "), 500)
            given = err.get("input")
            if isinstance(given, dict | list) or given is None:
                shown = ""
            else:
                shown = f" (got {quoted(given) if isinstance(given, str) else shortened(repr(given))})"
            msg = f"{text}{shown}"
        if src is None:
            problems.append(Problem(key, msg))
        else:
            problems.append(Problem(_where(src, _line_of(lines, loc)), f"{key}: {msg}"))
    return problems


def read_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario: a YAML file, or a bundled scenario by name (docs/model.md §2).

    A bare name (no path separator, no suffix) that is not an existing path is a scenario
    shipped with the package (``supplychain/scenarios/<name>.yaml``; ``bundled_scenarios()``
    lists them). A scenario with ``extends:`` is merged onto the one it names first (see
    ``SECTIONS``), recursively.

    Every problem is reported at once as an ``InputError`` naming the file, the line and
    the key path (``controls[2].where.tpp.min``), with the nearest valid key for a typo; a
    key inherited through ``extends`` is named in the file that wrote it.
    When the file has problems, the ids its valid parts name (facilities, companies, end
    users, item patterns, ``where`` attributes, consortium members) are checked against the
    network it names too, so that the error lists them with the rest. A file without
    problems is not checked against its network here: ``validate_scenario`` does that (and
    every run, when the scenario is compiled).

    >>> import supplychain as sc, pathlib, tempfile
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "s.yaml"
    >>> _ = p.write_text("name: s\\nnetwork: tiny\\ncontrols:\\n  - {name: c, issuer: NLD, "
    ...                  "items: [euv], destinations: [CHN]}\\n")
    >>> sc.read_scenario(p)
    <Scenario 's': 1 control, 0 disruptions over 52 weeks>
    >>> sc.read_scenario("tiny-export-controls")
    <Scenario 'tiny-export-controls': 2 controls, 1 disruption over 52 weeks>
    """
    return _read_scenario(resolve_scenario_path(path), None)


SCENARIO_DIR = Path(__file__).resolve().parent / "scenarios"
"""The scenarios shipped with the package (the repository's ``scenarios/`` links here)."""

SECTIONS = ("controls", "disruptions", "observed")
"""The lists ``extends`` merges by name: a child's entry whose ``name`` is a parent entry's is
merged onto it key by key (a key the child writes replaces the parent's whole value); other
entries are appended after the parent's; ``remove`` drops the parent's entries by name."""


def bundled_scenarios() -> list[str]:
    """Names of the scenarios shipped with the package (``read_scenario(name)`` reads them)."""
    if not SCENARIO_DIR.is_dir():
        return []
    return sorted(p.stem for p in SCENARIO_DIR.glob("*.yaml"))


def resolve_scenario_path(name_or_path: str | Path, base: Path | None = None) -> Path:
    """The file a scenario reference names: an existing path (relative to ``base`` when given),
    else a bundled scenario's name; an unknown bare name is an ``InputError`` with the nearest
    bundled name."""
    text = str(name_or_path)
    path = Path(text).expanduser()
    if base is not None and not path.is_absolute():
        path = base / path
    if path.exists():
        return path
    bare = "/" not in text and "\\" not in text and not Path(text).suffix and text not in ("", ".", "..")
    if not bare:
        return path  # reading it says "no such file"
    names = bundled_scenarios()
    if text in names:
        return SCENARIO_DIR / f"{text}.yaml"
    raise InputError(
        f"unknown scenario {quoted(text)}",
        [
            Problem(
                f"scenario {quoted(text)}",
                f"no such file or bundled scenario{_suggest(text, names)}; bundled scenarios: "
                f"{', '.join(names) or '(none)'}; or give the path of a scenario .yaml file",
            )
        ],
    )


Where = int | tuple[str, int]
"""A key path's place: its line in the scenario's own file, or (file, line) for a key that came
from another file of an ``extends`` chain."""


def _load_chain(
    path: Path, problems: list[Problem], seen: tuple[Path, ...] = ()
) -> tuple[Any, dict[KeyPath, Where], list[Path]]:
    """A scenario file's mapping with its ``extends`` chain merged in (parents first), the
    place of every key path, and the files of the chain (the root first). A problem with the
    chain itself (an unknown parent, a cycle, an unknown name under ``remove``) is appended to
    ``problems``; a parent's own problems raise, naming the parent's file."""
    data, raw_lines = load_yaml(path, problems=problems)
    lines: dict[KeyPath, Where] = dict(raw_lines)
    borrowed: list[Path] = []
    if isinstance(data, dict):
        mine: list[Problem] = []
        data, lines, borrowed = _borrow(data, lines, path.parent, str(path), mine, (*seen, path.resolve()))
        if mine:  # an entry that cannot be borrowed would only add noise to validation
            raise InputError(f"{path}: invalid scenario", [*problems, *mine])
    places: dict[KeyPath, Where] = dict(lines)
    if isinstance(data, dict) and "remove" in data and "extends" not in data:
        problems.append(
            Problem(
                f"{path} line {lines.get(('remove',), 1)}",
                "remove: leaves out entries of the scenario named by extends, and this file extends none; "
                "add 'extends: <bundled name or path>' or delete remove",
            )
        )
        data = {k: v for k, v in data.items() if k != "remove"}
    if not isinstance(data, dict) or "extends" not in data:
        return data, places, [path, *borrowed]
    ref = data.get("extends")
    here = f"{path} line {lines.get(('extends',), 1)}"
    if not isinstance(ref, str) or not ref.strip():
        problems.append(Problem(here, "extends: give the name of a bundled scenario or the path of a scenario file"))
        return data, places, [path]
    try:
        target = resolve_scenario_path(ref, base=path.parent)
    except InputError as exc:
        problems.append(Problem(here, f"extends: {'; '.join(p.message for p in exc.problems) or exc.summary}"))
        return data, places, [path]
    chain = (*seen, path.resolve())
    if target.resolve() in chain:
        cycle = " -> ".join(str(p) for p in (*chain, target.resolve()))
        problems.append(Problem(here, f"extends: a scenario cannot extend itself, directly or not ({cycle})"))
        return data, places, [path]
    if not target.is_file():
        problems.append(Problem(here, f"extends: no such scenario file {quoted(str(target))}"))
        return data, places, [path]
    parent_problems: list[Problem] = []
    parent, parent_places, files = _load_chain(target, parent_problems, chain)
    if parent_problems:
        raise InputError(f"{target}: invalid scenario (extended by {path})", parent_problems)
    if not isinstance(parent, dict):
        problems.append(Problem(here, f"extends: {target} is not a scenario mapping"))
        return data, places, [path]
    merged, merged_places = _merge(parent, parent_places, target, data, lines, path, problems)
    return merged, merged_places, [*files, path, *borrowed]


BORROWED = ("controls", "disruptions")
"""The lists whose entries may say ``from: SCENARIO``: the entry of the same name in that
scenario (a bundled name or a path relative to the file), with the keys written here replacing
its own. So a control is written once, in the scenario that documents it, and reused."""


def _borrow(
    data: dict[str, Any],
    lines: dict[KeyPath, Where],
    base: Path,
    label: str,
    problems: list[Problem],
    seen: tuple[Path, ...],
) -> tuple[dict[str, Any], dict[KeyPath, Where], list[Path]]:
    """``data`` with every entry that says ``from: SCENARIO`` replaced by that scenario's entry
    of the same name (its whole ``extends`` chain read), the keys the entry writes winning;
    places of borrowed keys become (that file, line). Returns the files read for them too."""
    out = dict(data)
    places = dict(lines)
    files: list[Path] = []
    for section in BORROWED:
        entries = data.get(section)
        if not isinstance(entries, list) or not any(isinstance(e, dict) and "from" in e for e in entries):
            continue
        new = list(entries)
        for i, entry in enumerate(entries):
            if not isinstance(entry, dict) or "from" not in entry:
                continue
            here = f"{label} line {_line(lines, (section, i, 'from'), (section, i))}"
            ref, name = entry.get("from"), entry.get("name")
            kind = section.removesuffix("s")
            if not isinstance(ref, str) or not ref.strip():
                problems.append(Problem(here, f"{section}[{i}].from: give the name of a bundled scenario or a path"))
                continue
            if not isinstance(name, str):
                problems.append(Problem(here, f"{section}[{i}].from: needs the name of the {kind} to take"))
                continue
            try:
                target = resolve_scenario_path(ref, base=base)
            except InputError as exc:
                problems.append(Problem(here, f"{section}[{i}].from: {'; '.join(p.message for p in exc.problems)}"))
                continue
            if target.resolve() in seen:
                problems.append(Problem(here, f"{section}[{i}].from: {target.name} is this file or extends it"))
                continue
            if not target.is_file():
                problems.append(Problem(here, f"{section}[{i}].from: no such scenario file {quoted(str(target))}"))
                continue
            source_problems: list[Problem] = []
            source, source_places, source_files = _load_chain(target, source_problems, seen)
            if source_problems:
                raise InputError(f"{target}: invalid scenario (borrowed from by {label})", source_problems)
            theirs = source.get(section) if isinstance(source, dict) else None
            names = [e.get("name") for e in theirs or [] if isinstance(e, dict)]
            if name not in names:
                problems.append(
                    Problem(
                        here,
                        f"{section}[{i}].from: {target.stem} has no {kind} named {quoted(name)}"
                        f"{_suggest(name, [str(n) for n in names])}; its {section}: "
                        f"{', '.join(map(str, names)) or '(none)'}",
                    )
                )
                continue
            j = names.index(name)
            assert theirs is not None
            new[i] = {**theirs[j], **{k: v for k, v in entry.items() if k != "from"}}
            for kp in [kp for kp in places if kp[:2] == (section, i) and len(kp) > 2 and kp[2] == "from"]:
                del places[kp]
            for kp, where in source_places.items():
                if kp[:2] == (section, j) and len(kp) > 2 and kp[2] not in entry:
                    places[(section, i, *kp[2:])] = where if isinstance(where, tuple) else (str(target), where)
            files += [f for f in source_files if f not in files]
        out[section] = new
    return out, places, files


def _line(lines: dict[KeyPath, Where], *keys: KeyPath) -> int | str:
    for key in keys:
        if key in lines:
            where = lines[key]
            return where if isinstance(where, int) else where[1]
    return 1


def _merge(
    parent: dict[str, Any],
    parent_places: dict[KeyPath, Where],
    parent_path: Path,
    child: dict[str, Any],
    child_lines: dict[KeyPath, Where],
    child_path: Path,
    problems: list[Problem],
) -> tuple[dict[str, Any], dict[KeyPath, Where]]:
    """``child`` written over ``parent`` by the rules of ``SECTIONS``; top-level settings the
    child writes replace the parent's. Places of parent keys become (parent file, line)."""

    def away(where: Where) -> Where:
        return where if isinstance(where, tuple) else (str(parent_path), where)

    out: dict[str, Any] = {}
    places: dict[KeyPath, Where] = {}
    inherited = {k: v for k, v in parent.items() if k not in ("extends", "remove", "name")}
    network = inherited.get("network")
    if isinstance(network, str) and ("/" in network or "\\" in network or Path(network).suffix):
        inherited["network"] = str((parent_path.parent / network).resolve())  # relative to the parent's file
    for key, value in inherited.items():
        if key in child and key not in SECTIONS:
            continue
        out[key] = value
        for kp, where in parent_places.items():
            if kp[:1] == (key,):
                places[kp] = away(where)
    for key, value in child.items():
        if key in SECTIONS or key in ("extends", "remove"):
            continue
        out[key] = value
        for kp, line in child_lines.items():
            if kp[:1] == (key,):
                places[kp] = line
    removed = child.get("remove") or []
    if not isinstance(removed, list):
        removed = []  # validation of the merged mapping reports it
    known: set[str] = set()
    for section in SECTIONS:
        base = parent.get(section) or []
        mine = child.get(section) or []
        if not isinstance(base, list) or not isinstance(mine, list):
            if section in child:
                out[section] = child[section]
            continue
        entries: list[tuple[Any, dict[KeyPath, Where]]] = []
        by_name: dict[str, int] = {}
        for i, entry in enumerate(base):
            sub = {kp[2:]: away(w) for kp, w in parent_places.items() if kp[:2] == (section, i)}
            entries.append((entry, sub))
            if isinstance(entry, dict) and isinstance(entry.get("name"), str):
                by_name[entry["name"]] = len(entries) - 1
                known.add(entry["name"])
        for i, entry in enumerate(mine):
            sub_child: dict[KeyPath, Where] = {kp[2:]: w for kp, w in child_lines.items() if kp[:2] == (section, i)}
            name = entry.get("name") if isinstance(entry, dict) else None
            if isinstance(name, str) and name in by_name:
                at = by_name[name]
                old, old_sub = entries[at]
                merged_entry = {**old, **entry}
                sub = {kp: w for kp, w in old_sub.items() if not (kp and kp[0] in entry)}
                sub.update({kp: w for kp, w in sub_child.items() if kp})
                sub[()] = sub_child.get((), old_sub.get((), 1))
                entries[at] = (merged_entry, sub)
            else:
                entries.append((entry, sub_child))
        kept = [(e, sub) for e, sub in entries if not (isinstance(e, dict) and e.get("name") in removed)]
        if section in parent or section in child:
            out[section] = [e for e, _ in kept]
            if (section,) in child_lines:
                places[(section,)] = child_lines[(section,)]
            elif (section,) in parent_places:
                places[(section,)] = away(parent_places[(section,)])
            for j, (_, sub) in enumerate(kept):
                for kp, w in sub.items():
                    places[(section, j, *kp)] = w
    for j, name in enumerate(removed):
        if isinstance(name, str) and name not in known:
            where = child_lines.get(("remove", j), child_lines.get(("remove",), 1))
            problems.append(
                Problem(
                    f"{child_path} line {where}",
                    f"remove[{j}]: {quoted(name)} names no control, disruption or observation of "
                    f"{parent_path.name}{_suggest(name, sorted(known))}",
                )
            )
    return out, places


def _extended(obj: dict[str, Any]) -> tuple[dict[str, Any], list[Path]]:
    """A scenario mapping built in memory with ``extends`` merged onto its parent (a bundled
    name, or a path relative to the working folder), and the parent's chain of files."""
    ref = obj.get("extends")
    name = obj.get("name")
    label = f"scenario {quoted(name)}" if isinstance(name, str) else "scenario"
    if not isinstance(ref, str) or not ref.strip():
        raise InputError(f"{label}: extends: give the name of a bundled scenario or the path of a scenario file")
    target = resolve_scenario_path(ref, base=Path.cwd())
    problems: list[Problem] = []
    parent, places, files = _load_chain(target, problems)
    if problems:
        raise InputError(f"{target}: invalid scenario (extended by {label})", problems)
    if not isinstance(parent, dict):
        raise InputError(f"{label}: extends: {target} is not a scenario mapping")
    merged, _ = _merge(parent, places, target, obj, {}, Path(label), problems)
    if problems:
        raise InputError(f"{label}: invalid scenario", problems)
    return merged, files


def _read_scenario(path: Path, network: Any) -> Scenario:
    """``read_scenario``, checking an invalid file's valid parts against ``network`` (None:
    the network the file names)."""
    problems: list[Problem] = []
    data, lines, files = _load_chain(path, problems)
    if not isinstance(data, dict):
        holds = "nothing" if data is None else f"a {type(data).__name__}"
        raise InputError(
            f"{path}: a scenario is a YAML mapping with keys such as name, network, controls; this file holds {holds}"
        )
    scenario: Scenario | None = None
    try:
        scenario = Scenario._validated(data)
    except ValidationError as exc:
        problems += _problems_from(exc, str(path), lines, data)
    if problems:
        problems += _problems_of_parts(data, path, lines, network)
        raise InputError(f"{path}: invalid scenario", _in_line_order(problems, path))
    assert scenario is not None
    scenario._source = path
    scenario._lines = lines
    scenario._files = files
    scenario._sha256 = hashlib.sha256(b"".join(f.read_bytes() for f in files)).hexdigest()
    return scenario


_ID_FIELDS: dict[type[BaseModel], tuple[str, ...]] = {
    Control: ("items", "where", "end_users"),
    Disruption: ("facilities", "companies"),
}
# (observations' selections are checked against the network with a valid file, in compilation)
"""The fields of a control or disruption that name ids of the network."""


def _salvaged(model: type[Control] | type[Disruption], raw: Any) -> Control | Disruption | None:
    """An invalid control or disruption reduced to its id fields that are valid by themselves
    (the rest left at neutral defaults: no issuer, no destination), so that the ids it names
    can still be checked; None when none is valid."""
    if not isinstance(raw, dict):
        return None
    kept: dict[str, Any] = {}
    for name in _ID_FIELDS[model]:
        if name in raw:
            with contextlib.suppress(ValidationError):
                kept[name] = TypeAdapter(model.model_fields[name].annotation).validate_python(raw[name])  # type: ignore[arg-type]
    if not kept:
        return None
    if model is Control:
        return Control.model_construct(name="", issuer=[], destinations=[], **kept)
    return Disruption.model_construct(**kept)


def _in_line_order(problems: list[Problem], path: Path) -> list[Problem]:
    """Problems located in ``path`` sorted by line (stable), then the others (about the network)."""
    prefix = f"{path} line "

    def line(problem: Problem) -> float:
        if problem.where.startswith(prefix):
            digits = problem.where[len(prefix) :].split(":", 1)[0]
            if digits.isdigit():
                return int(digits)
        return math.inf

    return sorted(problems, key=line)


def _problems_of_parts(data: dict[str, Any], path: Path, lines: dict[KeyPath, Where], network: Any) -> list[Problem]:
    """The network problems of the parts of an invalid scenario file that are valid by
    themselves: each control and disruption, and the optimiser's consortium, checked against
    ``network``, or when it is None the network the file names (if it names one that can be
    read)."""
    from .io import read_network

    def valid(model: type[BaseModel], raw: Any) -> Any:
        try:
            return model.model_validate(raw)
        except ValidationError:
            return None

    def section(key: str, model: type[Control] | type[Disruption]) -> list[tuple[int, Any]]:
        raw = data.get(key)
        if not isinstance(raw, list):
            return []
        parsed = [(i, valid(model, r) or _salvaged(model, r)) for i, r in enumerate(raw)]
        return [(i, m) for i, m in parsed if m is not None]

    controls, disruptions = section("controls", Control), section("disruptions", Disruption)
    raw_optimise = data.get("optimise")
    consortium = None
    if isinstance(raw_optimise, dict):
        settings = valid(Optimise, raw_optimise)
        consortium = settings.consortium if settings is not None else valid(Consortium, raw_optimise.get("consortium"))
    name = data.get("network")
    if not (controls or disruptions or consortium) or (network is None and (not isinstance(name, str) or not name)):
        return []

    def locate(*key: str | int) -> str:
        return _locate(str(path), lines, key)

    if network is None:
        try:
            network = read_network(str(name), base=path.parent)
        except InputError as exc:
            return [Problem(locate("network"), exc.summary), *exc.problems]
    problems: list[Problem] = []
    _compile(network, _Rules(controls, disruptions, 52, locate), problems)
    problems += member_problems(network, consortium, locate)
    return problems


def scenario_json_schema() -> dict[str, Any]:
    """The JSON Schema of the scenario format, generated from the models."""
    schema = Scenario.model_json_schema(by_alias=True)
    # An entry of a file that extends another may name a parent entry and change only some of
    # its keys, so there only `name` is required; elsewhere every required key is.
    defs = schema.get("$defs", {})
    full: dict[str, Any] = {}
    partial: dict[str, Any] = {}
    for section, model in (("controls", "Control"), ("disruptions", "Disruption"), ("observed", "Observation")):
        required = defs.get(model, {}).pop("required", None)
        if section in BORROWED and model in defs:
            defs[model]["properties"]["from"] = {
                "type": "string",
                "title": "From",
                "description": f"take the {model.lower()} of this name from that scenario (a bundled name or a path "
                "relative to this file); the keys written here replace its own",
            }
        if required:
            whole: dict[str, Any] = {"required": required}
            if section in BORROWED:  # an entry that borrows needs only its name
                whole = {"if": {"required": ["from"]}, "then": {"required": ["name"]}, "else": whole}
            full[section] = {"items": whole}
            partial[section] = {"items": {"required": ["name"]}}
    if full:
        schema["if"] = {"required": ["extends"]}
        schema["then"] = {"properties": partial}
        schema["else"] = {"properties": full}
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "supplychain scenario"
    return schema


def compile_scenario(network: Network | None, scenario: Scenario | str | Path) -> CompiledScenario:
    """Turn a scenario's rules into per-edge and per-facility arrays (docs/model.md §3).

    ``network`` None means the network the scenario names; ``scenario`` may be a path. Checks
    every id against the network first (facilities, companies and end users, item patterns and
    ``where`` attributes), reporting all unknown ones at once with the scenario file, line and
    key path and the nearest valid id. The optimiser's consortium members are not compiled, so
    not checked here: ``validate_scenario`` checks them with the rest.
    """
    network = check_network(network, "compile_scenario", optional=True)
    scenario = check_scenario(scenario, "compile_scenario")
    if network is None:
        network = scenario.read_network()
    return compile_rules(network, scenario)


def validate_scenario(network: Network | None, scenario: Scenario | str | Path) -> CompiledScenario:
    """Check everything a run of ``scenario`` on ``network`` checks, and report it in one error.

    ``scenario`` is a ``Scenario`` or the path of its file (read with ``read_scenario``, whose
    error already lists the network problems of an invalid file's valid parts); ``network``
    is a ``Network``, or None for the network the scenario names. Checked: the file itself,
    every id its controls and disruptions name (``compile_scenario``'s checks), and the
    optimiser's consortium members, each a country code, a company or a facility id of the
    network. Returns the compiled scenario; raises ``InputError`` listing every problem.

    >>> import supplychain as sc
    >>> s = sc.Scenario.model_validate({"name": "demo", "network": "tiny",
    ...     "optimise": {"budget": 5, "consortium": {"name": "c", "members": ["IND", "tsmcc"]}}})
    >>> validate_scenario(None, s)
    Traceback (most recent call last):
    ...
    supplychain.errors.InputError: scenario 'demo': not valid for network 'tiny' (1 problem):
      - scenario 'demo': optimise.consortium.members[1]: 'tsmcc' is neither a country code, a company nor a facility id of network 'tiny'; did you mean 'tsmc'?
    """  # noqa: E501
    net = check_network(network, "validate_scenario", optional=True)
    if isinstance(scenario, str | Path):
        scenario = _read_scenario(Path(scenario), net)
    scenario = check_scenario(scenario, "validate_scenario")
    if net is None:
        net = scenario.read_network()
    problems: list[Problem] = []
    compiled = _compile(net, _Rules.of(scenario), problems)
    consortium = scenario.optimise.consortium if scenario.optimise is not None else None
    problems += member_problems(net, consortium, scenario.locate)
    if problems or compiled is None:
        src = scenario.source or f"scenario {quoted(scenario.name)}"
        raise InputError(f"{src}: not valid for network {quoted(net.name)}", problems)
    return compiled


def member_problems(network: Network, consortium: Consortium | None, locate: Callable[..., str]) -> list[Problem]:
    """A problem for each consortium member that is neither an ISO 3166 alpha-3 code nor a
    company or facility id of the network (the optimiser's rule, docs/model.md §5)."""
    if consortium is None:
        return []
    fac = network.facilities
    names = set(fac["country"]) | set(fac["company"]) | set(fac["id"])
    suggest = Suggester(names)
    problems = []
    for i, member in enumerate(consortium.members):
        if member in names or member in COUNTRY_CODES:
            continue
        code = suggest_country(member) if len(member) <= 4 else None
        guess = code or suggest(member)
        hint = f"; did you mean {quoted(guess)}?" if guess else _examples(names)
        problems.append(
            Problem(
                locate("optimise", "consortium", "members", i),
                f"{quoted(member)} is neither a country code, a company nor a facility id of network "
                f"{quoted(network.name)}{hint}",
            )
        )
    return problems


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
