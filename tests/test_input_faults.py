"""Hostile and careless input: control characters, deep nesting, alias bombs, huge values, YAML
merge keys, CSV tables as spreadsheets write them, and scenarios with problems in every phase.
Each is refused (or accepted) with one ``InputError`` that names the file, the line and the
key path or column, says what would be valid, and arrives quickly."""

from __future__ import annotations

import re
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest
import yaml

import supplychain as sc
from supplychain.cli import main
from supplychain.errors import InputError, quoted, shortened
from supplychain.io import MAX_ALIAS_NODES, MAX_NESTING, load_yaml, read_network, write_network
from supplychain.network import Network, Suggester
from supplychain.scenario import BUDGET_MAX, PENALTY_MAX, compile_scenario, scenario_json_schema, validate_scenario

TINY = Path(__file__).resolve().parents[1] / "supplychain" / "data" / "tiny" / "network.yaml"


# ---- helpers ----------------------------------------------------------------------------------


def write(tmp_path: Path, text: str, name: str = "scenario.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def error_of(call: Any, *args: Any, **kwargs: Any) -> InputError:
    with pytest.raises(InputError) as info:
        call(*args, **kwargs)
    return info.value


def one(error: InputError, *words: str) -> str:
    """The single problem of ``error`` whose text holds every one of ``words``."""
    hits = [str(p) for p in error.problems if all(w in str(p) for w in words)]
    assert len(hits) == 1, f"expected one problem with {words}:\n{error}"
    return hits[0]


@pytest.fixture
def tiny_data() -> dict[str, Any]:
    return yaml.safe_load(TINY.read_text(encoding="utf-8"))


@pytest.fixture
def csv_folder(tmp_path: Path) -> Path:
    return write_network(read_network("tiny"), tmp_path / "net")


def edit_lines(path: Path, change: Any) -> None:
    """Rewrite ``path`` line by line: ``change(number, line)`` returns the new line."""
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(change(n, line) for n, line in enumerate(lines, start=1)) + "\n", encoding="utf-8")


# ---- control characters -------------------------------------------------------------------


