"""Synthetic, realistic-shaped semiconductor supply networks for benchmarks.

``generate_network(n_facilities, n_supplies, seed)`` builds a layered network shaped like the
real chain (docs/model.md §1), vectorised with numpy so the 10 000-facility / 100 000-supply case
takes a few seconds (most of it the ``Network`` validation):

    material ─┬─> equipment subsystems ─> equipment tools ─┐
              │                                             ├─> foundry ─┐
    EDA tools ┴─> IP cores ─> design ──────────────────────┘            ├─> osat ─> compute
                                                                memory ──┘

* ~25 countries (ISO alpha-3), each kind concentrated where it is in reality (lithography in
  NLD/JPN, foundries in TWN, memory in KOR, gallium in CHN, ...); every item has a "home"
  country holding most of its producers.
* each facility produces one item; several facilities make each item, popular items having
  more producers (Zipf weights), so a few items are chokepoints;
* every non-source facility has 2–6 recipe rows (distinct items from the layers upstream);
  the foundries of ~10 % of wafer items buy test wafers from each other (rings: cycles); ~20 % of recipes hold
  stock;
* ``supplies`` has exactly ``n_supplies`` rows: each recipe is served by 1..8 distinct
  producers of its item (never the buyer), shares from integer weights, summing exactly to
  1 per recipe (the last share is 1 − the others);
* capacities are set downstream-first so that every supplier covers its normal demand with
  20 % headroom (capacity = max(base, 1.2 × demand)).

``generate_scenario(network, n_controls, seed)`` returns a ``Scenario`` with controls shaped
like real ones (US advanced computing with the foreign direct product rule, Dutch/Japanese
lithography, a de minimis rule, an entity list, China's gallium/germanium export ban) and a
26-week loss of the largest foundry country.

Both are deterministic given the seed. ``python benchmarks/generate.py`` prints the sizes.
"""

from __future__ import annotations

import argparse
import fnmatch
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

# Benchmark the source tree this file belongs to, whatever is installed in the environment.
_ROOT = str(Path(__file__).resolve().parents[1])
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

__all__ = ["COUNTRIES", "generate_network", "generate_scenario", "generate_tables"]

COUNTRIES: tuple[str, ...] = (
    "USA",
    "CHN",
    "TWN",
    "KOR",
    "JPN",
    "NLD",
    "DEU",
    "FRA",
    "GBR",
    "ISR",
    "SGP",
    "MYS",
    "VNM",
    "PHL",
    "THA",
    "IND",
    "IRL",
    "ITA",
    "CAN",
    "MEX",
    "BRA",
    "SAU",
    "ARE",
    "CHE",
    "AUS",
)
"""The 25 countries facilities are placed in."""

_FLOOR = 0.004
"""Weight every country gets in every layer, so that no layer is empty of any country."""


def _weights(**by_country: float) -> np.ndarray:
    """A probability vector over ``COUNTRIES``: the given weights plus a small floor."""
    w = np.full(len(COUNTRIES), _FLOOR)
    for code, value in by_country.items():
        w[COUNTRIES.index(code)] += value
    return w / w.sum()


@dataclass(frozen=True)
class _Subtype:
    """One family of items: id prefix, tags, value range and where it is made."""

    name: str
    tags: str
    value: tuple[float, float]
    countries: np.ndarray | None = None  # overrides the tier's country weights
    node_nm: tuple[float, ...] = ()
    tpp: tuple[float, float] | None = None


@dataclass(frozen=True)
class _Tier:
    """One layer: a facility kind, the share of all facilities, its item families, what it buys."""

    name: str
    kind: str
    fraction: float
    producers_per_item: float
    subtypes: tuple[_Subtype, ...]
    countries: np.ndarray
    capacity: tuple[float, float]  # log-uniform base capacity per week
    recovery: tuple[int, int]
    # input pools: (tier name, min count, max count, quantity range) drawn per facility
    inputs: tuple[tuple[str, int, int, tuple[float, float]], ...] = ()
    tool: bool = False


