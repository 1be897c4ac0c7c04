"""Scenario reduction for the optimiser (supplychain/optimise/reduction.py).

What is checked, and against what:

- **Worked CVaR examples.** ``weighted_cvar`` on discrete distributions worked by hand
  (losses 0, 10, 20, 30 with probabilities 0.4, 0.3, 0.2, 0.1 at α = 0.8: the worst 20 % of
  mass is 0.1 at 30 and 0.1 at 20, CVaR 25), and equal to ``mcstats.distribution``'s CVaR
  for equal weights.
- **Features against two engines.** The per-sample total loss equals the lost final-output
  value from ``stress.propagate`` on the dense samples (naive, all at once), and the lost
  compute capacity of the cone-based ``monte_carlo()`` (on the tiny network compute is the
  only final output and is worth 1 per unit).
- **Representatives are samples.** Every kept scenario's factors are exactly
  ``MonteCarloModel.dense`` of its block row; weights are positive and sum to 1; the result
  is deterministic.
- **Exactness when nothing is dropped.** k ≥ distinct draws keeps every draw with the share
  of samples that drew it (checked by brute force on dense rows), so the expected loss and
  CVaR of the reduced set equal the full ones.
- **Fidelity.** ``MC_TINY`` (the hand-worked mc.yaml: only 4 distinct draws) is reproduced
  exactly at k = 10; ``RICH_TINY`` (193 distinct draws) within 5 % in expected loss at k = 10.
- **Fast forward selection** equals the textbook (non-lazy) greedy of Heitsch & Römisch on
  random point sets; weights are the mass of the samples nearest each representative.
- **Deterministic scenarios** give one scenario with the static factors; bounded memory
  (no samples × edges array) on the bundled network.
"""

from __future__ import annotations

import textwrap
import tracemalloc
from pathlib import Path

import numpy as np
import pytest
import yaml

import supplychain as sc
from supplychain.errors import InputError
from supplychain.mcstats import distribution
from supplychain.montecarlo import BLOCK, MonteCarloModel, monte_carlo
from supplychain.optimise.reduction import ScenarioSet, fast_forward_selection, reduce_scenarios, weighted_cvar
from supplychain.stress import propagate

REPO = Path(__file__).resolve().parents[1]

MC_TINY = """\
    # the tiny Monte Carlo scenario (tests/data/tiny-mc.yaml), without its network (passed explicitly)
    name: tiny-mc
    horizon_weeks: 52
    controls:
      - {name: nl-litho, issuer: NLD, items: [euv], destinations: [CHN], licence_approval: 0, probability: 0.5}
      - name: us-chips
        issuer: USA
        items: ["eccn:3A090*"]
        destinations: [CHN]
        reach: {foreign_direct_product: true}
        licence_approval: 0.2
        probability: 0.5
    disruptions:
      - {facilities: [sand_us], capacity_factor: 0.5, weeks: 26}
    monte_carlo: {samples: 2000, seed: 11}
    """

RICH_TINY = """\
    # mc.yaml's probabilities plus a random tool control and five random shocks: 193 distinct
    # draws and 73 distinct loss profiles in 3 000 samples
    name: tiny-rich-mc
    horizon_weeks: 52
    controls:
      - {name: nl-litho, issuer: NLD, items: [euv], destinations: [CHN], licence_approval: 0, probability: 0.5}
      - name: us-chips
        issuer: USA
        items: ["eccn:3A090*"]
        destinations: [CHN]
        reach: {foreign_direct_product: true}
        licence_approval: 0.2
        probability: 0.5
      - {name: us-tools, issuer: USA, items: ["eccn:3B001*"], destinations: [CHN], licence_approval: 0.3,
         probability: 0.4}
    disruptions:
      - {facilities: [sand_us], capacity_factor: 0.5, weeks: 26}
      - {name: quake, facilities: [fab_tw], capacity_factor: 0.2, weeks: 10, probability: 0.15}
      - {name: fire, facilities: [fab_cn], capacity_factor: 0.0, weeks: 6, probability: 0.2}
      - {name: flood, facilities: [sand_cn], capacity_factor: 0.3, weeks: 20, probability: 0.25}
      - {name: outage, facilities: [dc_us], capacity_factor: 0.5, weeks: 4, probability: 0.3}
      - {name: strike, facilities: [amat], capacity_factor: 0.6, weeks: 15, probability: 0.1}
    monte_carlo: {samples: 3000, seed: 5, cvar_alpha: 0.9}
    """

