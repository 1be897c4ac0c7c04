"""The network tables' columns, as data (docs/model.md §1).

One ``Column`` per column of each table: its type, whether it is required, its default, its
unit and what it means. Reading, validation, defaults and the README's table reference all
come from here, so a column is described once.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any, Literal

__all__ = [
    "COUNTRY_CODES",
    "KINDS",
    "SOURCE_KINDS",
    "TABLES",
    "TOOL_KINDS",
    "Column",
    "columns",
    "markdown_reference",
    "suggest_country",
]

Dtype = Literal["str", "float", "bool"]


@dataclass(frozen=True)
class Column:
    """One column of a network table.

    ``dtype`` is ``"str"`` (an id or text), ``"float"`` (a finite number) or ``"bool"``;
    ``default`` fills a missing cell of an optional column (``None``: stays missing);
    ``minimum`` / ``exclusive_minimum`` / ``maximum`` bound numbers.
    """

    name: str
    dtype: Dtype
    required: bool = False
    default: Any = None
    unit: str = ""
    description: str = ""
    minimum: float | None = None
    exclusive_minimum: bool = False
    maximum: float | None = None


KINDS: tuple[str, ...] = ("material", "equipment", "eda_ip", "design", "foundry", "memory", "osat", "compute")
"""Facility kinds, upstream to downstream."""

TOOL_KINDS: frozenset[str] = frozenset({"equipment", "eda_ip"})
"""Kinds whose items are tools (equipment, EDA, IP) unless the item's ``tool`` says otherwise."""

TABLES: dict[str, tuple[Column, ...]] = {
    "items": (
        Column("id", "str", True, description="item id, unique"),
        Column("name", "str", description="human-readable name"),
        Column("tags", "str", default="", description="';'-separated tags, e.g. 'eccn:3B001.f;euv'"),
        Column("node_nm", "float", unit="nm", minimum=0, description="process node of a chip or tool"),
        Column("tpp", "float", minimum=0, description="total processing performance (EAR 3A090)"),
        Column(
            "value",
            "float",
            default=1.0,
            unit="value per unit",
            minimum=0,
            description="value of one unit; weights de minimis content and final output",
        ),
        Column(
            "tool",
            "bool",
            description="technology that makes other goods (equipment, EDA, IP); "
            "default true for items produced by equipment or eda_ip facilities",
        ),
    ),
    "facilities": (
        Column("id", "str", True, description="facility id, unique"),
        Column("name", "str", description="human-readable name"),
        Column("company", "str", True, description="owning company (entity lists name companies)"),
        Column("country", "str", True, unit="ISO 3166 alpha-3", description="where the facility is"),
        Column("kind", "str", True, description="one of " + ", ".join(KINDS)),
        Column("produces", "str", True, description="the item id it makes"),
        Column(
            "capacity",
            "float",
            True,
            unit="units of its item per week",
            minimum=0,
            exclusive_minimum=True,
            description="normal output",
        ),
        Column("recovery_weeks", "float", default=26.0, unit="weeks", minimum=0, description="time to recover if lost"),
        Column(
            "hq_country",
            "str",
            unit="ISO 3166 alpha-3",
            description="where the owning company is headquartered (controls' headquarters clause); "
            "default: the facility's country",
        ),
    ),
    "recipes": (
        Column("facility", "str", True, description="the facility that needs the input"),
        Column("item", "str", True, description="the input item"),
        Column(
            "quantity",
            "float",
            True,
            unit="units of item per unit of output",
            minimum=0,
            exclusive_minimum=True,
            description="bill of materials",
        ),
        Column(
            "stock_weeks", "float", default=0.0, unit="weeks of normal use", minimum=0, description="inventory held"
        ),
        Column(
            "stock_cost",
            "float",
            unit="cost per extra week",
            minimum=0,
            description="cost of one more week of stock (optimiser); empty: cannot be bought",
        ),
    ),
    "supplies": (
        Column("supplier", "str", True, description="supplying facility id"),
        Column("buyer", "str", True, description="buying facility id"),
        Column("item", "str", True, description="the item supplied (the supplier's produces)"),
        Column(
            "share",
            "float",
            True,
            unit="fraction",
            minimum=0,
            exclusive_minimum=True,
            maximum=1,
            description="fraction of the buyer's need for the item this supplier normally delivers",
        ),
    ),
    "candidates": (
        Column("supplier", "str", True, description="would-be supplier facility id"),
        Column("buyer", "str", True, description="buying facility id"),
        Column("item", "str", True, description="the item"),
        Column("cost", "float", True, unit="currency", minimum=0, description="one-off qualification cost"),
        Column("lead_weeks", "float", default=0.0, unit="weeks", minimum=0, description="time to qualify"),
        Column(
            "max_share",
            "float",
            default=1.0,
            unit="fraction",
            minimum=0,
            exclusive_minimum=True,
            maximum=1,
            description="largest share of the buyer's need it could deliver",
        ),
    ),
    "certifications": (
        Column("supplier", "str", True, description="supplier facility id to certify"),
        Column("item", "str", True, description="the item"),
        Column("cost", "float", True, unit="currency", minimum=0, description="one-off cost, shared"),
        Column("lead_weeks", "float", default=0.0, unit="weeks", minimum=0, description="time to certify"),
        Column(
            "max_share",
            "float",
            default=1.0,
            unit="fraction",
            minimum=0,
            exclusive_minimum=True,
            maximum=1,
            description="largest share of each member buyer's need",
        ),
    ),
    "expansions": (
        Column("facility", "str", True, description="the existing facility where capacity would be built"),
        Column(
            "added_capacity",
            "float",
            True,
            unit="units of the facility's item per week",
            minimum=0,
            exclusive_minimum=True,
            description="capacity added once built; its inputs come through the facility's recipes and suppliers",
        ),
        Column("cost", "float", True, unit="currency", minimum=0, description="one-off cost of building it"),
        Column(
            "lead_weeks", "float", default=0.0, unit="weeks", minimum=0, description="time until the capacity is in use"
        ),
    ),
    "ownership": (
        Column("owner", "str", True, description="the holding company (a facilities company name)"),
        Column("owned", "str", True, description="the company held (a facilities company name)"),
        Column(
            "share",
            "float",
            True,
            unit="fraction",
            minimum=0,
            exclusive_minimum=True,
            maximum=1,
            description="fraction of owned held by owner (controls' reach.affiliates)",
        ),
    ),
    "sources": (
        Column(
            "key",
            "str",
            True,
            description="source key, unique; named by the source and <column>_source cells of the other tables",
        ),
        Column(
            "kind",
            "str",
            default="published",
            description="'published' (a publication gives the figure) or 'estimate' (this network's own; "
            "method says how it was made)",
        ),
        Column("author", "str", description="author or publisher"),
        Column("title", "str", description="title of the publication, or a short name of the estimate"),
        Column("year", "str", description="year of publication, or of the data an estimate uses"),
        Column("url", "str", description="where to read it"),
        Column("licence", "str", description="licence of the figures taken from it, when they carry one"),
        Column("method", "str", description="how an estimate was made (required for kind 'estimate')"),
    ),
}
"""Every network table and its columns, in the order reports and written files use."""

