"""The network tables: reading, normalisation, derived views, writing, and every validation rule
of docs/model.md §1, each shown on a small change to the bundled hand-checkable ``tiny`` network."""

from __future__ import annotations

import copy
import time
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd
import pytest
import yaml
from builders import line_of

import supplychain as sc
from supplychain.io import bundled_networks
from supplychain.schema import TABLES

TINY = Path(__file__).resolve().parents[1] / "supplychain" / "data" / "tiny" / "network.yaml"


# ---- helpers ----------------------------------------------------------------------------------


@pytest.fixture
def tiny_data() -> dict[str, Any]:
    """The tiny network as plain YAML data, to be modified by each test."""
    return yaml.safe_load(TINY.read_text(encoding="utf-8"))


def write_yaml(tmp_path: Path, data: dict[str, Any], name: str = "net.yaml") -> Path:
    """Write tables as YAML with one flow-style row per line (so rows have known lines)."""
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, default_flow_style=None, sort_keys=False, width=10_000), encoding="utf-8")
    return path


def problems(tmp_path: Path, data: dict[str, Any]) -> tuple[Path, list[str]]:
    """Read the modified network, expect InputError, return the file and its problems as text."""
    path = write_yaml(tmp_path, data)
    with pytest.raises(sc.InputError) as info:
        sc.read_network(path)
    return path, [str(p) for p in info.value.problems]


def only(found: list[str], *words: str) -> str:
    """The single problem containing every one of ``words``."""
    hits = [p for p in found if all(w in p for w in words)]
    assert len(hits) == 1, f"expected one problem with {words}, got {found}"
    return hits[0]


def row(data: dict[str, Any], table: str, **match: Any) -> dict[str, Any]:
    """The row of ``table`` whose cells equal ``match``."""
    hits = [r for r in data[table] if all(r.get(k) == v for k, v in match.items())]
    assert len(hits) == 1
    return hits[0]


# ---- reading, tables, views --------------------------------------------------------------


def test_tiny_reads_by_bundled_name_and_by_path(tiny: sc.Network) -> None:
    assert "tiny" in bundled_networks()
    assert tiny.name == "tiny"
    by_path = sc.read_network(TINY)
    assert by_path.name == "tiny"  # a network.yaml takes its folder's name
    for table, frame in tiny.tables().items():
        pd.testing.assert_frame_equal(frame, by_path.tables()[table])
    assert sc.read_network("tiny/network.yaml", base=TINY.parents[1]).name == "tiny"
    assert sc.read_network("network.yaml", base=TINY).name == "tiny"  # base may be a file: its folder


def test_tables_columns_dtypes_and_defaults(tiny: sc.Network) -> None:
    assert list(tiny.tables()) == list(TABLES)
    for table, frame in tiny.tables().items():
        assert list(frame.columns) == [c.name for c in TABLES[table]]
        assert isinstance(frame.index, pd.RangeIndex)
        for col in TABLES[table]:
            if col.dtype == "float":
                assert frame[col.name].dtype == np.float64, (table, col.name)
            elif col.dtype == "str":
                assert all(isinstance(v, str) for v in frame[col.name]), (table, col.name)
    assert tiny.candidates.empty
    assert tiny.certifications.empty
    assert len(tiny.facilities) == 8
    assert len(tiny.supplies) == 10
    items = tiny.items.set_index("id")
    assert items.loc["sand", "tags"] == ""
    assert items.loc["euv", "tags"] == "eccn:3B001.f;euv"
    assert np.isnan(items.loc["sand", "tpp"])
    assert items.loc["chip", "tpp"] == 5000
    assert items.loc["compute", "value"] == 1.0
    assert tiny.facilities["recovery_weeks"].eq(26.0).all()  # default
    recipes = tiny.recipes.set_index(["facility", "item"])
    assert recipes.loc[("fab_cn", "euv"), "stock_weeks"] == 13
    assert recipes.loc[("fab_tw", "euv"), "stock_weeks"] == 0  # default
    assert recipes["stock_cost"].isna().all()  # optional, no default
    # tool: items made by equipment / eda_ip facilities
    assert items["tool"].dtype == bool
    assert items["tool"].to_dict() == {"sand": False, "euv": True, "dep": True, "chip": False, "compute": False}


