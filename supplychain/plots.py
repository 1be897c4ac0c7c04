"""Plots of the headline figures (matplotlib, an optional extra: ``pip install "supplychain[plot]"``).

Each function draws on a given matplotlib ``Axes`` (or a new figure) and returns the Axes, so a
notebook shows it and a script can ``ax.figure.savefig(...)``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .errors import SupplychainError

__all__ = [
    "compute_unit",
    "plot_company_losses",
    "plot_compute_at_risk",
    "plot_facility_timeline",
    "plot_loss_distribution",
    "plot_timeline",
]


def _axes(ax: Any) -> Any:
    try:
        import matplotlib.pyplot as plt
    except ImportError:  # pragma: no cover - depends on the optional extra
        raise SupplychainError('plots need matplotlib: pip install "supplychain[plot]"') from None
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 4))
    return ax


def compute_unit(network: Any) -> str:
    """The unit of the compute centres' output, spelt out: ``H100-equivalents`` for the bundled
    network (item unit ``h100e``), else the item's unit, else ``units``."""
    fac, items = network.facilities, network.items
    made = fac.loc[fac["kind"] == "compute", "produces"]
    if made.empty or "unit" not in items.columns:
        return "units"
    unit = items.set_index("id")["unit"].get(made.iloc[0])
    if unit is None or unit != unit or not str(unit):
        return "units"
    return {"h100e": "H100-equivalents"}.get(str(unit), str(unit))


def plot_compute_at_risk(result: Any, ax: Any = None, top: int = 15) -> Any:
    """Each country's compute lost and kept as a share of its own compute (horizontal bars, the
    ``top`` countries by lost share), the absolute figures as labels: the headline of a stress
    result. A country that loses all of little capacity shows as a full bar, not a sliver."""
    from .schema import country_label

    ax = _axes(ax)
    countries = result.table("countries")
    rows = countries[(countries["kind"] == "compute") & (countries["capacity"] > 0)]
    rows = rows.sort_values(["lost_share", "capacity"], ascending=False, kind="stable").head(top)
    rows = rows.iloc[::-1]  # largest loss at the top
    unit = compute_unit(result.network)
    y = np.arange(len(rows))
    lost = 100 * rows["lost_share"].to_numpy(dtype=float)
    ax.barh(y, lost, label="lost", color="#d1603d")
    ax.barh(y, 100 - lost, left=lost, label="kept", color="#9bb7d4")
    for yi, share, part, whole in zip(y, lost, rows["lost_capacity"], rows["capacity"], strict=True):
        ax.text(101, yi, f"{share:.1f} %: {part:.4g} of {whole:.4g}", va="center", fontsize=8)
    ax.set_yticks(y, [country_label(c) for c in rows["country"]])
    ax.set_xlim(0, 135)
    ax.set_xticks([0, 25, 50, 75, 100])
    ax.set_xlabel(f"share of the country's own AI compute (%): lost of {unit} brought online per week")
    ax.set_title(f"{result.scenario.name}: AI compute lost by country")
    ax.legend(loc="lower right")
    return ax


def plot_company_losses(result: Any, axes: Any = None, top: int = 10) -> Any:
    """The business view (companies.csv) as two bar charts: the ``top`` companies by output
    value lost (left) and by sales value lost (right), each bar its value per week kept and
    lost; companies that lose nothing are left out. ``axes`` is a pair of Axes (default: a new
    figure); returns the pair."""
    if result.companies is None:
        raise SupplychainError("this result has no companies table (it comes from sc.stress or sc.run_scenario)")
    if axes is None:
        try:
            import matplotlib.pyplot as plt
        except ImportError:  # pragma: no cover - depends on the optional extra
            raise SupplychainError('plots need matplotlib: pip install "supplychain[plot]"') from None
        _, axes = plt.subplots(1, 2, figsize=(12, 4))
    table = result.table("companies")
    panels = (("output_value", "lost_output_value", "output"), ("sales_value", "lost_sales_value", "sales"))
    for ax, (whole, lost, what) in zip(axes, panels, strict=True):
        rows = table[table[lost] > 0].sort_values([lost, whole, "company"], ascending=[False, False, True])
        rows = rows.head(top)
        kept = rows[whole] - rows[lost]
        x = np.arange(len(rows))
        ax.bar(x, kept, label="kept", color="#4c72b0")
        ax.bar(x, rows[lost], bottom=kept, label="lost", color="#dd8452")
        ax.set_xticks(x, rows["company"].tolist(), rotation=45, ha="right")
        ax.set_ylabel(f"{what} value (value / week)")
        ax.set_title(f"Largest losers of {what}: {result.scenario.name}")
        if len(rows):
            ax.legend()
    return axes


def plot_loss_distribution(mc: Any, ax: Any = None, bins: int = 50) -> Any:
    """Histogram of worldwide compute lost per sample of a Monte Carlo result, with the
    mean, VaR and CVaR at its ``cvar_alpha`` marked."""
    ax = _axes(ax)
    compute = [g for g, (_, kind) in enumerate(mc.groups) if kind == "compute"]
    world = mc.losses[:, compute].sum(axis=1) if compute else np.zeros(mc.samples)
    metrics = mc.summary
    ax.hist(world, bins=bins, color="#4c72b0", alpha=0.8)
    for name, style in (("mean", "-"), ("var", "--"), ("cvar", ":")):
        value = metrics.get(f"compute_lost_{name}")
        if value is not None:
            ax.axvline(value, color="black", linestyle=style, label=f"{name} {value:.4g}")
    unit = getattr(mc, "unit", "") or "units"
    ax.set_xlabel(f"AI compute lost worldwide ({unit} brought online per week)")
    ax.set_ylabel("samples")
    name = getattr(mc, "scenario_name", "")
    ax.set_title(f"{name + ': ' if name else ''}{mc.samples} samples, CVaR at {mc.cvar_alpha:g}")
    ax.legend()
    return ax


