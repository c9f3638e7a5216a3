"""Every analysis of the demo and training corpora, written out and digested, so that a speed
change can show that it changes no output (or list exactly what it changes).

For each corpus it writes one line per listing (the ``repr`` of its ``Analysis``, and of the
learned model's feature vector, sorted by bucket, when the listing has lexicon evidence) and
prints a SHA-256 of the file.
The corpora: the demo corpus that ships in the package (every input, WARC and HTML included);
the detector's synthetic training corpus (both splits); and "mixed", the demo listings with
titles, texts and seller info recombined (so no text repeats a cached one), each run twice,
to check that a repeated listing gives what its first run gave. Usage:

    .venv/bin/python scripts/analysis_digest.py --out /tmp/speed/base        # before a change
    .venv/bin/python scripts/analysis_digest.py --out /tmp/speed/new --compare /tmp/speed/base

With ``--compare`` it lists the listings whose lines differ and exits 1 when any does.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

from wildtrace.collect import read_inputs
from wildtrace.commands.demo import demo_inputs
from wildtrace.detect import find_hits, has_evidence, lexicon_logit
from wildtrace.detect.corpus import SPLITS, generate
from wildtrace.detect.learned import features
from wildtrace.detect.lexicon import default_lexicon
from wildtrace.detect.score import fuse
from wildtrace.model import Listing
from wildtrace.pipeline import analyze_batch

#: Listings analysed per call, as a scan's runner batches them.
BATCH = 256


def demo_listings() -> list[Listing]:
    return [item for item in read_inputs(demo_inputs()) if isinstance(item, Listing)]


def training_listings() -> list[Listing]:
    return [
        Listing(id=f"{split}:{ex.id}", title=ex.title or None, text=ex.text, price=ex.price)
        for split in SPLITS
        for ex in generate(split)
    ]


def mixed_listings() -> list[Listing]:
    """Demo listings whose fields come from three different listings (texts no corpus has)."""
    base = demo_listings()
    n = len(base)
    mixed = [
        replace(
            base[i],
            id=f"mixed-{i}",
            text=base[(i * 7 + 3) % n].text,
            seller_info=base[(i * 13 + 5) % n].seller_info,
        )
        for i in range(n)
    ]
    return mixed + [replace(item, id=f"{item.id}-again") for item in mixed]


CORPORA = {"demo": demo_listings, "training": training_listings, "mixed": mixed_listings}


def lines(listings: list[Listing]) -> Iterator[str]:
    analyses = [
        a for start in range(0, len(listings), BATCH) for a in analyze_batch(listings[start : start + BATCH])
    ]
    lexicon = default_lexicon()
    for listing, analysis in zip(listings, analyses, strict=True):
        yield f"{listing.id}\t{analysis!r}"
        raw, kept = find_hits(listing, analysis.language)
        if has_evidence(kept):
            logit = lexicon_logit(fuse(listing, kept, lexicon).score)
            yield f"{listing.id}\tfeatures {sorted(features(listing, raw, kept, logit).items())!r}"


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--out", type=Path, required=True, help="folder for <corpus>.txt")
    parser.add_argument("--compare", type=Path, help="folder of an earlier --out to compare with")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    differing = 0
    for name, make in CORPORA.items():
        listings = make()
        text = "\n".join(lines(listings)) + "\n"
        path = args.out / f"{name}.txt"
        path.write_text(text, encoding="utf-8")
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        print(f"{name}: {len(listings)} listings, sha256 {digest} -> {path}")
        if args.compare is None:
            continue
        before = (args.compare / f"{name}.txt").read_text(encoding="utf-8").splitlines()
        after = text.splitlines()
        if before == after:
            print(f"  identical to {args.compare / path.name}")
            continue
        changed = sorted({line.split("\t", 1)[0] for line in set(before) ^ set(after)})
        differing += len(changed)
        print(f"  {len(changed)} listings differ from {args.compare / path.name}: {', '.join(changed[:20])}")
    return 1 if differing else 0


if __name__ == "__main__":
    sys.exit(main())
