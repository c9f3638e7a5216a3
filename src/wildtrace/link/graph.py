"""The seller network as a graph of accounts: groups, communities, key accounts, exports.

Nodes are accounts (``platform:seller``; a listing with no seller stands alone as
``listing:<id>``); an edge joins two accounts that a link joins, weighted by how many
distinct reasons join them, and carrying those reasons. From it:

- ``group``: the connected network the account belongs to (the cluster of ``link``);
- ``community``: a tighter circle within a group, found by Leiden (leidenalg, modularity,
  fixed seed: the same input always gives the same communities);
- ``degree`` (how many accounts it is tied to) and ``betweenness`` (normalised, 0-1: how
  often it sits on the shortest path between two others; brokers and fronts score high).

Exports: GEXF and GraphML (Gephi, Cytoscape, yEd) and JSON (nodes, edges with reasons).
"""

from __future__ import annotations

import io
import json
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from wildtrace.link.resolve import LABELS, account_of, describe
from wildtrace.model import Listing, Network

if TYPE_CHECKING:
    import networkx as nx

Format = Literal["gexf", "graphml", "json"]
FORMATS: tuple[Format, ...] = ("gexf", "graphml", "json")
DEFAULT_SEED = 42
#: Exact betweenness costs O(nodes x edges) per group; larger groups use this many samples.
_BETWEENNESS_EXACT = 2000
#: Accounts sharing one value are all tied to each other up to this many (then: the star).
_CLIQUE = 50
#: Networks of at most this many accounts are one community: every split of three
#: accounts or fewer has negative modularity, so Leiden returns one community (checked on
#: 3,000 weighted graphs); ``_analyse_small`` works them out without igraph.
_ONE_COMMUNITY = 3


@dataclass
class AccountNode:
    """One account in the graph, with what the analysis says about it."""

    account: str
    platform: str
    seller: str
    listings: list[str] = field(default_factory=list)
    group: str = ""
    community: str = ""
    degree: int = 0
    betweenness: float = 0.0


@dataclass
class AccountGraph:
    """Accounts, the reasons that tie them, and held-back values, ready to export."""

    nodes: dict[str, AccountNode]
    edges: dict[tuple[str, str], list[str]]  # (account, account) sorted -> reasons
    held_back: list[dict[str, Any]] = field(default_factory=list)


def build_graph(listings: list[Listing], network: Network, seed: int = DEFAULT_SEED) -> AccountGraph:
    """The account graph of a linking result, with groups, communities and centralities."""
    nodes: dict[str, AccountNode] = {}
    owner: dict[str, str] = {}
    for listing in listings:
        account = account_of(listing) or f"listing:{listing.key}"
        owner[str(listing.key)] = account
        node = nodes.get(account)
        if node is None:
            node = nodes[account] = AccountNode(account, listing.platform or "", listing.seller or "")
            node.group = network.clusters.get(str(listing.key), "")
        node.listings.append(str(listing.key))
    edges: dict[tuple[str, str], list[str]] = defaultdict(list)

    def tie(first: str | None, second: str | None, reason: str) -> None:
        if first is None or second is None or first == second:
            return
        key = (min(first, second), max(first, second))
        if reason not in edges[key]:
            edges[key].append(reason)

    # Links are stars from a group's first listing; in the graph, every account that gives a
    # value is tied to every other (a clique, up to _CLIQUE accounts), so that centrality
    # reflects who really bridges groups, not who was listed first.
    by_value: dict[tuple[str, str], list[str]] = defaultdict(list)
    for link in network.links:
        tie(owner.get(link.source), owner.get(link.target), link.reason)
        if link.kind not in ("account", "judgement"):
            members = by_value[(link.kind, link.value)]
            for uid in (link.source, link.target):
                if uid not in members:
                    members.append(uid)
    by_id = {str(listing.key): listing for listing in listings}
    for (kind, value), members in by_value.items():
        if len(members) > _CLIQUE:
            continue
        for i, first in enumerate(members):
            for second in members[i + 1 :]:
                key = (min(owner[first], owner[second]), max(owner[first], owner[second]))
                if key in edges or nodes[key[0]].group != nodes[key[1]].group:
                    continue  # already tied, or kept apart (an analyst's rejection)
                tie(owner[first], owner[second],
                    f"{describe(by_id[first])} and {describe(by_id[second])} are tied by "
                    f"{LABELS.get(kind, kind)} {value}")  # fmt: skip
    graph = AccountGraph(nodes, dict(edges), [
        {"kind": h.kind, "value": h.value, "accounts": h.accounts, "reason": h.reason}
        for h in network.held_back
    ])  # fmt: skip
    _analyse(graph, seed)
    return graph


