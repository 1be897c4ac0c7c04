"""Scenario files (docs/model.md §2): every kind of bad input is reported with the file, the line
and the key path, the nearest valid name or what is valid, and all problems at once; good
files parse to the documented defaults. Each bad input is a small YAML file on the bundled
hand-checkable ``tiny`` network."""

from __future__ import annotations

import hashlib
import textwrap
from pathlib import Path

import pytest
from builders import DATA, TINY_DEMINIMIS, line_of

import supplychain as sc

# The worked tiny scenarios are files of tests/data (tiny-controls.yaml, tiny-deminimis.yaml,
# tiny-optimise.yaml); this small Monte Carlo one is written where a test needs it.
SMALL_MC = """\
        name: tiny-mc
        network: tiny
        controls:
          - name: nl-litho
            issuer: NLD
            items: [euv]
            destinations: [CHN]
            probability: 0.5
        disruptions:
          - facilities: [sand_us]
            capacity_factor: 0.5
            weeks: 26
        monte_carlo: {samples: 200, seed: 11}
        """


# ---- helpers ----------------------------------------------------------------------------------


def write(tmp_path: Path, text: str, name: str = "scenario.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def tiny_scenario(tmp_path: Path, name: str) -> Path:
    """The worked tiny scenario ``name``: tests/data/tiny-<name>.yaml, or ``SMALL_MC`` for "mc"."""
    return write(tmp_path, SMALL_MC) if name == "mc" else DATA / f"tiny-{name}.yaml"


def read_and_stress(path: Path) -> None:
    """Read a scenario, then compile it against its network by stressing it."""
    scenario = sc.read_scenario(path)
    sc.stress(scenario.read_network(), scenario)


def read_error(path: Path) -> sc.InputError:
    """Read (and, if that passes, compile against its network) a scenario; expect an InputError."""
    with pytest.raises(sc.InputError) as info:
        read_and_stress(path)
    return info.value


def problem(error: sc.InputError, path: Path, line: int, key: str) -> str:
    """The one problem of ``error`` at ``path`` line ``line`` about ``key``, as text, after
    checking that the whole message names the file, the line and the key path."""
    text = str(error)
    assert str(path) in text, text
    assert f"line {line}" in text, text
    assert key in text, text
    matching = [str(p) for p in error.problems if f"{path} line {line}" in p.where and key in str(p)]
    assert matching, f"no problem at {path} line {line} about {key}:\n{text}"
    return matching[0]


# ---- bad inputs: one problem each, with file, line, key path and the fix --------------------

BAD = [
    pytest.param(
        """\
        name: s
        network: tiny
        disruption:
          - facilities: [fab_tw]
        """,
        "disruption:",
        "disruption",
        ["unknown key 'disruption'", "did you mean 'disruptions'?", "valid keys here:"],
        id="unknown-top-level-key",
    ),
    pytest.param(
        """\
        name: s
        network: tiny
        controls:
          - name: nl-litho
            issuer: NLD
            items: [euv]
            destinatons: [CHN]
        """,
        "destinatons",
        "controls[0].destinatons",
        ["unknown key 'destinatons'", "did you mean 'destinations'?"],
        id="unknown-control-key",
    ),
    pytest.param(
        """\
        name: s
        network: tiny
        controls:
          - name: c
            issuer: USA
            destinations: [CHN]
            where:
              tpp:
                mni: 4800
        """,
        "mni:",
        "controls[0].where.tpp.mni",
        ["unknown key 'mni'", "did you mean 'min'?", "min, max, in"],
        id="unknown-threshold-key",
    ),
    pytest.param(
        """\
        name: s
        network: tiny
        controls:
          - issuer: NLD
            destinations: [CHN]
        """,
        "- issuer",
        "controls[0].name",
        ["required key missing"],
        id="missing-control-name",
    ),
    pytest.param(
        """\
        name: s
        network: tiny
        controls:
          - name: c
            issuer: NLD
            destinations: [CHN]
            licence_approval: 1.5
        """,
        "licence_approval",
        "controls[0].licence_approval",
        ["less than or equal to 1", "1.5"],
        id="licence-approval-above-1",
    ),
    pytest.param(
        """\
        name: s
        network: tiny
        controls:
          - name: c
            issuer: NLD
            destinations: [CHN]
            probability: -0.1
        """,
        "probability",
        "controls[0].probability",
        ["greater than or equal to 0", "-0.1"],
        id="negative-probability",
    ),
    pytest.param(
        """\
        name: s
        network: tiny
        controls:
          - name: c
            issuer: CHM
            destinations: [USA]
        """,
        "issuer",
        "controls[0].issuer",
        ["'CHM' is not an ISO 3166 alpha-3 country code", "did you mean 'CHN'?"],
        id="issuer-not-iso",
    ),
    pytest.param(
        """\
        name: s
        network: tiny
        controls:
          - name: c
            issuer: usa
            destinations: [CHN]
        """,
        "issuer",
        "controls[0].issuer",
        ["'usa' is not an ISO 3166", "did you mean 'USA'?"],
        id="lowercase-issuer",
    ),
    pytest.param(
        """\
        name: s
        network: tiny
        controls:
          - name: c
            issuer: USA
            destinations: [CHN, CNH]
        """,
        "destinations",
        "controls[0].destinations",
        ["'CNH' is not an ISO 3166 alpha-3", "did you mean 'CHN'?"],
        id="destination-typo",
    ),
    pytest.param(
        """\
        name: s
        network: tiny
        controls:
          - name: c
            issuer: USA
            items: [chip]
        """,
        "- name: c",
        "controls[0]",
        ["give destinations", "end_users"],
        id="control-without-target",
    ),
    pytest.param(
        """\
        name: s
        network: tiny
        horizon_weeks: 0
        """,
        "horizon_weeks",
        "horizon_weeks",
        ["greater than or equal to 1", "(got 0)"],
        id="horizon-zero",
    ),
    pytest.param(
        """\
        name: s
        network: tiny
        disruptions:
          - facilities: [fab_tww]
            capacity_factor: 0
        """,
        "fab_tww",
        "disruptions[0].facilities[0]",
        ["unknown facility 'fab_tww'", "did you mean 'fab_tw'?"],
        id="unknown-disruption-facility",
    ),
    pytest.param(
        """\
        name: s
        network: tiny
        disruptions:
          - companies: [tsmcc]
        """,
        "tsmcc",
        "disruptions[0].companies[0]",
        ["unknown company 'tsmcc'", "did you mean 'tsmc'?"],
        id="unknown-disruption-company",
    ),
    pytest.param(
        """\
        name: s
        network: tiny
        controls:
          - name: entity-list
            issuer: USA
            end_users: [huawei]
        """,
        "huawei",
        "controls[0].end_users[0]",
        ["'huawei' is neither a company nor a facility id", "network 'tiny'"],
        id="unknown-end-user",
    ),
    pytest.param(
        """\
        name: s
        network: tiny
        controls:
          - name: c
            issuer: USA
            end_users: [smicc]
        """,
        "smicc",
        "controls[0].end_users[0]",
        ["'smicc'", "did you mean 'smic'?"],
        id="end-user-typo",
    ),
    pytest.param(
        """\
        name: s
        network: tiny
        controls:
          - name: nl-litho
            issuer: NLD
            items: [eub]
            destinations: [CHN]
        """,
        "items",
        "controls[0].items[0]",
        ["pattern 'eub' matches no item id or tag", "did you mean 'euv'?"],
        id="items-pattern-matches-nothing",
    ),
    pytest.param(
        """\
        name: s
        network: tiny
        controls:
          - name: c
            issuer: USA
            destinations: [CHN]
            where:
              tp: {min: 4800}
        """,
        "tp:",
        "controls[0].where.tp",
        ["no attribute 'tp'", "did you mean 'tpp'?", "attributes:"],
        id="unknown-where-attribute",
    ),
    pytest.param(
        """\
        name: s
        network: tiny
        controls:
          - name: c
            issuer: USA
            destinations: [CHN]
            where:
              tpp: {min: 5000, max: 4800}
        """,
        "tpp:",
        "controls[0].where.tpp",
        ["min 5000", "above max 4800"],
        id="where-min-above-max",
    ),
    pytest.param(
        """\
        name: s
        network: tiny
        controls:
          - name: c
            issuer: USA
            destinations: [CHN]
            where:
              tpp: {}
        """,
        "tpp:",
        "controls[0].where.tpp",
        ["at least one of min, max, in"],
        id="where-empty-threshold",
    ),
    pytest.param(
        """\
        name: s
        network: tiny
        disruptions:
          - capacity_factor: 0.5
            weeks: 4
        """,
        "capacity_factor",
        "disruptions[0]",
        ["select what is hit", "facilities, countries, kinds"],
        id="disruption-without-selector",
    ),
    pytest.param(
        """\
        name: s
        network: tiny
        disruptions:
          - kinds: [fondry]
        """,
        "kinds",
        "disruptions[0].kinds[0]",
        ["'foundry'", "'compute'", "fondry"],
        id="bad-disruption-kind",
    ),
    pytest.param(
        """\
        name: s
        network: tiny
        disruptions:
          - countries: [TWN]
            capacity_factor: 2
        """,
        "capacity_factor",
        "disruptions[0].capacity_factor",
        ["less than or equal to 1"],
        id="capacity-factor-above-1",
    ),
    pytest.param(
        """\
        name: s
        network: tiny
        controls:
          - name: c
            issuer: USA
            destinations: [CHN]
            reach: {de_minimis: 0.25, foreign_direct_prod: true}
        """,
        "reach",
        "controls[0].reach.foreign_direct_prod",
        ["did you mean 'foreign_direct_product'?"],
        id="unknown-reach-key",
    ),
    pytest.param(
        """\
        name: my scenario
        network: tiny
        """,
        "name:",
        "name",
        ["my scenario", "A-Za-z0-9"],
        id="name-not-a-slug",
    ),
    pytest.param(
        """\
        name: s
        network: tiny
        optimise:
          objective: expected
        """,
        "optimise",
        "optimise",
        ["give a budget", "or a penalty"],
        id="optimise-without-budget-or-penalty",
    ),
    pytest.param(
        """\
        name: s
        network: tiny
        optimise: {budget: 5, objective: best}
        """,
        "optimise",
        "optimise.objective",
        ["'expected', 'cvar' or 'worst'", "best"],
        id="bad-optimise-objective",
    ),
    pytest.param(
        """\
        name: s
        network: tiny
        monte_carlo: {samples: 0, seed: 7}
        """,
        "monte_carlo",
        "monte_carlo.samples",
        ["greater than or equal to 1", "(got 0)"],
        id="monte-carlo-zero-samples",
    ),
]


BAD_TEXT = {case.id: case.values[0] for case in BAD}


@pytest.mark.parametrize(("text", "needle", "key", "fragments"), BAD)
def test_bad_scenario_names_file_line_key_and_fix(
    tmp_path: Path, text: str, needle: str, key: str, fragments: list[str]
) -> None:
    path = write(tmp_path, text)
    error = read_error(path)
    found = problem(error, path, line_of(path, needle), key)
    for fragment in fragments:
        assert fragment in found, f"{fragment!r} not in {found!r}"


def test_unknown_ids_are_checked_by_compile_scenario_too(tmp_path: Path) -> None:
    path = write(tmp_path, BAD_TEXT["unknown-disruption-facility"])
    scenario = sc.read_scenario(path)  # the file itself is well formed
    with pytest.raises(sc.InputError) as info:
        sc.compile_scenario(scenario.read_network(), scenario)
    assert "did you mean 'fab_tw'?" in problem(info.value, path, 4, "disruptions[0].facilities[0]")


def test_duplicate_control_names_point_at_the_repeat(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """\
        name: s
        network: tiny
        controls:
          - name: litho
            issuer: NLD
            destinations: [CHN]
          - name: litho
            issuer: JPN
            destinations: [CHN]
        """,
    )
    found = problem(read_error(path), path, 7, "controls[1].name")
    assert "'litho'" in found
    assert "controls[0].name" in found
    assert "unique" in found


@pytest.mark.parametrize(
    ("key", "code"), [("issuer", "CHM"), ("destinations", "CNH"), ("issuer", "cn"), ("destinations", "PRC")]
)
def test_country_code_typo_suggests_chn(tmp_path: Path, key: str, code: str) -> None:
    other = "destinations: [USA]" if key == "issuer" else "issuer: USA"
    path = write(tmp_path, f"name: s\nnetwork: tiny\ncontrols:\n  - name: c\n    {key}: [{code}]\n    {other}\n")
    assert "did you mean 'CHN'?" in problem(read_error(path), path, 5, f"controls[0].{key}")


@pytest.mark.parametrize(
    ("text", "key", "line"),
    [
        ("name: s\nnetwork: tiny\nhorizon_weeks: .inf\n", "horizon_weeks", 3),
        (
            "name: s\nnetwork: tiny\ncontrols:\n"
            "  - {name: c, issuer: USA, destinations: [CHN], where: {tpp: {min: .nan}}}\n",
            "controls[0].where.tpp.min",
            4,
        ),
        (
            "name: s\nnetwork: tiny\ncontrols:\n  - {name: c, issuer: USA, destinations: [CHN], probability: .nan}\n",
            "controls[0].probability",
            4,
        ),
    ],
    ids=["infinite-horizon", "nan-threshold", "nan-probability"],
)
def test_non_finite_numbers_are_rejected(tmp_path: Path, text: str, key: str, line: int) -> None:
    path = write(tmp_path, text)
    assert "finite" in problem(read_error(path), path, line, key)


def test_star_destination_is_valid_but_star_issuer_is_not(tmp_path: Path) -> None:
    ok = write(
        tmp_path, "name: s\nnetwork: tiny\ncontrols:\n  - {name: c, issuer: USA, destinations: '*'}\n", "ok.yaml"
    )
    assert sc.read_scenario(ok).controls[0].destinations == ["*"]
    bad = write(
        tmp_path, "name: s\nnetwork: tiny\ncontrols:\n  - {name: c, issuer: '*', destinations: [CHN]}\n", "bad.yaml"
    )
    problem(read_error(bad), bad, 4, "controls[0].issuer")


# ---- bad files: YAML and file level --------------------------------------------------------


def test_duplicated_yaml_key(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """\
        name: s
        network: tiny
        horizon_weeks: 26
        horizon_weeks: 52
        """,
    )
    found = problem(read_error(path), path, 4, "horizon_weeks")
    assert "appears twice" in found


def test_duplicated_yaml_key_nested(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """\
        name: s
        network: tiny
        controls:
          - name: c
            issuer: USA
            destinations: [CHN]
            issuer: NLD
        """,
    )
    found = problem(read_error(path), path, 7, "controls[0].issuer")
    assert "appears twice" in found


def test_yaml_syntax_error_names_the_line(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """\
        name: s
        network: tiny
        controls: [
          - name
        """,
    )
    error = read_error(path)
    assert "not valid YAML" in str(error)
    assert [p.where for p in error.problems] == [f"{path} line 4"]


def test_tab_indentation_is_a_yaml_error_with_line(tmp_path: Path) -> None:
    path = tmp_path / "tabs.yaml"
    path.write_text("name: s\nnetwork: tiny\ncontrols:\n\t- name: c\n", encoding="utf-8")
    assert f"{path} line 4" in str(read_error(path))


@pytest.mark.parametrize(("text", "holds"), [("- name: s\n  network: tiny\n", "list"), ("just a sentence\n", "str")])
def test_file_not_a_mapping(tmp_path: Path, text: str, holds: str) -> None:
    path = write(tmp_path, text)
    message = str(read_error(path))
    assert str(path) in message
    assert "a scenario is a YAML mapping" in message
    assert holds in message


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nowhere" / "scenario.yaml"
    message = str(read_error(path))
    assert str(path) in message
    assert "no such file" in message


def test_folder_instead_of_file(tmp_path: Path) -> None:
    assert "is a folder" in str(read_error(tmp_path))


def test_missing_name(tmp_path: Path) -> None:
    path = write(tmp_path, "network: tiny\nhorizon_weeks: 4\n")
    assert "required key missing" in problem(read_error(path), path, 1, "name")


def test_unknown_network_suggests_a_bundled_one(tmp_path: Path) -> None:
    path = write(tmp_path, "name: s\nnetwork: tinny\n")
    message = str(read_error(path))
    assert "tinny" in message
    assert "did you mean 'tiny'?" in message


def test_scenario_without_network(tmp_path: Path) -> None:
    path = write(tmp_path, "name: s\n")
    scenario = sc.read_scenario(path)
    with pytest.raises(sc.InputError, match="names no network"):
        scenario.read_network()


def test_several_problems_reported_at_once(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """\
        name: s
        network: tiny
        horizon_weeks: -1
        controls:
          - name: c
            issuer: usa
            destinations: [CHN]
            licence_approval: 2
            destinatons: [RUS]
        disruptions:
          - countries: [TWN]
            capacity_factor: -1
        monte_carlo: {samples: 0}
        """,
    )
    error = read_error(path)
    assert len(error.problems) == 6, str(error)
    assert "6 problems" in str(error)
    problem(error, path, 3, "horizon_weeks")
    problem(error, path, 6, "controls[0].issuer")
    problem(error, path, 8, "controls[0].licence_approval")
    problem(error, path, 9, "controls[0].destinatons")
    problem(error, path, 12, "disruptions[0].capacity_factor")
    problem(error, path, 13, "monte_carlo.samples")


def test_several_unknown_ids_reported_at_once(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """\
        name: s
        network: tiny
        controls:
          - name: c
            issuer: NLD
            items: [eub, chip]
            end_users: [smicc]
        disruptions:
          - facilities: [fab_tww, dc_us]
        """,
    )
    error = read_error(path)
    assert len(error.problems) == 3, str(error)
    assert "did you mean 'euv'?" in problem(error, path, 6, "controls[0].items[0]")
    assert "did you mean 'smic'?" in problem(error, path, 7, "controls[0].end_users[0]")
    assert "did you mean 'fab_tw'?" in problem(error, path, 9, "disruptions[0].facilities[0]")


def test_error_message_is_one_paragraph_without_traceback_text(tmp_path: Path) -> None:
    path = write(tmp_path, BAD_TEXT["unknown-control-key"])
    message = str(read_error(path))
    assert "\n\n" not in message
    assert "Traceback" not in message
    assert "pydantic" not in message.lower()  # no library internals or links


# ---- good inputs -------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["controls", "deminimis", "mc", "optimise"])
def test_tiny_scenarios_parse_and_compile(tmp_path: Path, name: str) -> None:
    path = tiny_scenario(tmp_path, name)
    scenario = sc.read_scenario(path)
    assert scenario.source == path
    network = scenario.read_network()
    compiled = sc.compile_scenario(network, scenario)
    assert compiled.coverage.shape == (len(scenario.controls), network.arrays.n_edges)
    assert compiled.control_names == tuple(c.name for c in scenario.controls)


def test_tiny_controls_scenario_reads_as_written(tiny_controls_path: Path) -> None:
    scenario = sc.read_scenario(tiny_controls_path)
    assert scenario.name == "tiny-controls"
    assert [c.name for c in scenario.controls] == ["nl-litho", "us-chips"]
    us = scenario.controls[1]
    assert us.items == ["eccn:3A090*"]
    assert us.reach.foreign_direct_product is True
    assert us.reach.de_minimis is None
    assert us.licence_approval == 0.2
    shock = scenario.disruptions[0]
    assert (shock.facilities, shock.capacity_factor, shock.weeks) == (["sand_us"], 0.5, 26)
    assert shock.label == "sand_us"


def test_single_issuer_string_becomes_a_list(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "name: s\nnetwork: tiny\ncontrols:\n"
        "  - {name: c, issuer: USA, items: chip, destinations: CHN, end_users: smic}\n",
    )
    control = sc.read_scenario(path).controls[0]
    assert control.issuer == ["USA"]
    assert control.items == ["chip"]
    assert control.destinations == ["CHN"]
    assert control.end_users == ["smic"]


def test_plurilateral_issuer_list(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """\
        name: wassenaar-like
        network: tiny
        controls:
          - name: litho
            issuer: [USA, NLD, JPN]
            items: [euv, dep]
            destinations: [CHN]
        """,
    )
    scenario = sc.read_scenario(path)
    assert scenario.controls[0].issuer == ["USA", "NLD", "JPN"]
    compiled = sc.compile_scenario(scenario.read_network(), scenario)
    # asml -> fab_cn (euv, from NLD) and amat -> fab_cn (dep, from USA): one rule, two issuers
    assert int(compiled.coverage.sum()) == 2


def test_defaults(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """\
        name: s
        network: tiny
        controls:
          - {name: c, issuer: NLD, destinations: [CHN]}
        disruptions:
          - countries: [TWN]
        """,
    )
    scenario = sc.read_scenario(path)
    assert scenario.horizon_weeks == 52
    assert scenario.description == ""
    assert scenario.monte_carlo is None
    assert scenario.optimise is None
    control = scenario.controls[0]
    assert control.licence_approval == 0
    assert control.probability == 1
    assert control.items is None  # omitted = every item
    assert control.where == {}
    assert control.end_users == []
    assert control.reach.de_minimis is None
    assert control.reach.foreign_direct_product is False
    shock = scenario.disruptions[0]
    assert shock.capacity_factor == 0
    assert shock.weeks is None  # the whole horizon
    assert shock.probability == 1


def test_optimise_and_monte_carlo_defaults() -> None:
    scenario = sc.Scenario.model_validate({"name": "s", "monte_carlo": {}, "optimise": {"penalty": 3}})
    assert scenario.monte_carlo.samples == 10_000
    assert scenario.monte_carlo.seed == 0
    assert scenario.optimise.objective == "expected"
    assert scenario.optimise.consortium is None
    assert scenario.optimise.budget is None


def test_repr(tiny_controls_path: Path) -> None:
    scenario = sc.read_scenario(tiny_controls_path)
    assert repr(scenario) == "<Scenario 'tiny-controls': 2 controls, 1 disruption over 52 weeks>"
    assert str(scenario) == repr(scenario)
    empty = sc.Scenario.model_validate({"name": "none", "horizon_weeks": 26})
    assert repr(empty) == "<Scenario 'none': 0 controls, 0 disruptions over 26 weeks>"


def test_model_validate_from_dict_matches_file() -> None:
    from_file = sc.read_scenario(TINY_DEMINIMIS)
    from_dict = sc.Scenario.model_validate(from_file.model_dump(by_alias=True))
    assert from_dict.model_dump() == from_file.model_dump()
    assert from_dict.source is None


def test_sha256_is_of_the_file_bytes(tmp_path: Path) -> None:
    path = write(tmp_path, SMALL_MC)
    scenario = sc.read_scenario(path)
    assert scenario.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    in_memory = sc.Scenario.model_validate({"name": "s"})
    assert in_memory.sha256 == sc.Scenario.model_validate({"name": "s"}).sha256
    assert len(in_memory.sha256) == 64


def test_locate_names_file_line_and_key_path(tiny_controls_path: Path) -> None:
    path = tiny_controls_path
    scenario = sc.read_scenario(path)
    assert scenario.locate("controls", 1, "items") == f"{path} line {line_of(path, 'eccn:3A090')}: controls[1].items"
    # a key the file does not have: the line of its nearest parent
    assert scenario.locate("controls", 1, "where") == f"{path} line {line_of(path, 'us-chips')}: controls[1].where"


def test_scenario_is_immutable(tiny_controls_path: Path) -> None:
    scenario = sc.read_scenario(tiny_controls_path)
    with pytest.raises(ValueError, match="frozen"):
        scenario.name = "other"  # type: ignore[misc]


def test_network_path_relative_to_scenario_file(tmp_path: Path) -> None:
    folder = tmp_path / "study"
    folder.mkdir()
    network_file = Path(sc.__file__).parent / "data" / "tiny" / "network.yaml"
    (folder / "net.yaml").write_bytes(network_file.read_bytes())
    path = write(folder, "name: s\nnetwork: net.yaml\ndisruptions:\n  - facilities: [fab_tw]\n")
    network = sc.read_scenario(path).read_network()
    assert "fab_tw" in network.facilities["id"].tolist()