def test_tool_given_overrides_kind_and_bad_tool_is_reported(tiny_data: dict[str, Any]) -> None:
    row(tiny_data, "items", id="sand")["tool"] = "YES"
    row(tiny_data, "items", id="euv")["tool"] = 0
    net = sc.Network.from_tables(tiny_data)
    assert net.items.set_index("id")["tool"].to_dict()["sand"]
    assert not net.items.set_index("id")["tool"].to_dict()["euv"]
    row(tiny_data, "items", id="dep")["tool"] = "maybe"
    with pytest.raises(sc.InputError, match=r"items row 3, column tool: 'maybe' is not true or false"):
        sc.Network.from_tables(tiny_data)


def test_dataframes_in_extra_columns_whitespace_and_no_mutation(tiny_data: dict[str, Any]) -> None:
    frames = {t: pd.DataFrame(rows) for t, rows in tiny_data.items()}
    frames["items"]["io_gbps"] = ["", "", "", "900", " 1.5e3 "]
    frames["items"]["note"] = ["a", "", "", "", "7"]
    frames["facilities"].loc[0, "id"] = "  sand_cn "
    frames["facilities"].loc[1, "name"] = None
    frames["supplies"].index = range(100, 110)  # any index: rows are taken in order
    before = {t: f.copy() for t, f in frames.items()}
    net = sc.Network(**frames, name="framed")
    for table, frame in frames.items():
        pd.testing.assert_frame_equal(frame, before[table])  # the caller's tables are untouched
    assert list(net.items.columns)[-2:] == ["io_gbps", "note"]
    assert net.items["io_gbps"].dtype == np.float64
    assert net.items["io_gbps"].tolist()[3:] == [900.0, 1500.0]
    assert net.items["io_gbps"].isna().sum() == 3
    assert net.items["note"].tolist() == ["a", "", "", "", "7"]
    assert net.facilities.loc[0, "id"] == "sand_cn"
    assert net.facilities.loc[1, "name"] == "sand_us"  # a missing name is the id
    assert isinstance(net.supplies.index, pd.RangeIndex)
    assert net.supplies.loc[0, "supplier"] == "sand_cn"


def test_graph_nodes_and_edges(tiny: sc.Network) -> None:
    g = tiny.graph()
    assert isinstance(g, nx.DiGraph)
    assert list(g.nodes) == tiny.facilities["id"].tolist()
    assert g.nodes["fab_tw"]["country"] == "TWN"
    assert g.nodes["fab_tw"]["capacity"] == 150
    assert set(g.nodes["asml"]) >= {c.name for c in TABLES["facilities"]}
    assert g.number_of_edges() == 10
    assert g.edges["fab_tw", "dc_cn"] == {"item": "chip", "share": 0.6, "quantity": 1.0}
    assert g.edges["asml", "fab_cn"] == {"item": "euv", "share": 1.0, "quantity": 0.001}
    assert g is not tiny.graph()  # derived anew, never the truth


def test_repr_final_outputs_and_tables(tiny: sc.Network) -> None:
    assert repr(tiny) == (
        "<Network 'tiny': 8 facilities in 4 countries, 5 items, 8 recipes, 10 supplies, 0 candidates, 0 certifications>"
    )
    assert tiny.final_outputs == ["dc_us", "dc_cn"]
    assert tiny.tables()["supplies"] is tiny.supplies


def test_arrays_is_built_once(tiny: sc.Network, monkeypatch: pytest.MonkeyPatch) -> None:
    """``Network.arrays`` builds the engine's arrays from the network's own tables on first use
    and caches them: a second access does not rebuild."""
    import supplychain.network as network_module

    calls: list[tuple[int, ...]] = []
    real = network_module.build_arrays

    def counting(*tables: object) -> object:
        calls.append(tuple(id(t) for t in tables))
        return real(*tables)  # type: ignore[arg-type]

    monkeypatch.setattr(network_module, "build_arrays", counting)
    fresh = tiny.replace()
    first = fresh.arrays
    assert fresh.arrays is first
    assert calls == [(id(fresh.facilities), id(fresh.items), id(fresh.recipes), id(fresh.supplies))]
    assert first.n_facilities == 8


def test_replace_gives_a_new_validated_network(tiny: sc.Network) -> None:
    supplies = tiny.supplies.copy()
    supplies.loc[0, "share"] = 0.25
    with pytest.raises(sc.InputError, match=r"sum to 0\.75, not 1"):
        tiny.replace(supplies=supplies)
    assert tiny.supplies.loc[0, "share"] == 0.5


