"""Plots of the headline figures (matplotlib, an optional extra: ``pip install "supplychain[plot]"``).

Each function draws on a given matplotlib ``Axes`` (or a new figure) and returns the Axes, so a
notebook shows it and a script can ``ax.figure.savefig(...)``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .errors import SupplychainError

__all__ = ["plot_compute_at_risk", "plot_loss_distribution"]


def _axes(ax: Any) -> Any:
    try:
        import matplotlib.pyplot as plt
    except ImportError:  # pragma: no cover - depends on the optional extra
        raise SupplychainError('plots need matplotlib: pip install "supplychain[plot]"') from None
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 4))
    return ax


def plot_compute_at_risk(result: Any, ax: Any = None, top: int = 15) -> Any:
    """Compute capacity per country, kept and lost (units per week), the ``top`` countries
    by lost compute: the headline of a stress result."""
    ax = _axes(ax)
    rows = result.countries[result.countries["kind"] == "compute"]
    rows = rows.sort_values(["lost_capacity", "capacity"], ascending=False, kind="stable").head(top)
    kept = rows["capacity"] - rows["lost_capacity"]
    x = np.arange(len(rows))
    ax.bar(x, kept, label="kept", color="#4c72b0")
    ax.bar(x, rows["lost_capacity"], bottom=kept, label="lost", color="#dd8452")
    ax.set_xticks(x, rows["country"].tolist(), rotation=45, ha="right")
    ax.set_ylabel("compute capacity (units / week)")
    ax.set_title(f"Compute at risk: {result.scenario.name}")
    ax.legend()
    return ax


def plot_loss_distribution(mc: Any, ax: Any = None, bins: int = 50) -> Any:
    """Histogram of worldwide compute lost per sample of a Monte Carlo result, with the
    mean, VaR and CVaR at its ``cvar_alpha`` marked."""
    ax = _axes(ax)
    compute = [g for g, (_, kind) in enumerate(mc.groups) if kind == "compute"]
    world = mc.losses[:, compute].sum(axis=1) if compute else np.zeros(mc.samples)
    metrics = mc.summary.set_index("metric")["value"]
    ax.hist(world, bins=bins, color="#4c72b0", alpha=0.8)
    for name, style in (("mean", "-"), ("var", "--"), ("cvar", ":")):
        value = metrics.get(f"compute_lost_{name}")
        if value is not None:
            ax.axvline(value, color="black", linestyle=style, label=f"{name} {value:.4g}")
    ax.set_xlabel("compute lost worldwide (units / week)")
    ax.set_ylabel("samples")
    ax.set_title(f"{mc.samples} samples, CVaR at {mc.cvar_alpha:g}")
    ax.legend()
    return ax
