"""One worked example per rule of the static stress (docs/model.md §3).

Every test builds a network small enough to solve on paper; its docstring shows the
arithmetic, and the test checks ``sc.stress`` against that number. Horizon H = 52 weeks
unless a test says otherwise. Facility capacities are large enough that no supplier falls
short (validation), and quantities are small: neither plays a part in availability.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from builders import (
    TINY_DEMINIMIS,
    availability,
    control,
    facility,
    loop_network,
    network,
    recipe,
    row,
    stress,
    supply,
)

import supplychain as sc

# builders.py: facility, recipe, supply, control and network rows and tables; stress runs the
# static engine on them; availability and row read the facilities table.


def covered_items(items: list[dict], ctl: dict, supplier_country: str = "USA", buyer_country: str = "CHN") -> set[str]:
    """Which items' flows ``ctl`` covers, on a star: for each item k a supplier ``s_k`` in
    ``supplier_country`` and a buyer ``b_k`` in ``buyer_country`` that needs only k, from
    ``s_k``. With licence_approval 0 a covered buyer has availability 0, the others 1."""
    ids = [i["id"] for i in items]
    facilities = [facility(f"s_{k}", supplier_country, k) for k in ids]
    facilities += [facility(f"b_{k}", buyer_country, "out") for k in ids]
    net = network(
        facilities,
        [recipe(f"b_{k}", k) for k in ids],
        [supply(f"s_{k}", f"b_{k}", k) for k in ids],
        items=[*items, {"id": "out"}],
    )
    result = stress(net, [ctl])
    alpha = availability(result)
    assert all(alpha[f"b_{k}"] in (0.0, 1.0) for k in ids)
    hit = {k for k in ids if alpha[f"b_{k}"] == 0.0}
    assert int(result.controls["edges_covered"].iloc[0]) == len(hit)
    return hit


# ---------------------------------------------------------------------------------------------
# rule 1: coverage -- items and where


ITEMS = [
    {"id": "chip", "tags": "eccn:3A090.a;ai", "tpp": 4800},
    {"id": "chiplet", "tags": "eccn:3A090.b", "tpp": 5600},
    {"id": "memory", "tags": "eccn:3A001.a;hbm", "tpp": 4000},
    {"id": "sand", "tags": ""},
]


@pytest.mark.parametrize(
    ("patterns", "expected"),
    [
        (["chip*"], {"chip", "chiplet"}),
        (["chip"], {"chip"}),
        (["m?mory", "sand"], {"memory", "sand"}),
        (["*"], {"chip", "chiplet", "memory", "sand"}),
    ],
)
def test_item_glob_on_id(patterns: list[str], expected: set[str]) -> None:
    """fnmatchcase on ids: 'chip*' matches chip and chiplet, not memory; 'chip' matches only
    chip (a glob, not a prefix); '?' is one character; several patterns are a union."""
    assert covered_items(ITEMS, control(items=patterns)) == expected


@pytest.mark.parametrize(
    ("patterns", "expected"),
    [
        (["eccn:3A090*"], {"chip", "chiplet"}),
        (["eccn:3A*"], {"chip", "chiplet", "memory"}),
        (["hbm"], {"memory"}),  # the second tag of memory
        (["ai"], {"chip"}),  # the second tag of chip
    ],
)
def test_item_glob_on_tags(patterns: list[str], expected: set[str]) -> None:
    """A pattern matches an item when it matches any one of its ';'-separated tags:
    'eccn:3A090*' matches chip (eccn:3A090.a) and chiplet (eccn:3A090.b); 'hbm' is memory's
    second tag, 'ai' chip's."""
    assert covered_items(ITEMS, control(items=patterns)) == expected


def test_items_omitted_means_every_item() -> None:
    """No ``items``: every item matches, the untagged sand included."""
    assert covered_items(ITEMS, control()) == {"chip", "chiplet", "memory", "sand"}


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        ({"tpp": {"min": 4800}}, {"chip", "chiplet"}),  # 4800 >= 4800 (inclusive), 5600
        ({"tpp": {"max": 4800}}, {"chip", "memory"}),  # 4800 <= 4800 (inclusive), 4000
        ({"tpp": {"min": 4000, "max": 4800}}, {"chip", "memory"}),
        ({"tpp": {"in": [4000, 5600]}}, {"memory", "chiplet"}),
        ({"tpp": {"min": 0}}, {"chip", "chiplet", "memory"}),  # sand has no tpp: never matches
    ],
)
def test_where_thresholds(where: dict, expected: set[str]) -> None:
    """tpp: chip 4800, chiplet 5600, memory 4000, sand none. min and max are inclusive,
    ``in`` is membership, and an item without the attribute does not match (even min 0)."""
    assert covered_items(ITEMS, control(where=where)) == expected


def test_where_and_items_must_both_hold() -> None:
    """items 'eccn:3A*' gives chip, chiplet, memory; tpp >= 4800 keeps chip and chiplet."""
    assert covered_items(ITEMS, control(items=["eccn:3A*"], where={"tpp": {"min": 4800}})) == {"chip", "chiplet"}


# ---------------------------------------------------------------------------------------------
# rule 1: coverage -- destinations, end users, borders


def _buyers_network() -> sc.Network:
    """Supplier s (USA, company 'usco') sells x to four buyers, each needing only x:
    b_chn (CHN, company 'other'), b_rus (RUS), b_deu (DEU, company 'huawei'),
    b_usa (USA, company 'huawei')."""
    facilities = [
        facility("s", "USA", "x", company="usco"),
        facility("b_chn", "CHN", "out", company="other"),
        facility("b_rus", "RUS", "out", company="other"),
        facility("b_deu", "DEU", "out", company="huawei"),
        facility("b_usa", "USA", "out", company="huawei"),
    ]
    buyers = ["b_chn", "b_rus", "b_deu", "b_usa"]
    return network(facilities, [recipe(b, "x") for b in buyers], [supply("s", b, "x") for b in buyers])


def _hit(result: Any) -> set[str]:
    return {f for f, a in availability(result).items() if a < 1}


