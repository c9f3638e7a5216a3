"""The account graph: groups, communities (seeded Leiden), key accounts, exports."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import networkx as nx
import pytest

from wildtrace.link import link_listings
from wildtrace.link.graph import build_graph, key_accounts, render
from wildtrace.model import Analysis, Detection, Listing, Selector

DETECTION = Detection(score=0.9, flagged=True)


def _pair(listing_id: str, seller: str, *phones: str) -> tuple[Listing, Analysis]:
    selectors = tuple(Selector("phone", p, p, "text", 0, len(p)) for p in phones)
    return Listing(id=listing_id, platform="p", seller=seller), Analysis(listing_id, DETECTION, selectors)


def _two_triangles_and_a_broker() -> list[tuple[Listing, Analysis]]:
    # triangle A-B-C (phone 1), triangle D-E-F (phone 2), broker M holds both phones
    return [
        _pair("a", "A<script>", "+84911111111"), _pair("b", "B", "+84911111111"),
        _pair("c", "C", "+84911111111"), _pair("d", "D", "+84922222222"),
        _pair("e", "E", "+84922222222"), _pair("f", "F", "+84922222222"),
        _pair("m", "M", "+84911111111", "+84922222222"), _pair("z", "Z"),
    ]  # fmt: skip


def _graph():  # type: ignore[no-untyped-def]
    pairs = _two_triangles_and_a_broker()
    return build_graph([listing for listing, _ in pairs], link_listings(pairs), seed=7)


def test_groups_degree_and_the_broker_is_the_key_account() -> None:
    graph = _graph()
    assert len(graph.nodes) == 8
    assert graph.nodes["p:Z"].degree == 0 and graph.nodes["p:Z"].group != graph.nodes["p:B"].group
    assert graph.nodes["p:M"].group == graph.nodes["p:B"].group == graph.nodes["p:E"].group
    top = key_accounts(graph, 3)
    assert top[0].account == "p:M" and top[0].betweenness > 0


def test_communities_separate_the_two_circles_and_are_seeded() -> None:
    graph = _graph()
    first = {graph.nodes[n].community for n in ("p:A<script>", "p:B", "p:C")}
    second = {graph.nodes[n].community for n in ("p:D", "p:E", "p:F")}
    assert len(first) == 1 and len(second) == 1 and first != second
    again = _graph()
    assert {n: v.community for n, v in graph.nodes.items()} == {
        n: v.community for n, v in again.nodes.items()
    }


def test_exports_load_in_networkx_and_keep_the_reasons(tmp_path: Path) -> None:
    graph = _graph()
    for fmt in ("gexf", "graphml"):
        path = tmp_path / f"net.{fmt}"
        path.write_bytes(render(graph, fmt))  # type: ignore[arg-type]
        loaded = nx.read_gexf(path) if fmt == "gexf" else nx.read_graphml(path)
        assert loaded.number_of_nodes() == 8
        assert "both give phone" in next(iter(loaded.edges(data=True)))[2]["reasons"]
        ET.parse(path)  # well-formed XML, hostile names escaped
        assert "<script>" not in path.read_text("utf-8")
    path = tmp_path / "net.json"
    path.write_bytes(render(graph, "json"))
    data = json.loads(path.read_text("utf-8"))
    assert {"nodes", "edges", "held_back"} <= data.keys()
    assert all(edge["reasons"] for edge in data["edges"])


@pytest.mark.parametrize("ties", [[("a", "b")], [("a", "b"), ("b", "c")], [("a", "c"), ("b", "c")],
                                  [("a", "b"), ("b", "c"), ("a", "c")]])  # fmt: skip
def test_small_networks_are_worked_out_as_igraph_and_leiden_would(ties: list[tuple[str, str]]) -> None:
    """Networks of two or three accounts skip igraph (most networks of a large store):
    the same degrees and betweenness as networkx computes, and one community."""
    from wildtrace.link.graph import AccountGraph, AccountNode, _analyse

    names = sorted({name for tie in ties for name in tie})
    nodes = {name: AccountNode(name, "p", name, group="N00001") for name in names}
    graph = AccountGraph(nodes, {tie: ["a reason"] for tie in ties})
    _analyse(graph, seed=42)
    expected = nx.Graph(ties)
    centrality = nx.betweenness_centrality(expected, normalized=True)
    for name in names:
        assert nodes[name].degree == expected.degree[name]
        assert nodes[name].betweenness == round(centrality[name], 6)
        assert nodes[name].community == "N00001.1"
