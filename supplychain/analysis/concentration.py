"""Market concentration per item (docs/model.md §4): who makes it, and how concentrated that is.

A supplier's market share of item k is its capacity over the total capacity of the facilities
producing k. The Herfindahl–Hirschman index is Σ (100 · share)², on 0–10 000: 10 000 for a
single supplier; the US merger guidelines (2023) call a market above 1 800 highly
concentrated. Capacity is the normal weekly output, so shares are shares of capacity, not of
sales.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from ..network import Network

__all__ = ["concentration"]

COLUMNS = [
    "item",
    "suppliers",
    "top_supplier",
    "top_share",
    "hhi",
    "top_country",
    "country_hhi",
    "single_point_of_failure",
    "countries",
    "top_company",
    "company_hhi",
    "capacity",
]


def _hhi(
    codes: np.ndarray, capacity: np.ndarray, groups: np.ndarray, n_groups: int, n_codes: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per group (item): HHI over ``codes`` (supplier, company or country), the code with the
    largest share (ties: the smallest code), and its share."""
    size = n_groups * n_codes
    pooled = np.bincount(groups * n_codes + codes, weights=capacity, minlength=size).reshape(n_groups, n_codes)
    total = pooled.sum(axis=1, keepdims=True)
    share = np.divide(pooled, total, out=np.zeros_like(pooled), where=total > 0)
    hhi = (100.0 * share) ** 2
    return hhi.sum(axis=1), share.argmax(axis=1), share.max(axis=1)


def concentration(network: Network) -> pd.DataFrame:
    """Concentration of every item's supply, one row per item (table order).

    Columns (docs/model.md §6): ``item``; ``suppliers`` (facilities producing it);
    ``top_supplier`` and ``top_share`` (its share of the item's capacity, 0–1; ties go to the
    facility listed first); ``hhi`` by supplier and ``country_hhi`` by country (0–10 000);
    ``top_country``; ``single_point_of_failure`` (true when one supplier, or one country, makes
    all of it); then ``countries``, ``top_company``, ``company_hhi`` and ``capacity`` (total
    units per week). Items nobody produces have 0 suppliers and empty figures.

    >>> import supplychain as sc
    >>> c = sc.concentration(sc.read_network("tiny")).set_index("item")
    >>> int(c.loc["euv", "suppliers"]), float(c.loc["euv", "hhi"]), bool(c.loc["euv", "single_point_of_failure"])
    (1, 10000.0, True)
    >>> round(float(c.loc["sand", "hhi"]), 2)  # shares 250/450 and 200/450
    5061.73
    """
    arr = network.arrays
    n_items = len(arr.item_ids)
    item = arr.produces
    capacity = arr.capacity
    facility_hhi, top_facility, top_share = _hhi(np.arange(arr.n_facilities), capacity, item, n_items, arr.n_facilities)
    country_hhi, top_country, _ = _hhi(arr.country, capacity, item, n_items, len(arr.countries))
    company_hhi, top_company, _ = _hhi(arr.company, capacity, item, n_items, len(arr.companies))
    suppliers = np.bincount(item, minlength=n_items)
    pairs = np.unique(item * len(arr.countries) + arr.country)
    countries = np.bincount(pairs // len(arr.countries), minlength=n_items)
    made = suppliers > 0
    ids = np.asarray(arr.facility_ids, dtype=object)
    table = pd.DataFrame(
        {
            "item": arr.item_ids,
            "suppliers": suppliers.astype(np.int64),
            "top_supplier": np.where(made, ids[top_facility], ""),
            "top_share": np.where(made, top_share, np.nan),
            "hhi": np.where(made, facility_hhi, np.nan),
            "top_country": np.where(made, np.asarray(arr.countries, dtype=object)[top_country], ""),
            "country_hhi": np.where(made, country_hhi, np.nan),
            "single_point_of_failure": made & ((suppliers == 1) | (countries == 1)),
            "countries": countries.astype(np.int64),
            "top_company": np.where(made, np.asarray(arr.companies, dtype=object)[top_company], ""),
            "company_hhi": np.where(made, company_hhi, np.nan),
            "capacity": np.bincount(item, weights=capacity, minlength=n_items),
        }
    )
    return table[COLUMNS]