_TIERS: tuple[_Tier, ...] = (
    _Tier(
        "material",
        "material",
        0.10,
        5.0,
        (
            _Subtype("silicon_wafer", "silicon;wafer_blank", (50, 200), _weights(JPN=0.5, TWN=0.15, DEU=0.15, KOR=0.1)),
            _Subtype("photoresist", "photoresist;chemical", (100, 1000), _weights(JPN=0.8, USA=0.1, KOR=0.05)),
            _Subtype("neon", "neon;gas", (1, 10), _weights(CHN=0.3, USA=0.2, JPN=0.1, KOR=0.1)),
            _Subtype("fluorinated_gas", "gas;fluorine", (5, 50), _weights(JPN=0.4, KOR=0.2, CHN=0.2, USA=0.1)),
            _Subtype("gallium", "gallium;critical_mineral", (200, 600), _weights(CHN=0.95)),
            _Subtype("germanium", "germanium;critical_mineral", (500, 1500), _weights(CHN=0.7, USA=0.05, DEU=0.05)),
            _Subtype("rare_earth", "rare_earth;critical_mineral", (20, 200), _weights(CHN=0.85, AUS=0.1)),
            _Subtype("quartz", "high_purity_quartz", (10, 80), _weights(USA=0.6, JPN=0.2, DEU=0.1)),
            _Subtype("sputter_target", "sputtering_target;metal", (100, 500), _weights(JPN=0.5, USA=0.3)),
            _Subtype("cmp_slurry", "cmp;chemical", (20, 100), _weights(USA=0.4, JPN=0.4, KOR=0.1)),
        ),
        _weights(CHN=0.3, JPN=0.25, USA=0.12, DEU=0.08, KOR=0.07, TWN=0.05),
        (1e4, 1e6),
        (4, 26),
    ),
    _Tier(
        "eda_base",
        "eda_ip",
        0.015,
        4.0,
        (
            _Subtype("eda_suite", "eda;eccn:3D991", (1e5, 1e6), _weights(USA=0.85, DEU=0.05, CHN=0.05)),
            _Subtype("gaafet_eda", "eda;gaafet;eccn:3D006", (5e5, 3e6), _weights(USA=0.95)),
        ),
        _weights(USA=0.8, GBR=0.05, CHN=0.05),
        (50, 500),
        (26, 104),
        tool=True,
    ),
    _Tier(
        "eda_ip",
        "eda_ip",
        0.025,
        4.0,
        (
            _Subtype("cpu_ip", "ip;cpu_core", (1e5, 1e6), _weights(GBR=0.6, USA=0.3)),
            _Subtype("interface_ip", "ip;serdes", (5e4, 5e5), _weights(USA=0.6, CAN=0.1, TWN=0.1)),
            _Subtype("hbm_phy_ip", "ip;hbm", (1e5, 5e5), _weights(USA=0.6, KOR=0.2, TWN=0.1)),
        ),
        _weights(USA=0.6, GBR=0.15, TWN=0.05, CHN=0.05),
        (50, 500),
        (26, 104),
        (("eda_base", 2, 3, (0.05, 0.5)),),
        tool=True,
    ),
    _Tier(
        "eq_subsystem",
        "equipment",
        0.03,
        3.0,
        (
            _Subtype("euv_light_source", "euv;light_source;eccn:3B001.f", (5e6, 2e7), _weights(USA=0.5, NLD=0.3)),
            _Subtype("litho_optics", "optics;lithography;eccn:3B001.f", (5e6, 3e7), _weights(DEU=0.8, JPN=0.15)),
            _Subtype("vacuum_pump", "vacuum", (1e4, 1e5), _weights(GBR=0.3, DEU=0.3, JPN=0.3)),
            _Subtype("rf_generator", "rf_power", (2e4, 2e5), _weights(USA=0.6, JPN=0.3)),
            _Subtype("excimer_laser", "laser;duv;eccn:3B001.f", (1e6, 5e6), _weights(USA=0.5, JPN=0.4)),
        ),
        _weights(USA=0.3, JPN=0.3, DEU=0.2, NLD=0.1),
        (1, 50),
        (26, 78),
        (("material", 2, 4, (0.5, 20.0)),),
        tool=True,
    ),
    _Tier(
        "eq_tool",
        "equipment",
        0.06,
        4.0,
        (
            _Subtype(
                "euv_scanner", "lithography;euv;eccn:3B001.f.4", (1.5e8, 3.5e8), _weights(NLD=0.95), node_nm=(2, 3, 5)
            ),
            _Subtype(
                "duv_immersion",
                "lithography;duv;immersion;eccn:3B001.f.1",
                (5e7, 9e7),
                _weights(NLD=0.7, JPN=0.3),
                node_nm=(7, 14, 28),
            ),
            _Subtype(
                "duv_dry",
                "lithography;duv;eccn:3B993",
                (1e7, 3e7),
                _weights(NLD=0.4, JPN=0.5, CHN=0.1),
                node_nm=(28, 65, 90),
            ),
            _Subtype("etch", "etch;eccn:3B001.c", (3e6, 1e7), _weights(USA=0.6, JPN=0.3, CHN=0.05)),
            _Subtype("deposition", "deposition;eccn:3B001.d", (2e6, 8e6), _weights(USA=0.6, JPN=0.25, NLD=0.05)),
            _Subtype("epitaxy", "epitaxy;eccn:3B001.a", (2e6, 6e6), _weights(USA=0.5, JPN=0.3, NLD=0.1)),
            _Subtype("ion_implant", "implant;eccn:3B993", (3e6, 7e6), _weights(USA=0.8, JPN=0.1)),
            _Subtype("metrology", "metrology;inspection;eccn:3B992", (2e6, 1e7), _weights(USA=0.6, JPN=0.2, ISR=0.1)),
            _Subtype("track", "coater_developer;eccn:3B001.f", (3e6, 8e6), _weights(JPN=0.9)),
            _Subtype("cmp_tool", "cmp;eccn:3B993", (2e6, 4e6), _weights(USA=0.6, JPN=0.35)),
        ),
        _weights(USA=0.35, JPN=0.25, NLD=0.12, DEU=0.05, KOR=0.05, CHN=0.08),
        (0.5, 20),
        (26, 104),
        (("material", 1, 3, (1.0, 50.0)), ("eq_subsystem", 1, 3, (1.0, 4.0))),
        tool=True,
    ),
    _Tier(
        "design",
        "design",
        0.12,
        4.0,
        (
            _Subtype("accelerator_design", "design;ai;eccn:3E001", (1e6, 1e7), _weights(USA=0.7, CHN=0.15)),
            _Subtype("cpu_design", "design;cpu;eccn:3E001", (5e5, 5e6), _weights(USA=0.5, GBR=0.1, CHN=0.15)),
            _Subtype("soc_design", "design;mobile", (2e5, 2e6), _weights(USA=0.3, TWN=0.2, CHN=0.3, KOR=0.1)),
            _Subtype("asic_design", "design;asic", (1e5, 1e6), _weights(USA=0.3, TWN=0.2, CHN=0.2, ISR=0.1)),
        ),
        _weights(USA=0.45, CHN=0.15, TWN=0.1, KOR=0.05, GBR=0.05, ISR=0.05),
        (5, 100),
        (8, 26),
        (("eda_base", 1, 2, (0.01, 0.1)), ("eda_ip", 1, 3, (0.01, 0.2))),
    ),
    _Tier(
        "foundry",
        "foundry",
        0.14,
        5.0,
        (
            _Subtype("logic_wafer", "wafer;logic", (3e3, 2e4), node_nm=(3, 5, 7, 10, 14, 16, 22, 28)),
            _Subtype("mature_wafer", "wafer;logic;mature", (5e2, 3e3), node_nm=(40, 55, 65, 90, 130, 180)),
            _Subtype("specialty_wafer", "wafer;analog;power", (5e2, 2e3), node_nm=(90, 130, 180, 350)),
        ),
        _weights(TWN=0.4, CHN=0.2, KOR=0.12, USA=0.1, JPN=0.05, SGP=0.03, DEU=0.02),
        (1e3, 1e5),
        (26, 78),
        (("material", 1, 2, (0.5, 5.0)), ("eq_tool", 1, 2, (1e-5, 1e-4)), ("design", 1, 1, (1e-4, 1e-3))),
    ),
    _Tier(
        "memory",
        "memory",
        0.08,
        6.0,
        (
            _Subtype("dram", "memory;dram", (2, 5)),
            _Subtype("hbm", "memory;dram;hbm;eccn:3A090.c", (20, 60)),
            _Subtype("nand", "memory;nand", (1, 4)),
        ),
        _weights(KOR=0.45, CHN=0.15, USA=0.15, JPN=0.1, TWN=0.05),
        (1e4, 1e6),
        (26, 78),
        (("material", 1, 3, (0.001, 0.01)), ("eq_tool", 1, 2, (1e-8, 1e-7)), ("eda_ip", 0, 1, (1e-6, 1e-5))),
    ),
    _Tier(
        "osat",
        "osat",
        0.14,
        6.0,
        (
            _Subtype("ai_accelerator", "ai_accelerator;gpu;eccn:3A090.a", (1e4, 4e4), tpp=(1000, 21000)),
            _Subtype("server_cpu", "cpu;eccn:5A992.c", (1e3, 1e4), tpp=(200, 2000)),
            _Subtype("mobile_soc", "soc;mobile;eccn:5A992.c", (50, 200), tpp=(20, 200)),
            _Subtype("network_chip", "networking;eccn:5A002", (100, 1000)),
            _Subtype("power_chip", "analog;power;ear99", (1, 10)),
        ),
        _weights(TWN=0.25, CHN=0.25, MYS=0.1, KOR=0.07, USA=0.05, VNM=0.05, PHL=0.05, SGP=0.04, THA=0.03),
        (1e3, 1e5),
        (8, 26),
        (
            ("foundry", 1, 2, (0.002, 0.02)),
            ("memory", 0, 2, (1.0, 8.0)),
            ("material", 1, 1, (0.01, 0.1)),
            ("eq_tool", 0, 1, (1e-8, 1e-7)),
        ),
    ),
    _Tier(
        "compute",
        "compute",
        0.29,
        12.0,
        (
            _Subtype("ai_compute", "compute;ai_training", (1e5, 5e5)),
            _Subtype("cloud_compute", "compute;cloud", (2e4, 1e5)),
            _Subtype("edge_compute", "compute;edge", (5e3, 2e4)),
        ),
        _weights(
            USA=0.4,
            CHN=0.15,
            IRL=0.04,
            DEU=0.04,
            JPN=0.04,
            GBR=0.04,
            SGP=0.03,
            IND=0.03,
            SAU=0.03,
            ARE=0.03,
            KOR=0.03,
            FRA=0.03,
            CAN=0.03,
        ),
        (10, 1e3),
        (4, 26),
        (("osat", 1, 3, (1.0, 8.0)), ("memory", 1, 2, (1.0, 16.0))),
    ),
)