def test_nul_byte_in_yaml_names_file_line_and_column(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "s.yaml"
    path.write_bytes(b"name: s\nnetwork: tiny\ndescription: a\x00b\n")
    error = error_of(sc.read_scenario, path)
    assert [p.where for p in error.problems] == [f"{path} line 3"]
    assert "column 15" in str(error)
    assert "U+0000 (NUL)" in str(error)
    assert main([str(path), "--validate"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ")
    assert "Traceback" not in err
    assert "internal error" not in err


def test_control_characters_in_a_network_file_are_each_located(tmp_path: Path) -> None:
    path = tmp_path / "net.yaml"
    text = (
        TINY.read_text(encoding="utf-8")
        .replace("Refined silicon", "Refined\x1bsilicon")
        .replace("AI compute", "AI\x07")
    )
    path.write_text(text, encoding="utf-8")
    error = error_of(read_network, path)
    assert "U+001B (ESC)" in one(error, "line 9")
    assert "U+0007 (BEL)" in one(error, "line 13")


def test_bytes_that_are_not_utf8_name_the_line(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_bytes(b"name: s\nnetwork: tiny\ndescription: caf\xe9\n")
    error = error_of(sc.read_scenario, path)
    assert [p.where for p in error.problems] == [f"{path} line 3"]
    assert "0xE9 is not UTF-8" in str(error)


# ---- nesting and aliases ------------------------------------------------------------------


def test_deep_nesting_is_refused_above_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text("a: " + "[" * 100_000 + "\n", encoding="utf-8")
    error = error_of(load_yaml, path)
    assert f"more than {MAX_NESTING} levels deep" in str(error)
    assert f"{path} line 1" in str(error)
    fine = tmp_path / "fine.yaml"
    fine.write_text("a: " + "[" * 90 + "]" * 90 + "\n", encoding="utf-8")
    inner = load_yaml(fine)[0]["a"]
    for _ in range(89):
        (inner,) = inner
    assert inner == []


def test_nesting_through_aliases_and_recursive_aliases_are_refused(tmp_path: Path) -> None:
    deep = tmp_path / "deep.yaml"
    deep.write_text("a: &a " + "[" * 60 + "]" * 60 + "\nb: " + "[" * 60 + "*a" + "]" * 60 + "\n", encoding="utf-8")
    assert f"more than {MAX_NESTING} levels" in str(error_of(load_yaml, deep))
    loop = tmp_path / "loop.yaml"
    loop.write_text("name: s\nitems: &a [x, *a]\n", encoding="utf-8")
    error = error_of(load_yaml, loop)
    assert "cannot contain itself" in str(error)
    assert f"{loop} line 2" in str(error)


def test_alias_bomb_is_refused_quickly_with_the_limit_in_the_message(tmp_path: Path) -> None:
    lines = ["a: &a [" + ", ".join(["lol"] * 10) + "]"]
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 10) + "]")
    path = tmp_path / "bomb.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    started = time.perf_counter()
    error = error_of(load_yaml, path)
    assert time.perf_counter() - started < 5
    assert f"{MAX_ALIAS_NODES:,} nodes" in str(error)
    assert f"{path} line 6" in str(error)  # where the expansion passes the limit


def test_many_small_aliases_are_fine(tmp_path: Path) -> None:
    rows = "\n".join(f"  - {{<<: *row, id: r{i}}}" for i in range(2000))
    path = tmp_path / "rows.yaml"
    path.write_text(f"base: &row {{kind: a, size: 1}}\nrows:\n{rows}\n", encoding="utf-8")
    data, lines = load_yaml(path)
    assert len(data["rows"]) == 2000
    assert data["rows"][1999] == {"kind": "a", "size": 1, "id": "r1999"}
    assert lines[("rows", 1999, "id")] == 2002


# ---- long values --------------------------------------------------------------------------


def test_a_huge_value_is_cut_in_the_message(tmp_path: Path) -> None:
    path = write(tmp_path, "name: " + "x" * 1_000_000 + "\nnetwork: tiny\n")
    message = str(error_of(sc.read_scenario, path))
    assert len(message) < 1000
    assert "…' (1000000 characters)" in message
    path = write(tmp_path, "name: s\nnetwork: tiny\n? " + "k" * 100_000 + "\n: 1\n")  # explicit: no length limit
    message = str(error_of(sc.read_scenario, path))
    assert len(message) < 1500
    assert "unknown key" in message
    assert "(100000 characters)" in message


def test_a_huge_network_cell_is_cut_in_the_message(tmp_path: Path, tiny_data: dict[str, Any]) -> None:
    tiny_data["supplies"][0]["supplier"] = "s" * 1_000_000
    tiny_data["facilities"][0]["kind"] = "k" * 1_000_000
    error = error_of(Network, **tiny_data)
    assert len(str(error)) < 3000
    assert "(1000000 characters)" in one(error, "supplies row 1")
    assert "(1000000 characters)" in one(error, "facilities row 1", "kind")


def test_quoted_and_shortened_escape_control_characters() -> None:
    assert quoted("a\nb") == "'a\\nb'"
    assert shortened("y" * 70) == "y" * 60 + "… (70 characters)"
    assert quoted("x" * 61) == "'" + "x" * 60 + "…' (61 characters)"


# ---- did-you-mean on pathological input ---------------------------------------------------


def test_suggestions_for_long_or_repeated_bad_values_are_fast(tiny_data: dict[str, Any]) -> None:
    long_country = dict(tiny_data, facilities=[dict(tiny_data["facilities"][0], country="United States " * 3600)])
    started = time.perf_counter()
    error_of(Network, **long_country)
    assert time.perf_counter() - started < 1.0  # 29 s when every code's edit distance was computed

    base = tiny_data["facilities"][0]
    tiny_data["facilities"] += [dict(base, id=f"x{i}", country="United States") for i in range(2000)]
    started = time.perf_counter()
    error = error_of(Network, **tiny_data)
    assert time.perf_counter() - started < 1.0  # 9 s without a cache
    assert "did you mean 'USA'?" in str(error.problems[0])


def test_suggestions_among_many_names_are_bounded_and_still_found() -> None:
    names = [f"facility_{i:05d}" for i in range(10_000)] + ["tsmc_fab18"]
    suggest = Suggester(names)
    started = time.perf_counter()
    assert suggest("facilty_00001x") == "facility_00001"
    assert suggest("TSMC_FAB18") == "tsmc_fab18"
    assert suggest("tsmc_fab_18") == "tsmc_fab18"
    assert suggest("x" * 50_000) is None
    assert [suggest(f"facilty_{i:05d}x") for i in range(40)] == [f"facility_{i:05d}" for i in range(40)]
    assert time.perf_counter() - started < 2.0  # 150 ms a lookup when difflib saw every name


def test_long_issuer_in_a_scenario_is_fast_and_short(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "name: s\nnetwork: tiny\ncontrols:\n  - {name: c, issuer: '" + "United States " * 3600 + "', "
        "destinations: [CHN]}\n",
    )
    started = time.perf_counter()
    message = str(error_of(sc.read_scenario, path))
    assert time.perf_counter() - started < 1.0  # 25 s before
    assert len(message) < 1000


# ---- YAML merge keys ----------------------------------------------------------------------

MERGED_CONTROLS = """\
    name: s
    network: tiny
    controls:
      - &litho
        name: nl-litho
        issuer: NLD
        items: [euv]
        destinations: [CHN]
        licence_approval: 0.5
      - <<: *litho
        name: nl-litho-2
        licence_approval: 0
    """


def test_merge_keys_apply_and_explicit_keys_override(tmp_path: Path) -> None:
    scenario = sc.read_scenario(write(tmp_path, MERGED_CONTROLS))
    first, second = scenario.controls
    assert (second.name, second.issuer, second.items, second.licence_approval) == ("nl-litho-2", ["NLD"], ["euv"], 0)
    assert first.licence_approval == 0.5
    # key paths of the merged control point at the lines where their values are written
    assert scenario.locate("controls", 1, "issuer").endswith("line 6: controls[1].issuer")
    assert scenario.locate("controls", 1, "name").endswith("line 11: controls[1].name")
    assert scenario.locate("controls", 1, "licence_approval").endswith("line 12: controls[1].licence_approval")


def test_merged_bad_value_and_bad_override_are_located(tmp_path: Path) -> None:
    text = MERGED_CONTROLS.replace("items: [euv]", "items: [eub]").replace(
        "licence_approval: 0\n", "licence_approval: 3\n"
    )
    path = write(tmp_path, text)
    error = error_of(sc.read_scenario, path)
    assert "did you mean 'euv'?" in one(error, f"{path} line 7", "controls[0].items[0]")
    assert "did you mean 'euv'?" in one(error, f"{path} line 7", "controls[1].items[0]")
    assert "less than or equal to 1" in one(error, f"{path} line 12", "controls[1].licence_approval")


def test_a_key_written_twice_beside_a_merge_is_still_refused(tmp_path: Path) -> None:
    text = MERGED_CONTROLS.replace("name: nl-litho-2\n", "name: nl-litho-2\n        name: nl-litho-3\n")
    path = write(tmp_path, text)
    error = error_of(sc.read_scenario, path)
    assert "appears twice" in one(error, f"{path} line 12", "controls[1].name")


def test_merge_keys_in_network_rows(tmp_path: Path, tiny_data: dict[str, Any]) -> None:
    text = TINY.read_text(encoding="utf-8")
    text = text.replace(
        "  - {id: dc_us, name: DC US,",
        "  - &dc {id: dc_us, name: DC US,",
    ).replace(
        "  - {id: dc_cn, name: DC CN, company: cloud_cn, country: CHN, kind: compute, produces: compute, capacity: 50}",
        "  - {<<: *dc, id: dc_cn, name: DC CN, company: cloud_cn, country: CHM, capacity: 50}",
    )
    path = tmp_path / "net.yaml"
    path.write_text(text, encoding="utf-8")
    error = error_of(read_network, path)
    line = next(n for n, t in enumerate(text.splitlines(), start=1) if "<<: *dc" in t)
    assert "did you mean 'CHN'?" in one(error, f"facilities row 8 (line {line}), column country")
    path.write_text(text.replace("country: CHM", "country: CHN"), encoding="utf-8")
    net = read_network(path)
    assert net.facilities.set_index("id").loc["dc_cn", ["kind", "produces", "capacity"]].tolist() == [
        "compute",
        "compute",
        50.0,
    ]


# ---- CSV tables ---------------------------------------------------------------------------


def test_csv_duplicated_header_column_names_both_positions(csv_folder: Path) -> None:
    edit_lines(csv_folder / "items.csv", lambda n, line: line + ",name" if n == 1 else line + ",x")
    error = error_of(read_network, csv_folder)
    found = one(error, "items.csv line 1")
    assert "'name' appears 2 times" in found
    assert "columns 2 and 8" in found


def test_csv_trailing_comma_on_every_row_is_accepted(csv_folder: Path) -> None:
    edit_lines(csv_folder / "facilities.csv", lambda n, line: line if n == 1 else line + ",")
    edit_lines(csv_folder / "supplies.csv", lambda n, line: line + ",")
    net = read_network(csv_folder)
    assert net.facilities["capacity"].tolist()[:2] == [250.0, 200.0]
    assert "Unnamed: 8" not in net.facilities.columns


def test_csv_one_value_too_many_on_every_row_is_one_problem(csv_folder: Path) -> None:
    edit_lines(csv_folder / "facilities.csv", lambda n, line: line if n == 1 else line + ",x")
    error = error_of(read_network, csv_folder)
    assert len(error.problems) == 1, str(error)
    assert "every row has 1 field more than the 9 columns the header names" in one(error, "facilities.csv line 1")


def test_csv_some_rows_with_too_many_values_are_each_named(csv_folder: Path) -> None:
    edit_lines(csv_folder / "facilities.csv", lambda n, line: line + ",oops" if n in (3, 5) else line)
    error = error_of(read_network, csv_folder)
    assert "row 2 has 10 fields but the header names 9 columns" in one(error, "facilities.csv line 3")
    assert "'oops'" in one(error, "facilities.csv line 5")


def test_csv_parse_error_does_not_claim_the_file_is_missing(csv_folder: Path) -> None:
    (csv_folder / "items.csv").write_text('id,name\n"sand,Refined silicon\n', encoding="utf-8")
    error = error_of(read_network, csv_folder)
    assert len(error.problems) == 1, str(error)
    assert "never closed" in one(error, "items.csv line 2")
    assert "missing" not in str(error)


def test_csv_lines_count_quoted_newlines_and_blank_lines(csv_folder: Path) -> None:
    path = csv_folder / "facilities.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace("Sand CN", '"Sand\nCN"')  # row 1 spans lines 2 and 3
    lines.insert(2, "")  # a blank line: line 4
    lines[3] = lines[3].replace("200.0", "lots")  # row 2 on line 5
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    error = error_of(read_network, csv_folder)
    assert "'lots' is not a number" in one(error, "facilities row 2 (line 5), column capacity")


def test_csv_unnamed_column_with_values_is_a_problem(csv_folder: Path) -> None:
    edit_lines(csv_folder / "items.csv", lambda n, line: line + "," if n == 1 else line + (",x" if n == 3 else ","))
    error = error_of(read_network, csv_folder)
    assert "column 8 has no name in the header but holds values (on line 3)" in one(error, "items.csv line 1")


# ---- every problem of a scenario in one pass ----------------------------------------------

EVERY_PHASE = """\
    name: s
    network: tiny
    controls:
      - name: c
        issuer: USA
        destinatons: [CHN]
      - name: d
        issuer: NLD
        items: [eub]
        destinations: [CHM]
    disruptions:
      - facilities: [fab_tww]
    optimise:
      consortium: {name: club, members: [IND, tsmcc]}
      budget: 5
    """


def test_every_problem_of_a_scenario_is_reported_in_one_pass(tmp_path: Path) -> None:
    path = write(tmp_path, EVERY_PHASE)
    error = error_of(sc.read_scenario, path)
    assert len(error.problems) == 5, str(error)
    assert "did you mean 'destinations'?" in one(error, f"{path} line 6", "controls[0].destinatons")
    assert "did you mean 'euv'?" in one(error, f"{path} line 9", "controls[1].items[0]")
    assert "did you mean 'CHN'?" in one(error, f"{path} line 10", "controls[1].destinations")
    assert "did you mean 'fab_tw'?" in one(error, f"{path} line 12", "disruptions[0].facilities[0]")
    assert "did you mean 'tsmc'?" in one(error, f"{path} line 14", "optimise.consortium.members[1]")
    lines = [int(re.search(r" line (\d+)", p.where).group(1)) for p in error.problems]  # type: ignore[union-attr]
    assert lines == sorted(lines)  # in the order of the file


def test_validate_checks_consortium_members_like_a_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(
        tmp_path,
        """\
        name: s
        network: tiny
        optimise:
          consortium: {name: club, members: [IND, tsmcc, IDM]}
          budget: 5
        """,
    )
    scenario = sc.read_scenario(path)  # the file is well formed
    error = error_of(validate_scenario, None, scenario)
    assert "did you mean 'tsmc'?" in one(error, "optimise.consortium.members[1]")
    assert "did you mean 'IDN'?" in one(error, "optimise.consortium.members[2]")
    assert len(error.problems) == 2
    assert main([str(path), "--validate"]) == 2
    err = capsys.readouterr().err
    assert f"{path} line 4: optimise.consortium.members[1]" in err


def test_validate_scenario_takes_network_then_scenario(tmp_path: Path, tiny_data: dict[str, Any]) -> None:
    path = write(tmp_path, EVERY_PHASE.replace("destinatons", "destinations").replace("CHM", "CHN"))
    network = read_network("tiny")
    error = error_of(validate_scenario, network, path)
    assert len(error.problems) == 3, str(error)  # eub, fab_tww, tsmcc: the file itself is well formed
    mine = Network(**tiny_data, name="mine")  # an invalid file's parts are checked against the network given
    error = error_of(validate_scenario, mine, write(tmp_path, EVERY_PHASE, "bad.yaml"))
    assert "in network 'mine'" in one(error, "disruptions[0].facilities[0]")
    good = write(
        tmp_path,
        "name: g\nnetwork: tiny\ncontrols:\n  - {name: c, issuer: NLD, items: [euv], destinations: [CHN]}\n",
        "good.yaml",
    )
    compiled = validate_scenario(network, sc.read_scenario(good))
    assert compiled.control_names == ("c",)
    assert compiled.coverage.sum() == compile_scenario(scenario=sc.read_scenario(good), network=network).coverage.sum()


# ---- Scenario.model_validate --------------------------------------------------------------


def test_model_validate_raises_input_error_with_did_you_mean(tmp_path: Path) -> None:
    data = {"name": "s", "network": "tiny", "controls": [{"name": "c", "issuer": "USA", "destinatons": ["CHN"]}]}
    error = error_of(sc.Scenario.model_validate, data)
    assert [p.where for p in error.problems] == ["controls[0].destinatons"]
    # the same words a file gets
    path = write(tmp_path, yaml.safe_dump(data, sort_keys=False))
    from_file = error_of(sc.read_scenario, path)
    assert str(error.problems[0]) in str(from_file.problems[0])
    assert "did you mean 'destinations'?" in str(error)


# ---- optimiser bounds ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "value", "limit"), [("penalty", "1.0e50", PENALTY_MAX), ("budget", "1.0e16", BUDGET_MAX)]
)
def test_penalty_and_budget_are_bounded(tmp_path: Path, key: str, value: str, limit: float) -> None:
    path = write(tmp_path, f"name: s\nnetwork: tiny\noptimise: {{{key}: {value}}}\n")
    found = one(error_of(sc.read_scenario, path), f"{path} line 3", f"optimise.{key}")
    assert f"at most {limit:.0e}" in found
    assert "numerically unsolvable" in found
    schema = scenario_json_schema()["$defs"]["Optimise"]["properties"][key]
    assert schema["maximum"] == limit
    ok = write(tmp_path, f"name: s\nnetwork: tiny\noptimise: {{{key}: {limit:.0e}}}\n", "ok.yaml")
    assert getattr(sc.read_scenario(ok).optimise, key) == limit


# ---- where: on text columns ---------------------------------------------------------------


def test_where_threshold_on_a_text_column_is_an_error(tmp_path: Path, tiny_data: dict[str, Any]) -> None:
    path = write(
        tmp_path,
        """\
        name: s
        network: tiny
        controls:
          - name: c
            issuer: USA
            destinations: [CHN]
            where: {name: {min: 3}}
        """,
    )
    scenario = sc.read_scenario(path)
    found = one(error_of(sc.stress, scenario.read_network(), scenario), f"{path} line 7", "controls[0].where.name")
    assert "text column" in found
    assert "node_nm, tpp, value" in found
    # an extra text column: 'in' selects by its values, min/max cannot
    for row in tiny_data["items"]:
        row["maker"] = "acme" if row["id"] == "chip" else "other"
    network = Network(**tiny_data)
    text = "name: s\nnetwork: tiny\ncontrols:\n  - {name: c, issuer: TWN, destinations: [CHN], where: {maker: %s}}\n"
    by_value = sc.read_scenario(write(tmp_path, text % "{in: [acme]}", "in.yaml"))
    assert compile_scenario(scenario=by_value, network=network).coverage.any()
    by_number = write(tmp_path, text % "{max: 5}", "max.yaml")
    found = one(error_of(validate_scenario, network, by_number), "controls[0].where.maker.max")
    assert "text column" in found


# --------------------------------------------------------------------------------------------
# silent no-ops: a run warns of rules that change nothing
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "control",
    [
        {"name": "empty", "issuer": "USA", "items": [], "destinations": ["CHN"]},
        {"name": "home", "issuer": "NLD", "items": ["euv"], "destinations": ["NLD"]},
        {
            "name": "too-high",
            "issuer": "USA",
            "items": ["chip"],
            "where": {"tpp": {"min": 1e9}},
            "destinations": ["CHN"],
        },
    ],
)
def test_a_control_covering_nothing_is_warned_of(control: dict) -> None:
    """``items: []``, destinations equal to the issuer (nothing leaves its jurisdiction) and a
    threshold no item meets each cover no edge of tiny: the run warns, naming the control."""
    scen = sc.Scenario.model_validate({"name": "noop", "network": "tiny", "controls": [control]})
    with pytest.warns(UserWarning, match=rf"control '{control['name']}' covers no supply edge"):
        res = sc.run_scenario(None, scen, analyses=False)
    assert res.metric("compute_lost") == 0