def test_candidates_and_certifications_read(tmp_path: Path, tiny_data: dict[str, Any]) -> None:
    tiny_data["facilities"].append(
        {
            "id": "litho_jp",
            "company": "lithojp",
            "country": "JPN",
            "kind": "equipment",
            "produces": "euv",
            "capacity": 1,
        }
    )
    tiny_data["candidates"] = [{"supplier": "litho_jp", "buyer": "fab_cn", "item": "euv", "cost": 5}]
    tiny_data["certifications"] = [{"supplier": "litho_jp", "item": "euv", "cost": 8, "max_share": 0.5}]
    net = sc.read_network(write_yaml(tmp_path, tiny_data))
    assert net.candidates.loc[0, ["lead_weeks", "max_share"]].tolist() == [0.0, 1.0]
    assert net.certifications.loc[0, "max_share"] == 0.5
    assert "litho_jp" in net.final_outputs  # an idle supplier supplies no one


# ---- writing --------------------------------------------------------------------------------


def assert_same_tables(a: sc.Network, b: sc.Network) -> None:
    for table in TABLES:
        pd.testing.assert_frame_equal(a.tables()[table], b.tables()[table])


def test_yaml_round_trip(tmp_path: Path, tiny_data: dict[str, Any]) -> None:
    row(tiny_data, "recipes", facility="fab_tw", item="sand")["stock_cost"] = 0.1 + 0.2  # not short
    row(tiny_data, "items", id="chip")["io_gbps"] = 1.0 / 3.0
    tiny_data["candidates"] = [{"supplier": "sand_us", "buyer": "fab_cn", "item": "sand", "cost": 7.5}]
    net = sc.Network.from_tables(tiny_data, name="x")
    out = sc.write_network(net, tmp_path / "sub" / "copy.yml")
    back = sc.read_network(out)
    assert back.name == "copy"
    assert_same_tables(net, back)
    assert back.recipes.loc[0, "stock_cost"] == 0.1 + 0.2  # floats read back exactly
    assert_same_tables(back, sc.read_network(sc.write_network(back, tmp_path / "again.yaml")))


def test_csv_round_trip_and_lines(tmp_path: Path, tiny: sc.Network) -> None:
    folder = sc.write_network(tiny, tmp_path / "csv")
    assert sorted(p.name for p in folder.iterdir()) == sorted(f"{t}.csv" for t in TABLES)
    back = sc.read_network(folder)
    assert back.name == "csv"
    assert_same_tables(tiny, back)
    sc.write_network(back, folder)  # overwriting our own table files is fine
    assert_same_tables(tiny, sc.read_network(folder))
    # CSV rows are on line row + 1 (the header is line 1); ids keep leading zeros
    text = (
        (folder / "facilities.csv")
        .read_text()
        .replace("sand_us,Sand US,sandco,USA,material,sand,200.0", "sand_us,Sand US,sandco,USA,material,sand,lots")
    )
    (folder / "facilities.csv").write_text(text)
    with pytest.raises(sc.InputError) as info:
        sc.read_network(folder)
    assert [str(p) for p in info.value.problems] == [
        f"{folder}: facilities row 2 (line 3), column capacity: 'lots' is not a number; "
        "capacity must be a number > 0 (units of its item per week)"
    ]


def test_write_refuses_foreign_folder_and_unknown_csv(tmp_path: Path, tiny: sc.Network) -> None:
    folder = tmp_path / "busy"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine")
    with pytest.raises(sc.InputError, match=r"notes\.txt"):
        sc.write_network(tiny, folder)
    assert sorted(p.name for p in folder.iterdir()) == ["notes.txt"]
    good = sc.write_network(tiny, tmp_path / "good")
    (good / "supply.csv").write_text("supplier,buyer,item,share\n")
    with pytest.raises(sc.InputError, match=r"unknown table 'supply'; did you mean 'supplies.csv'\?"):
        sc.read_network(good)


# ---- bad inputs: one rule each --------------------------------------------------------------


def test_missing_required_column(tmp_path: Path, tiny_data: dict[str, Any]) -> None:
    for r in tiny_data["facilities"]:
        r["capcity"] = r.pop("capacity")
    _, found = problems(tmp_path, tiny_data)
    assert found == [
        f"{tmp_path / 'net.yaml'}: facilities, column capacity: required column 'capacity' is "
        "missing; did you mean 'capcity'? (required: id, company, country, kind, produces, "
        "capacity)"
    ]


