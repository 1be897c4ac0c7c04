"""The headline plots draw what they claim (matplotlib, Agg backend)."""

from __future__ import annotations

from pathlib import Path

import matplotlib as mpl

import supplychain as sc

mpl.use("Agg")
REPO = Path(__file__).resolve().parents[1]


def test_compute_at_risk_bars(tiny: sc.Network) -> None:
    """tiny-export-controls: CHN loses 43.75 of its 50 (87.5 %), USA 12.5 of its 100 (12.5 %):
    shares of each country's own compute, CHN at the top (largest share lost), the absolute
    figures as labels, the scenario's name in the title."""
    res = sc.stress(tiny, sc.read_scenario(REPO / "scenarios" / "tiny-export-controls.yaml"))
    ax = res.plot()
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == ["United States (USA)", "China (CHN)"]  # bottom to top
    widths = [round(p.get_width(), 6) for p in ax.patches]
    assert widths == [12.5, 87.5, 87.5, 12.5]  # lost (USA, CHN), then kept (USA, CHN)
    texts = [t.get_text() for t in ax.texts]
    assert "87.5 %: 43.75 of 50" in texts
    assert ax.get_title() == "tiny-export-controls: AI compute lost by country"


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
