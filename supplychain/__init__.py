"""supplychain: stress the semiconductor supply chain with export controls and shocks.

>>> import supplychain as sc
>>> net = sc.read_network("tiny")
>>> net.facilities["id"].tolist()[:3]
['sand_cn', 'sand_us', 'asml']
"""

import importlib.metadata as _metadata

from .analysis import AdaptiveResult, adaptive_stress, chokepoints, concentration, exposure
from .attribution import attribute
from .compare import Comparison, compare
from .errors import InputError, Problem, SolverError, SupplychainError
from .eto import EtoImport, import_eto
from .explain import Explanation, explain
from .io import read_network, write_network
from .montecarlo import MonteCarloResult, monte_carlo
from .network import Network
from .optimise import Strategy, optimise
from .pipeline import run_scenario
from .reports import write_reports
from .results import Attribution, StressResult
from .scenario import (
    CompiledScenario,
    Scenario,
    compile_scenario,
    read_scenario,
    scenario_json_schema,
    validate_scenario,
)
from .solvers import available_solvers
from .stress import stress
from .sweep import SweepResult, set_value, sweep
from .timeline import TimelineResult, timeline

try:
    __version__ = _metadata.version("supplychain")
except _metadata.PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0.0.0+unknown"
del _metadata

__all__ = [
    "AdaptiveResult",
    "Attribution",
    "Comparison",
    "CompiledScenario",
    "EtoImport",
    "Explanation",
    "InputError",
    "MonteCarloResult",
    "Network",
    "Problem",
    "Scenario",
    "SolverError",
    "Strategy",
    "StressResult",
    "SupplychainError",
    "SweepResult",
    "TimelineResult",
    "__version__",
    "adaptive_stress",
    "attribute",
    "available_solvers",
    "chokepoints",
    "compare",
    "compile_scenario",
    "concentration",
    "explain",
    "exposure",
    "import_eto",
    "monte_carlo",
    "optimise",
    "read_network",
    "read_scenario",
    "run_scenario",
    "scenario_json_schema",
    "set_value",
    "stress",
    "sweep",
    "timeline",
    "validate_scenario",
    "write_network",
    "write_reports",
]
