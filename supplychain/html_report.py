"""``report.html``: one self-contained page a person reads (docs/model.md §6).

Everything is inline: styles in a ``<style>`` element, charts as SVG (supplychain/svg.py), no
script, font or image from the network, so the page opens anywhere, offline. The page is built
from the result's tables only and holds no timestamp: the same run gives the same bytes.

Sections, each shown when the run has it: the headline in words with units; compute kept and
lost per country as a share of each country's own (absolute figures beside the bars); the
attribution of the world's lost compute among the rules; why the largest losers lose
(``sc.explain``); the weekly timeline; the Monte Carlo distribution (mean, percentiles, VaR,
CVaR); the top chokepoints; the companies that lose most output and sales; the strategy and
its frontier; the backtest; the provenance of the data behind the headline; the scenario as
written with the assumptions it states.
"""

from __future__ import annotations

import math
from html import escape
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .business import COLUMNS as COMPANY_COLUMNS
from .explain import _num as _figure
from .plots import compute_unit
from .schema import country_label, country_name
from .strategy_text import members_use, strategy_sentences
from .svg import bar_chart, line_chart

if TYPE_CHECKING:
    from .results import StressResult

__all__ = ["render_report"]

TOP = 10
"""Rows shown in each ranked table (chokepoints, companies, facilities)."""