def test_destinations_list() -> None:
    """destinations [CHN, RUS]: s -> b_chn and s -> b_rus covered (availability 0), DEU and
    USA buyers untouched; 2 edges covered."""
    result = stress(_buyers_network(), [control(destinations=["CHN", "RUS"])])
    assert _hit(result) == {"b_chn", "b_rus"}
    assert result.controls["edges_covered"].tolist() == [2]


def test_destinations_star_is_every_country_but_the_issuers() -> None:
    """destinations ['*'] with issuer USA: CHN, RUS, DEU buyers covered; b_usa is in the
    issuer's own country (and in s's country): not covered. 3 edges."""
    result = stress(_buyers_network(), [control(destinations=["*"])])
    assert _hit(result) == {"b_chn", "b_rus", "b_deu"}
    assert result.controls["edges_covered"].tolist() == [3]


def test_end_users_by_company_in_any_country() -> None:
    """end_users [huawei], no destinations: b_deu (huawei, DEU) is covered although DEU is no
    destination; b_chn (company 'other') is not; b_usa (huawei) is in the issuer's country,
    so not covered."""
    result = stress(_buyers_network(), [control(destinations=[], end_users=["huawei"])])
    assert _hit(result) == {"b_deu"}


def test_end_users_by_facility_id() -> None:
    """end_users [b_rus]: only that facility's flow is covered."""
    result = stress(_buyers_network(), [control(destinations=[], end_users=["b_rus"])])
    assert _hit(result) == {"b_rus"}


def test_end_users_and_destinations_are_a_union() -> None:
    """destinations [CHN] or end user huawei: b_chn and b_deu."""
    result = stress(_buyers_network(), [control(destinations=["CHN"], end_users=["huawei"])])
    assert _hit(result) == {"b_chn", "b_deu"}


def _fdp_network() -> sc.Network:
    """amat (USA, equipment) makes dep, a tool; fab_cn (CHN) and fab_tw (TWN) use dep from amat
    and each sells chip to dc_cn (CHN), share 0.5 each."""
    facilities = [
        facility("amat", "USA", "dep", kind="equipment"),
        facility("fab_cn", "CHN", "chip", kind="foundry"),
        facility("fab_tw", "TWN", "chip", kind="foundry"),
        facility("dc_cn", "CHN", "compute", kind="compute", capacity=100),
    ]
    recipes = [recipe("fab_cn", "dep"), recipe("fab_tw", "dep"), recipe("dc_cn", "chip", quantity=1)]
    supplies = [
        supply("amat", "fab_cn", "dep"),
        supply("amat", "fab_tw", "dep"),
        supply("fab_cn", "dc_cn", "chip", 0.5),
        supply("fab_tw", "dc_cn", "chip", 0.5),
    ]
    return network(facilities, recipes, supplies)


def test_flow_inside_one_country_is_covered_when_within_reach() -> None:
    """Issuer USA, chips to CHN, foreign-direct-product reach: both fabs use a US tool, so both
    are within reach. fab_tw -> dc_cn crosses a border: covered, a = 0. fab_cn -> dc_cn stays in
    China, but a foreign-made item within reach transferred inside the buyer's country is
    covered too (the EAR's in-country transfer): a = 0. dc_cn: 0.5*0 + 0.5*0 = 0; 2 edges."""
    result = stress(_fdp_network(), [control(items=["chip"], reach={"foreign_direct_product": True})])
    assert availability(result)["dc_cn"] == pytest.approx(0.0)
    assert result.controls["edges_covered"].tolist() == [2]


def test_flow_inside_one_country_outside_reach_is_not_covered() -> None:
    """Without reach only US-made items are covered: neither fab is in the USA, so nothing
    is covered, in-country or not. dc_cn keeps 1."""
    result = stress(_fdp_network(), [control(items=["chip"])])
    assert availability(result)["dc_cn"] == pytest.approx(1.0)
    assert result.controls["edges_covered"].tolist() == [0]


def test_flow_to_the_issuers_own_country_is_never_covered() -> None:
    """A control governs what leaves the issuer's jurisdiction: a destination list that names
    the issuer itself covers no edge into it (amat -> fab_us would be USA -> USA)."""
    facilities = [
        facility("amat", "USA", "dep", kind="equipment"),
        facility("fab_us", "USA", "chip", kind="foundry"),
    ]
    net = network(facilities, [recipe("fab_us", "dep")], [supply("amat", "fab_us", "dep")])
    result = stress(net, [control(items=["dep"], destinations=["USA"])])
    assert result.controls["edges_covered"].tolist() == [0]


def test_buyer_in_the_issuers_country_is_not_covered() -> None:
    """Issuer CHN, destinations '*' and end user dc_cn: fab_tw -> dc_cn goes into the issuer's
    own country, which a control never covers (and fab_tw is out of China's reach anyway); the
    control must also not touch the in-China flow fab_cn -> dc_cn. Nothing is covered."""
    result = stress(_fdp_network(), [control(issuer="CHN", items=["chip"], destinations=["*"], end_users=["dc_cn"])])
    assert availability(result)["dc_cn"] == 1.0
    assert result.controls["edges_covered"].tolist() == [0]


# ---------------------------------------------------------------------------------------------
# rule 1: coverage -- reach


def test_reach_supplier_in_issuer_country_only_without_reach() -> None:
    """No reach: s_usa -> dc_cn (share 0.25) is covered (supplier in the issuer's country);
    s_twn -> dc_cn (share 0.75) is not. dc_cn: 0.25*0 + 0.75*1 = 0.75."""
    facilities = [
        facility("s_usa", "USA", "chip"),
        facility("s_twn", "TWN", "chip"),
        facility("dc_cn", "CHN", "compute", kind="compute"),
    ]
    net = network(
        facilities,
        [recipe("dc_cn", "chip")],
        [supply("s_usa", "dc_cn", "chip", 0.25), supply("s_twn", "dc_cn", "chip", 0.75)],
    )
    result = stress(net, [control(items=["chip"])])
    assert availability(result)["dc_cn"] == pytest.approx(0.75)
    assert result.controls["edges_covered"].tolist() == [1]


