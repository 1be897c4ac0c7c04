"""The business view (docs/model.md §6, ``companies.csv``): what each company makes and sells,
and what a scenario costs it.

Per company, over its facilities v and the supply edges e = (v → b, item k) out of them, with
c the capacity per week, q_bk the buyer's recipe quantity, a_e the horizon-mean edge factor
of the controls (docs/model.md §3.2) and α the static availability:

    output_value      = Σ_v value_v · c_v                             (value per week)
    lost_output_value = Σ_v value_v · c_v · (1 − α_v)
    sales_value       = Σ_e value_k · q_bk · c_b · share_e            (the buyers' normal intake)
    lost_sales_value  = Σ_e value_k · q_bk · c_b · share_e · (1 − a_e · α_b)

A buyer takes from the edge a fraction a_e · α_b of its normal intake: the licensed share of the
flow times how much the buyer still makes. So a tool maker whose own output is whole loses the
sales a control denies and the sales to buyers that make less.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from .network import Network

__all__ = ["COLUMNS", "companies"]

COLUMNS = (
    "company",
    "hq_country",
    "output_value",
    "lost_output_value",
    "lost_output_share",
    "sales_value",
    "lost_sales_value",
)
"""The columns of companies.csv (docs/model.md §6), in order; ``facilities`` follows them."""


def companies(network: Network, availability: np.ndarray, edge_factor: np.ndarray) -> pd.DataFrame:
    """Output and sales per company, and what the scenario takes of each (values per week).

    Parameters
    ----------
    network : the network (its ``arrays``: one pass over facilities and edges, no loop).
    availability : α per facility in table order, shape (N,), in [0, 1] (the static
        availability of docs/model.md §3.2; with a timeline the static α still applies).
    edge_factor : a_e per supply edge in table order, shape (E,): the horizon mean of the
        controls' week factors (docs/model.md §3.2; 1 for an edge no control covers).

    Returns
    -------
    One row per company, by company name, columns ``COLUMNS`` then ``facilities`` (its count):

    - ``hq_country``: the facilities table's ``hq_country`` of the company's facilities (which
      defaults to each facility's country); when they differ (a company with facilities in
      several countries and no ``hq_country`` given) all of them, ``;``-separated in
      alphabetical order;
    - ``output_value``, ``lost_output_value``: Σ value · capacity and Σ value · capacity ·
      (1 − α) over its facilities, final outputs or not;
    - ``lost_output_share``: lost_output_value / output_value, NaN (an empty cell in the CSV)
      for a company whose output has no value (every item it makes has value 0);
    - ``sales_value``, ``lost_sales_value``: the value its buyers take from it normally, and
      what of that they no longer take (the module docstring's formulas).

    The chain of docs/model.md §6 (A in JPN supplies 60 % and B in CHN 40 % of the m of a
    Korean fab F of capacity 12, which supplies a Korean compute centre D of capacity 10; every
    value 1) under a Japanese denial to Korea: the fab and the centre run at α = 0.4.

    >>> import supplychain as sc
    >>> net = sc.Network(
    ...     items=[{"id": "m"}, {"id": "chip"}, {"id": "ai"}],
    ...     facilities=[
    ...         {"id": "src_a", "company": "A", "country": "JPN", "kind": "material", "produces": "m", "capacity": 100},
    ...         {"id": "src_b", "company": "B", "country": "CHN", "kind": "material", "produces": "m", "capacity": 100},
    ...         {"id": "fab", "company": "F", "country": "KOR", "kind": "foundry", "produces": "chip", "capacity": 12},
    ...         {"id": "dc", "company": "D", "country": "KOR", "kind": "compute", "produces": "ai", "capacity": 10}],
    ...     recipes=[{"facility": "fab", "item": "m", "quantity": 1},
    ...              {"facility": "dc", "item": "chip", "quantity": 1}],
    ...     supplies=[{"supplier": "src_a", "buyer": "fab", "item": "m", "share": 0.6},
    ...               {"supplier": "src_b", "buyer": "fab", "item": "m", "share": 0.4},
    ...               {"supplier": "fab", "buyer": "dc", "item": "chip", "share": 1}])
    >>> res = sc.stress(net, sc.Scenario.model_validate({"name": "deny", "controls": [
    ...     {"name": "jp", "issuer": "JPN", "items": ["m"], "destinations": ["KOR"], "licence_approval": 0}]}))
    >>> print(res.companies.drop(columns="facilities").round(6).to_string(index_names=False))
      hq_country  output_value  lost_output_value  lost_output_share  sales_value  lost_sales_value
    A        JPN         100.0                0.0                0.0          7.2              7.20
    B        CHN         100.0                0.0                0.0          4.8              2.88
    D        KOR          10.0                6.0                0.6          0.0              0.00
    F        KOR          12.0                7.2                0.6         10.0              6.00

    A sells the fab 12 · 0.6 = 7.2 and loses all of it (denied: a_e = 0); B sells 4.8 and loses
    4.8 · (1 − 0.4) = 2.88 because the fab makes less; F makes 12, loses 12 · 0.6 = 7.2 of it,
    sells D 10 and loses 10 · (1 − 0.4) = 6; D, a final output, sells nothing.
    """
    arr = network.arrays
    n, n_edges = arr.n_facilities, arr.n_edges
    alpha = np.asarray(availability, dtype=float).reshape(-1)
    factor = np.asarray(edge_factor, dtype=float).reshape(-1)
    if alpha.shape != (n,) or factor.shape != (n_edges,):
        raise ValueError(
            f"companies: availability needs one value per facility ({n}) and edge_factor one per supply edge "
            f"({n_edges}); got {alpha.shape[0]} and {factor.shape[0]}"
        )
    n_companies = len(arr.companies)
    output = arr.value * arr.capacity
    intake = arr.item_value[arr.edge_item] * arr.quantity[arr.edge_recipe] * arr.capacity[arr.edge_dst] * arr.share
    taken = factor * alpha[arr.edge_dst]  # the fraction of its normal intake the buyer still takes

    def per_company(codes: np.ndarray, weights: np.ndarray) -> np.ndarray:
        return np.bincount(codes, weights=weights, minlength=n_companies)

    output_value = per_company(arr.company, output)
    lost_output_value = per_company(arr.company, output * (1.0 - alpha))
    seller = arr.company[arr.edge_src]
    sales_value = per_company(seller, intake)
    lost_sales_value = per_company(seller, intake * (1.0 - taken))
    share = np.divide(lost_output_value, output_value, out=np.full(n_companies, np.nan), where=output_value > 0)
    table = pd.DataFrame(
        {
            "company": np.asarray(arr.companies, dtype=object),
            "hq_country": _hq_countries(network),
            "output_value": output_value,
            "lost_output_value": lost_output_value,
            "lost_output_share": share,
            "sales_value": sales_value,
            "lost_sales_value": lost_sales_value,
            "facilities": np.bincount(arr.company, minlength=n_companies).astype(np.int64),
        }
    )
    return table


def _hq_countries(network: Network) -> np.ndarray:
    """Per company of ``network.arrays.companies`` (sorted names): the ``hq_country`` its
    facilities give, or all of them ``;``-separated (alphabetical) when they differ."""
    fac = network.facilities
    pairs = pd.DataFrame(
        {"company": fac["company"].to_numpy(dtype=object), "hq": fac["hq_country"].to_numpy(dtype=object)}
    )
    joined = pairs.drop_duplicates().sort_values(["company", "hq"]).groupby("company", sort=True)["hq"].agg(";".join)
    return joined.reindex(network.arrays.companies).to_numpy(dtype=object)
