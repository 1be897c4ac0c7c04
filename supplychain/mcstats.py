"""Monte Carlo results: the distribution statistics of lost capacity and the result object
(docs/model.md §3.5). The sampling and the engines are in ``montecarlo.py``."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from .montecarlo import BlockResult, MonteCarloModel
    from .network import Network

__all__ = ["MonteCarloResult", "distribution", "summarise"]


@dataclass
class MonteCarloResult:
    """Distributions of lost capacity over ``samples`` Monte Carlo draws.

    - ``table`` (monte_carlo.csv), indexed by (``country``, ``kind``): the mean and standard deviation of lost
      capacity (units/week), its 5th, 50th and 95th percentiles, and VaR and CVaR at
      ``cvar_alpha``; quantiles are empirical (a sample value, ``inverted_cdf``), CVaR the
      mean loss in the worst 1 − cvar_alpha of samples (Rockafellar–Uryasev), all exact.
    - ``facilities``, indexed by ``facility``: the mean availability and the probability of losing half
      its capacity or more (availability ≤ 0.5).
    - ``summary``: the world's distribution metrics (a Series indexed by ``metric``: samples,
      seed, ``compute_lost_mean``, ``compute_lost_var``, …) and ``by_country`` the per-country
      ones (indexed by ``country``: ``compute_lost_mean``, ``compute_lost_p95``,
      ``compute_lost_cvar``); ``metrics`` holds both as summary.csv's rows (metric, value);
    - ``losses``: samples × groups lost capacity (``groups`` lists the (country, kind) pairs).
    - ``engine``: the cone engine that ran (``numba`` or ``numpy``); ``status``: ``ok`` (a run
      that cannot finish raises instead); ``scenario_name`` and ``unit`` (the compute centres'
      unit, spelt out) for plot titles and labels.
    """

    samples: int
    seed: int
    cvar_alpha: float
    groups: list[tuple[str, str]]
    losses: np.ndarray
    facilities: pd.DataFrame
    table: pd.DataFrame
    metrics: pd.DataFrame
    timings: dict[str, float]
    engine: str = "numpy"
    status: str = "ok"
    scenario_name: str = ""
    unit: str = "units"

    @property
    def summary(self) -> pd.Series:
        """The world's metrics, a Series of numbers indexed by ``metric``."""
        from .results import _metric_tables

        return _metric_tables(self.metrics)[0]

    @property
    def by_country(self) -> pd.DataFrame:
        """The per-country metrics: indexed by ``country``, a column per metric."""
        from .results import _metric_tables

        return _metric_tables(self.metrics)[1]

    def plot(self, ax: Any = None, bins: int = 50) -> Any:
        """Histogram of worldwide compute lost per sample with mean, VaR and CVaR (needs matplotlib)."""
        from .plots import plot_loss_distribution

        return plot_loss_distribution(self, ax=ax, bins=bins)

    def __repr__(self) -> str:
        world = self.summary
        return (
            f"<MonteCarloResult: {self.samples} samples (seed {self.seed}); compute lost mean "
            f"{world.get('compute_lost_mean', float('nan')):.6g}, CVaR{self.cvar_alpha:g} "
            f"{world.get('compute_lost_cvar', float('nan')):.6g}>"
        )


def distribution(values: np.ndarray, cvar_alpha: float) -> dict[str, Any]:
    """mean, std (sample, ddof 1; exactly 0 when every sample is equal), p05, p50, p95, VaR and
    CVaR at ``cvar_alpha`` of a loss sample (along axis 0); quantiles are sample values
    (``inverted_cdf``)."""
    values = np.asarray(values, dtype=float)
    n = values.shape[0]
    q = np.quantile(values, [0.05, 0.5, 0.95, cvar_alpha], axis=0, method="inverted_cdf")
    var = q[3]
    cvar = var + np.maximum(values - var, 0.0).mean(axis=0) / (1 - cvar_alpha)
    # the spread of the deviations from the first sample, in two passes (one temporary, as
    # numpy's std): equal samples give exactly 0, where the rounding of the mean of the values
    # themselves leaves a residue such as 1e-10
    deviation = values - values[:1]
    deviation -= deviation.mean(axis=0)
    np.multiply(deviation, deviation, out=deviation)
    std = np.sqrt(deviation.sum(axis=0) / max(n - 1, 1))
    del deviation
    return {
        "mean": values.mean(axis=0),
        "std": std,
        "p05": q[0],
        "p50": q[1],
        "p95": q[2],
        "var": var,
        "cvar": cvar,
    }


def summarise(
    network: Network,
    model: MonteCarloModel,
    results: Iterable[BlockResult],
    samples: int,
    seed: int,
    cvar_alpha: float,
    timings: dict[str, float],
) -> MonteCarloResult:
    """The ``MonteCarloResult`` of merged sample blocks (merged in block order, so the sums are
    the same whatever the executor)."""
    results = sorted(results, key=lambda r: r.block)
    losses = np.concatenate([r.losses for r in results], axis=0)
    alpha_sum = np.zeros(model.n_facilities)
    half = np.zeros(model.n_facilities, dtype=np.int64)
    for r in results:  # block order: the same sums whatever the executor
        alpha_sum += r.alpha_sum
        half += r.half_lost
    plan = model.plan
    mean_alpha = np.empty(model.n_facilities)
    mean_alpha[plan.order] = alpha_sum / samples
    p_half = np.empty(model.n_facilities)
    p_half[plan.order] = half / samples
    facilities = pd.DataFrame(
        {
            "facility": network.facilities["id"].to_numpy(dtype=object),
            "mc_availability_mean": mean_alpha,
            "mc_p_lose_half": p_half,
        }
    )

    stats = distribution(losses, cvar_alpha)
    table = pd.DataFrame(
        {
            "country": [g[0] for g in model.groups],
            "kind": [g[1] for g in model.groups],
            "mean_lost": stats["mean"],
            "std_lost": stats["std"],
            "p05": stats["p05"],
            "p50": stats["p50"],
            "p95": stats["p95"],
            "var": stats["var"],
            "cvar": stats["cvar"],
        }
    )
    compute = [g for g, (_, kind) in enumerate(model.groups) if kind == "compute"]
    metrics: list[tuple[str, float]] = [("mc_samples", samples), ("mc_seed", seed), ("mc_cvar_alpha", cvar_alpha)]
    if compute:
        world = distribution(losses[:, compute].sum(axis=1), cvar_alpha)
        metrics += [(f"compute_lost_{k}", float(v)) for k, v in world.items()]
        for g in compute:
            country = model.groups[g][0]
            for k in ("mean", "p95", "cvar"):
                metrics.append((f"compute_lost_{k}[{country}]", float(stats[k][g])))
    summary = pd.DataFrame(metrics, columns=["metric", "value"])
    from .plots import compute_unit

    return MonteCarloResult(
        samples,
        seed,
        cvar_alpha,
        model.groups,
        losses,
        facilities.set_index("facility"),
        table.set_index(["country", "kind"]),
        summary,
        timings,
        model.engine,
        unit=compute_unit(network),
    )
