"""Write the detector's synthetic training and held-out corpus to files, for review.

The corpus is generated in code (``wildtrace.detect.corpus``) and ``wildtrace train``
regenerates it itself, so these files are not needed to train: they exist so that a
reviewer can read what the model learns from, and so that other tools can use it. The
same seed always writes the same files. Usage:

    .venv/bin/python scripts/make_training_corpus.py [--out build/training-corpus] [--seed 7] [--scale 1]

Writes ``<split>.jsonl`` (listings in the scan input format) and ``<split>-labels.csv``
(id, label, commodity, language, family, shape) for the splits train and heldout.
"""

from __future__ import annotations

import argparse
import csv
import json
from collections import Counter
from pathlib import Path

from wildtrace.detect.corpus import SPLITS, generate


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--out", type=Path, default=Path("build/training-corpus"))
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--scale", type=int, default=1)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for split in SPLITS:
        examples = generate(split, seed=args.seed, scale=args.scale)
        with (args.out / f"{split}.jsonl").open("w", encoding="utf-8") as listings:
            for ex in examples:
                record = {"id": ex.id, "title": ex.title or None, "text": ex.text, "price": ex.price}
                listings.write(json.dumps(record, ensure_ascii=False) + "\n")
        with (args.out / f"{split}-labels.csv").open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["id", "label", "commodity", "language", "family", "shape"])
            for ex in examples:
                writer.writerow([ex.id, ex.label, ex.commodity or "", ex.language, ex.family, ex.shape])
        counts = Counter((ex.shape, ex.label) for ex in examples)
        summary = ", ".join(f"{shape}/{label}: {n}" for (shape, label), n in sorted(counts.items()))
        print(f"{split}: {len(examples)} listings ({summary}) -> {args.out}")


if __name__ == "__main__":
    main()
