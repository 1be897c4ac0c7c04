"""The network: its tables, their validation, and views derived from them (docs/model.md §1).

A :class:`Network` holds one pandas DataFrame per table of ``schema.TABLES`` (``items``,
``facilities``, ``recipes``, ``supplies``, ``candidates``, ``certifications``, ``expansions``, ``ownership``,
``sources``). The tables are
the truth: they are normalised (types, defaults, ids stripped) and validated once, when the
network is built, and every problem found is reported at once in one ``InputError`` naming the
table, the row (and its line in the source file when known), the column and what would be
valid. The ``networkx`` graph and the numeric arrays the engines use are derived on request.

Validation is vectorised (whole columns at a time), so a network of 10 000 facilities and
100 000 supply relations validates in a fraction of a second; Python loops run only over the
problems found, to word them.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from functools import cached_property
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from .arrays import NetworkArrays, build_arrays
from .errors import InputError, Problem, quoted, shortened
from .schema import COUNTRY_CODES, KINDS, OPTIONAL_TABLES, SOURCE_KINDS, TABLES, TOOL_KINDS, Column, suggest_country

__all__ = ["CAPACITY_TOLERANCE", "SHARE_TOLERANCE", "Network", "Suggester", "TableLike", "did_you_mean"]

TableLike = pd.DataFrame | Sequence[Mapping[str, Any]] | None
"""What a table may be given as: a DataFrame, a list of row mappings, or None (empty)."""

SHARE_TOLERANCE = 1e-6
"""How far the shares of one recipe row's suppliers may sum from 1."""

CAPACITY_TOLERANCE = 1e-9
"""Relative slack allowed when a supplier's normal demand is compared with its capacity."""

SUGGEST_LIMIT = 50
"""Distinct bad values per check that get a did-you-mean (each costs a difflib search)."""
SUGGEST_MAX_LENGTH = 200
"""Values longer than this get no did-you-mean: no name is a typo that long, and difflib's cost
grows with the product of the lengths compared."""
SUGGEST_CANDIDATES = 200
"""Names a did-you-mean compares a value with (with difflib), at most: of more valid names,
those sharing the most pairs of adjacent letters with the value."""
_ROWS_LISTED = 5  # rows named in a message about a group of rows
_TRUE = frozenset({"true", "yes", "1", "1.0"})
_FALSE = frozenset({"false", "no", "0", "0.0"})


# --------------------------------------------------------------------------------------------
# small helpers: suggestions, wording of locations and valid values
# --------------------------------------------------------------------------------------------


def did_you_mean(value: str, choices: Iterable[str]) -> str | None:
    """The valid name closest to a misspelt ``value`` (case-insensitive first), or None.

    For many lookups against the same names, a :class:`Suggester` keeps its indexes and answers.
    """
    return Suggester(choices, limit=None)(value)


class Suggester:
    """Did-you-mean lookups against one set of valid names, cached per value.

    ``difflib`` compares a value with each name in time proportional to the product of their
    lengths, so the work per lookup is bounded: a value longer than ``SUGGEST_MAX_LENGTH``
    characters gets no suggestion, and with more than ``SUGGEST_CANDIDATES`` names only the
    ``SUGGEST_CANDIDATES`` sharing the most pairs of adjacent letters with the value (found
    with an index built once) are compared. After ``limit`` distinct values (``None``: no
    limit) the rest get no suggestion.
    """

    def __init__(self, choices: Iterable[str], limit: int | None = SUGGEST_LIMIT) -> None:
        self._given = choices if isinstance(choices, Collection) else list(choices)
        self.limit = limit
        self.cache: dict[str, str | None] = {}
        self._index: tuple[dict[str, np.ndarray], np.ndarray] | None = None

    @cached_property
    def choices(self) -> list[str]:
        """The valid names, sorted (built on the first lookup: most checks find nothing wrong)."""
        return sorted({str(c) for c in self._given})

    @cached_property
    def _lowered(self) -> dict[str, str]:
        lowered: dict[str, str] = {}
        for c in reversed(self.choices):  # the first name in sorted order wins a case clash
            lowered[c.lower()] = c
        return lowered

    def __call__(self, value: str) -> str | None:
        value = str(value)
        if value not in self.cache:
            if self.limit is not None and len(self.cache) >= self.limit:
                return None
            self.cache[value] = self._lookup(value)
        return self.cache[value]

    @staticmethod
    def _pairs(text: str) -> set[str]:
        text = text.lower()
        return {text[i : i + 2] for i in range(len(text) - 1)} or {text}

    def _candidates(self, value: str) -> list[str]:
        """The names worth comparing with ``value``: all of them when there are few, else the
        ``SUGGEST_CANDIDATES`` with the highest Dice overlap of letter pairs."""
        if len(self.choices) <= SUGGEST_CANDIDATES:
            return self.choices
        if self._index is None:
            postings: dict[str, list[int]] = {}
            sizes = np.empty(len(self.choices))
            for n, name in enumerate(self.choices):
                pairs = self._pairs(name)
                sizes[n] = len(pairs)
                for pair in pairs:
                    postings.setdefault(pair, []).append(n)
            self._index = ({k: np.asarray(v, dtype=np.int64) for k, v in postings.items()}, sizes)
        postings_of, sizes = self._index
        pairs = self._pairs(value)
        shared = np.zeros(len(self.choices))
        for pair in pairs:
            hits = postings_of.get(pair)
            if hits is not None:
                shared[hits] += 1
        dice = 2 * shared / (sizes + len(pairs))
        best = np.argpartition(-dice, SUGGEST_CANDIDATES - 1)[:SUGGEST_CANDIDATES]
        return [self.choices[n] for n in sorted(best.tolist())]

    def _lookup(self, value: str) -> str | None:
        lower = value.lower()
        if lower in self._lowered:
            return self._lowered[lower]
        if len(value) > SUGGEST_MAX_LENGTH or not self.choices:
            return None
        candidates = self._candidates(value)
        close = difflib.get_close_matches(value, candidates, n=1, cutoff=0.6)
        if close:
            return close[0]
        lowered = {c.lower(): c for c in candidates}
        if lower == value and all(k == v for k, v in lowered.items()):
            return None  # the case-insensitive pass would compare the same strings again
        close = difflib.get_close_matches(lower, sorted(lowered), n=1, cutoff=0.6)
        return lowered[close[0]] if close else None


