"""Monte Carlo benchmark: naive loop vs full batch vs cone-limited engine, same samples.

    python benchmarks/bench_montecarlo.py [--facilities 10000] [--supplies 100000] [--samples 1000]
                                          [--naive-samples 30] [--repeats 3]
                                          [--profile {sparse,light,heavy,both,all}]

Three ways to evaluate the same Monte Carlo samples of a generated network (generate.py):

- naive: the plain per-sample Python loop a competent engineer would write first
  (``NaiveLoop``). Built once, untimed: the evaluation order from networkx (topological order
  of the strongly-connected-component condensation) and each facility's in-edges grouped by
  recipe as Python lists of (supplier, edge, share). Per sample: the sample's dense edge and
  own factors converted to Python lists once, then one pass over the facilities in that
  order, each component of several facilities iterated from α = o to the greatest fixed
  point (steps ≤ 1e-12), as the level engine does. Timed on the first ``--naive-samples``
  samples (drawing them is not timed) and scaled to ``--samples``; its α is checked against
  the full-batch and both cone engines on those samples (the run stops if any differs by
  more than 1e-9).
- full batch: the level engine (``stress.propagate``) on dense sample × edge arrays, 32
  samples per call, drawing included.
- cone-limited: ``monte_carlo`` as shipped (only the downstream cone of each sample's
  changes is recomputed), with each cone engine: ``numpy`` and, when numba is installed
  (``pip install -e ".[fast]"``), the compiled ``numba`` loop. The compiled kernel is loaded
  (or compiled, the first time) by a warm-up call outside the timings; its load time is
  printed.

Scenario profiles: ``light`` (controls certain, licences denied or granted 99 % of the time,
disruptions with probability 0.02), ``heavy`` (controls in force with probability 0.9, 5 %
licence flips, disruptions with probability 0.1), and ``sparse`` (licences 99.9 %, disruptions
0.002: a sample changes about 3 edges) to show how the speed-up scales with the changes per
sample. ``both`` runs light and heavy, ``all`` (default) all three. The machine may be shared,
so the four ways are timed in ``--repeats`` interleaved rounds and each keeps its best; the
load average is printed before and after each profile. Times are taken without tracemalloc
(which slows allocation); the memory peak comes from a further, traced run. Prints seconds,
samples/s, the speed-up over naive and over the full batch and the peak memory (tracemalloc)
of each. numba's own allocations are invisible to tracemalloc, so the numba rows add the
kernel's working arrays (α, own and edge factors, recipe sums and queues:
8 bytes × (3N + 2E + R) plus N bytes), computed from the network's size.
"""

from __future__ import annotations

import argparse
import os
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


class NaiveLoop:
    """The fair baseline: a plain per-sample Python loop, built once per scenario.

    Built before any sample: the evaluation order from networkx (topological order of the
    strongly-connected-component condensation, each component's members sorted), and each
    facility's in-edges grouped by recipe once, as Python lists: per facility a list of
    recipes ``(stock term, [(supplier, edge, share), ...])``. Per sample (``alpha``) the
    sample's edge and own factors are converted to Python lists once and every facility is
    evaluated in that order, α_v = o_v · min(1, min_k (stock_k + Σ share_e · a_e · α_u)); a
    strongly connected component of several facilities is iterated from α = o (Jacobi: all
    members from the previous iterate) until no member moves by more than 1e-12, the greatest
    fixed point, as the level engine does. No numpy in the per-sample loop.
    """

    def __init__(self, net: sc.Network, stock_term: np.ndarray) -> None:
        arr = net.arrays
        self.n = arr.n_facilities
        graph: nx.DiGraph[int] = nx.DiGraph()
        graph.add_nodes_from(range(self.n))
        graph.add_edges_from(zip(arr.edge_src.tolist(), arr.edge_dst.tolist(), strict=True))
        condensed = nx.condensation(graph)
        self.order = [sorted(condensed.nodes[c]["members"]) for c in nx.topological_sort(condensed)]
        stock = stock_term.tolist()
        edges_of: list[list[tuple[int, int, float]]] = [[] for _ in stock]
        for e, (u, r, share) in enumerate(
            zip(arr.edge_src.tolist(), arr.edge_recipe.tolist(), arr.share.tolist(), strict=True)
        ):
            edges_of[r].append((u, e, share))
        self.recipes: list[list[tuple[float, list[tuple[int, int, float]]]]] = [[] for _ in range(self.n)]
        for r, v in enumerate(arr.recipe_facility.tolist()):
            self.recipes[v].append((stock[r], edges_of[r]))

    def alpha(self, edge_factor: np.ndarray, own_factor: np.ndarray) -> list[float]:
        """α of one sample (table order) from its dense edge (E) and own (N) factors."""
        a, o = edge_factor.tolist(), own_factor.tolist()
        recipes = self.recipes
        alpha = [0.0] * self.n

        def value(v: int) -> float:
            worst = 1.0
            for total, edges in recipes[v]:
                for u, e, share in edges:
                    total += share * a[e] * alpha[u]
                if total < worst:
                    worst = total
            return o[v] * worst

        for members in self.order:
            if len(members) == 1:  # no self-supply (the network rejects it): acyclic
                alpha[members[0]] = value(members[0])
                continue
            for v in members:
                alpha[v] = o[v]
            step = 1.0
            while step > 1e-12:
                new = [value(v) for v in members]
                step = max(abs(x - alpha[v]) for x, v in zip(new, members, strict=True))
                for x, v in zip(new, members, strict=True):
                    alpha[v] = x
        return alpha