def _de_minimis_network() -> sc.Network:
    """fab_tw (TWN) makes chip for dc_cn (CHN). Its recipes:
    tool (value 1, quantity 2): half from t_usa (USA), half from t_jpn (JPN);
    wafer (value 2, quantity 1): all from w_twn (TWN).
    USA-origin content share = (1*2*0.5 + 2*1*0) / (1*2 + 2*1) = 1/4 = 0.25
    (weighting by quantity alone would give 1/3, by nothing 0.25 too)."""
    items = [{"id": "tool", "value": 1}, {"id": "wafer", "value": 2}, {"id": "chip", "value": 20}, {"id": "compute"}]
    facilities = [
        facility("t_usa", "USA", "tool"),
        facility("t_jpn", "JPN", "tool"),
        facility("w_twn", "TWN", "wafer"),
        facility("fab_tw", "TWN", "chip", kind="foundry", capacity=100),
        facility("dc_cn", "CHN", "compute", kind="compute"),
    ]
    recipes = [
        recipe("fab_tw", "tool", quantity=2),
        recipe("fab_tw", "wafer", quantity=1),
        recipe("dc_cn", "chip", quantity=0.01),
    ]
    supplies = [
        supply("t_usa", "fab_tw", "tool", 0.5),
        supply("t_jpn", "fab_tw", "tool", 0.5),
        supply("w_twn", "fab_tw", "wafer"),
        supply("fab_tw", "dc_cn", "chip"),
    ]
    return network(facilities, recipes, supplies, items=items)


@pytest.mark.parametrize(
    ("threshold", "expected"),
    [
        (0.2, 0.0),  # 0.25 >= 0.2: within reach, covered, denied
        (0.25, 0.0),  # "at least": 0.25 >= 0.25
        (0.3, 1.0),  # 0.25 < 0.3: out of reach (quantity-only weighting, 1/3, would wrongly cover)
        (0.5, 1.0),
    ],
)
def test_reach_de_minimis(threshold: float, expected: float) -> None:
    """fab_tw's USA content share is 0.25 (see _de_minimis_network); fab_tw -> dc_cn (chip)
    is covered iff 0.25 >= the de minimis threshold."""
    result = stress(_de_minimis_network(), [control(items=["chip"], reach={"de_minimis": threshold})])
    assert availability(result)["dc_cn"] == expected
    assert availability(result)["fab_tw"] == 1.0  # tool and wafer are not controlled


@pytest.mark.parametrize(("threshold", "expected"), [(0.1, 1.0), (0.0, 0.0)])
def test_reach_de_minimis_supplier_without_recipes(threshold: float, expected: float) -> None:
    """s_twn has no recipe: its content share is 0. Threshold 0.1: 0 < 0.1, not covered,
    dc_cn 1. Threshold 0: 0 >= 0 holds, covered, dc_cn 0 (docs/model.md §3's 'at least', literally)."""
    facilities = [facility("s_twn", "TWN", "chip"), facility("dc_cn", "CHN", "compute", kind="compute")]
    net = network(facilities, [recipe("dc_cn", "chip")], [supply("s_twn", "dc_cn", "chip")])
    result = stress(net, [control(items=["chip"], reach={"de_minimis": threshold})])
    assert availability(result)["dc_cn"] == expected


def test_reach_foreign_direct_product() -> None:
    """Five Taiwanese fabs f1..f5 each sell chip to their own CHN buyer d1..d5; issuer USA,
    reach foreign_direct_product only. A fab is within reach when some supplier of a ``tool``
    item to it is in the USA:
    f1 uses dep from amat (USA, equipment: tool by default)            -> covered, d1 = 0
    f2 uses sand from sand_us (USA, material: not a tool)              -> not covered, d2 = 1
    f3 uses eda from eda_us (USA, material, but tool: true explicitly) -> covered, d3 = 0
    f4 uses probe from probe_us (USA, equipment, tool: false)          -> not covered, d4 = 1
    f5 uses dep from amat_jp (JPN, equipment: a tool, not from the USA) -> not covered, d5 = 1"""
    items = [
        {"id": "dep"},
        {"id": "sand"},
        {"id": "eda", "tool": True},
        {"id": "probe", "tool": False},
        {"id": "chip"},
        {"id": "compute"},
    ]
    facilities = [
        facility("amat", "USA", "dep", kind="equipment"),
        facility("sand_us", "USA", "sand"),
        facility("eda_us", "USA", "eda"),
        facility("probe_us", "USA", "probe", kind="equipment"),
        facility("amat_jp", "JPN", "dep", kind="equipment"),
    ]
    inputs = {
        "f1": ("amat", "dep"),
        "f2": ("sand_us", "sand"),
        "f3": ("eda_us", "eda"),
        "f4": ("probe_us", "probe"),
        "f5": ("amat_jp", "dep"),
    }
    recipes, supplies = [], []
    for i, (fab, (tool_maker, tool)) in enumerate(inputs.items(), start=1):
        facilities += [
            facility(fab, "TWN", "chip", kind="foundry"),
            facility(f"d{i}", "CHN", "compute", kind="compute"),
        ]
        recipes += [recipe(fab, tool), recipe(f"d{i}", "chip")]
        supplies += [supply(tool_maker, fab, tool), supply(fab, f"d{i}", "chip")]
    net = network(facilities, recipes, supplies, items=items)
    result = stress(net, [control(items=["chip"], reach={"foreign_direct_product": True})])
    alpha = availability(result)
    assert [alpha[f"d{i}"] for i in range(1, 6)] == [0.0, 1.0, 0.0, 1.0, 1.0]
    assert result.controls["edges_covered"].tolist() == [2]