class _Locator:
    """Words locations: ``"<source>: supplies row 3 (line 41), column share"``."""

    def __init__(self, source: str, row_lines: Mapping[str, Sequence[int]] | None) -> None:
        self.source = source
        self.row_lines = row_lines or {}

    def line(self, table: str, pos: int) -> int | None:
        lines = self.row_lines.get(table)
        if lines is not None and 0 <= pos < len(lines) and lines[pos]:
            return int(lines[pos])
        return None

    def row(self, table: str, pos: int) -> str:
        """``"supplies row 3 (line 41)"`` for the 0-based position ``pos``."""
        line = self.line(table, pos)
        return f"{table} row {pos + 1}" + (f" (line {line})" if line else "")

    def cell(self, table: str, pos: int, column: str | None = None) -> str:
        return f"{self.source}: {self.row(table, pos)}" + (f", column {column}" if column else "")

    def table(self, table: str, column: str | None = None) -> str:
        return f"{self.source}: {table}" + (f", column {column}" if column else "")

    def rows(self, table: str, positions: Sequence[int]) -> str:
        """``"rows 1 (line 27), 2 (line 28)"``, at most ``_ROWS_LISTED`` of them."""
        parts = [self.row(table, p).removeprefix(f"{table} row ") for p in positions[:_ROWS_LISTED]]
        more = f" and {len(positions) - _ROWS_LISTED} more" if len(positions) > _ROWS_LISTED else ""
        return f"{table} row{'s' * (len(positions) != 1)} " + ", ".join(parts) + more


def _num(x: float) -> str:
    """A number for a message: up to 10 significant digits, no float noise."""
    return f"{x:.10g}"


def _short(value: Any) -> str:
    """A cell's value as an error message repeats it (cut when long, see ``errors.shortened``)."""
    return shortened(value)


def _valid_number(col: Column) -> str:
    """What a valid value of a numeric column is, e.g. ``"a number in (0, 1] (fraction)"``."""
    lo, hi = col.minimum, col.maximum
    if lo is not None and hi is not None:
        text = f"a number in {'(' if col.exclusive_minimum else '['}{lo:g}, {hi:g}]"
    elif lo is not None:
        text = f"a number {'>' if col.exclusive_minimum else '>='} {lo:g}"
    elif hi is not None:
        text = f"a number <= {hi:g}"
    else:
        text = "a finite number"
    return text + (f" ({col.unit})" if col.unit else "")


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word if n == 1 else (plural or word + 's')}"