def _analyse(graph: AccountGraph, seed: int) -> None:
    """Communities (Leiden) and centralities, group by group."""
    import igraph  # imported here: the CLI starts faster without igraph and leidenalg
    import leidenalg

    names = sorted(graph.nodes)
    members: dict[str, list[str]] = defaultdict(list)
    for name in names:
        members[graph.nodes[name].group].append(name)
    adjacency: dict[str, list[tuple[str, str, int]]] = defaultdict(list)
    for (first, second), reasons in graph.edges.items():
        adjacency[graph.nodes[first].group].append((first, second, len(reasons)))
    for group_id, group in sorted(members.items()):
        if len(group) == 1:  # most accounts stand alone: no graph to build
            graph.nodes[group[0]].community = f"{group_id}.1"
            continue
        edges = adjacency.get(group_id, [])
        if len(group) <= _ONE_COMMUNITY:
            _analyse_small(graph, group_id, group, edges)
            continue
        local = {name: position for position, name in enumerate(group)}
        ig = igraph.Graph(n=len(group), edges=[(local[a], local[b]) for a, b, _ in edges])
        weights = [float(w) for _, _, w in edges]
        for name, degree in zip(group, ig.degree(), strict=True):
            graph.nodes[name].degree = degree
        if edges:
            if len(group) <= _BETWEENNESS_EXACT:
                scores = ig.betweenness(directed=False)
            else:  # paths of at most 6 steps: the brokers that matter at investigation scale
                scores = ig.betweenness(directed=False, cutoff=6)
            pairs = (len(group) - 1) * (len(group) - 2) / 2
            for name, score in zip(group, scores, strict=True):
                graph.nodes[name].betweenness = round(score / pairs, 6)
        if edges:
            partition = leidenalg.find_partition(
                ig, leidenalg.ModularityVertexPartition, weights=weights, seed=seed
            )
            membership = partition.membership
        else:
            membership = [0] * len(group)
        for name, community in zip(group, membership, strict=True):
            graph.nodes[name].community = f"{group_id}.{community + 1}"


def _analyse_small(
    graph: AccountGraph, group_id: str, group: list[str], edges: list[tuple[str, str, int]]
) -> None:
    """A network of two or three accounts, worked out directly (what igraph and Leiden give,
    without building a graph for each of the many small networks of a large store): one
    community; in a chain of three, the middle account lies on the one shortest path."""
    degree = dict.fromkeys(group, 0)
    for first, second, _ in edges:
        degree[first] += 1
        degree[second] += 1
    for name in group:
        node = graph.nodes[name]
        node.degree = degree[name]
        node.betweenness = 1.0 if len(group) == 3 and len(edges) == 2 and degree[name] == 2 else 0.0
        node.community = f"{group_id}.1"


def key_accounts(graph: AccountGraph, top: int = 10) -> list[AccountNode]:
    """The accounts most central to their networks: betweenness, then degree."""
    tied = [node for node in graph.nodes.values() if node.degree > 0]
    return sorted(tied, key=lambda n: (-n.betweenness, -n.degree, n.account))[:top]


def to_networkx(graph: AccountGraph) -> nx.Graph:
    """A networkx graph with scalar attributes (what GEXF and GraphML can hold)."""
    import networkx as nx

    exported = nx.Graph()
    for name in sorted(graph.nodes):
        node = graph.nodes[name]
        exported.add_node(
            name, label=node.seller or name, platform=node.platform, seller=node.seller,
            listings=len(node.listings), group=node.group, community=node.community,
            degree=node.degree, betweenness=node.betweenness,
        )  # fmt: skip
    for (first, second), reasons in sorted(graph.edges.items()):
        exported.add_edge(first, second, weight=float(len(reasons)), reasons="\n".join(reasons))
    return exported


def to_json(graph: AccountGraph) -> dict[str, Any]:
    """Nodes, edges (with every reason) and held-back values, for the web app and scripts."""
    return {
        "nodes": [
            {"id": n.account, "platform": n.platform, "seller": n.seller, "listings": n.listings,
             "group": n.group, "community": n.community, "degree": n.degree,
             "betweenness": n.betweenness}
            for n in (graph.nodes[name] for name in sorted(graph.nodes))
        ],
        "edges": [
            {"source": first, "target": second, "weight": len(reasons), "reasons": reasons}
            for (first, second), reasons in sorted(graph.edges.items())
        ],
        "held_back": graph.held_back,
    }  # fmt: skip


def render(graph: AccountGraph, fmt: Format) -> bytes:
    """The graph in ``fmt`` as bytes (all text escaped by the writers); the caller writes
    them where the user asked (linking itself writes no file)."""
    if fmt == "json":
        return (json.dumps(to_json(graph), ensure_ascii=False, indent=1) + "\n").encode("utf-8")
    import networkx as nx

    buffer = io.BytesIO()
    writer = nx.write_gexf if fmt == "gexf" else nx.write_graphml
    writer(to_networkx(graph), buffer)
    return buffer.getvalue()
