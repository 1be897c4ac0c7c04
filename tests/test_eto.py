"""The ETO importer (supplychain/eto.py) on the hand-written fixture tests/data/eto/.

Every row of the fixture is invented (tests/data/eto/README.md); the numbers below are worked
by hand from it.
"""

from __future__ import annotations

import math
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import supplychain as sc

REPO = Path(__file__).resolve().parents[1]
FIXTURE = REPO / "tests" / "data" / "eto"


def share(result: sc.EtoImport, input_id: str, ptype: str, provider: str) -> pd.Series:
    return result.shares.loc[(input_id, ptype, provider)]


@pytest.fixture(scope="module")
def shares_only() -> sc.EtoImport:
    return sc.import_eto(FIXTURE)


def small_network() -> sc.Network:
    """EUV makers in NLD (8), USA (2), CHN (1); deposition-tool makers in USA (50), JPN (30),
    KOR (10), DEU (10); one fab of capacity 1000 using 0.001 EUV and 0.01 deposition tool per
    unit, buying EUV 0.5 / 0.3 / 0.2 and deposition 0.4 / 0.3 / 0.2 / 0.1 from them (demands
    0.5, 0.3, 0.2 and 4, 3, 2, 1)."""
    items = [
        {"id": "euv_scanner", "value": 1000},
        {"id": "dep_advanced", "value": 500},
        {"id": "chip", "value": 20},
    ]
    makers = [
        ("euv_nl", "NLD", "euv_scanner", 8),
        ("euv_us", "USA", "euv_scanner", 2),
        ("euv_cn", "CHN", "euv_scanner", 1),
        ("dep_us", "USA", "dep_advanced", 50),
        ("dep_jp", "JPN", "dep_advanced", 30),
        ("dep_kr", "KOR", "dep_advanced", 10),
        ("dep_de", "DEU", "dep_advanced", 10),
    ]
    facilities = [
        {"id": f, "company": f, "country": c, "kind": "equipment", "produces": i, "capacity": cap}
        for f, c, i, cap in makers
    ]
    facilities.append(
        {"id": "fab", "company": "fab", "country": "TWN", "kind": "foundry", "produces": "chip", "capacity": 1000}
    )
    recipes = [
        {"facility": "fab", "item": "euv_scanner", "quantity": 0.001},
        {"facility": "fab", "item": "dep_advanced", "quantity": 0.01},
    ]
    split = {"euv_nl": 0.5, "euv_us": 0.3, "euv_cn": 0.2, "dep_us": 0.4, "dep_jp": 0.3, "dep_kr": 0.2, "dep_de": 0.1}
    supplies = [{"supplier": f, "buyer": "fab", "item": i, "share": split[f]} for f, _, i, _ in makers]
    return sc.Network(items, facilities, recipes, supplies, name="small")


# ---- shares and the quirk rules --------------------------------------------------------------


def test_latest_year_only(shares_only: sc.EtoImport) -> None:
    """N20 has country rows for 2025 (NLD 90, USA 1, Various 9) and 2019 (NLD 100): only 2025
    counts, and the rows say 2019 was left out."""
    nld = share(shares_only, "N20", "country", "NLD")
    assert nld["year"] == 2025
    assert nld["share_used"] == pytest.approx(0.90)
    assert nld["older_years"] == "2019"
    assert "older_years" in nld["flags"]
    assert len(shares_only.shares.loc[("N20", "country")]) == 3


def test_rounded_up_to_one_percent(shares_only: sc.EtoImport) -> None:
    """USA's 1 (N20) and Various companies' '<1%' are flagged le_1pct and used as 1 %."""
    usa = share(shares_only, "N20", "country", "USA")
    assert usa["share"] == 1.0
    assert usa["share_used"] == pytest.approx(0.01)
    assert "le_1pct" in usa["flags"]
    various = share(shares_only, "N20", "company", "Various companies")
    assert various["share"] == 1.0
    assert various["flags"].split(";") == ["le_1pct", "various"]


def test_various_is_kept_and_flagged(shares_only: sc.EtoImport) -> None:
    various = share(shares_only, "N20", "country", "Various countries")
    assert various["share_used"] == pytest.approx(0.09)
    assert "various" in various["flags"]


def test_blank_shares_split_what_is_left(shares_only: sc.EtoImport) -> None:
    """N36 countries: USA 60, JPN 30 ('30%'), KOR and CHN blank: 100 - 90 = 10 left, 5 each.
    Companies: Beta Dep 55.5, Gamma Tools blank: 44.5."""
    assert share(shares_only, "N36", "country", "JPN")["share_used"] == pytest.approx(0.30)
    for c in ("KOR", "CHN"):
        row = share(shares_only, "N36", "country", c)
        assert math.isnan(row["share"])
        assert row["share_used"] == pytest.approx(0.05)
        assert row["flags"] == "blank;blank_filled"
    assert share(shares_only, "N36", "company", "Gamma Tools")["share_used"] == pytest.approx(0.445)
    assert share(shares_only, "N36", "company", "Beta Dep")["country"] == "USA"