def test_plurilateral_issuers() -> None:
    """Issuers [USA, NLD], chips to CHN, no reach: s_usa (share 0.25) and s_nld (0.25) are each in
    one issuer's country, covered; s_jpn (0.5) in neither. dc_cn: 0.5 * 1 = 0.5; 2 edges.
    A USA-only control covers s_usa alone: 0.75."""
    facilities = [
        facility("s_usa", "USA", "chip"),
        facility("s_nld", "NLD", "chip"),
        facility("s_jpn", "JPN", "chip"),
        facility("dc_cn", "CHN", "compute", kind="compute"),
    ]
    net = network(
        facilities,
        [recipe("dc_cn", "chip")],
        [
            supply("s_usa", "dc_cn", "chip", 0.25),
            supply("s_nld", "dc_cn", "chip", 0.25),
            supply("s_jpn", "dc_cn", "chip", 0.5),
        ],
    )
    both = stress(net, [control(issuer=["USA", "NLD"], items=["chip"])])
    assert availability(both)["dc_cn"] == pytest.approx(0.5)
    assert both.controls["edges_covered"].tolist() == [2]
    assert availability(stress(net, [control(items=["chip"])]))["dc_cn"] == pytest.approx(0.75)


def test_plurilateral_reach_through_any_issuer() -> None:
    """fab_jp (JPN) uses euv from asml (NLD, equipment: a tool) and sells chip to dc_cn.
    Issuer [USA, NLD] with foreign-direct-product reach: the NLD tool brings fab_jp within NLD's
    reach, so fab_jp -> dc_cn is covered: dc_cn 0. Issuer USA alone: fab_jp is out of reach: 1."""
    facilities = [
        facility("asml", "NLD", "euv", kind="equipment"),
        facility("fab_jp", "JPN", "chip"),
        facility("dc_cn", "CHN", "compute", kind="compute"),
    ]
    net = network(
        facilities,
        [recipe("fab_jp", "euv"), recipe("dc_cn", "chip")],
        [supply("asml", "fab_jp", "euv"), supply("fab_jp", "dc_cn", "chip")],
    )
    reach = {"foreign_direct_product": True}
    assert availability(stress(net, [control(issuer=["USA", "NLD"], items=["chip"], reach=reach)]))["dc_cn"] == 0
    assert availability(stress(net, [control(issuer="USA", items=["chip"], reach=reach)]))["dc_cn"] == 1


# ---------------------------------------------------------------------------------------------
# rule 2: edge factors


def _one_edge_network() -> sc.Network:
    """s_usa (USA) sells chip to dc_cn (CHN), share 1."""
    facilities = [facility("s_usa", "USA", "chip"), facility("dc_cn", "CHN", "compute", kind="compute")]
    return network(facilities, [recipe("dc_cn", "chip")], [supply("s_usa", "dc_cn", "chip")])


def test_licence_approval_of_two_controls_multiplies() -> None:
    """Two controls cover s_usa -> dc_cn: approvals 0.5 (ctl_a) and 0.4 (ctl_b):
    a = 0.5 * 0.4 = 0.2, dc_cn = 0.2. dc_cn (capacity 1000) loses 500 under ctl_a alone, 600
    under ctl_b alone, 800 under both: Shapley ctl_a = (500 + 200) / 2 = 350, ctl_b =
    (600 + 300) / 2 = 450: the limiting control is ctl_b."""
    result = stress(
        _one_edge_network(), [control(name="ctl_a", licence_approval=0.5), control(name="ctl_b", licence_approval=0.4)]
    )
    assert availability(result)["dc_cn"] == pytest.approx(0.2)
    assert row(result, "dc_cn")["limiting_control"] == "ctl_b"
    assert result.attribution is not None
    assert result.attribution.shares.loc["dc_cn"].to_dict() == pytest.approx({"ctl_a": 350.0, "ctl_b": 450.0})
    assert row(result, "dc_cn")["limiting_item"] == "chip"


def test_partial_licence_approval() -> None:
    """One control, approval 0.2: dc_cn = 1 * 0.2 = 0.2; lost capacity 1000 * 0.8 = 800."""
    result = stress(_one_edge_network(), [control(licence_approval=0.2)])
    assert availability(result)["dc_cn"] == pytest.approx(0.2)
    assert row(result, "dc_cn")["lost_capacity"] == pytest.approx(800)


# ---------------------------------------------------------------------------------------------
# rule 3: own factors


def _lone_facility_network() -> sc.Network:
    return network(
        [
            facility("fab_tw", "TWN", "chip", kind="foundry", company="tsmc"),
            facility("fab_kr", "KOR", "chip", kind="foundry", company="samsung"),
            facility("osat_tw", "TWN", "package", kind="osat", company="ase"),
        ]
    )


@pytest.mark.parametrize(
    ("capacity_factor", "weeks", "horizon", "expected"),
    [
        (0.5, 13, 52, 0.875),  # 1 - 0.5 * 13/52
        (0.5, 80, 52, 0.5),  # weeks > H: min(1, 80/52) = 1 -> 1 - 0.5
        (0.5, None, 52, 0.5),  # weeks omitted: the whole horizon
        (0.0, 26, 52, 0.5),  # 1 - 1 * 0.5
        (0.25, 13, 26, 0.625),  # 1 - 0.75 * 0.5
        (0.0, 0, 52, 1.0),  # zero weeks: no effect
    ],
)
def test_disruption_own_factor(capacity_factor: float, weeks: float | None, horizon: float, expected: float) -> None:
    """o = 1 - (1 - capacity_factor) * min(1, weeks / H) for a facility with no recipe."""
    shock: dict[str, Any] = {"facilities": ["fab_tw"], "capacity_factor": capacity_factor}
    if weeks is not None:
        shock["weeks"] = weeks
    alpha = availability(stress(_lone_facility_network(), disruptions=[shock], horizon_weeks=horizon))
    assert alpha["fab_tw"] == pytest.approx(expected, abs=1e-12)
    assert alpha["fab_kr"] == alpha["osat_tw"] == 1.0


def test_two_disruptions_multiply_week_by_week() -> None:
    """fab_tw hit twice, both from week 0: cf 0.5 for 26 weeks and cf 0 for 13 weeks. Week by
    week the product is 0 in weeks 0-12, 0.5 in weeks 13-25 and 1 after: o = (13*0.5 + 26)/52
    = 0.625 (the product of the two means, 0.75 * 0.75 = 0.5625, would count weeks 0-12 twice)."""
    shocks = [
        {"facilities": ["fab_tw"], "capacity_factor": 0.5, "weeks": 26},
        {"countries": ["TWN"], "kinds": ["foundry"], "capacity_factor": 0.0, "weeks": 13},
    ]
    assert availability(stress(_lone_facility_network(), disruptions=shocks))["fab_tw"] == pytest.approx(0.625)