_TIER_INDEX = {t.name: i for i, t in enumerate(_TIERS)}
MAX_SUPPLIERS = 8
"""Most suppliers of one recipe row."""
TEST_WAFER_SHARE = 0.1
"""Fraction of foundry items whose producers also buy test wafers from each other (the cycles)."""
STOCK_SHARE = 0.2
"""Fraction of recipe rows holding stock."""


def _log_uniform(rng: np.random.Generator, lo: float, hi: float, size: int | np.ndarray) -> np.ndarray:
    return np.exp(rng.uniform(np.log(lo), np.log(hi), size))


def _zipf(rng: np.random.Generator, n: int, exponent: float = 0.8) -> np.ndarray:
    """Zipf-like popularity weights for n items, in random order, summing to 1."""
    w = 1.0 / np.arange(1, n + 1) ** exponent
    rng.shuffle(w)
    return w / w.sum()


def _check(ok: bool | np.bool_, message: str) -> None:
    """An invariant of the generated tables (kept under ``python -O``, unlike ``assert``)."""
    if not ok:
        raise RuntimeError(f"generator bug: {message}")


def _group_starts(sorted_keys: np.ndarray, n_groups: int) -> np.ndarray:
    """Start offsets (length n_groups + 1) of each key's run in a sorted key array."""
    return np.searchsorted(sorted_keys, np.arange(n_groups + 1))