OPTIONAL_TABLES: frozenset[str] = frozenset({"candidates", "certifications", "expansions", "ownership", "sources"})

SOURCE_KINDS: tuple[str, ...] = ("published", "estimate")
"""Values of ``sources.kind``."""


def columns(table: str) -> list[str]:
    """The column names of ``table`` in schema order."""
    return [c.name for c in TABLES[table]]


def _iso_countries() -> frozenset[str]:
    import pycountry

    return frozenset(str(c.alpha_3) for c in pycountry.countries)


COUNTRY_CODES: frozenset[str] = _iso_countries()
"""ISO 3166-1 alpha-3 codes (officially assigned), for validating countries and suggesting
typos: pycountry's list (maintained with Debian's iso-codes), not a hand-typed one."""


def markdown_reference() -> str:
    """The tables' columns as Markdown (the README's network reference is this text)."""
    out = []
    for table, cols in TABLES.items():
        optional = " (optional table)" if table in OPTIONAL_TABLES else ""
        out.append(f"**{table}**{optional}\n")
        out.append("| column | required | default | unit | meaning |")
        out.append("|---|---|---|---|---|")
        for c in cols:
            if c.default is None:
                default = ""
            elif c.default == "":
                default = "empty"
            else:
                default = f"`{c.default}`" if isinstance(c.default, str) else f"{c.default:g}"
            out.append(f"| `{c.name}` | {'yes' if c.required else ''} | {default} | {c.unit} | {c.description} |")
        out.append("")
    return "\n".join(out).rstrip() + "\n"


PROMINENT_COUNTRIES: tuple[str, ...] = tuple(
    "USA CHN TWN KOR JPN NLD DEU FRA GBR ISR SGP MYS VNM PHL THA IND IRL ITA CAN MEX BRA SAU ARE "
    "CHE AUS IDN ZAF RUS BEL AUT HKG MAC".split()
)
"""Economies prominent in the chip supply chain, in order of preference when a typo is equally
near several codes."""

