"""Numpy views of a network, built once, and the engine's evaluation plan.

``NetworkArrays`` holds every table as integer-coded arrays in table order (facility i is row
i of ``network.facilities``, edge e row e of ``network.supplies``, recipe r row r of
``network.recipes``). ``EnginePlan`` orders facilities by topological level of the
strongly-connected-component condensation so that the engine evaluates one level at a time
with array operations, iterating only inside cycles.
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx
import numpy as np
import pandas as pd

from .schema import KINDS

__all__ = ["Block", "EnginePlan", "NetworkArrays", "build_arrays"]


@dataclass(frozen=True)
class Block:
    """Facilities evaluated together: positions [n0, n1), their recipes [r0, r1) and the
    edges into those recipes [e0, e1) in engine order. ``edge_starts`` and ``recipe_starts``
    are segment starts relative to e0 and r0 (for ``np.ufunc.reduceat``). ``cyclic`` blocks
    hold strongly connected components and are iterated to their greatest fixed point."""

    n0: int
    n1: int
    r0: int
    r1: int
    e0: int
    e1: int
    edge_starts: np.ndarray
    recipe_starts: np.ndarray
    cyclic: bool


@dataclass(frozen=True, eq=False)
class EnginePlan:
    """Facilities in evaluation order.

    ``order[p]`` is the facility (table row) at engine position p and ``position`` its
    inverse; positions [0, n_sources) have no recipe. ``recipe_order`` / ``edge_order`` list
    recipe and supply rows in engine order (recipes grouped by facility position and sorted
    by item id, edges grouped by recipe); ``edge_source`` is each engine edge's supplier
    position. ``levels`` is the number of topological levels.

    For evaluating single facilities (the Monte Carlo cone): ``edge_recipe[e]`` is engine edge
    e's engine recipe; the edges into position p are ``facility_edge_start[p] ..
    facility_edge_start[p + 1]`` and its recipes ``facility_recipe_start[p] .. [p + 1]``; the
    engine edges out of position p are ``out_edge[out_start[p] : out_start[p + 1]]``; ``block_of[p]`` is
    p's index in ``blocks`` (-1 for sources).
    """

    order: np.ndarray
    position: np.ndarray
    n_sources: int
    recipe_order: np.ndarray
    recipe_inverse: np.ndarray
    edge_order: np.ndarray
    edge_source: np.ndarray
    edge_share: np.ndarray
    blocks: tuple[Block, ...]
    levels: int
    cyclic_facilities: int
    edge_recipe: np.ndarray
    facility_edge_start: np.ndarray
    facility_recipe_start: np.ndarray
    out_start: np.ndarray
    out_edge: np.ndarray
    block_of: np.ndarray


@dataclass(frozen=True, eq=False)
class NetworkArrays:
    """A network's tables as arrays (table order), for vectorised computation.

    Codes index the sorted lists ``countries``, ``companies``, ``kinds`` (the schema's kinds) and
    ``item_ids`` (items table order). Capacities are units of the produced item per week.
    """

    facility_ids: list[str]
    index: dict[str, int]
    countries: list[str]
    country: np.ndarray
    companies: list[str]
    company: np.ndarray
    kinds: list[str]
    kind: np.ndarray
    capacity: np.ndarray
    produces: np.ndarray
    item_ids: list[str]
    item_value: np.ndarray
    item_tool: np.ndarray
    recipe_facility: np.ndarray
    recipe_item: np.ndarray
    quantity: np.ndarray
    stock_weeks: np.ndarray
    edge_src: np.ndarray
    edge_dst: np.ndarray
    edge_item: np.ndarray
    edge_recipe: np.ndarray
    share: np.ndarray
    is_final: np.ndarray
    plan: EnginePlan

    @property
    def n_facilities(self) -> int:
        return len(self.facility_ids)

    @property
    def n_edges(self) -> int:
        return len(self.edge_src)

    @property
    def n_recipes(self) -> int:
        return len(self.recipe_facility)

    @property
    def value(self) -> np.ndarray:
        """Value per unit of each facility's output (the produced item's ``value``)."""
        return self.item_value[self.produces]

    def country_code(self, iso: str) -> int:
        """The code of an ISO country in ``countries``, or -1 when no facility is there."""
        i = int(np.searchsorted(self.countries, iso))
        return i if i < len(self.countries) and self.countries[i] == iso else -1

    def origin_content_share(self, code: int) -> np.ndarray:
        """Each facility's content share from country ``code`` (docs/model.md §3.1).

        Σ over its recipes of value_k · quantity · (shares of its suppliers of k located in
        that country), over Σ value_k · quantity; 0 for a facility with no recipe.
        """
        n = self.n_facilities
        from_country = (self.country[self.edge_src] == code).astype(float) * self.share
        share_by_recipe = np.bincount(self.edge_recipe, weights=from_country, minlength=self.n_recipes)
        weight = self.item_value[self.recipe_item] * self.quantity
        num = np.bincount(self.recipe_facility, weights=weight * share_by_recipe, minlength=n)
        den = np.bincount(self.recipe_facility, weights=weight, minlength=n)
        return np.divide(num, den, out=np.zeros(n), where=den > 0)

    def uses_tools_from(self, code: int) -> np.ndarray:
        """Facilities with a supplier of a ``tool`` item in country ``code`` (the
        foreign-direct-product test of docs/model.md §3.1)."""
        edges = self.item_tool[self.edge_item] & (self.country[self.edge_src] == code)
        out = np.zeros(self.n_facilities, dtype=bool)
        out[self.edge_dst[edges]] = True
        return out


def _codes(values: list[str], vocabulary: list[str]) -> np.ndarray:
    lookup = {v: i for i, v in enumerate(vocabulary)}
    return np.fromiter((lookup[v] for v in values), dtype=np.int64, count=len(values))


def build_arrays(
    facilities: pd.DataFrame, items: pd.DataFrame, recipes: pd.DataFrame, supplies: pd.DataFrame
) -> NetworkArrays:
    """Build the arrays and the engine plan from a validated network's tables. Called once per
    network through ``Network.arrays``; never inside a loop over scenarios."""
    fac, rec, sup = facilities, recipes, supplies
    facility_ids = fac["id"].tolist()
    index = {f: i for i, f in enumerate(facility_ids)}
    item_ids = items["id"].tolist()
    countries = sorted(set(fac["country"]))
    companies = sorted(set(fac["company"]))
    kinds = list(KINDS)
    n = len(facility_ids)

    recipe_facility = _codes(rec["facility"].tolist(), facility_ids)
    recipe_item = _codes(rec["item"].tolist(), item_ids)
    edge_src = _codes(sup["supplier"].tolist(), facility_ids)
    edge_dst = _codes(sup["buyer"].tolist(), facility_ids)
    edge_item = _codes(sup["item"].tolist(), item_ids)
    recipe_key = {k: r for r, k in enumerate(zip(recipe_facility.tolist(), recipe_item.tolist(), strict=True))}
    edge_recipe = np.fromiter(
        (recipe_key[k] for k in zip(edge_dst.tolist(), edge_item.tolist(), strict=True)),
        dtype=np.int64,
        count=len(edge_dst),
    )
    is_final = np.ones(n, dtype=bool)
    is_final[edge_src] = False

    share = sup["share"].to_numpy(dtype=float)
    plan = _plan(n, recipe_facility, recipe_item, item_ids, edge_src, edge_dst, edge_recipe, share)
    return NetworkArrays(
        facility_ids=facility_ids,
        index=index,
        countries=countries,
        country=_codes(fac["country"].tolist(), countries),
        companies=companies,
        company=_codes(fac["company"].tolist(), companies),
        kinds=kinds,
        kind=_codes(fac["kind"].tolist(), kinds),
        capacity=fac["capacity"].to_numpy(dtype=float),
        produces=_codes(fac["produces"].tolist(), item_ids),
        item_ids=item_ids,
        item_value=items["value"].to_numpy(dtype=float),
        item_tool=items["tool"].to_numpy(dtype=bool),
        recipe_facility=recipe_facility,
        recipe_item=recipe_item,
        quantity=rec["quantity"].to_numpy(dtype=float),
        stock_weeks=rec["stock_weeks"].to_numpy(dtype=float),
        edge_src=edge_src,
        edge_dst=edge_dst,
        edge_item=edge_item,
        edge_recipe=edge_recipe,
        share=share,
        is_final=is_final,
        plan=plan,
    )


def _plan(
    n: int,
    recipe_facility: np.ndarray,
    recipe_item: np.ndarray,
    item_ids: list[str],
    edge_src: np.ndarray,
    edge_dst: np.ndarray,
    edge_recipe: np.ndarray,
    share: np.ndarray,
) -> EnginePlan:
    """Order facilities by level of the condensation DAG and cut them into blocks."""
    # Strongly connected components: label every facility with its component.
    graph: nx.DiGraph[int] = nx.DiGraph()
    graph.add_nodes_from(range(n))
    graph.add_edges_from(zip(edge_src.tolist(), edge_dst.tolist(), strict=True))
    component = np.empty(n, dtype=np.int64)
    sizes = []
    for c, members in enumerate(nx.strongly_connected_components(graph)):
        component[list(members)] = c
        sizes.append(len(members))
    cyclic = np.asarray(sizes)[component] > 1

    # Longest-path level of each component in the condensation (Kahn's algorithm by waves).
    n_comp = len(sizes)
    cs, cd = component[edge_src], component[edge_dst]
    between = cs != cd
    pairs = (
        np.unique(np.stack([cs[between], cd[between]], axis=1), axis=0)
        if between.any()
        else (np.empty((0, 2), dtype=np.int64))
    )
    indegree = np.bincount(pairs[:, 1], minlength=n_comp)
    order_by_src = np.argsort(pairs[:, 0], kind="stable")
    succ = pairs[order_by_src, 1]
    succ_start = np.searchsorted(pairs[order_by_src, 0], np.arange(n_comp + 1))
    comp_level = np.full(n_comp, -1, dtype=np.int64)
    frontier = np.flatnonzero(indegree == 0)
    level = 0
    while frontier.size:
        comp_level[frontier] = level
        counts = succ_start[frontier + 1] - succ_start[frontier]
        nxt = succ[np.repeat(succ_start[frontier], counts) + ranges(counts)]
        np.subtract.at(indegree, nxt, 1)
        frontier = np.unique(nxt[indegree[nxt] == 0])
        level += 1
    facility_level = comp_level[component]

    has_recipe = np.zeros(n, dtype=bool)
    has_recipe[recipe_facility] = True
    group = np.where(~has_recipe, 0, np.where(cyclic, 2, 1))
    # positions: sources first, then by level; in each level acyclic before cyclic, by component.
    sort_level = np.where(has_recipe, facility_level + 1, 0)
    order = np.lexsort((np.arange(n), component, group, sort_level))
    position = np.empty(n, dtype=np.int64)
    position[order] = np.arange(n)
    n_sources = int((~has_recipe).sum())

    item_rank = np.argsort(np.argsort(np.asarray(item_ids, dtype=object), kind="stable"), kind="stable")
    recipe_order = np.lexsort((item_rank[recipe_item], position[recipe_facility]))
    recipe_inverse = np.empty_like(recipe_order)
    recipe_inverse[recipe_order] = np.arange(len(recipe_order))
    edge_order = np.lexsort((np.arange(len(edge_recipe)), recipe_inverse[edge_recipe]))
    engine_edge_recipe = recipe_inverse[edge_recipe[edge_order]]
    engine_recipe_pos = position[recipe_facility[recipe_order]]

    blocks = []
    block_key = sort_level[order] * 3 + group[order]
    starts = np.flatnonzero(np.r_[True, block_key[1:] != block_key[:-1]]) if n else np.array([], dtype=int)
    bounds = np.r_[starts, n]
    for a, b in zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True):
        if group[order[a]] == 0:
            continue
        r0, r1 = np.searchsorted(engine_recipe_pos, [a, b])
        e0, e1 = np.searchsorted(engine_edge_recipe, [r0, r1])
        edge_starts = np.searchsorted(engine_edge_recipe[e0:e1], np.arange(r0, r1))
        recipe_starts = np.searchsorted(engine_recipe_pos[r0:r1], np.arange(a, b))
        blocks.append(
            Block(
                a, b, int(r0), int(r1), int(e0), int(e1), edge_starts, recipe_starts, cyclic=bool(group[order[a]] == 2)
            )
        )
    edge_buyer_pos = engine_recipe_pos[engine_edge_recipe] if len(engine_edge_recipe) else np.zeros(0, np.int64)
    engine_source = position[edge_src[edge_order]]
    by_source = np.argsort(engine_source, kind="stable")  # engine edges grouped by supplier
    block_of = np.full(n, -1, dtype=np.int64)
    for i, blk in enumerate(blocks):
        block_of[blk.n0 : blk.n1] = i
    return EnginePlan(
        order=order,
        position=position,
        n_sources=n_sources,
        recipe_order=recipe_order,
        recipe_inverse=recipe_inverse,
        edge_order=edge_order,
        edge_source=engine_source,
        edge_share=share[edge_order],
        blocks=tuple(blocks),
        levels=int(facility_level.max() + 1) if n else 0,
        cyclic_facilities=int(cyclic.sum()),
        edge_recipe=engine_edge_recipe,
        facility_edge_start=np.searchsorted(edge_buyer_pos, np.arange(n + 1)),
        facility_recipe_start=np.searchsorted(engine_recipe_pos, np.arange(n + 1)),
        out_start=np.searchsorted(engine_source[by_source], np.arange(n + 1)),
        out_edge=by_source,
        block_of=block_of,
    )


def ranges(counts: np.ndarray) -> np.ndarray:
    """``[0..c0-1, 0..c1-1, ...]`` for counts c (vectorised concatenation of aranges)."""
    total = int(counts.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    ends = np.cumsum(counts)
    return np.arange(total) - np.repeat(ends - counts, counts)
