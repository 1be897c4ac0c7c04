"""Monte Carlo benchmark: naive loop vs full batch vs cone-limited engine, same samples.

    python benchmarks/bench_montecarlo.py [--facilities 10000] [--supplies 100000] [--samples 1000]
                                          [--naive-samples 5] [--profile {light,heavy}]

Three ways to evaluate the same Monte Carlo samples of a generated network (generate.py):

- naive: one networkx traversal per sample (topological order of the SCC condensation,
  computed once; per sample a Python loop over facilities and their in-edges, cycles iterated
  to the greatest fixed point). Timed on ``--naive-samples`` samples and scaled per sample.
- full batch: the level engine (``stress.propagate``) on dense sample × edge arrays, 32
  samples per call.
- cone-limited: ``monte_carlo`` as shipped (only the downstream cone of each sample's
  changes is recomputed), with each cone engine: ``numpy`` and, when numba is installed
  (``pip install -e ".[fast]"``), the compiled ``numba`` loop. The compiled kernel is loaded
  (or compiled, the first time) by a warm-up call outside the timings; its load time is
  printed.

Scenario profiles: ``light`` (controls certain, licences denied or granted 99 % of the time,
disruptions with probability 0.02), ``heavy`` (controls in force with probability 0.9, 5 %
licence flips, disruptions with probability 0.1), and ``sparse`` (licences 99.9 %, disruptions
0.002: a sample changes about 3 edges) to show how the speed-up scales with the changes per
sample. ``both`` runs light and heavy, ``all`` (default) all three. Times are taken without
tracemalloc (which slows allocation); the memory peak comes from a second, traced run.
Prints samples/s, the speed-up over naive and peak memory (tracemalloc) of each. numba's own
allocations are invisible to tracemalloc, so the numba rows add the kernel's working arrays
(α, own and edge factors, recipe sums and queues: 8 bytes × (3N + 2E + R) plus N bytes),
computed from the network's size.
"""

from __future__ import annotations

import argparse
import sys
import time
import tracemalloc
from pathlib import Path

import networkx as nx
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import generate_network, generate_scenario

import supplychain as sc
from supplychain.montecarlo import BLOCK, MonteCarloModel, numba_available
from supplychain.scenario import compile_scenario
from supplychain.stress import propagate


def scenario_profile(net: sc.Network, profile: str) -> sc.Scenario:
    """The generated scenario with Monte Carlo probabilities of the chosen profile."""
    data = generate_scenario(net, n_controls=5, seed=0).model_dump(by_alias=True, exclude_none=True)
    for control in data["controls"]:
        denied = control.get("licence_approval", 0.0) < 0.5
        if profile == "sparse":
            control["probability"] = 1.0
            control["licence_approval"] = 0.001 if denied else 0.999
        elif profile == "light":
            control["probability"] = 1.0
            control["licence_approval"] = 0.01 if denied else 0.99
        else:
            control["probability"] = 0.9
            control["licence_approval"] = 0.05 if denied else 0.95
    for shock in data["disruptions"]:
        shock["probability"] = {"sparse": 0.002, "light": 0.02}.get(profile, 0.1)
    data["name"] = f"bench-{profile}"
    return sc.Scenario.model_validate(data)


def naive(net: sc.Network, model: MonteCarloModel, seed: int, samples: int) -> float:
    """Seconds per sample of a plain per-sample networkx traversal."""
    arr = net.arrays
    plan = arr.plan
    graph = nx.DiGraph()
    graph.add_nodes_from(range(arr.n_facilities))
    for e, (u, v) in enumerate(zip(arr.edge_src.tolist(), arr.edge_dst.tolist(), strict=True)):
        graph.add_edge(u, v, edge=e)
    condensed = nx.condensation(graph)
    order = [condensed.nodes[c]["members"] for c in nx.topological_sort(condensed)]
    recipes: dict[int, list[int]] = {}
    for r, f in enumerate(arr.recipe_facility.tolist()):
        recipes.setdefault(f, []).append(r)
    stock = compile_scenario(net, model_scenario[0]).stock_term
    started = time.perf_counter()
    draw = model.draw(seed, 0)
    edge_factor, own_factor = model.dense(draw, samples)
    for s in range(samples):
        a, o = edge_factor[s], own_factor[s]
        alpha = np.ones(arr.n_facilities)

        def value(v: int, alpha: np.ndarray = alpha, a: np.ndarray = a, o: np.ndarray = o) -> float:
            worst = 1.0
            for r in recipes.get(v, []):
                total = stock[r]
                for u, _, data in graph.in_edges(v, data=True):
                    e = data["edge"]
                    if arr.edge_recipe[e] == r:
                        total += arr.share[e] * a[e] * alpha[u]
                worst = min(worst, total)
            return o[v] * min(1.0, worst)

        for members in order:
            members = sorted(members)
            if len(members) == 1:
                alpha[members[0]] = value(members[0])
                continue
            for v in members:
                alpha[v] = o[v]
            while True:
                new = [value(v) for v in members]
                step = max(abs(x - alpha[v]) for x, v in zip(new, members, strict=True))
                for x, v in zip(new, members, strict=True):
                    alpha[v] = x
                if step <= 1e-12:
                    break
    del plan
    return (time.perf_counter() - started) / samples