def plot_timeline(timeline: Any, ax: Any = None, top: int = 8) -> Any:
    """Lines, one per country: the share of the country's compute capacity lost in each week
    of a ``TimelineResult``, for the ``top`` countries by compute lost over the horizon."""
    ax = _axes(ax)
    rows = timeline.table.xs("compute", level="kind").reset_index()
    share = rows.pivot(index="week", columns="country", values="lost_share")
    lost = rows.pivot(index="week", columns="country", values="lost_capacity")
    order = lost.sum(axis=0).sort_values(ascending=False, kind="stable")
    shown = [c for c in order.index[:top] if order[c] > 0]
    from .schema import country_label

    unit = compute_unit(timeline.network)
    for country in shown:
        mean = float(lost[country].mean())
        ax.plot(share.index, 100 * share[country], label=f"{country_label(country)} (mean {mean:.4g} {unit} / week)")
    ax.set_xlabel("week of the horizon")
    ax.set_ylabel("share of the country's compute lost (%)")
    ax.set_ylim(0, 100)
    ax.set_title(f"Compute lost week by week: {timeline.scenario.name}")
    if shown:
        ax.legend()
    return ax


def plot_facility_timeline(timeline: Any, facility: str, ax: Any = None) -> Any:
    """One facility's availability week by week (solid), the availability of each of its
    inputs (dashed) and their stocks in weeks of normal use (dotted, right axis)."""
    ax = _axes(ax)
    frame = timeline.inputs(facility)
    ax.plot(frame.index, frame["alpha"], color="black", linewidth=2, label=f"{facility} availability")
    stock_ax = None
    for column in frame.columns:
        if column.startswith("input:"):
            ax.plot(frame.index, frame[column], linestyle="--", label=f"input {column.removeprefix('input:')}")
    stocks = [c for c in frame.columns if c.startswith("stock:") and frame[c].max() > 0]
    if stocks:
        stock_ax = ax.twinx()
        for column in stocks:
            stock_ax.plot(frame.index, frame[column], linestyle=":", label=f"stock {column.removeprefix('stock:')}")
        stock_ax.set_ylabel("stock (weeks of normal use)")
        stock_ax.set_ylim(bottom=0)
    ax.set_xlabel("week of the horizon")
    ax.set_ylabel("fraction of normal")
    ax.set_ylim(-0.02, 1.05)
    ax.set_title(f"{facility}: {timeline.scenario.name}")
    handles, labels = ax.get_legend_handles_labels()
    if stock_ax is not None:
        more = stock_ax.get_legend_handles_labels()
        handles, labels = handles + more[0], labels + more[1]
    ax.legend(handles, labels, loc="lower left")
    return ax


def plot_frontier(result: Any, ax: Any = None) -> Any:
    """The frontier of a run with a strategy: the members' expected final-output loss per week
    and its CVaR (the world's without a consortium) against the cost of the best plan within
    each budget of the sweep (USD M when the costs run to millions)."""
    fr = result.table("frontier")
    ax = _axes(ax)
    x_name = "cost" if "cost" in fr.columns else "budget"
    fr = fr.sort_values([x_name, "budget"], kind="stable").drop_duplicates(x_name, keep="first")
    scale, unit = (1e6, " (USD M)") if float(fr[x_name].max()) >= 1e6 else (1.0, "")
    x = fr[x_name].to_numpy(dtype=float) / scale
    ax.plot(x, fr["expected_lost_output"], marker="o", drawstyle="steps-post", label="expected")
    ax.plot(x, fr["cvar_lost_output"], marker="s", linestyle="--", drawstyle="steps-post", label="CVaR")
    ax.set_xlabel(f"cost of the plan{unit}")
    ax.set_ylabel("members' final output lost per week (value)")
    ax.set_ylim(bottom=0)
    ax.set_title(f"{result.scenario.name}: the frontier")
    ax.legend()
    return ax


def plot_members_use(result: Any, ax: Any = None) -> Any:
    """Which members use which certification or expansion: a grid of actions (rows) by members
    (columns), each cell the member's Shapley share of the action's cost (blank: not used)."""
    from .strategy_text import members_use

    use = members_use(result)
    if use.empty:
        raise ValueError("this run's strategy has no action shared among members")
    ax = _axes(ax)
    scale, unit = (1e6, "USD M") if float(use.to_numpy().max()) >= 1e6 else (1.0, "cost")
    values = np.ma.masked_equal(use.to_numpy(dtype=float) / scale, 0.0)
    image = ax.imshow(values, cmap="Blues", aspect="auto")
    ax.set_xticks(range(use.shape[1]), [str(c) for c in use.columns], rotation=45, ha="right")
    ax.set_yticks(range(use.shape[0]), [str(i) for i in use.index])
    for (i, j), v in np.ndenumerate(use.to_numpy(dtype=float) / scale):
        if v > 0:
            ax.text(j, i, f"{v:.3g}", ha="center", va="center", fontsize=8)
    ax.figure.colorbar(image, ax=ax, label=f"share of the cost ({unit})")
    ax.set_title(f"{result.scenario.name}: who uses which action")
    return ax