COUNTRY_ALIASES: dict[str, str] = {
    "US": "USA",
    "CN": "CHN",
    "PRC": "CHN",
    "TW": "TWN",
    "ROC": "TWN",
    "KR": "KOR",
    "ROK": "KOR",
    "JP": "JPN",
    "JAP": "JPN",
    "NL": "NLD",
    "HOL": "NLD",
    "DE": "DEU",
    "GER": "DEU",
    "FR": "FRA",
    "GB": "GBR",
    "UK": "GBR",
    "IL": "ISR",
    "SG": "SGP",
    "MY": "MYS",
    "VN": "VNM",
    "PH": "PHL",
    "TH": "THA",
    "IN": "IND",
    "IE": "IRL",
    "IT": "ITA",
    "CA": "CAN",
    "MX": "MEX",
    "BR": "BRA",
    "SA": "SAU",
    "AE": "ARE",
    "UAE": "ARE",
    "CH": "CHE",
    "AU": "AUS",
    "ID": "IDN",
    "ZA": "ZAF",
    "RU": "RUS",
    "BE": "BEL",
    "AT": "AUT",
    "HK": "HKG",
    "MO": "MAC",
}
"""Common non-ISO spellings (ISO alpha-2 and habits) of prominent economies, for suggestions."""

COUNTRY_NAMES: dict[str, str] = {
    "UNITED STATES": "USA",
    "UNITED STATES OF AMERICA": "USA",
    "AMERICA": "USA",
    "CHINA": "CHN",
    "PEOPLE'S REPUBLIC OF CHINA": "CHN",
    "MAINLAND CHINA": "CHN",
    "TAIWAN": "TWN",
    "SOUTH KOREA": "KOR",
    "KOREA": "KOR",
    "REPUBLIC OF KOREA": "KOR",
    "JAPAN": "JPN",
    "NETHERLANDS": "NLD",
    "THE NETHERLANDS": "NLD",
    "HOLLAND": "NLD",
    "GERMANY": "DEU",
    "FRANCE": "FRA",
    "UNITED KINGDOM": "GBR",
    "BRITAIN": "GBR",
    "GREAT BRITAIN": "GBR",
    "ISRAEL": "ISR",
    "SINGAPORE": "SGP",
    "MALAYSIA": "MYS",
    "VIETNAM": "VNM",
    "VIET NAM": "VNM",
    "PHILIPPINES": "PHL",
    "THAILAND": "THA",
    "INDIA": "IND",
    "IRELAND": "IRL",
    "ITALY": "ITA",
    "CANADA": "CAN",
    "MEXICO": "MEX",
    "BRAZIL": "BRA",
    "SAUDI ARABIA": "SAU",
    "UNITED ARAB EMIRATES": "ARE",
    "SWITZERLAND": "CHE",
    "AUSTRALIA": "AUS",
    "INDONESIA": "IDN",
    "SOUTH AFRICA": "ZAF",
    "RUSSIA": "RUS",
    "BELGIUM": "BEL",
    "AUSTRIA": "AUT",
    "HONG KONG": "HKG",
    "MACAU": "MAC",
    "MACAO": "MAC",
}
"""English names (upper case, single spaces) of prominent economies, for suggestions."""


def _edit_distance(a: str, b: str) -> int:
    """Optimal-string-alignment distance: insertions, deletions, substitutions, transpositions."""
    d = [[i + j if i * j == 0 else 0 for j in range(len(b) + 1)] for i in range(len(a) + 1)]
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] != b[j - 1]))
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[-1][-1]


@functools.cache
def country_name(code: str) -> str:
    """The English name of an ISO 3166 alpha-3 code, from pycountry (the ISO 3166 list that
    Debian's iso-codes maintains): its common name where ISO gives one (``KOR`` -> ``South
    Korea``, ``TWN`` -> ``Taiwan``), else its short name (``CHN`` -> ``China``); an unknown code
    is returned as it is."""
    import pycountry

    found = pycountry.countries.get(alpha_3=str(code).upper())
    if found is None:
        return str(code)
    return str(getattr(found, "common_name", None) or found.name)


def country_label(code: str) -> str:
    """``China (CHN)``: a country's name with its code, for plots and pages."""
    name = country_name(code)
    return f"{name} ({code})" if name != code else str(code)


@functools.lru_cache(maxsize=4096)
def suggest_country(code: str) -> str | None:
    """The ISO 3166 alpha-3 code a typo most likely meant (``CHM`` -> ``CHN``, ``usa`` -> ``USA``,
    ``United States`` -> ``USA``): a known alias or English name, else the nearest code by edit
    distance (a swap counts once; at most 1, so only values of 2 to 4 letters are compared),
    prominent chip economies first, or None. Answers are cached: a column of 2 000 equal bad
    codes costs one lookup."""
    upper = " ".join(str(code).split()).upper()
    if upper in COUNTRY_CODES:
        return upper
    if upper in COUNTRY_ALIASES:
        return COUNTRY_ALIASES[upper]
    if upper in COUNTRY_NAMES:
        return COUNTRY_NAMES[upper]
    if not 2 <= len(upper) <= 4:
        return None
    preference = {c: i for i, c in enumerate(PROMINENT_COUNTRIES)}
    ranked = sorted((_edit_distance(upper, c), preference.get(c, len(preference)), c) for c in COUNTRY_CODES)
    return ranked[0][2] if ranked and ranked[0][0] <= 1 else None