model_scenario: list[sc.Scenario] = []


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--facilities", type=int, default=10_000)
    p.add_argument("--supplies", type=int, default=100_000)
    p.add_argument("--samples", type=int, default=1_000)
    p.add_argument("--naive-samples", type=int, default=5)
    p.add_argument("--profile", choices=["sparse", "light", "heavy", "both", "all"], default="all")
    args = p.parse_args()
    net = generate_network(args.facilities, args.supplies, seed=0)
    net.arrays  # noqa: B018 - build once, outside the timings
    rows = []
    profiles = (
        ["sparse", "light", "heavy"]
        if args.profile == "all"
        else ["light", "heavy"]
        if args.profile == "both"
        else [args.profile]
    )
    for profile in profiles:
        scenario = scenario_profile(net, profile)
        model_scenario[:] = [scenario]
        model = MonteCarloModel(net, scenario)
        per_naive = naive(net, model, 7, args.naive_samples)

        stock = compile_scenario(net, scenario).stock_term

        def full_batch(model: MonteCarloModel = model, stock: np.ndarray = stock) -> None:
            for b in range(-(-args.samples // BLOCK)):
                size = min(BLOCK, args.samples - b * BLOCK)
                edge_factor, own_factor = model.dense(model.draw(7, b), size)
                for k in range(0, size, 32):
                    propagate(net.arrays.plan, edge_factor[k : k + 32], own_factor[k : k + 32], stock)

        engines = ["numpy", "numba"] if numba_available() else ["numpy"]
        runs = [("full batch", full_batch)]
        for engine in engines:

            def cone_limited(scenario: sc.Scenario = scenario, engine: str = engine) -> None:
                sc.monte_carlo(net, scenario, samples=args.samples, seed=7, engine=engine)

            runs.append((f"cone-limited ({engine})", cone_limited))
            if engine == "numba":
                started = time.perf_counter()
                sc.monte_carlo(net, scenario, samples=1, seed=7, engine="numba")  # load or compile
                load = time.perf_counter() - started
                if profile == profiles[0]:
                    print(f"numba kernel: first call {load:.2f} s (compiles once, then loads from its cache)")

        timed = {}
        for name, run in runs:
            started = time.perf_counter()  # timed without tracemalloc, which slows allocation
            run()
            seconds = time.perf_counter() - started
            tracemalloc.start()  # a second run for the memory peak
            run()
            peak = tracemalloc.get_traced_memory()[1] / 2**20
            tracemalloc.stop()
            if name.endswith("(numba)"):
                n, e, r = net.arrays.n_facilities, net.arrays.n_edges, len(net.arrays.recipe_facility)
                peak += (8 * (3 * n + 2 * e + r) + n) / 2**20
            timed[name] = (seconds, peak)
        naive_seconds = per_naive * args.samples
        rows.append((profile, "naive", args.samples, naive_seconds, args.samples / naive_seconds, 1.0, float("nan")))
        for name, (seconds, peak) in timed.items():
            rows.append(
                (profile, name, args.samples, seconds, args.samples / seconds, per_naive * args.samples / seconds, peak)
            )
    print(
        f"\n{args.facilities} facilities, {args.supplies} supply edges, {args.samples} samples "
        f"(naive timed on {args.naive_samples} samples and scaled)\n"
    )
    print("| profile | engine | samples | seconds | samples/s | × naive | peak MiB |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for profile, name, n, seconds, rate, ratio, peak in rows:
        print(f"| {profile} | {name} | {n} | {seconds:.2f} | {rate:,.0f} | {ratio:,.0f} | {peak:.0f} |")


if __name__ == "__main__":
    main()