def test_unknown_facility_in_supplies_suggests_nearest(tmp_path: Path, tiny_data: dict[str, Any]) -> None:
    row(tiny_data, "supplies", supplier="fab_tw", buyer="dc_us")["supplier"] = "fab_tww"
    path, found = problems(tmp_path, tiny_data)
    line = line_of(path, "supplier: fab_tww")
    assert only(found, "fab_tww") == (
        f"{path}: supplies row 8 (line {line}), column supplier: unknown facility 'fab_tww'; did you mean 'fab_tw'?"
    )


def test_bad_kind_lists_valid_kinds(tmp_path: Path, tiny_data: dict[str, Any]) -> None:
    row(tiny_data, "facilities", id="fab_cn")["kind"] = "foundy"
    path, found = problems(tmp_path, tiny_data)
    message = only(found, "foundy")
    assert f"facilities row 6 (line {line_of(path, 'id: fab_cn')}), column kind" in message
    assert "did you mean 'foundry'?" in message
    assert "material, equipment, eda_ip, design, foundry, memory, osat, compute" in message


def test_bad_country_code_suggests_nearest(tmp_path: Path, tiny_data: dict[str, Any]) -> None:
    row(tiny_data, "facilities", id="fab_tw")["country"] = "TWW"
    row(tiny_data, "facilities", id="asml")["country"] = "nld"
    _, found = problems(tmp_path, tiny_data)
    assert "facilities row 5 (line" in only(found, "'TWW'; did you mean 'TWN'?", "column country")
    assert "ISO 3166 alpha-3" in only(found, "'nld'; did you mean 'NLD'?", "facilities row 3")


def test_shares_not_summing_to_one(tmp_path: Path, tiny_data: dict[str, Any]) -> None:
    # sand_us delivers 0.4 instead of 0.5 of fab_tw's sand
    row(tiny_data, "supplies", supplier="sand_us", buyer="fab_tw")["share"] = 0.4
    path, found = problems(tmp_path, tiny_data)
    assert len(found) == 1
    message = found[0]
    assert all(w in message for w in ("fab_tw", "sand", "0.9"))
    assert "shares of fab_tw's suppliers of sand sum to 0.9, not 1" in message
    assert f"recipes row 1 (line {line_of(path, 'facility: fab_tw, item: sand')})" in message
    assert f"supplies rows 1 (line {line_of(path, 'supplier: sand_cn, buyer: fab_tw')}), 2" in message


def test_recipe_without_supplier(tmp_path: Path, tiny_data: dict[str, Any]) -> None:
    tiny_data["supplies"].remove(row(tiny_data, "supplies", supplier="amat", buyer="fab_tw"))
    _, found = problems(tmp_path, tiny_data)
    assert len(found) == 1
    assert "recipes row 3 (line" in found[0]
    assert "fab_tw needs 'dep' but no supplies row delivers it" in found[0]


def test_self_supply(tmp_path: Path, tiny_data: dict[str, Any]) -> None:
    tiny_data["recipes"].append({"facility": "fab_tw", "item": "chip", "quantity": 0.01})
    tiny_data["supplies"].append({"supplier": "fab_tw", "buyer": "fab_tw", "item": "chip", "share": 1})
    _, found = problems(tmp_path, tiny_data)
    assert "'fab_tw' supplies itself; supplier and buyer must differ" in only(
        found, "supplies row 11 (line", "column buyer"
    )


def test_capacity_shortfall_names_supplier_and_amount(tmp_path: Path, tiny_data: dict[str, Any]) -> None:
    row(tiny_data, "facilities", id="sand_cn")["capacity"] = 150  # demand 150 (fab_tw) + 50 (fab_cn)
    path, found = problems(tmp_path, tiny_data)
    assert len(found) == 1
    line = line_of(path, "id: sand_cn")
    assert found[0].startswith(f"{path}: facilities row 1 (line {line}), column capacity")
    assert "capacity of sand_cn is 150 but the normal demand on it is 200 units of sand per week" in found[0]
    assert "short by 50" in found[0]


