"""Overrides and sweeps (docs/model.md §7): ``sc.set_value``, ``sc.sweep`` and ``--set``.

On the tiny example dc_cn (capacity 50) makes 0.6 · a · 0.875 + 0.4 · a · 0.25 of normal with
a = us-chips' licence_approval: a = 0 loses all of China's compute (1.0), a = 0.2 loses
0.875, a = 1 loses 1 − 0.625 = 0.375.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import supplychain as sc
from supplychain.cli import main
from supplychain.errors import InputError
from supplychain.scenario import compile_scenario
from supplychain.sweep import _recompiled, _split


def test_set_value_replaces_one_value_and_validates() -> None:
    base = sc.read_scenario("tiny-export-controls")
    new = sc.set_value(base, "controls.us-chips.where.tpp.min", 9000)
    assert new.controls[1].where["tpp"].min == 9000
    assert base.controls[1].where["tpp"].min == 4800  # the original is untouched
    assert sc.set_value(base, "horizon_weeks", 26).horizon_weeks == 26
    assert sc.set_value(base, "disruptions.sand-us-outage.weeks", 52).disruptions[0].weeks == 52
    with pytest.raises(InputError, match="did you mean 'us-chips'"):
        sc.set_value(base, "controls.us-chip.licence_approval", 1)
    with pytest.raises(InputError, match="less than or equal to 1"):
        sc.set_value(base, "controls.us-chips.licence_approval", 2)
    with pytest.raises(InputError, match="did you mean 'horizon_weeks'"):
        sc.set_value(base, "horizon_week", 3)


def test_sweep_of_a_licence_approval_worked_by_hand() -> None:
    res = sc.sweep(None, "tiny-export-controls", {"controls.us-chips.licence_approval": [0.0, 0.2, 1.0]})
    assert res.wide().loc[:, "CHN"].tolist() == pytest.approx([1.0, 0.875, 0.375])
    assert list(res.table.columns[:1]) == ["controls.us-chips.licence_approval"]
    world = res.table[(res.table["country"] == "World") & (res.table["metric"] == "compute_lost")]
    assert world["value"].tolist() == pytest.approx([50 + 12.5, 43.75 + 12.5, 18.75 + 12.5])


def test_several_paths_make_a_grid_first_slowest() -> None:
    res = sc.sweep(
        None,
        "tiny-export-controls",
        {"controls.us-chips.licence_approval": [0.0, 1.0], "disruptions.sand-us-outage.capacity_factor": [0.5, 1.0]},
    )
    assert res.points.values.tolist() == [[0.0, 0.5], [0.0, 1.0], [1.0, 0.5], [1.0, 1.0]]


@pytest.mark.parametrize(
    ("path", "value"),
    [
        ("controls.us-chips.licence_approval", 0.5),
        ("controls.nl-litho.licence_delay_weeks", 10),
        ("controls.us-chips.start_week", 13),
        ("controls.us-chips.end_week", 40),
        ("disruptions.sand-us-outage.capacity_factor", 0.1),
        ("disruptions.sand-us-outage.ramp_weeks", 4),
        ("disruptions.sand-us-outage.start_week", 10),
    ],
)
def test_the_fast_path_equals_a_fresh_compilation(path: str, value: object) -> None:
    base = sc.read_scenario("tiny-export-controls")
    net = base.read_network()
    compiled = compile_scenario(net, base)
    new = sc.set_value(base, path, value)
    fast = _recompiled(compiled, new, [_split(base, path)])
    fresh = compile_scenario(net, new)
    assert fast is not compiled
    for name in ("approval", "control_weeks", "disruption_weeks", "disruption_factor", "coverage"):
        assert np.array_equal(getattr(fast, name), getattr(fresh, name)), name
    a = sc.stress(None, fast).facilities["availability"].to_numpy()
    b = sc.stress(None, fresh).facilities["availability"].to_numpy()
    assert np.allclose(a, b, rtol=0, atol=1e-15)


def test_bad_grids_are_input_errors() -> None:
    with pytest.raises(InputError, match="at least one path"):
        sc.sweep(None, "tiny-export-controls", {})
    with pytest.raises(InputError, match="non-empty list"):
        sc.sweep(None, "tiny-export-controls", {"horizon_weeks": []})


def test_cli_set_overrides_a_value_and_run_json_records_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    argv = ["run", "tiny-export-controls", "--set", "controls.us-chips.licence_approval=1", "--out", str(out)]
    assert main([*argv, "--quiet", "--no-analyses"]) == 0
    rows = (out / "facilities.csv").read_text().splitlines()
    assert any(r.startswith("dc_cn,") and ",0.625," in r for r in rows)
    assert json.loads((out / "run.json").read_text())["overrides"] == ["controls.us-chips.licence_approval=1"]
    assert (
        main(
            ["run", "tiny-export-controls", "--set", "controls.us-chips.licence_approval", "--out", str(tmp_path / "x")]
        )
        == 2
    )
    assert "write PATH=VALUE" in capsys.readouterr().err
