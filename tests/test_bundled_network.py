"""The bundled ``semiconductors`` network: it validates, is big enough, is reproduced byte for byte
by its generator, and matches the published country shares its README states (within 5 pp).

The published figures live in one place, ``VALIDATION`` in ``build.py``; the README's validation
table is generated from it, and these tests recompute every model share from the shipped CSVs.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

import supplychain as sc

FOLDER = Path(sc.__file__).resolve().parent / "data" / "semiconductors"
FILES = [
    "items.csv",
    "facilities.csv",
    "recipes.csv",
    "supplies.csv",
    "candidates.csv",
    "certifications.csv",
    "ownership.csv",
    "sources.csv",
    "README.md",
]
KINDS = {"material", "equipment", "eda_ip", "design", "foundry", "memory", "osat", "compute"}


def _load_build():
    spec = importlib.util.spec_from_file_location("semiconductors_build", FOLDER / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


BUILD = _load_build()


@pytest.fixture(scope="module")
def net() -> sc.Network:
    return sc.read_network("semiconductors")


@pytest.fixture(scope="module")
def readme() -> str:
    return (FOLDER / "README.md").read_text(encoding="utf-8")


def _rows(frame) -> list[dict]:
    return frame.to_dict("records")


def test_network_validates_and_is_big_enough(net):
    fac = net.facilities
    assert len(fac) >= 150
    assert len(net.items) >= 60
    assert fac["country"].nunique() >= 25
    assert set(fac["kind"]) == KINDS
    assert len(net.candidates) > 0
    assert len(net.certifications) > 0


def test_generator_reproduces_the_shipped_files(tmp_path):
    BUILD.write(tmp_path)
    for name in FILES:
        assert (tmp_path / name).read_bytes() == (FOLDER / name).read_bytes(), f"{name} differs from build.py output"


def test_every_capacity_and_unit_stated(net):
    units = dict(zip(net.items["id"], net.items["unit"], strict=True))
    assert all(units[i] in BUILD.UNITS for i in net.items["id"]), "every item's unit is a documented unit"
    assert (net.facilities["capacity"] > 0).all()
    for item in net.facilities["produces"]:
        assert units[item], f"{item} has no unit"


def _readme_source_keys(readme: str) -> set[str]:
    section = readme.split("## Sources", 1)[1]
    return set(re.findall(r"^\| `([a-z0-9_]+)` \|", section, flags=re.MULTILINE))


def test_every_source_key_resolves(net, readme):
    published = set(net.sources.loc[net.sources["kind"] == "published", "key"])
    assert _readme_source_keys(readme) == published == set(BUILD.SOURCES) - {"est"}
    assert set(net.sources.loc[net.sources["kind"] == "estimate", "key"]) == set(BUILD.ESTIMATES)
    keys = set(net.sources["key"])
    for table in ("items", "facilities", "recipes", "supplies", "candidates", "certifications", "ownership"):
        frame = getattr(net, table)
        for col in [c for c in frame.columns if c == "source" or c.endswith("_source")]:
            used = {k for cell in frame[col] for k in str(cell).split(";") if k}
            assert used <= keys, f"{table}.{col}: unknown source keys {sorted(used - keys)}"


def test_no_figure_lacks_provenance(net):
    """Every number of every table names a source (docs/model.md §1.1): published, or an
    estimate whose method the sources table states; the README's counts are these."""
    from supplychain.provenance import figures

    figs = figures(net)
    missing = figs[figs["kind"] == ""]
    assert missing.empty, f"figures without a source: {missing.head(10).to_dict('records')}"
    assert len(figs) > 10_000
    estimates = net.sources[net.sources["kind"] == "estimate"]
    assert (estimates["method"].str.len() > 40).all(), "every estimate says how it was made"
    published = net.sources[net.sources["kind"] == "published"]
    assert (published["year"].str.fullmatch(r"\d{4}(-\d{4})?")).all(), "every published source has a year"
    assert (published["url"].str.startswith("http")).all(), "every published source says where to read it"
    eto = published[published["author"].str.contains("Emerging Technology Observatory")]
    assert not eto.empty
    assert (eto["licence"] == "CC BY-NC 4.0").all(), "ETO-derived figures carry CC BY-NC 4.0"
    # ETO links pin a commit: the 2024 release (8a926c18, 2019 and 2022 rows) or the 2025 one (9b726243)
    pinned = r"/blob/(?:8a926c18b026c38d170a3b3c08f1dfaebd2fa35e|9b726243705f806ee9154d0aea2a01af39aad884)/"
    assert eto["url"].str.contains(pinned).all(), "ETO links pin a commit"
    assert "9b726243705f806ee9154d0aea2a01af39aad884" in eto.set_index("key").loc["eto2025", "url"]
    counts = BUILD.provenance_counts(
        {
            t: _rows(getattr(net, t))
            for t in (
                "items",
                "facilities",
                "recipes",
                "supplies",
                "candidates",
                "certifications",
                "expansions",
                "ownership",
                "sources",
            )
        }
    )
    assert sum(c[2] + c[3] for c in counts) == len(figs)
    assert sum(c[3] for c in counts) == int((figs["kind"] == "estimate").sum())