def test_duplicate_ids_and_duplicate_relations(tmp_path: Path, tiny_data: dict[str, Any]) -> None:
    tiny_data["items"].append({"id": "sand", "name": "More sand"})
    tiny_data["recipes"].append({"facility": "dc_us", "item": "chip", "quantity": 1})
    tiny_data["supplies"].append({"supplier": "asml", "buyer": "fab_tw", "item": "euv", "share": 1})
    _, found = problems(tmp_path, tiny_data)
    assert "duplicate id 'sand' (also items row 1 (line" in only(found, "items row 6", "column id")
    assert "also recipes row 7" in only(found, "recipes row 9", "duplicate row (facility dc_us, item chip)")
    assert "also supplies row 3" in only(found, "supplies row 11", "duplicate row")
    assert "sum to 2, not 1" in only(found, "fab_tw's suppliers of euv")  # the duplicate counts twice


def test_non_numeric_capacity(tmp_path: Path, tiny_data: dict[str, Any]) -> None:
    row(tiny_data, "facilities", id="dc_cn")["capacity"] = "fifty"
    path, found = problems(tmp_path, tiny_data)
    assert found == [
        f"{path}: facilities row 8 (line {line_of(path, 'id: dc_cn')}), column capacity"
        ": 'fifty' is not a number; capacity must be a number > 0 (units of its item per week)"
    ]


def test_out_of_range_numbers(tmp_path: Path, tiny_data: dict[str, Any]) -> None:
    row(tiny_data, "recipes", facility="dc_us")["quantity"] = -2
    row(tiny_data, "supplies", supplier="fab_cn")["share"] = 1.5
    row(tiny_data, "facilities", id="amat")["recovery_weeks"] = float("inf")
    _, found = problems(tmp_path, tiny_data)
    assert "-2 is out of range; quantity must be a number > 0 (units of item per unit of output)" in only(
        found, "recipes row 7", "column quantity"
    )
    assert "1.5 is out of range; share must be a number in (0, 1] (fraction)" in only(
        found, "supplies row 10", "column share"
    )
    assert "is not a finite number; recovery_weeks must be a number >= 0 (weeks)" in only(
        found, "facilities row 4", "column recovery_weeks"
    )


def test_required_cell_missing(tmp_path: Path, tiny_data: dict[str, Any]) -> None:
    del row(tiny_data, "facilities", id="dc_us")["company"]
    _, found = problems(tmp_path, tiny_data)
    assert "required value is missing; company is the owning company" in only(
        found, "facilities row 7", "column company"
    )


def test_supplier_must_produce_the_item(tmp_path: Path, tiny_data: dict[str, Any]) -> None:
    row(tiny_data, "supplies", supplier="asml", buyer="fab_tw")["supplier"] = "amat"
    path, found = problems(tmp_path, tiny_data)
    line = line_of(path, "amat, buyer: fab_tw, item: euv")
    assert found == [
        f"{path}: supplies row 3 (line {line}), column item: supplier 'amat' produces 'dep', "
        "not 'euv'; the item must be what the supplier produces"
    ]


def test_supply_without_recipe(tmp_path: Path, tiny_data: dict[str, Any]) -> None:
    tiny_data["supplies"].append({"supplier": "sand_us", "buyer": "dc_us", "item": "sand", "share": 1})
    _, found = problems(tmp_path, tiny_data)
    assert "buyer 'dc_us' has no recipe for 'sand'" in only(found, "supplies row 11", "column item")


def test_unknown_table_name(tmp_path: Path, tiny_data: dict[str, Any]) -> None:
    tiny_data["candidate"] = [{"supplier": "sand_us", "buyer": "fab_cn", "item": "sand", "cost": 1}]
    path, found = problems(tmp_path, tiny_data)
    assert found == [
        f"{path}: table 'candidate' (line {line_of(path, 'candidate:')}): unknown table "
        "'candidate'; did you mean 'candidates'? (tables are: items, facilities, recipes, "
        "supplies, candidates, certifications, expansions, ownership, sources)"
    ]


def test_missing_table_and_bad_yaml_structure(tmp_path: Path, tiny_data: dict[str, Any]) -> None:
    del tiny_data["recipes"]
    _, found = problems(tmp_path, tiny_data)
    assert found == [
        f"{tmp_path / 'net.yaml'}: recipes: required table 'recipes' is missing (required: "
        "items, facilities, recipes, supplies)"
    ]
    path = tmp_path / "list.yaml"
    path.write_text("- items\n- facilities\n")
    with pytest.raises(sc.InputError, match=r"list.yaml line 1: the top level must be a mapping"):
        sc.read_network(path)
    path.write_text("items:\n  - {id: sand}\n  - sand\nfacilities: 3\n")
    with pytest.raises(sc.InputError) as info:
        sc.read_network(path)
    wheres = [p.where for p in info.value.problems]
    assert wheres == [f"{path} line 3: items[1]", f"{path} line 4: facilities"]


