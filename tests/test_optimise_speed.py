"""The verification's and the frontier's shortcuts (docs/model.md §5, ``verify._Evaluation``)
against the plain loop that solves every sample of every plan on the whole second-stage LP.

**The servers network** (``servers``): three US server makers (srv_us, srv_us2, srv_us3) serve
four compute centres, two of them the members' (dc_in, IND; dc_br, BRA), two not (dc_de, DEU;
dc_jp, JPN); dc_de also buys from a German maker (srv_de) that serves no member, outside the
members' cone. A US control covers every server edge into the four, in force with probability
0.6, each licence granted with probability 0.5 (so the samples differ edge by edge), and srv_mx
(MEX, outside reach) can be qualified or certified. Every plan's members' and world's losses,
over every sample, must be the plain loop's; the shortcuts must have skipped solves; and
``optimise`` must give the same strategy, frontier and figures either way.
"""

from __future__ import annotations

import itertools
from typing import Any

import builders
import numpy as np
import pandas as pd
import pytest

import supplychain as sc
from supplychain.optimise import _instance, optimise
from supplychain.optimise import verify as verify_module
from supplychain.optimise.instance import _all_samples
from supplychain.optimise.recourse import _lp_solver
from supplychain.optimise.verify import _Evaluation
from supplychain.solvers import available_solvers

pytestmark = pytest.mark.skipif("highs" not in available_solvers(), reason="the shortcuts need HiGHS")

CENTRES = {"dc_in": ("IND", 50), "dc_br": ("BRA", 20), "dc_de": ("DEU", 100), "dc_jp": ("JPN", 40)}
MAKERS = {"srv_us": 120, "srv_us2": 70, "srv_us3": 65}


@pytest.fixture(scope="module")
def servers() -> sc.Network:
    facilities = [builders.facility(m, "USA", "server", kind="osat", capacity=c) for m, c in MAKERS.items()]
    facilities += [
        builders.facility("srv_mx", "MEX", "server", kind="osat", capacity=60),
        builders.facility("srv_de", "DEU", "server", kind="osat", capacity=40),
    ]
    facilities += [
        builders.facility(dc, country, "compute", kind="compute", company=f"cloud_{dc}", capacity=capacity)
        for dc, (country, capacity) in CENTRES.items()
    ]
    recipes = [builders.recipe(dc, "server", quantity=1.0) for dc in CENTRES]
    supplies = [builders.supply(m, dc, "server", share=1 / 3) for dc in CENTRES for m in MAKERS]
    supplies = [dict(s, share=0.25) if s["buyer"] == "dc_de" else s for s in supplies]
    supplies.append(builders.supply("srv_de", "dc_de", "server", share=0.25))
    net = builders.network(facilities, recipes, supplies)
    return net.replace(
        candidates=pd.DataFrame(
            [
                {"supplier": "srv_mx", "buyer": "dc_de", "item": "server", "cost": 3, "lead_weeks": 0, "max_share": 1},
                {
                    "supplier": "srv_mx",
                    "buyer": "dc_in",
                    "item": "server",
                    "cost": 5,
                    "lead_weeks": 4,
                    "max_share": 0.5,
                },
            ]
        ),
        certifications=pd.DataFrame(
            [{"supplier": "srv_mx", "item": "server", "cost": 4, "lead_weeks": 26, "max_share": 1}]
        ),
    )


def servers_scenario(**block: Any) -> sc.Scenario:
    control = {
        "name": "us-servers",
        "issuer": "USA",
        "items": ["server"],
        "destinations": ["IND", "BRA", "DEU", "JPN"],
        "probability": 0.6,
        "licence_approval": 0.5,
    }
    return sc.Scenario.model_validate(
        {
            "name": "servers-mc",
            "horizon_weeks": 52,
            "controls": [control],
            "monte_carlo": {"samples": 300, "seed": 11},
            "optimise": {"consortium": {"name": "c", "members": ["IND", "BRA"]}, **block},
        }
    )