def _readme_validation(readme: str) -> dict[tuple[str, str], tuple[float, float]]:
    section = readme.split("## Validation", 1)[1].split("\n## ", 1)[0]
    out = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 8 and re.fullmatch(r"-?\d+\.\d", cells[3]):
            out[(cells[0], cells[2])] = (float(cells[3]), float(cells[4]))
    return out


def test_country_shares_within_5pp_of_published(net, readme):
    tables = {"facilities": _rows(net.facilities), "recipes": _rows(net.recipes), "supplies": _rows(net.supplies)}
    stated = _readme_validation(readme)
    checked = 0
    for seg in BUILD.VALIDATION:
        shares = BUILD.segment_shares(seg, tables["facilities"], tables["recipes"], tables["supplies"])
        published = dict(seg["published"])
        if "other" in seg:
            published["other"] = seg["other"]
        for country, pub in published.items():
            model = shares[country]
            assert abs(model - pub) <= 5.0, f"{seg['segment']} {country}: model {model:.1f} vs published {pub}"
            assert stated[(seg["segment"], country)] == (pytest.approx(pub, abs=0.05), pytest.approx(model, abs=0.05))
            checked += 1
    assert checked == len(stated) >= 60


def test_real_world_relations(net):
    sup = net.supplies
    country = dict(zip(net.facilities["id"], net.facilities["country"], strict=True))
    euv_buyers = {country[b] for b in sup.loc[sup["item"] == "euv_scanner", "buyer"]}
    assert "CHN" not in euv_buyers
    assert {"TWN", "KOR", "USA"} <= euv_buyers
    hisilicon = set(sup.loc[sup["buyer"] == "hisilicon_ascend", "supplier"])
    assert {"tsmc_fab15", "smic_sn2"} <= hisilicon
    arfi_cn = set(sup.loc[(sup["item"] == "arfi_advanced") & sup["buyer"].map(country).eq("CHN"), "supplier"])
    assert "asml_arfi_adv" in arfi_cn
    kr_hf = set(sup.loc[(sup["item"] == "hydrogen_fluoride") & sup["buyer"].map(country).eq("KOR"), "supplier"])
    assert {"stella_hf", "morita_hf", "soulbrain_hf", "enf_hf"} <= kr_hf
    compute_countries = set(net.facilities.loc[net.facilities["kind"] == "compute", "country"])
    assert {"IND", "BRA", "IDN", "ZAF", "MEX", "SAU", "ARE", "NGA", "KEN", "VNM", "MYS"} <= compute_countries


def test_immersion_controls_bite_on_china_not_taiwan(net):
    """A Dutch-Japanese cut of immersion scanners to China, over two years: smic_sn2 gets no
    immersion tools and no service, and runs on its installed base for 52 weeks
    (``TOOL_STOCK_WEEKS``): A = 0 + 52 / 104 = 0.5. Within one year (horizon 52) the installed
    base holds and it loses nothing. Taiwan's foundries are untouched."""
    controls = [{"name": "nl-jp", "issuer": ["NLD", "JPN"], "items": ["duv_immersion"], "destinations": ["CHN"]}]
    two_years = sc.Scenario.model_validate({"name": "t", "horizon_weeks": 104, "controls": controls})
    fac = sc.stress(net, two_years).facilities
    assert fac.loc["smic_sn2", "availability"] == pytest.approx(0.5)
    taiwan = fac[(fac["country"] == "TWN") & (fac["kind"] == "foundry")]
    assert (taiwan["availability"] == 1.0).all()
    one_year = sc.Scenario.model_validate({"name": "t", "horizon_weeks": 52, "controls": controls})
    assert sc.stress(net, one_year).facilities.loc["smic_sn2", "availability"] == 1.0