STATIC_TINY = """\
    name: tiny-static
    horizon_weeks: 52
    controls:
      - {name: nl-litho, issuer: NLD, items: [euv], destinations: [CHN], licence_approval: 0}
      - name: us-chips
        issuer: USA
        items: ["eccn:3A090*"]
        destinations: [CHN]
        reach: {foreign_direct_product: true}
        licence_approval: 0.2
    disruptions:
      - {facilities: [sand_us], capacity_factor: 0.5, weeks: 26}
    """


def _scenario(text: str) -> sc.Scenario:
    return sc.Scenario.model_validate(yaml.safe_load(textwrap.dedent(text)))


@pytest.fixture(scope="module")
def rich(tiny: sc.Network) -> tuple[sc.Scenario, ScenarioSet]:
    scenario = _scenario(RICH_TINY)
    return scenario, reduce_scenarios(tiny, scenario, k=10)


def _dense_all(network: sc.Network, scenario: sc.Scenario, samples: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Every sample's dense factors (samples × E, samples × N): the naive reference."""
    model = MonteCarloModel(network, scenario)
    edges, owns = [], []
    for block in range(-(-samples // BLOCK)):
        size = min(BLOCK, samples - block * BLOCK)
        edge, own = model.dense(model.draw(seed, block), size)
        edges.append(edge)
        owns.append(own)
    return np.concatenate(edges), np.concatenate(owns)


def _final_loss(network: sc.Network, scenario: sc.Scenario, edge: np.ndarray, own: np.ndarray) -> np.ndarray:
    """Σ over final outputs of value · capacity · (1 − α), per sample (value per week)."""
    arr = network.arrays
    alpha, _ = propagate(arr.plan, edge, own, sc.compile_scenario(network, scenario).stock_term)
    return ((1 - alpha) * (arr.value * arr.capacity * arr.is_final)).sum(axis=1)


# -- weighted CVaR ------------------------------------------------------------------------------


def test_weighted_cvar_worked_example() -> None:
    """Worst 20 % of mass: 0.1 at 30 and 0.1 at 20 (of the 0.2 at 20) -> (3 + 2) / 0.2 = 25."""
    losses, weights = np.array([0.0, 10, 20, 30]), np.array([0.4, 0.3, 0.2, 0.1])
    assert weighted_cvar(losses, weights, 0.8) == pytest.approx(25.0, abs=1e-12)
    # unnormalised weights and any order give the same
    assert weighted_cvar(losses[::-1], 10 * weights[::-1], 0.8) == pytest.approx(25.0, abs=1e-12)
    # α = 0.5: worst half is 0.1 at 30, 0.2 at 20, 0.2 of the 0.3 at 10 -> (3 + 4 + 2) / 0.5 = 18
    assert weighted_cvar(losses, weights, 0.5) == pytest.approx(18.0, abs=1e-12)


def test_weighted_cvar_splits_the_var_atom() -> None:
    """Losses 0 (p 0.95), 10 (p 0.05) at α = 0.9: the worst 10 % is 0.05 at 10 and 0.05 at 0 -> 5."""
    assert weighted_cvar(np.array([0.0, 10.0]), np.array([0.95, 0.05]), 0.9) == pytest.approx(5.0, abs=1e-12)
    # a single atom: CVaR is the loss itself
    assert weighted_cvar(np.array([7.0]), np.array([1.0]), 0.95) == pytest.approx(7.0)


def test_weighted_cvar_equal_weights_is_distribution_cvar() -> None:
    rng = np.random.default_rng(3)
    for n, alpha in [(10, 0.8), (97, 0.95), (1000, 0.9), (4, 0.5)]:
        losses = np.round(rng.exponential(10, n), 1)  # rounding makes ties
        expected = distribution(losses, alpha)["cvar"]
        assert weighted_cvar(losses, np.ones(n), alpha) == pytest.approx(expected, rel=1e-12)


def test_weighted_cvar_rejects_bad_input() -> None:
    with pytest.raises(InputError, match="as many weights"):
        weighted_cvar(np.array([1.0, 2.0]), np.array([1.0]), 0.9)
    with pytest.raises(InputError, match="cvar_alpha"):
        weighted_cvar(np.array([1.0]), np.array([1.0]), 1.0)
    with pytest.raises(InputError, match="non-negative"):
        weighted_cvar(np.array([1.0, 2.0]), np.array([1.0, -1.0]), 0.9)


# -- reduction ----------------------------------------------------------------------------------


def test_features_match_propagate_and_the_monte_carlo_engine(tiny: sc.Network) -> None:
    scenario = _scenario(RICH_TINY)
    samples, seed = 700, 5
    reduced = reduce_scenarios(tiny, scenario, samples=samples, seed=seed, k=5)
    edge, own = _dense_all(tiny, scenario, samples, seed)
    np.testing.assert_allclose(reduced.full_losses, _final_loss(tiny, scenario, edge, own), rtol=0, atol=1e-9)
    # on tiny the final outputs are the compute centres, worth 1 per unit of capacity
    mc = monte_carlo(tiny, scenario, samples=samples, seed=seed)
    compute = [g for g, (_, kind) in enumerate(mc.groups) if kind == "compute"]
    np.testing.assert_allclose(reduced.full_losses, mc.losses[:, compute].sum(axis=1), rtol=0, atol=1e-9)
    assert reduced.countries == ("CHN", "USA")
    np.testing.assert_allclose(reduced.loss_profile.sum(axis=1), reduced.full_losses[reduced.sample_index])


def test_representatives_are_samples_with_their_dense_rows(
    tiny: sc.Network, rich: tuple[sc.Scenario, ScenarioSet]
) -> None:
    scenario, reduced = rich
    assert reduced.k == 10
    assert reduced.fidelity["method"] == "fast forward selection"
    assert len(set(reduced.sample_index.tolist())) == reduced.k
    model = MonteCarloModel(tiny, scenario)
    for j, i in enumerate(reduced.sample_index.tolist()):
        assert 0 <= i < reduced.samples
        edge, own = model.dense(model.draw(reduced.seed, i // BLOCK), BLOCK)
        np.testing.assert_array_equal(reduced.edge_factor[j], edge[i % BLOCK])
        np.testing.assert_array_equal(reduced.own_factor[j], own[i % BLOCK])
        draw = model.draw(reduced.seed, i // BLOCK)
        np.testing.assert_array_equal(reduced.control_active[j], draw.control_active[i % BLOCK])
        np.testing.assert_array_equal(reduced.disruption_active[j], draw.disruption_active[i % BLOCK])
    assert reduced.edge_factor.shape == (10, tiny.arrays.n_edges)
    assert reduced.own_factor.shape == (10, tiny.arrays.n_facilities)


def test_weights_positive_and_sum_to_one(rich: tuple[sc.Scenario, ScenarioSet]) -> None:
    _, reduced = rich
    assert np.all(reduced.weight > 0)
    assert reduced.weight.sum() == pytest.approx(1.0, abs=1e-12)


def test_weights_are_the_mass_nearest_each_representative(rich: tuple[sc.Scenario, ScenarioSet]) -> None:
    """Brute force over the samples: each goes to the representative with the nearest loss
    profile (the fixture has no ties between representatives)."""
    scenario, reduced = rich
    tiny = sc.read_network("tiny")
    edge, own = _dense_all(tiny, scenario, reduced.samples, reduced.seed)
    arr = tiny.arrays
    alpha, _ = propagate(arr.plan, edge, own, sc.compile_scenario(tiny, scenario).stock_term)
    lost = (1 - alpha) * arr.value * arr.capacity
    country = np.asarray(arr.countries, dtype=object)[arr.country]
    profile = np.stack([lost[:, arr.is_final & (country == c)].sum(axis=1) for c in reduced.countries], axis=1)
    distance = np.linalg.norm(profile[:, None, :] - reduced.loss_profile[None, :, :], axis=2)
    ordered = np.sort(distance, axis=1)
    assert np.all(ordered[:, 1] - ordered[:, 0] > 1e-9)
    mass = np.bincount(np.argmin(distance, axis=1), minlength=reduced.k) / reduced.samples
    np.testing.assert_allclose(reduced.weight, mass, rtol=0, atol=1e-12)


def test_deterministic(tiny: sc.Network, rich: tuple[sc.Scenario, ScenarioSet]) -> None:
    scenario, first = rich
    again = reduce_scenarios(tiny, scenario, k=10)
    for name in ("edge_factor", "own_factor", "weight", "sample_index", "full_losses", "loss_profile"):
        np.testing.assert_array_equal(getattr(first, name), getattr(again, name))
    assert first.fidelity == again.fidelity


def test_reduced_expected_loss_within_a_few_percent(rich: tuple[sc.Scenario, ScenarioSet]) -> None:
    _, reduced = rich
    f = reduced.fidelity
    assert f["distinct_samples"] > 100  # a real reduction, not "keep them all"
    assert f["relative_error_expected"] < 0.05
    assert f["relative_error_expected"] == pytest.approx(
        abs(f["expected_loss_reduced"] - f["expected_loss_full"]) / f["expected_loss_full"]
    )
    assert f["expected_loss_full"] == pytest.approx(reduced.full_losses.mean())
    assert f["cvar_full"] == pytest.approx(distribution(reduced.full_losses, 0.9)["cvar"])
    assert f["cvar_alpha"] == 0.9  # from the scenario's monte_carlo block
    assert f["k"] == 10
    assert f["samples"] == 3000


def test_more_scenarios_fit_better(tiny: sc.Network) -> None:
    """The Kantorovich distance FFS minimises shrinks with k; on this case so do both errors."""
    scenario = _scenario(RICH_TINY)
    errors = [reduce_scenarios(tiny, scenario, k=k).fidelity for k in (5, 40)]
    assert errors[1]["relative_error_expected"] < errors[0]["relative_error_expected"]
    assert errors[1]["relative_error_cvar"] < errors[0]["relative_error_cvar"]


def test_hand_worked_mc_kept_whole(tiny: sc.Network) -> None:
    """mc.yaml draws only 4 distinct states (each control in force or not; the licence of the
    one covered chip edge is the only other randomness, and only matters with us-chips in
    force): k = 10 keeps them all, exactly."""
    reduced = reduce_scenarios(tiny, _scenario(MC_TINY), k=10)
    f = reduced.fidelity
    assert f["method"] == "all distinct samples"
    assert reduced.k == f["distinct_samples"] < 10
    assert f["expected_loss_reduced"] == pytest.approx(f["expected_loss_full"], rel=1e-12)
    assert f["cvar_reduced"] == pytest.approx(f["cvar_full"], rel=1e-12)


def test_k_equal_samples_reproduces_the_full_distribution(tiny: sc.Network) -> None:
    """Every distinct draw kept, with the share of the samples that drew it (brute force over
    dense rows), so the reduced distribution is the full one."""
    scenario = _scenario(RICH_TINY)
    samples, seed = 600, 9
    reduced = reduce_scenarios(tiny, scenario, samples=samples, seed=seed, k=samples, cvar_alpha=0.8)
    f = reduced.fidelity
    assert f["method"] == "all distinct samples"
    assert f["expected_loss_reduced"] == pytest.approx(f["expected_loss_full"], rel=1e-12)
    assert f["cvar_reduced"] == pytest.approx(f["cvar_full"], rel=1e-12)
    assert f["relative_error_expected"] < 1e-12
    assert f["relative_error_cvar"] < 1e-12

    edge, own = _dense_all(tiny, scenario, samples, seed)
    rows, first, counts = np.unique(np.hstack([edge, own]), axis=0, return_index=True, return_counts=True)
    assert reduced.k == len(rows)
    order = np.argsort(first)
    np.testing.assert_array_equal(reduced.sample_index, first[order])
    np.testing.assert_allclose(reduced.weight, counts[order] / samples, rtol=0, atol=1e-15)


def test_fast_forward_selection_is_the_textbook_greedy() -> None:
    """The lazy evaluation selects what recomputing every score each step selects
    (Heitsch & Römisch 2003, algorithm 2.4), on random points with repeated coordinates."""

    def textbook(points: np.ndarray, p: np.ndarray, k: int) -> list[int]:
        d = np.linalg.norm(points[:, None, :] - points[None, :, :], axis=2)
        nearest, chosen = np.full(len(points), np.inf), []
        for _ in range(k):
            score = (np.minimum(d, nearest[None, :]) * p[None, :]).sum(axis=1)
            score[chosen] = np.inf
            u = int(np.argmin(score))
            chosen.append(u)
            nearest = np.minimum(nearest, d[u])
        return chosen

    rng = np.random.default_rng(7)
    for trial in range(25):
        points = np.unique(rng.integers(0, 6, size=(150, 1 + trial % 4)).astype(float), axis=0)
        p = rng.random(len(points))
        p /= p.sum()
        k = min(len(points), 12)
        assert fast_forward_selection(points, p, k).tolist() == textbook(points, p, k)


def test_deterministic_scenario_gives_one_scenario(tiny: sc.Network) -> None:
    scenario = _scenario(STATIC_TINY)
    reduced = reduce_scenarios(tiny, scenario, k=20)
    compiled = sc.compile_scenario(tiny, scenario)
    assert reduced.k == 1
    np.testing.assert_array_equal(reduced.weight, [1.0])
    np.testing.assert_array_equal(reduced.edge_factor[0], compiled.edge_factor()[0])
    np.testing.assert_array_equal(reduced.own_factor[0], compiled.own_factor()[0])
    assert reduced.fidelity["method"] == "deterministic"
    assert reduced.control_active.all()
    assert reduced.control_active.shape == (1, 2)
    assert reduced.disruption_active.shape == (1, 1)
    assert "deterministic" in repr(reduced)
    # the loss is the static stress's lost compute (worth 1 per unit on tiny)
    facilities = sc.stress(tiny, scenario).facilities
    lost = facilities.loc[["dc_us", "dc_cn"], "lost_capacity"].sum()
    assert reduced.full_losses.tolist() == pytest.approx([lost])
    assert reduced.fidelity["expected_loss_full"] == pytest.approx(lost)
    # asking for samples turns Monte Carlo on even without a monte_carlo block
    assert reduce_scenarios(tiny, scenario, samples=300, k=20).fidelity["method"] != "deterministic"


def test_repr_and_read_only(rich: tuple[sc.Scenario, ScenarioSet]) -> None:
    _, reduced = rich
    text = repr(reduced)
    assert text.startswith("<ScenarioSet: 10 of 3000 samples (seed 5, fast forward selection)")
    assert "CVaR0.9" in text
    with pytest.raises(ValueError, match="read-only"):
        reduced.weight[0] = 1.0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"k": 0}, "k"),
        ({"k": 2.5}, "k"),
        ({"samples": 0}, "samples"),
        ({"seed": -1}, "seed"),
        ({"cvar_alpha": 1.5}, "cvar_alpha"),
    ],
)
def test_bad_arguments(tiny: sc.Network, kwargs: dict, message: str) -> None:
    with pytest.raises(InputError, match=message):
        reduce_scenarios(tiny, _scenario(MC_TINY), **kwargs)


def _peak_bytes(network: sc.Network, scenario: sc.Scenario, samples: int) -> tuple[int, ScenarioSet]:
    tracemalloc.start()
    try:
        reduced = reduce_scenarios(network, scenario, samples=samples, k=20)
        return tracemalloc.get_traced_memory()[1], reduced
    finally:
        tracemalloc.stop()


@pytest.mark.slow
def test_memory_stays_per_block() -> None:
    """On the bundled network (11 335 edges) a samples × edges float array is 91 kB per sample;
    the reduction holds a few blocks (256 × E) at a time and, per sample, a loss profile and a
    digest: its peak may grow by at most 1 kB per extra sample, and stays under 8 blocks."""
    scenario = sc.read_scenario(REPO / "scenarios" / "open-certification-consortium.yaml")
    network = scenario.read_network()
    small, _ = _peak_bytes(network, scenario, 1000)
    large, reduced = _peak_bytes(network, scenario, 4000)
    assert large - small < 3000 * 1024
    assert large < 8 * BLOCK * network.arrays.n_edges * 8
    assert reduced.k == 20
    assert reduced.fidelity["relative_error_expected"] < 0.01
