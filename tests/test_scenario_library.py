"""The scenario library (scenarios/*.yaml) on the bundled `semiconductors` network.

Every scenario validates and runs; the sanity assertions below are grounded in the published
figures the network is calibrated to. Each docstring traces its numbers to
supplychain/data/semiconductors/README.md ("the data README": its Facilities, Items, Stocks and
Validation tables).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import supplychain as sc
from supplychain.scenario import compile_scenario

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"
FILES = sorted(SCENARIOS.glob("*.yaml"))
LIBRARY = [
    "us-2022-10-advanced-computing",
    "us-2023-10-update",
    "us-2024-12-hbm-sme",
    "nl-jp-2023-lithography",
    "huawei-2020-fdpr",
    "jp-kr-2019-materials",
    "cn-2023-gallium-germanium",
    "cn-2024-12-ban-to-us",
    "taiwan-strait-blockade",
    "open-certification-consortium",
    "us-2025-09-affiliates-rule",
]
LEADING_EDGE = ("logic_5nm", "logic_7nm")


@pytest.fixture(scope="module")
def net():
    return sc.read_network("semiconductors")


@pytest.fixture(scope="module")
def results(net):
    """Each library scenario stressed once per module (name -> StressResult)."""
    return {name: sc.stress(net, sc.read_scenario(SCENARIOS / f"{name}.yaml")) for name in LIBRARY}


def _facilities(res) -> pd.DataFrame:
    return res.facilities


def _covered_edges(net, name: str) -> dict[str, list[tuple[str, str, str]]]:
    """Per control, the (supplier, buyer, item) edges it covers."""
    arr = net.arrays
    compiled = compile_scenario(net, sc.read_scenario(SCENARIOS / f"{name}.yaml"))
    return {
        control: [
            (arr.facility_ids[arr.edge_src[e]], arr.facility_ids[arr.edge_dst[e]], arr.item_ids[arr.edge_item[e]])
            for e in np.flatnonzero(row)
        ]
        for control, row in zip(compiled.control_names, compiled.coverage, strict=True)
    }


def _leading_edge(fac: pd.DataFrame, country: str | None = None) -> pd.DataFrame:
    rows = fac[fac["produces"].isin(LEADING_EDGE)]
    return rows if country is None else rows[rows["country"] == country]


def test_library_is_complete():
    """The eleven library scenarios are all in scenarios/."""
    assert {p.stem for p in FILES} >= set(LIBRARY)


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_scenario_validates_and_runs(path, net):
    """Every scenario file validates (names, items, end users against its network) and stresses."""
    scen = sc.read_scenario(path)
    assert scen.name == path.stem
    assert scen.description.strip()
    res = sc.stress(net if scen.network == "semiconductors" else None, scen)
    avail = res.facilities["availability"]
    assert avail.between(0, 1).all()
    assert avail.min() < 1, "a scenario of the library hits something"
    if scen.timeline:  # the week-by-week model runs too
        tl = sc.timeline(net if scen.network == "semiconductors" else None, scen)
        weekly = tl.availability.to_numpy()
        assert weekly.shape == (scen.horizon_weeks, len(avail))
        assert ((weekly >= 0) & (weekly <= 1)).all()


def test_affiliates_rule_is_in_force_until_its_suspension(net):
    """us-2025-09-affiliates-rule: the 50 % rule from week 0 (29 Sep 2025) to week 6 (suspended from
    10 Nov 2025). In this network no company is held >= 50 % by a listed party (the ownership
    table: Sugon 27.96 % of Hygon, Intel and TSMC in IMS), so it covers exactly the edges of the
    listed parties' own entries (data README, "Ownership and headquarters")."""
    compiled = compile_scenario(net, sc.read_scenario(SCENARIOS / "us-2025-09-affiliates-rule.yaml"))
    c = compiled.control_names.index("us-affiliates-rule-2025")
    assert (int(compiled.control_start[c]), int(compiled.control_end[c])) == (0, 6)
    listed = [compiled.control_names.index(n) for n in ("us-huawei-fdp-2020", "us-entity-list-fn4")]
    assert (compiled.coverage[c] == compiled.coverage[listed].any(axis=0)).all()


