"""The strategy in words, who uses what, and the frontier's plots (docs/model.md §6), on the
consortium contest of tests/test_optimise_members.py: members IND and BRA, srv_us's servers
denied to them and to DEU, srv_mx could be qualified for dc_de (3) or dc_in (5), or certified (4, lead 26).

Budget 4: certify srv_mx (opens dc_in and dc_br, both used: 2 each); the members' loss 70 -> 35
(each gets half its need over the last 26 of 52 weeks), the world's 170 -> 135.
Budget 12: also qualify srv_mx -> dc_in (5, no lead): dc_in whole, dc_br half; members 70 -> 10,
world 170 -> 110; cost 9.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib as mpl
import pytest
from builders import contest_network

import supplychain as sc
from supplychain.strategy_text import members_use, money, strategy_sentences

mpl.use("Agg")

CONTROL = {
    "name": "us-servers",
    "issuer": "USA",
    "items": ["server"],
    "destinations": ["IND", "BRA", "DEU"],
    "licence_approval": 0,
}


def _run(budget: float, **block: Any) -> sc.StressResult:
    scenario = sc.Scenario.model_validate(
        {
            "name": "contest",
            "horizon_weeks": 52,
            "controls": [CONTROL],
            "optimise": {"consortium": {"name": "c", "members": ["IND", "BRA"]}, "budget": budget, **block},
        }
    )
    return sc.run_scenario(contest_network(), scenario, analyses=False, exposure=False, progress=False)


@pytest.fixture(scope="module")
def four() -> sc.StressResult:
    return _run(4)


@pytest.fixture(scope="module")
def twelve() -> sc.StressResult:
    return _run(12)


def test_money_reads_as_a_person_says_it() -> None:
    assert [money(v) for v in (4, 15e6, 1666666.67, 2.5e9)] == ["USD 4", "USD 15 M", "USD 1.67 M", "USD 2.5 bn"]


def test_certification_in_words(four: sc.StressResult) -> None:
    assert strategy_sentences(four) == [
        "Certify srv_mx for server: USD 4, shared by 2 members that use it, USD 2 each; in use after 26 weeks, "
        "up to 100 % of each member buyer’s need.",
        "Together the plan costs USD 4 and lowers the members' expected loss of final output from 70 to 35 per "
        "week (50.0 % less); the world's goes from 170 to 135.",
    ]


def test_qualification_in_words(twelve: sc.StressResult) -> None:
    sentences = strategy_sentences(twelve)
    assert (
        sentences[0]
        == "Qualify srv_mx as a supplier of server to dc_in (IND): USD 5; in use at once, up to 100 % of its need."
    )
    assert sentences[-1].startswith("Together the plan costs USD 9 and lowers the members' expected loss")
    assert "from 70 to 10 per week (85.7 % less); the world's goes from 170 to 110." in sentences[-1]


def test_members_use(twelve: sc.StressResult) -> None:
    """Only the certification is shared: IND and BRA pay 2 each; the qualification has no
    members' share (it is one buyer's)."""
    use = members_use(twelve)
    assert use.index.tolist() == ["certify srv_mx / server"]
    assert use.loc["certify srv_mx / server"].to_dict() == {"IND": 2.0, "BRA": 2.0}
    assert members_use(sc.stress(contest_network(), sc.Scenario.model_validate({"name": "none"}))).empty


def test_frontier_plot_draws_cost_against_the_members_loss(twelve: sc.StressResult) -> None:
    """frontier.csv by budget 0, 3, 7, 12: cost 0, 0, 5, 9 and members' loss 70, 70, 20, 10;
    the plot keeps the first budget of each cost: (0, 70), (5, 20), (9, 10)."""
    ax = twelve.plot_frontier()
    expected = ax.get_lines()[0]
    assert expected.get_xdata().tolist() == [0, 5, 9]
    assert expected.get_ydata().tolist() == pytest.approx([70, 20, 10])
    assert ax.get_xlabel() == "cost of the plan"
    assert ax.get_title() == "contest: the frontier"


def test_members_use_plot(twelve: sc.StressResult) -> None:
    ax = twelve.plot_members_use()
    assert [t.get_text() for t in ax.get_xticklabels()] == ["IND", "BRA"]
    assert [t.get_text() for t in ax.texts] == ["2", "2"]


def test_report_tells_the_strategy(twelve: sc.StressResult, tmp_path: Path) -> None:
    folder = sc.write_reports(twelve, tmp_path / "out")
    page = (folder / "report.html").read_text(encoding="utf-8")
    assert "Qualify srv_mx as a supplier of server to dc_in (IND): USD 5" in page
    assert "Which members use which action" in page
    assert "Frontier: the members&#x27; lost output per week against the plan&#x27;s cost" in page


def test_expansion_in_words() -> None:
    """tests/test_expansions.py's build network within a budget of 6: expand A, srv_mx + 20 a
    week from week 0 (cost 6), paid by every member alike (srv_mx is in MEX, no member's):
    IND and BRA 3 each; the members' loss 40 -> 20."""
    from test_expansions import build_network, build_scenario

    res = sc.run_scenario(
        build_network(), build_scenario({"budget": 6}, ["IND", "BRA"]), analyses=False, exposure=False, progress=False
    )
    sentences = strategy_sentences(res)
    assert sentences[0] == (
        "Build 20 units per week more server at srv_mx (MEX): USD 6, shared by 2 members that use it, USD 3 each; "
        "in use at once."
    )
    assert "from 40 to 20 per week (50.0 % less)" in sentences[-1]
    assert members_use(res).index.tolist() == ["expand srv_mx"]
