"""Provenance of a network's figures: the optional ``sources`` table, its validation, the
per-figure source rule (``<column>_source``, else ``source``) and run.json's count of the
estimates behind a run's loss (docs/model.md §1.1)."""

from __future__ import annotations

import json

import pytest
from builders import facility, recipe, supply

import supplychain as sc
from supplychain.provenance import figures, headline_provenance

SOURCES = [
    {"key": "pub", "kind": "published", "title": "A report", "year": "2024", "url": "https://example.org"},
    {"key": "est:x", "kind": "estimate", "title": "guess", "method": "capacity = demand x 1.2"},
]


def _chain(**extra) -> sc.Network:
    """src (material, capacity 10, source pub) -> fab (foundry, capacity 4, capacity_source
    est:x); the recipe's quantity is published, its stock an estimate; the edge's share
    published."""
    facs = [
        facility("src", "JPN", "m", "material", capacity=10, source="pub"),
        facility("fab", "KOR", "chip", "foundry", capacity=4, capacity_source="est:x", source="pub"),
    ]
    rec = [{**recipe("fab", "m", 1.0, 2.0), "quantity_source": "pub", "stock_weeks_source": "est:x"}]
    sup = [{**supply("src", "fab", "m"), "source": "pub"}]
    items = [{"id": "m", "value": 1, "source": "pub"}, {"id": "chip", "value": 2, "value_source": "est:x"}]
    return sc.Network(items, facs, rec, sup, sources=extra.get("sources", SOURCES), name="chain")


def test_figures_take_the_column_source_before_the_row_source():
    """Figures: items value x2 (m: row source pub; chip: value_source est:x), facilities
    capacity x2 (src: pub; fab: capacity_source est:x) and recovery_weeks x2 (defaulted 26,
    row source pub), the recipe's quantity (pub) and stock_weeks (est:x), the edge's share
    (pub): 9 figures, 3 estimates."""
    figs = figures(_chain()).set_index(["table", "row", "column"])
    assert len(figs) == 9
    assert figs.loc[("items", "chip", "value"), "kind"] == "estimate"
    assert figs.loc[("items", "m", "value"), "kind"] == "published"
    assert figs.loc[("facilities", "fab", "capacity"), "source"] == "est:x"
    assert figs.loc[("facilities", "src", "capacity"), "source"] == "pub"
    assert figs.loc[("recipes", "fab|m", "stock_weeks"), "kind"] == "estimate"
    assert figs.loc[("supplies", "src|fab|m", "share"), "kind"] == "published"
    assert int((figs["kind"] == "estimate").sum()) == 3


def test_headline_counts_the_figures_behind_the_loss():
    """src stops: src and fab lose output (fab's limiting input m). Behind the loss: the two
    capacities (src pub, fab est), fab's recipe quantity (pub) and stock (est), the edge's share
    (pub): 5 figures, 2 estimates, 0.4."""
    net = _chain()
    res = sc.stress(
        net,
        sc.Scenario.model_validate({"name": "t", "disruptions": [{"name": "d", "facilities": ["src"]}]}),
    )
    alpha = res.facilities["availability"].reindex(net.facilities["id"]).to_numpy()
    out = headline_provenance(net, alpha)
    assert out["behind_the_loss"] == {
        "figures": 5,
        "published": 3,
        "estimates": 2,
        "without_source": 0,
        "estimated_share": 0.4,
    }
    assert out["network"]["figures"] == 9
    assert out["network"]["estimates"] == 3


def test_run_json_states_the_provenance(tmp_path):
    net = _chain()
    res = sc.stress(
        net,
        sc.Scenario.model_validate({"name": "t", "disruptions": [{"name": "d", "facilities": ["src"]}]}),
    )
    sc.write_reports(res, tmp_path / "out")
    info = json.loads((tmp_path / "out" / "run.json").read_text())
    assert info["provenance"]["behind_the_loss"]["estimated_share"] == 0.4


def test_without_a_sources_table_nothing_is_checked():
    facs = [facility("a", "JPN", "m", "material", capacity=1, source="anything")]
    net = sc.Network([{"id": "m"}], facs, [], [])
    assert net.sources.empty
    assert (figures(net)["kind"] == "").all()


@pytest.mark.parametrize(
    ("sources", "message"),
    [
        (SOURCES[:1], "unknown source 'est:x'"),
        ([*SOURCES, {"key": "pub", "kind": "published"}], "duplicate"),
        ([SOURCES[0], {"key": "est:x", "kind": "estimate"}], "does not say its method"),
        ([SOURCES[0], {**SOURCES[1], "kind": "guess"}], "is not one of published, estimate"),
    ],
)
def test_bad_sources_are_input_errors(sources, message):
    with pytest.raises(sc.InputError) as err:
        _chain(sources=sources)
    assert message in str(err.value)


def test_bundled_sources_read_from_csv():
    net = sc.read_network("semiconductors")
    assert {"published", "estimate"} == set(net.sources["kind"])
    assert "sources" in repr(net)