@pytest.mark.parametrize("name", LIBRARY)
def test_every_control_covers_an_edge(name, results):
    """No control of the library is a typo that covers nothing."""
    controls = results[name].controls
    assert (controls["edges_covered"] >= 1).all(), controls[controls["edges_covered"] < 1]


def test_nl_jp_lithography_leaves_chinas_leading_edge_running_on_its_installed_base(results):
    """Within the year China's <= 7 nm line keeps running on its installed tools; Taiwan is untouched.

    Data README: the only Chinese <= 7 nm facility is smic_sn2 (SMIC, logic_7nm, 3.4 kwafer/week). Its
    arfi_advanced scanners (ASML 99.3 %, Nikon 0.7 %: eto2025) are cut, but a DUV installed base runs 52
    weeks without new tools, parts or service (Stocks table), so over the 52-week horizon
    A = 0 + 52/52 = 1. What it does lose is US-origin material under the US end-use control:
    Air Products' 15 % of its specialty gases and germane (4 weeks of stock), so
    availability 0.85 + 4/52 = 0.9269. Taiwan's tsmc_fab18 (85.38) and tsmc_fab15 (39.23) buy nothing covered.
    """
    fac = _facilities(results["nl-jp-2023-lithography"])
    chn = _leading_edge(fac, "CHN")
    assert list(chn.index) == ["smic_sn2"]
    assert fac.loc["smic_sn2", "availability"] == pytest.approx(0.85 + 4 / 52)
    assert fac.loc["smic_sn2", "limiting_item"] in {"specialty_gas", "germane"}
    assert fac.loc["smic_sn2", "limiting_control"] == "us-advanced-fab-end-use"
    twn = _leading_edge(fac, "TWN")
    assert len(twn) == 2
    assert (twn["availability"] == 1).all()


def test_blockade_removes_most_leading_edge_logic(results):
    """The Taiwan blockade removes most of the world's <= 7 nm logic.

    Data README, Facilities: <= 7 nm capacity is tsmc_fab18 85.38 + tsmc_fab15 39.23 (TWN; 37 %
    and 17 % of TSMC's 230.8 kwafer a week of GIGAFAB capacity) + samsung_sf4 29.08 +
    samsung_7lpp 23.54 + tsmc_fab21 1.5 + smic_sn2 3.4 + intel_fab34 4.99 = 187.12 kwafer per
    week; Taiwan's 124.61 is 66.6 % (Validation: 66.6 % of sub-10 nm vs 69 % published,
    siabcg2024). With horizon 26 = the 26 blockade weeks, Taiwan's own factor is 0, so at least
    124.61 / 187.12 = 0.666 of the capacity is lost (more through Taiwanese wafers, masks and
    metrology).
    """
    fac = _facilities(results["taiwan-strait-blockade"])
    world = _leading_edge(fac)
    assert world["capacity"].sum() == pytest.approx(187.12)
    lost = world["lost_capacity"].sum() / world["capacity"].sum()
    assert lost >= 0.5
    assert lost >= 124.61 / 187.12 - 1e-9
    assert (_leading_edge(fac, "TWN")["availability"] == 0).all()


def test_huawei_fdp_cuts_hisilicon_foundry_supply(net, results):
    """The 2020 FDP rule, not the 2019 listing, cuts TSMC's wafers to HiSilicon.

    Data README: hisilicon_kirin buys logic_7nm from tsmc_fab15 (TWN, 80 %) and smic_sn2 (20 %),
    hisilicon_ascend 50/50; TSMC is Taiwanese, so only the foreign-direct-product reach (tsmc_fab15
    buys US deposition, etch and metrology tools) covers it. The same reach covers transfers
    inside China: smic_sn2's wafers (US tools) and the assembly and test of jcet_jiangyin and
    huatian_tianshui (US tools), as well as ase_kaohsiung's. Kirin keeps its die bank, 6/52 of a
    year of logic_7nm, and 4/52 of assembly_test: 4/52 = 0.077, limited by assembly_test.
    """
    edges = _covered_edges(net, "huawei-2020-fdpr")
    assert ("tsmc_fab15", "hisilicon_kirin", "logic_7nm") in edges["us-huawei-fdp-2020"]
    assert ("tsmc_fab15", "hisilicon_kirin", "logic_7nm") not in edges["us-entity-list-huawei-2019"]
    assert len(edges["us-huawei-fdp-2020"]) > len(edges["us-entity-list-huawei-2019"]) >= 1
    fac = _facilities(results["huawei-2020-fdpr"])
    for hisilicon in ("hisilicon_kirin", "hisilicon_ascend", "hisilicon_kunpeng"):
        assert fac.loc[hisilicon, "availability"] < 1
    for hisilicon in ("hisilicon_kirin", "hisilicon_ascend"):
        assert fac.loc[hisilicon, "limiting_control"] == "us-huawei-fdp-2020"
    assert fac.loc["hisilicon_kirin", "availability"] == pytest.approx(4 / 52)
    assert fac.loc["hisilicon_kirin", "limiting_item"] == "assembly_test"
    smic = ("smic_sn2", "hisilicon_kirin", "logic_7nm")
    assert smic in edges["us-huawei-fdp-2020"]  # in-country, within reach
    assert smic not in edges["us-entity-list-huawei-2019"]  # no reach: only US-made items


