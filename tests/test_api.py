"""The public functions' vocabulary: ``(network, scenario, *, ...)`` everywhere, ``network=None``
meaning the scenario's own network, a path wherever a ``Scenario`` goes, a compiled scenario
reused as it is, and an ``InputError`` naming the argument for anything else."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import supplychain as sc
import supplychain.scenario as scenario_module

REPO = Path(__file__).resolve().parents[1]
TINY_SCENARIO = REPO / "scenarios" / "tiny-export-controls.yaml"

# Every public function taking (network, scenario), called with its cheapest options.
STEPS: dict[str, Callable[[Any, Any], Any]] = {
    "stress": lambda n, s: sc.stress(n, s),
    "compile_scenario": lambda n, s: sc.compile_scenario(n, s),
    "monte_carlo": lambda n, s: sc.monte_carlo(n, s, samples=10, seed=1),
    "chokepoints": lambda n, s: sc.chokepoints(n, s, levels=("country",)),
    "adaptive_stress": lambda n, s: sc.adaptive_stress(n, s),
    "run_scenario": lambda n, s: sc.run_scenario(n, s, analyses=False),
}


@pytest.fixture(scope="module")
def scen() -> sc.Scenario:
    return sc.read_scenario(TINY_SCENARIO)


@pytest.mark.parametrize("step", STEPS)
def test_network_none_means_the_scenarios_network(step: str, scen: sc.Scenario) -> None:
    """``network=None`` reads the network the scenario names (here the bundled ``tiny``)."""
    result = STEPS[step](None, scen)
    assert result is not None


@pytest.mark.parametrize("step", STEPS)
def test_a_path_is_accepted_where_a_scenario_goes(step: str, tiny: sc.Network) -> None:
    assert STEPS[step](tiny, TINY_SCENARIO) is not None
    assert STEPS[step](tiny, str(TINY_SCENARIO)) is not None


@pytest.mark.parametrize("step", STEPS)
def test_swapped_arguments_are_an_input_error(step: str, tiny: sc.Network, scen: sc.Scenario) -> None:
    with pytest.raises(sc.InputError, match=r"argument 'network' must be a Network or None.*look swapped"):
        STEPS[step](scen, tiny)


@pytest.mark.parametrize("step", STEPS)
def test_a_path_where_the_network_belongs_is_an_input_error(step: str, scen: sc.Scenario) -> None:
    with pytest.raises(sc.InputError, match=r"argument 'network'.*not the string 'tiny'.*sc\.read_network"):
        STEPS[step]("tiny", scen)
    with pytest.raises(sc.InputError, match=r"argument 'network'.*not the path"):
        STEPS[step](TINY_SCENARIO, scen)


@pytest.mark.parametrize("step", STEPS)
def test_a_dict_where_the_scenario_belongs_is_an_input_error(step: str, tiny: sc.Network) -> None:
    with pytest.raises(sc.InputError, match=r"argument 'scenario'.*not a dict.*Scenario\.model_validate"):
        STEPS[step](tiny, {"name": "x"})
    with pytest.raises(sc.InputError, match=r"argument 'scenario'.*not an int"):
        STEPS[step](tiny, 3)


def test_chokepoints_without_a_scenario_still_needs_a_network() -> None:
    with pytest.raises(sc.InputError, match=r"chokepoints: argument 'network' must be a Network, not a NoneType"):
        sc.chokepoints(None)


def test_a_missing_scenario_file_is_an_input_error(tiny: sc.Network, tmp_path: Path) -> None:
    with pytest.raises(sc.InputError, match="no such file"):
        sc.stress(tiny, tmp_path / "nope.yaml")


def test_a_compiled_scenario_is_reused_not_compiled_again(
    tiny: sc.Network, scen: sc.Scenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A run compiles once: ``run_scenario`` with every analysis compiles the scenario a single
    time and hands the compiled form to stress, Monte Carlo, chokepoints and adaptive stress."""
    calls: list[str] = []
    real = scenario_module.compile_rules

    def counting(network: sc.Network, scenario: sc.Scenario) -> sc.CompiledScenario:
        calls.append(scenario.name)
        return real(network, scenario)

    monkeypatch.setattr(scenario_module, "compile_rules", counting)
    sc.run_scenario(tiny, scen, samples=20, exposure=False)
    assert calls == [scen.name]
    compiled = sc.compile_scenario(tiny, scen)
    calls.clear()
    assert sc.stress(None, compiled).metric("compute_lost") == sc.stress(tiny, compiled).metric("compute_lost")
    assert calls == []
    other = tiny.replace()  # another network object: the compiled form does not apply to it
    sc.stress(other, compiled)
    assert calls == [scen.name]


def test_every_result_carries_a_status(tiny: sc.Network, scen: sc.Scenario) -> None:
    res = sc.run_scenario(tiny, scen, samples=20, exposure=False)
    assert res.status == "ok"
    assert sc.monte_carlo(tiny, scen, samples=10).status == "ok"
    assert sc.adaptive_stress(tiny, scen).status == "optimal"
    assert isinstance(sc.stress(tiny, scen).status, str)


def test_progress_takes_a_bool_or_a_callable(tiny: sc.Network, scen: sc.Scenario) -> None:
    seen: list[tuple[int, int]] = []
    sc.chokepoints(tiny, scen, progress=lambda done, total: seen.append((done, total)))
    assert seen
    assert seen[-1][0] == seen[-1][1]
    sc.monte_carlo(tiny, scen, samples=10, progress=False)
    with pytest.raises(sc.InputError, match="progress must be"):
        sc.monte_carlo(tiny, scen, samples=10, progress="yes")  # type: ignore[arg-type]


def test_package_namespace_holds_only_the_public_names() -> None:
    assert not hasattr(sc, "version")
    assert not hasattr(sc, "PackageNotFoundError")
    assert set(sc.__all__) <= set(dir(sc))


def test_optimise_takes_the_same_arguments() -> None:
    """The optimiser follows the same vocabulary: ``network=None``, a path for the scenario, and
    an ``InputError`` naming the argument for a swapped call."""
    path = Path(__file__).resolve().parent / "data" / "optimise.yaml"
    strategy = sc.optimise(None, path, frontier=False, verify=False)
    assert strategy.status == "optimal"
    network = sc.read_scenario(path).read_network()
    with pytest.raises(sc.InputError, match=r"optimise: argument 'network'.*look swapped"):
        sc.optimise(sc.read_scenario(path), network)  # type: ignore[arg-type]


def test_exposure_takes_the_same_arguments(tiny: sc.Network, scen: sc.Scenario) -> None:
    """``exposure(network, scenario=None, *, facilities=...)``: the scenario's network when
    ``network`` is None; facility ids go by keyword, so a list in the scenario's place is an
    ``InputError`` naming the argument."""
    by_none = sc.exposure(None, scen, facilities=["asml"])
    by_net = sc.exposure(tiny, TINY_SCENARIO, facilities=["asml"])
    assert by_none.equals(by_net)
    with pytest.raises(sc.InputError, match=r"exposure: argument 'scenario'.*not a list"):
        sc.exposure(tiny, ["asml"])  # type: ignore[arg-type]
    with pytest.raises(sc.InputError, match=r"exposure: argument 'network' must be a Network, not a NoneType"):
        sc.exposure(None)