def test_all_blank_gives_no_shares(shares_only: sc.EtoImport) -> None:
    """N52 lists USA and CHN with no share and no year: nothing usable."""
    assert shares_only.shares.loc[("N52", "country"), "share_used"].isna().all()
    assert not shares_only.unmapped.loc["N52", "has_shares"]


def test_totals_over_100_are_scaled(shares_only: sc.EtoImport) -> None:
    """N50: JPN 60 + USA 45 = 105 -> 60/105 = 0.571429 and 45/105 = 0.428571."""
    assert share(shares_only, "N50", "country", "JPN")["share_used"] == pytest.approx(60 / 105)
    assert share(shares_only, "N50", "country", "USA")["share_used"] == pytest.approx(45 / 105)
    assert "scaled" in share(shares_only, "N50", "country", "USA")["flags"]


def test_country_shares_from_company_shares(shares_only: sc.EtoImport) -> None:
    """N51 has company shares only (Delta KOR 70, Epsilon JPN 20, Zeta KOR 10) and a blank CHN
    row: countries become KOR 80, JPN 20; the blank CHN row is replaced."""
    countries = shares_only.shares.loc[("N51", "country")]
    assert sorted(countries.index) == ["JPN", "KOR"]
    assert countries.loc["KOR", "share_used"] == pytest.approx(0.80)
    assert countries.loc["JPN", "flags"] == "from_companies"


def test_inputs_and_unmapped(shares_only: sc.EtoImport) -> None:
    """The packaged mapping names N20 and N36; N50-N52 and the stage S1 are unmapped (S3 is
    mapped, to assembly_test)."""
    assert shares_only.inputs.loc["N36", "items"] == "dep_advanced;dep_mainstream"
    assert sorted(shares_only.unmapped.index) == ["N50", "N51", "N52", "S1"]
    assert shares_only.unmapped.loc["S1", "type"] == "stage"
    assert shares_only.network_after is None
    assert shares_only.changes.empty


def test_packaged_mapping_names_network_items() -> None:
    mapping = sc.eto.read_eto_mapping()
    items = set(sc.read_network("semiconductors").items["id"])
    assert set(mapping["item"]) <= items
    assert not mapping["item"].duplicated().any()


# ---- re-weighting ----------------------------------------------------------------------------


def test_reweighting_by_country() -> None:
    """EUV (N20), total 11: NLD 0.90, USA 0.01, rest (Various 0.09 + nothing unattributed) to
    CHN, which ETO does not name: euv_nl 9.9, euv_cn 0.99, euv_us 0.11, but euv_us must still
    cover its demand 1000 × 0.001 × 0.3 = 0.3, so it is held at 0.3.

    Deposition (N36 -> dep_advanced), total 100: USA 0.60, JPN 0.30, KOR 0.05 (blank, filled),
    CHN 0.05 has no facility (dropped). DEU is not named and the rest is 0, so dep_de keeps 10;
    the other 90 split over 0.95: USA 90 × 0.6 / 0.95 = 56.8421, JPN 28.4211, KOR 4.7368.
    dep_mainstream is not in the network (noted)."""
    net = small_network()
    done = sc.import_eto(FIXTURE, net)
    after = done.changes["capacity_after"]
    assert after["euv_nl"] == pytest.approx(9.9)
    assert after["euv_cn"] == pytest.approx(0.99)
    assert after["euv_us"] == pytest.approx(0.3)
    assert "held at its normal demand" in done.changes.loc["euv_us", "note"]
    assert after["dep_us"] == pytest.approx(90 * 0.6 / 0.95)
    assert after["dep_jp"] == pytest.approx(90 * 0.3 / 0.95)
    assert after["dep_kr"] == pytest.approx(90 * 0.05 / 0.95)
    assert after["dep_de"] == pytest.approx(10)
    assert after[["dep_us", "dep_jp", "dep_kr", "dep_de"]].sum() == pytest.approx(100)
    assert done.changes.loc["dep_us", "capacity_before"] == 50
    assert done.changes.loc["dep_us", "country"] == "USA"
    assert "fab" not in done.changes.index
    assert isinstance(done.network_after, sc.Network)
    cap = done.network_after.facilities.set_index("id")["capacity"]
    assert cap["dep_us"] == pytest.approx(90 * 0.6 / 0.95)
    assert cap["fab"] == 1000
    assert any("dep_mainstream" in n for n in done.notes)
    assert net.facilities.set_index("id")["capacity"]["dep_us"] == 50  # the input is untouched


def test_tiny_network_has_no_mapped_items(tiny: sc.Network) -> None:
    """tiny's items (sand, euv, dep …) are none of the mapped ones: nothing changes."""
    done = sc.import_eto(FIXTURE, tiny)
    assert done.changes.empty
    assert done.network_after is not None
    assert done.network_after.facilities["capacity"].tolist() == tiny.facilities["capacity"].tolist()


