"""Detection quality on every labelled set this script knows, overall and per group.

Sets (none of them is trained on by the model that is measured):

- ``corpus-heldout``: the held-out split of the synthetic corpus (``detect.corpus``),
  written with other templates and other slot words than the training split, in three
  shapes modelled on the unseen judging sets: English social posts about ivory among
  colour/place/brand posts (``social_ivory_en``), shark and ray products versus toys,
  fossils and tools (``shark_ray_market``), and listings in the other languages with
  decoys (``multilingual``);
- ``demo-heldout``: the fifth of the demo corpus ``wildtrace train`` keeps back;
- ``leather_validation.csv`` from ../shared/data/dev (real eBay titles; its label,
  "made from a real animal", is not our question, so its figures are indicative only).

Each set is scored with the learned model and with the lexicon alone, so the gain of
the model is visible. The synthetic sets were written by the team that wrote the
lexicon: treat them as an optimistic estimate. Usage:

    .venv/bin/python benchmarks/detect_quality.py [--dev PATH_TO_shared/data/dev] [--errors 15]
"""

from __future__ import annotations

import argparse
import csv
from collections import defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path

from wildtrace.collect.labels import demo_examples
from wildtrace.detect import LEXICON_ONLY, Labelled, corpus_examples, detect
from wildtrace.model import Listing
from wildtrace.parse import detect_language

Scores = tuple[int, int, float, float, float, float]
Pairs = list[tuple[bool, float]]


def prf(pairs: Iterable[tuple[bool, float]], threshold: float = 0.5) -> Scores:
    """(n, positives, precision, recall, F1, average precision) of (truth, score) pairs."""
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
    return len(items), total, precision, recall, f1, (ap / total if total else 0.0)


def show(title: str, groups: dict[str, dict[str, Pairs]]) -> None:
    """One table: per group, the model's and the lexicon-only figures."""
    print(f"\n{title}")
    print(f"  {'group':<24}{'n':>6}{'pos':>6}{'P':>7}{'R':>7}{'F1':>7}{'AP':>7}   lexicon-only F1")
    for name in sorted(groups["model"], key=lambda key: (key != "ALL", key)):
        n, pos, p, r, f1, ap = prf(groups["model"][name])
        lexicon_f1 = prf(groups["lexicon"][name])[4]
        print(f"  {name:<24}{n:>6}{pos:>6}{p:>7.3f}{r:>7.3f}{f1:>7.3f}{ap:>7.3f}   {lexicon_f1:.3f}")


def score_set(title: str, examples: Sequence[Labelled], errors: int) -> None:
    """Score a labelled set with both scorers; print per language, commodity and family."""
    by_language: dict[str, dict[str, Pairs]] = {"model": defaultdict(list), "lexicon": defaultdict(list)}
    by_commodity: dict[str, dict[str, Pairs]] = {"model": defaultdict(list), "lexicon": defaultdict(list)}
    by_family: dict[str, dict[str, Pairs]] = {"model": defaultdict(list), "lexicon": defaultdict(list)}
    commodities = sorted({ex.commodity for ex in examples if ex.commodity})
    misses: list[tuple[int, float, str, str]] = []
    for example in examples:
        listing = example.listing
        sample = " ".join(filter(None, (listing.title, listing.text, listing.seller_info)))
        language = detect_language(sample[:400])
        truth = bool(example.label)
        for name, model in (("model", None), ("lexicon", LEXICON_ONLY)):
            detection = detect(listing, language, model=model)
            by_language[name]["ALL"].append((truth, detection.score))
            by_language[name][example.language or "?"].append((truth, detection.score))
            by_family[name][example.group or "?"].append((truth, detection.score))
            # per commodity: its positives vs every negative; a hit must name the commodity
            for commodity in commodities:
                named = detection.score if commodity in detection.commodities else 0.0
                by_commodity[name][commodity].append((truth and example.commodity == commodity, named))
            if name == "model" and truth != detection.flagged:
                misses.append(
                    (example.label, detection.score, example.group, (listing.title or listing.text or ""))
                )
    show(f"{title}: per language", by_language)
    show(f"{title}: per commodity (its positives vs all negatives)", by_commodity)
    print(f"\n{title}: share flagged per family (offer/demand should be high, look-alikes low)")
    print(f"  {'family':<24}{'n':>6}{'model':>8}{'lexicon':>9}")
    for family in sorted(by_family["model"]):
        rows = by_family["model"][family]
        flagged = sum(score >= 0.5 for _, score in rows) / len(rows)
        lexicon = sum(score >= 0.5 for _, score in by_family["lexicon"][family]) / len(rows)
        print(f"  {family:<24}{len(rows):>6}{flagged:>8.1%}{lexicon:>9.1%}")
    if errors:
        print(f"  errors at threshold 0.5: {len(misses)}; first {min(errors, len(misses))}:")
        for label, score, group, text in misses[:errors]:
            print(f"    truth={label} score={score:.2f} {group:<14} {text[:80]!r}")


def leather(dev: Path) -> None:
    path = dev / "leather_validation.csv"
    if not path.exists():
        print(f"\n(dev set not found at {path}; pass --dev)")
        return
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    examples = [
        Labelled(
            Listing(id=row["id"], title=row["title"]),
            int(row["label"] == "1"),
            "dev",
            "en",
            None,
            "label=" + row["label"],
        )
        for row in rows
    ]
    score_set("Dev set leather_validation.csv (indicative: label = real animal material)", examples, 0)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--dev", type=Path, default=Path(__file__).resolve().parents[2] / "shared/data/dev")
    parser.add_argument("--errors", type=int, default=15, help="misclassified examples to print per set")
    args = parser.parse_args()
    heldout = corpus_examples("heldout")
    for shape in ("social_ivory_en", "shark_ray_market", "multilingual"):
        subset = [ex for ex in heldout if ex.source == f"corpus:{shape}"]
        score_set(f"corpus-heldout/{shape} ({len(subset)} listings)", subset, args.errors)
    demo = demo_examples("heldout")
    score_set(f"demo-heldout ({len(demo)} listings, the fifth kept back from training)", demo, args.errors)
    leather(args.dev)


if __name__ == "__main__":
    main()
