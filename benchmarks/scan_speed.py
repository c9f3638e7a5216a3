"""Listings per second of ``pipeline.analyze_batch`` on one core, and where the time goes.

The corpus: the demo listings (offers, decoys, ordinary posts in a dozen languages),
each padded with ordinary marketplace prose to about 1 KB of title + text + seller
info, repeated with fresh ids up to --listings. Prints the median of --runs runs of
analyze_batch in this one process, then the time of each stage run on its own over
the same listings (language identification, lexicon matching, lexicon fusion, the
learned model, extraction), as a share of the whole. The machine is shared: expect
noise, and compare medians. Usage:

    .venv/bin/python benchmarks/scan_speed.py [--listings 5000] [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
from collections.abc import Callable
from dataclasses import replace

from wildtrace.cli import demo_inputs
from wildtrace.collect import read_file
from wildtrace.detect import find_hits, has_evidence, lexicon_logit
from wildtrace.detect.learned import default_model, features
from wildtrace.detect.lexicon import default_lexicon
from wildtrace.detect.score import fuse
from wildtrace.extract import extract
from wildtrace.model import Listing
from wildtrace.parse import detect_language
from wildtrace.pipeline import LANGUAGE_SAMPLE, analyze_batch


def corpus(size: int, target: int = 1000) -> list[Listing]:
    """Demo listings grown to about ``target`` bytes by repeating their own text (so each
    keeps its language and its evidence), repeated with fresh ids up to ``size``."""
    base = [item for item in read_file(demo_inputs()[0]) if isinstance(item, Listing)]
    padded = []
    for item in base:
        own = item.text or item.title or "listing"
        text = own
        while sum(len((x or "").encode()) for x in (item.title, text, item.seller_info)) < target:
            text += "\n" + own
        padded.append(replace(item, text=text))
    return [replace(padded[i % len(padded)], id=f"bench-{i}") for i in range(size)]


def timed(fn: Callable[[], object], runs: int) -> float:
    """Median CPU seconds of this process (the machine is shared: wall time would count
    the other processes' turns on the core)."""
    times = []
    for _ in range(runs):
        start = time.process_time()
        fn()
        times.append(time.process_time() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--listings", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    listings = corpus(args.listings)
    kilobytes = (
        statistics.mean(
            sum(len((x or "").encode()) for x in (item.title, item.text, item.seller_info))
            for item in listings
        )
        / 1000
    )
    analyze_batch(listings[:200])  # load the lexicon, the model and the language identifier
    total = timed(lambda: analyze_batch(listings), args.runs)

    samples = [" ".join(filter(None, (x.title, x.text, x.seller_info)))[:LANGUAGE_SAMPLE] for x in listings]
    languages = [detect_language(sample) for sample in samples]
    hits = [find_hits(item, language) for item, language in zip(listings, languages, strict=True)]
    lexicon = default_lexicon()
    model = default_model()
    lexical = [fuse(item, kept, lexicon) for item, (_, kept) in zip(listings, hits, strict=True)]

    def learned() -> None:
        if model is None:
            return
        for item, (raw, kept), detection in zip(listings, hits, lexical, strict=True):
            if has_evidence(kept):
                model.probability(features(item, raw, kept, lexicon_logit(detection.score)))

    stages = {
        "language (script check + py3langid)": lambda: [detect_language(s) for s in samples],
        "lexicon matching (normalise + Aho-Corasick)": lambda: [
            find_hits(item, lang) for item, lang in zip(listings, languages, strict=True)
        ],
        "lexicon fusion (score.fuse)": lambda: [
            fuse(item, kept, lexicon) for item, (_, kept) in zip(listings, hits, strict=True)
        ],
        "learned model (features + dot product)": learned,
        "extraction (phones, handles, ...; issue 4)": lambda: [
            extract(item, lang) for item, lang in zip(listings, languages, strict=True)
        ],
    }
    with_evidence = sum(1 for _, kept in hits if has_evidence(kept))
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores (shared), Python {platform.python_version()}"
    )
    print(
        f"corpus: {len(listings):,} listings, {kilobytes:.2f} KB of title+text+seller_info on average; "
        f"{with_evidence / len(listings):.0%} have lexicon evidence (the model scores only those)"
    )
    print(
        f"analyze_batch, 1 process: {len(listings) / total:,.0f} listings/s of CPU time "
        f"(median of {args.runs} runs)"
    )
    print("where the time goes (each stage timed alone over the same listings):")
    parts = {name: timed(fn, args.runs) for name, fn in stages.items()}
    for name, seconds in parts.items():
        print(f"  {name:<46}{seconds / len(listings) * 1e6:>8.1f} us/listing {seconds / total:>6.0%}")
    rest = total - sum(parts.values())
    print(
        f"  {'other (Analysis objects, bookkeeping)':<46}{rest / len(listings) * 1e6:>8.1f} us/listing "
        f"{rest / total:>6.0%}"
    )


if __name__ == "__main__":
    main()