def _text(series: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Cells as stripped Python str ("" when missing) and the mask of missing cells."""
    missing = series.isna().to_numpy(dtype=bool)
    text = series.astype(object).where(~missing, "").astype(str).str.strip()
    text = text.reset_index(drop=True)
    return text, missing | (text == "").to_numpy(dtype=bool)


def _numbers(series: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Parse cells as numbers: ``(values, missing, unparsable)``; unparsable cells hold NaN."""
    if pd.api.types.is_bool_dtype(series):
        missing = series.isna().to_numpy(dtype=bool)
        return np.full(len(series), np.nan), missing, ~missing
    if pd.api.types.is_numeric_dtype(series):
        values = series.to_numpy(dtype=float, na_value=np.nan)
        return values, np.isnan(values), np.zeros(len(series), dtype=bool)
    text, missing = _text(series)
    values = pd.to_numeric(text, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    unparsable = np.isnan(values) & ~missing
    return values, missing, unparsable


def _frame(table: str, data: Any) -> pd.DataFrame:
    """The caller's table as a DataFrame (never modified) with stripped str column names."""
    if data is None:
        return pd.DataFrame()
    if isinstance(data, pd.DataFrame):
        frame = data
    else:
        try:
            frame = pd.DataFrame(list(data))
        except (TypeError, ValueError) as exc:
            raise InputError(f"table {table}: expected a DataFrame or a list of row mappings ({exc})") from None
    frame = frame.set_axis([str(c).strip() for c in frame.columns], axis=1)
    return frame.reset_index(drop=True)


# --------------------------------------------------------------------------------------------
# the Network
# --------------------------------------------------------------------------------------------


class Network:
    """A supply network: items, facilities, their recipes and qualified supplier relations.

    Each table is a DataFrame attribute of the same name (``network.facilities`` …), with a
    fresh RangeIndex, rows in input order, the schema's columns in schema order (then any extra
    user columns, converted to float when every non-empty cell is a number). Text columns hold
    Python ``str`` (``""`` when an optional cell is empty; an empty ``name`` is the id); number
    columns are float64 with schema defaults filled and NaN for an empty optional cell without
    default; ``items.tool`` is bool. The caller's tables are never modified.

    Parameters
    ----------
    items, facilities, recipes, supplies, candidates, certifications, ownership, sources, expansions
        The tables (``schema.TABLES``), each a DataFrame or a list of row mappings;
        ``candidates``, ``certifications``, ``ownership``, ``sources`` and ``expansions`` may be
        omitted. ``expansions`` (capacity that could be built at a facility; a facility may have
        several rows, e.g. the phases of a plant) is the last positional parameter, so that calls
        written before it existed keep their meaning.
    name
        A short name shown in reprs and reports.
    source
        The file or folder the tables came from, used in error locations.
    row_lines
        ``{table: [line of row 0, line of row 1, …]}`` in ``source``, so errors can say
        "line 41".

    Raises
    ------
    InputError
        With every problem of the network (docs/model.md §1), each located by table, row (and
        line) and column, and saying what would be valid.

    Notes
    -----
    A Network is meant to be immutable: to change a table, build a new network
    (:meth:`replace`), which validates it again. Derived views (:attr:`arrays`) are cached.
    """

    items: pd.DataFrame
    facilities: pd.DataFrame
    recipes: pd.DataFrame
    supplies: pd.DataFrame
    candidates: pd.DataFrame
    certifications: pd.DataFrame
    expansions: pd.DataFrame
    ownership: pd.DataFrame
    sources: pd.DataFrame

    def __init__(
        self,
        items: TableLike,
        facilities: TableLike,
        recipes: TableLike,
        supplies: TableLike,
        candidates: TableLike = None,
        certifications: TableLike = None,
        ownership: TableLike = None,
        sources: TableLike = None,
        expansions: TableLike = None,
        *,
        name: str = "network",
        source: str | None = None,
        row_lines: Mapping[str, Sequence[int]] | None = None,
    ) -> None:
        self.name = str(name)
        self.source = None if source is None else str(source)
        self.row_lines = {t: list(v) for t, v in (row_lines or {}).items()}
        loc = _Locator(self.source or f"network '{self.name}'", self.row_lines)
        given = {
            "items": items,
            "facilities": facilities,
            "recipes": recipes,
            "supplies": supplies,
            "candidates": candidates,
            "certifications": certifications,
            "expansions": expansions,
            "ownership": ownership,
            "sources": sources,
        }
        problems: list[Problem] = []
        ok: dict[str, dict[str, np.ndarray]] = {}
        for table in TABLES:
            frame, ok[table] = _normalise(table, _frame(table, given[table]), loc, problems)
            setattr(self, table, frame)
        self._resolve_tool(ok["items"])
        ok["facilities"]["hq_country"] = (self.facilities["hq_country"] != "").to_numpy(dtype=bool)  # given
        problems += _Validator(self, ok, loc).run()
        hq = self.facilities["hq_country"]
        self.facilities["hq_country"] = hq.where(hq != "", self.facilities["country"])
        if problems:
            raise InputError(
                f"network '{self.name}'{f' ({self.source})' if self.source else ''} is not valid", problems
            )

    # ---- construction helpers ------------------------------------------------------------

    @classmethod
    def from_tables(
        cls,
        tables: Mapping[str, TableLike],
        *,
        name: str = "network",
        source: str | None = None,
        row_lines: Mapping[str, Sequence[int]] | None = None,
        table_lines: Mapping[str, int] | None = None,
    ) -> Network:
        """Build a network from ``{table name: table}``, e.g. as read from a file.

        Unlike the constructor it checks the table names: an unknown name (with a
        did-you-mean) or a missing required table is an error. ``table_lines`` gives the line
        of each table's key in ``source``, for error locations.
        """
        where_src = str(source) if source is not None else f"network '{name}'"
        table_lines = table_lines or {}
        problems: list[Problem] = []
        valid = ", ".join(TABLES)
        for key in tables:
            if key not in TABLES:
                guess = did_you_mean(str(key), TABLES)
                hint = f"; did you mean '{guess}'?" if guess else ""
                line = f" (line {table_lines[key]})" if key in table_lines else ""
                problems.append(
                    Problem(
                        f"{where_src}: table {quoted(key)}{line}",
                        f"unknown table {quoted(key)}{hint} (tables are: {valid})",
                    )
                )
        missing = [t for t in TABLES if t not in OPTIONAL_TABLES and t not in tables]
        for table in missing:
            problems.append(
                Problem(
                    f"{where_src}: {table}",
                    f"required table '{table}' is missing (required: "
                    f"{', '.join(t for t in TABLES if t not in OPTIONAL_TABLES)})",
                )
            )
        summary = f"network '{name}'{f' ({source})' if source is not None else ''} is not valid"
        if missing:
            raise InputError(summary, problems)
        known = {t: v for t, v in tables.items() if t in TABLES}
        try:
            network = cls(**known, name=name, source=source, row_lines=row_lines)
        except InputError as exc:
            raise InputError(exc.summary, problems + exc.problems) from None
        if problems:
            raise InputError(summary, problems)
        return network

    def replace(self, **tables: TableLike) -> Network:
        """A new, validated network with some tables replaced (``replace(supplies=df)``)."""
        unknown = [t for t in tables if t not in TABLES]
        if unknown:
            problems = []
            for t in unknown:
                guess = did_you_mean(t, TABLES)
                hint = f"; did you mean '{guess}'?" if guess else ""
                problems.append(Problem("", f"unknown table {quoted(t)}{hint} (tables are: {', '.join(TABLES)})"))
            raise InputError("Network.replace: unknown tables", problems)
        new = {**self.tables(), **tables}
        return Network(**new, name=self.name, source=self.source)  # type: ignore[arg-type]

    def _resolve_tool(self, items_ok: dict[str, np.ndarray]) -> None:
        """``items.tool``: the given value, else whether a tool-kind facility produces it."""
        fac = self.facilities
        tool_items = fac.loc[fac["kind"].isin(TOOL_KINDS), "produces"]
        derived = self.items["id"].isin(tool_items).to_numpy(dtype=bool)
        given = self.items["tool"].to_numpy(dtype=object)
        have = items_ok["tool"]
        self.items["tool"] = np.where(have, given, derived).astype(bool)

    # ---- views ---------------------------------------------------------------------------

    def tables(self) -> dict[str, pd.DataFrame]:
        """``{table name: DataFrame}`` in schema order (the network's own frames, not copies)."""
        return {table: getattr(self, table) for table in TABLES}

    @property
    def final_outputs(self) -> list[str]:
        """Ids of the facilities that supply no one (their output leaves the network), in table order."""
        fac = self.facilities
        return fac.loc[~fac["id"].isin(self.supplies["supplier"]), "id"].tolist()

    def graph(self) -> nx.DiGraph:
        """The network as a ``networkx.DiGraph``, built anew on each call.

        Nodes are facility ids carrying every facility column as an attribute; an edge
        supplier -> buyer carries ``item``, ``share`` (fraction of the buyer's need) and
        ``quantity`` (units of the item per unit of the buyer's output, from its recipe).
        A supplier makes one item, so each (supplier, buyer) pair has one edge.
        """
        g: nx.DiGraph[str] = nx.DiGraph(name=self.name)
        fac = self.facilities
        g.add_nodes_from(zip(fac["id"].tolist(), fac.to_dict("records"), strict=True))  # type: ignore[arg-type]
        edges = self.supplies[["supplier", "buyer", "item", "share"]].merge(
            self.recipes[["facility", "item", "quantity"]].rename(columns={"facility": "buyer"}),
            on=["buyer", "item"],
            how="left",
        )
        g.add_edges_from(
            (s, b, {"item": i, "share": sh, "quantity": q})
            for s, b, i, sh, q in zip(
                edges["supplier"].tolist(),
                edges["buyer"].tolist(),
                edges["item"].tolist(),
                edges["share"].tolist(),
                edges["quantity"].tolist(),
                strict=True,
            )
        )
        return g

    @cached_property
    def arrays(self) -> NetworkArrays:
        """The numeric arrays the engines run on (``supplychain.arrays.build_arrays``), cached."""
        return build_arrays(self.facilities, self.items, self.recipes, self.supplies)

    def __repr__(self) -> str:
        countries = self.facilities["country"]
        n_countries = int(countries[countries != ""].nunique())
        return (
            f"<Network '{self.name}': {_plural(len(self.facilities), 'facility', 'facilities')} in "
            f"{_plural(n_countries, 'country', 'countries')}, {_plural(len(self.items), 'item')}, "
            f"{_plural(len(self.recipes), 'recipe')}, "
            f"{_plural(len(self.supplies), 'supply', 'supplies')}, "
            f"{_plural(len(self.candidates), 'candidate')}, "
            f"{_plural(len(self.certifications), 'certification')}"
            + (f", {_plural(len(self.expansions), 'expansion')}" if len(self.expansions) else "")
            + (f", {_plural(len(self.ownership), 'ownership row')}" if len(self.ownership) else "")
            + (f", {_plural(len(self.sources), 'source')}" if len(self.sources) else "")
            + ">"
        )


# --------------------------------------------------------------------------------------------
# normalisation: one table at a time
# --------------------------------------------------------------------------------------------


def _normalise(
    table: str, raw: pd.DataFrame, loc: _Locator, problems: list[Problem]
) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    """Types, defaults and column order for one table; returns it and, per schema column, the
    mask of cells holding a usable value (present and valid, or defaulted)."""
    schema = TABLES[table]
    names = [c.name for c in schema]
    n = len(raw)
    seen: set[str] = set()
    for header in raw.columns:
        if header in seen:
            problems.append(Problem(loc.table(table, _short(header)), f"column {quoted(header)} appears twice"))
        seen.add(header)
    raw = raw.loc[:, ~raw.columns.duplicated()]
    extra = [c for c in raw.columns if c not in names and c != ""]
    out: dict[str, Any] = {}
    ok: dict[str, np.ndarray] = {}
    empty = n == 0 and len(raw.columns) == 0  # an absent table: no columns to complain about
    for col in schema:
        if col.name not in raw.columns:
            if col.required and not empty:
                guess = did_you_mean(col.name, extra) if extra else None
                hint = f"; did you mean {quoted(guess)}?" if guess else ""
                problems.append(
                    Problem(
                        loc.table(table, col.name),
                        f"required column '{col.name}' is missing{hint} "
                        f"(required: {', '.join(c.name for c in schema if c.required)})",
                    )
                )
            present: pd.Series = pd.Series([pd.NA] * n, dtype=object)
        else:
            present = raw[col.name]
        out[col.name], ok[col.name] = _parse_column(table, col, present, col.name in raw.columns, loc, problems)
    if "name" in out:  # an empty name is the id
        out["name"] = out["name"].where(out["name"] != "", out[names[0]])
    for extra_col in extra:
        out[extra_col] = _parse_extra(raw[extra_col])
    frame = pd.DataFrame(out, index=pd.RangeIndex(n))
    return frame, ok


def _parse_column(
    table: str, col: Column, series: pd.Series, present: bool, loc: _Locator, problems: list[Problem]
) -> tuple[pd.Series | np.ndarray, np.ndarray]:
    """One schema column: parsed values and the mask of usable cells; problems appended."""
    n = len(series)
    if col.dtype == "str":
        text, missing = _text(series)
        if col.default is not None:
            text = text.where(~missing, str(col.default))
        if col.required and present:
            for pos in np.flatnonzero(missing):
                problems.append(
                    Problem(
                        loc.cell(table, int(pos), col.name),
                        f"required value is missing; {col.name} is the {col.description}",
                    )
                )
        return text, ~missing if col.required else np.ones(n, dtype=bool)

    if col.dtype == "bool":
        text, missing = _text(series)
        lower = text.str.lower()
        is_true = lower.isin(_TRUE).to_numpy(dtype=bool)
        is_false = lower.isin(_FALSE).to_numpy(dtype=bool)
        bad = ~missing & ~is_true & ~is_false
        for pos in np.flatnonzero(bad):
            problems.append(
                Problem(
                    loc.cell(table, int(pos), col.name),
                    f"'{_short(text.iloc[pos])}' is not true or false; {col.name} must be "
                    "true/false, yes/no or 1/0 (or empty for the default)",
                )
            )
        values = np.where(is_true, True, np.where(is_false, False, None))  # type: ignore[call-overload]
        return values, is_true | is_false

    values, missing, unparsable = _numbers(series)
    valid_text = _valid_number(col)
    with np.errstate(invalid="ignore"):
        finite = np.isfinite(values)
        in_range = np.ones(n, dtype=bool)
        if col.minimum is not None:
            in_range &= (values > col.minimum) if col.exclusive_minimum else (values >= col.minimum)
        if col.maximum is not None:
            in_range &= values <= col.maximum
    bad = ~missing & (unparsable | ~finite | ~in_range)
    for pos in np.flatnonzero(bad):
        raw = series.iloc[pos]
        if unparsable[pos]:
            what = f"'{_short(raw)}' is not a number"
        elif not finite[pos]:
            what = f"{_short(raw)} is not a finite number"
        else:
            what = f"{_num(values[pos])} is out of range"
        problems.append(Problem(loc.cell(table, int(pos), col.name), f"{what}; {col.name} must be {valid_text}"))
    if col.required and present:
        for pos in np.flatnonzero(missing):
            problems.append(
                Problem(
                    loc.cell(table, int(pos), col.name), f"required value is missing; {col.name} must be {valid_text}"
                )
            )
    values = np.where(bad, np.nan, values)
    usable = ~missing & ~bad
    if col.default is not None:
        values = np.where(missing, float(col.default), values)
        usable |= missing
    return values.astype(float), usable


def _parse_extra(series: pd.Series) -> pd.Series:
    """An extra user column: float when every non-empty cell is a number, else str."""
    if pd.api.types.is_bool_dtype(series):
        return series.reset_index(drop=True)
    values, missing, unparsable = _numbers(series)
    if (~missing).any() and not unparsable.any():
        return pd.Series(values, dtype=float)
    text, _ = _text(series)
    return text


# --------------------------------------------------------------------------------------------
# validation across tables
# --------------------------------------------------------------------------------------------


class _Validator:
    """The rules of docs/model.md §1 over normalised tables; ``run()`` returns every problem."""

    def __init__(self, network: Network, ok: dict[str, dict[str, np.ndarray]], loc: _Locator) -> None:
        self.net = network
        self.ok = ok
        self.loc = loc
        self.problems: list[Problem] = []
        fac, items = network.facilities, network.items
        self.facility_ids = pd.Index(fac.loc[ok["facilities"]["id"], "id"].unique())
        self.item_ids = pd.Index(items.loc[ok["items"]["id"], "id"].unique())
        self.suggest = {"facility": Suggester(self.facility_ids), "item": Suggester(self.item_ids)}
        # usable cells that also resolve to an id: filled by the reference checks
        self.resolved: dict[tuple[str, str], np.ndarray] = {}
        self.first: dict[str, np.ndarray] = {}  # first occurrence of each key row (duplicates dropped)

    def add(self, where: str, message: str) -> None:
        self.problems.append(Problem(where, message))

    def run(self) -> list[Problem]:
        self.check_unique("items", ["id"])
        self.check_unique("facilities", ["id"])
        self.check_allowed("facilities", "kind", KINDS, "kind", "kind must be one of " + ", ".join(KINDS))
        self.check_allowed(
            "facilities",
            "country",
            COUNTRY_CODES,
            "country code",
            "country must be an ISO 3166 alpha-3 code such as USA, CHN, TWN",
            suggest=suggest_country,
        )
        self.check_allowed(
            "facilities",
            "hq_country",
            COUNTRY_CODES,
            "country code",
            "hq_country must be an ISO 3166 alpha-3 code such as USA, CHN, TWN, or empty for the facility's country",
            suggest=suggest_country,
        )
        refs = [
            ("facilities", "produces", "item"),
            ("recipes", "facility", "facility"),
            ("recipes", "item", "item"),
            ("supplies", "supplier", "facility"),
            ("supplies", "buyer", "facility"),
            ("supplies", "item", "item"),
            ("candidates", "supplier", "facility"),
            ("candidates", "buyer", "facility"),
            ("candidates", "item", "item"),
            ("certifications", "supplier", "facility"),
            ("certifications", "item", "item"),
            ("expansions", "facility", "facility"),
        ]
        for table, col, what in refs:
            self.check_reference(table, col, what)
        self.check_unique("recipes", ["facility", "item"])
        for table in ("supplies", "candidates"):
            self.check_unique(table, ["supplier", "buyer", "item"])
            self.check_self_supply(table)
        self.check_unique("certifications", ["supplier", "item"])
        for table in ("supplies", "candidates", "certifications"):
            self.check_produces(table)
        for table in ("supplies", "candidates"):
            self.check_has_recipe(table)
        self.check_shares()
        self.check_capacity()
        self.check_ownership()
        self.check_sources()
        return self.problems

    # ---- helpers ---------------------------------------------------------------------------

    def usable(self, table: str, *cols: str) -> np.ndarray:
        """Rows whose cells in ``cols`` are usable (and resolve, for reference columns)."""
        mask = np.ones(len(getattr(self.net, table)), dtype=bool)
        for col in cols:
            mask &= self.resolved.get((table, col), self.ok[table][col])
        return mask

    def by_id(self, table: str, value_col: str) -> pd.Series:
        """``value_col`` of each facility or item, indexed by id (first row of an id, usable)."""
        frame = getattr(self.net, table)
        mask = self.first[table] & self.ok[table][value_col]
        return pd.Series(frame[value_col].to_numpy()[mask], index=frame["id"].to_numpy()[mask])

    # ---- checks ------------------------------------------------------------------------------

    def check_unique(self, table: str, cols: list[str]) -> None:
        """Ids (or key columns) unique; remembers each key's first row in ``self.first``."""
        frame = getattr(self.net, table)
        usable = self.usable(table, *cols)
        sub = frame.loc[usable, cols]
        dup = sub.duplicated(keep="first")
        first = usable.copy()
        first[sub.index[dup.to_numpy()]] = False
        self.first[table] = first
        if not dup.any():
            return
        dupes = sub[sub.duplicated(keep=False)]
        firsts = dupes[~dupes.duplicated(keep="first")]
        first_pos = dict(zip(firsts.itertuples(index=False, name=None), firsts.index, strict=True))
        for pos, key in zip(sub.index[dup.to_numpy()], sub[dup].itertuples(index=False, name=None), strict=True):
            where_first = self.loc.row(table, first_pos[key])
            if cols == ["id"]:
                self.add(
                    self.loc.cell(table, pos, "id"),
                    f"duplicate id {quoted(key[0])} (also {where_first}); ids must be unique",
                )
            else:
                pretty = ", ".join(f"{c} {_short(v)}" for c, v in zip(cols, key, strict=True))
                self.add(
                    self.loc.cell(table, pos, ", ".join(cols)),
                    f"duplicate row ({pretty}) (also {where_first}); each ({', '.join(cols)}) may appear once",
                )

    def check_allowed(
        self,
        table: str,
        col: str,
        allowed: Iterable[str],
        what: str,
        valid: str,
        suggest: Callable[[str], str | None] | None = None,
    ) -> None:
        frame = getattr(self.net, table)
        allowed = sorted(allowed)
        values = frame[col]
        bad = self.ok[table][col] & ~values.isin(allowed).to_numpy(dtype=bool)
        suggest = suggest or Suggester(allowed)
        for pos in np.flatnonzero(bad):
            value = values.iloc[pos]
            guess = suggest(value)
            hint = f"; did you mean '{guess}'?" if guess else ""
            self.add(self.loc.cell(table, int(pos), col), f"unknown {what} '{_short(value)}'{hint} ({valid})")

    def check_reference(self, table: str, col: str, what: str) -> None:
        """Every id in ``table.col`` names a row of the facilities/items table."""
        frame = getattr(self.net, table)
        ids = self.facility_ids if what == "facility" else self.item_ids
        values = frame[col]
        found = values.isin(ids).to_numpy(dtype=bool)
        usable = self.ok[table][col]
        self.resolved[(table, col)] = usable & found
        target = "facilities" if what == "facility" else "items"
        for pos in np.flatnonzero(usable & ~found):
            value = values.iloc[pos]
            guess = self.suggest[what](value)
            hint = f"; did you mean '{guess}'?" if guess else f"; it must be an id of the {target} table"
            self.add(self.loc.cell(table, int(pos), col), f"unknown {what} '{_short(value)}'{hint}")

    def check_self_supply(self, table: str) -> None:
        frame = getattr(self.net, table)
        usable = self.usable(table, "supplier", "buyer")
        bad = usable & (frame["supplier"] == frame["buyer"]).to_numpy(dtype=bool)
        for pos in np.flatnonzero(bad):
            self.add(
                self.loc.cell(table, int(pos), "buyer"),
                f"{quoted(frame['supplier'].iloc[pos])} supplies itself; supplier and buyer must differ",
            )

    def check_produces(self, table: str) -> None:
        """A supplier's relation is for the item it produces."""
        frame = getattr(self.net, table)
        produces = self.by_id("facilities", "produces")
        makes = frame["supplier"].map(produces)
        usable = self.usable(table, "supplier", "item") & makes.notna().to_numpy(dtype=bool)
        bad = usable & (makes != frame["item"]).to_numpy(dtype=bool)
        for pos in np.flatnonzero(bad):
            self.add(
                self.loc.cell(table, int(pos), "item"),
                f"supplier {quoted(frame['supplier'].iloc[pos])} produces {quoted(makes.iloc[pos])}, not "
                f"{quoted(frame['item'].iloc[pos])}; the item must be what the supplier produces",
            )

    def _recipe_keys(self) -> pd.MultiIndex:
        rec = self.net.recipes
        mask = self.first["recipes"]
        return pd.MultiIndex.from_arrays([rec["facility"].to_numpy()[mask], rec["item"].to_numpy()[mask]])

    def check_has_recipe(self, table: str) -> None:
        """Every relation's (buyer, item) is a recipe row: the buyer needs that item."""
        frame = getattr(self.net, table)
        usable = self.usable(table, "buyer", "item")
        keys = pd.MultiIndex.from_arrays([frame["buyer"], frame["item"]])
        bad = usable & ~keys.isin(self._recipe_keys())
        for pos in np.flatnonzero(bad):
            buyer, item = _short(frame["buyer"].iloc[pos]), _short(frame["item"].iloc[pos])
            self.add(
                self.loc.cell(table, int(pos), "item"),
                f"buyer '{buyer}' has no recipe for '{item}'; add a recipes row (facility {buyer}, "
                f"item {item}, quantity) or remove this row",
            )

    def check_shares(self) -> None:
        """For each recipe row, the shares of its suppliers sum to 1 (within SHARE_TOLERANCE)."""
        rec, sup = self.net.recipes, self.net.supplies
        keyed = self.usable("supplies", "buyer", "item")
        rows = pd.DataFrame(
            {
                "buyer": sup["buyer"].to_numpy()[keyed],
                "item": sup["item"].to_numpy()[keyed],
                "share": sup["share"].to_numpy()[keyed],
                "bad": ~self.ok["supplies"]["share"][keyed],
                "pos": np.flatnonzero(keyed),
            }
        )
        groups = rows.groupby(["buyer", "item"], sort=False).agg(
            total=("share", "sum"), rows=("share", "size"), bad=("bad", "any")
        )
        mask = self.first["recipes"] & self.usable("recipes", "facility", "item")
        wanted = pd.DataFrame(
            {
                "facility": rec["facility"].to_numpy()[mask],
                "item": rec["item"].to_numpy()[mask],
                "pos": np.flatnonzero(mask),
            }
        )
        joined = wanted.merge(groups, left_on=["facility", "item"], right_index=True, how="left")
        none = joined["rows"].isna().to_numpy(dtype=bool)
        off = (
            ~none
            & ~joined["bad"].fillna(False).to_numpy(dtype=bool)
            & (np.abs(joined["total"].to_numpy(dtype=float) - 1) > SHARE_TOLERANCE)
        )
        for r in np.flatnonzero(none):
            fac, item, pos = joined["facility"].iloc[r], joined["item"].iloc[r], int(joined["pos"].iloc[r])
            self.add(
                self.loc.cell("recipes", pos),
                f"{fac} needs '{item}' but no supplies row delivers it to {fac}; add supplies "
                f"rows (supplier, buyer {fac}, item {item}, share) whose shares sum to 1, or remove "
                "this recipe",
            )
        if not off.any():
            return
        bad_groups = joined[off]
        members = rows.merge(bad_groups[["facility", "item"]], left_on=["buyer", "item"], right_on=["facility", "item"])
        positions = members.groupby(["buyer", "item"], sort=False)["pos"].agg(list)
        for fac, item, pos, total in zip(
            bad_groups["facility"], bad_groups["item"], bad_groups["pos"], bad_groups["total"], strict=True
        ):
            listed = self.loc.rows("supplies", positions.loc[(fac, item)])
            self.add(
                self.loc.cell("recipes", int(pos)),
                f"shares of {fac}'s suppliers of {item} sum to {_num(total)}, not 1 ({listed}); "
                "the shares of one buyer's suppliers of an item must sum to 1",
            )

    def check_capacity(self) -> None:
        """Each supplier's capacity covers its normal demand:
        Σ over its supplies rows of buyer capacity × recipe quantity × share."""
        sup, rec = self.net.supplies, self.net.recipes
        capacity = self.by_id("facilities", "capacity")
        usable = self.usable("supplies", "supplier", "buyer", "item", "share")
        rows = pd.DataFrame(
            {
                "supplier": sup["supplier"].to_numpy()[usable],
                "buyer": sup["buyer"].to_numpy()[usable],
                "item": sup["item"].to_numpy()[usable],
                "share": sup["share"].to_numpy()[usable],
            }
        )
        rmask = self.first["recipes"] & self.ok["recipes"]["quantity"]
        quantity = pd.Series(
            rec["quantity"].to_numpy()[rmask],
            index=pd.MultiIndex.from_arrays([rec["facility"].to_numpy()[rmask], rec["item"].to_numpy()[rmask]]),
        )
        q = quantity.reindex(pd.MultiIndex.from_arrays([rows["buyer"], rows["item"]])).to_numpy()
        rows["demand"] = rows["buyer"].map(capacity).to_numpy(dtype=float) * q * rows["share"].to_numpy()
        rows = rows[np.isfinite(rows["demand"].to_numpy())]
        demand = rows.groupby("supplier", sort=False)["demand"].agg(["sum", "size"])
        fac = self.net.facilities
        row_of = pd.Series(
            np.flatnonzero(self.first["facilities"]), index=fac["id"].to_numpy()[self.first["facilities"]]
        )
        demand = demand.iloc[np.argsort(row_of.reindex(demand.index).to_numpy(), kind="stable")]
        have = capacity.reindex(demand.index).to_numpy(dtype=float)
        short = demand["sum"].to_numpy() > have * (1 + CAPACITY_TOLERANCE)
        if not short.any():
            return
        produces = self.by_id("facilities", "produces")
        for supplier, total, count, cap in zip(
            demand.index[short],
            demand["sum"].to_numpy()[short],
            demand["size"].to_numpy()[short],
            have[short],
            strict=True,
        ):
            item = produces.get(supplier, "its item")
            self.add(
                self.loc.cell("facilities", int(row_of[supplier]), "capacity"),
                f"capacity of {supplier} is {_num(cap)} but the normal demand on it is {_num(total)} "
                f"units of {item} per week (Σ buyer capacity × recipe quantity × share over its "
                f"{_plural(int(count), 'supplies row')}): short by {_num(total - cap)}; raise its "
                "capacity or lower the shares it supplies",
            )

    def check_sources(self) -> None:
        """With a ``sources`` table: keys unique, each kind ``published`` or ``estimate``, every
        estimate says its method, and every ``source`` or ``<column>_source`` cell of the other
        tables names keys of it (``;``-separated for several). Without one, nothing is checked:
        provenance is optional for a user's network."""
        src = self.net.sources
        if src.empty:
            return
        self.check_unique("sources", ["key"])
        for pos in np.flatnonzero(~src["kind"].isin(SOURCE_KINDS).to_numpy(dtype=bool)):
            self.add(
                self.loc.cell("sources", int(pos), "kind"),
                f"kind {quoted(src['kind'].iloc[pos])} is not one of {', '.join(SOURCE_KINDS)}",
            )
        missing = (src["kind"] == "estimate").to_numpy(dtype=bool) & (src["method"].str.strip() == "").to_numpy(
            dtype=bool
        )
        for pos in np.flatnonzero(missing):
            self.add(
                self.loc.cell("sources", int(pos), "method"),
                f"estimate {quoted(src['key'].iloc[pos])} does not say its method; an estimate needs one",
            )
        keys = pd.Index(src["key"].unique())
        suggest = Suggester(keys)
        for table in TABLES:
            if table == "sources":
                continue
            frame = getattr(self.net, table)
            for col in [c for c in frame.columns if c == "source" or str(c).endswith("_source")]:
                cells = frame[col].astype(str).where(frame[col].notna(), "")
                named = cells.str.split(";").explode().str.strip()
                unknown = named[(named != "") & ~named.isin(keys)]
                for pos, key in zip(unknown.index, unknown, strict=True):
                    guess = suggest(key)
                    hint = f"; did you mean '{guess}'?" if guess else ""
                    self.add(
                        self.loc.cell(table, int(pos), col),
                        f"unknown source {quoted(key)}{hint}; it must be a key of the sources table",
                    )

    def check_ownership(self) -> None:
        """``ownership`` rows name companies of the facilities table, no company owns itself,
        each (owner, owned) pair appears once, and the shares held in one company sum to at
        most 1 (within SHARE_TOLERANCE)."""
        own = self.net.ownership
        if own.empty:
            return
        fac = self.net.facilities
        companies = pd.Index(fac.loc[self.ok["facilities"]["company"], "company"].unique())
        suggest = Suggester(companies)
        for col in ("owner", "owned"):
            usable = self.ok["ownership"][col]
            found = own[col].isin(companies).to_numpy(dtype=bool)
            self.resolved[("ownership", col)] = usable & found
            for pos in np.flatnonzero(usable & ~found):
                value = own[col].iloc[pos]
                guess = suggest(value)
                hint = f"; did you mean '{guess}'?" if guess else "; it must be a company of the facilities table"
                self.add(self.loc.cell("ownership", int(pos), col), f"unknown company '{_short(value)}'{hint}")
        self.check_unique("ownership", ["owner", "owned"])
        usable = self.usable("ownership", "owner", "owned") & self.first["ownership"]
        bad = usable & (own["owner"] == own["owned"]).to_numpy(dtype=bool)
        for pos in np.flatnonzero(bad):
            self.add(
                self.loc.cell("ownership", int(pos), "owned"),
                f"{quoted(own['owner'].iloc[pos])} owns itself; owner and owned must differ",
            )
        ok = usable & ~bad & self.ok["ownership"]["share"]
        rows = pd.DataFrame(
            {"owned": own["owned"].to_numpy()[ok], "share": own["share"].to_numpy()[ok], "pos": np.flatnonzero(ok)}
        )
        totals = rows.groupby("owned", sort=False).agg(total=("share", "sum"), pos=("pos", list))
        for owned, total, positions in zip(totals.index, totals["total"], totals["pos"], strict=True):
            if total > 1 + SHARE_TOLERANCE:
                self.add(
                    self.loc.cell("ownership", int(positions[-1]), "share"),
                    f"the shares held in {quoted(owned)} sum to {_num(total)} "
                    f"({self.loc.rows('ownership', positions)}); the holdings in one company can sum to at most 1",
                )