_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,sans-serif;max-width:1040px;margin:2em auto;padding:0 1em;
color:#1d1d1f;line-height:1.45}
h1{font-size:1.6em;margin-bottom:.2em}
h2{font-size:1.2em;margin-top:2em;border-bottom:1px solid #ddd;padding-bottom:.2em}
.headline{font-size:1.15em;background:#f4f6fa;border-left:4px solid #3b6ea5;padding:.6em 1em}
table{border-collapse:collapse;font-size:13px;margin:.5em 0}
td,th{border:1px solid #d0d0d0;padding:3px 7px;text-align:right}
th{background:#f0f0f0}td.t,th.t{text-align:left}pre{background:#f7f7f7;padding:.8em;overflow-x:auto;font-size:12px}
.muted{color:#666;font-size:.9em}
"""


def _pct(x: float) -> str:
    return f"{100.0 * float(x):.1f} %"


def _num(x: Any) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return ""
    if isinstance(x, bool | np.bool_):
        return "yes" if x else "no"
    if isinstance(x, int | np.integer):
        return str(int(x))
    if isinstance(x, float | np.floating):
        return _figure(float(x))
    return str(x)


def _table(frame: pd.DataFrame, columns: list[str] | None = None) -> str:
    cols = [c for c in (columns or list(frame.columns)) if c in frame.columns]
    text_cols = {c for c in cols if frame[c].dtype == object}
    head = "".join(f'<th class="{"t" if c in text_cols else ""}">{escape(c)}</th>' for c in cols)
    rows = []
    for record in frame[cols].to_dict("records"):
        cells = "".join(f'<td class="{"t" if c in text_cols else ""}">{escape(_num(record[c]))}</td>' for c in cols)
        rows.append(f"<tr>{cells}</tr>")
    return f"<table><tr>{head}</tr>{''.join(rows)}</table>"


def _unit(result: StressResult) -> str:
    """The unit of the compute centres' item, spelt out (``plots.compute_unit``)."""
    return compute_unit(result.network)


def _raw(result: StressResult, name: str) -> pd.DataFrame | None:
    """The table ``name`` as its CSV file holds it (keys as columns), None when the run has none."""
    try:
        return result.table(name)
    except KeyError:
        return None


def _metric(result: StressResult, name: str) -> float | None:
    return float(result.summary[name]) if name in result.summary.index else None


def _headline(result: StressResult) -> list[str]:
    """Sentences: the worst-hit country's compute loss and the world's, in words with units."""
    unit = _unit(result)
    countries = result.table("countries")
    rows = countries[(countries["kind"] == "compute") & (countries["capacity"] > 0)]
    out = []
    worst = rows[rows["lost_capacity"] > 0].sort_values(["lost_share", "lost_capacity"], ascending=False, kind="stable")
    if len(worst):
        top = worst.iloc[0]
        out.append(
            f"{country_name(str(top['country']))} loses {_pct(top['lost_share'])} of the AI compute it would "
            "bring online per week: "
            f"{_num(float(top['lost_capacity']))} of {_num(float(top['capacity']))} {unit}."
        )
    lost, total = _metric(result, "compute_lost"), _metric(result, "compute_capacity")
    if lost is not None and total:
        out.append(
            f"The world loses {_pct(lost / total)} of the AI compute it would bring online per week: "
            f"{_num(lost)} of {_num(total)} {unit}."
        )
    share = _metric(result, "lost_output_share")
    if share is not None:
        out.append(
            f"Final output lost (by value, over the {result.scenario.horizon_weeks}-week horizon): {_pct(share)}."
        )
    if not worst.size:
        out.insert(0, "No country loses AI compute in this scenario.")
    return out


def _countries_chart(result: StressResult, kind: str = "compute") -> str:
    """Stacked bars, lost then kept, of each country's own capacity of ``kind`` (the countries
    that lose any, worst first; the others counted in a line below)."""
    countries = result.table("countries")
    rows = countries[(countries["kind"] == kind) & (countries["capacity"] > 0)]
    rows = rows.sort_values(["lost_share", "capacity"], ascending=[False, False], kind="stable")
    if rows.empty:
        return ""
    hit = rows[rows["lost_capacity"] > 0]
    whole = len(rows) - len(hit)
    rest = f"<p class='muted'>{whole} other countries with {kind} capacity lose none of it.</p>" if whole else ""
    if hit.empty:
        return f"<p>No country loses {kind} capacity.</p>"
    unit = _unit(result) if kind == "compute" else "units"
    notes = [
        f"({_num(float(v))} of {_num(float(c))} {unit})"
        for v, c in zip(hit["lost_capacity"], hit["capacity"], strict=True)
    ]
    chart = bar_chart(
        [country_label(str(c)) for c in hit["country"]],
        {"lost": hit["lost_share"].tolist(), "kept": (1.0 - hit["lost_share"]).tolist()},
        title=f"{kind} lost and kept, % of each country's own {kind} capacity",
        annotations={"lost": notes},
        maximum=100.0,
        stacked=True,
        colours=("#d1603d", "#9bb7d4"),
    )
    return chart + rest


def _attribution(result: StressResult) -> str:
    parts = []
    for label, table in (("control", _raw(result, "controls")), ("disruption", _raw(result, "disruptions"))):
        if isinstance(table, pd.DataFrame) and "attributed_lost_compute" in table.columns and len(table):
            frame = table[[label, "attributed_lost_compute", "standalone_lost_compute"]].rename(columns={label: "rule"})
            frame.insert(1, "kind", label)
            parts.append(frame)
    if not parts:
        return ""
    frame = pd.concat(parts, ignore_index=True)
    total = float(frame["attributed_lost_compute"].sum())
    frame["share_of_loss"] = frame["attributed_lost_compute"] / total if total > 0 else 0.0
    frame = frame.sort_values("attributed_lost_compute", ascending=False, kind="stable")
    chart = ""
    if total > 0:
        chart = bar_chart(
            frame["rule"].astype(str).tolist(),
            {"share of the world's lost compute": frame["share_of_loss"].tolist()},
            title="Who causes the loss: Shapley shares of the world's lost compute",
            annotations={
                "share of the world's lost compute": [
                    f"({_num(float(v))} {_unit(result)})" for v in frame["attributed_lost_compute"]
                ]
            },
            maximum=100.0,
        )
    return (
        "<h2>The rules behind the loss</h2>"
        "<p>Each rule's Shapley share of the compute lost (it sums to the total; a rule that only "
        "overlaps another shares the loss with it) beside what it would cost alone.</p>"
        + chart
        + _table(frame, ["rule", "kind", "attributed_lost_compute", "share_of_loss", "standalone_lost_compute"])
    )


def _explanations(result: StressResult, count: int = 3) -> str:
    from .explain import explain

    fac = result.table("facilities")
    losers = fac[(fac["kind"] == "compute") & (fac["lost_capacity"] > 0)]
    losers = losers.sort_values("lost_capacity", ascending=False, kind="stable").head(count)
    if losers.empty:
        return ""
    blocks = []
    for facility in losers["facility"]:
        try:
            sentences = explain(result, str(facility)).sentences
        except Exception as exc:  # an explanation must never cost the report
            sentences = [f"{facility}: no explanation ({type(exc).__name__})"]
        blocks.append("<pre>" + escape("\n".join(sentences)) + "</pre>")
    return "<h2>Why the largest losers lose</h2>" + "".join(blocks)


def _timeline(result: StressResult, top: int = 6) -> str:
    table = _raw(result, "timeline")
    if not isinstance(table, pd.DataFrame) or table.empty:
        return ""
    rows = table[table["kind"] == "compute"]
    share = rows.pivot(index="week", columns="country", values="lost_share")
    lost = rows.pivot(index="week", columns="country", values="lost_capacity")
    order = lost.sum(axis=0).sort_values(ascending=False, kind="stable")
    shown = [c for c in order.index[:top] if order[c] > 0]
    if not shown:
        return "<h2>Week by week</h2><p>No country loses compute in any week.</p>"
    series = {country_label(str(c)): (100 * share[c]).tolist() for c in shown}
    return "<h2>Week by week</h2>" + line_chart(
        share.index.tolist(),
        series,
        title="Compute lost week by week, % of each country's own",
        x_label="week of the horizon",
        y_label="% lost",
    )


def _monte_carlo(result: StressResult) -> str:
    table = _raw(result, "monte_carlo")
    if not isinstance(table, pd.DataFrame) or table.empty:
        return ""
    rows = table[table["kind"] == "compute"]
    rows = rows[rows["p95"] > 0].sort_values("mean_lost", ascending=False, kind="stable")
    samples = result.extras.get("samples")
    head = f"<h2>Monte Carlo ({samples} samples)</h2>" if samples else "<h2>Monte Carlo</h2>"
    unit = _unit(result)
    text = (
        f"<p>Compute lost per week ({unit}) over the samples: the mean, the 5th, 50th and 95th "
        "percentiles, and the value at risk and conditional value at risk (the mean of the worst "
        "tail) at the scenario's level.</p>"
    )
    if rows.empty:
        return head + "<p>No sample loses compute.</p>"
    cap = result.countries.xs("compute", level="kind")["capacity"]
    share = {k: (rows[k] / rows["country"].map(cap)).fillna(0).tolist() for k in ("mean_lost", "p95", "cvar")}
    chart = bar_chart(
        [country_label(str(c)) for c in rows["country"]][:TOP],
        {k: v[:TOP] for k, v in share.items()},
        title="Compute lost, % of each country's own: mean, 95th percentile, CVaR",
        maximum=100.0,
    )
    return (
        head
        + text
        + chart
        + _table(rows.head(TOP), ["country", "mean_lost", "std_lost", "p05", "p50", "p95", "var", "cvar"])
    )


def _ranked(result: StressResult) -> str:
    out = []
    ch = _raw(result, "chokepoints")
    if isinstance(ch, pd.DataFrame) and len(ch):
        top = ch.sort_values("rank", kind="stable").head(TOP)
        out.append(
            "<h2>Chokepoints</h2><p>The final output lost per week when each alone is removed, with the scenario "
            "in force.</p>" + _table(top, ["rank", "level", "name", "lost_output", "extra_lost_output", "lost_compute"])
        )
    companies = _raw(result, "companies")
    if isinstance(companies, pd.DataFrame) and len(companies):
        cols = list(COMPANY_COLUMNS)
        by_output = companies.sort_values("lost_output_value", ascending=False, kind="stable").head(TOP)
        by_sales = companies.sort_values("lost_sales_value", ascending=False, kind="stable").head(TOP)
        out.append(
            "<h2>Companies</h2><p>Largest losers of output value (what they make) and of sales value (what "
            "their buyers no longer take from them: a tool maker cut off from a controlled fab loses sales "
            "while its own output is whole).</p><h3>By lost output</h3>"
            + _table(by_output[by_output["lost_output_value"] > 0], cols)
            + "<h3>By lost sales</h3>"
            + _table(by_sales[by_sales["lost_sales_value"] > 0], cols)
        )
    fac = result.table("facilities")
    hit = fac[fac["lost_capacity"] > 0].sort_values("lost_capacity", ascending=False, kind="stable").head(TOP)
    if len(hit):
        cols = [
            "facility",
            "company",
            "country",
            "kind",
            "capacity",
            "availability",
            "lost_capacity",
            "limiting_item",
            "limiting_control",
            "limiting_cause",
        ]
        out.append("<h2>Facilities that lose most</h2>" + _table(hit, cols))
    return "".join(out)


def _strategy(result: StressResult) -> str:
    """The strategy in words, who uses what, the figures before and after, and the frontier
    (cost against the members' expected loss and its CVaR)."""
    st, fr = _raw(result, "strategy"), _raw(result, "frontier")
    if not isinstance(st, pd.DataFrame):
        return ""
    parts = ["<h2>Strategy</h2>"]
    parts.append("<ul>" + "".join(f"<li>{escape(s)}</li>" for s in strategy_sentences(result)) + "</ul>")
    use = members_use(result)
    if not use.empty:
        shown = use.reset_index()
        parts.append(
            "<h3>Which members use which action</h3><p>Each member's Shapley share of the action's cost "
            "(0: the member does not use it).</p>" + _table(shown)
        )
    if not st.empty:
        parts.append("<h3>The actions</h3>" + _table(st))
    summary = result.table("summary")
    metrics = [m for m in summary["metric"] if "expected_lost_output" in str(m) or str(m) == "cost"]
    if metrics:
        parts.append(_table(summary[summary["metric"].isin(metrics)]))
    if isinstance(fr, pd.DataFrame) and len(fr):
        x_name = "cost" if "cost" in fr.columns else "budget"
        fr = fr.sort_values([x_name, "budget"], kind="stable").drop_duplicates(x_name, keep="first")
        scale, unit = (1e6, " (USD M)") if float(fr[x_name].max()) >= 1e6 else (1.0, "")
        parts.append(
            "<h3>Frontier</h3><p>The members' expected loss of final output per week, and its CVaR, "
            "against what the best plan within each budget costs.</p>"
            + line_chart(
                (fr[x_name] / scale).tolist(),
                {"expected": fr["expected_lost_output"].tolist(), "CVaR": fr["cvar_lost_output"].tolist()},
                title="Frontier: the members' lost output per week against the plan's cost",
                x_label=f"cost of the plan{unit}",
                y_label="lost output / week",
            )
        )
    return "".join(parts)


def _backtest(result: StressResult) -> str:
    bt = _raw(result, "backtest")
    if not isinstance(bt, pd.DataFrame) or bt.empty:
        return ""
    return "<h2>Backtest</h2>" + _table(bt)


def _provenance(result: StressResult) -> str:
    from .reports import _has_provenance
    from .reports import _provenance as figures

    if not _has_provenance(result):
        return "<h2>Data</h2><p class='muted'>The network carries no sources table.</p>"
    info = figures(result)
    rows = [{"what": str(k), "figures": str(v)} for k, v in info.items() if not isinstance(v, dict | list)]
    nested = [(k, v) for k, v in info.items() if isinstance(v, dict)]
    text = (
        "<h2>Data behind the headline</h2><p>How many of the figures behind this run's loss rest on published "
        "sources and how many on estimates (run.json's provenance).</p>"
    )
    text += _table(pd.DataFrame(rows)) if rows else ""
    for key, value in nested:
        flat = pd.DataFrame(
            [{"item": str(k), "value": _num(v) if not isinstance(v, dict | list) else str(v)} for k, v in value.items()]
        )
        text += f"<h3>{escape(str(key))}</h3>" + _table(flat)
    return text


def _scenario(result: StressResult) -> str:
    scenario = result.scenario
    files = list(getattr(scenario, "_files", []) or ([scenario.source] if scenario.source else []))
    parts = ["<h2>The scenario as written</h2>", f"<p>{escape(' '.join(scenario.description.split()))}</p>"]
    assumptions = []
    texts = []
    for path in files:
        try:
            text = path.read_text(encoding="utf-8")
        except OSError:
            continue
        texts.append((path.name, text))
        for line in text.splitlines():
            low = line.lower()
            if "assum" in low or "estimate" in low or "hypothetical" in low:
                assumptions.append(line.strip().lstrip("#").strip())
    if assumptions:
        parts.append("<h3>Assumptions the scenario states</h3><ul>")
        parts += [f"<li>{escape(a)}</li>" for a in dict.fromkeys(assumptions)]
        parts.append("</ul>")
    for name, text in texts:
        parts.append(f"<h3>{escape(name)}</h3><pre>{escape(text)}</pre>")
    if not texts:
        import yaml

        dumped = yaml.safe_dump(scenario.model_dump(mode="json", by_alias=True, exclude_defaults=True), sort_keys=False)
        parts.append(f"<pre>{escape(dumped)}</pre>")
    return "".join(parts)


def render_report(result: StressResult) -> str:
    """The report page of a run as HTML text (self-contained; see the module docstring)."""
    name = result.scenario.name
    body = [
        f"<h1>{escape(name)}</h1>",
        f"<p class='muted'>Network {escape(result.network.name)}, horizon {result.scenario.horizon_weeks} weeks. "
        f"Availability is the share of normal output a facility can still make, averaged over the horizon.</p>",
        "<div class='headline'>" + "<br>".join(escape(s) for s in _headline(result)) + "</div>",
        "<h2>AI compute by country</h2>",
        _countries_chart(result, "compute"),
        _attribution(result),
        _explanations(result),
        _timeline(result),
        _monte_carlo(result),
        _ranked(result),
        _strategy(result),
        _backtest(result),
        _provenance(result),
        _scenario(result),
    ]
    return (
        "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{escape(name)}: supplychain report</title>"
        f"<style>{_CSS}</style></head><body>\n" + "\n".join(b for b in body if b) + "\n</body></html>\n"
    )
