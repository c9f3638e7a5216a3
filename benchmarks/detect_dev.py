"""Zero-shot detection on labelled data nobody on the project wrote, beside the synthetic figures.

Sets (none is ever trained on; the packaged model is measured as shipped):

- ``leather_validation.csv`` (../shared/data/dev): 500 English marketplace titles (eBay,
  1stDibs, eBid ...). Label 1 = the item is made of a real animal. That is wider than our
  question (it counts leather of cattle, deer antlers, fossils, seashells), so its figures
  are a proxy for "real marketplace ads";
- ``birds_classifieds.csv`` (../shared/data/dev): Australian bird classifieds, already
  stemmed (``text_stop_stem``). Positive = a live bird on offer that is neither poultry,
  nor junk (cages, feed), nor a "wanted" ad. Stemmed text lacks the words the lexicon
  needs, so this set shows how far the detector carries to text it was not built for;
- ``corpus-heldout/multilingual`` (SYNTHETIC, written by the team): the held-out split of
  the training corpus in the eleven other language tags, with decoys.

Figures per set: precision, recall and F1 at the threshold, average precision (AP, the
ranking quality whatever the threshold), and the CPU seconds the scoring took. Usage:

    .venv/bin/python benchmarks/detect_dev.py [--dev DIR] [--birds 3000] [--errors 0]
"""

from __future__ import annotations

import argparse
import csv
import random
import time
from collections.abc import Iterable, Sequence
from pathlib import Path

from wildtrace.detect import DEFAULT_THRESHOLD, LEXICON_ONLY, corpus_examples, detect
from wildtrace.model import Listing
from wildtrace.parse import detect_language

Pair = tuple[bool, float]


def figures(
    pairs: Iterable[Pair], threshold: float = DEFAULT_THRESHOLD
) -> tuple[int, int, float, float, float, float]:
    """(n, positives, precision, recall, F1, average precision) of (truth, score) pairs."""
    items = list(pairs)
    tp = sum(1 for truth, score in items if truth and score >= threshold)
    fp = sum(1 for truth, score in items if not truth and score >= threshold)
    positives = sum(1 for truth, _ in items if truth)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / positives if positives else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    hits, ap = 0, 0.0
    # ties broken against the positives, so that a constant score gets the base rate
    for rank, (truth, _) in enumerate(sorted(items, key=lambda item: (-item[1], item[0])), start=1):
        if truth:
            hits += 1
            ap += hits / rank
    return len(items), positives, precision, recall, f1, (ap / positives if positives else 0.0)


def score(listings: Sequence[tuple[Listing, bool]], model: str | None = None) -> tuple[list[Pair], float]:
    """(truth, score) of every listing, and the CPU seconds that took."""
    started = time.process_time()
    pairs = []
    for listing, truth in listings:
        sample = " ".join(filter(None, (listing.title, listing.text)))
        pairs.append((truth, detect(listing, detect_language(sample[:400]), model=model).score))
    return pairs, time.process_time() - started


def report(name: str, listings: Sequence[tuple[Listing, bool]], errors: int) -> None:
    pairs, cpu = score(listings)
    lexicon_pairs, _ = score(listings, LEXICON_ONLY)
    n, pos, p, r, f1, ap = figures(pairs)
    lexicon_f1, lexicon_ap = figures(lexicon_pairs)[4], figures(lexicon_pairs)[5]
    print(
        f"{name:<42}{n:>6}{pos:>6}{p:>7.3f}{r:>7.3f}{f1:>7.3f}{ap:>7.3f}"
        f"   {lexicon_f1:>6.3f} {lexicon_ap:>6.3f}  {1e6 * cpu / max(n, 1):>6.0f}"
    )
    if errors:
        wrong = [
            (truth, s, listing) for (listing, truth), (_, s) in zip(listings, pairs, strict=True)
            if truth != (s >= DEFAULT_THRESHOLD)
        ]  # fmt: skip
        for truth, s, listing in wrong[:errors]:
            print(f"      truth={int(truth)} score={s:.2f} {(listing.title or listing.text or '')[:90]!r}")


def leather(dev: Path) -> list[tuple[Listing, bool]]:
    with (dev / "leather_validation.csv").open(encoding="utf-8") as handle:
        return [
            (Listing(id=row["id"], title=row["title"]), row["label"] == "1") for row in csv.DictReader(handle)
        ]


def birds(dev: Path, sample: int) -> list[tuple[Listing, bool]]:
    with (dev / "birds_classifieds.csv").open(encoding="latin-1") as handle:
        rows = list(csv.DictReader(handle))
    random.Random(12).shuffle(rows)
    return [
        (
            Listing(id=row["classifieds_unique_listing_id"], text=row["text_stop_stem"]),
            row["label1"] == row["label2"] == row["label3"] == "0",
        )
        for row in rows[:sample]
    ]


def default_dev() -> Path:
    """../shared/data/dev beside the checkout (or beside the folder of worktrees)."""
    root = Path(__file__).resolve().parents[1]
    candidates = [parent / "shared/data/dev" for parent in root.parents]
    return next((path for path in candidates if path.is_dir()), candidates[0])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--dev", type=Path, default=default_dev())
    parser.add_argument("--birds", type=int, default=3000, help="bird ads to score (a seeded sample)")
    parser.add_argument("--errors", type=int, default=0, help="misclassified listings to print per set")
    args = parser.parse_args()
    print(
        f"threshold {DEFAULT_THRESHOLD}; model = the active model; lexicon = the additive lexicon score alone"
    )
    print(
        f"{'set':<42}{'n':>6}{'pos':>6}{'P':>7}{'R':>7}{'F1':>7}{'AP':>7}   {'lexF1':>6} {'lexAP':>6}  µs CPU"
    )
    if (args.dev / "leather_validation.csv").exists():
        report("dev leather_validation (real)", leather(args.dev), args.errors)
    if (args.dev / "birds_classifieds.csv").exists():
        report(f"dev birds_classifieds (real, {args.birds})", birds(args.dev, args.birds), args.errors)
    heldout = corpus_examples("heldout")
    multilingual = [(ex.listing, bool(ex.label)) for ex in heldout if ex.source == "corpus:multilingual"]
    report("corpus-heldout multilingual (SYNTH)", multilingual, args.errors)
    for shape in ("social_ivory_en", "shark_ray_market", "animal_product_market", "multilingual_specimen"):
        subset = [(ex.listing, bool(ex.label)) for ex in heldout if ex.source == f"corpus:{shape}"]
        if subset:
            report(f"corpus-heldout {shape} (SYNTH)", subset, args.errors)

    # posts about the trade (news, seizures, campaigns) in every language: all negatives
    discussion = [ex.listing for ex in heldout if ex.source == "corpus:discussion"]
    pairs, _ = score([(listing, False) for listing in discussion])
    flagged = sum(s >= DEFAULT_THRESHOLD for _, s in pairs)
    print(f"corpus-heldout discussion (SYNTH, no offers): {flagged} of {len(pairs)} flagged")


if __name__ == "__main__":
    main()