@pytest.mark.parametrize(
    ("selectors", "hit"),
    [
        ({"countries": ["TWN"]}, {"fab_tw", "osat_tw"}),
        ({"countries": ["TWN"], "kinds": ["foundry"]}, {"fab_tw"}),  # both must match
        ({"kinds": ["foundry"]}, {"fab_tw", "fab_kr"}),
        ({"companies": ["samsung", "ase"]}, {"fab_kr", "osat_tw"}),
        ({"companies": ["tsmc"], "countries": ["KOR"]}, set()),  # tsmc has no KOR plant
    ],
)
def test_disruption_selectors_all_must_match(selectors: dict, hit: set[str]) -> None:
    """A facility is hit when it matches every selector given; cf 0 over the horizon: o = 0."""
    alpha = availability(stress(_lone_facility_network(), disruptions=[{**selectors, "capacity_factor": 0}]))
    assert {f for f, a in alpha.items() if a == 0} == hit
    assert all(a in (0.0, 1.0) for a in alpha.values())


# ---------------------------------------------------------------------------------------------
# rules 4 and 5: input availability, stock, availability


@pytest.mark.parametrize(
    ("capacity_factor", "stock_weeks", "expected"),
    [
        (0.0, 13, 0.25),  # 0 + 13/52
        (0.0, 60, 1.0),  # 60/52 > 1: capped at 1
        (0.5, 13, 0.75),  # 0.5 + 13/52
        (0.5, 39, 1.0),  # 0.5 + 0.75 = 1.25 -> 1
        (0.5, 0, 0.5),
    ],
)
def test_stock_adds_weeks_over_horizon(capacity_factor: float, stock_weeks: float, expected: float) -> None:
    """v needs x from u (share 1) and holds stock_weeks of it; u runs at capacity_factor all
    horizon: A = min(1, 1 * 1 * cf + stock_weeks / 52)."""
    net = network(
        [facility("u", "USA", "x"), facility("v", "USA", "y")],
        [recipe("v", "x", stock_weeks=stock_weeks)],
        [supply("u", "v", "x")],
    )
    result = stress(net, disruptions=[{"facilities": ["u"], "capacity_factor": capacity_factor}])
    assert availability(result)["v"] == pytest.approx(expected)


def test_availability_is_own_factor_times_smallest_input() -> None:
    """v needs x from sx (cf 0.5 -> alpha 0.5) and y from sy (cf 0.75 -> 0.75), and is itself
    hit with cf 0.8: alpha_v = 0.8 * min(0.5, 0.75) = 0.4, limiting item x."""
    net = network(
        [facility("sx", "USA", "x"), facility("sy", "USA", "y"), facility("v", "USA", "z")],
        [recipe("v", "y"), recipe("v", "x")],
        [supply("sx", "v", "x"), supply("sy", "v", "y")],
    )
    shocks = [
        {"facilities": ["sx"], "capacity_factor": 0.5},
        {"facilities": ["sy"], "capacity_factor": 0.75},
        {"facilities": ["v"], "capacity_factor": 0.8},
    ]
    result = stress(net, disruptions=shocks)
    assert availability(result)["v"] == pytest.approx(0.4)
    assert row(result, "v")["limiting_item"] == "x"
    assert row(result, "v")["lost_capacity"] == pytest.approx(600)


def test_shares_add_over_suppliers() -> None:
    """v needs x: 0.3 from a (down, alpha 0), 0.7 from b (fine): A = 0.3*0 + 0.7*1 = 0.7."""
    net = network(
        [facility("a", "USA", "x"), facility("b", "USA", "x"), facility("v", "USA", "y")],
        [recipe("v", "x")],
        [supply("a", "v", "x", 0.3), supply("b", "v", "x", 0.7)],
    )
    result = stress(net, disruptions=[{"facilities": ["a"], "capacity_factor": 0}])
    assert availability(result)["v"] == pytest.approx(0.7)


def test_facility_without_recipe_has_its_own_factor() -> None:
    """u has no recipe: alpha = o = 1 - 0.5 * 13/52 = 0.875; no limiting item (no inputs)."""
    net = network([facility("u", "USA", "x")])
    result = stress(net, disruptions=[{"facilities": ["u"], "capacity_factor": 0.5, "weeks": 13}])
    assert availability(result)["u"] == pytest.approx(0.875)
    assert row(result, "u")["limiting_item"] == ""


def test_limiting_item_empty_when_only_the_facility_itself_is_hit() -> None:
    """v is hit (cf 0 over the horizon: alpha 0) but its input x is fully available (A = 1):
    no limiting item, no limiting control."""
    net = network([facility("u", "USA", "x"), facility("v", "USA", "y")], [recipe("v", "x")], [supply("u", "v", "x")])
    result = stress(net, disruptions=[{"facilities": ["v"], "capacity_factor": 0}])
    assert row(result, "v")["availability"] == 0
    assert row(result, "v")["limiting_item"] == ""
    assert row(result, "v")["limiting_control"] == ""


# ---------------------------------------------------------------------------------------------
# rule 5: cycles -- the greatest fixed point


def test_two_node_loop_without_shock_is_fully_available() -> None:
    """a <-> b, shares 1: alpha_a = alpha_b = t is a fixed point for every t in [0, 1]; the
    greatest, 1, is the answer (not 0)."""
    alpha = availability(stress(loop_network(third_supplier=False)))
    assert alpha == {"a": 1.0, "b": 1.0}


def test_loop_with_a_shock_decays_to_zero() -> None:
    """a <-> b, a at cf 0.5 all horizon (o_a = 0.5): alpha_a = 0.5 * alpha_b, alpha_b = alpha_a,
    so t = 0.5 t: the only fixed point is 0."""
    alpha = availability(
        stress(loop_network(third_supplier=False), disruptions=[{"facilities": ["a"], "capacity_factor": 0.5}])
    )
    assert alpha["a"] == pytest.approx(0, abs=1e-9)
    assert alpha["b"] == pytest.approx(0, abs=1e-9)


