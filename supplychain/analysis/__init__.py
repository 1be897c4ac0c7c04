"""Risk analyses on a network (docs/model.md §4): concentration, chokepoints, exposure (time to
survive / time to recover) and the adaptive (re-routing) stress."""

from .chokepoints import chokepoints
from .concentration import concentration
from .exposure import exposure
from .flow import AdaptiveResult, adaptive_stress

__all__ = ["AdaptiveResult", "adaptive_stress", "chokepoints", "concentration", "exposure"]