def test_jp_kr_materials_hit_korea_not_taiwan(results):
    """Japan's 2019 licensing hits Korean fabs and leaves Taiwan's alone.

    Data README: Korean fabs buy photoresist 91 % from Japan (nikkei_resist) and HF 44.6 % from
    Japan (businesskorea2019), with 4.3 weeks of stock (yomiuri2019). HF licences took 19 weeks
    (the scenario's licence_delay_weeks), then were granted: a = 33/52 over the horizon, so a
    Korean fab's HF input is A = 0.554 + 0.446 * 33/52 + 4.3/52 = 0.920 (its limiting input;
    photoresist, 5 weeks of delay, gives 0.09 + 0.91 * 47/52 + 4.3/52 = 0.995). The controls name
    KOR only, so Taiwanese facilities are untouched.
    """
    fac = _facilities(results["jp-kr-2019-materials"])
    kor = fac[(fac["country"] == "KOR") & fac["kind"].isin(["foundry", "memory"])]
    assert len(kor) >= 10
    assert (kor["availability"] < 1).all()
    assert fac.loc["samsung_dram", "availability"] == pytest.approx(0.554 + 0.446 * 33 / 52 + 4.3 / 52, abs=1e-3)
    assert (fac.loc[fac["country"] == "TWN", "availability"] == 1).all()


def test_china_ban_covers_only_us_buyers(net):
    """China's December 2024 ban covers flows into US facilities only.

    Data README: no US facility buys gallium or GaAs substrates; airproducts_gas (USA) buys
    germanium from yunnan_germanium (40 %) and zhongjin_germanium (28 %).
    """
    country = net.facilities.set_index("id")["country"]
    edges = [e for covered in _covered_edges(net, "cn-2024-12-ban-to-us").values() for e in covered]
    assert len(edges) >= 1
    assert {country[buyer] for _, buyer, _ in edges} == {"USA"}
    assert {country[supplier] for supplier, _, _ in edges} == {"CHN"}


def test_2023_update_covers_more_accelerators_than_2022(net):
    """Dropping the I/O criterion brings the A800/H800 China variants under 3A090.

    Data README, Items: gpu_h800 TPP 15832 and gpu_a800 TPP 4992 (density 6.04) have io_gbps 400,
    below the 2022 rule's 600 GB/s; gpu_h20 (TPP 2368, density 2.9) is below both 2023 tests.
    Huawei's ascend_910 (TPP 5120, io_gbps 392) is covered by 2023 only too, inside China: its
    makers use US tools, and the foreign-direct-product reach covers in-country transfers.
    """
    items = net.items.set_index("id")
    for variant in ("gpu_h800", "gpu_a800"):
        assert items.loc[variant, "io_gbps"] < 600 <= items.loc["gpu_a100", "io_gbps"]
        assert items.loc[variant, "tpp"] >= 4800
    accelerators = set(items.index[items["tags"].str.contains("ai_accelerator")])

    def chip_edges(name: str) -> set:
        return {e for covered in _covered_edges(net, name).values() for e in covered if e[2] in accelerators}

    old, new = chip_edges("us-2022-10-advanced-computing"), chip_edges("us-2023-10-update")
    assert old < new
    assert {item for _, _, item in new - old} == {"gpu_h800", "gpu_a800", "ascend_910"}
    country = net.facilities.set_index("id")["country"]
    assert {(country[u], country[v]) for u, v, item in new - old if item == "ascend_910"} == {("CHN", "CHN")}
    assert not any(item == "gpu_h20" for _, _, item in new)