def test_loop_with_outside_supplier() -> None:
    """b takes ya half from a, half from c. No shock: t = min(1, 0.5 t + 0.5) -> 1.
    With o_a = 0.5: alpha_a = 0.5 * alpha_b and alpha_b = 0.5 * alpha_a + 0.5 * 1
    = 0.25 alpha_b + 0.5, so alpha_b = 2/3 and alpha_a = 1/3."""
    net = loop_network(third_supplier=True)
    assert set(availability(stress(net)).values()) == {1.0}
    alpha = availability(stress(net, disruptions=[{"facilities": ["a"], "capacity_factor": 0.5}]))
    assert alpha["b"] == pytest.approx(2 / 3, abs=1e-9)
    assert alpha["a"] == pytest.approx(1 / 3, abs=1e-9)
    assert alpha["c"] == 1.0


def test_loop_with_stock() -> None:
    """a <-> b, o_a = 1 - 1 * 26/52 = 0.5, b holds 13 weeks of ya:
    alpha_b = min(1, alpha_a + 13/52) and alpha_a = 0.5 * alpha_b, so alpha_b = 0.5 alpha_b + 0.25:
    alpha_b = 0.5, alpha_a = 0.25."""
    alpha = availability(
        stress(
            loop_network(third_supplier=False, stock_weeks=13),
            disruptions=[{"facilities": ["a"], "capacity_factor": 0, "weeks": 26}],
        )
    )
    assert alpha["b"] == pytest.approx(0.5, abs=1e-9)
    assert alpha["a"] == pytest.approx(0.25, abs=1e-9)


def test_slow_loop_settles_at_its_exact_fixed_point() -> None:
    """a <-> b, o_a = 1 - 1e-6 (a shaved by one part in a million), b holds 5.2e-6 weeks of ya
    over 52 weeks (s = 1e-7): alpha_b = min(1, alpha_a + s), alpha_a = o_a alpha_b, so
    alpha_b = s / (1 - o_a) = 0.1 and alpha_a = 0.0999999. Iterating from 1 would shrink the
    gap by a factor o_a per step (~2.5e7 steps to 1e-12); after POLICY_AFTER steps the engine
    solves the loop's linear system for the pieces in use and lands on the fixed point (a
    warning would fail this test)."""
    alpha = availability(
        stress(
            loop_network(third_supplier=False, stock_weeks=5.2e-6),
            disruptions=[{"facilities": ["a"], "capacity_factor": 1 - 1e-6}],
        )
    )
    assert alpha["b"] == pytest.approx(0.1, abs=1e-9)
    assert alpha["a"] == pytest.approx(0.0999999, abs=1e-9)


def test_slow_loop_without_stock_collapses_to_zero() -> None:
    """a <-> b with no stock, o_a = 1 - 1e-6: t = o_a t has only the fixed point 0 (plain
    iteration would stop at 0.999999^1e6 = 0.37 after a million steps)."""
    alpha = availability(
        stress(loop_network(third_supplier=False), disruptions=[{"facilities": ["a"], "capacity_factor": 1 - 1e-6}])
    )
    assert alpha["a"] == pytest.approx(0, abs=1e-9)
    assert alpha["b"] == pytest.approx(0, abs=1e-9)


def test_policy_bound_is_never_below_the_fixed_point() -> None:
    """``policy_bound`` on the loop with outside supplier (b takes ya half from a, half from c;
    o_a = 1 - 1e-6). Fixed point: alpha_b = 0.5 o_a alpha_b + 0.5, so alpha_b = 0.5 / (1 - 0.5 o_a)
    ~ 0.999999 and alpha_a = o_a alpha_b ~ 0.999998.

    - At x = o = (o_a, 1): a's recipe gives alpha_b = 1, the cap, so the policy is (a capped,
      b's recipe): x_pi = (o_a, 0.5 o_a + 0.5), above the fixed point and below x.
    - At x just above the fixed point the policy is the fixed point's: x_pi is the fixed point.
    - With no shock at x = 1 every piece is the cap: the bound is 1, x unchanged."""
    from supplychain.stress import policy_bound

    net = loop_network(third_supplier=True)
    plan = net.arrays.plan
    (blk,) = [b for b in plan.blocks if b.cyclic]
    at = {fid: plan.position[net.arrays.index[fid]] for fid in ("a", "b")}
    o_a = 1 - 1e-6
    own = np.ones(net.arrays.n_facilities)
    own[at["a"]] = o_a
    weight = plan.edge_share[blk.e0 : blk.e1]
    stock = np.zeros(len(plan.recipe_order))
    exact_b = 0.5 / (1 - 0.5 * o_a)
    exact = {"a": o_a * exact_b, "b": exact_b}

    def bound_at(x: dict[str, float], own: np.ndarray) -> dict[str, float]:
        alpha = np.ones(net.arrays.n_facilities)
        for fid, value in x.items():
            alpha[at[fid]] = value
        bound = policy_bound(plan, blk, alpha, own, weight, stock)
        return {fid: float(bound[at[fid] - blk.n0]) for fid in at}

    first = bound_at({"a": o_a, "b": 1.0}, own)
    assert first["a"] == pytest.approx(o_a, abs=1e-15)
    assert first["b"] == pytest.approx(0.5 * o_a + 0.5, abs=1e-15)
    assert all(first[f] >= exact[f] for f in exact)
    near = bound_at({f: v + 1e-9 for f, v in exact.items()}, own)
    for fid, value in exact.items():
        assert near[fid] == pytest.approx(value, abs=1e-12)
    assert bound_at({"a": 1.0, "b": 1.0}, np.ones_like(own)) == {"a": 1.0, "b": 1.0}


