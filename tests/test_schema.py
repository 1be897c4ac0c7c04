"""The published JSON Schema of the scenario format (docs/model.md §2): the committed file is the
one the models generate, and every worked scenario validates against it (when the optional
``jsonschema`` package is installed)."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from builders import DATA

import supplychain as sc

REPO = Path(__file__).resolve().parents[1]
COMMITTED = REPO / "supplychain" / "data" / "scenario.schema.json"
REGENERATE = "python -m supplychain schema > supplychain/data/scenario.schema.json"


def scenario_files() -> list[Path]:
    """Every scenario YAML of scenarios/ and of the tests' worked scenarios (tests/data), except
    bad-*.yaml and network files (which hold tables, not a scenario)."""
    found = sorted((REPO / "scenarios").glob("*.y*ml")) + sorted(DATA.glob("*.y*ml"))
    keep = []
    for path in found:
        if path.name.startswith("bad-"):
            continue
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if isinstance(data, dict) and "facilities" in data:
            continue
        keep.append(path)
    return keep


@pytest.fixture(scope="module")
def validator() -> Any:
    jsonschema = pytest.importorskip("jsonschema")
    schema = sc.scenario_json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_committed_schema_is_up_to_date() -> None:
    assert COMMITTED.is_file(), f"{COMMITTED} is missing; generate it with:\n    {REGENERATE}"
    committed = json.loads(COMMITTED.read_text(encoding="utf-8"))
    generated = json.loads(json.dumps(sc.scenario_json_schema()))  # tuples -> lists, as in the file
    assert committed == generated, (
        "supplychain/data/scenario.schema.json differs from the schema the scenario models generate; "
        f"regenerate it with:\n    {REGENERATE}"
    )


def test_schema_describes_the_format() -> None:
    schema = sc.scenario_json_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["title"] == "supplychain scenario"
    assert schema["required"] == ["name"]
    assert schema["additionalProperties"] is False
    assert {"name", "network", "horizon_weeks", "controls", "disruptions", "monte_carlo", "optimise"} <= set(
        schema["properties"]
    )
    threshold = schema["$defs"]["Threshold"]["properties"]
    assert "in" in threshold  # the YAML key, not the Python attribute in_
    assert "in_" not in threshold


def test_regeneration_command_prints_the_schema() -> None:
    """The command the failure message gives really produces the schema."""
    done = subprocess.run(
        [sys.executable, "-m", "supplychain", "schema"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == json.loads(json.dumps(sc.scenario_json_schema()))


@pytest.mark.parametrize("path", scenario_files(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_scenario_files_validate_against_schema(validator: Any, path: Path) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(data)]
    assert not errors, f"{path} does not validate against the scenario schema:\n" + "\n".join(errors)


GOOD = {
    "name": "s",
    "network": "tiny",
    "controls": [
        {
            "name": "c",
            "issuer": "USA",
            "items": ["chip"],
            "where": {"tpp": {"min": 4800, "in": [5000, "x"]}},
            "destinations": "*",
            "reach": {"de_minimis": 0.25, "foreign_direct_product": True},
            "licence_approval": 0.5,
            "licence_delay_weeks": 4,
            "start_week": 2,
            "end_week": 30,
            "probability": 0.9,
        },
        {"name": "d", "issuer": ["USA", "NLD"], "end_users": "smic", "reach": {"affiliates": 0.5}},
        {"name": "e", "issuer": "USA", "headquarters": ["CHN", "MAC"]},
    ],
    "timeline": True,
    "disruptions": [
        {"countries": "TWN", "kinds": "foundry", "capacity_factor": 0.2, "start_week": 1, "weeks": 8, "ramp_weeks": 4}
    ],
    "monte_carlo": {"samples": 100, "seed": 1},
    "optimise": {"consortium": {"name": "k", "members": ["IND"]}, "penalty": 2, "objective": "cvar", "cvar_alpha": 0.9},
}


def test_schema_accepts_what_the_models_accept(validator: Any) -> None:
    sc.Scenario.model_validate(GOOD)
    assert list(validator.iter_errors(GOOD)) == []


@pytest.mark.parametrize(
    ("where", "value"),
    [
        (("controls", 0, "destinatons"), ["CHN"]),  # unknown key
        (("disruption",), []),  # unknown top-level key
        (("controls", 0, "licence_approval"), 1.5),  # out of range
        (("controls", 0, "probability"), -0.1),
        (("controls", 0, "where", "tpp", "mni"), 1),  # unknown threshold key
        (("disruptions", 0, "kinds"), ["fondry"]),  # not a kind
        (("horizon_weeks",), 0),
        (("horizon_weeks",), 521),
        (("horizon_weeks",), 10.5),
        (("timeline",), "yes"),
        (("controls", 0, "start_week"), 2.5),  # weeks are whole
        (("controls", 0, "licence_delay_weeks"), -1),
        (("controls", 1, "reach", "affiliates"), 0),
        (("controls", 1, "reach", "affiliates"), 1.5),
        (("controls", 2, "headquarters"), [7]),
        (("disruptions", 0, "ramp_weeks"), 1.5),
        (("monte_carlo", "samples"), 0),
        (("optimise", "objective"), "best"),
    ],
)
def test_schema_rejects_structural_mistakes(validator: Any, where: tuple, value: Any) -> None:
    data = copy.deepcopy(GOOD)
    target = data
    for key in where[:-1]:
        target = target[key]
    target[where[-1]] = value
    assert list(validator.iter_errors(data)), f"schema accepts {where} = {value!r}"
    with pytest.raises(sc.InputError):  # and so do the models
        sc.Scenario.model_validate(data)