def test_us_rules_cut_china_compute_more_each_round(results):
    """Each US round removes at least as much of China's AI compute (2022 < 2023 <= 2024), and
    none of it abroad except the licensed D:1/D:4 destinations. 2024 adds nothing to China's
    compute loss here: with in-country reach the 2023 rules already cut the Chinese-made
    accelerators that the 2024 HBM rule would starve, so the HBM rule's effect shows only on its
    own (standalone_lost_compute > 0)."""
    lost = [
        results[name].facilities.query("kind == 'compute' and country == 'CHN'")["lost_capacity"].sum()
        for name in ("us-2022-10-advanced-computing", "us-2023-10-update", "us-2024-12-hbm-sme")
    ]
    assert 0 < lost[0] < lost[1] <= lost[2]
    controls = results["us-2024-12-hbm-sme"].controls
    assert controls.loc["us-3a090c-hbm", "standalone_lost_compute"] > 0
    fac = _facilities(results["us-2022-10-advanced-computing"])
    assert (fac.loc[fac["country"] != "CHN", "availability"] == 1).all()


def test_hbm_rule_limits_chinese_accelerators(results):
    """3A090.c cuts Samsung's HBM (80 % of the Chinese accelerators' HBM, data README) to
    HiSilicon and Cambricon: their limiting item becomes hbm."""
    fac = _facilities(results["us-2024-12-hbm-sme"])
    for design in ("hisilicon_ascend", "cambricon_mlu"):
        assert fac.loc[design, "limiting_item"] == "hbm"
        assert fac.loc[design, "limiting_control"] == "us-3a090c-hbm"


def test_consortium_optimise_block_parses(results):
    """The consortium scenario carries its optimiser settings (docs/model.md §5)."""
    scen = sc.read_scenario(SCENARIOS / "open-certification-consortium.yaml")
    opt = scen.optimise
    assert opt is not None
    assert opt.consortium is not None
    assert {"BRA", "IDN", "IND", "ZAF", "MEX"} <= set(opt.consortium.members)
    assert opt.budget == pytest.approx(1e8)
    assert opt.objective == "expected"
    assert scen.monte_carlo is not None
    members = set(opt.consortium.members)
    compute = results["open-certification-consortium"].facilities.query("kind == 'compute'")
    assert members <= set(compute["country"])


def _headlines(net, fac: pd.DataFrame) -> tuple[float, float, float]:
    """World and China compute lost (share of compute capacity) and world fab output lost
    (foundry and memory, weighted by value x capacity), in percent."""
    value = fac["produces"].map(dict(zip(net.items["id"], net.items["value"], strict=True)))
    lost = 1.0 - fac["availability"]
    comp = fac["kind"] == "compute"
    china = comp & (fac["country"] == "CHN")
    fab = fac["kind"].isin(["foundry", "memory"])
    weight = fac["capacity"] * value

    def share(mask, w):
        return 100.0 * float((w[mask] * lost[mask]).sum() / w[mask].sum())

    return share(comp, fac["capacity"]), share(china, fac["capacity"]), share(fab, weight)


def test_data_readme_headline_table_holds(net, results):
    """The data README's table "The scenario library before and after" (build.py
    SCENARIO_HEADLINES): every scenario of the library is in it, and every figure after the
    arrow is what the shipped data gives today, to the printed 0.1."""
    import importlib.util

    folder = Path(sc.__file__).resolve().parent / "data" / "semiconductors"
    spec = importlib.util.spec_from_file_location("semiconductors_build", folder / "build.py")
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    table = {name: after for name, _before, after, _why in build.SCENARIO_HEADLINES}
    assert set(table) == set(LIBRARY)
    for name, after in table.items():
        got = _headlines(net, results[name].facilities)
        assert [round(g, 1) + 0.0 for g in got] == pytest.approx(list(after), abs=1e-9), name
