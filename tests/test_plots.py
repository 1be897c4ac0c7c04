"""The headline plots draw what they claim (matplotlib, Agg backend)."""

from __future__ import annotations

from pathlib import Path

import matplotlib as mpl

import supplychain as sc

mpl.use("Agg")
REPO = Path(__file__).resolve().parents[1]


def test_compute_at_risk_bars(tiny: sc.Network) -> None:
    """tiny-export-controls: CHN keeps 50 − 43.75 = 6.25 and loses 43.75; USA keeps 87.5 and
    loses 12.5. Bars come largest loss first: CHN, then USA."""
    res = sc.stress(tiny, sc.read_scenario(REPO / "scenarios" / "tiny-export-controls.yaml"))
    ax = res.plot()
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert labels == ["CHN", "USA"]
    heights = [round(p.get_height(), 6) for p in ax.patches]
    assert heights == [6.25, 87.5, 43.75, 12.5]


def test_loss_distribution_histogram(tiny: sc.Network) -> None:
    """The histogram counts every sample once and marks mean, VaR and CVaR."""
    scen = sc.Scenario.model_validate(
        {
            "name": "mc",
            "controls": [
                {
                    "name": "us",
                    "issuer": "USA",
                    "items": ["chip"],
                    "destinations": ["CHN"],
                    "reach": {"foreign_direct_product": True},
                    "licence_approval": 0.5,
                }
            ],
        }
    )
    mc = sc.monte_carlo(tiny, scen, samples=500, seed=3)
    ax = mc.plot(bins=10)
    assert sum(p.get_height() for p in ax.patches) == 500
    assert len(ax.get_lines()) == 3
