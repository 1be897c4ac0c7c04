"""Import market shares from a copy of the ETO Advanced Semiconductor Supply Chain Dataset.

The Emerging Technology Observatory (Georgetown CSET) publishes the dataset as CSV files in
``data/`` of https://github.com/georgetown-cset/eto-chip-explorer under CC BY-NC 4.0. None of
its rows ship with supplychain: fetch the folder yourself and point :func:`import_eto` at it
(``inputs.csv``, ``providers.csv``, ``provision.csv``, ``sequence.csv``, ``stages.csv``).

What it computes
----------------
``shares``: for each input (or stage) and provider type (``country`` or ``company``; ETO's
``organization``) the providers of the *latest* year ETO gives, with the share as written
(``share``, percent) and the share this module uses (``share_used``, a fraction of 1), after
these rules for ETO's quirks (each row's ``flags`` says which applied):

- **Several years for one input** (``older_years``): only the rows of the latest year of that
  input and provider type count; rows of other years are left out of ``shares`` and the years
  are named in ``older_years``. A blank year counts as older than any year.
- **Shares rounded up to 1 %** (``le_1pct``): ETO rounds shares between 0 and 1 % up to 1 %;
  a share of exactly 1, or written ``<1`` / ``<1%``, is flagged and used as 1 % (an upper
  bound: the true share is in (0, 1] %). ``0`` stays 0.
- **Blank shares** (``blank``): a provider listed without a share. When some providers of the
  input and type have shares, the blank ones split what is left of 100 % equally
  (``blank_filled``; 0 when nothing is left). When none has a share, ``share_used`` is NaN:
  ETO names the providers but gives no shares, and nothing is re-weighted.
- **Totals over 100 %** (``scaled``): rounding can make shares sum past 100 %; then every
  ``share_used`` of the input and type is scaled down so they sum to 1.
- **"Various countries" / "Various companies" / "Various"** (``various``): the unnamed rest.
  It is kept as a provider; in the re-weighting it, together with any unattributed remainder
  (100 % minus the total), is the share of every country ETO does not name.
- **Country shares from company shares** (``from_companies``): when an input and year has
  company shares but no country row with a share, country shares are the company shares
  summed by each company's country in ``providers.csv`` (``Various countries`` for unnamed).

``inputs`` is ``inputs.csv`` (indexed by ``input_id``) with the ``items`` each is mapped to
and whether it has usable shares; ``unmapped`` lists the inputs and stages no mapping row
names.

Re-weighting a network
----------------------
With ``network``, supplier capacities of each mapped item are re-weighted by **country** (not
company: ETO's company names seldom match a network's ``company`` cells, while countries are
ISO 3166 alpha-3 codes on both sides). The mapping table (``supplychain/data/eto_mapping.csv``:
``eto_input_id, item, basis, note``) says, per item, whether a facility's country is its
company's headquarters (``basis`` ``hq``, the facility's ``hq_country``: ETO attributes a
firm's share to its home country) or its site (``location``: ETO's stage shares are by site).
For each mapped item produced by facilities of the network:

1. The item's total capacity T is kept. Facilities are grouped by country.
2. Each country ETO names that has facilities gets its share; countries ETO names with no
   facility of the item in the network are dropped (their share cannot be placed) and the
   rest renormalised to sum to 1.
3. Facilities in countries ETO does not name together get the *rest* share (Various + the
   unattributed remainder). If that rest is 0, they keep their capacity unchanged and the
   named countries share T minus it.
4. Within a country, capacity is split in proportion to the facilities' capacities before
   (equally when they were all 0).
5. No supplier falls below its normal demand (Σ buyer capacity × recipe quantity × share, as
   the network's validation checks): such a facility is held at its demand (so the item's total
   may then exceed T) and ``changes.note`` says so; a supplier of a re-weighted facility whose
   demand rises past its capacity is raised to it, noted likewise.

``changes`` lists every facility whose capacity was considered (``capacity_before``,
``capacity_after``) and ``network_after`` is the validated result of ``network.replace``.
Inputs with no usable country shares, and mapped items missing from the network, are skipped
and named in ``notes``.

Bad input (a missing file or column, a share or year that is not a number) raises
:class:`~supplychain.errors.InputError` naming the file, data row (1 = the first row after the
header) and column, and what would be valid.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import InputError, Problem, quoted
from .network import CAPACITY_TOLERANCE, Network

__all__ = ["ETO_FILES", "EtoImport", "import_eto", "read_eto_mapping"]

ETO_FILES: dict[str, tuple[str, ...]] = {
    "inputs": ("input_id", "input_name", "type", "year"),
    "providers": ("provider_name", "provider_id", "provider_type", "country"),
    "provision": ("provider_name", "provider_id", "provided_name", "provided_id", "share_provided", "year"),
    "sequence": ("input_id", "goes_into_id", "is_type_of_id"),
    "stages": ("stage_id", "stage_name"),
}
"""The files an ETO folder must hold (``<name>.csv``) and the columns each must have."""

MAPPING_COLUMNS = ("eto_input_id", "item", "basis", "note")
BASES = ("hq", "location")
VARIOUS = re.compile(r"^\s*various\b", re.IGNORECASE)
SHARE_HINT = "a percentage between 0 and 100 (e.g. 12.5 or 12.5%), '<1' for under 1 %, or blank"
PROVIDER_TYPES = {"country": "country", "organization": "company", "company": "company"}

SHARE_COLUMNS = [
    "input",
    "input_name",
    "provider_type",
    "provider",
    "provider_id",
    "country",
    "share",
    "share_used",
    "year",
    "older_years",
    "flags",
]
CHANGE_COLUMNS = ["facility", "item", "country", "eto_input", "capacity_before", "capacity_after", "note"]


@dataclass
class EtoImport:
    """What :func:`import_eto` computed (see the module docstring for every rule).

    ``shares`` is indexed by (input, provider_type, provider); ``inputs`` and ``unmapped`` by
    input id; ``changes`` (empty without a network) by facility. ``network_after`` is None
    without a network. ``notes`` says what was skipped and why.
    """

    shares: pd.DataFrame
    inputs: pd.DataFrame
    unmapped: pd.DataFrame
    sequence: pd.DataFrame
    changes: pd.DataFrame
    network_after: Network | None = None
    notes: list[str] = field(default_factory=list)

    def tables(self) -> dict[str, pd.DataFrame]:
        """The report tables by file stem, index as columns (``eto_shares`` …)."""
        out = {"eto_shares": self.shares.reset_index(), "eto_unmapped": self.unmapped.reset_index()}
        if self.network_after is not None:
            out["eto_changes"] = self.changes.reset_index()
        return out


# ---- reading ----------------------------------------------------------------------------------


def _read_csv(path: Path, shown: str) -> pd.DataFrame:
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{shown}: file not found") from None
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise InputError(f"{shown}: not a readable CSV file ({str(exc).splitlines()[0]})") from None


def _read_folder(folder: Path) -> dict[str, pd.DataFrame]:
    if not folder.is_dir():
        raise InputError(
            f"{folder}: not a folder; give the folder holding ETO's "
            f"{', '.join(f + '.csv' for f in ETO_FILES)} (data/ of georgetown-cset/eto-chip-explorer)"
        )
    problems: list[Problem] = []
    tables: dict[str, pd.DataFrame] = {}
    for name, columns in ETO_FILES.items():
        path = folder / f"{name}.csv"
        if not path.is_file():
            problems.append(Problem(str(path), f"file not found (an ETO folder holds {', '.join(ETO_FILES)} CSVs)"))
            continue
        try:
            frame = _read_csv(path, str(path))
        except InputError as exc:
            problems.append(Problem("", exc.summary))
            continue
        frame.columns = [str(c).strip() for c in frame.columns]
        missing = [c for c in columns if c not in frame.columns]
        for c in missing:
            problems.append(Problem(f"{path}: column {c}", f"missing column {quoted(c)} (needs: {', '.join(columns)})"))
        tables[name] = frame.apply(lambda s: s.str.strip())
    if problems:
        raise InputError(f"{folder}: not a usable ETO folder", problems)
    return tables


def _parse_share(text: str) -> tuple[float, str]:
    """``(percent, flag)`` of a ``share_provided`` cell; ValueError when unparsable."""
    t = text.strip()
    if t == "":
        return np.nan, "blank"
    less = t.startswith("<")
    t = t.lstrip("<").strip().removesuffix("%").strip()
    value = float(t)  # ValueError on garbage
    if not np.isfinite(value) or value < 0 or value > 100 or (less and value != 1):
        raise ValueError(text)
    return value, "le_1pct" if (less or value == 1) else ""


def _parse_year(text: str) -> float:
    t = text.strip()
    if t == "":
        return np.nan
    value = float(t)
    if not value.is_integer():
        raise ValueError(text)
    return value


def read_eto_mapping(mapping: str | Path | pd.DataFrame | None = None) -> pd.DataFrame:
    """The mapping table (columns ``eto_input_id, item, basis, note``): the packaged one by
    default, else a CSV path or a DataFrame. An item may appear once; an input may map to
    several items."""
    shown = "eto_mapping.csv (packaged)"
    if mapping is None:
        with resources.as_file(resources.files("supplychain") / "data" / "eto_mapping.csv") as p:
            frame = _read_csv(p, shown)
    elif isinstance(mapping, pd.DataFrame):
        frame, shown = mapping.astype(str).fillna(""), "mapping"
    else:
        frame, shown = _read_csv(Path(mapping), str(mapping)), str(mapping)
    problems = [
        Problem(f"{shown}: column {c}", f"missing column {quoted(c)} (needs: {', '.join(MAPPING_COLUMNS[:2])})")
        for c in MAPPING_COLUMNS[:2]
        if c not in frame.columns
    ]
    if problems:
        raise InputError(f"{shown}: not a usable ETO mapping", problems)
    frame = frame.copy()
    if "basis" not in frame.columns:
        frame["basis"] = "hq"
    if "note" not in frame.columns:
        frame["note"] = ""
    frame = frame[list(MAPPING_COLUMNS)].apply(lambda s: s.astype(str).str.strip())
    frame["basis"] = frame["basis"].replace("", "hq")
    for i, row in enumerate(frame.itertuples(index=False), start=1):
        if row.basis not in BASES:
            problems.append(
                Problem(f"{shown}: row {i}, column basis", f"{quoted(row.basis)} is not one of {', '.join(BASES)}")
            )
        if not row.eto_input_id or not row.item:
            problems.append(Problem(f"{shown}: row {i}", "eto_input_id and item must both be given"))
    for item in frame.loc[frame["item"].duplicated(), "item"].unique():
        problems.append(Problem(f"{shown}: item {item}", f"item {quoted(item)} is mapped more than once"))
    if problems:
        raise InputError(f"{shown}: not a usable ETO mapping", problems)
    return frame.reset_index(drop=True)


# ---- shares -----------------------------------------------------------------------------------


def _provision_rows(tables: dict[str, pd.DataFrame], folder: Path) -> pd.DataFrame:
    """provision.csv parsed: shares and years as numbers, provider types resolved."""
    prov = tables["provision"]
    providers = tables["providers"]
    shown = folder / "provision.csv"
    problems: list[Problem] = []
    shares, flags, years = [], [], []
    for i, (share, year) in enumerate(zip(prov["share_provided"], prov["year"], strict=True), start=1):
        try:
            value, flag = _parse_share(share)
        except ValueError:
            problems.append(
                Problem(
                    f"{shown}: row {i}, column share_provided",
                    f"{quoted(share)} is not a share; a share is {SHARE_HINT}",
                )
            )
            value, flag = np.nan, ""
        try:
            y = _parse_year(year)
        except ValueError:
            problems.append(
                Problem(
                    f"{shown}: row {i}, column year", f"{quoted(year)} is not a year; a year is like 2022, or blank"
                )
            )
            y = np.nan
        shares.append(value)
        flags.append(flag)
        years.append(y)
    kind = dict(zip(providers["provider_id"], providers["provider_type"], strict=False))
    home = dict(zip(providers["provider_id"], providers["country"], strict=False))
    ptypes = []
    for i, (pid, pname) in enumerate(zip(prov["provider_id"], prov["provider_name"], strict=True), start=1):
        raw = kind.get(pid)
        if raw is None:
            problems.append(
                Problem(
                    f"{shown}: row {i}, column provider_id",
                    f"provider {quoted(pid)} ({quoted(pname)}) is not in providers.csv; "
                    "each provider_id must be a providers.csv provider_id",
                )
            )
            ptypes.append("")
        elif raw not in PROVIDER_TYPES:
            problems.append(
                Problem(
                    f"{folder / 'providers.csv'}: provider {pid}, column provider_type",
                    f"{quoted(raw)} is not a provider type (valid: country, organization)",
                )
            )
            ptypes.append("")
        else:
            ptypes.append(PROVIDER_TYPES[raw])
    if problems:
        raise InputError(f"{folder}: ETO data that cannot be read", problems)
    return pd.DataFrame(
        {
            "input": prov["provided_id"].to_numpy(),
            "provider_type": ptypes,
            "provider": prov["provider_name"].to_numpy(),
            "provider_id": prov["provider_id"].to_numpy(),
            "country": [
                home.get(p, "") if t == "company" else "" for p, t in zip(prov["provider_id"], ptypes, strict=True)
            ],
            "share": np.asarray(shares, dtype=float),
            "year": np.asarray(years, dtype=float),
            "flags": flags,
        }
    )


def _add_flag(flags: pd.Series, mask: np.ndarray | pd.Series, flag: str) -> pd.Series:
    mask = np.asarray(mask, dtype=bool)
    out = flags.copy()
    out[mask] = [f"{f};{flag}" if f else flag for f in out[mask]]
    return out


def _latest(rows: pd.DataFrame) -> pd.DataFrame:
    """Only the rows of the latest year per (input, provider_type), with ``older_years``."""
    key = rows["year"].fillna(-1.0)
    rows = rows.assign(_year=key)
    latest = rows.groupby(["input", "provider_type"])["_year"].transform("max")
    years = rows.groupby(["input", "provider_type"])["_year"].agg(lambda s: sorted(set(s)))
    keep = rows[rows["_year"] == latest].copy()
    older = {k: ";".join("blank" if y < 0 else str(int(y)) for y in v[:-1]) for k, v in years.items() if len(v) > 1}
    keep["older_years"] = [older.get((i, t), "") for i, t in zip(keep["input"], keep["provider_type"], strict=True)]
    keep["flags"] = _add_flag(keep["flags"], keep["older_years"] != "", "older_years")
    return keep.drop(columns="_year")


def _from_companies(rows: pd.DataFrame) -> pd.DataFrame:
    """Country rows summed from company shares where an input has no country share."""
    has_country = rows[(rows["provider_type"] == "country") & rows["share"].notna()]["input"].unique()
    comp = rows[(rows["provider_type"] == "company") & rows["share"].notna() & ~rows["input"].isin(has_country)]
    if comp.empty:
        return rows.iloc[0:0]
    comp = comp.assign(country=comp["country"].replace("", "Various countries"))
    summed = comp.groupby(["input", "country"], sort=False).agg(share=("share", "sum"), year=("year", "max"))
    derived = summed.reset_index().rename(columns={"country": "provider"})
    derived["provider_type"] = "country"
    derived["provider_id"] = ""
    derived["country"] = ""
    derived["flags"] = "from_companies"
    derived["older_years"] = ""
    # the company rows of those inputs that were ETO's (blank-share) country rows go away
    return derived[rows.columns]


def _share_used(rows: pd.DataFrame) -> pd.DataFrame:
    """``share_used`` per the blank / over-100 rules, per (input, provider_type)."""
    rows = rows.copy()
    rows["share_used"] = np.nan
    for _, idx in rows.groupby(["input", "provider_type"], sort=False).groups.items():
        group = rows.loc[idx]
        known = group["share"].notna()
        if not known.any():
            continue
        used = group["share"].astype(float).copy()
        blank = ~known
        left = max(0.0, 100.0 - float(group.loc[known, "share"].sum()))
        if blank.any():
            used[blank] = left / int(blank.sum())
            rows.loc[idx[blank.to_numpy()], "flags"] = _add_flag(
                rows.loc[idx[blank.to_numpy()], "flags"], np.ones(int(blank.sum())), "blank_filled"
            )
        total = float(used.sum())
        if total > 100.0 + 1e-9:
            used = used * (100.0 / total)
            rows.loc[idx, "flags"] = _add_flag(rows.loc[idx, "flags"], np.ones(len(idx)), "scaled")
        rows.loc[idx, "share_used"] = used / 100.0
    return rows


def _compute_shares(tables: dict[str, pd.DataFrame], folder: Path) -> pd.DataFrame:
    rows = _provision_rows(tables, folder)
    rows["flags"] = _add_flag(rows["flags"], rows["provider"].str.match(VARIOUS), "various")
    rows["older_years"] = ""
    rows = _latest(rows)
    derived = _from_companies(rows)
    if not derived.empty:
        drop = (rows["provider_type"] == "country") & rows["input"].isin(derived["input"].unique())
        rows = pd.concat([rows[~drop], derived], ignore_index=True)
    dup = rows.duplicated(["input", "provider_type", "provider"], keep=False)
    if dup.any():
        first = rows[dup].iloc[0]
        raise InputError(
            f"{folder / 'provision.csv'}: a provider is listed twice for one input and year",
            [
                Problem(
                    f"{folder / 'provision.csv'}: provided_id {first['input']}",
                    f"provider {quoted(first['provider'])} has more than one row for year "
                    f"{'blank' if np.isnan(first['year']) else int(first['year'])}; keep one row per provider",
                )
            ],
        )
    rows = _share_used(rows)
    names = dict(zip(tables["inputs"]["input_id"], tables["inputs"]["input_name"], strict=False))
    names.update(zip(tables["stages"]["stage_id"], tables["stages"]["stage_name"], strict=False))
    rows["input_name"] = rows["input"].map(names).fillna("")
    rows = rows.sort_values(["input", "provider_type", "provider"], kind="stable")
    return rows[SHARE_COLUMNS].set_index(["input", "provider_type", "provider"])


# ---- re-weighting ------------------------------------------------------------------------------


def _demand(network: Network, capacity: pd.Series) -> pd.Series:
    """Normal demand per supplier (Σ buyer capacity × recipe quantity × share)."""
    rec = network.recipes.drop_duplicates(["facility", "item"])
    q = pd.Series(rec["quantity"].to_numpy(), index=pd.MultiIndex.from_frame(rec[["facility", "item"]]))
    sup = network.supplies
    quantity = q.reindex(pd.MultiIndex.from_frame(sup[["buyer", "item"]])).to_numpy(dtype=float)
    d = sup["buyer"].map(capacity).to_numpy(dtype=float) * quantity * sup["share"].to_numpy(dtype=float)
    demand = pd.Series(d, index=sup["supplier"].to_numpy())
    return demand[np.isfinite(d)].groupby(level=0).sum()


def _reweight_item(
    fac: pd.DataFrame, country_shares: pd.DataFrame, basis: str
) -> tuple[dict[str, float], dict[str, str], str | None]:
    """New capacities of one item's facilities, their countries, and a skip reason."""
    key = fac["hq_country"] if basis == "hq" else fac["country"]
    cap = fac["capacity"].astype(float)
    total = float(cap.sum())
    various = country_shares["flags"].str.contains("various")
    named = country_shares[~various]
    share_of = dict(zip(named.index.get_level_values("provider"), named["share_used"], strict=True))
    rest = float(country_shares.loc[various, "share_used"].sum()) + max(
        0.0, 1.0 - float(country_shares["share_used"].sum())
    )
    countries = dict(zip(fac["id"], key, strict=True))
    in_rest = ~key.isin(list(share_of))
    frozen = 0.0
    weights: dict[str, float] = {c: share_of[c] for c in key[~in_rest].unique()}
    if in_rest.any():
        if rest > 1e-12:
            weights["*rest*"] = rest
        else:
            frozen = float(cap[in_rest].sum())
    wsum = sum(weights.values())
    if wsum <= 0:
        return {}, countries, "ETO gives none of the item's countries a share above 0"
    new: dict[str, float] = {}
    for group, w in weights.items():
        members = in_rest if group == "*rest*" else (key == group) & ~in_rest
        target = (total - frozen) * w / wsum
        gcap = cap[members]
        gsum = float(gcap.sum())
        parts = gcap / gsum if gsum > 0 else pd.Series(1.0 / len(gcap), index=gcap.index)
        for fid, part in zip(fac.loc[members, "id"], parts, strict=True):
            new[fid] = target * float(part)
    if frozen:
        for fid, c in zip(fac.loc[in_rest, "id"], cap[in_rest], strict=True):
            new[fid] = float(c)
    return new, countries, None


