"""Benchmark the Shapley attribution ``sc.attribute`` (docs/model.md §3.4; see benchmarks/README.md).

    python benchmarks/bench_attribution.py [--facilities N] [--supplies M] [--players 10 12 20]
                                           [--orders K] [--baseline-subsets B] [--seed S]

On the generated network (``generate.py``; its generation excluded from the timings), for each
player count P the scenario has P − 1 controls (``generate_scenario``) and its one disruption.
Measured per P:

* ``attribute_s``: one ``sc.attribute(net, compiled)`` on a compiled scenario, the network's
  arrays already built (exact for P ≤ 10: 2^P subsets; sampled beyond: ``--orders`` random
  orders of P + 1 prefixes each);
* ``subsets``: the sets of players the attribution evaluates (exact: 2^P; sampled: the distinct
  prefixes of each batch of orders, ``Attribution.subsets``);
* ``baseline_s``: the plain loop a competent engineer would write first: for each subset, the
  static engine (``stress.propagate``) once on that subset's factors (``compiled.edge_factor``
  and ``own_factor`` of a one-row mask), the scenario compiled once; timed on
  ``--baseline-subsets`` subsets and scaled to ``subsets``;
* ``max_share_sum_error``: the largest |Σ of a facility's shares − its lost capacity|, in units
  per week, against ``sc.stress``'s lost capacity (the efficiency property);
* ``compute_lost``: the compute lost with every rule in force (units per week), and for sampled
  runs the median and largest standard error of the players' compute shares.

Target: 10 players exact on 10 000 facilities / 100 000 supplies in ≤ 10 s.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parents[1]), str(Path(__file__).resolve().parent)]

import numpy as np  # noqa: E402
from generate import generate_network, generate_scenario  # noqa: E402

import supplychain as sc  # noqa: E402
from supplychain.attribution import ORDERS  # noqa: E402
from supplychain.stress import propagate  # noqa: E402

TARGET_SECONDS = 10.0


def baseline_seconds(compiled: sc.CompiledScenario, players: int, subsets: int, timed: int) -> float:
    """The plain loop: one static engine call per subset, timed on ``timed`` subsets, scaled."""
    arr = compiled.network.arrays
    n_controls = len(compiled.control_names)
    rng = np.random.default_rng(0)
    masks = rng.random((timed, players)) < 0.5
    t0 = time.perf_counter()
    for mask in masks:
        propagate(
            arr.plan,
            compiled.edge_factor(mask[None, :n_controls]),
            compiled.own_factor(mask[None, n_controls:]),
            compiled.stock_term,
        )
    return (time.perf_counter() - t0) / timed * subsets


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--facilities", type=int, default=10_000)
    parser.add_argument("--supplies", type=int, default=100_000)
    parser.add_argument("--players", type=int, nargs="+", default=[10, 12, 20])
    parser.add_argument("--orders", type=int, default=ORDERS)
    parser.add_argument("--baseline-subsets", type=int, default=32)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    t0 = time.perf_counter()
    net = generate_network(args.facilities, args.supplies, seed=args.seed)
    print(
        f"network: {args.facilities} facilities, {args.supplies} supplies, "
        f"generated in {time.perf_counter() - t0:.1f} s"
    )
    net.arrays  # noqa: B018 - build the arrays outside the timings
    sc.attribute(net, generate_scenario(net, n_controls=1, seed=args.seed))  # warm-up: loads numba's cache
    header = (
        "players method   subsets attribute_s baseline_s speed-up max_share_sum_error compute_lost"
        " compute_se_median compute_se_max"
    )
    print(header)
    for players in args.players:
        scenario = generate_scenario(net, n_controls=players - 1, seed=args.seed)
        compiled = sc.compile_scenario(net, scenario)
        t0 = time.perf_counter()
        att = sc.attribute(net, compiled, orders=args.orders, seed=args.seed)
        seconds = time.perf_counter() - t0
        subsets = att.subsets
        baseline = baseline_seconds(compiled, players, subsets, args.baseline_subsets)
        result = sc.stress(net, compiled)
        lost = result.facilities["lost_capacity"].to_numpy()
        error = float(np.max(np.abs(att.shares.sum(axis=1).to_numpy() - lost)))
        se = att.compute["std_error"].to_numpy()
        se_text = f"{np.median(se):17.3g} {se.max():14.3g}" if att.method == "sampled" else f"{'—':>17} {'—':>14}"
        verdict = ""
        if players == 10 and (args.facilities, args.supplies) == (10_000, 100_000):
            verdict = "  target ≤ 10 s " + ("met" if seconds <= TARGET_SECONDS else "MISSED")
        print(
            f"{players:7d} {att.method:8s} {subsets:7d} {seconds:11.2f} {baseline:10.1f} {baseline / seconds:8.1f}"
            f" {error:19.2e} {result.metric('compute_lost'):12.6g} {se_text}{verdict}"
        )


if __name__ == "__main__":
    main()
