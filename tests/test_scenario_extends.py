"""Scenarios as a library: bundled scenarios by name, and ``extends:`` (docs/model.md §2).

The tiny example (scenarios/tiny-export-controls.yaml) has two controls, nl-litho (EUV to
China denied) and us-chips (chips to China licensed at 0.2), and the disruption
sand-us-outage. A child that removes the outage and licenses us-chips at 0.5 instead gives,
by hand (docs/model.md's worked example): fab_tw 1 (no outage), fab_cn 0.25 (nl-litho and its
13 weeks of stock), dc_cn = 0.6 · 0.5 · 1 + 0.4 · 0.5 · 0.25 = 0.35.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import supplychain as sc
from supplychain.errors import InputError
from supplychain.scenario import bundled_scenarios


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_bundled_scenarios_are_read_by_name() -> None:
    names = bundled_scenarios()
    assert "us-2023-10-update" in names
    assert "tiny-export-controls" in names
    by_name = sc.read_scenario("tiny-export-controls")
    by_path = sc.read_scenario(Path(__file__).resolve().parent.parent / "scenarios" / "tiny-export-controls.yaml")
    assert by_name.model_dump() == by_path.model_dump()
    assert by_name.sha256 == by_path.sha256


def test_an_unknown_name_suggests_the_nearest_bundled_scenario() -> None:
    with pytest.raises(InputError, match="did you mean 'us-2023-10-update'"):
        sc.read_scenario("us-2023-10-updat")


def test_a_child_inherits_overrides_and_removes_by_name(tmp_path: Path) -> None:
    child = write(
        tmp_path,
        "child.yaml",
        "name: child\nextends: tiny-export-controls\nremove: [sand-us-outage]\n"
        "controls:\n  - name: us-chips\n    licence_approval: 0.5\n",
    )
    scen = sc.read_scenario(child)
    assert [c.name for c in scen.controls] == ["nl-litho", "us-chips"]  # the parent's order kept
    us_chips = scen.controls[1]
    assert us_chips.licence_approval == 0.5
    assert us_chips.reach.foreign_direct_product  # keys the child does not write are the parent's
    assert scen.disruptions == []
    assert (scen.network, scen.horizon_weeks, scen.extends) == ("tiny", 52, None)
    alpha = sc.stress(None, scen).facilities["availability"]
    assert alpha["fab_tw"] == pytest.approx(1.0)
    assert alpha["fab_cn"] == pytest.approx(0.25)
    assert alpha["dc_cn"] == pytest.approx(0.35)


def test_settings_written_in_the_child_replace_the_parents(tmp_path: Path) -> None:
    write(tmp_path, "base.yaml", "name: base\nnetwork: tiny\nhorizon_weeks: 26\ntimeline: true\n")
    child = write(tmp_path, "child.yaml", "name: child\nextends: base.yaml\nhorizon_weeks: 13\n")
    scen = sc.read_scenario(child)
    assert (scen.name, scen.horizon_weeks, scen.timeline) == ("child", 13, True)


def test_a_relative_network_is_read_beside_the_parent(tmp_path: Path) -> None:
    (tmp_path / "lib").mkdir()
    tiny = Path(sc.__file__).parent / "data" / "tiny" / "network.yaml"
    (tmp_path / "lib" / "net.yaml").write_bytes(tiny.read_bytes())
    write(tmp_path / "lib", "base.yaml", "name: base\nnetwork: net.yaml\n")
    child = write(tmp_path, "child.yaml", "name: child\nextends: lib/base.yaml\n")
    assert sc.read_scenario(child).read_network().facilities["id"].tolist()[:2] == ["sand_cn", "sand_us"]


def test_chains_merge_parents_first_and_hash_every_file(tmp_path: Path) -> None:
    write(
        tmp_path,
        "a.yaml",
        "name: a\nnetwork: tiny\ncontrols:\n  - {name: c1, issuer: NLD, items: [euv], destinations: [CHN]}\n",
    )
    b = write(
        tmp_path,
        "b.yaml",
        "name: b\nextends: a.yaml\ncontrols:\n  - {name: c2, issuer: USA, items: [chip], destinations: [CHN]}\n",
    )
    c = write(tmp_path, "c.yaml", "name: c\nextends: b.yaml\nremove: [c1]\n")
    scen = sc.read_scenario(c)
    assert [x.name for x in scen.controls] == ["c2"]
    before = scen.sha256
    b.write_text(b.read_text() + "description: edited\n")
    assert sc.read_scenario(c).sha256 != before  # a parent's edit changes the run's scenario hash


def test_cycles_unknown_parents_and_unknown_removals_are_errors_naming_the_line(tmp_path: Path) -> None:
    write(tmp_path, "x.yaml", "name: x\nextends: y.yaml\n")
    write(tmp_path, "y.yaml", "name: y\nextends: x.yaml\n")
    with pytest.raises(
        InputError,
        match=r"y.yaml line 2: extends: a scenario cannot extend itself, directly or not "
        r"\(.*x.yaml -> .*y.yaml -> .*x.yaml\)",
    ):
        sc.read_scenario(tmp_path / "x.yaml")
    bad = write(tmp_path, "bad.yaml", "name: bad\nextends: tiny-export-control\n")
    with pytest.raises(InputError, match=r"bad.yaml line 2: extends: .*did you mean 'tiny-export-controls'"):
        sc.read_scenario(bad)
    rm = write(tmp_path, "rm.yaml", "name: rm\nextends: tiny-export-controls\nremove: [nl-lith]\n")
    with pytest.raises(InputError, match=r"rm.yaml line 3: remove\[0\]: 'nl-lith' .*did you mean 'nl-litho'"):
        sc.read_scenario(rm)
    alone = write(tmp_path, "alone.yaml", "name: alone\nnetwork: tiny\nremove: [x]\n")
    with pytest.raises(InputError, match=r"alone.yaml line 3: remove: .*extends none"):
        sc.read_scenario(alone)


def test_an_error_in_an_inherited_key_names_the_file_that_wrote_it(tmp_path: Path) -> None:
    write(tmp_path, "base.yaml", "name: base\nnetwork: tiny\nhorizon_weeks: 4\n")
    child = write(
        tmp_path,
        "child.yaml",
        "name: child\nextends: base.yaml\ndisruptions:\n  - {facilities: [fab_tw], start_week: 6}\n",
    )
    with pytest.raises(InputError) as info:
        sc.read_scenario(child)
    assert "child.yaml line 4: disruptions[0].start_week" in str(info.value)
    child.write_text(
        "name: child\nextends: base.yaml\ncontrols:\n  - {name: c, issuer: NLD, items: [euv], destinatons: [CHN]}\n"
    )
    with pytest.raises(InputError, match=r"child.yaml line 4: controls\[0\].destinatons: unknown key"):
        sc.read_scenario(child)


def test_a_parents_own_error_names_the_parent(tmp_path: Path) -> None:
    write(tmp_path, "base.yaml", "name: base\nnetwork: tiny\nhorizon_weeks: -1\n")
    child = write(tmp_path, "child.yaml", "name: child\nextends: base.yaml\n")
    with pytest.raises(InputError, match=r"base.yaml line 3: horizon_weeks"):
        sc.read_scenario(child)


def test_model_validate_resolves_extends_and_round_trips() -> None:
    scen = sc.Scenario.model_validate({"name": "x", "extends": "tiny-export-controls", "remove": ["nl-litho"]})
    assert [c.name for c in scen.controls] == ["us-chips"]
    again = sc.Scenario.model_validate(scen.model_dump(by_alias=True))  # merged once: extends is spent
    assert again.model_dump() == scen.model_dump()


# ---- from: one entry taken from another scenario ------------------------------------------------


def test_an_entry_from_another_scenario_is_taken_whole_and_overridden(tmp_path: Path) -> None:
    """us-chips from tiny-export-controls (chips to China, licensed at 0.2, foreign-direct-product
    reach), licensed here at 0.5; nl-litho taken as it is. With the 13 weeks of EUV stock:
    dc_cn = 0.6 · 0.5 · 1 + 0.4 · 0.5 · 0.25 = 0.35 (the module docstring's child, no outage)."""
    path = write(
        tmp_path,
        "mine.yaml",
        "name: mine\nnetwork: tiny\ncontrols:\n"
        "  - {name: nl-litho, from: tiny-export-controls}\n"
        "  - name: us-chips\n    from: tiny-export-controls\n    licence_approval: 0.5\n",
    )
    scen = sc.read_scenario(path)
    source = {c.name: c for c in sc.read_scenario("tiny-export-controls").controls}
    assert scen.controls[0] == source["nl-litho"]
    assert scen.controls[1] == source["us-chips"].model_copy(update={"licence_approval": 0.5})
    assert sc.stress(None, scen).facilities.loc["dc_cn", "availability"] == pytest.approx(0.35, abs=1e-12)
    assert len(scen._files) == 2  # the hash covers the file borrowed from
    assert sc.Scenario.model_validate(
        {"name": "m", "network": "tiny", "controls": [{"name": "us-chips", "from": "tiny-export-controls"}]}
    ).controls == [source["us-chips"]]


def test_from_errors_name_the_line_and_what_is_there(tmp_path: Path) -> None:
    path = write(tmp_path, "mine.yaml", "name: mine\ncontrols:\n  - {name: us-chip, from: tiny-export-controls}\n")
    with pytest.raises(InputError) as info:
        sc.read_scenario(path)
    text = str(info.value)
    assert "mine.yaml line 3: controls[0].from: tiny-export-controls has no control named 'us-chip'" in text
    assert "did you mean 'us-chips'" in text
    assert "unknown key 'from'" not in text  # no noise from validation
    path.write_text("name: mine\ncontrols:\n  - {name: us-chips, from: no-such-scenario}\n")
    with pytest.raises(InputError, match=r"line 3: controls\[0\]\.from: no such file or bundled scenario"):
        sc.read_scenario(path)
    path.write_text("name: mine\ncontrols:\n  - {name: x, from: mine.yaml}\n")
    with pytest.raises(InputError, match=r"controls\[0\]\.from: mine.yaml is this file or extends it"):
        sc.read_scenario(path)


def test_an_error_in_a_borrowed_key_names_the_file_that_wrote_it(tmp_path: Path) -> None:
    write(tmp_path, "rules.yaml", "name: rules\ncontrols:\n  - name: c\n    issuer: NLD\n    licence_approval: 2\n")
    path = write(tmp_path, "mine.yaml", "name: mine\ncontrols:\n  - {name: c, from: rules.yaml}\n")
    with pytest.raises(InputError, match=r"rules.yaml line 5: controls\[0\]\.licence_approval"):
        sc.read_scenario(path)


def test_the_library_writes_each_control_once() -> None:
    """A control is written in full in one bundled file; the others take it with ``from:``, or
    inherit it with ``extends:`` (an entry naming a parent's control there changes it)."""
    import yaml

    from supplychain.scenario import SCENARIO_DIR

    written: dict[str, list[str]] = {}
    for path in sorted(SCENARIO_DIR.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        parents = {c.name for c in sc.read_scenario(data["extends"]).controls} if "extends" in data else set()
        for entry in data.get("controls") or []:
            if "from" not in entry and entry["name"] not in parents:
                written.setdefault(entry["name"], []).append(path.stem)
    assert {name: files for name, files in written.items() if len(files) > 1} == {}
