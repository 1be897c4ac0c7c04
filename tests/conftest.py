"""Fixtures shared by the test modules.

- ``tiny``: the bundled hand-checkable network, ``sc.read_network("tiny")`` (one per session:
  a Network is immutable).
- ``tiny_controls_path`` and ``tiny_controls_scenario``: the worked scenario
  ``tests/data/tiny-controls.yaml`` (on ``network: tiny``), as a path and parsed.
- ``chain``: the attribution's worked network, ``builders.chain_network()`` (src_a JPN 60 % and
  src_b CHN 40 % of a Korean fab's m; the fab feeds a Korean compute centre).
- ``solver``: each LP solver by name, "highs" and "cbc"; a solver that is not installed here
  is skipped, not silently dropped.

Table builders and other plain helpers are in ``builders.py``.
"""

from __future__ import annotations

from pathlib import Path

import builders
import pytest

import supplychain as sc

SOLVERS = ("highs", "cbc")


@pytest.fixture(scope="session")
def tiny() -> sc.Network:
    return sc.read_network("tiny")


@pytest.fixture(scope="session")
def tiny_controls_path() -> Path:
    return builders.TINY_CONTROLS


@pytest.fixture(scope="session")
def tiny_controls_scenario(tiny_controls_path: Path) -> sc.Scenario:
    return sc.read_scenario(tiny_controls_path)


@pytest.fixture(scope="session")
def chain() -> sc.Network:
    return builders.chain_network()


@pytest.fixture(params=SOLVERS)
def solver(request: pytest.FixtureRequest) -> str:
    if request.param not in sc.available_solvers():
        pytest.skip(f"solver {request.param!r} is not available here")
    return request.param