def _reweight(
    network: Network, shares: pd.DataFrame, mapping: pd.DataFrame, notes: list[str]
) -> tuple[Network, pd.DataFrame]:
    fac = network.facilities
    capacity = pd.Series(fac["capacity"].to_numpy(dtype=float), index=fac["id"].to_numpy())
    before = capacity.copy()
    rows: dict[str, dict[str, object]] = {}
    items = set(network.items["id"])
    country = shares[shares.index.get_level_values("provider_type") == "country"].droplevel("provider_type")
    for m in mapping.itertuples(index=False):
        if m.item not in items:
            notes.append(f"{m.eto_input_id} -> {m.item}: the network has no item {m.item}; skipped")
            continue
        producers = fac[fac["produces"] == m.item]
        if producers.empty:
            notes.append(f"{m.eto_input_id} -> {m.item}: no facility of the network produces it; skipped")
            continue
        eto_id, basis = str(m.eto_input_id), str(m.basis)
        cs = country[country.index.get_level_values("input") == eto_id].droplevel("input")
        if cs.empty or cs["share_used"].isna().all():
            notes.append(f"{m.eto_input_id} -> {m.item}: ETO gives no country shares for {m.eto_input_id}; skipped")
            continue
        new, countries, why = _reweight_item(producers, cs, basis)
        if why:
            notes.append(f"{m.eto_input_id} -> {m.item}: {why}; skipped")
            continue
        for fid, value in new.items():
            capacity[fid] = value
            rows[fid] = {"item": m.item, "country": countries[fid], "eto_input": m.eto_input_id, "note": ""}
    # no supplier below its normal demand (buyers' capacities may have changed too)
    for _ in range(len(fac) + 1):
        demand = _demand(network, capacity).reindex(capacity.index).fillna(0.0)
        short = demand > capacity * (1 + CAPACITY_TOLERANCE)
        if not short.any():
            break
        for fid in capacity.index[short.to_numpy()]:
            capacity[fid] = float(demand[fid])
            if fid in rows:
                rows[fid]["note"] = "held at its normal demand (ETO's share would leave it short)"
            else:
                item = str(fac.loc[fac["id"] == fid, "produces"].iloc[0])
                rows[fid] = {
                    "item": item,
                    "country": "",
                    "eto_input": "",
                    "note": "raised to its normal demand (a buyer's capacity grew)",
                }
    changes = pd.DataFrame(
        [
            {"facility": fid, **r, "capacity_before": float(before[fid]), "capacity_after": float(capacity[fid])}
            for fid, r in rows.items()
        ],
        columns=CHANGE_COLUMNS,
    ).set_index("facility")
    new_fac = fac.copy()
    new_fac["capacity"] = capacity.reindex(new_fac["id"]).to_numpy()
    return network.replace(facilities=new_fac), changes


