"""Root causes: ``sc.explain`` on the tiny example, worked by hand (docs/model.md §3.4).

The scenario scenarios/tiny-export-controls.yaml has three players: nl-litho (L, denies EUV
from asml to fab_cn, whose 13 weeks of stock give 0.25), us-chips (C, licenses chips to dc_cn at
0.2 through the foreign-direct-product reach) and sand-us-outage (D, sand_us at 0.75 over the
horizon). dc_cn (capacity 50) takes 60 % of its chips from fab_tw and 40 % from fab_cn:

    α_dc_cn = 0.6 · a · α_fab_tw + 0.4 · a · α_fab_cn,   a = 0.2 with C, else 1
    α_fab_tw = 0.5 + 0.5 · o_sand_us (0.875 with D),   α_fab_cn = 0.25 with L, else 1

Lost capacity 50 · (1 − α) of every set of players in force:
    {} 0, {L} 15, {C} 40, {D} 3.75, {L,C} 43, {L,D} 18.75, {C,D} 40.75, {L,C,D} 43.75.
Shapley (weights 1/3, 1/6, 1/6, 1/3 over the orders):
    L = 15/3 + 3/6 + 15/6 + 3/3 = 9;  C = 40/3 + 28/6 + 37/6 + 25/3 = 32.5;
    D = 3.75/3 + 3.75/6 + 0.75/6 + 0.75/3 = 2.25;   9 + 32.5 + 2.25 = 43.75.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import supplychain as sc
from supplychain.errors import InputError

TINY = Path(__file__).resolve().parent.parent / "scenarios" / "tiny-export-controls.yaml"


@pytest.fixture(scope="module")
def tiny_result() -> sc.StressResult:
    return sc.stress(None, TINY)


def test_dc_cn_chain_follows_the_limiting_input_to_every_origin(tiny_result: sc.StressResult) -> None:
    e = sc.explain(tiny_result, "dc_cn")
    assert e.availability == pytest.approx(0.125)
    assert e.lost_capacity == pytest.approx(43.75)
    chain = e.chain
    first = chain[chain["depth"] == 0].set_index("supplier")
    # fab_tw delivers 0.6 · 0.2 · 0.875 = 0.105 of the need, fab_cn 0.4 · 0.2 · 0.25 = 0.02
    assert first.loc["fab_tw", "delivered"] == pytest.approx(0.105)
    assert first.loc["fab_cn", "delivered"] == pytest.approx(0.02)
    assert set(first["reason"]) == {"licensed; supplier short"}
    assert set(first["player"]) == {"us-chips"}
    assert "foreign-direct product: fab_tw uses USA tools (dep)" in first.loc["fab_tw", "reach"]
    # upstream: fab_cn's EUV edge denied by nl-litho, its stock covering 0.25; sand_us disrupted
    euv = chain[(chain["facility"] == "fab_cn") & (chain["supplier"] == "asml")].iloc[0]
    assert (euv["reason"], euv["player"], euv["delivered"]) == ("denied", "nl-litho", 0.0)
    stock = chain[(chain["facility"] == "fab_cn") & (chain["reason"] == "stock")].iloc[0]
    assert stock["delivered"] == pytest.approx(0.25)
    sand = chain[chain["reason"] == "disrupted"].iloc[0]
    assert (sand["facility"], sand["player"], sand["edge_factor"]) == ("sand_us", "sand-us-outage", 0.75)
    assert chain["origin"].sum() == 4  # two licensed chip edges, the denied EUV edge, the outage


def test_dc_cn_causes_are_the_shapley_shares_worked_in_the_docstring(tiny_result: sc.StressResult) -> None:
    causes = sc.explain(tiny_result, "dc_cn").causes.set_index("player")
    assert causes.index.tolist() == ["us-chips", "nl-litho", "sand-us-outage"]  # largest first
    assert causes["lost_capacity"].to_dict() == pytest.approx(
        {"us-chips": 32.5, "nl-litho": 9.0, "sand-us-outage": 2.25}
    )
    assert causes["share"].sum() == pytest.approx(1.0)
    assert causes.loc["nl-litho", "kind"] == "control"
    assert causes.loc["sand-us-outage", "kind"] == "disruption"


def test_sentences_read_as_the_chain(tiny_result: sc.StressResult) -> None:
    text = str(sc.explain(tiny_result, "dc_cn"))
    lines = text.splitlines()
    assert (
        lines[0] == "dc_cn makes 12.5 % of normal (loses 43.75 of 50 units of compute per week): limiting input chip."
    )
    assert any(
        line.strip().startswith(
            "fab_tw -> dc_cn (chip, 60 % of the need) delivers 10.5 %: licensed at 20 % under us-chips"
        )
        for line in lines
    )
    assert (
        "asml -> fab_cn (euv, 100 % of the need) delivers 0 %: denied under nl-litho (NLD: made in NLD; buyer in CHN)."
        in text
    )
    assert "sand_us makes 75 % of normal: it is disrupted by sand-us-outage (own factor 75 %)." in text
    assert lines[-1] == (
        "Of dc_cn's loss of 43.75 units per week (Shapley shares): us-chips 74.3 % (32.5 units/week), "
        "nl-litho 20.6 % (9 units/week), sand-us-outage 5.1 % (2.25 units/week)."
    )


def test_a_facility_that_loses_nothing_says_so(tiny_result: sc.StressResult) -> None:
    e = sc.explain(tiny_result, "asml")
    assert e.chain.empty
    assert e.causes.empty
    assert e.sentences == ["asml makes its normal output (1 unit of euv per week): nothing limits it."]


def test_unknown_facility_is_an_input_error_with_a_suggestion(tiny_result: sc.StressResult) -> None:
    with pytest.raises(InputError, match="did you mean 'dc_cn'"):
        sc.explain(tiny_result, "dc_cm")


def test_depth_limit_stops_the_walk(tiny_result: sc.StressResult) -> None:
    chain = sc.explain(tiny_result, "dc_cn", max_depth=0).chain
    assert set(chain["facility"]) == {"dc_cn"}


def test_given_shares_replace_the_attribution(tiny_result: sc.StressResult) -> None:
    shares = pd.DataFrame({"us-chips": [43.75]}, index=pd.Index(["dc_cn"], name="facility"))
    causes = sc.explain(tiny_result, "dc_cn", shares=shares).causes
    assert causes["player"].tolist() == ["us-chips"]
    assert causes["share"].tolist() == pytest.approx([1.0])