def test_a_disruption_hitting_nothing_is_warned_of() -> None:
    """fab_cn is not in the USA: a disruption selecting both hits no facility."""
    scen = sc.Scenario.model_validate(
        {"name": "noop", "network": "tiny", "disruptions": [{"facilities": ["fab_cn"], "countries": ["USA"]}]}
    )
    with pytest.warns(UserWarning, match=r"hits no facility \(no facility matches all its selectors\)"):
        sc.run_scenario(None, scen, analyses=False)


def test_dask_without_monte_carlo_is_warned_of() -> None:
    scen = sc.Scenario.model_validate({"name": "plain", "network": "tiny"})
    with pytest.warns(UserWarning, match="dask is unused"):
        sc.run_scenario(None, scen, analyses=False, dask="tcp://127.0.0.1:1")


def test_the_command_line_prints_a_no_op_rule_as_one_warning_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from supplychain.cli import main

    scenario = tmp_path / "noop.yaml"
    scenario.write_text(
        "name: noop\nnetwork: tiny\ncontrols:\n  - {name: empty, issuer: USA, items: [], destinations: [CHN]}\n",
        encoding="utf-8",
    )
    assert main([str(scenario), "--out", str(tmp_path / "out"), "--quiet", "--no-analyses"]) == 0
    err = capsys.readouterr().err
    assert "warning: control 'empty' covers no supply edge of network 'tiny'" in err
    assert "Traceback" not in err
    assert "UserWarning" not in err
