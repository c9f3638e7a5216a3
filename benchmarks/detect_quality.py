"""Detection quality on every labelled set this script knows, overall and per group.

- the demo corpus (src/wildtrace/demo/data/labels.csv): offers are positives, decoys and
  ordinary listings negatives; "demand" posts are reported separately (the detector
  should flag them too, with the cue "wanted (demand)");
- ../shared/data/dev/leather_validation.csv when present (English marketplace titles;
  label 1 = made from a real animal). Its label is not the same question as ours (it
  counts seashells and insects), so its figures are indicative only.

The demo corpus was written by the same team as the lexicon: its figures are an upper
bound, not a measure of performance on unseen data. Usage:

    .venv/bin/python benchmarks/detect_quality.py [--dev PATH_TO_shared/data/dev]
"""

from __future__ import annotations

import argparse
import csv
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

from wildtrace.cli import demo_inputs
from wildtrace.collect import read_file
from wildtrace.model import Listing
from wildtrace.pipeline import analyze_batch

Scores = tuple[int, float, float, float, float]


def prf(pairs: Iterable[tuple[bool, float]], threshold: float = 0.5) -> Scores:
    """(n, precision, recall, F1, average precision) of (truth, score) pairs."""
    items = list(pairs)
    tp = sum(1 for truth, score in items if truth and score >= threshold)
    fp = sum(1 for truth, score in items if not truth and score >= threshold)
    fn = sum(1 for truth, score in items if truth and score < threshold)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    ranked = sorted(items, key=lambda item: -item[1])
    hits, total, ap = 0, sum(1 for truth, _ in items if truth), 0.0
    for rank, (truth, _) in enumerate(ranked, start=1):
        if truth:
            hits += 1
            ap += hits / rank
    return len(items), precision, recall, f1, (ap / total if total else 0.0)


def show(title: str, groups: dict[str, list[tuple[bool, float]]]) -> None:
    print(f"\n{title}")
    print(f"  {'group':<18}{'n':>6}{'P':>7}{'R':>7}{'F1':>7}{'AP':>7}")
    for name in sorted(groups, key=lambda key: (key != "ALL", key)):
        n, p, r, f1, ap = prf(groups[name])
        print(f"  {name:<18}{n:>6}{p:>7.3f}{r:>7.3f}{f1:>7.3f}{ap:>7.3f}")


def demo_corpus() -> None:
    root = demo_inputs()[0].parent
    labels = {row["id"]: row for row in csv.DictReader((root / "labels.csv").open(encoding="utf-8"))}
    listings = [item for path in (root / "listings.jsonl",) for item in read_file(path)
                if isinstance(item, Listing) and item.id in labels]  # fmt: skip
    analyses = analyze_batch(listings)
    by_language: dict[str, list[tuple[bool, float]]] = defaultdict(list)
    by_commodity: dict[str, list[tuple[bool, float]]] = defaultdict(list)
    commodities = sorted({row["commodity"] for row in labels.values() if row["commodity"]})
    demand: list[tuple[bool, float]] = []
    misses = []
    for listing, analysis in zip(listings, analyses, strict=True):
        label = labels[listing.id]
        detection = analysis.detection
        if label["label"] == "demand":
            demand.append((True, detection.score))
            continue
        truth = label["label"] == "offer"
        by_language["ALL"].append((truth, detection.score))
        by_language[label["language"]].append((truth, detection.score))
        # per commodity: an offer of it is a positive; a hit needs the commodity named
        for name in commodities:
            named = detection.score if name in detection.commodities else 0.0
            by_commodity[name].append((truth and label["commodity"] == name, named))
        if truth != detection.flagged:
            misses.append((label["label"], label["language"], detection.score, listing.title))
    per_commodity = by_commodity
    show(f"Demo corpus ({len(listings)} listings; offers vs decoys + ordinary)", by_language)
    show("Demo corpus per commodity (its offers vs all negatives)", per_commodity)
    flagged = sum(1 for _, score in demand if score >= 0.5)
    print(f"\n  demand posts flagged: {flagged}/{len(demand)}")
    print(f"\n  errors at threshold 0.5: {len(misses)}")
    for label, language, score, title in misses[:25]:
        print(f"    {label:<8} {language:<8} {score:.2f}  {(title or '')[:70]}")


def leather(dev: Path) -> None:
    path = dev / "leather_validation.csv"
    if not path.exists():
        print(f"\n(dev set not found at {path}; pass --dev)")
        return
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    listings = [Listing(id=row["id"], title=row["title"]) for row in rows]
    analyses = analyze_batch(listings)
    pairs = [(row["label"] == "1", a.detection.score) for row, a in zip(rows, analyses, strict=True)]
    show("Dev set leather_validation.csv (indicative: label = real animal material)", {"ALL": pairs})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dev", type=Path, default=Path(__file__).resolve().parents[2] / "shared/data/dev")
    args = parser.parse_args()
    demo_corpus()
    leather(args.dev)


if __name__ == "__main__":
    main()
