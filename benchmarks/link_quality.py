"""Linking quality on the demo corpus: pairwise precision, recall and F1 over accounts.

Two different accounts form a true pair when labels.csv puts them in the same network,
and a predicted pair when ``link_listings`` puts them in the same cluster. The corpus
hides one over-correlation trap (a courier's phone shared by 16 unrelated sellers);
the figures are printed with the guard on and off to show what it prevents. Usage:

    .venv/bin/python benchmarks/link_quality.py
"""

from __future__ import annotations

import csv
from itertools import combinations

from wildtrace.cli import demo_inputs
from wildtrace.collect import read_file
from wildtrace.link import account_of, link_listings
from wildtrace.model import Listing
from wildtrace.pipeline import analyze_batch


def pairwise(truth: dict[str, str], predicted: dict[str, str]) -> tuple[float, float, float, int, int]:
    true_pairs = {frozenset(p) for p in combinations(truth, 2) if truth[p[0]] == truth[p[1]]}
    predicted_pairs = {
        frozenset(p) for p in combinations(predicted, 2) if predicted[p[0]] == predicted[p[1]]
    }
    hits = len(true_pairs & predicted_pairs)
    precision = hits / len(predicted_pairs) if predicted_pairs else 0.0
    recall = hits / len(true_pairs) if true_pairs else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1, len(true_pairs), len(predicted_pairs)


def main() -> None:
    root = demo_inputs()[0].parent
    labels = {row["id"]: row for row in csv.DictReader((root / "labels.csv").open(encoding="utf-8"))}
    listings = [item for item in read_file(root / "listings.jsonl") if isinstance(item, Listing)]
    pairs = list(zip(listings, analyze_batch(listings), strict=True))
    truth: dict[str, str] = {}
    for listing in listings:
        account = account_of(listing) or listing.id
        network = labels[listing.id]["network"]
        truth[account] = network or f"alone:{account}"
    for title, max_accounts in (("guard on (default)", 6), ("guard off", 10**9)):
        network = link_listings(pairs, max_accounts=max_accounts)
        predicted = {
            account_of(listing) or listing.id: network.clusters[listing.id] for listing in listings
        }
        p, r, f1, n_true, n_pred = pairwise(truth, predicted)
        print(f"{title:<20} accounts {len(truth)}, true pairs {n_true}, predicted pairs {n_pred}: "
              f"P {p:.3f}  R {r:.3f}  F1 {f1:.3f}  held back {len(network.held_back)}")  # fmt: skip


if __name__ == "__main__":
    main()