def test_custom_mapping_with_location_basis() -> None:
    """A mapping may be given; N50 (JPN 60/105, USA 45/105) on the deposition makers by
    location: the DEU and KOR makers are the rest, which is 0, so they keep 20; 80 split
    JPN 45.714, USA 34.286."""
    mapping = pd.DataFrame([{"eto_input_id": "N50", "item": "dep_advanced", "basis": "location", "note": ""}])
    done = sc.import_eto(FIXTURE, small_network(), mapping=mapping)
    after = done.changes["capacity_after"]
    assert after["dep_jp"] == pytest.approx(80 * 60 / 105)
    assert after["dep_us"] == pytest.approx(80 * 45 / 105)
    assert after["dep_kr"] == pytest.approx(10)
    assert "euv_nl" not in done.changes.index


# ---- bad input -------------------------------------------------------------------------------


def copy_fixture(tmp_path: Path) -> Path:
    folder = tmp_path / "eto"
    shutil.copytree(FIXTURE, folder)
    return folder


def test_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(sc.InputError, match="not a folder"):
        sc.import_eto(tmp_path / "nope")


def test_missing_file(tmp_path: Path) -> None:
    folder = copy_fixture(tmp_path)
    (folder / "stages.csv").unlink()
    with pytest.raises(sc.InputError) as info:
        sc.import_eto(folder)
    assert "stages.csv" in str(info.value)
    assert "file not found" in str(info.value)


def test_missing_column(tmp_path: Path) -> None:
    folder = copy_fixture(tmp_path)
    prov = pd.read_csv(folder / "provision.csv", dtype=str).drop(columns="share_provided")
    prov.to_csv(folder / "provision.csv", index=False)
    with pytest.raises(sc.InputError) as info:
        sc.import_eto(folder)
    assert "provision.csv: column share_provided" in str(info.value)
    assert "missing column 'share_provided'" in str(info.value)


def test_unparsable_share_and_year(tmp_path: Path) -> None:
    """Row 2 of provision.csv gets share 'about half', row 3 share 150 and year '2025.5'."""
    folder = copy_fixture(tmp_path)
    prov = pd.read_csv(folder / "provision.csv", dtype=str, keep_default_na=False)
    prov.loc[1, "share_provided"] = "about half"
    prov.loc[2, "share_provided"] = "150"
    prov.loc[2, "year"] = "2025.5"
    prov.to_csv(folder / "provision.csv", index=False)
    with pytest.raises(sc.InputError) as info:
        sc.import_eto(folder)
    where = [p.where for p in info.value.problems]
    assert where == [
        f"{folder / 'provision.csv'}: row 2, column share_provided",
        f"{folder / 'provision.csv'}: row 3, column share_provided",
        f"{folder / 'provision.csv'}: row 3, column year",
    ]
    assert "a percentage between 0 and 100" in info.value.problems[0].message


def test_unknown_provider(tmp_path: Path) -> None:
    folder = copy_fixture(tmp_path)
    prov = pd.read_csv(folder / "provision.csv", dtype=str, keep_default_na=False)
    prov.loc[0, "provider_id"] = "P999"
    prov.to_csv(folder / "provision.csv", index=False)
    with pytest.raises(sc.InputError, match=r"row 1, column provider_id"):
        sc.import_eto(folder)


def test_bad_mapping() -> None:
    mapping = pd.DataFrame(
        [
            {"eto_input_id": "N20", "item": "euv_scanner", "basis": "site", "note": ""},
            {"eto_input_id": "N36", "item": "euv_scanner", "basis": "hq", "note": ""},
        ]
    )
    with pytest.raises(sc.InputError) as info:
        sc.import_eto(FIXTURE, mapping=mapping)
    text = str(info.value)
    assert "row 1, column basis" in text
    assert "mapped more than once" in text


# ---- command line ----------------------------------------------------------------------------


def run_cli(*args: str | Path, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "supplychain", "import-eto", *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_cli_end_to_end(tmp_path: Path) -> None:
    out = tmp_path / "out"
    network = tmp_path / "small.yaml"
    sc.write_network(small_network(), network)
    done = run_cli(FIXTURE, "--network", network, "--out", out)
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in out.iterdir()) == [
        ".supplychain-report",
        "eto_changes.csv",
        "eto_shares.csv",
        "eto_unmapped.csv",
        "network_after.yaml",
    ]
    changes = pd.read_csv(out / "eto_changes.csv").set_index("facility")
    assert changes.loc["dep_jp", "capacity_after"] == pytest.approx(90 * 0.3 / 0.95)
    after = sc.read_network(out / "network_after.yaml")
    assert after.facilities.set_index("id")["capacity"]["euv_nl"] == pytest.approx(9.9)
    shares = pd.read_csv(out / "eto_shares.csv")
    assert list(shares.columns[:3]) == ["input", "provider_type", "provider"]
    assert "dep_mainstream" in done.stderr  # the notes are warnings
    again = run_cli(FIXTURE, "--out", out)  # a report folder of ours is replaced
    assert again.returncode == 0, again.stderr
    assert not (out / "eto_changes.csv").exists()


def test_cli_missing_folder(tmp_path: Path) -> None:
    done = run_cli(tmp_path / "nope", "--out", tmp_path / "out")
    assert done.returncode == 2
    assert "not a folder" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "out").exists()