def test_shortcuts_give_the_plain_loop_losses(servers: sc.Network) -> None:
    inst = _instance(servers, servers_scenario(budget=12))
    full = _all_samples(inst, None, None)
    assert full.k > 20  # licences differ edge by edge: many distinct samples
    fast = _Evaluation(inst, full, _lp_solver(None))
    plain = _Evaluation(inst, full, _lp_solver(None), shortcuts=False)
    rest = np.zeros(inst.n_plan - inst.n_binary)
    plans = [
        inst.complete(np.concatenate([bits, rest])) for bits in itertools.product([0.0, 1.0], repeat=inst.n_binary)
    ]
    for plan in [plans[0], *plans[::-1]]:  # doing nothing first, as the verification does
        for name in ("members", "world"):
            got, expected = getattr(fast, name)(plan), getattr(plain, name)(plan)
            assert got == pytest.approx(expected, rel=1e-9, abs=1e-9), (name, plan)
    assert fast.solves < plain.solves / 2
    # the members' LP is cut to their cone: srv_de (serving only dc_de) and dc_de, dc_jp are out
    cone = fast._cones["members"]
    assert cone.facilities == len(MAKERS) + 1 + 2  # the US makers, srv_mx, dc_in, dc_br


@pytest.mark.parametrize("name", ["members", "world"])
def test_prefetch_gives_the_plain_loop_losses(servers: sc.Network, name: str) -> None:
    """Every plan at once, sample by sample (``_Evaluation.prefetch``, what the frontier does
    with its plans and the before/after): each plan's losses are the plain loop's, duplicates
    and doing nothing among them, and fewer LPs than one per plan and sample are solved."""
    inst = _instance(servers, servers_scenario(budget=12))
    full = _all_samples(inst, None, None)
    fast = _Evaluation(inst, full, _lp_solver(None))
    plain = _Evaluation(inst, full, _lp_solver(None), shortcuts=False)
    rest = np.zeros(inst.n_plan - inst.n_binary)
    plans = [
        inst.complete(np.concatenate([bits, rest])) for bits in itertools.product([0.0, 1.0], repeat=inst.n_binary)
    ]
    fast.prefetch(name, [*plans[::-1], plans[-1], plans[0]])
    solves = fast.solves
    assert 0 < solves < len(plans) * full.k
    for plan in plans:
        got, expected = getattr(fast, name)(plan), getattr(plain, name)(plan)
        assert got == pytest.approx(expected, rel=1e-9, abs=1e-9), plan
    assert fast.solves == solves  # every plan was memoised by the prefetch


def test_optimise_is_the_same_with_and_without_shortcuts(servers: sc.Network, monkeypatch: pytest.MonkeyPatch) -> None:
    scen = servers_scenario(budget=9, budgets=[0, 3, 5, 9, 12])
    fast = optimise(servers, scen, k=3)
    monkeypatch.setattr(verify_module, "SHORTCUTS", False)
    plain = optimise(servers, scen, k=3)
    np.testing.assert_array_equal(fast.plan, plain.plan)
    pd.testing.assert_frame_equal(fast.actions, plain.actions, rtol=1e-9)
    pd.testing.assert_frame_equal(fast.frontier, plain.frontier, rtol=1e-9)
    for key, value in plain.verification.items():
        assert fast.verification[key] == pytest.approx(value, rel=1e-9, abs=1e-9), key
    np.testing.assert_allclose(fast.availability_after, plain.availability_after, rtol=0, atol=1e-9)


def test_world_before_given_from_elsewhere(servers: sc.Network) -> None:
    """``optimise(world_before=...)`` (run_scenario's background process computes it): the same
    strategy and figures as computing it here, the provider asked once; losses of the wrong
    length are refused."""
    scen = servers_scenario(budget=9)
    here = optimise(servers, scen, k=3)
    calls: list[int] = []

    def provider() -> np.ndarray:
        calls.append(1)
        return verify_module.world_before(servers, scen)

    there = optimise(servers, scen, k=3, world_before=provider)
    assert calls == [1]
    np.testing.assert_array_equal(here.plan, there.plan)
    pd.testing.assert_frame_equal(here.frontier, there.frontier, check_exact=True)
    assert here.verification == there.verification
    with pytest.raises(ValueError, match="world_before gave"):
        optimise(servers, scen, k=3, world_before=lambda: np.zeros(2))


def test_shortcuts_are_reproducible(servers: sc.Network) -> None:
    scen = servers_scenario(budget=9)
    first, second = optimise(servers, scen, k=3), optimise(servers, scen, k=3)
    pd.testing.assert_frame_equal(first.frontier, second.frontier, check_exact=True)
    assert first.verification == second.verification
