"""Risk analyses on a network (SPEC section 4): concentration, chokepoints, exposure and the
adaptive (re-routing) stress."""
from .chokepoints import chokepoints
from .concentration import concentration

__all__ = ["chokepoints", "concentration"]