def naive_check(
    net: sc.Network,
    model: MonteCarloModel,
    stock: np.ndarray,
    engines: list[str],
    seed: int,
    samples: int,
    alpha: np.ndarray,
) -> dict[str, float]:
    """Largest |α_naive − α_engine| over the naive loop's samples, for the full-batch engine
    (``propagate`` on the same dense factors) and each cone engine (``MonteCarloModel.cone``)."""
    plan = net.arrays.plan
    draw = model.draw(seed, 0)
    edge_factor, own_factor = model.dense(draw, samples)
    full, _ = propagate(plan, edge_factor, own_factor, stock)
    diff = {"full batch": float(np.abs(alpha - full).max())}
    for engine in engines:
        cone_model = MonteCarloModel(net, model_scenario[0], engine=engine)
        sample, position, value = cone_model.cone(draw, samples)
        engine_alpha = np.tile(cone_model.alpha_reference, (samples, 1))
        engine_alpha[sample, position] = value
        diff[f"cone-limited ({engine})"] = float(np.abs(alpha - engine_alpha[:, plan.position]).max())
    return diff


model_scenario: list[sc.Scenario] = []


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--facilities", type=int, default=10_000)
    p.add_argument("--supplies", type=int, default=100_000)
    p.add_argument("--samples", type=int, default=1_000)
    p.add_argument("--naive-samples", type=int, default=30)
    p.add_argument("--repeats", type=int, default=3, help="interleaved rounds; each row keeps its best")
    p.add_argument("--profile", choices=["sparse", "light", "heavy", "both", "all"], default="all")
    args = p.parse_args()
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())} ({os.cpu_count()} cores)")
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
        stock = compile_scenario(net, scenario).stock_term
        started = time.perf_counter()
        loop = NaiveLoop(net, stock)
        build = time.perf_counter() - started
        started = time.perf_counter()
        naive_edge, naive_own = model.dense(model.draw(7, 0), args.naive_samples)
        sampling = time.perf_counter() - started
        print(
            f"{profile}: naive loop built in {build:.2f} s (once, untimed); drawing its "
            f"{args.naive_samples} samples {sampling * 1e3:.0f} ms (untimed)"
        )
        naive_alpha: list[list[float]] = []

        def naive_run(
            edge: np.ndarray = naive_edge, own: np.ndarray = naive_own, loop: NaiveLoop = loop, out: list = naive_alpha
        ) -> None:
            out[:] = [loop.alpha(edge[s], own[s]) for s in range(len(edge))]

        def full_batch(model: MonteCarloModel = model, stock: np.ndarray = stock) -> None:
            for b in range(-(-args.samples // BLOCK)):
                size = min(BLOCK, args.samples - b * BLOCK)
                edge_factor, own_factor = model.dense(model.draw(7, b), size)
                for k in range(0, size, 32):
                    propagate(net.arrays.plan, edge_factor[k : k + 32], own_factor[k : k + 32], stock)

        engines = ["numpy", "numba"] if numba_available() else ["numpy"]
        runs = [("naive", naive_run), ("full batch", full_batch)]
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

        best = dict.fromkeys((name for name, _ in runs), float("inf"))
        for _ in range(args.repeats):  # interleaved rounds, best of each (the machine is shared)
            for name, run in runs:
                started = time.perf_counter()  # timed without tracemalloc, which slows allocation
                run()
                best[name] = min(best[name], time.perf_counter() - started)
        diff = naive_check(net, model, stock, engines, 7, args.naive_samples, np.array(naive_alpha))
        print(
            f"{profile}: max |α naive − α engine| on the {args.naive_samples} naive samples: "
            + ", ".join(f"{name} {d:.1e}" for name, d in diff.items())
        )
        if max(diff.values()) > 1e-9:
            raise SystemExit(f"{profile}: the naive loop disagrees with an engine by more than 1e-9")
        peaks = {}
        for name, run in runs[1:]:
            tracemalloc.start()  # a second run for the memory peak
            run()
            peak = tracemalloc.get_traced_memory()[1] / 2**20
            tracemalloc.stop()
            if name.endswith("(numba)"):
                n, e, r = net.arrays.n_facilities, net.arrays.n_edges, len(net.arrays.recipe_facility)
                peak += (8 * (3 * n + 2 * e + r) + n) / 2**20
            peaks[name] = peak
        print(f"{profile}: load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        naive_seconds = best["naive"] / args.naive_samples * args.samples
        full_seconds = best["full batch"]
        for name in best:
            seconds = naive_seconds if name == "naive" else best[name]
            rows.append(
                (
                    profile,
                    name,
                    seconds,
                    args.samples / seconds,
                    naive_seconds / seconds,
                    full_seconds / seconds,
                    peaks.get(name, float("nan")),
                )
            )
    print(
        f"\n{args.facilities} facilities, {args.supplies} supply edges, {args.samples} samples, best of "
        f"{args.repeats} interleaved rounds (naive timed on {args.naive_samples} samples and scaled)\n"
    )
    print("| profile | engine | seconds | samples/s | × naive | × full batch | peak MiB |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for profile, name, seconds, rate, ratio, ratio_full, peak in rows:
        mib = "—" if np.isnan(peak) else f"{peak:.0f}"
        print(f"| {profile} | {name} | {seconds:.2f} | {rate:,.0f} | {ratio:,.1f} | {ratio_full:,.2f} | {mib} |")


if __name__ == "__main__":
    main()