# ---- the importer -----------------------------------------------------------------------------


def import_eto(
    folder: str | Path,
    network: Network | None = None,
    *,
    mapping: str | Path | pd.DataFrame | None = None,
) -> EtoImport:
    """Read an ETO folder, compute country and company shares per input, and with ``network``
    re-weight the supplier capacities of the mapped items (module docstring for the rules).

    Parameters
    ----------
    folder
        A folder holding ETO's ``inputs.csv``, ``providers.csv``, ``provision.csv``,
        ``sequence.csv`` and ``stages.csv``.
    network
        A network to re-weight; None for the share tables only.
    mapping
        The ETO-input-to-item table; default the one packaged
        (``supplychain/data/eto_mapping.csv``).

    Raises
    ------
    InputError
        A missing file or column, or a cell that cannot be read, named by file, row, column.
    """
    folder = Path(folder)
    tables = _read_folder(folder)
    maps = read_eto_mapping(mapping)
    shares = _compute_shares(tables, folder)
    items_of = dict(maps.groupby("eto_input_id", sort=False)["item"].agg(";".join))
    usable = dict(shares.groupby(level="input")["share_used"].agg(lambda s: bool(s.notna().any())))
    inputs = tables["inputs"].set_index("input_id")
    inputs["items"] = [items_of.get(i, "") for i in inputs.index]
    inputs["has_shares"] = [bool(usable.get(i, False)) for i in inputs.index]
    stages = tables["stages"]
    universe = pd.DataFrame(
        {
            "name": [*tables["inputs"]["input_name"], *stages["stage_name"]],
            "type": [*tables["inputs"]["type"], *["stage"] * len(stages)],
        },
        index=pd.Index([*tables["inputs"]["input_id"], *stages["stage_id"]], name="input"),
    )
    universe = universe[~universe.index.duplicated()]
    universe["has_shares"] = [bool(usable.get(i, False)) for i in universe.index]
    unmapped = universe[~universe.index.isin(maps["eto_input_id"])]
    notes: list[str] = []
    missing = sorted(set(maps["eto_input_id"]) - set(universe.index))
    if missing:
        notes.append(f"mapped ETO ids not in this folder's inputs or stages: {', '.join(missing)}")
    changes = pd.DataFrame(columns=CHANGE_COLUMNS).set_index("facility")
    after = None
    if network is not None:
        after, changes = _reweight(network, shares, maps, notes)
    return EtoImport(
        shares=shares,
        inputs=inputs,
        unmapped=unmapped,
        sequence=tables["sequence"],
        changes=changes,
        network_after=after,
        notes=notes,
    )