def generate_tables(n_facilities: int = 10_000, n_supplies: int = 100_000, seed: int = 0) -> dict[str, pd.DataFrame]:
    """The four network tables (``items``, ``facilities``, ``recipes``, ``supplies``).

    Raises ``ValueError`` when ``n_supplies`` cannot be met (fewer than one supply per recipe
    row, or more than the producers allow).
    """
    if n_facilities < 4 * len(_TIERS):
        raise ValueError(f"n_facilities must be at least {4 * len(_TIERS)}")
    rng = np.random.default_rng(seed)
    n_tiers = len(_TIERS)

    # ---- facilities per tier, items per tier and subtype --------------------------------
    fractions = np.array([t.fraction for t in _TIERS])
    fac_counts = np.maximum(2, np.floor(fractions * n_facilities)).astype(np.int64)
    fac_counts[-1] += n_facilities - fac_counts.sum()  # compute absorbs the rounding
    fac_tier = np.repeat(np.arange(n_tiers), fac_counts)

    item_tier_l: list[np.ndarray] = []
    item_sub_l: list[np.ndarray] = []  # global subtype index
    item_prefix: list[str] = []
    sub_of: list[tuple[int, _Subtype]] = []
    fac_item_local: list[np.ndarray] = []
    item_weights: list[np.ndarray] = []  # popularity within the tier
    item_offset = 0
    tier_item_start = np.zeros(n_tiers + 1, dtype=np.int64)
    for ti, tier in enumerate(_TIERS):
        n_fac = int(fac_counts[ti])
        n_items = int(np.clip(round(n_fac / tier.producers_per_item), len(tier.subtypes), n_fac))
        n_items = min(n_items, n_fac)
        sub_local = np.arange(n_items) % len(tier.subtypes)
        rng.shuffle(sub_local)
        w = _zipf(rng, n_items)
        # every item gets one producer, the rest follow popularity
        local = np.concatenate([np.arange(n_items), rng.choice(n_items, n_fac - n_items, p=w)])
        rng.shuffle(local)
        fac_item_local.append(local + item_offset)
        item_tier_l.append(np.full(n_items, ti))
        item_sub_l.append(sub_local + len(sub_of))
        item_weights.append(w)
        for s in tier.subtypes:
            sub_of.append((ti, s))
            item_prefix.append(s.name)
        tier_item_start[ti] = item_offset
        item_offset += n_items
    tier_item_start[n_tiers] = item_offset
    n_items_total = item_offset
    item_tier = np.concatenate(item_tier_l)
    item_sub = np.concatenate(item_sub_l)
    fac_item = np.concatenate(fac_item_local)

    # ---- item attributes ------------------------------------------------------------------
    item_value = np.empty(n_items_total)
    item_node = np.full(n_items_total, np.nan)
    item_tpp = np.full(n_items_total, np.nan)
    item_tags = np.empty(n_items_total, dtype=object)
    item_ids = np.empty(n_items_total, dtype=object)
    item_home = np.empty(n_items_total, dtype=np.int64)
    for si, (ti, sub) in enumerate(sub_of):
        idx = np.flatnonzero(item_sub == si)
        if idx.size == 0:
            continue
        item_value[idx] = np.round(_log_uniform(rng, *sub.value, idx.size), 2)
        item_ids[idx] = [f"{sub.name}_{j:04d}" for j in range(idx.size)]
        tags = np.full(idx.size, sub.tags, dtype=object)
        if sub.node_nm:
            nodes = rng.choice(np.array(sub.node_nm, dtype=float), idx.size)
            item_node[idx] = nodes
            if sub.name == "logic_wafer":
                tags = np.where(nodes <= 16, tags + ";advanced_node", tags)
        if sub.tpp is not None:
            item_tpp[idx] = np.round(_log_uniform(rng, *sub.tpp, idx.size))
        item_tags[idx] = tags
        p = sub.countries if sub.countries is not None else _TIERS[ti].countries
        item_home[idx] = rng.choice(len(COUNTRIES), idx.size, p=p)
    item_tool = np.array([_TIERS[t].tool for t in item_tier])

    # ---- facilities: country, company, capacity ---------------------------------------------
    n_fac = n_facilities
    home = item_home[fac_item]
    tier_p = np.stack([t.countries for t in _TIERS])
    # inverse-CDF draw from each facility's tier weights, vectorised
    cdf = np.cumsum(tier_p, axis=1)[fac_tier]
    elsewhere = (cdf < rng.random(n_fac)[:, None]).sum(axis=1).clip(max=len(COUNTRIES) - 1)
    fac_country = np.where(rng.random(n_fac) < 0.6, home, elsewhere)
    kinds = np.array([t.kind for t in _TIERS], dtype=object)
    fac_kind = kinds[fac_tier]
    # companies: ~6 facilities of one kind in one country per company
    key = fac_tier * len(COUNTRIES) + fac_country
    group_size = np.bincount(key, minlength=n_tiers * len(COUNTRIES))[key]
    company_no = (rng.random(n_fac) * np.maximum(1, group_size // 6)).astype(np.int64)
    countries = np.array(COUNTRIES, dtype=object)
    fac_company = (
        np.char.lower(countries[fac_country].astype(str)).astype(object)
        + "_"
        + np.array([t.name for t in _TIERS], dtype=object)[fac_tier]
        + "_"
        + company_no.astype(str).astype(object)
    )
    cap_lo = np.array([t.capacity[0] for t in _TIERS])[fac_tier]
    cap_hi = np.array([t.capacity[1] for t in _TIERS])[fac_tier]
    base_capacity = np.exp(rng.uniform(np.log(cap_lo), np.log(cap_hi)))
    rec_lo = np.array([t.recovery[0] for t in _TIERS])[fac_tier]
    rec_hi = np.array([t.recovery[1] for t in _TIERS])[fac_tier]
    recovery = rng.integers(rec_lo, rec_hi + 1).astype(float)
    fac_ids = np.char.add("f", np.char.zfill(np.arange(n_fac).astype(str), 5)).astype(object)

    # producers of each item, contiguous: order facilities by item
    by_item = np.argsort(fac_item, kind="stable")
    prod_start = _group_starts(fac_item[by_item], n_items_total)
    n_producers = np.diff(prod_start)
    pos_in_item = np.empty(n_fac, dtype=np.int64)
    pos_in_item[by_item] = np.arange(n_fac) - prod_start[fac_item[by_item]]

    # ---- recipes: per facility, per input pool, distinct items ---------------------------------
    rec_fac_l: list[np.ndarray] = []
    rec_item_l: list[np.ndarray] = []
    rec_qty_l: list[np.ndarray] = []
    for ti, tier in enumerate(_TIERS):
        facs = np.flatnonzero(fac_tier == ti)
        pools = list(tier.inputs)
        if tier.name == "foundry":
            pools.append(("foundry", 0, 0, (1e-4, 1e-3)))  # test wafers, drawn below
        for pool, lo, hi, (q_lo, q_hi) in pools:
            pi = _TIER_INDEX[pool]
            start, stop = tier_item_start[pi], tier_item_start[pi + 1]
            w = item_weights[pi]
            if pool == tier.name:
                # test wafers: every producer of a few multi-producer items buys that item from
                # its peers (never itself), so each such item closes a ring of foundries
                multi = start + np.flatnonzero(n_producers[start:stop] >= 2)
                n_ring = min(multi.size, max(1, round(TEST_WAFER_SHARE * (stop - start))))
                ring_items = rng.choice(multi, n_ring, replace=False)
                owner = facs[np.isin(fac_item[facs], ring_items)]
                rec_fac_l.append(owner)
                rec_item_l.append(fac_item[owner])
                rec_qty_l.append(_log_uniform(rng, q_lo, q_hi, owner.size))
                continue
            counts = np.minimum(rng.integers(lo, hi + 1, facs.size), stop - start)
            owner = np.repeat(facs, counts)
            items = start + rng.choice(stop - start, owner.size, p=w)
            # redraw duplicates (same facility, same item) until none are left
            for _ in range(100):
                order = np.lexsort((items, owner))
                dup = np.zeros(owner.size, dtype=bool)
                dup[order[1:]] = (owner[order[1:]] == owner[order[:-1]]) & (items[order[1:]] == items[order[:-1]])
                if not dup.any():
                    break
                items[dup] = start + rng.choice(stop - start, int(dup.sum()), p=w)
            else:  # pragma: no cover - pools are far larger than the counts
                raise RuntimeError("could not draw distinct recipe items")
            rec_fac_l.append(owner)
            rec_item_l.append(items)
            rec_qty_l.append(_log_uniform(rng, q_lo, q_hi, owner.size))
    rec_fac = np.concatenate(rec_fac_l)
    rec_item = np.concatenate(rec_item_l)
    rec_qty = np.concatenate(rec_qty_l)
    order = np.lexsort((rec_item, rec_fac))
    rec_fac, rec_item, rec_qty = rec_fac[order], rec_item[order], rec_qty[order]
    n_rec = rec_fac.size
    per_fac = np.bincount(rec_fac, minlength=n_fac)
    non_source = per_fac > 0
    _check(per_fac[non_source].min() >= 2 and per_fac.max() <= 6, "2-6 inputs per facility")
    rec_stock = np.where(rng.random(n_rec) < STOCK_SHARE, rng.integers(1, 13, n_rec), 0).astype(float)
    # test wafers are small and stockable: 26-39 weeks in stock keeps the rings' feedback weak
    ring_recipe = fac_item[rec_fac] == rec_item
    rec_stock[ring_recipe] = rng.integers(26, 40, int(ring_recipe.sum()))

    # ---- supplies: how many suppliers per recipe row --------------------------------------------
    self_item = fac_item[rec_fac] == rec_item  # buying its own item (test wafers): exclude itself
    cap = np.minimum(MAX_SUPPLIERS, n_producers[rec_item] - self_item)
    _check(cap.min() >= 1, "a recipe item without another producer")
    extra = n_supplies - n_rec
    slots = cap - 1
    if extra < 0 or extra > slots.sum():
        raise ValueError(
            f"n_supplies={n_supplies} is impossible with {n_rec} recipe rows; "
            f"choose between {n_rec} and {n_rec + int(slots.sum())}"
        )
    chosen = rng.choice(int(slots.sum()), extra, replace=False)
    k = 1 + np.bincount(np.repeat(np.arange(n_rec), slots)[chosen], minlength=n_rec)
    _check(k.sum() == n_supplies and (k <= cap).all(), "supplier counts")

    # ---- supplies: which producers; consecutive positions from a random base are distinct --
    sup_rec = np.repeat(np.arange(n_rec), k)
    rec_start = np.concatenate([[0], np.cumsum(k)[:-1]])
    j = np.arange(n_supplies) - rec_start[sup_rec]
    n_k = n_producers[rec_item]
    base = rng.integers(0, n_k)
    base = np.where(self_item, pos_in_item[rec_fac] + 1, base)  # self + 1 .. self + n_k - 1
    pos = (base[sup_rec] + j) % n_k[sup_rec]
    sup_supplier = by_item[prod_start[rec_item[sup_rec]] + pos]
    sup_buyer = rec_fac[sup_rec]
    _check((sup_supplier != sup_buyer).all(), "self-supply")
    _check((fac_item[sup_supplier] == rec_item[sup_rec]).all(), "supplier does not make the item")

    # shares: integer weights normalised; the last of each recipe is 1 - the others
    weight = rng.integers(1, 10, n_supplies).astype(float)
    share = weight / np.bincount(sup_rec, weights=weight, minlength=n_rec)[sup_rec]
    last = np.cumsum(k) - 1
    is_last = np.zeros(n_supplies, dtype=bool)
    is_last[last] = True
    others = np.bincount(sup_rec, weights=np.where(is_last, 0.0, share), minlength=n_rec)
    share[last] = 1.0 - others
    total = np.bincount(sup_rec, weights=share, minlength=n_rec)
    _check(np.abs(total - 1.0).max() < 1e-9, "shares do not sum to 1 within 1e-9")
    _check(((share > 0) & (share <= 1)).all(), "share outside (0, 1]")

    # ---- capacities: downstream first, every supplier covers its demand with 20 % headroom ----
    capacity = base_capacity.copy()
    sup_qty = rec_qty[sup_rec] * share
    for ti in range(n_tiers - 1, -1, -1):
        members = fac_tier == ti
        for _ in range(1000):  # more than one pass only inside the test-wafer cycles
            demand = np.bincount(sup_supplier, weights=capacity[sup_buyer] * sup_qty, minlength=n_fac)
            short = members & (capacity < demand)
            if not short.any():
                break
            capacity[short] = 1.2 * demand[short]
        else:  # pragma: no cover
            raise RuntimeError("capacities did not converge")
    demand = np.bincount(sup_supplier, weights=capacity[sup_buyer] * sup_qty, minlength=n_fac)
    _check((capacity >= demand).all(), "a supplier short of capacity")

    # ---- tables -------------------------------------------------------------------------------
    items = pd.DataFrame(
        {
            "id": item_ids,
            "name": [f"{n.replace('_', ' ')}" for n in item_ids],
            "tags": item_tags,
            "node_nm": item_node,
            "tpp": item_tpp,
            "value": item_value,
            "tool": item_tool,
        }
    )
    facilities = pd.DataFrame(
        {
            "id": fac_ids,
            "name": fac_company + " " + fac_ids,
            "company": fac_company,
            "country": countries[fac_country],
            "kind": fac_kind,
            "produces": item_ids[fac_item],
            "capacity": capacity,
            "recovery_weeks": recovery,
        }
    )
    recipes = pd.DataFrame(
        {
            "facility": fac_ids[rec_fac],
            "item": item_ids[rec_item],
            "quantity": rec_qty,
            "stock_weeks": rec_stock,
        }
    )
    supplies = pd.DataFrame(
        {
            "supplier": fac_ids[sup_supplier],
            "buyer": fac_ids[sup_buyer],
            "item": item_ids[rec_item[sup_rec]],
            "share": share,
        }
    )
    return {"items": items, "facilities": facilities, "recipes": recipes, "supplies": supplies}


def generate_network(n_facilities: int = 10_000, n_supplies: int = 100_000, seed: int = 0) -> Any:
    """A validated ``supplychain.Network`` from ``generate_tables`` (see the module doc)."""
    import supplychain as sc

    tables = generate_tables(n_facilities, n_supplies, seed)
    return sc.Network(
        tables["items"],
        tables["facilities"],
        tables["recipes"],
        tables["supplies"],
        name=f"synthetic-{n_facilities}-{n_supplies}-s{seed}",
    )


def _matching(patterns: list[str], items: pd.DataFrame) -> list[str]:
    """The patterns that match some item id or tag (a pattern matching nothing is an error)."""
    names = set(items["id"]) | {t for tags in items["tags"] for t in str(tags).split(";") if t}
    return [p for p in patterns if fnmatch.filter(names, p)]


def scenario_dict(
    facilities: pd.DataFrame, items: pd.DataFrame, n_controls: int = 5, seed: int = 0, network: str | None = None
) -> dict[str, Any]:
    """The scenario of ``generate_scenario`` as a plain dict (docs/model.md §2 shape)."""
    rng = np.random.default_rng(seed)
    chn = facilities[(facilities["country"] == "CHN") & facilities["kind"].isin(["design", "foundry", "compute"])]
    top = chn["company"].value_counts()
    top = top.iloc[: max(1, min(6, len(top)))]
    end_users = sorted(rng.choice(top.index.to_numpy(dtype=object), min(3, len(top)), replace=False).tolist())
    templates: list[dict[str, Any]] = [
        {
            "name": "us-advanced-computing",
            "issuer": "USA",
            "items": ["ai_accelerator*", "eccn:3A090*"],
            "where": {"tpp": {"min": 4800}},
            "destinations": ["CHN", "MAC"],
            "reach": {"foreign_direct_product": True},
            "licence_approval": 0.0,
        },
        {
            "name": "nl-jp-lithography",
            "issuer": ["NLD", "JPN"],
            "items": ["euv_scanner*", "duv_immersion*", "eccn:3B001.f*"],
            "destinations": ["CHN"],
            "licence_approval": 0.1,
        },
        {
            "name": "us-sme-de-minimis",
            "issuer": "USA",
            "items": ["eccn:3B001*", "eccn:3B993*", "eccn:3D*"],
            "destinations": ["CHN", "MAC"],
            "reach": {"de_minimis": 0.25},
            "licence_approval": 0.2,
        },
        {
            "name": "us-entity-list",
            "issuer": "USA",
            "end_users": end_users,
            "reach": {"foreign_direct_product": True},
            "licence_approval": 0.0,
        },
        {
            "name": "chn-gallium-germanium",
            "issuer": "CHN",
            "items": ["gallium*", "germanium*"],
            "destinations": ["USA"],
            "licence_approval": 0.0,
        },
    ]
    controls = [dict(t) for t in templates[:n_controls]]
    for c in controls:
        if "items" in c:
            c["items"] = _matching(c["items"], items)
    subtypes = _matching([f"{s.name}*" for t in _TIERS for s in t.subtypes], items)
    for i in range(len(templates), n_controls):  # more controls: random but plausible ones
        issuer = str(rng.choice(["USA", "JPN", "NLD", "KOR", "CHN", "DEU", "TWN"]))
        dests = sorted(
            rng.choice([c for c in COUNTRIES if c != issuer], int(rng.integers(1, 4)), replace=False).tolist()
        )
        controls.append(
            {
                "name": f"extra-control-{i}",
                "issuer": issuer,
                "items": [str(rng.choice(subtypes))],
                "destinations": dests,
                "licence_approval": float(np.round(rng.uniform(0, 0.5), 2)),
            }
        )
    foundry_countries = facilities.loc[facilities["kind"] == "foundry", "country"].value_counts()
    hit = str(foundry_countries.index[0])  # the largest foundry country (TWN in practice)
    out: dict[str, Any] = {
        "name": f"synthetic-{n_controls}-controls-s{seed}",
        "description": f"Benchmark scenario: real-shaped export controls plus a 26-week loss of {hit}'s foundries.",
        "horizon_weeks": 52,
        "controls": controls,
        "disruptions": [{"countries": [hit], "kinds": ["foundry"], "capacity_factor": 0.0, "weeks": 26}],
    }
    if network is not None:
        out["network"] = network
    return out


def generate_scenario(network: Any, n_controls: int = 5, seed: int = 0) -> Any:
    """A ``supplychain.Scenario`` for ``network`` with ``n_controls`` controls and one disruption."""
    import supplychain as sc

    data = scenario_dict(network.facilities, network.items, n_controls, seed, getattr(network, "name", None))
    return sc.Scenario.model_validate(data)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--facilities", type=int, default=10_000)
    parser.add_argument("--supplies", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--tables-only", action="store_true", help="do not build a supplychain.Network")
    args = parser.parse_args(argv)
    t0 = time.perf_counter()
    tables = generate_tables(args.facilities, args.supplies, args.seed)
    t1 = time.perf_counter()
    for name, df in tables.items():
        print(f"{name:12s} {len(df):>9,d} rows")
    f = tables["facilities"]
    print(f"countries    {f['country'].nunique():>9d}")
    print(f"companies    {f['company'].nunique():>9,d}")
    print("kinds        " + ", ".join(f"{k}={n}" for k, n in f["kind"].value_counts().sort_index().items()))
    per_recipe = tables["supplies"].groupby(["buyer", "item"]).size()
    print(
        f"suppliers per recipe: mean {per_recipe.mean():.2f}, max {per_recipe.max()}, "
        f"single-sourced {(per_recipe == 1).mean():.0%}"
    )
    print(f"tables generated in {t1 - t0:.2f} s")
    if not args.tables_only:
        net = generate_network(args.facilities, args.supplies, args.seed)
        t2 = time.perf_counter()
        scenario = generate_scenario(net, seed=args.seed)
        print(
            f"Network built (incl. validation) in {t2 - t1:.2f} s; "
            f"scenario {scenario.name!r} with {len(scenario.controls)} controls"
        )


if __name__ == "__main__":
    main()
