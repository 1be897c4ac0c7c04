"""Time in the model (docs/model.md §2, §3.1-§3.3, §3.5): rules that start, end and take time,
shocks that ramp back, the week-by-week timeline from scenarios, and export-control reach as
the rules are written (in-country transfers, headquarters, the affiliates rule).

The engine's own rules over hand-made week factors are in test_weekly.py; here every number
goes through the scenario format, the compiler and the public functions.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml
from builders import availability, facility, network, read_csv, recipe, scenario, stress, supply
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import supplychain as sc
from supplychain.compile import control_weeks, disruption_weeks
from supplychain.montecarlo import BLOCK, MonteCarloModel

REPO = Path(__file__).resolve().parent.parent


def chain(stock_weeks: float = 4) -> sc.Network:
    """src_a (JPN, 60 %) and src_b (CHN, 40 %) make m for fab (KOR, ``stock_weeks`` of m), which
    makes chip for dc (KOR, no stock)."""
    facilities = [
        facility("src_a", "JPN", "m"),
        facility("src_b", "CHN", "m"),
        facility("fab", "KOR", "chip", kind="foundry", capacity=12),
        facility("dc", "KOR", "ai", kind="compute", capacity=10),
    ]
    recipes = [recipe("fab", "m", stock_weeks=stock_weeks), recipe("dc", "chip")]
    supplies = [supply("src_a", "fab", "m", 0.6), supply("src_b", "fab", "m", 0.4), supply("fab", "dc", "chip")]
    return network(facilities, recipes, supplies)


JP_M = {"name": "jp-m", "issuer": "JPN", "items": ["m"], "destinations": ["KOR"]}


# ---- 1. week factors (docs/model.md §3.1) ----------------------------------------------------


def test_control_week_factor_steps_through_delay_then_approval_until_lifted() -> None:
    """start 2, delay 3, approval 0.5, lifted from week 7, H = 9: weeks 0-1 not in force (1),
    2-4 licences pending (0), 5-6 approval (0.5), 7-8 lifted (1)."""
    c = sc.Scenario.model_validate(
        {
            "name": "s",
            "horizon_weeks": 9,
            "controls": [{**JP_M, "start_week": 2, "licence_delay_weeks": 3, "licence_approval": 0.5, "end_week": 7}],
        }
    ).controls[0]
    assert control_weeks(c, 9).tolist() == [1, 1, 0, 0, 0, 0.5, 0.5, 1, 1]


def test_a_delay_longer_than_the_control_keeps_it_shut_while_in_force() -> None:
    """start 1, delay 10, lifted from week 4: shut weeks 1-3 only."""
    c = sc.Scenario.model_validate(
        {
            "name": "s",
            "horizon_weeks": 6,
            "controls": [{**JP_M, "start_week": 1, "licence_delay_weeks": 10, "licence_approval": 1, "end_week": 4}],
        }
    ).controls[0]
    assert control_weeks(c, 6).tolist() == [1, 0, 0, 0, 1, 1]


def test_disruption_week_factor_ramps_back_linearly() -> None:
    """cf 0.2 from week 1 for 2 weeks, ramp 3: weeks 1-2 at 0.2, then 0.2 + 0.8 j/4 for
    j = 1, 2, 3 (0.4, 0.6, 0.8), then 1."""
    d = sc.Scenario.model_validate(
        {
            "name": "s",
            "horizon_weeks": 8,
            "disruptions": [
                {"facilities": ["x"], "capacity_factor": 0.2, "start_week": 1, "weeks": 2, "ramp_weeks": 3}
            ],
        }
    ).disruptions[0]
    assert disruption_weeks(d, 8) == pytest.approx([1, 0.2, 0.2, 0.4, 0.6, 0.8, 1, 1])


def test_a_ramp_cut_by_the_horizon_counts_only_its_weeks_inside() -> None:
    """cf 0 for weeks 0-3 of H = 6, ramp 4: weeks 4, 5 at 0.2, 0.4; mean (0.2 + 0.4)/6 = 0.1."""
    net = network([facility("x", "TWN", "a")])
    res = stress(
        net, disruptions=[{"facilities": ["x"], "capacity_factor": 0, "weeks": 4, "ramp_weeks": 4}], horizon_weeks=6
    )
    assert availability(res)["x"] == pytest.approx(0.1)


# ---- 2. static horizon means (docs/model.md §3.2) -------------------------------------------


def test_static_delay_is_the_horizon_mean_of_the_week_factor() -> None:
    """JPN licence on m to KOR from week 2, licences take 8 weeks, then all granted, H = 12:
    a(src_a -> fab) = (2 + 2)/12 = 1/3. fab: min(1, 0.6/3 + 0.4 + 4/12) = 14/15."""
    res = stress(
        chain(), [{**JP_M, "start_week": 2, "licence_delay_weeks": 8, "licence_approval": 1}], horizon_weeks=12
    )
    assert availability(res)["fab"] == pytest.approx(14 / 15, abs=1e-12)
    assert availability(res)["dc"] == pytest.approx(14 / 15, abs=1e-12)


def test_two_controls_on_one_edge_multiply_week_by_week() -> None:
    """Two denials of m to KOR: one in force weeks 0-25, one weeks 0-12 of 52. Week by week the
    edge is shut in weeks 0-25: a = 26/52 = 0.5 (the product of the means, 0.5 * 0.75, would
    be 0.375). Without stock fab gets 0.6 * 0.5 + 0.4 = 0.7."""
    controls = [{**JP_M, "end_week": 26}, {**JP_M, "name": "jp-m2", "end_week": 13}]
    assert availability(stress(chain(stock_weeks=0), controls))["fab"] == pytest.approx(0.7, abs=1e-12)


def test_without_timing_fields_the_static_result_is_unchanged() -> None:
    """A control in force all horizon long at approval 0.25: a = 0.25 exactly, fab =
    0.6 * 0.25 + 0.4 = 0.55 with no stock; the explicit defaults give the same."""
    plain = stress(chain(stock_weeks=0), [{**JP_M, "licence_approval": 0.25}])
    explicit = stress(
        chain(stock_weeks=0),
        [{**JP_M, "licence_approval": 0.25, "start_week": 0, "end_week": None, "licence_delay_weeks": 0}],
    )
    assert availability(plain)["fab"] == availability(explicit)["fab"] == pytest.approx(0.55, abs=1e-15)


# ---- 3. the timeline from scenarios (docs/model.md §3.3) --------------------------------------


def test_timeline_of_a_licence_delay_drains_the_stock() -> None:
    """As the static test above, week by week: the stock of 4 weeks drains 0.6 a week from
    week 2 (4, 3.4, 2.8, 2.2, 1.6, 1.0, 0.4 at the starts of weeks 2-8), so fab makes 1 until
    week 7, 0.8 in week 8 and 0.4 in week 9, then 1 once licences are granted in week 10:
    mean 11.2/12 = 14/15; worst week 9."""
    scen = scenario([{**JP_M, "start_week": 2, "licence_delay_weeks": 8, "licence_approval": 1}], horizon_weeks=12)
    tl = sc.timeline(chain(), scen)
    assert tl.availability["fab"].tolist() == pytest.approx([1] * 8 + [0.8, 0.4, 1, 1], abs=1e-12)
    assert tl.availability["dc"].tolist() == pytest.approx(tl.availability["fab"].tolist(), abs=1e-12)
    per = tl.facilities
    assert per.loc["fab", "availability_timeline"] == pytest.approx(14 / 15, abs=1e-12)
    assert per.loc["fab", "worst_week"] == 9
    assert per.loc["src_a", "worst_week"] == -1
    stock = tl.inputs("fab")["stock:m"].tolist()
    assert stock[:10] == pytest.approx([4, 4, 4, 3.4, 2.8, 2.2, 1.6, 1.0, 0.4, 0.0], abs=1e-12)
    assert tl.limiting_items("fab").tolist()[8:10] == ["m", "m"]


@pytest.mark.parametrize(("delay", "fab_weeks"), [(3, [1.0] * 8), (6, [1.0] * 8), (7, [1, 1, 1, 1, 1, 1, 1, 0.8])])
def test_a_delay_shorter_or_longer_than_the_stock(delay: int, fab_weeks: list[float]) -> None:
    """4 weeks of stock, 0.6 short a week from week 1: a 3-week delay draws 1.8 weeks and loses
    nothing, a 6-week delay 3.6 weeks and still loses nothing (licences come in week 7); a 7-week
    delay runs the stock out in week 7 (4 − 6 · 0.6 = 0.4 left: A = 0.4 + 0.4 = 0.8)."""
    scen = scenario([{**JP_M, "start_week": 1, "licence_delay_weeks": delay, "licence_approval": 1}], horizon_weeks=8)
    assert sc.timeline(chain(), scen).availability["fab"].tolist() == pytest.approx(fab_weeks, abs=1e-12)


def test_a_control_lifted_mid_horizon() -> None:
    """A denial from week 1, lifted from week 3, no stock: fab 1, 0.4, 0.4, 1, 1."""
    scen = scenario([{**JP_M, "start_week": 1, "end_week": 3}], horizon_weeks=5)
    tl = sc.timeline(chain(stock_weeks=0), scen)
    assert tl.availability["fab"].tolist() == pytest.approx([1, 0.4, 0.4, 1, 1], abs=1e-12)


def test_a_ramping_disruption_without_stock() -> None:
    """src_b stops in weeks 1-2 and ramps back over 3 weeks (0.25, 0.5, 0.75), H = 8; fab gets
    0.6 + 0.4 o_b(t): 1, .6, .6, .7, .8, .9, 1, 1 (mean 0.825 = the static 0.6 + 0.4 · 4.5/8)."""
    shock = {"facilities": ["src_b"], "capacity_factor": 0, "start_week": 1, "weeks": 2, "ramp_weeks": 3}
    net, scen = chain(stock_weeks=0), scenario(disruptions=[shock], horizon_weeks=8)
    tl = sc.timeline(net, scen)
    assert tl.availability["fab"].tolist() == pytest.approx([1, 0.6, 0.6, 0.7, 0.8, 0.9, 1, 1], abs=1e-12)
    assert availability(sc.stress(net, scen))["fab"] == pytest.approx(0.825, abs=1e-12)


def test_two_disruptions_overlapping_in_time() -> None:
    """src_a at 0.5 in weeks 0-3 and src_a at 0 in weeks 2-5 (H = 6): its own factor week by week
    0.5, 0.5, 0, 0, 0, 0 -> mean 1/6, and fab without stock 0.4 + 0.6 o_a(t)."""
    shocks = [
        {"facilities": ["src_a"], "capacity_factor": 0.5, "weeks": 4},
        {"facilities": ["src_a"], "capacity_factor": 0.0, "start_week": 2, "weeks": 4},
    ]
    net, scen = chain(stock_weeks=0), scenario(disruptions=shocks, horizon_weeks=6)
    tl = sc.timeline(net, scen)
    assert tl.availability["src_a"].tolist() == pytest.approx([0.5, 0.5, 0, 0, 0, 0], abs=1e-12)
    assert availability(sc.stress(net, scen))["src_a"] == pytest.approx(1 / 6, abs=1e-12)
    assert tl.availability["fab"].tolist() == pytest.approx([0.7, 0.7, 0.4, 0.4, 0.4, 0.4], abs=1e-12)


def test_timeline_table_sums_capacity_by_country_and_kind() -> None:
    """Week 9 of the delay case: KOR foundry loses 12 · 0.6 = 7.2 (share 0.6), KOR compute 10 · 0.6
    = 6; JPN and CHN materials lose nothing. Columns as timeline.csv."""
    scen = scenario([{**JP_M, "start_week": 2, "licence_delay_weeks": 8, "licence_approval": 1}], horizon_weeks=12)
    table = sc.timeline(chain(), scen).table.reset_index()
    assert table.columns.tolist() == ["week", "country", "kind", "capacity", "lost_capacity", "lost_share"]
    assert len(table) == 12 * 4
    week9 = table[table["week"] == 9].set_index(["country", "kind"])
    assert week9.loc[("KOR", "foundry"), "lost_capacity"] == pytest.approx(7.2)
    assert week9.loc[("KOR", "foundry"), "lost_share"] == pytest.approx(0.6)
    assert week9.loc[("KOR", "compute"), "lost_capacity"] == pytest.approx(6)
    assert week9.loc[("JPN", "material"), "lost_capacity"] == 0


@settings(max_examples=25, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(
    approval=st.floats(0, 1),
    capacity_factor=st.floats(0, 1),
)
def test_constant_rules_without_stock_give_the_static_result_every_week(
    approval: float, capacity_factor: float
) -> None:
    """A control and a disruption in force all horizon long, no stock: every week of the
    timeline equals the static availability (docs/model.md §3.3)."""
    net = chain(stock_weeks=0)
    scen = scenario(
        [{**JP_M, "licence_approval": approval}],
        [{"facilities": ["src_b"], "capacity_factor": capacity_factor}],
        horizon_weeks=6,
    )
    static = availability(sc.stress(net, scen))
    weekly = sc.timeline(net, scen).availability
    for fid, value in static.items():
        assert weekly[fid].to_numpy() == pytest.approx(np.full(6, value), abs=1e-12)


# ---- 4. reach (docs/model.md §3.1) ------------------------------------------------------------


def reach_network(ownership: list[dict] | None = None) -> sc.Network:
    """us_tools (USA) -> cn_fab (CHN) -> h1 (Huawei, CHN), h2 (HiSilicon, CHN), s1 (Byte SG, SGP,
    headquartered in CHN), s2 (Local SG, SGP)."""
    items = [{"id": "tool", "tool": True}, {"id": "chip"}, {"id": "ai"}]
    facilities = [
        facility("us_tools", "USA", "tool", kind="equipment"),
        facility("cn_fab", "CHN", "chip", kind="foundry", company="FabCo"),
        facility("h1", "CHN", "ai", kind="compute", company="Huawei"),
        facility("h2", "CHN", "ai", kind="compute", company="HiSilicon"),
        facility("s1", "SGP", "ai", kind="compute", company="Byte SG", hq_country="CHN"),
        facility("s2", "SGP", "ai", kind="compute", company="Local SG"),
    ]
    buyers = ("h1", "h2", "s1", "s2")
    recipes = [recipe("cn_fab", "tool"), *(recipe(b, "chip") for b in buyers)]
    supplies = [supply("us_tools", "cn_fab", "tool"), *(supply("cn_fab", b, "chip") for b in buyers)]
    return network(facilities, recipes, supplies, items=items, ownership=ownership or [])


US_CHIP = {"name": "us", "issuer": "USA", "items": ["chip"], "reach": {"foreign_direct_product": True}}


def test_in_country_transfer_within_reach_is_covered() -> None:
    """cn_fab uses US tools (foreign-direct-product reach): its deliveries to h1 inside China
    are covered by a rule naming Huawei; without reach they are not (cn_fab is not in the USA)."""
    net = reach_network()
    assert availability(stress(net, [{**US_CHIP, "end_users": ["Huawei"]}]))["h1"] == 0
    without = {**US_CHIP, "end_users": ["Huawei"], "reach": {}}
    assert availability(stress(net, [without]))["h1"] == 1


def test_headquarters_selects_buyers_by_hq_country_wherever_located() -> None:
    """headquarters [CHN]: s1 (in Singapore, headquartered in China) and the Chinese sites are
    covered; s2 (a Singaporean company) is not. hq_country defaults to the country."""
    net = reach_network()
    assert net.facilities.set_index("id").loc["s2", "hq_country"] == "SGP"
    alpha = availability(stress(net, [{**US_CHIP, "headquarters": ["CHN"]}]))
    assert {f: alpha[f] for f in ("h1", "h2", "s1", "s2", "cn_fab")} == {
        "h1": 0,
        "h2": 0,
        "s1": 0,
        "s2": 1,
        "cn_fab": 1,
    }


@pytest.mark.parametrize(
    ("ownership", "threshold", "h2"),
    [
        ([{"owner": "Huawei", "owned": "HiSilicon", "share": 1.0}], 0.5, 0.0),
        ([{"owner": "Huawei", "owned": "HiSilicon", "share": 0.4}], 0.5, 1.0),  # below the threshold
        ([{"owner": "Huawei", "owned": "HiSilicon", "share": 0.4}], 0.4, 0.0),  # at it
        # held together: Huawei 30 % directly and 30 % through FabCo, itself 60 % Huawei's
        (
            [
                {"owner": "Huawei", "owned": "FabCo", "share": 0.6},
                {"owner": "Huawei", "owned": "HiSilicon", "share": 0.3},
                {"owner": "FabCo", "owned": "HiSilicon", "share": 0.3},
            ],
            0.5,
            0.0,
        ),
    ],
)
def test_affiliates_are_companies_held_together_at_the_threshold(
    ownership: list[dict], threshold: float, h2: float
) -> None:
    """reach.affiliates = x extends end_users [Huawei] to the companies the listed parties and
    the affiliates found so far hold, together, at ≥ x (docs/model.md §3.1)."""
    net = reach_network(ownership)
    rule = {**US_CHIP, "end_users": ["Huawei"], "reach": {"foreign_direct_product": True, "affiliates": threshold}}
    alpha = availability(stress(net, [rule]))
    assert alpha["h1"] == 0
    assert alpha["h2"] == h2


def test_without_the_affiliates_clause_subsidiaries_are_not_listed() -> None:
    net = reach_network([{"owner": "Huawei", "owned": "HiSilicon", "share": 1.0}])
    assert availability(stress(net, [{**US_CHIP, "end_users": ["Huawei"]}]))["h2"] == 1


# ---- 5. bad input -------------------------------------------------------------------------------


def write(tmp_path: Path, data: dict, name: str = "s.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


@pytest.mark.parametrize(
    ("fields", "key", "words"),
    [
        ({"start_week": 2.5}, "controls[0].start_week", "whole number of weeks"),
        ({"start_week": -1}, "controls[0].start_week", "greater than or equal to 0"),
        ({"licence_delay_weeks": 1.5}, "controls[0].licence_delay_weeks", "whole number"),
        ({"start_week": 4, "end_week": 4}, "controls[0].end_week", "not after start_week"),
        ({"start_week": 12}, "controls[0].start_week", "past the horizon"),
        ({"end_users": ["F"], "reach": {"affiliates": 0}}, "controls[0].reach.affiliates", "greater than 0"),
        ({"end_users": ["F"], "reach": {"affiliates": 1.5}}, "controls[0].reach.affiliates", "less than or equal to 1"),
        ({"headquarters": ["CHX"]}, "controls[0].headquarters", "did you mean 'CHN'"),
    ],
)
def test_bad_control_timing_names_the_key(tmp_path: Path, fields: dict, key: str, words: str) -> None:
    path = write(tmp_path, {"name": "s", "network": "tiny", "horizon_weeks": 12, "controls": [{**JP_M, **fields}]})
    with pytest.raises(sc.InputError) as info:
        sc.read_scenario(path)
    text = str(info.value)
    assert f"{path} line " in text, text
    assert key in text, text
    assert words in text, text


@pytest.mark.parametrize(
    ("fields", "key"),
    [
        ({"weeks": 2.5}, "disruptions[0].weeks"),
        ({"ramp_weeks": -2}, "disruptions[0].ramp_weeks"),
        ({"start_week": 30}, "disruptions[0].start_week"),
    ],
)
def test_bad_disruption_timing_names_the_key(tmp_path: Path, fields: dict, key: str) -> None:
    path = write(
        tmp_path,
        {"name": "s", "network": "tiny", "horizon_weeks": 12, "disruptions": [{"facilities": ["fab_tw"], **fields}]},
    )
    with pytest.raises(sc.InputError, match=key.replace("[", r"\[").replace("]", r"\]")):
        sc.read_scenario(path)


def test_every_timing_problem_of_a_file_is_reported_in_one_pass(tmp_path: Path) -> None:
    """A late start beside another broken field: both reported."""
    path = write(
        tmp_path,
        {
            "name": "s",
            "network": "tiny",
            "horizon_weeks": 12,
            "controls": [{**JP_M, "start_week": 20}],
            "disruptions": [{"facilities": ["fab_tw"], "weeks": 1.5}],
        },
    )
    with pytest.raises(sc.InputError) as info:
        sc.read_scenario(path)
    keys = [p.message.split(":")[0] for p in info.value.problems]
    assert "controls[0].start_week" in keys
    assert "disruptions[0].weeks" in keys


def test_horizon_is_whole_weeks_from_1_to_520() -> None:
    for bad, words in ((0, "greater than or equal to 1"), (521, "less than or equal to 520"), (10.5, "whole")):
        with pytest.raises(sc.InputError, match=words):
            sc.Scenario.model_validate({"name": "s", "horizon_weeks": bad})
    assert sc.Scenario.model_validate({"name": "s", "horizon_weeks": 26.0}).horizon_weeks == 26


@pytest.mark.parametrize(
    ("rows", "where", "words"),
    [
        ([{"owner": "Huawei", "owned": "Nobody", "share": 0.5}], "ownership row 1, column owned", "unknown company"),
        ([{"owner": "Huawei", "owned": "Huawei", "share": 0.5}], "ownership row 1, column owned", "owns itself"),
        ([{"owner": "Huawei", "owned": "HiSilicon", "share": 0}], "ownership row 1, column share", "out of range"),
        (
            [
                {"owner": "Huawei", "owned": "HiSilicon", "share": 0.7},
                {"owner": "FabCo", "owned": "HiSilicon", "share": 0.6},
            ],
            "ownership row 2, column share",
            "sum to 1.3",
        ),
    ],
)
def test_bad_ownership_rows_name_row_and_column(rows: list[dict], where: str, words: str) -> None:
    with pytest.raises(sc.InputError) as info:
        reach_network(rows)
    assert any(where in p.where and words in p.message for p in info.value.problems), info.value


def test_bad_hq_country_suggests_the_nearest_code() -> None:
    rows = [facility("a", "CHN", "x", hq_country="CHX")]
    with pytest.raises(sc.InputError, match="column hq_country: unknown country code 'CHX'; did you mean 'CHN'"):
        network(rows)


# ---- 6. Monte Carlo with delays (docs/model.md §3.5) -------------------------------------------


def _dense_samples(net: sc.Network, scen: sc.Scenario, blocks: int = 1) -> tuple[np.ndarray, np.ndarray]:
    model = MonteCarloModel(net, scen, sc.compile_scenario(net, scen))
    dense = [model.dense(model.draw(5, b), BLOCK) for b in range(blocks)]
    return np.concatenate([e for e, _ in dense]), np.concatenate([o for _, o in dense])


def test_monte_carlo_granted_licence_opens_after_the_delay_denied_stays_shut() -> None:
    """JPN on m to KOR from week 2 with an 8-week delay, H = 12, approval 0.5: each sample's
    edge factor is 1 − 8/12 = 1/3 (granted: shut during the delay) or 1 − 10/12 = 1/6 (denied:
    shut while in force), about half each; the mean approaches the static 0.25 = 2/12 + 0.5 · 2/12 + ..."""
    scen = scenario([{**JP_M, "start_week": 2, "licence_delay_weeks": 8, "licence_approval": 0.5}], horizon_weeks=12)
    net = chain()
    edge, _ = _dense_samples(net, scen, blocks=4)
    row = net.supplies.index[(net.supplies["supplier"] == "src_a")][0]
    values = edge[:, row]
    assert set(np.round(values, 12).tolist()) == {round(1 / 3, 12), round(1 / 6, 12)}
    static = sc.compile_scenario(net, scen).edge_factor()[0, row]
    assert static == pytest.approx(2 / 12 + 0.5 * 2 / 12)  # not in force 2 weeks, approval 0.5 for 2
    assert values.mean() == pytest.approx(static, abs=4 * (1 / 12) / np.sqrt(len(values)))


def test_monte_carlo_two_controls_on_one_edge_use_the_union_of_shut_weeks() -> None:
    """Both always in force: a denial in weeks 0-25 and a granted licence with a 39-week delay
    from week 13 (shut 13-51): the edge is shut all 52 weeks, a = 0 in every sample (the product
    of the means would be 0.5 · 0.25 = 0.125)."""
    controls = [
        {**JP_M, "end_week": 26, "licence_approval": 0},
        {**JP_M, "name": "jp-m2", "start_week": 13, "licence_delay_weeks": 39, "licence_approval": 1},
    ]
    net, scen = chain(), scenario(controls)
    edge, _ = _dense_samples(net, scen)
    row = net.supplies.index[(net.supplies["supplier"] == "src_a")][0]
    assert np.all(edge[:, row] == 0)
    assert sc.compile_scenario(net, scen).edge_factor()[0, row] == 0


def test_monte_carlo_of_a_certain_timed_scenario_equals_the_static_stress() -> None:
    """Every rule certain and every licence decided (approval 0 or 1): every sample is the
    scenario itself, so the Monte Carlo mean availability equals the static one exactly."""
    controls = [{**JP_M, "start_week": 3, "licence_delay_weeks": 5, "licence_approval": 1, "end_week": 40}]
    shocks = [
        {"facilities": ["src_b"], "capacity_factor": 0.3, "start_week": 4, "weeks": 6, "ramp_weeks": 5},
        {"facilities": ["src_b"], "capacity_factor": 0.5, "start_week": 8, "weeks": 10},
    ]
    net, scen = chain(stock_weeks=2), scenario(controls, shocks)
    mc = sc.monte_carlo(net, scen, samples=64, seed=1)
    mean = mc.facilities["mc_availability_mean"]
    for fid, value in availability(sc.stress(net, scen)).items():
        assert mean[fid] == pytest.approx(value, abs=1e-12)


def test_monte_carlo_with_delays_is_reproducible_across_workers() -> None:
    scen = scenario(
        [{**JP_M, "start_week": 2, "licence_delay_weeks": 8, "licence_approval": 0.5, "probability": 0.7}],
        horizon_weeks=12,
    )
    one = sc.monte_carlo(chain(), scen, samples=600, seed=3)
    two = sc.monte_carlo(chain(), scen, samples=600, seed=3, workers=2)
    assert one.table.equals(two.table)
    assert one.facilities.equals(two.facilities)


# ---- 7. the command line -----------------------------------------------------------------------


def _chain_files(tmp_path: Path, timeline: bool) -> Path:
    net = {
        "items": [{"id": "m"}, {"id": "chip"}, {"id": "ai"}],
        "facilities": [
            {"id": "src_a", "company": "A", "country": "JPN", "kind": "material", "produces": "m", "capacity": 100},
            {"id": "src_b", "company": "B", "country": "CHN", "kind": "material", "produces": "m", "capacity": 100},
            {"id": "fab", "company": "F", "country": "KOR", "kind": "foundry", "produces": "chip", "capacity": 12},
            {"id": "dc", "company": "D", "country": "KOR", "kind": "compute", "produces": "ai", "capacity": 10},
        ],
        "recipes": [
            {"facility": "fab", "item": "m", "quantity": 1, "stock_weeks": 4},
            {"facility": "dc", "item": "chip", "quantity": 1},
        ],
        "supplies": [
            {"supplier": "src_a", "buyer": "fab", "item": "m", "share": 0.6},
            {"supplier": "src_b", "buyer": "fab", "item": "m", "share": 0.4},
            {"supplier": "fab", "buyer": "dc", "item": "chip", "share": 1},
        ],
    }
    write(tmp_path, net, "chain.yaml")
    scen: dict[str, Any] = {
        "name": "delay",
        "network": "chain.yaml",
        "horizon_weeks": 12,
        "controls": [{**JP_M, "start_week": 2, "licence_delay_weeks": 8, "licence_approval": 1}],
    }
    if timeline:
        scen["timeline"] = True
    return write(tmp_path, scen, "delay.yaml")


@pytest.mark.parametrize("how", ["scenario", "flag"])
def test_cli_timeline_writes_timeline_csv_and_facility_columns(tmp_path: Path, how: str) -> None:
    path = _chain_files(tmp_path, timeline=how == "scenario")
    out = tmp_path / "out"
    args = [sys.executable, str(REPO / "run_scenario.py"), str(path), "--out", str(out), "--no-exposure", "--quiet"]
    if how == "flag":
        args.append("--timeline")
    done = subprocess.run(args, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    fac = {r["facility"]: r for r in read_csv(out / "facilities.csv")}
    assert fac["fab"]["worst_week"] == "9"
    assert fac["src_a"]["worst_week"] == ""
    assert float(fac["fab"]["availability_timeline"]) == pytest.approx(14 / 15, abs=1e-9)
    rows = read_csv(out / "timeline.csv")
    assert list(rows[0]) == ["week", "country", "kind", "capacity", "lost_capacity", "lost_share"]
    summary = {r["metric"]: r["value"] for r in read_csv(out / "summary.csv")}
    assert summary["worst_week"] == "9"
    assert float(summary["compute_lost_worst_week"]) == pytest.approx(6)


def test_cli_without_timeline_writes_no_timeline(tmp_path: Path) -> None:
    path = _chain_files(tmp_path, timeline=False)
    out = tmp_path / "out"
    done = subprocess.run(
        [sys.executable, str(REPO / "run_scenario.py"), str(path), "--out", str(out), "--no-analyses", "--quiet"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert not (out / "timeline.csv").exists()
    assert "worst_week" not in read_csv(out / "facilities.csv")[0]


def test_validate_prints_each_controls_timing(tmp_path: Path) -> None:
    path = _chain_files(tmp_path, timeline=False)
    done = subprocess.run(
        [sys.executable, str(REPO / "run_scenario.py"), str(path), "--validate"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (
        "control jp-m: covers 1 supply edge, in force weeks 2-11 of 0-11, licences decided after 8 weeks" in done.stdout
    )


# ---- 8. the result object -----------------------------------------------------------------------


def test_timeline_result_repr_and_plots(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    scen = scenario([{**JP_M, "start_week": 2, "licence_delay_weeks": 8, "licence_approval": 1}], horizon_weeks=12)
    tl = sc.timeline(chain(), scen)
    assert (
        repr(tl)
        == "<TimelineResult 'built' on 'built': 12 weeks; compute lost 6.7 % on average, worst week 9 (60.0 %)>"
    )
    ax = tl.plot()
    assert [line.get_label().split(" (mean")[0] for line in ax.get_lines()] == ["South Korea (KOR)"]
    assert ax.get_lines()[0].get_ydata()[9] == pytest.approx(60)
    ax = tl.plot_facility("fab")
    assert "fab availability" in [t.get_text() for t in ax.get_legend().get_texts()]
    with pytest.raises(sc.InputError, match=r"unknown facility 'fbb'.*did you mean 'fab'"):
        tl.inputs("fbb")


def test_cli_bad_ownership_row_is_exit_2_with_no_report(tmp_path: Path) -> None:
    """An ownership row naming an unknown company stops the run before any report: exit 2, one
    paragraph naming the file, the row and the column, no traceback."""
    path = _chain_files(tmp_path, timeline=True)
    net = yaml.safe_load((tmp_path / "chain.yaml").read_text())
    net["ownership"] = [{"owner": "A", "owned": "Nobody", "share": 0.5}, {"owner": "A", "owned": "B", "share": 1.5}]
    (tmp_path / "chain.yaml").write_text(yaml.safe_dump(net, sort_keys=False))
    out = tmp_path / "out"
    done = subprocess.run(
        [sys.executable, str(REPO / "run_scenario.py"), str(path), "--out", str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "chain.yaml: ownership row 1" in done.stderr
    assert "column owned: unknown company 'Nobody'" in done.stderr
    assert "ownership row 2" in done.stderr
    assert "column share" in done.stderr
    assert not out.exists()


def test_a_ramp_without_a_duration_warns() -> None:
    """ramp_weeks without weeks never applies (the disruption lasts to the end): a run warns."""
    scen = scenario(disruptions=[{"facilities": ["src_b"], "capacity_factor": 0.5, "ramp_weeks": 4}])
    with pytest.warns(UserWarning, match="ramp_weeks 4 but no weeks"):
        sc.run_scenario(chain(), scen, analyses=False)


def test_every_late_start_is_reported(tmp_path: Path) -> None:
    """Two controls and a disruption starting past a 12-week horizon, in an otherwise valid
    file: all three named."""
    path = write(
        tmp_path,
        {
            "name": "s",
            "network": "tiny",
            "horizon_weeks": 12,
            "controls": [
                {"name": "a", "issuer": "NLD", "items": ["euv"], "destinations": ["CHN"], "start_week": 12},
                {"name": "b", "issuer": "NLD", "items": ["euv"], "destinations": ["CHN"], "start_week": 30},
            ],
            "disruptions": [{"facilities": ["fab_tw"], "start_week": 15}],
        },
    )
    with pytest.raises(sc.InputError) as info:
        sc.read_scenario(path)
    keys = sorted(p.message.split(":")[0] for p in info.value.problems)
    assert keys == ["controls[0].start_week", "controls[1].start_week", "disruptions[0].start_week"]