def test_downstream_of_a_loop() -> None:
    """d (USA) needs yb from b in the loop with outside supplier, o_a = 0.5: A = alpha_b = 2/3."""
    base = loop_network(third_supplier=True)
    facilities = [*base.facilities.to_dict("records"), facility("d", "USA", "z")]
    net = network(
        facilities,
        [*base.recipes.to_dict("records"), recipe("d", "yb")],
        [*base.supplies.to_dict("records"), supply("b", "d", "yb")],
    )
    alpha = availability(stress(net, disruptions=[{"facilities": ["a"], "capacity_factor": 0.5}]))
    assert alpha["d"] == pytest.approx(2 / 3, abs=1e-9)


# ---------------------------------------------------------------------------------------------
# limiting item and limiting control: ties


def test_limiting_item_tie_goes_to_smaller_id() -> None:
    """v needs yy and xx (recipes listed yy first), from sy and sx both at cf 0.5:
    A_xx = A_yy = 0.5, a tie: the smaller id, xx."""
    net = network(
        [facility("sx", "USA", "xx"), facility("sy", "USA", "yy"), facility("v", "USA", "z")],
        [recipe("v", "yy"), recipe("v", "xx")],
        [supply("sy", "v", "yy"), supply("sx", "v", "xx")],
    )
    result = stress(net, disruptions=[{"facilities": ["sx", "sy"], "capacity_factor": 0.5}])
    assert row(result, "v")["availability"] == pytest.approx(0.5)
    assert row(result, "v")["limiting_item"] == "xx"


def test_limiting_item_near_tie_within_tolerance_goes_to_smaller_id() -> None:
    """Suppliers of x and y are down; v holds 26 weeks of x and 26 - 1e-8 weeks of y:
    A_x = 26/52 = 0.5 and A_y = 0.5 - 1e-8/52 = 0.5 - 1.9e-10. They differ by less than the
    1e-9 tolerance, so they tie, and the tie goes to the smaller id: x."""
    net = network(
        [facility("sx", "USA", "x"), facility("sy", "USA", "y"), facility("v", "USA", "z")],
        [recipe("v", "y", stock_weeks=26 - 1e-8), recipe("v", "x", stock_weeks=26)],
        [supply("sx", "v", "x"), supply("sy", "v", "y")],
    )
    result = stress(net, disruptions=[{"facilities": ["sx", "sy"], "capacity_factor": 0}])
    assert row(result, "v")["availability"] == pytest.approx(0.5)
    assert row(result, "v")["limiting_item"] == "x"


@pytest.mark.parametrize("names", [("zeta", "alpha"), ("alpha", "zeta")])
def test_limiting_control_tie_goes_to_first_listed(names: tuple[str, str]) -> None:
    """Two controls, approval 0.5 each, cover s_usa -> dc_cn: a = 0.25. Lifting either gives
    0.5, the same raise of 0.25: the control listed first wins, whatever its name."""
    result = stress(_one_edge_network(), [control(name=n, licence_approval=0.5) for n in names])
    assert availability(result)["dc_cn"] == pytest.approx(0.25)
    assert row(result, "dc_cn")["limiting_control"] == names[0]


def test_limiting_control_near_tie_within_tolerance_goes_to_first_listed() -> None:
    """dc_cn needs chip: share 0.25 + 2e-10 from s_usa (denied by ctl_us, listed first),
    0.25 + 8e-10 from s_nld (denied by ctl_nl), the rest, 0.5 - 1e-9, from s_jpn (free).
    alpha = 0.5 - 1e-9. Lifting ctl_us raises alpha by 0.25 + 2e-10, lifting ctl_nl by
    0.25 + 8e-10: they differ by 6e-10 < 1e-9, a tie, which goes to the first listed: ctl_us."""
    facilities = [
        facility("s_usa", "USA", "chip"),
        facility("s_nld", "NLD", "chip"),
        facility("s_jpn", "JPN", "chip"),
        facility("dc_cn", "CHN", "compute", kind="compute"),
    ]
    net = network(
        facilities,
        [recipe("dc_cn", "chip")],
        [
            supply("s_usa", "dc_cn", "chip", 0.25 + 2e-10),
            supply("s_nld", "dc_cn", "chip", 0.25 + 8e-10),
            supply("s_jpn", "dc_cn", "chip", 0.5 - 1e-9),
        ],
    )
    result = stress(net, [control(name="ctl_us"), control(name="ctl_nl", issuer="NLD")])
    assert row(result, "dc_cn")["availability"] == pytest.approx(0.5 - 1e-9, abs=1e-15)
    assert row(result, "dc_cn")["limiting_control"] == "ctl_us"


def test_controls_that_mask_each_other_share_the_loss() -> None:
    """dc_cn (capacity 1000) needs x from s_usa (denied by ctl_x, issuer USA) and y from s_nld
    (denied by ctl_y, issuer NLD): alpha = min(0, 0) = 0. Lifting either alone changes nothing
    (the other still stops dc_cn), but the Shapley attribution sees that each alone stops it:
    L({x}) = L({y}) = L({x, y}) = 1000, so phi_x = phi_y = (1000 + 0) / 2 = 500. Equal shares
    tie and the tie goes to the first listed: ctl_x is the limiting control and cause; the
    limiting item is x (tie)."""
    facilities = [
        facility("s_usa", "USA", "x"),
        facility("s_nld", "NLD", "y"),
        facility("dc_cn", "CHN", "compute", kind="compute"),
    ]
    net = network(
        facilities,
        [recipe("dc_cn", "x"), recipe("dc_cn", "y")],
        [supply("s_usa", "dc_cn", "x"), supply("s_nld", "dc_cn", "y")],
    )
    result = stress(net, [control(name="ctl_x", items=["x"]), control(name="ctl_y", issuer="NLD", items=["y"])])
    assert row(result, "dc_cn")["availability"] == 0
    assert result.attribution is not None
    assert result.attribution.shares.loc["dc_cn"].to_dict() == pytest.approx({"ctl_x": 500.0, "ctl_y": 500.0})
    assert row(result, "dc_cn")["limiting_control"] == "ctl_x"
    assert row(result, "dc_cn")["limiting_cause"] == "ctl_x"
    assert result.controls["marginal_lost_compute"].tolist() == [0.0, 0.0]
    assert result.controls["attributed_lost_compute"].tolist() == pytest.approx([500.0, 500.0])
    assert row(result, "dc_cn")["limiting_item"] == "x"