def test_unknown_bundled_network_lists_names() -> None:
    with pytest.raises(sc.InputError) as info:
        sc.read_network("tinny")
    assert "did you mean 'tiny'?" in str(info.value)
    assert "bundled networks: " in str(info.value)
    with pytest.raises(sc.InputError, match="no such network file or folder"):
        sc.read_network("nowhere/net.yaml")


def test_candidate_references_are_checked(tmp_path: Path, tiny_data: dict[str, Any]) -> None:
    tiny_data["candidates"] = [{"supplier": "sand_us", "buyer": "fab_cm", "item": "sand", "cost": -1}]
    tiny_data["certifications"] = [{"supplier": "asml", "item": "eu", "cost": 3}]
    _, found = problems(tmp_path, tiny_data)
    message = only(found, "candidates row 1", "column buyer")
    assert "unknown facility 'fab_cm'; did you mean 'fab_cn'?" in message
    assert "cost must be a number >= 0" in only(found, "candidates row 1", "column cost")
    assert "unknown item 'eu'; did you mean 'euv'?" in only(found, "certifications row 1", "column item")


def test_several_problems_reported_at_once(tmp_path: Path, tiny_data: dict[str, Any]) -> None:
    row(tiny_data, "facilities", id="dc_cn")["kind"] = "datacentre"
    row(tiny_data, "facilities", id="sand_us")["capacity"] = "many"
    row(tiny_data, "supplies", supplier="fab_cn", buyer="dc_cn")["buyer"] = "dc_cm"
    row(tiny_data, "recipes", facility="fab_cn", item="dep")["quantity"] = 0
    _, found = problems(tmp_path, tiny_data)
    only(found, "facilities row 8", "unknown kind 'datacentre'")
    only(found, "facilities row 2", "'many' is not a number")
    only(found, "supplies row 10", "unknown facility 'dc_cm'; did you mean 'dc_cn'?")
    only(found, "recipes row 6", "0 is out of range")
    only(found, "shares of dc_cn's suppliers of chip sum to 0.6")  # the misspelt buyer's share is missing
    assert len(found) == 5


def test_validation_scales_to_100k_supplies() -> None:
    """10 000 facilities, 50 000 recipes, 100 000 supplies: validated in well under a second
    on a laptop (the bound here is loose so slow CI machines pass)."""
    rng = np.random.default_rng(7)
    n_fac, n_items, inputs = 10_000, 1_000, 5
    fid = np.array([f"f{i}" for i in range(n_fac)], dtype=object)
    iid = np.array([f"i{k}" for k in range(n_items)], dtype=object)
    makes = np.arange(n_fac) % n_items
    buyers = np.repeat(np.arange(n_fac), inputs)
    needs = (makes[buyers] + 1 + np.tile(np.arange(inputs), n_fac)) % n_items
    per_item = n_fac // n_items
    first = needs + n_items * rng.integers(0, per_item, len(needs))
    second = needs + n_items * ((first // n_items + 1) % per_item)
    tables = {
        "items": pd.DataFrame({"id": iid}),
        "facilities": pd.DataFrame(
            {
                "id": fid,
                "company": "co",
                "country": "USA",
                "kind": "foundry",
                "produces": iid[makes],
                "capacity": 1000.0,
            }
        ),
        "recipes": pd.DataFrame({"facility": fid[buyers], "item": iid[needs], "quantity": 0.001}),
        "supplies": pd.DataFrame(
            {
                "supplier": fid[np.concatenate([first, second])],
                "buyer": fid[np.concatenate([buyers, buyers])],
                "item": iid[np.concatenate([needs, needs])],
                "share": 0.5,
            }
        ),
    }
    start = time.perf_counter()
    net = sc.Network(**tables)
    assert time.perf_counter() - start < 5
    assert len(net.supplies) == 100_000
    bad = copy.deepcopy(tables)
    bad["supplies"].loc[99_999, "share"] = 0.25
    with pytest.raises(sc.InputError) as info:
        sc.Network(**bad)
    assert len(info.value.problems) == 1
    assert "sum to 0.75" in str(info.value)