# ---------------------------------------------------------------------------------------------
# the tiny network's worked scenarios (tests/data/tiny-controls.yaml, tests/data/tiny-deminimis.yaml)


@pytest.fixture(scope="module")
def tiny_controls(tiny: sc.Network, tiny_controls_scenario: sc.Scenario) -> Any:
    return sc.stress(tiny, tiny_controls_scenario)


def test_tiny_controls_availability(tiny_controls: Any) -> None:
    """nl-litho covers asml -> fab_cn (euv): a = 0; fab_cn's 13 weeks of EUV stock: 13/52 = 0.25.
    us-chips covers fab_tw -> dc_cn (chip, tag eccn:3A090.a) through foreign-direct-product
    reach (fab_tw uses dep, a tool, from amat in the USA): a = 0.2; so does fab_cn -> dc_cn, a
    transfer inside China of an item within reach (fab_cn uses dep from amat too): a = 0.2.
    sand_us at half capacity for 26 of 52 weeks: o = 1 - 0.5*0.5 = 0.75.
    fab_tw: sand 0.5*1 + 0.5*0.75 = 0.875 -> 0.875, limiting sand
    fab_cn: euv 0 + 0.25                  -> 0.25, limiting euv, control nl-litho
    dc_us:  chip 0.875                    -> 0.875, limiting chip, no control
    dc_cn:  chip 0.6*0.2*0.875 + 0.4*0.2*0.25 = 0.105 + 0.02 = 0.125, limiting chip
            (without us-chips 0.6*0.875 + 0.4*0.25 = 0.625, raise 0.5; without nl-litho
             0.105 + 0.4*0.2*1 = 0.185, raise 0.06): control us-chips."""
    alpha = availability(tiny_controls)
    want = {
        "sand_cn": 1,
        "sand_us": 0.75,
        "asml": 1,
        "amat": 1,
        "fab_tw": 0.875,
        "fab_cn": 0.25,
        "dc_us": 0.875,
        "dc_cn": 0.125,
    }
    assert alpha == pytest.approx(want, abs=1e-12)
    limits = {f: (row(tiny_controls, f)["limiting_item"], row(tiny_controls, f)["limiting_control"]) for f in want}
    assert limits == {
        "sand_cn": ("", ""),
        "sand_us": ("", ""),
        "asml": ("", ""),
        "amat": ("", ""),
        "fab_tw": ("sand", ""),
        "fab_cn": ("euv", "nl-litho"),
        "dc_us": ("chip", ""),
        "dc_cn": ("chip", "us-chips"),
    }
    assert tiny_controls.facilities.index.tolist() == list(want)  # the network's order


def test_tiny_controls_lost_capacity_and_countries(tiny_controls: Any) -> None:
    """dc_cn lost 50 * (1 - 0.125) = 43.75; CHN compute: capacity 50, lost 43.75, share 0.875.
    USA compute: dc_us 100 * 0.125 = 12.5 of 100: 0.125."""
    assert row(tiny_controls, "dc_cn")["lost_capacity"] == pytest.approx(43.75, abs=1e-9)
    countries = tiny_controls.countries
    assert countries.loc[("CHN", "compute"), "capacity"] == pytest.approx(50)
    assert countries.loc[("CHN", "compute"), "lost_capacity"] == pytest.approx(43.75, abs=1e-9)
    assert countries.loc[("CHN", "compute"), "lost_share"] == pytest.approx(0.875, abs=1e-9)
    assert countries.loc[("USA", "compute"), "lost_share"] == pytest.approx(0.125, abs=1e-9)


def test_tiny_controls_table(tiny_controls: Any) -> None:
    """Each control alone, no disruption:
    nl-litho covers 1 edge (asml -> fab_cn; asml -> fab_tw goes to TWN, no destination).
      fab_cn 0.25, dc_cn 0.6*1 + 0.4*0.25 = 0.7: 2 facilities hit, compute lost 50*0.3 = 15.
    us-chips covers 2 edges (fab_tw -> dc_cn, and fab_cn -> dc_cn inside China: fab_cn uses
      US deposition tools, so its chips are within foreign-direct-product reach).
      dc_cn 0.6*0.2 + 0.4*0.2 = 0.2: 1 facility hit, compute lost 50*0.8 = 40."""
    assert tiny_controls.table("controls").columns.tolist()[:4] == [
        "control",
        "edges_covered",
        "facilities_hit",
        "standalone_lost_compute",
    ]
    got = tiny_controls.controls
    assert got["edges_covered"].to_dict() == {"nl-litho": 1, "us-chips": 2}
    assert got["facilities_hit"].to_dict() == {"nl-litho": 2, "us-chips": 1}
    assert got["standalone_lost_compute"].to_dict() == pytest.approx({"nl-litho": 15.0, "us-chips": 40.0})


def test_tiny_deminimis(tiny: sc.Network) -> None:
    """USA-origin content share of fab_tw, value x quantity weights:
    sand 2*1 = 2 (half from sand_us), euv 0.001*1000 = 1 (none), dep 0.002*500 = 1 (all)
    -> (2*0.5 + 0 + 1) / 4 = 0.5 >= 0.3: fab_tw -> dc_cn covered, a = 0. fab_cn -> dc_cn is
    inside China. dc_cn: 0.6*0 + 0.4*1 = 0.4; every other facility 1."""
    result = sc.stress(tiny, sc.read_scenario(TINY_DEMINIMIS))
    alpha = availability(result)
    assert alpha["dc_cn"] == pytest.approx(0.4, abs=1e-12)
    assert {f: a for f, a in alpha.items() if f != "dc_cn"} == dict.fromkeys(
        ["sand_cn", "sand_us", "asml", "amat", "fab_tw", "fab_cn", "dc_us"], 1.0
    )
    assert row(result, "dc_cn")["limiting_control"] == "us-deminimis"
    assert row(result, "dc_cn")["lost_capacity"] == pytest.approx(30)
